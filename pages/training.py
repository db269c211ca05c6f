"""4 · Training: the tutorial's RNNPredictor trained live, measured honestly, and compared."""

import streamlit as st

from rnnviz.ui import layout
from rnnviz.ui.training import classroom, compare, controls, fit, heldout, jobs, run, take_home

layout.page_header(
    "4 · Training",
    "The tutorial's vectorized RNN: H hidden units read T days, "
    "a_t = W_xh·x_t + W_hh·h_(t−1) + b_h (the pre-activation) and h_t = tanh(a_t), then "
    "y = W_hy·h_T + b_y predicts the next day. Training repeats forward pass, loss "
    "(y − target)², BPTT, clipping and the update θ ← θ − η·∇θ, window after window, for every "
    "epoch. The defaults are the tutorial's: H = 20, η = 1e-4, 2500 epochs, clipping at ±1, "
    "5-day windows, one update per window, raw temperatures.",
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
    st.subheader("How good is the fit, really?")
    fit.generalisation(result)  # fresh days from the generated series' own process
    heldout.section(result)  # days held out at the end of any series
    st.subheader("Take it home")
    take_home.downloads(result)

st.subheader("Compare learning rates")
st.markdown(
    "Up to four runs with every setting above except the learning rate η, trained together as "
    "one stacked computation (the K models share each NumPy call), so they cost far less than "
    "K separate runs."
)
comparison = controls.compare_controls(disabled=jobs.busy(jobs.COMPARE))
compare.job_buttons(jobs.COMPARE, comparison, "Train the compared runs")
jobs.live(jobs.COMPARE, compare.draw_compare)

st.subheader("Truncated BPTT: how far back must the gradient go?")
compare.truncation_intro()
compare.job_buttons(jobs.TRUNCATION, controls.truncation_request(), "Run the experiment")
jobs.live(jobs.TRUNCATION, compare.draw_truncation)
