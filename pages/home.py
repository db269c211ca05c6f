"""Start here: the journey from a weather series to a trained RNN, in four stops."""

import streamlit as st

from rnnviz.ui import layout

layout.page_header(
    "rnnviz: how an RNN remembers, and how BPTT teaches it",
    "A recurrent neural network reads a sequence one step at a time and carries a **hidden state** "
    "h_t from each day to the next: its memory. Training it means sending the error back through "
    "every one of those steps: **backpropagation through time (BPTT)**. This app follows the "
    "beginner tutorial *Recurrent Neural Networks (a beginner-friendly walkthrough)* and lets you "
    "watch every number it computes.",
)

st.subheader("The journey")
st.page_link(
    "pages/weather.py", label="1 · The weather series", icon=":material/partly_cloudy_day:"
)
st.markdown(
    "A synthetic temperature series, T_t = 0.7·T_(t−1) + 0.2·T_(t−2) + noise, cut into 5-day "
    "windows: the first 5 days are the input, day 6 is what the RNN should predict."
)
st.page_link("pages/stepper.py", label="2 · The RNN, step by step", icon=":material/arrow_forward:")
st.markdown(
    "One hidden unit, five parameters (W_xh, W_hh, b_h, "
    "W_hy, "
    "b_y): watch a_t = W_xh·x_t + W_hh·h_(t−1) + b_h and h_t = tanh(a_t) computed day by day."
)
st.page_link("pages/bptt.py", label="3 · BPTT, step by step", icon=":material/arrow_back:")
st.markdown(
    "The gradient of the loss (y − target)² flows backwards through "
    "time; see where it grows, where it vanishes, and check it against finite differences."
)
st.page_link("pages/training.py", label="4 · Training", icon=":material/trending_down:")
st.markdown(
    "The tutorial's vectorized RNN (20 hidden units, 2500 epochs of per-sample "
    "SGD) trained live, and compared with the best possible predictor of this series."
)
st.caption(
    "Every page keeps its settings in the address bar: copy the link to share exactly what you see."
    " Teachers: open a room under *Classroom* in the sidebar, and students who join with its code "
    "follow your page, settings and step on their own screens."
)
