"""What every page shares: the sidebar and the notices at the top."""

from __future__ import annotations

import streamlit as st

from rnnviz.ui import series, state


def sidebar() -> None:
    """The session's series in one line, so every page says what it learns on."""
    with st.sidebar:
        st.caption(series.series_summary() + ". Change it on the weather page.")


def page_header(title: str, intro: str) -> None:
    """A page's title, its one-paragraph purpose, and any notices about the link or a change."""
    st.title(title)
    st.markdown(intro)
    state.show_notices()
