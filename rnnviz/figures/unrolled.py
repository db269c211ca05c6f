"""The RNN unrolled through time: x_1 … x_T boxes, h_0 … h_T nodes, the output y and the loss L.

Forward mode fills the nodes computed so far and highlights the current one. Backward mode draws
the gradient flowing right to left, L → y → h_T → … → h_0, as arrows whose width and colour encode
its magnitude (|dL/dy|, then |dL/dh_t|, or ‖dL/dh_t‖ when H > 1), on one log scale for the whole
pass. `backward_animation` turns the backward steps into Plotly frames with the ledger inside.

Pure functions: engine results in, go.Figure out; every number shown comes from the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np
import plotly.colors as pc
import plotly.graph_objects as go

from rnnviz.figures import palette
from rnnviz.text.ledger import num

NODE_SIZE = 58  # marker diameter in px; arrows stop this far from a node's centre, halved
ROW_H, ROW_X, ROW_LABEL = 1.0, 0.0, 1.42  # y of the hidden row, the input row, gradient labels
WIDTH_MIN, WIDTH_MAX = 1.5, 14.0  # arrow widths in px, for the smallest and largest gradient
PENDING = "#DDDDDD"  # arrows and nodes not reached yet
CURRENT_WIDTH = 5.0  # outline of the nodes the current step touches
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
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


def _magnitude(values) -> float:
    """|v| for a scalar, ‖v‖ (Euclidean length) for a vector."""
    return float(np.linalg.norm(np.asarray(values, dtype=float)))


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


def _gradient_colour(magnitude: float, log_range: tuple[float, float]) -> str:
    if magnitude <= 0:
        return palette.GREY
    lo, hi = log_range
    frac = float(np.clip((np.log10(magnitude) - lo) / (hi - lo), 0.0, 1.0))
    return pc.sample_colorscale(GRADIENT_SCALE, [frac])[0]


def _arrow(start, end, width: float, colour: str) -> dict:
    """A layout annotation drawn as an arrow from `start` to `end` (data coordinates)."""
    return {
        "x": end[0],
        "y": end[1],
        "ax": start[0],
        "ay": start[1],
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "text": "",
        "showarrow": True,
        "arrowhead": 2,
        # Plotly scales the head with the line: shrink it for wide arrows so heads stay modest.
        "arrowsize": float(np.clip(4.0 / width, 0.4, 1.2)),
        "arrowwidth": width,
        "arrowcolor": colour,
        "standoff": NODE_SIZE / 2 + 2,
        "startstandoff": NODE_SIZE / 2 + 2,
    }


def _label(x: float, y: float, text: str, **font) -> dict:
    return {
        "x": x,
        "y": y,
        "xref": "x",
        "yref": "y",
        "text": text,
        "showarrow": False,
        "font": {"size": 12, "color": palette.BLACK, **font},
    }


def _day_labels(geo: _Geometry, first_day: int) -> list[dict]:
    """'day d' under each input box and the target, days counted from 1."""
    below = ROW_X - 0.36
    labels = [
        _label(x, below, f"day {first_day + i}", size=11, color=palette.GREY)
        for i, (x, _) in enumerate(geo.x)
    ]
    labels.append(
        _label(geo.target[0], below, f"day {first_day + geo.T}", size=11, color=palette.GREY)
    )
    return labels


def _sub(symbol: str, t: int) -> str:
    return f"{symbol}{str(t).translate(SUB)}"


class _Geometry:
    """Where each node sits: h_t at (t, 1), x_t at (t, 0), y at (T+1, 1), L at (T+2, 1), and the
    target under L."""

    def __init__(self, seq_len: int):
        self.T = seq_len
        self.h = [(t, ROW_H) for t in range(seq_len + 1)]
        self.x = [(t, ROW_X) for t in range(1, seq_len + 1)]
        self.y = (seq_len + 1, ROW_H)
        self.L = (seq_len + 2, ROW_H)
        self.target = (seq_len + 2, ROW_X)


def _node_traces(
    trace,
    target: float,
    loss: float,
    *,
    computed_h: int,
    output_done: bool,
    current: set[str],
    first_day: int,
) -> list[go.Scatter]:
    """The four node traces: inputs, target, hidden states, output and loss.

    computed_h : h_0 … h_computed_h are filled;  output_done : y and L are filled
    current : names of highlighted nodes ("h3", "x3", "y", "L", "target")
    first_day : the calendar day of x_1 (days counted from 1)
    """
    T, H = trace.x.shape[1], trace.h.shape[2]
    geo = _Geometry(T)
    x_vals, h_vals = trace.x[0], trace.h[0]  # (T,), (T+1, H)
    y_val = float(trace.y_pred[0])

    def outline(name: str) -> tuple[str, float]:
        return (palette.BLACK, CURRENT_WIDTH) if name in current else (palette.GREY, 1.0)

    x_lines = [outline(f"x{t}") for t in range(1, T + 1)]
    inputs = go.Scatter(
        x=[p[0] for p in geo.x],
        y=[p[1] for p in geo.x],
        mode="markers+text",
        marker={
            "symbol": "square",
            "size": NODE_SIZE - 6,
            "color": palette.INPUT,
            "line": {"color": [c for c, _ in x_lines], "width": [w for _, w in x_lines]},
        },
        text=[f"{_sub('x', t)}<br>{num(x_vals[t - 1])}" for t in range(1, T + 1)],
        textfont={"size": 12, "color": palette.BLACK},
        customdata=[[t, first_day + t - 1, float(x_vals[t - 1])] for t in range(1, T + 1)],
        hovertemplate="x_%{customdata[0]} (day %{customdata[1]}) = %{customdata[2]:.17g}"
        "<extra></extra>",
        name="inputs x_t",
        showlegend=False,
    )
    t_line = outline("target")
    target_box = go.Scatter(
        x=[geo.target[0]],
        y=[geo.target[1]],
        mode="markers+text",
        marker={
            "symbol": "square",
            "size": NODE_SIZE - 6,
            "color": "white",
            "line": {
                "color": t_line[0] if t_line[1] > 1 else palette.TARGET,
                "width": t_line[1] + 1,
            },
        },
        text=[f"target<br>{num(target)}"],
        textfont={"size": 12, "color": palette.BLACK},
        customdata=[[first_day + T, float(target)]],
        hovertemplate="target (day %{customdata[0]}) = %{customdata[1]:.17g}<extra></extra>",
        name="target",
        showlegend=False,
    )
    fills, fonts, texts, hovers, lines = [], [], [], [], []
    for t in range(T + 1):
        done = t <= computed_h
        value = h_vals[t]
        if H == 1:
            shown = num(value[0])
            hover = f"h_{t} = {float(value[0]):.17g}"
        else:
            shown = f"‖{num(_magnitude(value))}‖"
            head = ", ".join(f"{v:.17g}" for v in value[:4])
            hover = f"h_{t}: ‖h_{t}‖ = {_magnitude(value):.17g}<br>first units: {head}, …"
        fills.append(palette.GREEN if done else "white")
        fonts.append("white" if done else palette.GREY)
        texts.append(f"{_sub('h', t)}<br>{shown if done else '?'}")
        hovers.append(hover if done else f"h_{t}: not computed yet")
        lines.append(outline(f"h{t}") if done else (palette.GREY, 1.0))
    hidden = go.Scatter(
        x=[p[0] for p in geo.h],
        y=[p[1] for p in geo.h],
        mode="markers+text",
        marker={
            "size": NODE_SIZE,
            "color": fills,
            "line": {"color": [c for c, _ in lines], "width": [w for _, w in lines]},
        },
        text=texts,
        textfont={"size": 12, "color": fonts},
        hovertext=hovers,
        hoverinfo="text",
        name="hidden states h_t",
        showlegend=False,
    )
    out_lines = [outline("y"), outline("L")]
    output = go.Scatter(
        x=[geo.y[0], geo.L[0]],
        y=[geo.y[1], geo.L[1]],
        mode="markers+text",
        marker={
            "symbol": ["diamond", "circle"],
            "size": NODE_SIZE,
            "color": [palette.PREDICTION, palette.PURPLE] if output_done else ["white", "white"],
            "line": {
                "color": [c for c, _ in out_lines] if output_done else [palette.GREY] * 2,
                "width": [w for _, w in out_lines],
            },
        },
        text=[
            f"y<br>{num(y_val) if output_done else '?'}",
            f"L<br>{num(loss) if output_done else '?'}",
        ],
        textfont={"size": 12, "color": palette.BLACK if output_done else palette.GREY},
        hovertext=[
            f"y = W_hy·h_{T} + b_y = {y_val:.17g}" if output_done else "y: not computed yet",
            f"L = (y − target)² = {loss:.17g}" if output_done else "L: not computed yet",
        ],
        hoverinfo="text",
        name="output y and loss L",
        showlegend=False,
    )
    return [inputs, target_box, hidden, output]


def _layout(seq_len: int, height: int) -> dict:
    return {
        "xaxis": {"visible": False, "range": [-0.6, seq_len + 2.6], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-0.55, 1.7], "fixedrange": True},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "plot_bgcolor": "white",
        "dragmode": False,
        "hovermode": "closest",
    }


def unrolled_forward(
    trace, target: float, loss: float, step: int, *, first_day: int = 1
) -> go.Figure:
    """The unrolled network at forward step `step` (0 … T+1) of one window.

    Parameters
    ----------
    trace : core.Trace of one window: x (1, T), a (1, T, H), h (1, T+1, H), y_pred (1,)
    target : the day after the window;  loss : (y − target)², from the engine
    step : 0 = only h_0 = 0;  t = 1 … T: h_1 … h_t computed, h_t current;  T+1: y and L computed
    first_day : the calendar day of x_1, for the day labels (days counted from 1)

    Nodes: computed ones filled (green h_t, orange y, purple L), pending ones white with '?', the
    current ones outlined thick in black; values to 4 significant digits, full precision on hover.
    Arrows: x_t → h_t (W_xh), h_(t−1) → h_t (W_hh), h_T → y (W_hy), y → L and target → L; black
    once their head is computed, pale grey before.
    """
    T = trace.x.shape[1]
    if not 0 <= step <= T + 1:
        raise ValueError(f"The forward step must be 0 … {T + 1}, got {step}.")
    geo = _Geometry(T)
    if step == 0:
        current = {"h0"}
    elif step <= T:
        current = {f"h{step}", f"x{step}"}
    else:
        current = {"y", "L", "target"}
    nodes = _node_traces(
        trace,
        target,
        loss,
        computed_h=min(step, T),
        output_done=step == T + 1,
        current=current,
        first_day=first_day,
    )
    annotations = _day_labels(geo, first_day)
    for t in range(1, T + 1):
        colour = palette.BLACK if t <= step else PENDING
        annotations.append(_arrow(geo.x[t - 1], geo.h[t], 2, colour))
        annotations.append(_arrow(geo.h[t - 1], geo.h[t], 2, colour))
    out_colour = palette.BLACK if step == T + 1 else PENDING
    annotations += [
        _arrow(geo.h[T], geo.y, 2, out_colour),
        _arrow(geo.y, geo.L, 2, out_colour),
        _arrow(geo.target, geo.L, 2, out_colour),
        _label(0.5, ROW_H + 0.17, "W_hh", color=palette.GREY),
        _label(1.2, 0.5, "W_xh", color=palette.GREY),
        _label(T + 0.5, ROW_H + 0.17, "W_hy", color=palette.GREY),
        _label(T + 1.5, ROW_H + 0.17, "(y − target)²", color=palette.GREY),
    ]
    fig = go.Figure(data=nodes, layout=_layout(T, 300))
    fig.update_layout(annotations=annotations)
    return fig


def _backward_arrows(trace, result) -> list[tuple[tuple, tuple, float, str, int]]:
    """The gradient arrows in the order BPTT computes them: (start, end, magnitude, label,
    first backward step at which it exists)."""
    T = trace.x.shape[1]
    geo = _Geometry(T)
    vector = trace.h.shape[2] > 1
    bars = ("‖", "‖") if vector else ("", "")

    def dh_label(t: int) -> str:
        value = result.dh[0, t]
        shown = num(_magnitude(value)) if vector else num(value[0])
        return f"{bars[0]}dL/d{_sub('h', t)}{bars[1]} = {shown}"

    arrows = [
        (geo.L, geo.y, abs(float(result.dL_dy[0])), f"dL/dy = {num(result.dL_dy[0])}", 1),
        (geo.y, geo.h[T], _magnitude(result.dh[0, T]), dh_label(T), 1),
    ]
    for t in range(T, 0, -1):
        step = T + 2 - t  # Step B at t computes dh_next = dL/dh_(t-1)
        arrows.append(
            (geo.h[t], geo.h[t - 1], _magnitude(result.dh[0, t - 1]), dh_label(t - 1), step)
        )
    return arrows


def _backward_state(trace, result, target: float, step: int, first_day: int, bar=(0.7, 0.55)):
    """Node traces and annotations of backward step `step`."""
    T = trace.x.shape[1]
    geo = _Geometry(T)
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
    nodes = _node_traces(
        trace,
        target,
        result.loss,
        computed_h=T,
        output_done=True,
        current=current,
        first_day=first_day,
    )
    annotations = _day_labels(geo, first_day)
    annotations += [_arrow(geo.x[t - 1], geo.h[t], 1, PENDING) for t in range(1, T + 1)]
    annotations.append(_arrow(geo.target, geo.L, 1, PENDING))
    for (start, end, mag, label, first), width in zip(arrows, widths, strict=True):
        reached = step >= first
        colour = _gradient_colour(mag, log_range) if reached else PENDING
        annotations.append(_arrow(start, end, float(width) if reached else 1.0, colour))
        is_now = reached and first == step
        text = f"<b>{label}</b>" if is_now else label
        annotations.append(
            _label(
                (start[0] + end[0]) / 2,
                ROW_LABEL,
                text if reached else "",
                size=11,
                color=palette.VERMILLION if is_now else palette.BLACK,
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
    return [*nodes, scale], annotations


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
    data, annotations = _backward_state(trace, result, target, step, first_day)
    fig = go.Figure(data=data, layout=_layout(T, 320))
    fig.update_layout(annotations=annotations, margin={"r": 80})
    return fig


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
        "font": {"family": "monospace", "size": 13, "color": palette.BLACK},
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
        data, annotations = _backward_state(trace, result, target, s, first_day, bar=(0.77, 0.3))
        annotations.append(_ledger_annotation(title, lines))
        frames.append(go.Frame(name=names[s], data=data, layout={"annotations": annotations}))
    layout = _layout(T, 600)
    layout["yaxis"]["domain"] = [DIAGRAM_BOTTOM, 1.0]
    layout["margin"] = {"l": 10, "r": 80, "t": 10, "b": 10}
    fig = go.Figure(data=frames[0].data, layout=layout, frames=frames)
    fig.update_layout(annotations=frames[0].layout.annotations)
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
                        "label": "▶ Play",
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
                    {"label": "❚❚ Pause", "method": "animate", "args": [[None], jump]},
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
                "currentvalue": {"prefix": "backward step: ", "font": {"size": 12}},
                "steps": [
                    {"label": label, "method": "animate", "args": [[name], jump]}
                    for name, label in zip(names, labels, strict=True)
                ],
            }
        ],
    )
    return fig
