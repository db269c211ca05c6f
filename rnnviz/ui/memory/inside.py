"""One probe window inside the trained cells: the LSTM's gates and its cell state c_t beside
h_t, the GRU's update and reset gates beside h_t. Units are listed by how strongly the
prediction reads them (|W_hy|), so the units that carry the memory come first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from rnnviz import settings as schema
from rnnviz.figures.gates import unit_heatmaps
from rnnviz.text import gates as text
from rnnviz.text.numbers import num
from rnnviz.ui import layout, state
from rnnviz.ui.memory import compute as cached
from rnnviz.ui.training import jobs

# Each gated cell's heatmaps: (title, field of its trace) for its gates, then for its states.
PANELS = {
    "lstm": (
        [("forget gate f_t", "f"), ("input gate i_t", "i"), ("output gate o_t", "o")],
        [("cell state c_t", "c"), ("hidden state h_t", "h")],
    ),
    "gru": ([("update gate z_t", "z"), ("reset gate r_t", "r")], [("hidden state h_t", "h")]),
}


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
        f"{text.NAMES[cell]} ${num(cached.window_trace(job.request, job.params, index).y_pred[0])}$"
        for cell, job in ready.items()
    )
    return (
        f"Probe window {index + 1} of {X.shape[0]} (held out from training): "
        f"$x_{{{t}}} = {num(X[index, t - 1])}$, target $y = {num(y[index])}$; the predictions "
        f"$\\hat y$: {predictions}."
    )


@dataclass(frozen=True)
class _Window:
    """One probe window inside a trained cell: its trace, the units in reading order (`order`,
    labelled `units`) and t = T − k + 1, the step whose input the target recalls."""

    trace: Any
    order: np.ndarray
    units: list[str]
    recall_t: int


def _window(job: jobs.Tracked, index: int) -> _Window:
    request = job.request
    order, units = _order(job.params)
    trace = cached.window_trace(request, job.params, index)
    return _Window(trace, order, units, request.seq_len - request.lag + 1)


def _heatmaps(window: _Window, panels: list[tuple[str, str]], *, states: bool) -> go.Figure:
    """Heatmaps of the trace's fields named in `panels` ((title, field) pairs), units in reading
    order: states for t = 0..T on a scale about 0, else gates for t = 1..T on 0 … 1."""
    return unit_heatmaps(
        [(title, getattr(window.trace, field)[0][:, window.order]) for title, field in panels],
        first_t=0 if states else 1,
        signed=states,
        units=window.units,
        recall_t=window.recall_t,
    )


def _gates_and_states(cell: str, job: jobs.Tracked, index: int) -> None:
    """A gated cell's gates, then its states, for one window."""
    window = _window(job, index)
    gates, states = PANELS[cell]
    gates_caption, states_caption = text.inside_captions(cell, window.recall_t)
    layout.chart(_heatmaps(window, gates, states=False), gates_caption, key=f"memory_{cell}_gates")
    layout.chart(
        _heatmaps(window, states, states=True), states_caption, key=f"memory_{cell}_states"
    )


def lstm(job: jobs.Tracked, index: int) -> None:
    """The LSTM's forget, input and output gates, then c_t beside h_t, for one window."""
    _gates_and_states("lstm", job, index)


def gru(job: jobs.Tracked, index: int) -> None:
    """The GRU's update and reset gates beside h_t, for one window."""
    _gates_and_states("gru", job, index)
