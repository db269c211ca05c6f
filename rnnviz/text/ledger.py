"""The chain-rule ledger: each equation of the forward and backward pass with its numbers filled in.

Pure Python and NumPy (no streamlit, no plotly), so it is tested without a server and both the
pages and the figures (the animation's frames) print the same lines. Every number comes from the
engine's `Trace` and `BPTTResult`; this module only formats them, to 4 significant digits.
Because each number is rounded on its own, rounded terms need not add up to the rounded total in
the last digit; `LedgerLine.exact` keeps the full-precision values for a hover or a table.

Positions on the two timelines (one window, B = 1, T = 5 in the tutorial):

    forward step s:   0 = nothing computed (h_0 = 0),  1…T = day t read (a_t, h_t),  T+1 = y, loss
    backward step s:  0 = the finished forward pass,   1 = Step A (through the output),
                      2…T+1 = Step B at t = T+2−s (t = T first, t = 1 last)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from rnnviz.text.numbers import num, term

UNITS_SHOWN = 3  # for H > 1, how many hidden units a ledger line spells out


@dataclass(frozen=True)
class LedgerLine:
    """One equation with numbers.

    text : the equation, each number rounded to 4 significant digits
    exact : symbol -> the full-precision value(s) behind the rounded numbers
    """

    text: str
    exact: dict[str, float | list[float]] = field(default_factory=dict)


# --- Numbers --------------------------------------------------------------------------------------
def vec(values, shown: int = UNITS_SHOWN) -> str:
    """A vector's first `shown` entries: '[0.5974, −0.1230, 0.3000, … 8 units]'."""
    values = np.asarray(values, dtype=float).ravel()
    head = ", ".join(num(v) for v in values[:shown])
    more = f", … {values.size} units" if values.size > shown else ""
    return f"[{head}{more}]"


def norm(values) -> float:
    """The Euclidean length ‖v‖ of a vector (the Frobenius norm of a matrix)."""
    return float(np.linalg.norm(np.asarray(values, dtype=float)))


def _full(values) -> float | list[float]:
    arr = np.asarray(values, dtype=float)
    return float(arr) if arr.ndim == 0 else arr.ravel().tolist()


def vector_note(hidden_size: int) -> str:
    """The sentence that tells a reader how vectors are abbreviated."""
    shown = min(UNITS_SHOWN, hidden_size)
    return (
        f"With H = {hidden_size} hidden units, a_t, h_t and the gradients are vectors: the ledger "
        f"spells out the first {shown} units and gives ‖v‖, the length of the whole vector."
    )


# --- Positions --------------------------------------------------------------------------------
def backward_t(step: int, seq_len: int) -> int | None:
    """The timestep t that backward step `step` handles (None for the start and Step A)."""
    return seq_len + 2 - step if 2 <= step <= seq_len + 1 else None


def _as_is(symbols: str) -> str:
    return symbols


def forward_title(step: int, seq_len: int, maths: Callable[[str], str] = _as_is) -> str:
    """A heading for forward step `step`, days counted from 1. `maths` spells each piece of
    mathematics in it (given as in the monospace ledger, 'h_3'); `ledger_tex` typesets them."""
    if step == 0:
        return f"Before day 1: the memory is empty, {maths('h_0 = 0')}"
    if step <= seq_len:
        return f"Step {step} of {seq_len}: day {step} enters, {maths(f'h_{step}')} is computed"
    return f"The output: the prediction {maths('y')} and the loss {maths('L')}"


def backward_title(step: int, seq_len: int, maths: Callable[[str], str] = _as_is) -> str:
    """A heading for backward step `step`; `maths` as for `forward_title`."""
    if step == 0:
        return "The finished forward pass: nothing has flowed back yet"
    if step == 1:
        return "Step A: back through the output"
    t = backward_t(step, seq_len)
    return f"Step B at {maths(f't = {t}')}: back through day {t}"


def check_step(step: int, seq_len: int, direction: str) -> None:
    """Refuse a step outside 0 … T+1 of the `direction` ("forward", "backward") timeline."""
    if not 0 <= step <= seq_len + 1:
        raise ValueError(f"The {direction} step must be 0 … {seq_len + 1}, got {step}.")


def check_backward(trace, step: int) -> None:
    """Refuse what the backward ledger cannot follow: a batch of more than one, a step off the
    timeline."""
    if trace.x.shape[0] != 1:
        raise ValueError("The backward ledger follows a single window (a batch of one).")
    check_step(step, trace.x.shape[1], "backward")


def running_sums(result, t: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """dW_xh, dW_hh and db_h as the backward loop holds them before and after step B at t: the
    engine's per-step contributions of steps T … t+1, then of T … t."""
    contrib = result.contributions
    return {
        name: (contrib[name][t:].sum(axis=0), contrib[name][t - 1 :].sum(axis=0))
        for name in ("W_xh", "W_hh", "b_h")
    }


# --- The forward pass -------------------------------------------------------------------------
def forward_lines(params, trace, target: float, step: int, b: int = 0) -> list[LedgerLine]:
    """The ledger lines of forward step `step` (0 … T+1) for window `b` of `trace`.

    Parameters
    ----------
    params : the five parameters the trace was computed with, W_xh (H, 1) … b_y (1,)
    trace : core.Trace, x (B, T), a (B, T, H), h (B, T+1, H), y_pred (B,)
    target : the day the window predicts
    """
    seq_len, hidden = trace.x.shape[1], trace.h.shape[2]
    check_step(step, seq_len, "forward")
    if step == 0:
        zero = "0" if hidden == 1 else f"the zero vector ({hidden} units)"
        return [LedgerLine(f"h_0 = {zero}   (no memory before the first day)", {"h_0": 0.0})]
    if step == seq_len + 1:
        return _output_lines(params, trace, target, b)
    t = step
    x_t, a_t = float(trace.x[b, t - 1]), trace.a[b, t - 1]  # a_t: (H,)
    h_prev, h_t = trace.h[b, t - 1], trace.h[b, t]  # (H,)
    if hidden == 1:
        w_xh, w_hh, b_h = (float(params[n].ravel()[0]) for n in ("W_xh", "W_hh", "b_h"))
        a_line = LedgerLine(
            f"a_{t} = W_xh·x_{t} + W_hh·h_{t - 1} + b_h = {term(w_xh)}·{term(x_t)} + "
            f"{term(w_hh)}·{term(h_prev[0])} + {term(b_h)} = {num(a_t[0])}",
            {"W_xh": w_xh, f"x_{t}": x_t, "W_hh": w_hh, f"h_{t - 1}": float(h_prev[0]),
             "b_h": b_h, f"a_{t}": float(a_t[0])},
        )  # fmt: skip
        h_line = LedgerLine(
            f"h_{t} = tanh(a_{t}) = tanh({num(a_t[0])}) = {num(h_t[0])}",
            {f"a_{t}": float(a_t[0]), f"h_{t}": float(h_t[0])},
        )
        return [a_line, h_line]
    # H > 1: the same equation unit by unit; W_hh[i,:]·h_(t-1) is one number per unit i.
    recurrent = np.asarray(params["W_hh"]) @ h_prev  # (H,)
    lines = [LedgerLine(f"a_{t} = W_xh·x_{t} + W_hh·h_{t - 1} + b_h, unit by unit:")]
    for i in range(min(UNITS_SHOWN, hidden)):
        w_xh, b_h = float(params["W_xh"][i, 0]), float(params["b_h"][i])
        lines.append(
            LedgerLine(
                f"  a_{t}[{i + 1}] = W_xh[{i + 1}]·x_{t} + W_hh[{i + 1},:]·h_{t - 1} + "
                f"b_h[{i + 1}] = {term(w_xh)}·{term(x_t)} + {term(recurrent[i])} + {term(b_h)}"
                f" = {num(a_t[i])}",
                {
                    f"W_xh[{i + 1}]": w_xh,
                    f"x_{t}": x_t,
                    f"W_hh[{i + 1},:]·h_{t - 1}": float(recurrent[i]),
                    f"b_h[{i + 1}]": b_h,
                    f"a_{t}[{i + 1}]": float(a_t[i]),
                },
            )  # fmt: skip
        )
    lines.append(
        LedgerLine(
            f"h_{t} = tanh(a_{t}) = {vec(h_t)},   ‖h_{t}‖ = {num(norm(h_t))}",
            {f"a_{t}": _full(a_t), f"h_{t}": _full(h_t)},
        )
    )
    return lines


def _output_lines(params, trace, target: float, b: int) -> list[LedgerLine]:
    seq_len, hidden = trace.x.shape[1], trace.h.shape[2]
    h_last, y = trace.h[b, seq_len], float(trace.y_pred[b])  # (H,), scalar
    b_y = float(params["b_y"][0])
    if hidden == 1:
        w_hy = float(params["W_hy"][0, 0])
        y_text = (
            f"y = W_hy·h_{seq_len} + b_y = {term(w_hy)}·{term(h_last[0])} + {term(b_y)} = {num(y)}"
        )
    else:
        y_text = (
            f"y = W_hy·h_{seq_len} + b_y = {vec(params['W_hy'][0])}·{vec(h_last)} + {term(b_y)}"
            f" = {num(y)}"
        )
    err = y - float(target)
    return [
        LedgerLine(
            y_text,
            {"W_hy": _full(params["W_hy"]), f"h_{seq_len}": _full(h_last), "b_y": b_y, "y": y},
        ),  # fmt: skip
        LedgerLine(f"target = {num(target)}   (the day after the window)", {"target": target}),
        LedgerLine(
            f"L = (y − target)² = ({num(y)} − {term(target)})² = {num(err * err)}",
            {"y": y, "target": float(target), "L": err * err},
        ),
    ]


# --- The backward pass ------------------------------------------------------------------------
def backward_lines(params, trace, result, target: float, step: int) -> list[LedgerLine]:
    """The ledger lines of backward step `step` (0 … T+1) for a single window (B = 1).

    Parameters
    ----------
    params, trace : as for `forward_lines`
    result : core.BPTTResult of `core.backward(params, trace, [target])`: dL_dy (1,),
        dh (1, T+1, H), da (1, T, H), contributions W_xh (T, H, 1), W_hh (T, H, H), b_h (T, H)
    target : the day the window predicts

    Notes
    -----
    Step A: ``dL/dy = 2·(y − target)``, ``dW_hy = dL/dy·h_T``, ``db_y = dL/dy``,
    ``dh_next = W_hyᵀ·dL/dy``. Step B at t: ``da_t = (1 − tanh(a_t)²)·dh_next``, the running sums
    ``dW_xh += da_t·x_t``, ``dW_hh += da_t·h_(t−1)``, ``db_h += da_t``, then
    ``dh_next = W_hhᵀ·da_t``. The running sums are the engine's per-step contributions added up
    from t = T down to t.
    """
    check_backward(trace, step)
    seq_len = trace.x.shape[1]
    if step == 0:
        y = float(trace.y_pred[0])
        return [
            LedgerLine(
                f"y = {num(y)}, target = {num(target)}, L = (y − target)² = {num(result.loss)}",
                {"y": y, "target": float(target), "L": result.loss},
            ),
            LedgerLine("Every a_t and h_t is stored: BPTT reads them on the way back."),
        ]
    if step == 1:
        return _step_a_lines(params, trace, result, target)
    return _step_b_lines(params, trace, result, backward_t(step, seq_len))


def _step_a_lines(params, trace, result, target: float) -> list[LedgerLine]:
    seq_len, hidden = trace.x.shape[1], trace.h.shape[2]
    y, dL_dy = float(trace.y_pred[0]), float(result.dL_dy[0])
    h_last, dh_last = trace.h[0, seq_len], result.dh[0, seq_len]  # (H,), dL/dh_T (H,)
    T = seq_len
    first = LedgerLine(
        f"dL/dy = 2·(y − target) = 2·({num(y)} − {term(target)}) = {num(dL_dy)}",
        {"y": y, "target": float(target), "dL/dy": dL_dy},
    )
    if hidden == 1:
        w_hy = float(params["W_hy"][0, 0])
        dW_hy = float(result.grads["W_hy"][0, 0])
        return [
            first,
            LedgerLine(
                f"dW_hy = dL/dy·h_{T} = {term(dL_dy)}·{term(h_last[0])} = {num(dW_hy)}",
                {"dL/dy": dL_dy, f"h_{T}": float(h_last[0]), "dW_hy": dW_hy},
            ),
            LedgerLine(
                f"db_y = dL/dy = {num(result.grads['b_y'][0])}",
                {"db_y": float(result.grads["b_y"][0])},
            ),  # fmt: skip
            LedgerLine(
                f"dh_next = W_hyᵀ·dL/dy = {term(w_hy)}·{term(dL_dy)} = {num(dh_last[0])}"
                f"   (this is dL/dh_{T})",
                {"W_hy": w_hy, "dL/dy": dL_dy, f"dL/dh_{T}": float(dh_last[0])},
            ),
        ]
    dW_hy = result.grads["W_hy"][0]  # (H,)
    return [
        first,
        LedgerLine(
            f"dW_hy = dL/dy·h_{T}ᵀ = {term(dL_dy)}·{vec(h_last)} = {vec(dW_hy)},"
            f"   ‖dW_hy‖ = {num(norm(dW_hy))}",
            {"dL/dy": dL_dy, f"h_{T}": _full(h_last), "dW_hy": _full(dW_hy)},
        ),
        LedgerLine(
            f"db_y = dL/dy = {num(result.grads['b_y'][0])}", {"db_y": float(result.grads["b_y"][0])}
        ),  # fmt: skip
        LedgerLine(
            f"dh_next = W_hyᵀ·dL/dy = {vec(params['W_hy'][0])}ᵀ·{term(dL_dy)} = {vec(dh_last)},"
            f"   ‖dh_next‖ = {num(norm(dh_last))}   (this is dL/dh_{T})",
            {"W_hy": _full(params["W_hy"]), "dL/dy": dL_dy, f"dL/dh_{T}": _full(dh_last)},
        ),
    ]


def _step_b_lines(params, trace, result, t: int) -> list[LedgerLine]:
    hidden = trace.h.shape[2]
    x_t, h_t, h_prev = float(trace.x[0, t - 1]), trace.h[0, t], trace.h[0, t - 1]  # (H,) each
    dh_t, da_t, dh_prev = result.dh[0, t], result.da[0, t - 1], result.dh[0, t - 1]  # (H,) each
    sums = running_sums(result, t)
    if hidden == 1:
        w_hh = float(params["W_hh"][0, 0])
        old = {name: float(before.ravel()[0]) for name, (before, _) in sums.items()}
        new = {name: float(after.ravel()[0]) for name, (_, after) in sums.items()}
        da, tanh_a = float(da_t[0]), float(h_t[0])
        return [
            LedgerLine(
                f"da_{t} = (1 − tanh(a_{t})²)·dh_next = (1 − {term(tanh_a)}²)·{term(dh_t[0])}"
                f" = {num(da)}",
                {
                    f"tanh(a_{t}) = h_{t}": tanh_a,
                    f"dh_next = dL/dh_{t}": float(dh_t[0]),
                    f"da_{t}": da,
                },
            ),  # fmt: skip
            LedgerLine(
                f"dW_xh = dW_xh + da_{t}·x_{t} = {term(old['W_xh'])} + {term(da)}·{term(x_t)}"
                f" = {num(new['W_xh'])}",
                {"dW_xh before": old["W_xh"], f"x_{t}": x_t, "dW_xh": new["W_xh"]},
            ),
            LedgerLine(
                f"dW_hh = dW_hh + da_{t}·h_{t - 1} = {term(old['W_hh'])} + {term(da)}·"
                f"{term(h_prev[0])} = {num(new['W_hh'])}",
                {"dW_hh before": old["W_hh"], f"h_{t - 1}": float(h_prev[0]), "dW_hh": new["W_hh"]},
            ),  # fmt: skip
            LedgerLine(
                f"db_h = db_h + da_{t} = {term(old['b_h'])} + {term(da)} = {num(new['b_h'])}",
                {"db_h before": old["b_h"], "db_h": new["b_h"]},
            ),
            LedgerLine(
                f"dh_next = W_hhᵀ·da_{t} = {term(w_hh)}·{term(da)} = {num(dh_prev[0])}"
                f"   (now dL/dh_{t - 1})",
                {"W_hh": w_hh, f"da_{t}": da, f"dL/dh_{t - 1}": float(dh_prev[0])},
            ),
        ]
    (old_xh, new_xh), (_, new_hh), (old_bh, new_bh) = sums["W_xh"], sums["W_hh"], sums["b_h"]
    return [
        LedgerLine(
            f"da_{t} = (1 − tanh(a_{t})²)⊙dh_next = (1 − {vec(h_t)}²)⊙{vec(dh_t)} = {vec(da_t)},"
            f"   ‖da_{t}‖ = {num(norm(da_t))}",
            {f"tanh(a_{t}) = h_{t}": _full(h_t), f"dL/dh_{t}": _full(dh_t), f"da_{t}": _full(da_t)},
        ),
        LedgerLine(
            f"dW_xh = dW_xh + da_{t}·x_{t} = {vec(old_xh)} + {vec(da_t)}·{term(x_t)}"
            f" = {vec(new_xh)}",
            {"dW_xh before": _full(old_xh), f"x_{t}": x_t, "dW_xh": _full(new_xh)},
        ),
        LedgerLine(
            f"dW_hh = dW_hh + da_{t}·h_{t - 1}ᵀ   (an H×H matrix)   ‖dW_hh‖ = {num(norm(new_hh))}",
            {"dW_hh": _full(new_hh)},
        ),
        LedgerLine(
            f"db_h = db_h + da_{t} = {vec(old_bh)} + {vec(da_t)} = {vec(new_bh)}",
            {"db_h before": _full(old_bh), "db_h": _full(new_bh)},
        ),
        LedgerLine(
            f"dh_next = W_hhᵀ·da_{t} = {vec(dh_prev)},   ‖dh_next‖ = {num(norm(dh_prev))}"
            f"   (now dL/dh_{t - 1})",
            {f"da_{t}": _full(da_t), f"dL/dh_{t - 1}": _full(dh_prev)},
        ),
    ]


def lines_so_far(lines_by_step: list[list[LedgerLine]], step: int) -> list[LedgerLine]:
    """All lines of steps 0 … step-1, the ledger as written up to the current step."""
    return [line for lines in lines_by_step[:step] for line in lines]
