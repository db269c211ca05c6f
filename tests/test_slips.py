"""Guess, then see: each known slip is recognised from the number it gives, computed here from
the parameters by the tutorial's equations (not from the engine's stored a_t), and a guess is
read to the digits the student typed."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz import core
from rnnviz.core.slips import (
    Quantity,
    Slip,
    backward_question,
    forward_question,
    judge,
    tolerance,
)
from rnnviz.text.guess import read_guess, verdict_sentence
from rnnviz.text.tex import number

T = 5


def window(hidden: int = 1, seed: int = 0, start: int = 10):
    X, y = core.make_windows(core.weather_series(), T)
    params = core.init_params(hidden, seed)
    trace = core.forward(params, X[start : start + 1])
    return params, trace, core.backward(params, trace, y[start : start + 1]), X[start]


def target_of(start: int = 10) -> float:
    return float(core.make_windows(core.weather_series(), T)[1][start])


def typed(value: float) -> float:
    """What a student who computed `value` types: 4 significant digits."""
    return float(f"{value:.4g}")


def verdict_of(question, value: float):
    guess = read_guess(f"{value:.4g}")
    return judge(question, guess.value, guess.tol)


@pytest.mark.parametrize("t", range(2, T + 1))
def test_each_forward_slip_is_named_from_the_number_it_gives(t):
    params, trace, _, x = window()
    w_xh, w_hh, b_h = (float(params[n].ravel()[0]) for n in ("W_xh", "W_hh", "b_h"))
    h_prev = float(trace.h[0, t - 1, 0])
    a_t = w_xh * x[t - 1] + w_hh * h_prev + b_h  # the tutorial's raw
    question = forward_question(params, trace, t - 1)
    assert question.quantity == Quantity.H and question.t == t and question.step == t
    assert question.truth == pytest.approx(np.tanh(a_t), rel=1e-12)
    assert verdict_of(question, np.tanh(a_t)).correct
    assert verdict_of(question, a_t).slip == Slip.NO_TANH
    assert verdict_of(question, np.tanh(w_xh * x[t - 1] + b_h)).slip == Slip.NO_MEMORY
    assert verdict_of(question, np.tanh(w_xh * x[t - 1] + w_hh * h_prev)).slip == Slip.NO_BIAS
    assert verdict_of(question, -np.tanh(a_t)).slip == Slip.SIGN


def test_a_slip_that_gives_the_right_number_is_not_blamed():
    params, trace, _, _ = window()
    question = forward_question(params, trace, 0)  # h_1: h_0 = 0, so no memory term to leave out
    verdict = verdict_of(question, question.truth)
    assert verdict.correct and verdict.slip is None


def test_the_output_and_the_end():
    params, trace, _, _ = window()
    question = forward_question(params, trace, T)
    assert question.quantity == Quantity.Y and question.truth == trace.y_pred[0]
    without_b_y = float(params["W_hy"][0, 0] * trace.h[0, T, 0])
    assert verdict_of(question, without_b_y).slip == Slip.NO_BIAS
    assert forward_question(params, trace, T + 1) is None


def test_backward_slips_the_missing_two_and_the_missing_tanh_slope():
    params, trace, result, _ = window()
    step_a = backward_question(params, trace, result, 0)
    y, target = float(trace.y_pred[0]), target_of()
    w_hy, w_hh = float(params["W_hy"][0, 0]), float(params["W_hh"][0, 0])
    assert step_a.truth == pytest.approx(w_hy * 2 * (y - target))
    assert verdict_of(step_a, w_hy * (y - target)).slip == Slip.NO_TWO
    for step in range(1, T + 1):
        t = T + 2 - (step + 1)  # the day this Next walks back through
        question = backward_question(params, trace, result, step)
        dh_t, h_t = float(result.dh[0, t, 0]), float(trace.h[0, t, 0])
        assert question.t == t - 1
        assert question.truth == pytest.approx(w_hh * (1 - h_t**2) * dh_t, rel=1e-12)
        assert verdict_of(question, w_hh * dh_t).slip == Slip.NO_DTANH
        assert verdict_of(question, -question.truth).slip == Slip.SIGN
    assert backward_question(params, trace, result, T + 1) is None


def test_vector_models_ask_about_one_unit():
    params, trace, result, _ = window(hidden=4, seed=3)
    question = forward_question(params, trace, 2, unit=1)
    assert question.truth == trace.h[0, 3, 1]
    assert verdict_of(question, trace.a[0, 2, 1]).slip == Slip.NO_TANH
    back = backward_question(params, trace, result, 3, unit=2)
    assert back.truth == result.dh[0, back.t, 2]
    without = float(params["W_hh"][:, 2] @ result.dh[0, back.t + 1])
    assert verdict_of(back, without).slip == Slip.NO_DTANH


def test_a_guess_is_read_to_the_digits_typed():
    params, trace, _, _ = window()
    question = forward_question(params, trace, 2)
    truth = question.truth
    rough = read_guess(f"{truth:.2f}")
    assert rough.tol == tolerance(2) == 0.005 and judge(question, rough.value, rough.tol).correct
    assert not judge(question, truth + 0.02, tolerance(2)).correct
    bare = read_guess("0")  # a bare 0 is not "right to the digits typed" for h = 0.3…
    verdict = judge(question, bare.value, bare.tol)
    assert not verdict.correct and verdict.error == pytest.approx(-truth)


@pytest.mark.parametrize(
    ("typed_text", "value", "tol"),
    [("0.36", 0.36, 0.005), ("−0,4", -0.4, 0.05), ("9e-6", 9e-6, 5e-7), (" 12 ", 12.0, 0.5)],
)
def test_read_guess(typed_text, value, tol):
    guess = read_guess(typed_text)
    assert guess.value == pytest.approx(value) and guess.tol == pytest.approx(tol)


@pytest.mark.parametrize("bad", ["", "abc", "1_0", "nan", "inf", "0x10", "1e"])
def test_what_is_not_a_number_is_refused_with_a_sentence(bad):
    with pytest.raises(ValueError, match="not a number"):
        read_guess(bad)


@pytest.mark.parametrize("huge", ["1e400", "-2.5E309", "9" * 400])
def test_a_guess_too_large_to_compare_is_refused_with_a_sentence(huge):
    with pytest.raises(ValueError, match="too large"):
        read_guess(huge)


@pytest.mark.parametrize(("typed_text", "tol"), [("1e300", 0.5e300), ("1.5e-400", 0.5e-300)])
def test_extreme_exponents_read_without_overflow(typed_text, tol):
    assert read_guess(typed_text).tol == pytest.approx(tol)


def test_the_reveal_names_the_slip_beside_the_engines_number():
    params, trace, _, _ = window()
    question = forward_question(params, trace, 2)
    a_3 = float(trace.a[0, 2, 0])
    guess = read_guess(f"{a_3:.4g}")
    sentence = verdict_sentence(question, judge(question, guess.value, guess.tol), guess)
    assert "tanh is left out" in sentence and f"a_{{3}} = {number(a_3)}" in sentence
    assert f"h_{{3}} = {number(question.truth)}" in sentence
    far = read_guess("0.9")
    sentence = verdict_sentence(question, judge(question, far.value, far.tol), far)
    assert "Off by" in sentence and "too high" in sentence
