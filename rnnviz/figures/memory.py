"""How far back the gradient reaches: ‖∂L/∂h_t‖ per timestep (log axis) and per-step gains."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.core.memory import MemoryReport
from rnnviz.figures import palette

# Exact zeros are drawn this many times below the smallest positive value of their panel: a log
# axis has no 0, and a floor at the smallest float (1e-308) would squash every real value.
ZERO_DROP = 100.0


def log_floor(*arrays: np.ndarray) -> float:
    """Where exact zeros are drawn on a log axis: the smallest positive value / ZERO_DROP.

    1.0 if nothing is positive (the panel then holds only "exactly 0" markers).
    """
    values = np.concatenate([np.ravel(np.asarray(a, float)) for a in arrays])
    positive = values[values > 0]
    return float(positive.min() / ZERO_DROP) if positive.size else 1.0


def log_line_label(value: float, text: str, yref: str = "y") -> dict:
    """Keyword arguments of `add_annotation` for a label on a horizontal line at `value` of a log
    y axis (`yref`): annotation y on a log axis is log10 of the value, which add_hline's own
    label gets wrong."""
    return {
        "x": 0,
        "xref": "x domain" if yref == "y" else f"x{yref[1:]} domain",
        "xanchor": "left",
        "y": float(np.log10(value)),
        "yref": yref,
        "yanchor": "bottom",
        "text": text,
        "showarrow": False,
        "font": {"color": palette.GREY, "size": 11},
    }


def positive_or_none(values: np.ndarray) -> list[float | None]:
    """`values` for a log axis: zeros and NaNs become None (a gap), never log10(0)."""
    return [float(v) if v > 0 else None for v in np.asarray(values, float)]


def _zero_markers(
    t: np.ndarray, values: np.ndarray, floor: float, name: str, axes: dict[str, str]
) -> go.Scatter:
    zero_t = t[np.asarray(values) == 0]
    return go.Scatter(
        x=zero_t,
        y=np.full(zero_t.shape[0], floor),
        mode="markers",
        name=name,
        marker={
            "symbol": "x-thin",
            "size": 10,
            "color": palette.VERMILLION,
            "line": {"width": 2, "color": palette.VERMILLION},  # an x-thin is drawn by its line
        },
        hovertemplate="t = %{x}: exactly 0 (drawn at the bottom)<extra></extra>",
        visible=bool(zero_t.size),  # kept (hidden) when empty: a fixed set of traces
        **axes,
    )


def hline(y: float, xaxis: str = "x", yaxis: str = "y") -> dict:
    """A dashed grey horizontal line across one subplot, as a layout shape (one dict, because
    `add_hline` validates a whole figure per call: tens of milliseconds on every rerun)."""
    return {
        "type": "line",
        "xref": f"{xaxis} domain",
        "x0": 0,
        "x1": 1,
        "yref": yaxis,
        "y0": y,
        "y1": y,
        "line": {"color": palette.GREY, "dash": "dash", "width": 1},
    }


def _decades(values: list[np.ndarray], always: float = 1.0) -> list[float]:
    """A log-axis range over whole decades holding every positive value and `always` (0: none),
    at least one decade wide, so at least two labels of a `dtick=1` axis show."""
    shown = np.concatenate([np.ravel(v) for v in values] + [[always]])
    shown = shown[shown > 0]
    if shown.size == 0:
        return [-1.05, 0.05]
    low, high = np.floor(np.log10(shown.min())), np.ceil(np.log10(shown.max()))
    if high - low < 1:
        low -= 1
    return [float(low) - 0.05, float(high) + 0.05]


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
    traces = [
        go.Scatter(
            x=t,
            y=positive_or_none(report.norms),
            mode="lines+markers",
            name="‖∂L/∂h_t‖ from BPTT",
            line={"color": palette.BLUE, "width": 2},
            marker={"size": 6},
            hovertemplate="t = %{x}: ‖∂L/∂h_t‖ = %{y:.3e}<extra></extra>",
            **top,
        ),
        go.Scatter(
            x=t,
            y=positive_or_none(report.envelope),
            mode="lines",
            name=(
                "exact product |∂L/∂h_T|·∏ |W_hh·tanh′(a_k)|"
                if report.exact
                else "bound ‖∂L/∂h_T‖·∏ ‖W_hh‖₂·max tanh′(a_k)"
            ),
            line={"color": palette.ORANGE, "width": 3, "dash": "dash"},
            hovertemplate="t = %{x}: %{y:.3e}<extra>"
            + ("product" if report.exact else "bound")
            + "</extra>",
            **top,
        ),
        _zero_markers(t, report.norms, top_floor, "‖∂L/∂h_t‖ exactly 0", top),
    ]

    # Bottom: how much one step back multiplies the gradient by.
    if report.exact:
        bottom_values = [factors]
        gains_for_zeros = factors
        traces.append(
            go.Scatter(
                x=t_back,
                y=positive_or_none(factors),
                mode="lines+markers",
                name="gain per step back |W_hh·tanh′(a_t)|",
                line={"color": palette.GREEN, "width": 2},
                marker={"size": 5},
                hovertemplate="t = %{x}: |W_hh·tanh′(a_t)| = %{y:.3g}<extra></extra>",
                **bottom,
            )
        )
    else:
        gains = report.gains  # (T-1,), NaN where nothing was left
        bottom_values = [np.nan_to_num(gains, nan=0.0), factors]
        gains_for_zeros = gains  # NaN (undefined) is not a zero: only exact zeros get a ✕
        traces += [
            go.Scatter(
                x=t_back,
                y=positive_or_none(gains),
                mode="lines+markers",
                name="measured gain ‖∂L/∂h_(t−1)‖ / ‖∂L/∂h_t‖",
                line={"color": palette.GREEN, "width": 2},
                marker={"size": 5},
                hovertemplate="t = %{x}: measured gain %{y:.3g}<extra></extra>",
                **bottom,
            ),
            go.Scatter(
                x=t_back,
                y=positive_or_none(factors),
                mode="lines",
                name="bound ‖W_hh‖₂·max tanh′(a_t)",
                line={"color": palette.PURPLE, "width": 2, "dash": "dot"},
                hovertemplate="t = %{x}: bound %{y:.3g}<extra></extra>",
                **bottom,
            ),
        ]
    bottom_floor = log_floor(*bottom_values, np.array([1.0]))
    traces.append(_zero_markers(t_back, gains_for_zeros, bottom_floor, "gain exactly 0", bottom))
    zero_drawn = [bottom_floor] if np.any(np.asarray(gains_for_zeros) == 0) else []
    top_zero_drawn = [top_floor] if np.any(report.norms == 0) else []
    top_range = _decades([report.norms, report.envelope, np.array(top_zero_drawn)], always=0.0)

    layout = {
        "height": 560,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hovermode": "closest",
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
            "range": _decades([*bottom_values, np.array(zero_drawn)]),
            "title": {"text": "gain per step back"},
        },
        "shapes": [hline(1.0, "x2", "y2")],
        "annotations": [log_line_label(1.0, "gain 1: size kept", "y2")],
    }
    return go.Figure(data=traces, layout=layout)
