"""The RNN unrolled through time: x_1 … x_T boxes, h_0 … h_T nodes, the output y and the loss L.

Forward mode fills the nodes computed so far and highlights the current one. The geometry, the
nodes and the arrows here are shared with the backward picture (`figures.backward`), which draws
the gradient flowing right to left.

Pure functions: engine results in, go.Figure out; every number shown comes from the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures import palette, style
from rnnviz.text.ledger import num

NODE_SIZE = 58  # marker diameter in px; arrows stop this far from a node's centre, halved
PX_PER_UNIT = 140  # px per diagram unit, about, in the app's wide layout (see arrow_shapes)
ARROW_NAME, ARROW_HEADS = "arrow", "arrow heads"  # the shafts' shape name, the heads' trace name
LABELS = "labels"  # the name of the diagram's text trace
ROW_H, ROW_X, ROW_LABEL = 1.0, 0.0, 1.42  # y of the hidden row, the input row, gradient labels
PENDING = "#DDDDDD"  # arrows and nodes not reached yet
CURRENT_WIDTH = 5.0  # outline of the nodes the current step touches
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def magnitude(values) -> float:
    """|v| for a scalar, ‖v‖ (Euclidean length) for a vector."""
    return float(np.linalg.norm(np.asarray(values, dtype=float)))


@dataclass(frozen=True)
class Arrow:
    """An arrow from node `start` to node `end` (data coordinates, one axis apart: the
    diagram's arrows are all horizontal or vertical), `width` px wide, in `colour`."""

    start: tuple[float, float]
    end: tuple[float, float]
    width: float
    colour: str

    @property
    def head(self) -> float:
        """The head's size in px: wider than the shaft, so the shaft's end hides in it."""
        return max(11.0, 2.4 * self.width)

    @property
    def angle(self) -> float:
        """The head's direction in degrees clockwise from up, as Plotly turns a marker."""
        dx, dy = self.end[0] - self.start[0], self.end[1] - self.start[1]
        return float(np.degrees(np.arctan2(dx, dy)))


def arrow(start, end, width: float, colour: str) -> Arrow:
    """An arrow from node `start` to node `end`: see `arrow_shapes` for how it is drawn."""
    return Arrow(tuple(map(float, start)), tuple(map(float, end)), float(width), colour)


def arrow_shapes(arrows: list[Arrow]) -> list[dict]:
    """The arrows' shafts as layout line shapes, drawn under every trace: from the start node's
    centre (hidden under that node) towards the end node, where `arrow_heads` puts the tip.

    Shapes, not traces or annotations: every step click redraws the diagram in the browser, and
    Plotly's cost grows with each trace (it checks every attribute of every trace against its
    schema) and with each annotation arrow (it measures the arrow's path). In Chromium the BPTT
    diagram's newPlot took 62-73 ms with its 13 arrows as annotations, 46-65 ms with them as
    traces, and 30-38 ms as shapes with the labels in one text trace (`labels_trace`). A shaft's
    width is in px while the diagram's scale follows the page's width, so a shaft wider than
    3 px stops short of its end node by the node's radius and half its head, counted at
    `PX_PER_UNIT`: inside its head at the 120-160 px per unit of the app's wide layout, where the
    head is wider than the shaft. Thinner shafts run to the node's centre.
    """
    shapes = []
    for a in arrows:
        (x0, y0), (x1, y1) = a.start, a.end
        back = 0.0 if a.width <= 3 else (NODE_SIZE / 2 + 0.5 * a.head) / PX_PER_UNIT
        length = float(np.hypot(x1 - x0, y1 - y0))
        stop = max(length - back, 0.0) / length if length else 1.0
        shapes.append(
            {
                "type": "line",
                "name": ARROW_NAME,
                "xref": "x",
                "yref": "y",
                "x0": x0,
                "y0": y0,
                "x1": x0 + (x1 - x0) * stop,
                "y1": y0 + (y1 - y0) * stop,
                "line": {"color": a.colour, "width": a.width},
                "layer": "below",
            }
        )
    return shapes


def arrow_heads(arrows: list[Arrow]) -> dict:
    """All the arrows' heads as one scatter trace, to go before the nodes: triangles turned along
    their arrows and moved back from the end node's centre by its radius plus half their size,
    so each tip touches its node."""
    return {
        "type": "scatter",
        "x": [a.end[0] for a in arrows],
        "y": [a.end[1] for a in arrows],
        "mode": "markers",
        "marker": {
            "symbol": "triangle-up",
            "size": [a.head for a in arrows],
            "angle": [a.angle for a in arrows],
            "standoff": [NODE_SIZE / 2 + a.head / 2 for a in arrows],
            "color": [a.colour for a in arrows],
            "line": {"width": 0},
        },
        "name": ARROW_HEADS,
        "showlegend": False,
        "hoverinfo": "skip",
    }


@dataclass(frozen=True)
class Label:
    """`text` centred at (x, y) in data coordinates, `size` px, black unless `colour` says
    otherwise (the diagram is drawn on white in light and dark mode alike)."""

    x: float
    y: float
    text: str
    size: int = style.FONT_SIZE
    colour: str = palette.BLACK


def labels_trace(labels: list[Label]) -> dict:
    """The diagram's labels as one text trace (cheaper to draw than an annotation each, see
    `arrow_shapes`), never clipped at the plot's edge, with no hover."""
    return {
        "type": "scatter",
        "x": [label.x for label in labels],
        "y": [label.y for label in labels],
        "text": [label.text for label in labels],
        "mode": "text",
        "textfont": {
            "size": [label.size for label in labels],
            "color": [label.colour for label in labels],
        },
        "cliponaxis": False,
        "name": LABELS,
        "showlegend": False,
        "hoverinfo": "skip",
    }


def day_labels(geo: Geometry, first_day: int) -> list[Label]:
    """'day d' under each input box and the target, days counted from 1."""
    boxes = [*(x for x, _ in geo.x), geo.target[0]]
    return [
        Label(x, ROW_X - 0.36, f"day {first_day + i}", style.LABEL_SIZE, palette.GREY)
        for i, x in enumerate(boxes)
    ]


def subscript(symbol: str, t: int) -> str:
    """`symbol` with `t` as Unicode subscript digits: subscript("h", 3) is "h₃"."""
    return f"{symbol}{str(t).translate(SUB)}"


class Geometry:
    """Where each node sits: h_t at (t, 1), x_t at (t, 0), y at (T+1, 1), L at (T+2, 1), and the
    target under L."""

    def __init__(self, seq_len: int):
        self.T = seq_len
        self.h = [(t, ROW_H) for t in range(seq_len + 1)]
        self.x = [(t, ROW_X) for t in range(1, seq_len + 1)]
        self.y = (seq_len + 1, ROW_H)
        self.L = (seq_len + 2, ROW_H)
        self.target = (seq_len + 2, ROW_X)


def node_traces(
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
    geo = Geometry(T)
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
        text=[f"{subscript('x', t)}<br>{num(x_vals[t - 1])}" for t in range(1, T + 1)],
        textfont={"size": style.FONT_SIZE, "color": palette.BLACK},
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
        textfont={"size": style.FONT_SIZE, "color": palette.BLACK},
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
            shown = f"‖{num(magnitude(value))}‖"
            head = ", ".join(f"{v:.17g}" for v in value[:4])
            hover = f"h_{t}: ‖h_{t}‖ = {magnitude(value):.17g}<br>first units: {head}, …"
        fills.append(palette.GREEN if done else "white")
        fonts.append("white" if done else palette.GREY)
        texts.append(f"{subscript('h', t)}<br>{shown if done else '?'}")
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
        textfont={"size": style.FONT_SIZE, "color": fonts},
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
        textfont={"size": style.FONT_SIZE, "color": palette.BLACK if output_done else palette.GREY},
        hovertext=[
            f"y = W_hy·h_{T} + b_y = {y_val:.17g}" if output_done else "y: not computed yet",
            f"L = (y − target)² = {loss:.17g}" if output_done else "L: not computed yet",
        ],
        hoverinfo="text",
        name="output y and loss L",
        showlegend=False,
    )
    return [inputs, target_box, hidden, output]


def diagram_layout(seq_len: int, height: int) -> dict:
    """The unrolled network's layout: no axes to read, nothing to drag, nodes on white."""
    return {
        **style.layout(height, diagram=True),
        "xaxis": {"visible": False, "range": [-0.6, seq_len + 2.6], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-0.55, 1.7], "fixedrange": True},
        "plot_bgcolor": "white",
        "dragmode": False,
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
    geo = Geometry(T)
    if step == 0:
        current = {"h0"}
    elif step <= T:
        current = {f"h{step}", f"x{step}"}
    else:
        current = {"y", "L", "target"}
    nodes = node_traces(
        trace,
        target,
        loss,
        computed_h=min(step, T),
        output_done=step == T + 1,
        current=current,
        first_day=first_day,
    )
    arrows = []
    for t in range(1, T + 1):
        colour = palette.BLACK if t <= step else PENDING
        arrows += [
            arrow(geo.x[t - 1], geo.h[t], 2, colour),
            arrow(geo.h[t - 1], geo.h[t], 2, colour),
        ]
    out_colour = palette.BLACK if step == T + 1 else PENDING
    arrows += [
        arrow(geo.h[T], geo.y, 2, out_colour),
        arrow(geo.y, geo.L, 2, out_colour),
        arrow(geo.target, geo.L, 2, out_colour),
    ]
    labels = day_labels(geo, first_day) + [
        Label(0.5, ROW_H + 0.17, "W_hh", colour=palette.GREY),
        Label(1.2, 0.5, "W_xh", colour=palette.GREY),
        Label(T + 0.5, ROW_H + 0.17, "W_hy", colour=palette.GREY),
        Label(T + 1.5, ROW_H + 0.17, "(y − target)²", colour=palette.GREY),
    ]
    layout = {**diagram_layout(T, 300), "shapes": arrow_shapes(arrows)}
    data = [arrow_heads(arrows), *nodes, labels_trace(labels)]
    return go.Figure({"data": data, "layout": layout})
