"""The weather series with one window and its target highlighted."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures import palette


def series_figure(
    temps: np.ndarray, window_start: int | None = None, seq_len: int = 5
) -> go.Figure:
    """The series T_t against day t (counted from 1), with one window highlighted.

    Parameters
    ----------
    temps : (n,) ndarray, the series
    window_start : 0-based index of the window's first day (None: no highlight). On screen the
        window is days w … w+T-1 and its target day w+T, with w = window_start + 1.
    seq_len : T, the window length
    """
    days = np.arange(1, temps.shape[0] + 1)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=days,
            y=temps,
            mode="lines+markers",
            name="T_t, temperature",
            line={"color": palette.SERIES, "width": 2},
            marker={"size": 4},
            hovertemplate="day %{x}: %{y:.3f}<extra></extra>",
        )
    )
    if window_start is not None:
        first, target = window_start, window_start + seq_len
        inputs = slice(first, target)
        fig.add_vrect(
            x0=days[first] - 0.5,
            x1=days[target - 1] + 0.5,
            fillcolor=palette.INPUT,
            opacity=0.15,
            line_width=0,
        )
        fig.add_trace(
            go.Scatter(
                x=days[inputs],
                y=temps[inputs],
                mode="markers",
                name=f"input: days {days[first]}–{days[target - 1]}",
                marker={
                    "color": palette.INPUT,
                    "size": 11,
                    "symbol": "circle",
                    "line": {"color": palette.BLACK, "width": 1},
                },
                hovertemplate="input day %{x}: %{y:.3f}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[days[target]],
                y=[temps[target]],
                mode="markers",
                name=f"target: day {days[target]}",
                marker={
                    "color": palette.TARGET,
                    "size": 14,
                    "symbol": "star",
                    "line": {"color": palette.BLACK, "width": 1},
                },
                hovertemplate="target day %{x}: %{y:.3f}<extra></extra>",
            )
        )
    fig.update_layout(
        xaxis_title="day t (counted from 1)",
        yaxis_title="temperature T_t",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=380,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="closest",
    )
    return fig
