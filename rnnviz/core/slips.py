"""Guess, then see: the number the next step reveals, the numbers known slips give, and which one
a student's guess matches.

Pages 2 and 3 let a student guess the number a step is about to reveal: h_t on the forward pass
(y after the last day), dh_next on the way back. Each known slip is the same computation with
one part left out or one sign flipped, so it gives its own number, computed here from the
engine's arrays (one window, B = 1; for H > 1 the question is about one unit, the first by
default):

    forward, h_t = tanh(a_t)           NO_TANH    a_t, the pre-activation
                                       NO_MEMORY  tanh(a_t − W_hh·h_(t−1))
                                       NO_BIAS    tanh(a_t − b_h)
                                       SIGN       −h_t
    output, y = W_hy·h_T + b_y         NO_BIAS    y − b_y;      SIGN  −y
    Step A, dh_next = W_hyᵀ·dL/dy      NO_TWO     half of it: dL/dy taken as (y − target)
                                       SIGN
    Step B, dh_next = W_hhᵀ·da_t       NO_DTANH   W_hhᵀ·dL/dh_t: the factor 1 − h_t² left out
                                       SIGN

A guess is read to the digits the student typed: it matches a number when it is within half a
unit of its last digit (`tolerance`), but never further than a tenth of the number's size, so a
bare "0" matches only numbers near 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .bptt import BPTTResult
from .rnn import Params, Trace

MAX_RELATIVE = 0.1  # a match is never further than this fraction of the number's size


class Slip(StrEnum):
    """A known slip in computing one step by hand."""

    NO_TANH = "no_tanh"
    NO_MEMORY = "no_memory"
    NO_BIAS = "no_bias"
    SIGN = "sign"
    NO_DTANH = "no_dtanh"
    NO_TWO = "no_two"


class Quantity(StrEnum):
    """What the next step reveals."""

    H = "h"  # h_t on the forward pass
    Y = "y"  # the prediction, after the last day
    DH = "dh"  # dh_next after a backward step: dL/dh_T (Step A) or dL/dh_(t−1) (Step B at t)


@dataclass(frozen=True)
class Question:
    """The number the next step reveals and what each known slip gives instead.

    quantity : what it is;  t : the index of its symbol (h_t, dL/dh_t; the day count T for y)
    unit : the hidden unit asked about (0-based; always 0 for H = 1)
    truth : the engine's value;  slips : (slip, the number it gives), in the order they are tried
    step : the timeline step that reveals it (forward 1 … T+1, backward 1 … T+1)
    """

    quantity: Quantity
    t: int
    unit: int
    truth: float
    slips: tuple[tuple[Slip, float], ...]
    step: int


@dataclass(frozen=True)
class Verdict:
    """How a guess compares with the engine's number.

    correct : the guess matches the engine's number;  slip : the known slip it matches instead
    (None when it is correct or matches none);  error : guess − truth
    """

    guess: float
    truth: float
    correct: bool
    slip: Slip | None
    error: float


def forward_question(params: Params, trace: Trace, step: int, unit: int = 0) -> Question | None:
    """What Next reveals from forward step `step` (0 … T+1): h_(step+1), or y after the last day;
    None at the end. `trace` is one window: x (1, T), a (1, T, H), h (1, T+1, H), y_pred (1,)."""
    T = trace.x.shape[1]
    t = step + 1
    if not 1 <= t <= T + 1:
        return None
    if t == T + 1:
        y = float(trace.y_pred[0])
        b_y = float(np.asarray(params["b_y"]).ravel()[0])
        slips = ((Slip.NO_BIAS, y - b_y), (Slip.SIGN, -y))
        return Question(Quantity.Y, T, 0, y, slips, t)
    a_t = float(trace.a[0, t - 1, unit])  # a_t = W_xh·x_t + W_hh·h_(t−1) + b_h, unit `unit`
    h_t = float(trace.h[0, t, unit])
    memory = float(np.asarray(params["W_hh"])[unit] @ trace.h[0, t - 1])  # (W_hh·h_(t−1))_unit
    b_h = float(np.asarray(params["b_h"])[unit])
    slips = (
        (Slip.NO_TANH, a_t),
        (Slip.NO_MEMORY, float(np.tanh(a_t - memory))),
        (Slip.NO_BIAS, float(np.tanh(a_t - b_h))),
        (Slip.SIGN, -h_t),
    )
    return Question(Quantity.H, t, unit, h_t, slips, t)


def backward_question(
    params: Params, trace: Trace, result: BPTTResult, step: int, unit: int = 0
) -> Question | None:
    """What Next reveals from backward step `step` (0 … T+1): dh_next after Step A (dL/dh_T) or
    after Step B at t (dL/dh_(t−1)); None at the end. `result` is `core.backward` of `trace`."""
    T = trace.x.shape[1]
    reveals = step + 1
    if not 1 <= reveals <= T + 1:
        return None
    if reveals == 1:  # Step A: dh_next = W_hyᵀ·dL/dy, with dL/dy = 2·(y − target)
        dh_T = float(result.dh[0, T, unit])
        slips = ((Slip.NO_TWO, dh_T / 2), (Slip.SIGN, -dh_T))
        return Question(Quantity.DH, T, unit, dh_T, slips, 1)
    t = T + 2 - reveals  # Step B at t: dh_next = W_hhᵀ·da_t, da_t = (1 − h_t²)·dL/dh_t
    W_hh = np.asarray(params["W_hh"])  # (H, H)
    truth = float(result.dh[0, t - 1, unit])
    without_dtanh = float(W_hh[:, unit] @ result.dh[0, t])  # (W_hhᵀ·dL/dh_t)_unit
    slips = ((Slip.NO_DTANH, without_dtanh), (Slip.SIGN, -truth))
    return Question(Quantity.DH, t - 1, unit, truth, slips, reveals)


def tolerance(decimals: int) -> float:
    """Half a unit of the last digit of a number typed with `decimals` digits after the point
    (negative: trailing zeros before it, as in 1.2e3 read as 1200 to the hundreds)."""
    return 0.5 * 10.0 ** (-decimals)


def matches(guess: float, value: float, tol: float) -> bool:
    """`guess` equals `value` to `tol`, but never further than MAX_RELATIVE of |value|."""
    return abs(guess - value) <= min(tol, MAX_RELATIVE * abs(value)) * (1 + 1e-9)


def judge(question: Question, guess: float, tol: float) -> Verdict:
    """Compare `guess` (read to `tol`, see `tolerance`) with the question's number and slips.

    A slip that gives the same number as the right computation (b_h near 0, h_0 = 0 leaving no
    memory term) cannot be told apart from it and is skipped; the right answer is tried first.
    """
    truth = question.truth
    error = guess - truth
    if matches(guess, truth, tol):
        return Verdict(guess, truth, True, None, error)
    for slip, value in question.slips:
        if not matches(value, truth, tol) and matches(guess, value, tol):
            return Verdict(guess, truth, False, slip, error)
    return Verdict(guess, truth, False, None, error)
