"""The model's inside, as heatmaps: one window's hidden states, each parameter before and after
training, and ‖∂L/∂h_t‖ per timestep as training goes on.

Pure functions: engine arrays in, a `go.Figure` out. Colour scales are the palette's: diverging
(blue negative, white 0, vermillion positive) for signed values, sequential for magnitudes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.figures import palette, style
from rnnviz.figures.axes import epoch_rows, log10_or_none


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
        ),
        layout=style.layout(max(260, min(700, 120 + 14 * hidden))),
    )
    fig.update_layout(
        xaxis={"title": "timestep t", "type": "category"},
        yaxis={"title": "hidden unit", "autorange": "reversed"},
    )
    return fig


def as_grid(name: str, values: np.ndarray) -> np.ndarray:
    """A parameter as a 2-D grid with the hidden units down the rows where it has them:
    W_xh (H, 1), W_hh (H, H), b_h (H,) → (H, 1), W_hy (1, H) → its transpose (H, 1), b_y (1, 1)."""
    values = np.asarray(values, float)
    if name == "W_hy":
        return values.T
    return values.reshape(values.shape[0], -1)


def _panels(height: int, titles: Sequence[str], **subplots) -> go.Figure:
    """Heatmap panels side by side in one row, titled at the style's panel-title size."""
    fig = make_subplots(rows=1, cols=max(1, len(titles)), subplot_titles=titles or None, **subplots)
    fig.update_annotations(font_size=style.TITLE_SIZE)  # the subplot titles, so far the only ones
    fig.update_layout(style.layout(height))
    return fig


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
    fig = _panels(
        max(260, min(560, 140 + 12 * grids[0].shape[0])),
        (f"{shown} before training", f"{shown} after training"),
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
    )
    return fig


def gradient_norm_figure(runs: Sequence[tuple[str, np.ndarray, np.ndarray]]) -> go.Figure:
    """‖∂L/∂h_t‖ per timestep during training, one panel per run: x timestep, y epoch.

    runs : (label, epochs (R,), norms (R, T+1)) triples, as `core.stacked.GradNorms` holds them:
        norms[r, t] is the mean over windows of ‖∂L_i/∂h_t‖ after epochs[r] epochs, t = 0..T.
    Colour is log10 of the norm on one scale shared by all panels; an exact 0 (a fully
    saturated tanh passes nothing) is drawn blank, never as NaN. Many rows show every k-th.
    """
    fig = _panels(420, [label for label, *_ in runs], shared_yaxes=True, horizontal_spacing=0.03)
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
    )
    return fig
