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
    ]
)
layout.sidebar()
pages.run()
state.sync_url()
