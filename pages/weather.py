"""1 · The weather series: the tutorial's AR(2) process, its windows, and a CSV download."""

import streamlit as st

from rnnviz.ui import layout, own_data, weather

layout.page_header(
    "1 · The weather series",
    "The tutorial's synthetic weather: each day's temperature is 0.7 × yesterday's plus 0.2 × the "
    "day before's plus random noise, **T_t = φ1·T_(t−1) + φ2·T_(t−2) + N(0, σ)**, starting from 20 "
    "and 21. The RNN will read 5 days and predict the 6th. Change the process below; every later "
    "page learns on the series you make here.",
)

stationarity = weather.process_controls()
own_data.upload_section()

st.subheader("The series and one window")
weather.series_and_window()
weather.slide_note(stationarity)
weather.download()
