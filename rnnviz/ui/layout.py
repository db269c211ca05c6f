"""What every page shares: the sidebar and the notices at the top."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from rnnviz.ui import series, state


def ensure_run_through_app() -> None:
    """Make sure this page runs inside app.py's st.navigation, never on its own.

    Streamlit decides once per server, on the first session, whether the app uses the legacy
    `pages/` folder: it does if that folder exists and app.py has not yet called
    st.navigation. So if a fresh server's first visitor opens a deep link (/weather), the page
    runs without app.py and without the session's set-up. Switch the legacy mode off and rerun:
    the rerun goes through app.py, which routes to the same page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def sidebar() -> None:
    """The session's series in one line, so every page says what it learns on."""
    with st.sidebar:
        st.caption(series.series_summary() + ". Change it on the weather page.")


def page_header(title: str, intro: str) -> None:
    """A page's title, its one-paragraph purpose, and any notices about the link or a change.

    Every page calls this first (it also makes sure the page runs through app.py).
    """
    ensure_run_through_app()
    st.title(title)
    st.markdown(intro)
    state.show_notices()
