"""2 · The RNN, step by step: one window read day by day, every number of the forward pass."""

import streamlit as st

from rnnviz.ui import dynamics, layout, model, timelines

layout.page_header(
    "2 · The RNN, step by step",
    "The RNN reads a 5-day window one day at a time. Each day it mixes today's temperature "
    "$x_t$ with its memory of the days before, $h_{t-1}$: first "
    "$a_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h$, where $a_t$ is the *pre-activation* (the "
    r"tutorial's `raw`), then $h_t = \tanh(a_t)$, the new memory. After the last day it predicts "
    "$y = W_{hy} h_T + b_y$. Press *Next* to watch it; turn on *Guess before I see* to predict "
    "each number first.",
)
with st.expander("The window and the model: pick a window, a model, or edit its five numbers"):
    model.model_controls()
chosen, example, run = model.page_pass()  # stops here with a sentence if it cannot run

st.subheader("The unrolled network")
st.caption(model.model_summary(chosen, example))
# A fragment: Back, Next, Reset, Run to end and a guess rerun only the timeline, not the
# controls above it nor the hidden state's map below it, which shows the whole window
# (rnnviz/ui/dynamics.py).
st.fragment(timelines.forward_timeline)(chosen, example, run)
dynamics.hidden_map(chosen, example, run)
