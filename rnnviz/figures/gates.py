"""Page 5's pictures: three cells learning to recall, where each one's gradient dies, and the
gates of one window.

Pure functions: the engine's arrays in, a `go.Figure` out; values a log axis cannot show (0,
NaN, inf) are left out, never drawn. Each cell keeps one colour on every chart (`CELL_COLOURS`).
Titles and axes use Unicode, not LaTeX: Plotly in Streamlit does not typeset LaTeX.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.core import GradientProfile
from rnnviz.figures import palette, style
from rnnviz.figures.axes import log_ticks, positive_finite, positive_or_none
from rnnviz.figures.training import loss_layout, loss_trace

CELL_COLOURS = {"rnn": palette.BLUE, "lstm": palette.ORANGE, "gru": palette.GREEN}
REFERENCE = style.line(palette.BLACK, "dash", width=1)  # the no-memory baseline
FLOOR = style.line(palette.GREY, "dot", width=1.5)  # the noise floor


def _levels(baseline: float, floor: float) -> list[tuple[str, float, dict]]:
    """The no-memory baseline and the noise floor: (name, value, line), those above 0."""
    lines = [
        (f"no memory: 1 + σ_ε² = {baseline:.3g}", baseline, REFERENCE),
        (f"noise floor: σ_ε² = {floor:.3g}", floor, FLOOR),
    ]
    return [(name, value, line) for name, value, line in lines if value > 0]


def _references(x: list[float], baseline: float, floor: float) -> list[dict]:
    """The two reference levels as named horizontal lines over x (traces: a log axis puts
    them at the right height, and the legend names them)."""
    return [
        {
            "type": "scatter",
            "x": x,
            "y": [value, value],
            "mode": "lines",
            "name": name,
            "line": line,
            "hoverinfo": "skip",
        }
        for name, value, line in _levels(baseline, floor)
    ]


def _vline(x: float, col: int, line: dict) -> dict:
    """A vertical line across subplot `col` as a layout shape (one dict: `add_vline` validates
    the whole figure per call, and some of these figures are redrawn at every poll)."""
    suffix = "" if col == 1 else str(col)
    return {
        "type": "line",
        "xref": f"x{suffix}",
        "yref": f"y{suffix} domain",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": line,
    }


def recall_loss_figure(
    curves: Sequence[tuple[str, str, np.ndarray]],
    *,
    baseline: float,
    floor: float,
    epochs: int | None = None,
    max_points: int | None = None,
) -> go.Figure:
    """Each cell's loss per epoch on fresh windows (log axis), against the two reference levels.

    curves : (cell, label, mean_loss (E,)) triples; mean_loss[e] is epoch e+1's mean over its
        fresh windows, each window's loss taken before its update: windows the model had not
        seen, so this is already a held-out error.
    baseline : 1 + σ_ε², the error without memory;  floor : σ_ε², the error of perfect recall
    epochs : fix the x axis to 1 … epochs;  max_points : at most about this many epochs a curve
    """
    traces = [  # plain dicts, one validation: redrawn at every poll
        loss_trace(label, loss, CELL_COLOURS[cell], max_points) for cell, label, loss in curves
    ]
    last = max([epochs or 0, 2] + [len(loss) for *_, loss in curves])
    traces += _references([1, last], baseline, floor)
    shown = [np.asarray(loss, float) for *_, loss in curves] + [np.array([baseline, floor])]
    layout = loss_layout(
        380, "mean loss per fresh window, (y_pred − y)²", np.concatenate(shown), epochs
    )
    return go.Figure({"data": traces, "layout": layout})


def held_out_figure(
    rows: Sequence[tuple[str, str, float]], *, baseline: float, floor: float
) -> go.Figure:
    """Each cell's mean squared error on held-out windows, as a dot on a log axis, between the
    no-memory baseline (nothing recalled) and the noise floor (everything recalled).

    rows : (cell, label, mse); values that are not finite and > 0 are left out
    """
    shown = [(cell, label, float(v)) for cell, label, v in rows if np.isfinite(v) and v > 0]
    labels = [label for _, label, _ in shown]
    fig = go.Figure(
        go.Scatter(
            x=[v for *_, v in shown],
            y=labels,
            mode="markers+text",
            name="held-out MSE",
            marker={
                "color": [CELL_COLOURS[c] for c, *_ in shown],
                "size": 16,
                "line": style.OUTLINE,
            },
            text=[f"{v:.3f}" for *_, v in shown],
            textposition="top center",
            hovertemplate="%{y}: %{x:.4f}<extra></extra>",
        ),
        layout=style.layout(120 + 45 * max(1, len(shown))),
    )
    shapes = []
    for name, value, line in _levels(baseline, floor):
        shapes.append(_vline(value, 1, line))
        # A legend entry for the line (a shape has none).
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=name, line=line))
    values = [v for *_, v in shown] + [baseline, floor]
    fig.update_layout(
        xaxis={
            "title": "mean squared error on held-out windows",
            "type": "log",
            **log_ticks(values),
        },
        yaxis={"autorange": "reversed", "type": "category"},
        shapes=shapes,
    )
    return fig


def connectivity_figure(
    panels: Sequence[tuple[str, str, GradientProfile]], recall_t: int
) -> go.Figure:
    """|∂L/∂x_t| and ‖∂L/∂h_t‖ per timestep, one panel per cell, on one shared log axis.

    panels : (cell, title, profile) triples; profile.dx (T,) for t = 1..T, profile.dh (T+1,)
        for t = 0..T, and for the LSTM profile.dc (T+1,), ‖∂L/∂c_t‖
    recall_t : T − k + 1, the step whose input the target recalls, marked in every panel
    A value that is exactly 0 (an input the gradient never reaches) leaves a gap.
    """
    fig = make_subplots(
        rows=1,
        cols=max(1, len(panels)),
        shared_yaxes=True,
        subplot_titles=[title for _, title, _ in panels] or None,
        horizontal_spacing=0.03,
    )
    fig.update_annotations(font_size=style.TITLE_SIZE)
    fig.update_layout(style.layout(400, legend_y=1.1))
    series = [
        ("|∂L/∂x_t|", "dx", 1, "lines+markers", None),
        ("‖∂L/∂h_t‖", "dh", 0, "lines", None),
        ("‖∂L/∂c_t‖ (the LSTM's cell)", "dc", 0, "lines", "dot"),
    ]
    every, shapes = [], []
    for col, (cell, _, profile) in enumerate(panels, start=1):
        colour = CELL_COLOURS[cell]
        for index, (name, field, first_t, mode, dash) in enumerate(series):
            values = getattr(profile, field)
            if values is None:
                continue
            values = np.asarray(values, float)
            every.append(values)
            fig.add_trace(
                go.Scatter(
                    x=np.arange(first_t, first_t + values.shape[0]),
                    y=positive_or_none(values),
                    mode=mode,
                    name=f"{name}, {cell.upper()}",
                    legendgroup=field,
                    line=style.line(colour if index == 0 else palette.GREY, dash),
                    marker={"color": colour, "size": 6},
                    hovertemplate="t = %{x}: %{y:.3g}<extra>" + name + "</extra>",
                ),
                row=1,
                col=col,
            )
        shapes.append(_vline(recall_t, col, style.line(palette.VERMILLION, "dash", width=1)))
        fig.update_xaxes(title_text="timestep t", row=1, col=col)
    fig.update_layout(shapes=shapes)
    values = np.concatenate(every) if every else np.ones(1)
    fig.update_yaxes(type="log", **log_ticks(values[positive_finite(values)]))
    fig.update_yaxes(title_text="size of the gradient (mean over windows)", row=1, col=1)
    return fig


def unit_heatmaps(
    panels: Sequence[tuple[str, np.ndarray]],
    *,
    first_t: int,
    signed: bool,
    units: Sequence[str],
    recall_t: int | None = None,
) -> go.Figure:
    """One window's per-unit values over time, one heatmap panel each: units down, steps across.

    panels : (title, values (S, H)) pairs; row s of values is step first_t + s
    first_t : 1 for gates (t = 1..T), 0 for states (t = 0..T, with h_0 = c_0 = 0)
    signed : a diverging scale symmetric about 0 (states); else 0 … 1, sequential (gates)
    units : the H row labels, in the order the values' columns are given
    recall_t : the step whose input the target recalls, outlined in every panel
    """
    fig = make_subplots(
        rows=1,
        cols=max(1, len(panels)),
        shared_yaxes=True,
        subplot_titles=[title for title, _ in panels] or None,
        horizontal_spacing=0.02,
    )
    fig.update_annotations(font_size=style.TITLE_SIZE)
    fig.update_layout(style.layout(max(260, min(720, 140 + 16 * len(units)))))
    bound = 1.0
    if signed:
        finite = [np.abs(v[np.isfinite(v)]) for _, v in panels]
        bound = max([float(f.max()) for f in finite if f.size] + [1e-9])
    for col, (title, values) in enumerate(panels, start=1):
        values = np.asarray(values, float)
        steps = np.arange(first_t, first_t + values.shape[0])
        fig.add_trace(
            go.Heatmap(
                name=title,  # names the rows of its numbers table
                z=values.T,  # (H, S)
                x=steps,
                y=list(units),
                coloraxis="coloraxis",
                hovertemplate="%{y}, t = %{x}: %{z:.4f}<extra>" + title + "</extra>",
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text="timestep t", dtick=max(1, len(steps) // 8), row=1, col=col)
        if recall_t is not None:
            fig.add_vrect(
                x0=recall_t - 0.5,
                x1=recall_t + 0.5,
                line=style.line(palette.VERMILLION, width=1.5),
                row=1,
                col=col,
            )
    fig.update_yaxes(autorange="reversed", type="category")
    scale = (
        {"colorscale": palette.DIVERGING, "cmin": -bound, "cmax": bound}
        if signed
        else {"colorscale": palette.SEQUENTIAL, "cmin": 0.0, "cmax": 1.0}
    )
    fig.update_layout(coloraxis={**scale, "colorbar": {"thickness": 12}})
    return fig
