"""One probe window inside the trained cells: the LSTM's gates and its cell state c_t beside
h_t, the GRU's update and reset gates beside h_t. Units are listed by how strongly the
prediction reads them (|W_hy|), so the units that carry the memory come first."""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz import settings as schema
from rnnviz.figures.gates import unit_heatmaps
from rnnviz.text.numbers import num
from rnnviz.ui import layout, state
from rnnviz.ui.memory import compute as cached
from rnnviz.ui.training import jobs

LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def _order(params) -> tuple[np.ndarray, list[str]]:
    """Units by |W_hy_i|, largest first, and their labels."""
    w_hy = np.asarray(params["W_hy"], float)[0]  # (H,)
    order = np.argsort(-np.abs(w_hy), kind="stable")
    return order, [f"unit {i + 1} (W_hy {num(w_hy[i])})" for i in order]


def window_picker() -> int:
    """The probe window to look inside (0-based)."""
    state.bound_widget(schema.BY_NAME["mem_look"], st.slider)
    return state.values()["mem_look"] - 1


def window_line(shown: dict[str, jobs.Tracked], index: int) -> str:
    """The chosen window's recalled input, its target and each cell's prediction."""
    ready = {cell: job for cell, job in shown.items() if job.params is not None}
    request = next(iter(ready.values())).request
    X, y = cached.probe(request)
    t = request.seq_len - request.lag + 1
    predictions = ", ".join(
        f"{LABELS[cell]} ${num(cached.window_trace(job.request, job.params, index).y_pred[0])}$"
        for cell, job in ready.items()
    )
    return (
        f"Probe window {index + 1} of {X.shape[0]} (held out from training): "
        f"$x_{{{t}}} = {num(X[index, t - 1])}$, target $y = {num(y[index])}$; the predictions "
        f"$\\hat y$: {predictions}."
    )


def lstm(job: jobs.Tracked, index: int) -> None:
    """The LSTM's forget, input and output gates, then c_t beside h_t, for one window."""
    request = job.request
    trace = cached.window_trace(request, job.params, index)
    order, units = _order(job.params)
    recall_t = request.seq_len - request.lag + 1
    layout.chart(
        unit_heatmaps(
            [
                ("forget gate f_t", trace.f[0][:, order]),
                ("input gate i_t", trace.i[0][:, order]),
                ("output gate o_t", trace.o[0][:, order]),
            ],
            first_t=1,
            signed=False,
            units=units,
            recall_t=recall_t,
        ),
        "The LSTM's gates at every step of this window, one row per hidden unit (the units the "
        "prediction reads most first), from 0 (dark) to 1 (light). "
        "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$: where the forget gate $f_t$ stays near 1 "
        "the cell keeps $c_{t-1}$, its memory; where the input gate $i_t$ is near 0 nothing new "
        f"is written. The outlined column is $t = {recall_t}$, the input to recall.",
        key="memory_lstm_gates",
    )
    layout.chart(
        unit_heatmaps(
            [("cell state c_t", trace.c[0][:, order]), ("hidden state h_t", trace.h[0][:, order])],
            first_t=0,
            signed=True,
            units=units,
            recall_t=recall_t,
        ),
        "The LSTM's two states, $c_0 = h_0 = 0$ on the left. The cell state $c_t$ is the memory "
        "the forget gate keeps; $h_t = o_t \\odot \\tanh(c_t)$ is what the output gate shows of "
        "it, and what the prediction reads at $t = T$.",
        key="memory_lstm_states",
    )


def gru(job: jobs.Tracked, index: int) -> None:
    """The GRU's update and reset gates beside h_t, for one window."""
    request = job.request
    trace = cached.window_trace(request, job.params, index)
    order, units = _order(job.params)
    recall_t = request.seq_len - request.lag + 1
    layout.chart(
        unit_heatmaps(
            [("update gate z_t", trace.z[0][:, order]), ("reset gate r_t", trace.r[0][:, order])],
            first_t=1,
            signed=False,
            units=units,
            recall_t=recall_t,
        ),
        "The GRU's gates, 0 (dark) to 1 (light). In PyTorch's equations, which rnnviz follows, "
        "$h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}$: an update gate $z_t$ near **1 keeps** "
        "the memory $h_{t-1}$, near 0 replaces it by the candidate $n_t$. Some textbooks (and "
        "the original paper) swap the roles of $z_t$ and $1 - z_t$; read the equation, not the "
        "name.",
        key="memory_gru_gates",
    )
    layout.chart(
        unit_heatmaps(
            [("hidden state h_t", trace.h[0][:, order])],
            first_t=0,
            signed=True,
            units=units,
            recall_t=recall_t,
        ),
        "The GRU's hidden state $h_t$, its only memory, $h_0 = 0$ on the left.",
        key="memory_gru_states",
    )
