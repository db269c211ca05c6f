"""5 · Longer memory: why gates. The RNN, the LSTM and the GRU trained live on a task that needs
memory, where each one's gradient dies, and the gates inside."""

import streamlit as st

from rnnviz.ui import layout
from rnnviz.ui.memory import controls, inside, live, study, take_home

layout.page_header(
    "5 · Longer memory: why gates",
    "Page 3 showed $\\lVert \\partial L/\\partial h_t \\rVert$ shrinking at every step back "
    "through the RNN: the early days can hardly teach it anything. Gated cells were invented for "
    "this. The **LSTM** keeps a cell state, $c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$, that "
    "its forget gate $f_t$ can carry along unchanged; the **GRU** mixes "
    "$h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}$ with an update gate $z_t$. Here the "
    "three are trained side by side on a task that needs memory and nothing else: windows of "
    "$T$ inputs $x_t \\sim \\mathcal{N}(0, 1)$, and the target is the input $k$ steps before the "
    "end, $y = x_{T-k+1} + \\varepsilon$, with fresh windows every epoch. Without memory of "
    "$x_{T-k+1}$ the best prediction is $0$, costing $1 + \\sigma_\\varepsilon^2$; perfect "
    "recall costs $\\sigma_\\varepsilon^2$.",
)
controls.check_settings()
with st.container(border=True):
    controls.settings_controls(disabled=live.busy())
runs = live.train_controls()
if runs:
    st.dataframe(controls.size_table(runs), hide_index=True, width="stretch")
live.live()
study.measured()

shown = live.tracked()
if any(job.params is not None for job in shown.values()):
    st.subheader("Inside the cells, one window")
    index = inside.window_picker()
    st.markdown(inside.window_line(shown, index))
    if shown.get("lstm") and shown["lstm"].params is not None:
        inside.lstm(shown["lstm"], index)
    if shown.get("gru") and shown["gru"].params is not None:
        inside.gru(shown["gru"], index)
    st.subheader("The same model in PyTorch")
    take_home.pytorch(shown)
