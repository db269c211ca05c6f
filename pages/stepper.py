"""2 · The RNN, step by step: one window read day by day, every number of the forward pass."""

import streamlit as st

from rnnviz import ledger
from rnnviz.figures.stepper import hidden_heatmap, tanh_figure
from rnnviz.figures.unrolled import unrolled_forward
from rnnviz.ui import layout, model

layout.page_header(
    "2 · The RNN, step by step",
    "The RNN reads a 5-day window one day at a time. Each day it mixes today's temperature x_t "
    "with its memory of the days before, h_(t−1): first **a_t = W_xh·x_t + W_hh·h_(t−1) + b_h**, "
    "where a_t is the *pre-activation* (the tutorial's `raw`), then **h_t = tanh(a_t)**, the new "
    "memory. After the last day it predicts **y = W_hy·h_T + b_y**. Press *Next* to watch it.",
)
with st.expander("The window and the model: pick a window, a model, or edit its five numbers"):
    model.model_controls()
chosen, example = model.current_model(), model.current_example()
if chosen.notice:
    st.warning(chosen.notice, icon=":material/science:")
try:
    run = model.run_window(chosen, example)
except ValueError as err:
    model.stop_with_error(err)
T = example.x.shape[0]

st.subheader("The unrolled network")
st.caption(model.model_summary(chosen, example))
step = model.step_buttons("fstep", T + 1, forward=True)
st.plotly_chart(
    unrolled_forward(run.trace, example.target, run.result.loss, step, first_day=example.first_day),
    width="stretch",
    key="unrolled_forward",
)
st.caption(
    "The same cell, drawn once per day: blue boxes are the inputs x_t (days counted from 1), "
    "circles the hidden states h_t, filled once computed; a thick black outline marks this "
    "step. Every arrow into h_t uses the same W_xh and W_hh. Hover a node for its full precision."
    + (" For H > 1 a node shows ‖h_t‖, the length of the vector." if chosen.hidden_size > 1 else "")
)

st.subheader("The chain-rule ledger")
lines = ledger.forward_lines(chosen.params, run.trace, example.target, step)
model.show_ledger(ledger.forward_title(step, T), lines)
st.caption(
    "Each number is the engine's value rounded to 4 significant digits, so the rounded terms "
    "need not add up to the rounded total in the last digit. Negative numbers are in parentheses."
    + (f" {ledger.vector_note(chosen.hidden_size)}" if chosen.hidden_size > 1 else "")
)

if step == T + 1:
    y, loss = float(run.trace.y_pred[0]), run.result.loss
    cols = st.columns(3)
    cols[0].metric("Prediction y", ledger.num(y))
    cols[1].metric(f"Target (day {example.target_day})", ledger.num(example.target))
    cols[2].metric("Loss (y − target)²", ledger.num(loss))
    st.info(
        "Look at the y line: how much of y comes from the memory, W_hy·h_T, and how much from "
        "the bias b_y? Page 3 sends this loss back through time to find how each of the five "
        "parameters should change.",
        icon=":material/arrow_forward:",
    )

left, right = st.columns(2)
with left:
    layout.chart(
        tanh_figure(run.trace, step),
        "h_t = tanh(a_t) squashes the pre-activation into −1 … 1. Where the curve is flat "
        "(|a_t| above about 2), h_t barely changes with a_t: remember this on the BPTT page.",
        key="tanh",
    )
with right:
    layout.chart(
        hidden_heatmap(run.trace, step),
        "The memory as a picture: one column h_t per step, one row per hidden unit, filled as "
        "the days are read. Blue is negative, vermillion positive, white 0.",
        key="heatmap",
    )
