"""A small picture for each lesson's card on the first page, drawn from the engine's numbers.

SVG, like the journey (see `figures.svg` for why). Each function takes what the engine computed
and returns a `Picture` of WIDTH × HEIGHT user units with its alt text; `numbered` is the card of
a lesson that has no picture of its own yet.
"""

from __future__ import annotations

import numpy as np

from rnnviz.figures import palette, style
from rnnviz.figures.svg import Picture, arrow, box, circle, document, polyline, text
from rnnviz.figures.unrolled import subscript
from rnnviz.text.numbers import num

WIDTH, HEIGHT = 320, 180
PAD = 18
RADIUS = 15


def _scale(values, lo: float, hi: float):
    """Map `values` linearly from their own range onto lo … hi (a flat series to the middle)."""
    values = np.asarray(values, dtype=float)
    span = float(values.max() - values.min())
    if span == 0:
        return np.full(values.shape, (lo + hi) / 2)
    return lo + (values - values.min()) / span * (hi - lo)


def weather(temps, start: int, seq_len: int) -> Picture:
    """The series as a line, one window's input days and its target marked.

    temps : (n,) the temperatures;  start : the window's 0-based first day;  seq_len : its length
    """
    temps = np.asarray(temps, dtype=float)
    n = temps.shape[0]
    xs = _scale(np.arange(n), PAD, WIDTH - PAD)
    ys = _scale(-temps, PAD + 16, HEIGHT - PAD - 14)  # higher temperatures drawn higher
    body = [polyline(list(zip(xs, ys, strict=True)), palette.SERIES, 1.5)]
    for day in range(start, start + seq_len):
        body.append(circle(xs[day], ys[day], 3.5, palette.INPUT, palette.BLACK))
    target = start + seq_len
    body.append(circle(xs[target], ys[target], 4.5, palette.TARGET, palette.BLACK))
    body.append(
        text(PAD, PAD, f"{n} days of AR(2) weather", anchor="start", size=style.LABEL_SIZE,
             colour=palette.GREY)
    )  # fmt: skip
    alt = (
        f"A line of {n} daily temperatures, from {num(temps[0])} to {num(temps[-1])}, with days "
        f"{start + 1} to {start + seq_len} marked as a window's input and day {target + 1} "
        f"({num(temps[target])}) as its target."
    )
    return document(WIDTH, HEIGHT, body, alt)


def _chain(seq_len: int) -> list[float]:
    """The x of h_0 … h_T across the card."""
    return [PAD + RADIUS + t * (WIDTH - 2 * PAD - 2 * RADIUS) / seq_len for t in range(seq_len + 1)]


def stepper(trace) -> Picture:
    """The forward pass of one window: inputs, hidden states with their values, the arrows.

    trace : core.Trace of one window, x (1, T), h (1, T+1, H); for H > 1 a node shows ‖h_t‖
    """
    T, H = trace.x.shape[1], trace.h.shape[2]
    h = np.linalg.norm(trace.h[0], axis=1)  # |h_t| (H = 1) or ‖h_t‖, (T+1,)
    xs, row_h, row_x = _chain(T), 84, 146
    body = []
    for t, cx in enumerate(xs):
        if t > 0:
            body.append(arrow((xs[t - 1] + RADIUS + 1, row_h), (cx - RADIUS - 1, row_h)))
            body.append(arrow((cx, row_x - 12), (cx, row_h + RADIUS + 1)))
            body.append(box(cx, row_x, 26, 22, palette.INPUT))
            body.append(text(cx, row_x, subscript("x", t), size=style.LABEL_SIZE))
        body.append(circle(cx, row_h, RADIUS, palette.GREEN))
        body.append(text(cx, row_h, subscript("h", t), size=style.LABEL_SIZE, colour="white"))
        shown = num(trace.h[0, t, 0]) if H == 1 else f"‖{num(h[t])}‖"
        body.append(text(cx, row_h - RADIUS - 12 - 10 * (t % 2), shown, size=style.LABEL_SIZE))
    alt = (
        f"The RNN read day by day: inputs x1 to x{T} feed hidden states h1 to h{T}, each also "
        f"fed by the one before; the memory goes from 0 to {num(h[T])}"
        + (" (the length of the vector h)." if H > 1 else ".")
    )
    return document(WIDTH, HEIGHT, body, alt)


def bptt(trace, result) -> Picture:
    """The gradient walking back: one arrow per day, as wide as |∂L/∂h_t| on a log scale.

    trace : core.Trace of one window;  result : core.BPTTResult, dh (1, T+1, H)
    """
    T = trace.x.shape[1]
    sizes = np.linalg.norm(result.dh[0], axis=1)  # ‖∂L/∂h_t‖, (T+1,)
    logs = np.log10(np.maximum(sizes[1:], 1e-300))
    widths = 1.0 + 6.0 * (logs - logs.min()) / (np.ptp(logs) or 1.0)  # (T,), h_1 … h_T
    xs, row_h = _chain(T), 110
    body = []
    for t, cx in enumerate(xs):
        body.append(circle(cx, row_h, RADIUS, palette.GREEN if t else "white"))
        body.append(text(cx, row_h, subscript("h", t), size=style.LABEL_SIZE,
                         colour="white" if t else palette.BLACK))  # fmt: skip
    for t in range(T, 1, -1):
        body.append(
            arrow((xs[t] - 4, row_h - RADIUS - 3), (xs[t - 1] + 4, row_h - RADIUS - 3),
                  palette.VERMILLION, float(widths[t - 2]), bend=26)
        )  # fmt: skip
    body.append(
        text(WIDTH - PAD, PAD + 2, f"‖∂L/∂h{subscript('', T)}‖ = {num(sizes[T])}",
             anchor="end", size=style.LABEL_SIZE, colour=palette.VERMILLION)
    )  # fmt: skip
    body.append(
        text(PAD, HEIGHT - PAD, f"‖∂L/∂h₁‖ = {num(sizes[1])}", anchor="start",
             size=style.LABEL_SIZE, colour=palette.VERMILLION)
    )  # fmt: skip
    alt = (
        f"The gradient of the loss flowing back from h{T} to h1, drawn as arrows that thin as "
        f"it shrinks: its size is {num(sizes[T])} at the last day and {num(sizes[1])} at the "
        "first."
    )
    return document(WIDTH, HEIGHT, body, alt)


def training(mean_loss) -> Picture:
    """The loss falling epoch by epoch. mean_loss : (E,) the mean loss after each epoch."""
    loss = np.asarray(mean_loss, dtype=float)
    epochs = loss.shape[0]
    xs = _scale(np.arange(epochs), PAD + 6, WIDTH - PAD)
    ys = _scale(-loss, PAD + 18, HEIGHT - PAD - 8)
    body = [
        polyline([(PAD, PAD + 10), (PAD, HEIGHT - PAD), (WIDTH - PAD, HEIGHT - PAD)],
                 palette.GREY, 1),
        polyline(list(zip(xs, ys, strict=True)), palette.BLUE),
        text(WIDTH - PAD, PAD + 2, f"loss {num(loss[0])} → {num(loss[-1])}", anchor="end",
             size=style.LABEL_SIZE, colour=palette.GREY),
    ]  # fmt: skip
    alt = (
        f"The training loss falling over the first {epochs} epochs of the tutorial's training, "
        f"from {num(loss[0])} to {num(loss[-1])}."
    )
    return document(WIDTH, HEIGHT, body, alt)


def gates() -> Picture:
    """A gated cell's memory lane: c_(t−1) passes on to c_t, scaled by the forget gate and
    added to by the input gate, so a gradient can travel back along it without a tanh each day.
    A schematic: no numbers."""
    lane, gate_y = 70, 132
    left, mid1, mid2, right = PAD + 14, 122, 200, WIDTH - PAD - 14
    body = [
        text(left, lane - 22, "cₜ₋₁", size=style.FONT_SIZE),
        text(right, lane - 22, "cₜ", size=style.FONT_SIZE),
        arrow((left, lane), (mid1 - 13, lane), palette.BLUE, 3),
        arrow((mid1 + 13, lane), (mid2 - 13, lane), palette.BLUE, 3),
        arrow((mid2 + 13, lane), (right, lane), palette.BLUE, 3),
        circle(mid1, lane, 13, "white", palette.BLUE),
        text(mid1, lane, "×", size=style.TITLE_SIZE, colour=palette.BLUE),
        circle(mid2, lane, 13, "white", palette.BLUE),
        text(mid2, lane, "+", size=style.TITLE_SIZE, colour=palette.BLUE),
        box(mid1, gate_y, 34, 24, palette.ORANGE),
        text(mid1, gate_y, "fₜ", size=style.FONT_SIZE),
        arrow((mid1, gate_y - 12), (mid1, lane + 14), palette.ORANGE, 2),
        box(mid2, gate_y, 34, 24, palette.GREEN),
        text(mid2, gate_y, "iₜ", size=style.FONT_SIZE, colour="white"),
        arrow((mid2, gate_y - 12), (mid2, lane + 14), palette.GREEN, 2),
        text(WIDTH / 2, HEIGHT - 12, "forget gate fₜ and input gate iₜ", size=style.LABEL_SIZE,
             colour=palette.GREY),
    ]  # fmt: skip
    alt = (
        "A gated cell's memory lane: the cell state c(t−1) passes straight on to c(t), "
        "multiplied by the forget gate f(t) and added to through the input gate i(t)."
    )
    return document(WIDTH, HEIGHT, body, alt)


def numbered(number: str, title: str) -> Picture:
    """The card of a lesson without a picture of its own: its number, large, and its title."""
    body = [
        circle(WIDTH / 2, 76, 38, palette.BLUE, palette.BLUE),
        text(WIDTH / 2, 76, number, size=style.BADGE_SIZE, colour="white", weight="bold"),
        text(WIDTH / 2, 144, title, size=style.FONT_SIZE),
    ]
    return document(WIDTH, HEIGHT, body, f"Lesson {number}: {title}.")
