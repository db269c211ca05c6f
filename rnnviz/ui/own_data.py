"""The weather page's upload: preview a student's CSV, then use it as the session's series."""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz import settings as schema
from rnnviz.figures.weather import series_figure
from rnnviz.files import upload
from rnnviz.ui import layout, series, state, weather

GAP_LABELS = {
    upload.Gaps.INTERPOLATE: "Fill them by straight lines between the days either side",
    upload.Gaps.DROP: "Drop those days (the days either side become neighbours)",
}


@st.cache_data(max_entries=16, show_spinner=False)
def _read(data: bytes) -> upload.Table:
    # Reading a file takes a tenth of a second for four years of days; the page reruns on every
    # click, so each file is read once (keyed by its bytes; each caller gets its own copy).
    return upload.read_table(data)


def _use(name: str, chosen: upload.UploadedSeries) -> None:
    st.session_state[state.UPLOADED_SERIES] = state.OwnSeries(
        name, chosen.column, chosen.values, chosen.dates, chosen.unit, chosen.filled
    )
    weather.measured_defaults(True)


def _stop_using() -> None:
    st.session_state.pop(state.UPLOADED_SERIES, None)
    weather.measured_defaults(state.values()[schema.SOURCE.name] != schema.GENERATED)


def upload_section() -> None:
    """Upload, check and preview a CSV; nothing changes until "Use this series" is pressed."""
    own = series.uploaded()
    with st.expander("Use your own series (upload a CSV)", expanded=own is not None):
        st.caption(
            "A CSV with a column of numbers, one row per day, for example daily temperatures "
            f"you measured (at most {upload.MAX_DAYS:,} days and "
            f"{upload.MAX_BYTES // 2**20} MB). Comma, semicolon or tab separated, decimal "
            "points or commas, UTF-8 or UTF-16, units such as 12.5 °C or 51°F in the cells, a "
            "date column, empty days: all read. The CSV this page downloads uploads again as it "
            "is. An uploaded series lives only in your browser tab: it cannot travel in a link."
        )
        if own is not None:
            st.success(f"In use: {series.series_summary()}.", icon=":material/description:")
            st.button("Stop using it", on_click=_stop_using)
        file = st.file_uploader(
            "Your CSV file",
            type=["csv", "txt", "tsv"],
            key="upload_file",
            help="Read here and checked; your current series stays until "
            "you press 'Use this series'.",
        )
        if file is None:
            return
        try:
            table = _read(file.getvalue())
        except upload.UploadError as err:
            st.error(f"{err} Your current series is unchanged.", icon=":material/warning:")
            return
        for note in (*table.notes, *(f"Skipped: {n}" for n in table.skipped)):
            st.caption(note)
        columns = list(table.frame.columns)
        column = st.selectbox(
            "Column to use",
            columns,
            index=columns.index(table.suggested),
            help="Only columns of numbers are offered (a unit in the cells is fine).",
        )
        gaps = upload.Gaps.INTERPOLATE
        if table.frame[column].isna().any():
            gaps = st.radio(
                "Empty days",
                list(GAP_LABELS),
                format_func=GAP_LABELS.get,
                key="upload_gaps",
                help="A filled day is never a target the model is scored on; with a held-out "
                "tail, no line is drawn across its boundary.",
            )
        try:
            chosen = upload.series_of(table, column, schema.SEQ_LEN, gaps)
        except upload.UploadError as err:
            st.error(f"{err} Your current series is unchanged.", icon=":material/warning:")
            return
        for notice in chosen.notices:
            st.warning(notice, icon=":material/info:")
        filled = int(np.count_nonzero(chosen.filled)) if chosen.filled is not None else 0
        layout.chart(
            series_figure(chosen.values, dates=chosen.dates, unit=chosen.unit),
            f"Preview of '{column}': {chosen.values.shape[0]:,} days"
            + (f", {filled} of them filled" if filled else "")
            + ". Press the button to learn on it.",
            key="upload_preview",
        )
        st.button("Use this series", type="primary", on_click=_use, args=(file.name, chosen))
