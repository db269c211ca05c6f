"""4 · Training: the tutorial's RNNPredictor trained live, measured honestly, and compared."""

import streamlit as st

from rnnviz.ui import layout
from rnnviz.ui.training import (
    classroom,
    compare,
    controls,
    dynamics,
    fit,
    heldout,
    jobs,
    run,
    take_home,
)

layout.page_header(
    "4 · Training",
    "The tutorial's vectorized RNN: $H$ hidden units read $T$ days; each day "
    "$a_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h$ (the pre-activation) and $h_t = \\tanh(a_t)$, "
    "then $y = W_{hy} h_T + b_y$ predicts the next day. Training repeats forward pass, loss "
    "$L = (y - \\text{target})^2$, BPTT, clipping and the update "
    "$\\theta \\leftarrow \\theta - \\eta \\, \\partial L / \\partial \\theta$, window "
    "after window, for every epoch. The defaults are the tutorial's: $H = 20$, "
    "$\\eta = 10^{-4}$, 2500 epochs, clipping at $\\pm 1$, 5-day windows ($T = 5$), one update "
    "per window, raw temperatures.",
)
controls.check_settings()
with st.container(border=True):
    controls.settings_controls(disabled=jobs.busy(jobs.RUN))
run.train_controls()
run.live()
classroom.class_experiment()

result = run.current_result()
if result is not None:
    if result.diverged:
        run.divergence(result)
    st.subheader("Predictions across the whole series")
    run.predictions(result)
    st.subheader(f"The tutorial's test: days 1–{result.request.seq_len} → the next day")
    run.tutorial_test(result)
    st.subheader("Inside the model")
    run.hidden_state(result)
    run.weights(result)
    dynamics.hidden_dynamics(result)
    st.subheader("How good is the fit, really?")
    fit.generalisation(result)  # fresh days from the generated series' own process
    heldout.section(result)  # days held out at the end of any series
    st.subheader("Take it home")
    take_home.downloads(result)

st.subheader("Compare learning rates")
st.markdown(
    "Up to four runs with every setting above except the learning rate $\\eta$, trained "
    "together as one stacked computation (the $K$ models share each NumPy call), so they cost "
    "far less than $K$ separate runs."
)
comparison = controls.compare_controls(disabled=jobs.busy(jobs.COMPARE))
compare.job_buttons(jobs.COMPARE, comparison, "Train the compared runs")
jobs.live(jobs.COMPARE, compare.draw_compare)

st.subheader("Truncated BPTT: how far back must the gradient go?")
compare.truncation_intro()
compare.job_buttons(jobs.TRUNCATION, controls.truncation_request(), "Run the experiment")
jobs.live(jobs.TRUNCATION, compare.draw_truncation)
