"""rnnviz: the entry point. Declares the pages, sets up each session, keeps the URL in step."""

import streamlit as st

from rnnviz.ui import layout, series, state

st.set_page_config(page_title="rnnviz: RNNs and BPTT, step by step", page_icon="🔁", layout="wide")

if state.init_session():
    series.check_link_series()

pages = st.navigation(
    [
        st.Page("pages/home.py", title="Start here", icon="🏠", default=True),
        st.Page("pages/weather.py", title="1 · The weather series", icon="🌦️", url_path="weather"),
        st.Page(
            "pages/stepper.py", title="2 · The RNN, step by step", icon="➡️", url_path="stepper"
        ),
        st.Page("pages/bptt.py", title="3 · BPTT, step by step", icon="⬅️", url_path="bptt"),
        st.Page("pages/training.py", title="4 · Training", icon="📉", url_path="training"),
    ]
)
layout.sidebar()
pages.run()
state.sync_url()
