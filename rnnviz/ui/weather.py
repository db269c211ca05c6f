"""The weather page's parts: which series (the tutorial's generated AR(2) weather or a real
station's), the AR(2) process and its stationarity, the series with one window, the note about
the tutorial's slide towards 0, and the CSV download."""

from __future__ import annotations

import streamlit as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.figures.weather import series_figure
from rnnviz.files import bundled
from rnnviz.text.explain import stationarity_sentence
from rnnviz.ui import layout, series, state

SOURCE_LABELS = {schema.GENERATED: "Generated: the tutorial's AR(2) weather"} | {
    name: f"Real: {entry.title}" for name, entry in bundled.BUNDLED.items()
}
# A real series is judged on days it never saw, and read standardised: raw temperatures of
# 20–30 saturate tanh (see the training page). The generated series keeps the tutorial's.
MEASURED_DEFAULTS = {"holdout": 20, "scaling": "standardised"}


def measured_defaults(measured: bool) -> None:
    """On a change of series: a real one is held out and standardised, the generated one goes
    back to the tutorial's settings (a callback: before anything is drawn)."""
    if measured:
        state.set_values(MEASURED_DEFAULTS)
    else:
        state.set_values({name: schema.BY_NAME[name].default for name in MEASURED_DEFAULTS})
    state.set_values({schema.WINDOW.name: schema.WINDOW.default})


def source_picker() -> None:
    """Generated or a real station's series; a notice while an upload replaces both."""
    state.bound_widget(
        schema.SOURCE,
        st.radio,
        format_func=SOURCE_LABELS.get,
        on_set=lambda name: measured_defaults(name != schema.GENERATED),
        disabled=series.uploaded() is not None,
    )
    if series.uploaded() is not None:
        st.caption("Your uploaded series is in use (below); stop using it to choose here again.")


def process_controls() -> core.Stationarity | None:
    """The AR(2) settings and whether the process settles (None for a real series)."""
    if series.is_measured():
        return None
    series.series_controls()
    values = state.values()
    stationarity = core.ar2_stationarity((values["phi1"], values["phi2"]))
    if stationarity.stationary:
        st.caption(stationarity_sentence(stationarity))
    else:
        st.warning(stationarity_sentence(stationarity), icon=":material/trending_up:")
    return stationarity


def about_the_station() -> None:
    """Where a bundled series was measured, by whom, and on what terms."""
    entry = series.bundled_entry()
    if entry is None:
        return
    dates = series.current_dates()
    st.markdown(
        f"**{entry.title}.** Measured at {entry.station} (GHCN-Daily station "
        f"{entry.station_id}), {dates[0]} to {dates[-1]}: {dates.shape[0]:,} days in "
        f"{entry.units}, none missing. Source: {entry.source}; licence: {entry.licence}."
    )
    st.caption(
        "Real weather has no known process to draw fresh days from, so the training page holds "
        "out its last fifth: the model never trains on those days, and is scored on them "
        "against simple rules such as tomorrow = today."
    )


def series_and_window() -> None:
    """The series with the chosen window's input days and target."""
    temps = series.current_series()
    start = series.window_slider()
    T = schema.SEQ_LEN
    first_day, target_day = start + 1, start + 1 + T
    layout.chart(
        series_figure(temps, start, T, dates=series.current_dates(), unit=series.current_unit()),
        f"Blue dots: the input window, days {first_day}–{target_day - 1}; the star: day "
        f"{target_day}, the target the RNN should predict. Days are counted from 1 here; in the "
        f"tutorial's code they are 0-based, so this window is `temps[{start}:{start + T}]` → "
        f"`temps[{start + T}]`. With {temps.shape[0]:,} days there are "
        f"{temps.shape[0] - T:,} windows.",
        key="series",
    )


def slide_note(stationarity: core.Stationarity | None) -> None:
    """Why the tutorial's series decays towards 0 (its process has no intercept)."""
    if stationarity is None or not stationarity.stationary or state.values()["mu"] != 0:
        return
    st.info(
        "Notice the slide: the tutorial's process has no intercept, so its mean is 0 and the "
        "series decays from 20 towards 0 (by about 8% a day, the largest root 0.918) instead of "
        "hovering at a realistic temperature. Set the mean level $\\mu$ to keep it near, say, "
        "15 °C; that is a departure from the tutorial, so it is off by default.",
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
