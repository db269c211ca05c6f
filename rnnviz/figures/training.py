"""Training made visible: loss curves, predictions, the tutorial's test, hidden states, weights,
generalisation against the noise floor, and gradient norms per timestep.

Pure functions: engine arrays in, a `go.Figure` out. Nothing is computed here but the layout;
values that cannot be drawn honestly (NaN, inf, or ≤ 0 on a log axis) are left out, never shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.figures import palette

# Compared runs, in order: distinguishable for colour-blind eyes (Okabe-Ito).
RUN_COLOURS = (palette.BLUE, palette.ORANGE, palette.GREEN, palette.PURPLE, palette.VERMILLION)
# A heatmap with more rows than this shows every k-th epoch (the rows shown are exact).
MAX_HEATMAP_ROWS = 400
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
LEGEND_ABOVE = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}


def run_colour(index: int) -> str:
    """The colour of the `index`-th compared run (0-based)."""
    return RUN_COLOURS[index % len(RUN_COLOURS)]


def positive_finite(values: np.ndarray) -> np.ndarray:
    """Mask of the entries a log axis can show: finite and > 0."""
    values = np.asarray(values, float)
    return np.isfinite(values) & (values > 0)


def log_ticks(values: np.ndarray) -> dict:
    """Tick values 1, 2, 5 × 10^k spanning `values` (> 0), labelled plainly: plotly's own minor
    labels on a log axis ("2", "5") do not say which decade they belong to."""
    values = np.asarray(values, float)
    values = values[positive_finite(values)]
    if values.size == 0:
        return {}
    low, high = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
    if high - low > 4:  # many decades (a run that blew up): powers of ten only, at most ~8
        every = int(np.ceil((high - low + 1) / 8))
        ticks = [10.0**e for e in np.arange(low, high + 1, every)]
    else:
        ticks = [m * 10.0**e for e in np.arange(low, high + 1) for m in (1, 2, 5)]
        ticks = [t for t in ticks if values.min() / 2.5 <= t <= values.max() * 2.5]
    return {"tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks]}


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
    fig = go.Figure()
    for index, (label, loss) in enumerate(curves):
        loss = np.asarray(loss, float)
        keep = positive_finite(loss)
        if max_points is not None:
            chosen = np.zeros_like(keep)
            chosen[epoch_rows(loss.shape[0], max_points)] = True
            keep &= chosen
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, loss.shape[0] + 1)[keep],
                y=loss[keep],
                mode="lines",
                name=label,
                line={"color": run_colour(index), "width": 2},
                hovertemplate="epoch %{x}: %{y:.4g}<extra>" + label + "</extra>",
            )
        )
    shown = [np.asarray(loss, float)[positive_finite(loss)] for _, loss in curves]
    last = max([epochs or 0] + [len(loss) for _, loss in curves])
    if noise_floor is not None and noise_floor > 0:
        # A trace, not add_hline's annotation: on a log axis that label lands at the wrong height.
        fig.add_trace(
            go.Scatter(
                x=[1, max(last, 2)],
                y=[noise_floor, noise_floor],
                mode="lines",
                name=f"noise floor σ² = {noise_floor:.3g}",
                line={"color": palette.BLACK, "dash": "dash", "width": 1},
                hoverinfo="skip",
            )
        )
        shown.append(np.array([noise_floor]))
    values = np.concatenate(shown) if shown else np.zeros(0)
    fig.update_layout(
        xaxis_title="epoch",
        yaxis_title=y_title,
        yaxis={"type": "log", **log_ticks(values)},
        margin=MARGIN,
        height=360,
        legend=LEGEND_ABOVE,
    )
    if epochs:
        fig.update_xaxes(range=[0, epochs + 1])
    return fig


def predictions_figure(temps: np.ndarray, predictions: np.ndarray, seq_len: int) -> go.Figure:
    """The whole series and the model's prediction for every day it can predict.

    temps : (n,) the series;  predictions : (n − T,) y_pred of window i (days i+1 … i+T, counted
    from 1) is the prediction for day i+T+1;  seq_len : T
    """
    temps, predictions = np.asarray(temps, float), np.asarray(predictions, float)
    days = np.arange(1, temps.shape[0] + 1)
    target_days = days[seq_len:]
    keep = np.isfinite(predictions)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=days,
            y=temps,
            mode="lines+markers",
            name="truth T_t",
            line={"color": palette.SERIES, "width": 2},
            marker={"size": 4},
            hovertemplate="day %{x}: %{y:.3f}<extra>truth</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=target_days[keep],
            y=predictions[keep],
            mode="lines+markers",
            name=f"prediction y from the {seq_len} days before",
            line={"color": palette.PREDICTION, "width": 2, "dash": "dot"},
            marker={"size": 5, "symbol": "diamond"},
            hovertemplate="day %{x}: predicted %{y:.3f}<extra>prediction</extra>",
        )
    )
    fig.update_layout(
        xaxis_title="day t (counted from 1)",
        yaxis_title="temperature",
        margin=MARGIN,
        height=360,
        legend=LEGEND_ABOVE,
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
    days = np.arange(1, seq_len + 1)
    next_day = seq_len + 1
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=days,
            y=inputs,
            mode="lines+markers",
            name=f"input: days 1–{seq_len}",
            line={"color": palette.INPUT, "width": 2},
            marker={"size": 10, "line": {"color": palette.BLACK, "width": 1}},
            hovertemplate="day %{x}: %{y:.3f}<extra>input</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[next_day],
            y=[truth],
            mode="markers",
            name=f"true day {next_day}",
            marker={"color": palette.TARGET, "size": 16, "symbol": "star"},
            hovertemplate="true day %{x}: %{y:.3f}<extra></extra>",
        )
    )
    if np.isfinite(prediction):
        fig.add_trace(
            go.Scatter(
                x=[next_day],
                y=[prediction],
                mode="markers",
                name=f"predicted day {next_day}",
                marker={
                    "color": palette.PREDICTION,
                    "size": 14,
                    "symbol": "diamond",
                    "line": {"color": palette.BLACK, "width": 1},
                },
                hovertemplate="predicted day %{x}: %{y:.3f}<extra></extra>",
            )
        )
        fig.add_shape(
            type="line",
            x0=next_day,
            x1=next_day,
            y0=truth,
            y1=prediction,
            line={"color": palette.BLACK, "width": 1, "dash": "dot"},
        )
    fig.update_layout(
        xaxis={"title": "day (counted from 1)", "tickmode": "linear", "dtick": 1},
        yaxis_title="temperature",
        margin=MARGIN,
        height=300,
        legend=LEGEND_ABOVE,
    )
    return fig


def hidden_state_figure(h: np.ndarray, x: np.ndarray) -> go.Figure:
    """The hidden state of one window as a heatmap: hidden units (rows) × timesteps (columns).

    h : (T+1, H) the window's hidden states, h[0] = h_0 = 0, h[t] = h_t = tanh(a_t)
    x : (T,) its inputs x_1 … x_T, written under each column
    Colour: h_t on tanh's range −1 … 1, white at 0; near ±1 a unit is saturated.
    """
    h, x = np.asarray(h, float), np.asarray(x, float)
    steps, hidden = h.shape
    columns = ["h_0<br>(start)"] + [f"h_{t}<br>x_{t} = {x[t - 1]:.2f}" for t in range(1, steps)]
    fig = go.Figure(
        go.Heatmap(
            name="h_t",  # names the rows of its numbers table
            z=h.T,  # (H, T+1): one row per unit
            x=columns,
            y=np.arange(1, hidden + 1),
            zmin=-1.0,
            zmax=1.0,
            colorscale=palette.DIVERGING,
            colorbar={"title": "h_t"},
            hovertemplate="unit %{y}, %{x}: %{z:.4f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis={"title": "timestep t", "type": "category"},
        yaxis={"title": "hidden unit", "autorange": "reversed"},
        margin=MARGIN,
        height=max(260, min(700, 120 + 14 * hidden)),
    )
    return fig


def as_grid(name: str, values: np.ndarray) -> np.ndarray:
    """A parameter as a 2-D grid with the hidden units down the rows where it has them:
    W_xh (H, 1), W_hh (H, H), b_h (H,) → (H, 1), W_hy (1, H) → its transpose (H, 1), b_y (1, 1)."""
    values = np.asarray(values, float)
    if name == "W_hy":
        return values.T
    return values.reshape(values.shape[0], -1)


def weights_figure(name: str, before: np.ndarray, after: np.ndarray) -> go.Figure:
    """One parameter before and after training, side by side on one diverging colour scale.

    before, after : the parameter's arrays (same shape). Blue is negative, white 0, vermillion
    positive; the scale is symmetric about 0 and shared, so a change of colour is a change of
    value. W_hy is drawn transposed, so hidden unit i is row i in every panel.
    """
    grids = [as_grid(name, before), as_grid(name, after)]
    finite = np.concatenate([g[np.isfinite(g)] for g in grids])
    bound = float(np.max(np.abs(finite))) if finite.size else 1.0
    bound = bound if bound > 0 else 1.0
    shown = f"{name}ᵀ" if name == "W_hy" else name
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(f"{shown} before training", f"{shown} after training"),
        horizontal_spacing=0.12,
    )
    for col, (grid, when) in enumerate(zip(grids, ("before", "after"), strict=True), start=1):
        rows, cols = grid.shape
        fig.add_trace(
            go.Heatmap(
                name=f"{shown} {when} training",  # names the rows of its numbers table
                z=grid,
                x=np.arange(1, cols + 1),
                y=np.arange(1, rows + 1),
                coloraxis="coloraxis",
                hovertemplate="row %{y}, column %{x}: %{z:.4g}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.update_yaxes(autorange="reversed", title_text="row (hidden unit)", row=1, col=col)
        fig.update_xaxes(
            title_text="column", tickmode="linear", tick0=1, dtick=max(1, cols // 8), row=1, col=col
        )
    fig.update_layout(
        coloraxis={
            "colorscale": palette.DIVERGING,
            "cmin": -bound,
            "cmax": bound,
            "colorbar": {"title": name},
        },
        margin=MARGIN,
        height=max(260, min(560, 140 + 12 * grids[0].shape[0])),
    )
    return fig


def generalisation_figure(
    bars: Sequence[tuple[str, float, str]], noise_floor: float | None
) -> go.Figure:
    """Mean squared error of the RNN and of the baselines, against the noise floor σ².

    bars : (label, mse, kind) with kind "rnn" (the RNN, vermillion), "train" (the RNN on its own
        training windows, orange) or "baseline" (grey); non-finite values are left out.
    noise_floor : σ², the error of the true process's own prediction on endless data
    """
    colours = {"rnn": palette.VERMILLION, "train": palette.ORANGE, "baseline": palette.GREY}
    shown = [(label, float(v), kind) for label, v, kind in bars if np.isfinite(v)]
    fig = go.Figure(
        go.Bar(
            x=[v for _, v, _ in shown],
            y=[label for label, _, _ in shown],
            orientation="h",
            marker={"color": [colours.get(kind, palette.GREY) for *_, kind in shown]},
            text=[f"{v:.4f}" for _, v, _ in shown],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.4f}<extra></extra>",
        )
    )
    if noise_floor is not None:
        fig.add_vline(
            x=noise_floor,
            line={"color": palette.BLACK, "dash": "dash", "width": 1.5},
            annotation_text=f"noise floor σ² = {noise_floor:.3g}",
            annotation_position="top",
        )
    largest = max([v for _, v, _ in shown] + [noise_floor or 0.0, 1e-9])
    fig.update_layout(
        xaxis={"title": "mean squared error (°C²)", "range": [0, largest * 1.25]},
        yaxis={"autorange": "reversed"},
        margin={**MARGIN, "t": 50},
        height=90 + 42 * len(shown),
        showlegend=False,
    )
    return fig


def epoch_rows(epochs: int, max_rows: int = MAX_HEATMAP_ROWS) -> np.ndarray:
    """The 0-based epoch rows a heatmap shows: all of them, or every k-th plus the last."""
    step = max(1, int(np.ceil(epochs / max_rows)))
    rows = np.arange(0, epochs, step)
    if epochs and rows[-1] != epochs - 1:
        rows = np.append(rows, epochs - 1)
    return rows


def log10_or_none(values: np.ndarray) -> list[list[float | None]]:
    """log10 of each entry; entries that are 0 or not finite become None (drawn blank, not NaN)."""
    values = np.asarray(values, float)
    out = np.full(values.shape, np.nan)
    keep = positive_finite(values)
    out[keep] = np.log10(values[keep])
    return [[None if np.isnan(v) else float(v) for v in row] for row in out]


def gradient_norm_figure(runs: Sequence[tuple[str, np.ndarray, np.ndarray]]) -> go.Figure:
    """‖∂L/∂h_t‖ per timestep during training, one panel per run: x timestep, y epoch.

    runs : (label, epochs (R,), norms (R, T+1)) triples, as `core.stacked.GradNorms` holds them:
        norms[r, t] is the mean over windows of ‖∂L_i/∂h_t‖ after epochs[r] epochs, t = 0..T.
    Colour is log10 of the norm on one scale shared by all panels; an exact 0 (a fully
    saturated tanh passes nothing) is drawn blank, never as NaN. Many rows show every k-th.
    """
    fig = make_subplots(
        rows=1,
        cols=max(1, len(runs)),
        shared_yaxes=True,
        subplot_titles=[label for label, *_ in runs] or None,
        horizontal_spacing=0.03,
    )
    for col, (label, epochs, norms) in enumerate(runs, start=1):
        norms, epochs = np.asarray(norms, float), np.asarray(epochs)
        rows = epoch_rows(norms.shape[0])
        fig.add_trace(
            go.Heatmap(
                name=f"log10‖∂L/∂h_t‖, {label}",
                z=log10_or_none(norms[rows]),
                x=np.arange(norms.shape[1]),
                y=epochs[rows],
                coloraxis="coloraxis",
                hovertemplate="after epoch %{y}, t = %{x}: log10‖∂L/∂h_t‖ = %{z:.3f}"
                "<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text="timestep t", tickmode="linear", dtick=1, row=1, col=col)
    fig.update_yaxes(title_text="epoch", autorange="reversed", row=1, col=1)
    fig.update_layout(
        coloraxis={"colorscale": palette.SEQUENTIAL, "colorbar": {"title": "log10‖∂L/∂h_t‖"}},
        margin=MARGIN,
        height=420,
    )
    return fig


def truncation_figure(
    results: Mapping[str, float],
    *,
    noise_floor: float | None,
    references: Mapping[str, float] | None = None,
) -> go.Figure:
    """Fresh-data MSE for each truncation depth k, as dots, with the noise floor and references.

    results : label ("k = 1", …, "full BPTT") → the RNN's mean squared error on fresh data;
        values that are not finite are left out
    references : label → a baseline's error on the same data (for example the best one-lag
        predictor), each a grey horizontal line
    Dots, not bars: the y axis is zoomed to the values, and a bar's length would exaggerate.
    """
    labels = [label for label, v in results.items() if v is not None and np.isfinite(v)]
    values = [float(results[label]) for label in labels]
    fig = go.Figure(
        go.Scatter(
            x=labels,
            y=values,
            mode="markers+text",
            name="RNN on fresh data",
            marker={
                "color": [run_colour(i) for i in range(len(labels))],
                "size": 16,
                "line": {"color": palette.BLACK, "width": 1},
            },
            text=[f"{v:.3f}" for v in values],
            textposition="middle right",
            hovertemplate="%{x}: %{y:.4f}<extra></extra>",
        )
    )
    lines = {} if noise_floor is None else {f"noise floor σ² = {noise_floor:.3g}": noise_floor}
    lines.update({f"{k}: {v:.3f}": v for k, v in (references or {}).items() if np.isfinite(v)})
    styles = ["dash", "dot", "dashdot", "longdash"]
    for index, (label, value) in enumerate(lines.items()):
        colour = palette.BLACK if index == 0 and noise_floor is not None else palette.GREY
        style = {"color": colour, "dash": styles[index % len(styles)], "width": 1.5}
        fig.add_hline(y=value, line=style)
        # A legend entry for the line (add_hline draws a shape, which has none).
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=label, line=style))
    every = values + list(lines.values())
    low, high = (min(every), max(every)) if every else (0.0, 1.0)
    pad = max(high - low, 1e-3) * 0.25
    fig.update_layout(
        xaxis={
            "title": "truncation depth k (steps the gradient is carried back)",
            "type": "category",
        },
        yaxis={
            "title": "mean squared error on fresh data (°C²)",
            "range": [max(0.0, low - pad), high + pad],
        },
        margin=MARGIN,
        height=380,
        legend=LEGEND_ABOVE,
    )
    return fig
