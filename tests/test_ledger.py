"""The chain-rule ledger prints the engine's and the tutorial's numbers to 4 digits."""

import re

import numpy as np
import pytest

from rnnviz import core
from rnnviz.text import ledger
from tests.tutorial_oracle import scalar_walkthrough

T = 5
NUMBER = re.compile(r"−?\d+(?:\.\d+)?(?:e−?\d+)?")


def window(hidden: int, seed: int = 0, start: int = 0):
    temps = core.weather_series()
    X, y = core.make_windows(temps, T)
    params = core.init_params(hidden, seed)
    trace = core.forward(params, X[start : start + 1])
    return params, trace, core.backward(params, trace, y[start : start + 1]), float(y[start])


def numbers(text: str) -> list[float]:
    """Every number in a ledger line, as a float (real minus signs read back)."""
    return [float(m.replace("−", "-")) for m in NUMBER.findall(text)]


def result_of(line: ledger.LedgerLine) -> float:
    """The number after the last '=' of a line (before any trailing remark)."""
    return numbers(line.text.rsplit(" = ", 1)[1])[0]


def shown(value: float) -> float:
    """What 4 significant digits make of `value`."""
    return float(f"{value:.4g}")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.512, "0.5120"),
        (-0.0071, "−0.007100"),
        (20.41, "20.41"),
        (1234.6, "1235"),
        (12345.6, "1.235e4"),
        (-2.4861e-8, "−2.486e−8"),
        (0.0, "0"),
        (-0.0, "0"),
    ],
)
def test_num_gives_four_significant_digits_and_a_real_minus(value, text):
    assert ledger.num(value) == text


def test_term_puts_negatives_in_parentheses():
    assert ledger.term(-0.0071) == "(−0.007100)"
    assert ledger.term(0.4417) == "0.4417"


def test_vec_abbreviates_long_vectors():
    assert ledger.vec([0.5, -1.0]) == "[0.5000, −1.000]"
    assert ledger.vec(np.arange(8.0) + 1) == "[1.000, 2.000, 3.000, … 8 units]"


def test_forward_step_spells_the_tutorials_equation_with_the_engines_numbers():
    params, trace, _, target = window(hidden=1)
    a_line, h_line = ledger.forward_lines(params, trace, target, step=3)
    w_xh, w_hh, b_h = params["W_xh"][0, 0], params["W_hh"][0, 0], params["b_h"][0]
    x_3, h_2, a_3, h_3 = trace.x[0, 2], trace.h[0, 2, 0], trace.a[0, 2, 0], trace.h[0, 3, 0]
    t = ledger.term
    assert a_line.text == (
        f"a_3 = W_xh·x_3 + W_hh·h_2 + b_h = {t(w_xh)}·{t(x_3)} + {t(w_hh)}·{t(h_2)} + {t(b_h)}"
        f" = {ledger.num(a_3)}"
    )
    assert "(−0.001321)" in a_line.text  # the tutorial seed's negative W_hh, in parentheses
    assert h_line.text == f"h_3 = tanh(a_3) = tanh({ledger.num(a_3)}) = {ledger.num(h_3)}"
    assert a_line.exact["a_3"] == a_3 and h_line.exact["h_3"] == h_3  # full precision kept


def test_every_forward_and_backward_number_equals_the_tutorials_loop():
    params, trace, result, target = window(hidden=1, seed=3, start=7)
    scalars = {name: float(np.ravel(v)[0]) for name, v in params.items()}
    oracle = scalar_walkthrough(list(trace.x[0]), target, **scalars)
    for t in range(1, T + 1):
        a_line, h_line = ledger.forward_lines(params, trace, target, t)
        assert result_of(a_line) == shown(oracle["raws"][t - 1])
        assert result_of(h_line) == shown(oracle["hs"][t])
    y_line, _, loss_line = ledger.forward_lines(params, trace, target, T + 1)
    assert result_of(y_line) == shown(oracle["y_pred"])
    assert result_of(loss_line) == shown(oracle["loss"])

    step_a = ledger.backward_lines(params, trace, result, target, 1)
    assert [result_of(line) for line in step_a[:3]] == [
        shown(2 * (oracle["y_pred"] - target)),
        shown(oracle["dW_hy"]),
        shown(oracle["db_y"]),
    ]
    last = ledger.backward_lines(params, trace, result, target, T + 1)  # t = 1: the final sums
    assert last[0].text.startswith("da_1 = ")
    assert [result_of(line) for line in last[1:4]] == [
        shown(oracle["dW_xh"]),
        shown(oracle["dW_hh"]),
        shown(oracle["db_h"]),
    ]


def test_backward_lines_equal_the_engines_arrays_at_every_step():
    params, trace, result, target = window(hidden=1, seed=5)
    for step in range(2, T + 2):
        t = ledger.backward_t(step, T)
        da, dw_xh, dw_hh, db_h, dh = ledger.backward_lines(params, trace, result, target, step)
        assert da.text.startswith(f"da_{t} = (1 − tanh(a_{t})²)·dh_next = ")
        assert result_of(da) == shown(result.da[0, t - 1, 0])
        assert da.exact[f"da_{t}"] == result.da[0, t - 1, 0]
        # Running sums: what the engine's contributions of steps T … t add up to.
        for line, name in ((dw_xh, "W_xh"), (dw_hh, "W_hh"), (db_h, "b_h")):
            assert result_of(line) == shown(result.contributions[name][t - 1 :].sum())
        assert dh.text.endswith(f"(now dL/dh_{t - 1})")
        assert result_of(dh) == shown(result.dh[0, t - 1, 0])


def test_step_a_sends_w_hy_times_dl_dy_into_h_t():
    params, trace, result, target = window(hidden=1)
    dl_dy, dw_hy, db_y, dh_next = ledger.backward_lines(params, trace, result, target, 1)
    assert dl_dy.text.startswith("dL/dy = 2·(y − target) = 2·(")
    assert result_of(dh_next) == shown(result.dh[0, T, 0])
    assert "(this is dL/dh_5)" in dh_next.text
    assert dw_hy.exact["dW_hy"] == result.grads["W_hy"][0, 0]


def test_vector_lines_spell_out_the_first_units_and_the_norms():
    params, trace, result, target = window(hidden=6)
    header, *units, h_line = ledger.forward_lines(params, trace, target, 2)
    assert "unit by unit" in header.text and len(units) == ledger.UNITS_SHOWN
    for i, line in enumerate(units):
        assert line.text.startswith(f"  a_2[{i + 1}] = ")
        assert result_of(line) == shown(trace.a[0, 1, i])
    assert f"‖h_2‖ = {ledger.num(np.linalg.norm(trace.h[0, 2]))}" in h_line.text
    assert "… 6 units" in h_line.text
    da, *_, dh = ledger.backward_lines(params, trace, result, target, 2)  # t = 5
    assert f"‖da_5‖ = {ledger.num(np.linalg.norm(result.da[0, 4]))}" in da.text
    assert f"‖dh_next‖ = {ledger.num(np.linalg.norm(result.dh[0, 4]))}" in dh.text
    np.testing.assert_array_equal(dh.exact["dL/dh_4"], result.dh[0, 4])


def test_step_zero_lines_and_titles():
    params, trace, result, target = window(hidden=1)
    assert ledger.forward_lines(params, trace, target, 0)[0].text.startswith("h_0 = 0")
    assert ledger.backward_lines(params, trace, result, target, 0)[0].text.endswith(
        f"L = (y − target)² = {ledger.num(result.loss)}"
    )
    assert [ledger.backward_t(s, T) for s in range(T + 2)] == [None, None, 5, 4, 3, 2, 1]
    assert ledger.backward_title(2, T) == "Step B at t = 5: back through day 5"
    assert ledger.forward_title(T + 1, T).startswith("The output")


@pytest.mark.parametrize("step", [-1, T + 2])
def test_steps_outside_the_timeline_are_refused(step):
    params, trace, result, target = window(hidden=1)
    with pytest.raises(ValueError, match="step must be"):
        ledger.forward_lines(params, trace, target, step)
    with pytest.raises(ValueError, match="step must be"):
        ledger.backward_lines(params, trace, result, target, step)
