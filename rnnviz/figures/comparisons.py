"""How good the fit is, against what no model can beat: the RNN's error beside the baselines'
and the noise floor σ², and the error reached with each truncation depth k.

Pure functions: the engine's errors in, a `go.Figure` out; values that are not finite are left
out, never drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures import palette, style


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
        ),
        layout=style.layout(90 + 42 * len(shown)),
    )
    if noise_floor is not None:
        fig.add_vline(
            x=noise_floor,
            line=style.line(palette.BLACK, "dash", width=1.5),
            annotation_text=f"noise floor σ² = {noise_floor:.3g}",
            annotation_position="top",
        )
    largest = max([v for _, v, _ in shown] + [noise_floor or 0.0, 1e-9])
    fig.update_layout(
        xaxis={"title": "mean squared error (°C²)", "range": [0, largest * 1.25]},
        yaxis={"autorange": "reversed"},
        showlegend=False,
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
                "color": [palette.run_colour(i) for i in range(len(labels))],
                "size": 16,
                "line": style.OUTLINE,
            },
            text=[f"{v:.3f}" for v in values],
            textposition="middle right",
            hovertemplate="%{x}: %{y:.4f}<extra></extra>",
        ),
        layout=style.layout(380),
    )
    lines = {} if noise_floor is None else {f"noise floor σ² = {noise_floor:.3g}": noise_floor}
    lines.update({f"{k}: {v:.3f}": v for k, v in (references or {}).items() if np.isfinite(v)})
    styles = ["dash", "dot", "dashdot", "longdash"]
    for index, (label, value) in enumerate(lines.items()):
        colour = palette.BLACK if index == 0 and noise_floor is not None else palette.GREY
        line = style.line(colour, styles[index % len(styles)], width=1.5)
        fig.add_hline(y=value, line=line)
        # A legend entry for the line (add_hline draws a shape, which has none).
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=label, line=line))
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
    )
    return fig
