"""1 · The weather series: the tutorial's AR(2) process, its windows, and a CSV download."""

import streamlit as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.figures.weather import series_figure
from rnnviz.ui import layout, own_data, series, state

layout.page_header(
    "1 · The weather series",
    "The tutorial's synthetic weather: each day's temperature is 0.7 × yesterday's plus 0.2 × the "
    "day before's plus random noise, **T_t = φ1·T_(t−1) + φ2·T_(t−2) + N(0, σ)**, starting from 20 "
    "and 21. The RNN will read 5 days and predict the 6th. Change the process below; every later "
    "page learns on the series you make here.",
)

own = series.uploaded()
if own is None:
    series.series_controls()
    values = state.values()
    stationarity = core.ar2_stationarity((values["phi1"], values["phi2"]))
    if stationarity.stationary:
        st.caption(stationarity.explanation)
    else:
        st.warning(stationarity.explanation, icon=":material/trending_up:")
own_data.upload_section()
temps = series.current_series()

st.subheader("The series and one window")
start = series.window_slider()
first_day, target_day = start + 1, start + 1 + schema.SEQ_LEN
layout.chart(
    series_figure(temps, start, schema.SEQ_LEN),
    f"Blue dots: the input window, days {first_day}–{target_day - 1}; the star: day {target_day}, "
    f"the target the RNN should predict. Days are counted from 1 here; in the tutorial's code "
    f"they are 0-based, so this window is `temps[{start}:{start + schema.SEQ_LEN}]` → "
    f"`temps[{start + schema.SEQ_LEN}]`. With {temps.shape[0]} days there are "
    f"{temps.shape[0] - schema.SEQ_LEN} windows.",
    key="series",
)

if own is None and values["mu"] == 0 and stationarity.stationary:
    st.info(
        "Notice the slide: the tutorial's process has no intercept, so its mean is 0 and the "
        "series "
        "decays from 20 towards 0 (by about 8% a day, the largest root 0.918) instead of hovering "
        "at a realistic temperature. Set the mean level μ to keep it near, say, 15 °C; that is a "
        "departure from the tutorial, so it is off by default.",
        icon=":material/lightbulb:",
    )

st.download_button(
    "Download the series as CSV",
    data=series.series_csv(temps),
    file_name="rnnviz_series.csv",
    mime="text/csv",
    help="One row per day: the day (counted from 1) and its temperature.",
)
