"""The whole journey in one picture, for the first page: one window read forward into h_1 … h_T,
the prediction y and the loss L, then the gradient sent back through every day.

An SVG (see `figures.svg`): the forward pass fills in day by day, then the gradient's arrows
appear from L back to h_1, about four seconds in all, once; with reduced motion asked for, the
finished picture shows at once. Every number is the engine's, to 4 significant digits.
"""

from __future__ import annotations

import numpy as np

from rnnviz.figures import palette, style
from rnnviz.figures.svg import CARD, Picture, arrow, box, circle, document, text
from rnnviz.figures.unrolled import subscript
from rnnviz.text.numbers import num

WIDTH, HEIGHT = 960, 330
ROW_GRAD, ROW_H, ROW_X = 40, 150, 236  # y of the gradient labels, the hidden row, the inputs
LEGEND_Y = HEIGHT - 16
RADIUS = 30
DIAMOND = 40  # half the diagonal of y's diamond: room for a signed number
BACK_Y = ROW_H - DIAMOND - 2  # the gradient arrows run just above the nodes
STEP_S = 0.35  # seconds between one forward step and the next
BACK_S = 0.3  # and between backward steps
CSS = (
    "@keyframes show { from { opacity: 0; } to { opacity: 1; } } "
    ".fwd, .bwd { animation: show 0.3s ease-out both; }"
)


def _x(t: int, seq_len: int) -> float:
    """The centre of column t: h_0 at t = 0, the output y at T+1, the loss at T+2."""
    return 60 + t * (WIDTH - 120) / (seq_len + 2)


def _delay(seconds: float) -> str:
    return f"animation-delay:{seconds:.2f}s"


def _timed(element: str, css_class: str, seconds: float) -> str:
    return f'<g class="{css_class}" style="{_delay(seconds)}">{element}</g>'


def journey(trace, result, target: float, *, first_day: int = 1) -> Picture:
    """The unrolled RNN over one window, forward and back.

    Parameters
    ----------
    trace : core.Trace of one window with one hidden unit: x (1, T), h (1, T+1, 1), y_pred (1,)
    result : core.BPTTResult of its loss: dh (1, T+1, 1) holds ∂L/∂h_t, dL_dy (1,)
    target : the day after the window;  first_day : the calendar day of x_1
    """
    T = trace.x.shape[1]
    if trace.h.shape[2] != 1 or trace.x.shape[0] != 1:
        raise ValueError("The journey picture follows one window of the scalar RNN (H = 1).")
    x, h, y = trace.x[0], trace.h[0, :, 0], float(trace.y_pred[0])  # (T,), (T+1,), scalar
    dh = np.abs(result.dh[0, :, 0])  # |∂L/∂h_t|, (T+1,)
    loss, dL_dy = float(result.loss), float(result.dL_dy[0])
    body: list[str] = []

    # Forward: h_0, then each day's input and memory, then y and L.
    body.append(circle(_x(0, T), ROW_H, RADIUS, palette.GREEN))
    body.append(text(_x(0, T), ROW_H - 8, subscript("h", 0), colour="white"))
    body.append(text(_x(0, T), ROW_H + 9, "0", colour="white"))
    for t in range(1, T + 1):
        cx, when = _x(t, T), t * STEP_S
        column = [
            box(cx, ROW_X, 2 * RADIUS - 4, 2 * RADIUS - 8, palette.INPUT),
            text(cx, ROW_X - 8, subscript("x", t)),
            text(cx, ROW_X + 9, num(x[t - 1])),
            text(cx, ROW_X + 40, f"day {first_day + t - 1}", size=style.LABEL_SIZE,
                 colour=palette.GREY),
            arrow((cx, ROW_X - 28), (cx, ROW_H + RADIUS + 2)),
            arrow((_x(t - 1, T) + RADIUS + 2, ROW_H), (cx - RADIUS - 2, ROW_H)),
            circle(cx, ROW_H, RADIUS, palette.GREEN),
            text(cx, ROW_H - 8, subscript("h", t), colour="white"),
            text(cx, ROW_H + 9, num(h[t]), colour="white"),
        ]  # fmt: skip
        body.append(_timed("".join(column), "fwd", when))
    y_x, l_x, when = _x(T + 1, T), _x(T + 2, T), (T + 1) * STEP_S
    output = [
        arrow((_x(T, T) + RADIUS + 2, ROW_H), (y_x - DIAMOND - 2, ROW_H)),
        f'<path d="M{y_x:.1f},{ROW_H - DIAMOND:.1f} L{y_x + DIAMOND:.1f},{ROW_H:.1f} '
        f'L{y_x:.1f},{ROW_H + DIAMOND:.1f} L{y_x - DIAMOND:.1f},{ROW_H:.1f} Z" '
        f'fill="{palette.PREDICTION}" stroke="{palette.GREY}" stroke-width="1.5"/>',
        text(y_x, ROW_H - 8, "y"),
        text(y_x, ROW_H + 9, num(y)),
        box(l_x, ROW_X, 2 * RADIUS - 4, 2 * RADIUS - 8, CARD, palette.TARGET),
        text(l_x, ROW_X - 8, "target"),
        text(l_x, ROW_X + 9, num(target)),
        text(l_x, ROW_X + 40, f"day {first_day + T}", size=style.LABEL_SIZE, colour=palette.GREY),
        arrow((y_x + DIAMOND + 2, ROW_H), (l_x - RADIUS - 2, ROW_H)),
        arrow((l_x, ROW_X - 28), (l_x, ROW_H + RADIUS + 2)),
        circle(l_x, ROW_H, RADIUS, palette.PURPLE),
        text(l_x, ROW_H - 8, "L", colour="white"),
        text(l_x, ROW_H + 9, num(loss), colour="white"),
    ]
    body.append(_timed("".join(output), "fwd", when))

    # Backward: from L to y, then ∂L/∂h_t into each day's memory, widths on one log scale.
    start = (T + 2) * STEP_S + 0.4
    sizes = np.log10(np.maximum(np.concatenate([[abs(dL_dy)], dh[1:]]), 1e-300))
    lo, hi = float(sizes.min()), float(sizes.max())

    def width(value: float) -> float:
        scaled = (np.log10(max(value, 1e-300)) - lo) / (hi - lo) if hi > lo else 1.0
        return 1.5 + 6.0 * float(scaled)

    back = [
        arrow((l_x - 8, BACK_Y), (y_x + 8, BACK_Y), palette.VERMILLION,
              width(abs(dL_dy)), bend=36),
        text((l_x + y_x) / 2, ROW_GRAD, f"∂L/∂y = {num(dL_dy)}", size=style.LABEL_SIZE,
             colour=palette.VERMILLION),
    ]  # fmt: skip
    body.append(_timed("".join(back), "bwd", start))
    previous = y_x
    for i, t in enumerate(range(T, 0, -1), start=1):
        cx = _x(t, T)
        piece = [
            arrow((previous - 8, BACK_Y), (cx + 8, BACK_Y),
                  palette.VERMILLION, width(dh[t]), bend=36),
            text(cx, ROW_GRAD + (14 if t % 2 else 0), f"|∂L/∂{subscript('h', t)}| = {num(dh[t])}",
                 size=style.LABEL_SIZE, colour=palette.VERMILLION),
        ]  # fmt: skip
        body.append(_timed("".join(piece), "bwd", start + i * BACK_S))
        previous = cx
    body.append(
        text(20, LEGEND_Y, "forward: each day's x and yesterday's h make today's h",
             anchor="start", size=style.LABEL_SIZE, colour=palette.GREY)
    )  # fmt: skip
    body.append(
        text(WIDTH - 20, LEGEND_Y, "backward: the loss's gradient flows back day by day",
             anchor="end", size=style.LABEL_SIZE, colour=palette.VERMILLION)
    )  # fmt: skip
    alt = (
        f"The RNN unrolled over days {first_day} to {first_day + T - 1}: the inputs "
        f"{', '.join(num(v) for v in x)} enter one day at a time; the hidden state goes from "
        f"h0 = 0 through {', '.join(num(v) for v in h[1:])}; the prediction y = {num(y)} is "
        f"compared with the target {num(target)} (day {first_day + T}), a loss of {num(loss)}. "
        f"Then the gradient flows back: |∂L/∂h_t| is {num(dh[T])} at the last day and "
        f"{num(dh[1])} at the first."
    )
    return document(WIDTH, HEIGHT, body, alt, CSS)
