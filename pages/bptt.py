"""3 · BPTT, step by step: the stepper's loss sent back through time, number by number."""

import streamlit as st

from rnnviz.ui import bptt_panels, layout, model, timelines

layout.page_header(
    "3 · BPTT, step by step",
    r"Training needs to know how the loss $L = (y - \text{target})^2$ changes with each of "
    "$W_{xh}$, $W_{hh}$, $b_h$, $W_{hy}$ and $b_y$. **Backpropagation through time** answers by "
    "walking the forward pass backwards: *Step A* goes back through the output, then *Step B* "
    r"goes back one day at a time, $t = 5, \ldots, 1$, carrying `dh_next` "
    r"$= \frac{\partial L}{\partial h_t}$ from each day to the day before. Here $a_t$ is the "
    r"pre-activation (the tutorial's `raw`) and `da` $= \frac{\partial L}{\partial a_t}$ "
    "(the tutorial's `dtanh`).",
)
with st.expander("The window and the model (shared with page 2)"):
    model.model_controls()
chosen, example, run = model.page_pass()
st.caption(model.pass_summary(chosen, example, run))

st.subheader("Gradients flowing backward")
# A fragment: Back, Next, a guess and the Play toggle rerun only the timeline, not the panels.
st.fragment(timelines.backward_timeline)(chosen, example, run)

bptt_panels.vanishing_panel(chosen.params)
bptt_panels.gradcheck_panel(chosen.params, example.x, example.target)
bptt_panels.clipping_panel(chosen.params, example.x, example.target, model.apply_params)
