"""3 · BPTT, step by step: the stepper's loss sent back through time, number by number."""

import streamlit as st

from rnnviz.ui import bptt_panels, layout, model, timelines

layout.page_header(
    "3 · BPTT, step by step",
    "Training needs to know how the loss L = (y − target)² changes with each of W_xh, W_hh, b_h, "
    "W_hy and b_y. **Backpropagation through time** answers by walking the forward pass "
    "backwards: *Step A* goes back through the output, then *Step B* goes back one day at a time, "
    "t = 5 … 1, carrying **dh_next = dL/dh_t** from each day to the day before. Here a_t is the "
    "pre-activation (the tutorial's `raw`) and da_t = dL/da_t (the tutorial's `dtanh`).",
)
with st.expander("The window and the model (shared with page 2)"):
    model.model_controls()
chosen, example, run = model.page_pass()
st.caption(model.pass_summary(chosen, example, run))

st.subheader("Gradients flowing backward")
# A fragment: ◀, ▶ and the Play toggle rerun only the timeline, not the panels below.
st.fragment(timelines.backward_timeline)(chosen, example, run)

bptt_panels.vanishing_panel(chosen.params)
bptt_panels.gradcheck_panel(chosen.params, example.x, example.target)
bptt_panels.clipping_panel(chosen.params, example.x, example.target, model.apply_params)
