"""What the hidden state does over time: the scalar RNN's cobweb, the slope of each day's map,
and many windows' final states h_T in two dimensions with one window's path h_0 … h_T.

Pure functions: the engine's arrays in (`core.day_maps`, `core.cobweb_path`, `core.map_slopes`,
`core.pca`), a `go.Figure` out.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures import palette, style


def cobweb_figure(grid, maps, path, step: int, *, first_day: int = 1) -> go.Figure:
    """The scalar RNN as a map h_(t−1) → h_t, one curve per day, and the window's cobweb path.

    grid : (G,) values of h_(t−1);  maps : (T, G) day t's map on the grid (`core.day_maps`)
    path : (2T+1, 2) the cobweb points (`core.cobweb_path`)
    step : the stepper's forward step, 0 … T+1: the path is drawn up to day min(step, T), that
        day's map in vermillion, the days already read in blue, the days to come faint grey
    first_day : the window's first day, counted from 1, for the legend's day numbers
    """
    grid, maps, path = np.asarray(grid, float), np.asarray(maps, float), np.asarray(path, float)
    days = maps.shape[0]
    if not 0 <= step <= days + 1:
        raise ValueError(f"The forward step must be 0 … {days + 1}, got {step}.")
    reached = min(step, days)
    traces = [
        go.Scatter(
            x=[-1, 1],
            y=[-1, 1],
            mode="lines",
            name="diagonal h_t = h_(t−1)",
            line=style.line(palette.BLACK, "dash", width=1),
            hoverinfo="skip",
        )
    ]
    for t in range(1, days + 1):
        current, read = t == reached, t < reached
        colour = palette.VERMILLION if current else palette.BLUE if read else palette.GREY
        traces.append(
            go.Scatter(
                x=grid,
                y=maps[t - 1],
                mode="lines",
                name=f"day {first_day + t - 1}'s map (t = {t})",
                line=style.line(colour, None if current or read else "dot", 3 if current else 1.5),
                opacity=1.0 if current or read else 0.45,
                hovertemplate=f"t = {t}: h_(t−1) = %{{x:.3f}} → h_t = %{{y:.4f}}<extra></extra>",
            )
        )
    shown = path[: 2 * reached + 1]
    traces.append(
        go.Scatter(
            x=shown[:, 0],
            y=shown[:, 1],
            mode="lines+markers",
            name="the window's path h_0 → h_1 → …",
            line=style.line(palette.BLACK, width=1.5),
            marker={"size": [9 if i % 2 == 0 else 5 for i in range(shown.shape[0])]},
            hovertemplate="(%{x:.4f}, %{y:.4f})<extra></extra>",
        )
    )
    last = shown[-1]
    traces.append(
        go.Scatter(
            x=[last[0]],
            y=[last[1]],
            mode="markers",
            name=f"h_{reached} = {last[1]:.4f}",
            marker=style.outlined(palette.VERMILLION, 13),
            hovertemplate="h_" + str(reached) + " = %{y:.17g}<extra></extra>",
        )
    )
    fig = go.Figure(traces, layout=style.layout(460))
    fig.update_layout(
        xaxis={"title": "h_(t−1), yesterday's memory", "range": [-1.05, 1.05]},
        yaxis={"title": "h_t = tanh(W_hh·h_(t−1) + W_xh·x_t + b_h)", "range": [-1.05, 1.05]},
    )
    fig.update_yaxes(scaleanchor="x", scaleratio=1)  # the diagonal at 45°
    fig.update_xaxes(constrain="domain")  # narrower, rather than wider than h's range
    return fig


def slopes_figure(slopes, step: int, *, first_day: int = 1) -> go.Figure:
    """|∂h_t/∂h_(t−1)| = |W_hh·(1 − h_t²)| per day, against 1, up to the stepper's day.

    slopes : (T,) the signed slopes (`core.map_slopes`); step : 0 … T+1, days after min(step, T)
    are not computed yet and are left out. Below 1, a change in h_(t−1) shrinks into h_t.
    """
    slopes = np.asarray(slopes, float)
    days = slopes.shape[0]
    reached = min(max(step, 0), days)
    t = np.arange(1, reached + 1)
    size = np.abs(slopes[:reached])
    fig = go.Figure(
        go.Bar(
            x=t,
            y=size,
            name="|W_hh·(1 − h_t²)|",
            marker={"color": [palette.VERMILLION if v >= 1 else palette.BLUE for v in size]},
            customdata=[[first_day + i - 1, slopes[i - 1]] for i in t],
            hovertemplate="t = %{x} (day %{customdata[0]}): slope %{customdata[1]:.4f}"
            "<extra></extra>",
        ),
        layout=style.layout(300),
    )
    fig.add_trace(
        go.Scatter(
            x=[0.5, days + 0.5],
            y=[1.0, 1.0],
            mode="lines",
            name="1: the memory kept whole",
            line=style.line(palette.BLACK, "dash", width=1),
            hoverinfo="skip",
        )
    )
    high = max([1.2, *(size * 1.1)])
    fig.update_layout(
        xaxis={"title": "day t", "range": [0.5, days + 0.5], "dtick": 1},
        yaxis={"title": "|∂h_t/∂h_(t−1)|", "range": [0, high]},
    )
    return fig


def final_states_figure(
    scores,
    colour,
    colour_title: str,
    explained,
    *,
    trajectory=None,
    picked: int | None = None,
) -> go.Figure:
    """Every window's final hidden state h_T as a point in its first two principal components,
    and one window's path h_0 → h_T in the same coordinates.

    scores : (N, 2) h_T of each window projected (`core.PCA.scores`)
    colour : (N,) the value each point is coloured by (its first day, or its target)
    explained : (2,) the share of the variance along each component, for the axis titles
    trajectory : (T+1, 2) the picked window's h_0 … h_T projected the same way;  picked : its
        0-based index (its h_T is outlined)
    """
    scores, colour = np.asarray(scores, float), np.asarray(colour, float)
    explained = np.asarray(explained, float)
    fig = go.Figure(
        go.Scatter(
            x=scores[:, 0],
            y=scores[:, 1],
            mode="markers",
            name="h_T of each window",
            marker={
                "color": colour,
                "colorscale": palette.SEQUENTIAL,
                "size": 8,
                "colorbar": {"title": {"text": colour_title}, "thickness": 12},
            },
            customdata=np.stack([np.arange(1, scores.shape[0] + 1), colour], axis=1),
            hovertemplate="window %{customdata[0]}: PC 1 = %{x:.3f}, PC 2 = %{y:.3f}, "
            + colour_title
            + " %{customdata[1]:.3f}<extra></extra>",
        ),
        layout=style.layout(460),
    )
    if trajectory is not None:
        path = np.asarray(trajectory, float)
        window = "" if picked is None else f" of window {picked + 1}"
        fig.add_trace(
            go.Scatter(
                x=path[:, 0],
                y=path[:, 1],
                mode="lines+markers+text",
                name=f"the path h_0 → h_T{window}",
                line=style.line(palette.VERMILLION, width=2),
                marker=style.outlined(palette.VERMILLION, 8),
                text=[f"h_{t}" if t in (0, path.shape[0] - 1) else "" for t in range(len(path))],
                textposition="top center",
                customdata=np.arange(path.shape[0]),
                hovertemplate="h_%{customdata}: PC 1 = %{x:.3f}, PC 2 = %{y:.3f}<extra></extra>",
            )
        )
    fig.update_layout(
        xaxis={"title": f"principal component 1 ({explained[0]:.0%} of the variance)"},
        yaxis={"title": f"principal component 2 ({explained[1]:.0%})"},
    )
    return fig
