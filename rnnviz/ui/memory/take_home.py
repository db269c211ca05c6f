"""The same model in PyTorch: the code that rebuilds a trained cell with nn.LSTM / nn.GRU /
nn.RNN and loads its weights, the weights as .npz, and the standalone script that checks
PyTorch predicts what rnnviz did."""

from __future__ import annotations

import streamlit as st

from rnnviz.files import cell_export
from rnnviz.text import gates as text
from rnnviz.ui.memory import compute as cached
from rnnviz.ui.training import jobs


def pytorch(shown: dict[str, jobs.Tracked]) -> None:
    """One tab per trained cell: the code with its shapes, and its downloads."""
    ready = {cell: job for cell, job in shown.items() if job.params is not None}
    if not ready:
        return
    tabs = st.tabs([text.NAMES[cell] for cell in ready])
    for tab, (cell, job) in zip(tabs, ready.items(), strict=True):
        request = job.request
        with tab:
            st.code(text.torch_snippet(cell, job.params, request.seq_len), language="python")
            X, _ = cached.probe(request)
            left, right = st.columns(2)
            left.download_button(
                f"The {text.NAMES[cell]}'s weights (.npz)",
                lambda cell=cell, job=job, X=X: cell_export.weights_npz(cell, job.params, X),
                f"rnnviz_{cell}.npz",
                "application/octet-stream",
                on_click="ignore",
                width="stretch",
                key=f"memory_npz_{cell}",
                help="The parameters under rnnviz's names, the probe windows X and rnnviz's "
                "predictions y_pred for them.",
            )
            right.download_button(
                "torch_cell.py",
                cell_export.torch_script,
                "torch_cell.py",
                "text/x-python",
                on_click="ignore",
                width="stretch",
                key=f"memory_script_{cell}",
                help="A script that loads the .npz into PyTorch and checks that PyTorch predicts "
                "the probe windows as rnnviz did.",
            )
    st.caption(
        "rnnviz's LSTM and GRU use PyTorch's layout and equations, so the trained matrices load "
        "into `nn.LSTM` and `nn.GRU` as they are: `W_ih` is `weight_ih_l0`, `W_hh` is "
        "`weight_hh_l0`, with the gate blocks in PyTorch's order ($i, f, g, o$ and $r, z, n$). "
        "The tutorial's RNN has one bias $b_h$ where `nn.RNN` has two; the code puts $b_h$ in "
        "`bias_ih_l0` and zeros in `bias_hh_l0`. Run `python torch_cell.py rnnviz_lstm.npz` "
        "beside the downloaded weights: it prints how far PyTorch's predictions are from "
        "rnnviz's (about $10^{-15}$ in float64)."
    )
