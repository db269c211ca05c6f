"""What every page shares: the sidebar and the notices at the top."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from rnnviz.figures.tables import enlarge, figure_table
from rnnviz.ui import series, state

LARGE_TEXT = "large_text"  # session only: the projector's choice is not the students'
LARGE_SCALE = 1.5


def ensure_run_through_app() -> None:
    """Make sure this page runs inside app.py's st.navigation, never on its own.

    Streamlit decides once per server, on the first session, whether the app uses the legacy
    `pages/` folder: it does if that folder exists and app.py has not yet called
    st.navigation. So if a fresh server's first visitor opens a deep link (/weather), the page
    runs without app.py and without the session's set-up. Switch the legacy mode off and rerun:
    the rerun goes through app.py, which routes to the same page. Several sessions opening deep
    links at once can race on that server-wide flag, so a session whose set-up is missing
    reruns too.
    """
    if PagesManager.uses_pages_directory or state.SETTINGS not in st.session_state:
        PagesManager.uses_pages_directory = False
        st.rerun()


def sidebar() -> None:
    """The session's series in one line, and the projector's text size."""
    with st.sidebar:
        st.caption(series.series_summary() + ". Change it on the weather page.")
        st.toggle(
            "Large text (projector)",
            key=LARGE_TEXT,
            help="Bigger text and chart labels, readable from the back of a classroom. "
            "Only on this screen: students following you keep their own size.",
        )
    if st.session_state.get(LARGE_TEXT):
        # Streamlit sizes its text in rem, so scaling the root font scales the whole page.
        st.html(f"<style>html {{ font-size: {int(16 * LARGE_SCALE)}px; }}</style>")


def chart(fig: go.Figure, caption: str | None, key: str) -> None:
    """A figure (enlarged in large-text mode), the sentence that explains it, and its numbers as
    a table on request. `key` names the chart and its table's toggle: unique on the page."""
    if st.session_state.get(LARGE_TEXT):
        fig = enlarge(fig, LARGE_SCALE)
    st.plotly_chart(fig, width="stretch", key=key)
    if caption:
        st.caption(caption)
    numbers(lambda: figure_table(fig), key)


def numbers(
    make_table: Callable[[], pd.DataFrame], key: str, label: str = "Show the numbers"
) -> None:
    """A table, built and shown only while its toggle is on.

    A toggle rather than an expander: a closed expander's table is still built and sent on
    every run, and on the stepper that was about a tenth of each click's time.
    """
    if st.toggle(label, key=f"numbers:{key}", help="The values behind this, as a table."):
        table = make_table()
        st.dataframe(table, hide_index=True, width="stretch", height=min(240, 38 + 35 * len(table)))


def page_header(title: str, intro: str) -> None:
    """A page's title, its one-paragraph purpose, and any notices about the link or a change.

    Every page calls this first (it also makes sure the page runs through app.py).
    """
    ensure_run_through_app()
    st.title(title)
    st.markdown(intro)
    state.show_notices()
