"""Page 5's computations on a cell's latest parameters, cached: the page redraws every second
while the cells train, and the same snapshot must not be measured twice.

Pure, deterministic calls keyed by the request (a frozen dataclass) and the parameters, so
`st.cache_data` is safe (it hands each session a copy).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz import core
from rnnviz.runs.recall import HELD_OUT_WINDOWS, RecallRequest, held_out_mse
from rnnviz.settings.memory import PROBE_WINDOWS

CACHE = {"max_entries": 96, "ttl": 3600, "show_spinner": False}


@st.cache_data(**CACHE)
def held_out(request: RecallRequest, params: core.Params) -> float:
    """The model's MSE on the task's held-out windows (the number a finished run reports)."""
    return held_out_mse(request, params, HELD_OUT_WINDOWS)


@st.cache_data(**CACHE)
def probe(request: RecallRequest) -> tuple[np.ndarray, np.ndarray]:
    """The fixed probe windows the page looks inside: X (P, T), y (P,), held out from training."""
    return request.task().held_out(PROBE_WINDOWS)


@st.cache_data(**CACHE)
def profile(request: RecallRequest, params: core.Params) -> core.GradientProfile:
    """|∂L/∂x_t|, ‖∂L/∂h_t‖ (and the LSTM's ‖∂L/∂c_t‖) per timestep on the probe windows."""
    X, y = probe(request)
    return core.gradient_profile(request.cell, params, X, y)


@st.cache_data(**CACHE)
def window_trace(request: RecallRequest, params: core.Params, index: int) -> core.CellTrace:
    """The cell's forward pass over probe window `index` (0-based): every gate, every state."""
    X, _ = probe(request)
    with np.errstate(over="ignore", invalid="ignore"):
        return core.cell_forward(request.cell, params, X[index : index + 1])
