"""How far back the gradient reaches: ‖∂L/∂h_t‖ per timestep (log axis) and per-step gains."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.core.memory import MemoryReport
from rnnviz.figures import palette, style
from rnnviz.figures.axes import (
    decades,
    hline,
    log_floor,
    log_line_label,
    positive_or_none,
    zero_markers,
)


def _log_series(
    x: np.ndarray, values: np.ndarray, name: str, line: dict, hover: str, axes: dict, marker=None
) -> go.Scatter:
    """One series on a log axis (zeros and NaN left as gaps), with markers of size `marker`."""
    return go.Scatter(
        x=x,
        y=positive_or_none(values),
        mode="lines" if marker is None else "lines+markers",
        name=name,
        line=line,
        marker=None if marker is None else {"size": marker},
        hovertemplate=hover,
        **axes,
    )


def gradient_memory_figure(report: MemoryReport) -> go.Figure:
    """‖∂L/∂h_t‖ for t = 1..T on a log axis (top) and the per-step gains (bottom).

    Top: the engine's norms of dL/dh_t (report.norms), with report.envelope overlaid: for H = 1
    the exact product ``|dL/dh_T|·∏_{k=t+1..T} |W_hh·tanh′(a_k)|`` (it lies on the points), for
    H > 1 the spectral-norm bound ``‖dL/dh_T‖·∏ ‖W_hh‖₂·max_i tanh′(a_k,i)`` (always above).
    Bottom: at x = t, the factor taking dL/dh_t to dL/dh_(t-1), t = 2..T, with the line 1.
    Exact zeros are marked with ✕ at `log_floor` of their panel; nothing ≤ 0 reaches a log axis.
    """
    seq_len = report.norms.shape[0]
    t = np.arange(1, seq_len + 1)  # (T,)
    t_back = t[1:]  # (T-1,): the gain at t takes h_t back to h_(t-1)
    factors = report.factors[1:]  # (T-1,)
    top, bottom = {"xaxis": "x", "yaxis": "y"}, {"xaxis": "x2", "yaxis": "y2"}

    # Top: the size of the gradient at each hidden state.
    top_floor = log_floor(report.norms, report.envelope)
    kind = "product" if report.exact else "bound"
    traces = [
        _log_series(
            t,
            report.norms,
            "‖∂L/∂h_t‖ from BPTT",
            style.line(palette.BLUE),
            "t = %{x}: ‖∂L/∂h_t‖ = %{y:.3e}<extra></extra>",
            top,
            marker=6,
        ),
        _log_series(
            t,
            report.envelope,
            "exact product |∂L/∂h_T|·∏ |W_hh·tanh′(a_k)|"
            if report.exact
            else "bound ‖∂L/∂h_T‖·∏ ‖W_hh‖₂·max tanh′(a_k)",
            style.line(palette.ORANGE, "dash", width=3),
            f"t = %{{x}}: %{{y:.3e}}<extra>{kind}</extra>",
            top,
        ),
        _zeros(t, report.norms, top_floor, "‖∂L/∂h_t‖ exactly 0", top),
    ]

    # Bottom: how much one step back multiplies the gradient by.
    if report.exact:
        bottom_values = [factors]
        gains_for_zeros = factors
        traces.append(
            _log_series(
                t_back,
                factors,
                "gain per step back |W_hh·tanh′(a_t)|",
                style.line(palette.GREEN),
                "t = %{x}: |W_hh·tanh′(a_t)| = %{y:.3g}<extra></extra>",
                bottom,
                marker=5,
            )
        )
    else:
        gains = report.gains  # (T-1,), NaN where nothing was left
        bottom_values = [np.nan_to_num(gains, nan=0.0), factors]
        gains_for_zeros = gains  # NaN (undefined) is not a zero: only exact zeros get a ✕
        traces += [
            _log_series(
                t_back,
                gains,
                "measured gain ‖∂L/∂h_(t−1)‖ / ‖∂L/∂h_t‖",
                style.line(palette.GREEN),
                "t = %{x}: measured gain %{y:.3g}<extra></extra>",
                bottom,
                marker=5,
            ),
            _log_series(
                t_back,
                factors,
                "bound ‖W_hh‖₂·max tanh′(a_t)",
                style.line(palette.PURPLE, "dot"),
                "t = %{x}: bound %{y:.3g}<extra></extra>",
                bottom,
            ),
        ]
    bottom_floor = log_floor(*bottom_values, np.array([1.0]))
    traces.append(_zeros(t_back, gains_for_zeros, bottom_floor, "gain exactly 0", bottom))
    zero_drawn = [bottom_floor] if np.any(np.asarray(gains_for_zeros) == 0) else []
    top_zero_drawn = [top_floor] if np.any(report.norms == 0) else []
    top_range = decades([report.norms, report.envelope, np.array(top_zero_drawn)], always=0.0)

    layout = {
        **style.layout(560),
        "xaxis": {"anchor": "y", "matches": "x2", "showticklabels": False},
        "xaxis2": {
            "anchor": "y2",
            "title": {"text": "t, the day in the sequence (BPTT walks right to left)"},
        },
        "yaxis": {
            "domain": [0.42, 1.0],
            "type": "log",
            "exponentformat": "power",
            "range": top_range,
            # A label per power of 10 over a few decades; over many, plotly's own spacing.
            "dtick": 1 if top_range[1] - top_range[0] <= 8 else None,
            "title": {"text": "‖∂L/∂h_t‖"},
        },
        # One label per power of 10 (plotly's in-between labels "2", "5" read as 2 and 5, not
        # 0.2), over whole decades that include the line 1.
        "yaxis2": {
            "domain": [0.0, 0.35],
            "type": "log",
            "exponentformat": "power",
            "dtick": 1,
            "range": decades([*bottom_values, np.array(zero_drawn)]),
            "title": {"text": "gain per step back"},
        },
        "shapes": [hline(1.0, "x2", "y2")],
        "annotations": [log_line_label(1.0, "gain 1: size kept", "y2")],
    }
    return go.Figure(data=traces, layout=layout)


def _zeros(t: np.ndarray, values: np.ndarray, floor: float, name: str, axes: dict) -> go.Scatter:
    """✕ at `floor` for the timesteps whose value is exactly 0."""
    return zero_markers(
        t[np.asarray(values) == 0],
        floor,
        name,
        palette.VERMILLION,
        "t = %{x}: exactly 0 (drawn at the bottom)<extra></extra>",
        **axes,
    )
