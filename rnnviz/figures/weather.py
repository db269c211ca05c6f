"""The weather series with one window and its target highlighted."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures import palette, style


def series_figure(
    temps: np.ndarray,
    window_start: int | None = None,
    seq_len: int = 5,
    *,
    dates: np.ndarray | None = None,
    unit: str = "",
) -> go.Figure:
    """The series T_t against day t (counted from 1, or its date), with one window highlighted.

    Parameters
    ----------
    temps : (n,) ndarray, the series
    window_start : 0-based index of the window's first day (None: no highlight). On screen the
        window is days w … w+T-1 and its target day w+T, with w = window_start + 1.
    seq_len : T, the window length
    dates : (n,) datetime64 ndarray or None: the x axis is then the calendar
    unit : the values' unit for the y axis ("°C"), "" when unknown
    """
    days = np.arange(1, temps.shape[0] + 1) if dates is None else np.asarray(dates)
    fig = go.Figure(layout=style.layout(380))
    fig.add_trace(
        go.Scatter(
            x=days,
            y=temps,
            mode="lines+markers",
            name="T_t, temperature",
            line=style.line(palette.SERIES),
            marker={"size": 4},
            hovertemplate="day %{x}: %{y:.3f}<extra></extra>",
        )
    )
    if window_start is not None:
        first, target = window_start, window_start + seq_len
        half = 0.5 if dates is None else np.timedelta64(12, "h")
        fig.add_vrect(
            x0=days[first] - half,
            x1=days[target - 1] + half,
            fillcolor=palette.INPUT,
            opacity=0.15,
            line_width=0,
        )
        # The window's input days and the day it predicts, picked out on the series.
        highlights = (
            (
                slice(first, target),
                f"input: days {days[first]}–{days[target - 1]}",
                "input",
                style.outlined(palette.INPUT, 11, "circle"),
            ),
            (
                slice(target, target + 1),
                f"target: day {days[target]}",
                "target",
                style.outlined(palette.TARGET, 14, "star"),
            ),
        )
        for shown, name, role, marker in highlights:
            fig.add_trace(
                go.Scatter(
                    x=days[shown],
                    y=temps[shown],
                    mode="markers",
                    name=name,
                    marker=marker,
                    hovertemplate=role + " day %{x}: %{y:.3f}<extra></extra>",
                )
            )
    fig.update_layout(
        xaxis_title="day t (counted from 1)" if dates is None else "date",
        yaxis_title=f"temperature T_t ({unit})" if unit else "temperature T_t",
    )
    return fig
