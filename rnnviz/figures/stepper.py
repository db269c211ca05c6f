"""The forward stepper's side pictures: the tanh curve with the current (a_t, h_t), and, for H > 1,
the hidden state h_t as a heatmap column growing across time.

Pure functions: a `core.Trace` of one window in, go.Figure out.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures import palette, style
from rnnviz.text.ledger import num


def tanh_figure(trace, step: int) -> go.Figure:
    """h = tanh(a) with the points the forward pass has reached by step `step`.

    Parameters
    ----------
    trace : core.Trace of one window: a (1, T, H), h (1, T+1, H)
    step : 0 … T+1; the points (a_t, h_t) for t ≤ min(step, T) are drawn, step t's in vermillion
        (all H of them when H > 1), earlier ones in grey

    The curve is flat beyond |a| ≈ 2: there h_t hardly moves with a_t (tanh′(a) = 1 − tanh(a)² is
    near 0), which is why a large pre-activation stops gradients on the way back.
    """
    a, h = trace.a[0], trace.h[0, 1:]  # (T, H), (T, H): row t-1 is step t
    T, H = a.shape
    if not 0 <= step <= T + 1:
        raise ValueError(f"The forward step must be 0 … {T + 1}, got {step}.")
    reach = max(3.0, float(np.abs(a).max()) * 1.1)
    grid = np.linspace(-reach, reach, 241)
    fig = go.Figure(layout=style.layout(320))
    fig.add_trace(
        go.Scatter(
            x=grid,
            y=np.tanh(grid),
            mode="lines",
            name="h = tanh(a)",
            line=style.line(palette.BLUE),
            hoverinfo="skip",
        )
    )
    last = min(step, T)
    current = last if 1 <= step <= T else None
    earlier = [t for t in range(1, last + 1) if t != current]
    fig.add_trace(
        go.Scatter(
            x=[float(v) for t in earlier for v in a[t - 1]],
            y=[float(v) for t in earlier for v in h[t - 1]],
            mode="markers",
            name="earlier days",
            marker={"color": palette.GREY, "size": 8},
            customdata=[[t, i + 1] for t in earlier for i in range(H)],
            hovertemplate="day %{customdata[0]}, unit %{customdata[1]}: a = %{x:.17g}, "
            "h = %{y:.17g}<extra></extra>",
        )
    )
    cur_a = a[current - 1] if current else np.empty(0)
    cur_h = h[current - 1] if current else np.empty(0)
    fig.add_trace(
        go.Scatter(
            x=cur_a,
            y=cur_h,
            mode="markers+text" if H == 1 else "markers",
            name=f"(a_{current}, h_{current})" if current else "current day",
            marker=style.outlined(palette.VERMILLION, 13),
            text=[f"(a_{current}, h_{current}) = ({num(cur_a[0])}, {num(cur_h[0])})"]
            if H == 1 and current
            else None,
            textposition="bottom right",
            hovertemplate="a = %{x:.17g}<br>h = tanh(a) = %{y:.17g}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title="a_t, the pre-activation",
        yaxis_title="h_t = tanh(a_t)",
        yaxis_range=[-1.15, 1.15],
    )
    return fig


def hidden_heatmap(trace, step: int) -> go.Figure:
    """h_t of every hidden unit as a column, h_0 … h_t filled up to forward step `step`.

    Parameters
    ----------
    trace : core.Trace of one window: h (1, T+1, H)
    step : 0 … T+1; columns h_0 … h_min(step, T) hold the engine's values, later ones are empty
        (gaps, not zeros)

    Colours run from −1 (blue) through 0 (white) to +1 (vermillion), the range of tanh.
    """
    h = trace.h[0]  # (T+1, H)
    T, H = h.shape[0] - 1, h.shape[1]
    if not 0 <= step <= T + 1:
        raise ValueError(f"The forward step must be 0 … {T + 1}, got {step}.")
    last = min(step, T)
    z = [[float(h[t, i]) if t <= last else None for t in range(T + 1)] for i in range(H)]
    fig = go.Figure(
        go.Heatmap(
            name="h_t",  # names the rows of its numbers table
            z=z,
            x=[f"h_{t}" for t in range(T + 1)],
            y=[f"unit {i + 1}" for i in range(H)],
            zmin=-1,
            zmax=1,
            colorscale=palette.DIVERGING,
            colorbar={"title": {"text": "h_t"}, "thickness": 12},
            hovertemplate="%{x}, %{y}: %{z:.17g}<extra></extra>",
            # Few units: print each value in its cell (4 significant digits, as the ledger).
            texttemplate="%{z:.4g}" if H <= 4 else None,
            xgap=2,
            ygap=1,
        )
    )
    fig.update_layout(
        style.layout(320 if H > 1 else 200),
        xaxis={"title": "time step", "side": "bottom"},
        yaxis={"autorange": "reversed"},
    )
    return fig
