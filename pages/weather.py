"""1 · The weather series: the tutorial's AR(2) process or a real station's, its windows, and a
CSV download."""

import streamlit as st

from rnnviz.ui import layout, own_data, weather

layout.page_header(
    "1 · The weather series",
    "The tutorial's synthetic weather: each day's temperature is 0.7 × yesterday's plus 0.2 × the "
    "day before's plus random noise, $T_t = \\varphi_1 T_{t-1} + \\varphi_2 T_{t-2} + "
    "\\mathcal{N}(0, \\sigma)$, starting from 20 and 21. The RNN will read 5 days and predict "
    "the 6th. Change the process below, or learn on real weather measured at a station; every "
    "later page learns on the series you pick here.",
)

weather.source_picker()
stationarity = weather.process_controls()
weather.about_the_station()
own_data.upload_section()

st.subheader("The series and one window")
weather.series_and_window()
weather.slide_note(stationarity)
weather.download()
