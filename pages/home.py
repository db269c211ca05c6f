"""Start here: the journey from a weather series to a trained RNN, in a picture and a card per
lesson."""

import streamlit as st

from rnnviz.ui import home, layout

layout.page_header(
    "rnnviz: how an RNN remembers, and how BPTT teaches it",
    "A recurrent neural network reads a sequence one step at a time and carries a **hidden state** "
    "$h_t$ from each day to the next: its memory. Training it means sending the error back through "
    "every one of those steps: **backpropagation through time (BPTT)**. This app follows the "
    "beginner tutorial *Recurrent Neural Networks (a beginner-friendly walkthrough)* and lets you "
    "watch every number it computes.",
)
home.journey_picture()

st.subheader("The lessons")
home.lesson_cards()
st.markdown(home.defaults_line())
st.caption(
    "Every page keeps its settings in the address bar: copy the link to share exactly what you see."
    " Teachers: open a room under *Classroom* in the sidebar, and students who join with its code "
    "follow your page, settings and step on their own screens."
)
