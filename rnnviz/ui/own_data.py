"""The weather page's upload: preview a student's CSV, then use it as the session's series."""

from __future__ import annotations

import streamlit as st

from rnnviz import settings as schema
from rnnviz.figures.weather import series_figure
from rnnviz.files import upload
from rnnviz.ui import layout, series, state


def _use(name: str, column: str, values) -> None:
    st.session_state[state.UPLOADED_SERIES] = state.OwnSeries(name, column, values)
    state.set_values({schema.WINDOW.name: schema.WINDOW.default})


def _stop_using() -> None:
    st.session_state.pop(state.UPLOADED_SERIES, None)
    state.set_values({schema.WINDOW.name: schema.WINDOW.default})


def upload_section() -> None:
    """Upload, check and preview a CSV; nothing changes until "Use this series" is pressed."""
    own = series.uploaded()
    with st.expander("Use your own series (upload a CSV)", expanded=own is not None):
        st.caption(
            "A CSV with a column of numbers, one row per day, for example daily temperatures "
            f"you measured (at most {upload.MAX_DAYS} days and "
            f"{upload.MAX_BYTES // 2**20} MB). The CSV this page downloads uploads again as it "
            "is. An uploaded series lives only in your browser tab: it cannot travel in a link."
        )
        if own is not None:
            st.success(f"In use: {series.series_summary()}.", icon=":material/description:")
            st.button("Back to the generated series", on_click=_stop_using)
        file = st.file_uploader(
            "Your CSV file",
            type=["csv", "txt"],
            key="upload_file",
            help="Read here and checked; your current series stays until "
            "you press 'Use this series'.",
        )
        if file is None:
            return
        try:
            table = upload.read_table(file.getvalue())
        except upload.UploadError as err:
            st.error(f"{err} Your current series is unchanged.", icon=":material/warning:")
            return
        for note in table.skipped:
            st.caption(f"Skipped: {note}")
        columns = list(table.frame.columns)
        column = st.selectbox(
            "Column to use",
            columns,
            index=columns.index(table.suggested),
            help="Only columns that are entirely numbers are offered.",
        )
        try:
            values, notices = upload.series_from(table, column, schema.SEQ_LEN)
        except upload.UploadError as err:
            st.error(f"{err} Your current series is unchanged.", icon=":material/warning:")
            return
        for notice in notices:
            st.warning(notice)
        layout.chart(
            series_figure(values),
            f"Preview of '{column}': {values.shape[0]} days. Press the button to learn on it.",
            key="upload_preview",
        )
        st.button(
            "Use this series", type="primary", on_click=_use, args=(file.name, column, values)
        )
