"""The held-out tail: the series, the days the model never saw shaded apart, and the model's
forecasts of them beside "tomorrow = today"'s.

Pure function: the engine's numbers in, a `go.Figure` out; forecasts that are not finite (a
model that blew up) are left out, never drawn.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures import palette, style


def heldout_figure(
    temps: np.ndarray,
    tail_start: int,
    days: np.ndarray,
    rnn: np.ndarray,
    persistence: np.ndarray,
    *,
    dates: np.ndarray | None = None,
    unit: str = "",
) -> go.Figure:
    """The series with its held-out tail and the forecasts of the tail's days.

    Parameters
    ----------
    temps : (n,) the series;  tail_start : the first held-out day (0-based)
    days : (M,) int, the held-out days forecast (0-based);  rnn, persistence : (M,) forecasts
    dates : (n,) datetime64 or None (x is then the day, counted from 1);  unit : "°C" or ""
    """
    x_all = np.arange(1, temps.shape[0] + 1) if dates is None else np.asarray(dates)
    x_days = x_all[np.asarray(days, dtype=int)]
    shown = np.isfinite(rnn)
    traces = [
        {
            "type": "scatter",
            "x": x_all[:tail_start],
            "y": temps[:tail_start],
            "mode": "lines",
            "name": "trained on (the days before the tail)",
            "line": style.line(palette.GREY, width=1),
            "hovertemplate": "%{x}: %{y:.2f}<extra>trained on</extra>",
        },
        {
            "type": "scatter",
            "x": x_all[tail_start:],
            "y": temps[tail_start:],
            "mode": "lines",
            "name": "held out: measured",
            "line": style.line(palette.BLUE),
            "hovertemplate": "%{x}: %{y:.2f}<extra>measured</extra>",
        },
        {
            "type": "scatter",
            "x": x_days,
            "y": persistence,
            "mode": "lines",
            "name": '"tomorrow = today"',
            "line": style.line(palette.GREY, "dot", width=1),
            "hovertemplate": "%{x}: %{y:.2f}<extra>tomorrow = today</extra>",
        },
        {
            "type": "scatter",
            "x": x_days[shown],
            "y": rnn[shown],
            "mode": "lines",
            "name": "RNN's forecast",
            "line": style.line(palette.PREDICTION),
            "hovertemplate": "%{x}: %{y:.2f}<extra>RNN</extra>",
        },
    ]
    layout = style.layout(380)
    layout["xaxis"] = {"title": {"text": "day t (counted from 1)" if dates is None else "date"}}
    layout["yaxis"] = {"title": {"text": f"temperature ({unit})" if unit else "temperature"}}
    start = x_all[tail_start]
    layout["shapes"] = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": start,
            "x1": x_all[-1],
            "y0": 0,
            "y1": 1,
            "fillcolor": palette.SKY_BLUE,
            "opacity": 0.12,
            "line": {"width": 0},
            "layer": "below",
        }
    ]
    layout["annotations"] = [
        {
            "x": start,
            "xref": "x",
            "y": 1,
            "yref": "paper",
            "text": "held out →",
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "top",
            "font": {"size": style.LABEL_SIZE},
        }
    ]
    return go.Figure({"data": traces, "layout": layout})
