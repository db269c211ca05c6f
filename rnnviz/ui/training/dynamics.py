"""The hidden state's dynamics on the training page: every window's final memory h_T in two
dimensions (its principal components, `core.pca`), coloured by day or by target, and the path
h_0 → h_T of the window chosen above ("Window to look inside")."""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.figures.dynamics import final_states_figure
from rnnviz.runs import RunResult
from rnnviz.text.numbers import num
from rnnviz.ui import layout, state


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def _states(params: core.Params, X: np.ndarray) -> np.ndarray:
    """h_0 … h_T of every window, (N, T+1, H) (cached: the page redraws it on every rerun)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return core.forward(params, X).h


def hidden_dynamics(result: RunResult) -> None:
    """h_T of every window as a point (PCA), and the chosen window's path h_0 → h_T."""
    _, X, y, scaler = result.request.data()
    h = _states(result.params, scaler.scale(X))  # (N, T+1, H)
    if not np.all(np.isfinite(h)):
        st.info("The hidden states are not finite numbers (the run diverged).")
        return
    count, hidden = h.shape[0], h.shape[-1]
    index = min(state.values()["look"], count) - 1
    state.bound_widget(schema.BY_NAME["hcolour"], st.radio, horizontal=True)
    by = state.values()["hcolour"]
    colour = np.arange(1, count + 1) if by == "day" else y
    pca = core.pca(h[:, -1, :])
    layout.chart(
        final_states_figure(
            pca.scores,
            colour,
            "first day" if by == "day" else "target",
            pca.explained,
            trajectory=pca.project(h[index]),
            picked=index,
        ),
        _caption(pca, colour, by, hidden, index),
        key="hidden_dynamics",
    )


def _caption(pca: core.PCA, colour: np.ndarray, by: str, hidden: int, index: int) -> str:
    shown = float(pca.explained.sum())
    text = (
        f"Each dot is one window's final memory $h_T$, the {hidden} number"
        f"{'s' if hidden > 1 else ''} the prediction $y = W_{{hy}} h_T + b_y$ reads, seen along "
        "the two directions in which they vary most (principal components: NumPy's SVD of the "
        f"centred $h_T$), which hold {shown:.0%} of their variance. The line is window "
        f"{index + 1}'s path $h_0 \\to h_1 \\to \\dots \\to h_T$ in the same coordinates, from "
        "$h_0 = 0$."
    )
    if hidden == 1:
        text += " With $H = 1$, $h_T$ is one number: the second component is 0."
    spread = np.std(pca.scores[:, 0])
    if spread > 0 and np.std(colour) > 0:
        r = float(np.corrcoef(pca.scores[:, 0], colour)[0, 1])
        what = "the window's first day" if by == "day" else "the target"
        text += f" Along component 1, the correlation with {what} is $r = {num(r)}$."
    return text
