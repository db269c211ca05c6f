"""3 · BPTT, step by step (being built)."""

import streamlit as st

from rnnviz.ui import layout

layout.page_header("3 · BPTT, step by step", "This lesson is being built.")
st.info("Coming soon.")
