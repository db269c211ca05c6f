"""The chain-rule ledger typeset: each step's equations with the engine's numbers substituted.

The page shows this above the monospace ledger of `text.ledger`, which keeps the tutorial's code
names line by line (`dh_next`, `dW_xh += ...`); here the same equations read as mathematics,
derivatives as ∂-fractions: `da_t` is ∂L/∂a_t, `dh_next` at step t is ∂L/∂h_t, and the running
sums `dW_xh` are ∂L/∂W_xh summed over the days walked back so far. Every number is the one the
ledger prints (same rounding, `tex.number`); a test holds every value of a step's
`LedgerLine.exact` to appearing here. Steps are numbered as in `text.ledger`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rnnviz.text.ledger import (
    UNITS_SHOWN,
    backward_t,
    backward_title,
    check_backward,
    check_step,
    forward_title,
    norm,
    running_sums,
)
from rnnviz.text.tex import aligned, inline, number, operand, partial, vector

TARGET = "\\text{target}"
LOSS = f"(y - {TARGET})^2"
# The five parameters' names as TeX, by their names in code.
TEX_NAMES = {"W_xh": "W_{xh}", "W_hh": "W_{hh}", "b_h": "b_h", "W_hy": "W_{hy}", "b_y": "b_y"}


# A row of typeset mathematics wider than this many characters (TeX commands not counted)
# goes on to the next row: it then fits the page's column in large-text mode (1.5 times the
# size) on a 1400-pixel screen, where KaTeX would otherwise cut it off.
ROW_CHARS = 44
PLUS = "\\mathrel{+}="  # a running sum, as the tutorial's `dW_xh += ...`


def width(tex_text: str) -> int:
    """About how many characters wide `tex_text` is typeset: a fraction counts as its wider
    half, tanh as its letters, any other command as one character, spacing, braces and
    alignment marks as nothing."""
    group = r"\{((?:[^{}]|\{[^{}]*\})*)\}"  # {…}, with braces one level deep inside
    text = re.sub(rf"\\frac{group}{group}", lambda m: max(m[1], m[2], key=width), tex_text)
    text = re.sub(rf"\\text{group}", r"\1", text)
    text = re.sub(r"\\(quad|mathrel|begin|end)|\\[,!]", "", text)
    text = re.sub(r"\\tanh", "tanh", text)
    text = re.sub(r"\\[a-zA-Z]+", "x", text)  # \cdot, \times, \partial, \top, \lVert, ...
    return len(re.sub(r"[{}^_&\s\\]", "", text))


def row_breaks(symbols: str, *numbers: str) -> frozenset[int]:
    """Which of the numbers' parts begin a row of their own in `equation`: none while the whole
    equation is narrow enough for one row; else the first, and each that would make the row
    before it wider than ROW_CHARS."""
    if width(" ".join([symbols, *numbers])) <= ROW_CHARS:
        return frozenset()
    breaks, line = {0}, ""
    for i, part in enumerate(numbers):
        if line and width(f"{line} {part}") > ROW_CHARS:
            breaks.add(i)
            line = part
        else:
            line = f"{line} {part}".strip()
    return frozenset(breaks)


def equation(
    left: str, relation: str, symbols: str, *numbers: str, breaks: frozenset[int] | None = None
) -> list[str]:
    """One equation as aligned rows: `left relation symbols` with the numbers' parts after it
    (each beginning with its own relation, '= ...'), on one row while it is narrow enough; else
    the numbers go on rows of their own, aligned under the relation.

    breaks : the parts that begin a row (`row_breaks`); by default where this equation needs
        them. `alike` passes the breaks the same equation needs on any day of the window.
    """
    if breaks is None:
        breaks = row_breaks(symbols, *numbers)
    if not breaks:
        return [f"{left} &{relation} {' '.join([symbols, *numbers])}"]
    rows, line = [f"{left} &{relation} {symbols}"], []
    for i, part in enumerate(numbers):
        if i in breaks and line:
            rows.append("&" + " ".join(line))
            line = []
        line.append(part)
    return [*rows, "&" + " ".join(line)] if line else rows


@dataclass(frozen=True)
class Equation:
    """An equation before it is laid out in rows: the arguments of `equation`."""

    left: str
    relation: str
    symbols: str
    numbers: tuple[str, ...]

    @classmethod
    def of(cls, left: str, relation: str, symbols: str, *numbers: str) -> Equation:
        """The equation `equation(left, relation, symbols, *numbers)` would lay out."""
        return cls(left, relation, symbols, numbers)


def alike(days: list[list[Equation | str]], day: int) -> str:
    """Day `day`'s equations (index into `days`) as an aligned block, each equation broken into
    rows wherever it must be on any of `days`. The days list the same equations with their own
    numbers (a plain string is a row as it is), so every day's block has the same rows: stepping
    from day to day keeps each equation in its place, and nothing below the ledger moves (the
    browser then redraws only the ledger, not the page under it)."""
    rows = []
    for i, item in enumerate(days[day]):
        if isinstance(item, str):
            rows.append(item)
            continue
        breaks = frozenset().union(*(row_breaks(d[i].symbols, *d[i].numbers) for d in days))
        rows += equation(item.left, item.relation, item.symbols, *item.numbers, breaks=breaks)
    return aligned(rows)


def _norm(values) -> str:
    return f"\\quad \\lVert \\cdot \\rVert = {number(norm(values))}"


# --- The forward pass -------------------------------------------------------------------------
def forward_tex(params, trace, target: float, step: int, b: int = 0) -> str:
    """The typeset equations of forward step `step` (0 … T+1) of window `b`, for `st.latex`.

    Arguments as for `text.ledger.forward_lines`.
    """
    seq_len = trace.x.shape[1]
    check_step(step, seq_len, "forward")
    if step == 0:
        return aligned(["h_0 &= 0 \\quad \\text{(no memory before the first day)}"])
    if step == seq_len + 1:
        return _output_tex(params, trace, target, b)
    # Every day laid out alike (`alike`), as on the way back.
    days = [_day_equations(params, trace, t, b) for t in range(1, seq_len + 1)]
    return alike(days, step - 1)


def _day_equations(params, trace, t: int, b: int) -> list[Equation | str]:
    """Forward step t (day t) of window b: the equations, before they are laid out in rows."""
    hidden = trace.h.shape[2]
    x_t, a_t = float(trace.x[b, t - 1]), trace.a[b, t - 1]  # a_t: (H,)
    h_prev, h_t = trace.h[b, t - 1], trace.h[b, t]  # (H,)
    a, h = f"a_{{{t}}}", f"h_{{{t}}}"
    symbols = f"W_{{xh}} x_{{{t}}} + W_{{hh}} h_{{{t - 1}}} + b_h"
    if hidden == 1:
        w_xh, w_hh, b_h = (float(params[n].ravel()[0]) for n in ("W_xh", "W_hh", "b_h"))
        terms = (
            f"= {operand(w_xh)} \\cdot {operand(x_t)} + {operand(w_hh)} \\cdot "
            f"{operand(h_prev[0])} + {operand(b_h)}"
        )
        return [
            Equation.of(a, "=", symbols, terms, f"= {number(a_t[0])}"),
            Equation.of(h, "=", f"\\tanh({a})", f"= \\tanh({number(a_t[0])})",
                        f"= {number(h_t[0])}"),
        ]  # fmt: skip
    # H > 1: the same equation unit by unit, (W_hh h_(t-1))_i being one number per unit i.
    recurrent = np.asarray(params["W_hh"]) @ h_prev  # (H,)
    rows: list[Equation | str] = [f"{a} &= {symbols} \\quad \\text{{unit by unit:}}"]
    for i in range(min(UNITS_SHOWN, hidden)):
        w_xh, b_h = float(params["W_xh"][i, 0]), float(params["b_h"][i])
        rows.append(
            Equation.of(
                f"({a})_{{{i + 1}}}",
                "=",
                f"{operand(w_xh)} \\cdot {operand(x_t)} + {operand(recurrent[i])} + {operand(b_h)}",
                f"= {number(a_t[i])}",
            )
        )
    rows.append(Equation.of(h, "=", f"\\tanh({a})", f"= {vector(h_t)}", _norm(h_t)))
    return rows


def _output_tex(params, trace, target: float, b: int) -> str:
    seq_len, hidden = trace.x.shape[1], trace.h.shape[2]
    h_last, y = trace.h[b, seq_len], float(trace.y_pred[b])  # (H,), scalar
    b_y = float(params["b_y"][0])
    if hidden == 1:
        product = f"{operand(params['W_hy'][0, 0])} \\cdot {operand(h_last[0])}"
    else:
        product = f"{vector(params['W_hy'][0])} \\cdot {vector(h_last)}"
    err = y - float(target)
    return aligned(
        [
            *equation("y", "=", f"W_{{hy}} h_{{{seq_len}}} + b_y",
                      f"= {product} + {operand(b_y)}", f"= {number(y)}"),
            f"{TARGET} &= {number(target)} \\quad \\text{{(the day after the window)}}",
            *equation("L", "=", LOSS, f"= ({number(y)} - {operand(target)})^2",
                      f"= {number(err * err)}"),
        ]
    )  # fmt: skip


# --- The backward pass ------------------------------------------------------------------------
def backward_tex(params, trace, result, target: float, step: int) -> str:
    """The typeset equations of backward step `step` (0 … T+1), for `st.latex`.

    Arguments as for `text.ledger.backward_lines`.
    """
    check_backward(trace, step)
    seq_len = trace.x.shape[1]
    if step == 0:
        y = float(trace.y_pred[0])
        return aligned(
            [
                *equation("L", "=", LOSS, f"= ({number(y)} - {operand(target)})^2",
                          f"= {number(result.loss)}"),
                "&\\text{every } a_t \\text{ and } h_t \\text{ is stored for the way back}",
            ]
        )  # fmt: skip
    if step == 1:
        return _step_a_tex(params, trace, result, target)
    # Every day of Step B laid out alike (`alike`): day t is entry T - t of the walk back.
    days = [_step_b_equations(params, trace, result, t) for t in range(seq_len, 0, -1)]
    return alike(days, seq_len - backward_t(step, seq_len))


def _step_a_tex(params, trace, result, target: float) -> str:
    T, hidden = trace.x.shape[1], trace.h.shape[2]
    y, dL_dy = float(trace.y_pred[0]), float(result.dL_dy[0])
    h_last, dh_last = trace.h[0, T], result.dh[0, T]  # (H,), dL/dh_T (H,)
    dy, dh_T, h_T = partial("L", "y"), partial("L", f"h_{{{T}}}"), f"h_{{{T}}}"
    rows = [
        *equation(dy, "=", f"2\\,(y - {TARGET})", f"= 2\\,({number(y)} - {operand(target)})",
                  f"= {number(dL_dy)}"),
    ]  # fmt: skip
    b_y = equation(partial("L", "b_y"), "=", dy, f"= {number(result.grads['b_y'][0])}")
    if hidden == 1:
        w_hy, dW_hy = float(params["W_hy"][0, 0]), float(result.grads["W_hy"][0, 0])
        rows += equation(
            partial("L", "W_{hy}"),
            "=",
            f"{dy}\\, {h_T}",
            f"= {operand(dL_dy)} \\cdot {operand(h_last[0])}",
            f"= {number(dW_hy)}",
        )
        rows += b_y
        rows += equation(
            dh_T,
            "=",
            f"W_{{hy}}^\\top {dy}",
            f"= {operand(w_hy)} \\cdot {operand(dL_dy)}",
            f"= {number(dh_last[0])}",
        )
        return aligned(rows)  # fmt: skip
    dW_hy = result.grads["W_hy"][0]  # (H,)
    rows += equation(
        partial("L", "W_{hy}"),
        "=",
        f"{dy}\\, {h_T}^\\top",
        f"= {operand(dL_dy)} \\cdot {vector(h_last)}",
        f"= {vector(dW_hy)}",
        _norm(dW_hy),
    )
    rows += b_y
    rows += equation(
        dh_T,
        "=",
        f"W_{{hy}}^\\top {dy}",
        f"= {vector(params['W_hy'][0])} \\cdot {operand(dL_dy)}",
        f"= {vector(dh_last)}",
        _norm(dh_last),
    )
    return aligned(rows)  # fmt: skip


def _step_b_equations(params, trace, result, t: int) -> list[Equation]:
    """Step B on day t: the equations, before they are laid out in rows (`alike`)."""
    hidden = trace.h.shape[2]
    x_t, h_t, h_prev = float(trace.x[0, t - 1]), trace.h[0, t], trace.h[0, t - 1]  # (H,) each
    dh_t, da_t, dh_prev = result.dh[0, t], result.da[0, t - 1], result.dh[0, t - 1]  # (H,) each
    sums = running_sums(result, t)
    da, dh = partial("L", f"a_{{{t}}}"), partial("L", f"h_{{{t}}}")
    dh_before = partial("L", f"h_{{{t - 1}}}")
    d = {name: partial("L", TEX_NAMES[name]) for name in sums}  # the running sums
    x, h_before = f"x_{{{t}}}", f"h_{{{t - 1}}}"
    if hidden == 1:
        w_hh = float(params["W_hh"][0, 0])
        old = {name: float(before.ravel()[0]) for name, (before, _) in sums.items()}
        new = {name: float(after.ravel()[0]) for name, (_, after) in sums.items()}
        da_value, h_value = float(da_t[0]), float(h_t[0])
        return [
            Equation.of(da, "=", f"(1 - \\tanh^2 a_{{{t}}})\\, {dh}",
                      f"= (1 - {operand(h_value)}^2) \\cdot {operand(dh_t[0])}",
                      f"= {number(da_value)}"),
            Equation.of(d["W_xh"], PLUS, f"{da}\\, {x}",
                      f"= {operand(old['W_xh'])} + {operand(da_value)} \\cdot {operand(x_t)}",
                      f"= {number(new['W_xh'])}"),
            Equation.of(d["W_hh"], PLUS, f"{da}\\, {h_before}",
                      f"= {operand(old['W_hh'])} + {operand(da_value)} \\cdot "
                      f"{operand(h_prev[0])}", f"= {number(new['W_hh'])}"),
            Equation.of(d["b_h"], PLUS, da,
                      f"= {operand(old['b_h'])} + {operand(da_value)}",
                      f"= {number(new['b_h'])}"),
            Equation.of(dh_before, "=", f"W_{{hh}}^\\top {da}",
                      f"= {operand(w_hh)} \\cdot {operand(da_value)}",
                      f"= {number(dh_prev[0])}"),
        ]  # fmt: skip
    (old_xh, new_xh), (_, new_hh), (old_bh, new_bh) = sums["W_xh"], sums["W_hh"], sums["b_h"]
    return [
        Equation.of(da, "=", f"(1 - h_{{{t}}}^2) \\odot {dh}",
                  f"= (1 - {vector(h_t)}^2) \\odot {vector(dh_t)}", f"= {vector(da_t)}",
                  _norm(da_t)),
        Equation.of(d["W_xh"], PLUS, f"{da}\\, {x}",
                  f"= {vector(old_xh)} + {vector(da_t)} \\cdot {operand(x_t)}",
                  f"= {vector(new_xh)}"),
        Equation.of(d["W_hh"], PLUS, f"{da}\\, {h_before}^\\top \\quad (H \\times H)",
                  _norm(new_hh)),
        Equation.of(d["b_h"], PLUS, da, f"= {vector(old_bh)} + {vector(da_t)}",
                  f"= {vector(new_bh)}"),
        Equation.of(dh_before, "=", f"W_{{hh}}^\\top {da}", f"= {vector(dh_prev)}",
                  _norm(dh_prev)),
    ]  # fmt: skip


# --- Headings and notes (Markdown) --------------------------------------------------------------
def _typeset(symbols: str) -> str:
    """A heading's mathematics, spelled as in the monospace ledger ('h_12'), as inline TeX."""
    return inline(re.sub(r"_(\d+)", r"_{\1}", symbols))


def forward_heading(step: int, seq_len: int) -> str:
    """`text.ledger.forward_title` with its symbols typeset, for the page."""
    return forward_title(step, seq_len, _typeset)


def backward_heading(step: int, seq_len: int) -> str:
    """`text.ledger.backward_title` with its symbols typeset, for the page."""
    return backward_title(step, seq_len, _typeset)


def vector_note(hidden_size: int) -> str:
    """`text.ledger.vector_note` with its symbols typeset, for a caption."""
    shown = min(UNITS_SHOWN, hidden_size)
    return (
        f"With $H = {hidden_size}$ hidden units, $a_t$, $h_t$ and the gradients are vectors: the "
        f"ledger spells out the first {shown} units and gives $\\lVert v \\rVert$, the length of "
        "the whole vector."
    )
