"""What training did, seen from outside: the loss per epoch, the model's predictions over the
series, and the tutorial's own test (days 1 … T in, day T+1 predicted).

The model's inside (hidden states, weights, gradient norms) is drawn by `figures.inside`, the
comparisons with baselines and truncation depths by `figures.comparisons`. Pure functions:
engine arrays in, a `go.Figure` out; values that cannot be drawn honestly (NaN, inf, or ≤ 0 on a
log axis) are left out, never shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures import palette, style
from rnnviz.figures.axes import epoch_rows, log_ticks, positive_finite


def loss_figure(
    curves: Sequence[tuple[str, np.ndarray]],
    *,
    epochs: int | None = None,
    noise_floor: float | None = None,
    y_title: str = "mean loss per window, (y_pred − target)²",
    max_points: int | None = None,
) -> go.Figure:
    """Loss per epoch on a log axis, one line per run.

    Parameters
    ----------
    curves : (label, loss (E,)) pairs; loss[e] is epoch e+1's value. Entries that are not finite
        and > 0 are left out (a log axis cannot show them; training never records them).
    epochs : fix the x axis to 1 … epochs, so a live curve grows into a still frame
    noise_floor : draw σ², the error no predictor can beat, as a dashed line
    max_points : show at most about this many epochs per curve (every k-th and the last, their
        exact values): a few hundred points draw the same line, and faster
    """
    # Built as plain dicts and validated once by go.Figure: the live curve is redrawn at every
    # poll, and add_trace/update_layout validate each call (11 ms against 1.6 ms a figure,
    # measured with py-spy on the server during ten live trainings).
    traces = [
        loss_trace(label, loss, palette.run_colour(index), max_points)
        for index, (label, loss) in enumerate(curves)
    ]
    shown = [np.asarray(loss, float)[positive_finite(loss)] for _, loss in curves]
    last = max([epochs or 0] + [len(loss) for _, loss in curves])
    if noise_floor is not None and noise_floor > 0:
        # A trace, not add_hline's annotation: on a log axis that label lands at the wrong height.
        traces.append(
            {
                "type": "scatter",
                "x": [1, max(last, 2)],
                "y": [noise_floor, noise_floor],
                "mode": "lines",
                "name": f"noise floor σ² = {noise_floor:.3g}",
                "line": style.line(palette.BLACK, "dash", width=1),
                "hoverinfo": "skip",
            }
        )
        shown.append(np.array([noise_floor]))
    values = np.concatenate(shown) if shown else np.zeros(0)
    return go.Figure({"data": traces, "layout": loss_layout(360, y_title, values, epochs)})


def loss_trace(label: str, loss: np.ndarray, colour: str, max_points: int | None = None) -> dict:
    """One loss curve as a plain trace dict (see `loss_figure`): loss[e] at epoch e+1, only the
    values a log axis can show, and with `max_points` about that many epochs (every k-th and the
    last, their exact values)."""
    loss = np.asarray(loss, float)
    keep = positive_finite(loss)
    if max_points is not None:
        chosen = np.zeros_like(keep)
        chosen[epoch_rows(loss.shape[0], max_points)] = True
        keep &= chosen
    return {
        "type": "scatter",
        "x": np.arange(1, loss.shape[0] + 1)[keep],
        "y": loss[keep],
        "mode": "lines",
        "name": label,
        "line": style.line(colour),
        "hovertemplate": "epoch %{x}: %{y:.4g}<extra>" + label + "</extra>",
    }


def loss_layout(height: int, y_title: str, values: np.ndarray, epochs: int | None) -> dict:
    """The layout of a loss-per-epoch chart: the x axis fixed to 1 … epochs when given, a log y
    axis whose ticks span `values` (those > 0)."""
    layout = style.layout(height)
    layout["xaxis"] = {"title": {"text": "epoch"}}
    if epochs:
        layout["xaxis"]["range"] = [0, epochs + 1]
    layout["yaxis"] = {"title": {"text": y_title}, "type": "log", **log_ticks(values)}
    return layout


def _days_series(
    days: np.ndarray, values: np.ndarray, name: str, role: str, line: dict, marker: dict
) -> go.Scatter:
    """A series over days counted from 1, as a line with markers; `role` labels its hover."""
    return go.Scatter(
        x=days,
        y=values,
        mode="lines+markers",
        name=name,
        line=line,
        marker=marker,
        hovertemplate="day %{x}: %{y:.3f}<extra>" + role + "</extra>",
    )


def _day_point(day: int, value: float, role: str, marker: dict) -> go.Scatter:
    """One day's value as a single marker, named and hovered as the `role` day ("true day 6")."""
    return go.Scatter(
        x=[day],
        y=[value],
        mode="markers",
        name=f"{role} day {day}",
        marker=marker,
        hovertemplate=role + " day %{x}: %{y:.3f}<extra></extra>",
    )


def predictions_figure(
    temps: np.ndarray,
    predictions: np.ndarray,
    seq_len: int,
    *,
    tail_start: int | None = None,
    dates: np.ndarray | None = None,
    unit: str = "",
) -> go.Figure:
    """The whole series and the model's prediction for every day it can predict.

    temps : (n,) the series;  predictions : (n − T,) y_pred of window i (days i+1 … i+T, counted
    from 1) is the prediction for day i+T+1;  seq_len : T
    tail_start : the first held-out day (0-based), shaded apart; None when nothing is held out
    dates : (n,) datetime64 for a calendar axis, or None;  unit : for the y axis, "" unknown
    """
    temps, predictions = np.asarray(temps, float), np.asarray(predictions, float)
    days = np.arange(1, temps.shape[0] + 1) if dates is None else np.asarray(dates)
    target_days = days[seq_len:]
    keep = np.isfinite(predictions)
    truth = _days_series(days, temps, "truth T_t", "truth", style.line(palette.SERIES), {"size": 4})
    fig = go.Figure(truth, layout=style.layout(360))
    fig.add_trace(
        go.Scatter(
            x=target_days[keep],
            y=predictions[keep],
            mode="lines+markers",
            name=f"prediction y from the {seq_len} days before",
            line=style.line(palette.PREDICTION, "dot"),
            marker={"size": 5, "symbol": "diamond"},
            hovertemplate="day %{x}: predicted %{y:.3f}<extra>prediction</extra>",
        )
    )
    fig.update_layout(
        xaxis_title="day t (counted from 1)" if dates is None else "date",
        yaxis_title=f"temperature ({unit})" if unit else "temperature",
    )
    if tail_start is not None:
        fig.add_vrect(
            x0=days[tail_start],
            x1=days[-1],
            fillcolor=palette.SKY_BLUE,
            opacity=0.12,
            line_width=0,
            annotation_text="held out →",
            annotation_position="top left",
            annotation_font_size=style.LABEL_SIZE,
        )
    # A blown-up model can predict 1e150: keep the truth readable, and say what is off the chart.
    low, high = float(np.min(temps)), float(np.max(temps))
    span = max(high - low, 1.0)
    outside = keep & ((predictions < low - 3 * span) | (predictions > high + 3 * span))
    if outside.any():
        fig.update_yaxes(range=[low - 0.5 * span, high + 0.5 * span])
        largest = float(np.max(np.abs(predictions[outside])))
        fig.add_annotation(
            text=f"{int(outside.sum())} predictions lie off this chart (as far as ±{largest:.3g})",
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            xanchor="right",
            yanchor="top",
            showarrow=False,
            font={"color": palette.VERMILLION},
        )
    return fig


def tutorial_test_figure(inputs: np.ndarray, prediction: float, truth: float) -> go.Figure:
    """The tutorial's test: days 1 … T in, the prediction for day T+1 beside the true value.

    inputs : (T,) the first window (the tutorial's `temps[:5]`);  prediction : y_pred;
    truth : the true next value (`temps[5]`). The gap between the two is the error.
    """
    inputs = np.asarray(inputs, float)
    seq_len = inputs.shape[0]
    next_day = seq_len + 1
    days = np.arange(1, seq_len + 1)
    name = f"input: days 1–{seq_len}"
    marker = style.outlined(palette.INPUT, 10)
    fig = go.Figure(
        _days_series(days, inputs, name, "input", style.line(palette.INPUT), marker),
        layout=style.layout(300),
    )
    true_marker = {"color": palette.TARGET, "size": 16, "symbol": "star"}
    fig.add_trace(_day_point(next_day, truth, "true", true_marker))
    if np.isfinite(prediction):
        marker = style.outlined(palette.PREDICTION, 14, "diamond")
        fig.add_trace(_day_point(next_day, prediction, "predicted", marker))
        fig.add_shape(
            type="line",
            x0=next_day,
            x1=next_day,
            y0=truth,
            y1=prediction,
            line=style.line(palette.BLACK, "dot", width=1),
        )
    fig.update_layout(
        xaxis={"title": "day (counted from 1)", "tickmode": "linear", "dtick": 1},
        yaxis_title="temperature",
    )
    return fig
