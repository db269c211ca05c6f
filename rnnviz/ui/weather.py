"""The weather page's parts: the AR(2) process and its stationarity, the series with one window,
the note about the tutorial's slide towards 0, and the CSV download."""

from __future__ import annotations

import streamlit as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.figures.weather import series_figure
from rnnviz.text.explain import stationarity_sentence
from rnnviz.ui import layout, series, state


def process_controls() -> core.Stationarity | None:
    """The AR(2) settings and whether the process settles (None while an upload is in use)."""
    if series.uploaded() is not None:
        return None
    series.series_controls()
    values = state.values()
    stationarity = core.ar2_stationarity((values["phi1"], values["phi2"]))
    if stationarity.stationary:
        st.caption(stationarity_sentence(stationarity))
    else:
        st.warning(stationarity_sentence(stationarity), icon=":material/trending_up:")
    return stationarity


def series_and_window() -> None:
    """The series with the chosen window's input days and target."""
    temps = series.current_series()
    start = series.window_slider()
    first_day, target_day = start + 1, start + 1 + schema.SEQ_LEN
    layout.chart(
        series_figure(temps, start, schema.SEQ_LEN),
        f"Blue dots: the input window, days {first_day}–{target_day - 1}; the star: day "
        f"{target_day}, the target the RNN should predict. Days are counted from 1 here; in the "
        f"tutorial's code they are 0-based, so this window is "
        f"`temps[{start}:{start + schema.SEQ_LEN}]` → `temps[{start + schema.SEQ_LEN}]`. With "
        f"{temps.shape[0]} days there are {temps.shape[0] - schema.SEQ_LEN} windows.",
        key="series",
    )


def slide_note(stationarity: core.Stationarity | None) -> None:
    """Why the tutorial's series decays towards 0 (its process has no intercept)."""
    if stationarity is None or not stationarity.stationary or state.values()["mu"] != 0:
        return
    st.info(
        "Notice the slide: the tutorial's process has no intercept, so its mean is 0 and the "
        "series "
        "decays from 20 towards 0 (by about 8% a day, the largest root 0.918) instead of hovering "
        "at a realistic temperature. Set the mean level μ to keep it near, say, 15 °C; that is a "
        "departure from the tutorial, so it is off by default.",
        icon=":material/lightbulb:",
    )


def download() -> None:
    st.download_button(
        "Download the series as CSV",
        data=series.series_csv(series.current_series()),
        file_name="rnnviz_series.csv",
        mime="text/csv",
        help="One row per day: the day (counted from 1) and its temperature.",
    )
