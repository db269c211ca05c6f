"""4 · Training (being built)."""

import streamlit as st

from rnnviz.ui import layout

layout.page_header("4 · Training", "This lesson is being built.")
st.info("Coming soon.")
