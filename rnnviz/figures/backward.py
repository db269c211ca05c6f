"""The backward pass on the unrolled network: the gradient flows right to left, L → y → h_T → …
→ h_0, as arrows whose width and colour encode its magnitude (|dL/dy|, then |dL/dh_t|, or
‖dL/dh_t‖ when H > 1), on one log scale for the whole pass. `backward_animation` turns the
backward steps into Plotly frames with the ledger inside.

Pure functions: engine results in, go.Figure out; every number shown comes from the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np
import plotly.colors as pc
import plotly.graph_objects as go

from rnnviz.figures import palette, style
from rnnviz.figures.unrolled import (
    PENDING,
    ROW_LABEL,
    Geometry,
    Label,
    arrow,
    arrow_heads,
    arrow_shapes,
    day_labels,
    diagram_layout,
    labels_trace,
    magnitude,
    node_traces,
    subscript,
)
from rnnviz.text.ledger import num

WIDTH_MIN, WIDTH_MAX = 1.5, 14.0  # arrow widths in px, for the smallest and largest gradient
FRAME_MS = 1800  # play mode: long enough to read a step's ledger lines
DIAGRAM_BOTTOM, LEDGER_TOP = 0.5, 0.46  # the animation: diagram above, ledger below (paper y)
LEDGER_WIDTH = 110  # characters per ledger line in the animation before it is broken
# Cividis, reversed and cut short of its palest yellow: large gradients dark, small ones light
# but still visible on white.
_STOPS = np.linspace(0, 1, 6)
GRADIENT_SCALE = [
    [float(f), c]
    for f, c in zip(
        _STOPS, pc.sample_colorscale(palette.SEQUENTIAL, list(0.85 * (1 - _STOPS))), strict=True
    )
]


def gradient_widths(magnitudes: Sequence[float]) -> np.ndarray:
    """Arrow widths in px, increasing with the magnitudes on a log scale.

    Gradients in an RNN span many orders of magnitude (each step back multiplies by
    W_hh·tanh′(a_t)), so a linear scale would leave all but one arrow invisible. Zero gets the
    smallest width; equal magnitudes get equal widths.
    """
    mags = np.asarray(magnitudes, dtype=float)
    widths = np.full(mags.shape, WIDTH_MIN)
    positive = mags > 0
    if not positive.any():
        return widths
    logs = np.log10(mags[positive])
    lo, hi = logs.min(), logs.max()
    frac = np.full(logs.shape, 1.0) if hi == lo else (logs - lo) / (hi - lo)
    widths[positive] = WIDTH_MIN + (WIDTH_MAX - WIDTH_MIN) * frac
    return widths


def _log_range(magnitudes: Sequence[float]) -> tuple[float, float]:
    logs = np.log10([m for m in magnitudes if m > 0] or [1.0])
    lo, hi = float(logs.min()), float(logs.max())
    return (lo - 0.5, hi + 0.5) if hi == lo else (lo, hi)


def _gradient_colour(size: float, log_range: tuple[float, float]) -> str:
    if size <= 0:
        return palette.GREY
    lo, hi = log_range
    frac = float(np.clip((np.log10(size) - lo) / (hi - lo), 0.0, 1.0))
    return pc.sample_colorscale(GRADIENT_SCALE, [frac])[0]


def _backward_arrows(trace, result) -> list[tuple[tuple, tuple, float, str, int]]:
    """The gradient arrows in the order BPTT computes them: (start, end, magnitude, label,
    first backward step at which it exists)."""
    T = trace.x.shape[1]
    geo = Geometry(T)
    vector = trace.h.shape[2] > 1
    bars = ("‖", "‖") if vector else ("", "")

    def dh_label(t: int) -> str:
        value = result.dh[0, t]
        shown = num(magnitude(value)) if vector else num(value[0])
        return f"{bars[0]}dL/d{subscript('h', t)}{bars[1]} = {shown}"

    arrows = [
        (geo.L, geo.y, abs(float(result.dL_dy[0])), f"dL/dy = {num(result.dL_dy[0])}", 1),
        (geo.y, geo.h[T], magnitude(result.dh[0, T]), dh_label(T), 1),
    ]
    for t in range(T, 0, -1):
        step = T + 2 - t  # Step B at t computes dh_next = dL/dh_(t-1)
        arrows.append(
            (geo.h[t], geo.h[t - 1], magnitude(result.dh[0, t - 1]), dh_label(t - 1), step)
        )
    return arrows


def _backward_state(trace, result, target: float, step: int, first_day: int, bar=(0.7, 0.55)):
    """The traces (arrow heads, nodes, the colour bar, labels) and the arrows' shafts (layout
    shapes) of backward step `step`; the same traces at every step, so they can be frames."""
    T = trace.x.shape[1]
    geo = Geometry(T)
    arrows = _backward_arrows(trace, result)
    mags = [m for _, _, m, _, _ in arrows]
    widths, log_range = gradient_widths(mags), _log_range(mags)
    if step == 0:
        current = set()
    elif step == 1:
        current = {"L", "y", f"h{T}"}
    else:
        t = T + 2 - step
        current = {f"h{t}", f"h{t - 1}", f"x{t}"}
    nodes = node_traces(
        trace,
        target,
        result.loss,
        computed_h=T,
        output_done=True,
        current=current,
        first_day=first_day,
    )
    labels = day_labels(geo, first_day)
    drawn = [arrow(geo.x[t - 1], geo.h[t], 1, PENDING) for t in range(1, T + 1)]
    drawn.append(arrow(geo.target, geo.L, 1, PENDING))
    for (start, end, mag, label, first), width in zip(arrows, widths, strict=True):
        reached = step >= first
        colour = _gradient_colour(mag, log_range) if reached else PENDING
        drawn.append(arrow(start, end, float(width) if reached else 1.0, colour))
        is_now = reached and first == step
        text = f"<b>{label}</b>" if is_now else label
        labels.append(
            Label(
                (start[0] + end[0]) / 2,
                ROW_LABEL,
                text if reached else "",
                style.LABEL_SIZE,
                palette.VERMILLION if is_now else palette.BLACK,
            )
        )
    # A colour bar for the gradient scale: an invisible point that carries it.
    scale = go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={
            "color": [log_range[0]],
            "cmin": log_range[0],
            "cmax": log_range[1],
            "colorscale": GRADIENT_SCALE,
            "showscale": True,
            "colorbar": {
                "title": {"text": "log₁₀ of<br>|gradient|", "side": "top"},
                "thickness": 12,
                "y": bar[0],  # centre and length of the bar, in paper coordinates
                "len": bar[1],
                "x": 1.0,
            },
        },
        hoverinfo="skip",
        showlegend=False,
    )
    return [arrow_heads(drawn), *nodes, scale, labels_trace(labels)], arrow_shapes(drawn)


def unrolled_backward(trace, result, target: float, step: int, *, first_day: int = 1) -> go.Figure:
    """The unrolled network at backward step `step` (0 … T+1), gradients flowing right to left.

    Parameters
    ----------
    trace : core.Trace of one window (B = 1)
    result : core.BPTTResult of that window: dL_dy (1,), dh (1, T+1, H)
    target : the day after the window
    step : 0 = the finished forward pass;  1 = Step A (L → y → h_T);  s ≥ 2 = Step B at
        t = T+2−s, which sends dL/dh_(t−1) from h_t to h_(t−1)

    Arrow widths and colours encode |dL/dy| and |dL/dh_t| (‖dL/dh_t‖ for H > 1) on one log scale
    for the whole pass, so a shrinking gradient looks thinner and paler at every step.
    """
    T = trace.x.shape[1]
    if not 0 <= step <= T + 1:
        raise ValueError(f"The backward step must be 0 … {T + 1}, got {step}.")
    data, shafts = _backward_state(trace, result, target, step, first_day)
    return go.Figure(data=data, layout={**diagram_layout(T, 320), "shapes": shafts})


def _wrap(line: str, width: int = LEDGER_WIDTH) -> list[str]:
    """A long ledger line broken before its ' = ' signs, continuation lines indented: an
    annotation does not wrap by itself."""
    if len(line) <= width:
        return [line]
    pieces = line.split(" = ")
    out = [pieces[0]]
    for piece in pieces[1:]:
        if len(out[-1]) + 3 + len(piece) <= width:
            out[-1] += " = " + piece
        else:
            out.append("      = " + piece)
    return out


def _ledger_annotation(title: str, lines: Sequence[str]) -> dict:
    body = "<br>".join(escape(part) for line in lines for part in _wrap(line))
    return {
        "x": 0,
        "y": LEDGER_TOP,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
        "showarrow": False,
        "text": f"<b>{escape(title)}</b><br>{body}",
        "font": {"family": "monospace", "size": style.LEDGER_SIZE, "color": palette.BLACK},
        "bgcolor": "#F7F7F7",
        "bordercolor": palette.GREY,
        "borderpad": 6,
    }


def backward_animation(
    trace,
    result,
    target: float,
    ledgers: Sequence[tuple[str, Sequence[str]]],
    *,
    first_day: int = 1,
) -> go.Figure:
    """The backward pass as a Plotly animation: one frame per backward step, 0 … T+1.

    Parameters
    ----------
    trace, result, target : as for `unrolled_backward`
    ledgers : one (title, ledger lines) per step; each frame carries its step's lines as an
        annotation, so Play in the browser (which tells the server nothing) keeps the ledger in
        step with the picture

    Play and Pause buttons and a slider sit under the ledger; the figure opens on step 0.
    """
    T = trace.x.shape[1]
    if len(ledgers) != T + 2:
        raise ValueError(
            f"Expected {T + 2} ledger entries (steps 0 … {T + 1}), got {len(ledgers)}."
        )
    names = [str(s) for s in range(T + 2)]
    labels = ["start", "A", *(f"t={T + 2 - s}" for s in range(2, T + 2))]
    frames = []
    for s, (title, lines) in enumerate(ledgers):
        data, shafts = _backward_state(trace, result, target, s, first_day, bar=(0.77, 0.3))
        ledger = [_ledger_annotation(title, lines)]
        frames.append(
            go.Frame(name=names[s], data=data, layout={"shapes": shafts, "annotations": ledger})
        )
    layout = diagram_layout(T, 600)
    layout["yaxis"]["domain"] = [DIAGRAM_BOTTOM, 1.0]
    fig = go.Figure(data=frames[0].data, layout=layout, frames=frames)
    fig.update_layout(shapes=frames[0].layout.shapes, annotations=frames[0].layout.annotations)
    jump = {
        "mode": "immediate",
        "frame": {"duration": 0, "redraw": True},
        "transition": {"duration": 0},
    }
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0,
                "y": 0,
                "xanchor": "left",
                "yanchor": "bottom",
                "pad": {"t": 0, "r": 10},
                "showactive": False,
                "buttons": [
                    {
                        "label": "Play",  # no emoji arrow: it can draw as an empty box
                        "method": "animate",
                        "args": [
                            None,
                            {
                                "frame": {"duration": FRAME_MS, "redraw": True},
                                "transition": {"duration": 0},
                                "fromcurrent": True,
                                "mode": "immediate",
                            },
                        ],
                    },
                    {"label": "Pause", "method": "animate", "args": [[None], jump]},
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.17,
                "len": 0.83,
                "y": 0,
                "yanchor": "bottom",
                "pad": {"t": 0, "b": 0},
                "currentvalue": {"prefix": "backward step: ", "font": {"size": style.FONT_SIZE}},
                "steps": [
                    {"label": label, "method": "animate", "args": [[name], jump]}
                    for name, label in zip(names, labels, strict=True)
                ],
            }
        ],
    )
    return fig
