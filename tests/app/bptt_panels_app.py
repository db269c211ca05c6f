"""A tiny page for tests/app/test_bptt_panels.py: the three gradient panels on a fixed model.

`test_hidden` (H) and `test_params` may be set in the session state before the first run;
Apply writes the new parameters to `test_applied` and makes them the model.
"""

import streamlit as st

from rnnviz import core
from rnnviz.ui import bptt_panels, state

state.init_session()
hidden = st.session_state.setdefault("test_hidden", 1)
if "test_params" not in st.session_state:
    st.session_state["test_params"] = core.init_params(hidden, seed=0)
X, y = core.make_windows(core.weather_series(), 5)


def on_apply(new_params: dict) -> None:
    if st.session_state.get("test_refuse"):
        raise ValueError("The model is locked for this test.")
    st.session_state["test_applied"] = new_params
    st.session_state["test_params"] = new_params


params = st.session_state["test_params"]
bptt_panels.vanishing_panel(params)
bptt_panels.gradcheck_panel(params, X[0], float(y[0]))
bptt_panels.clipping_panel(params, X[0], float(y[0]), on_apply)
state.sync_url()
