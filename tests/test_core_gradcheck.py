"""rnnviz.core.gradcheck: BPTT agrees with central finite differences, and a wrong gradient
does not."""

import numpy as np
import pytest

from rnnviz import core
from rnnviz.core.gradcheck import ERROR_FLOOR, finite_difference_noise

NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def windows(batch, seq_len, seed, level=0.0):
    """Inputs and targets of unit spread around `level` (20 is the tutorial's temperature)."""
    rng = np.random.default_rng(seed)
    return level + rng.normal(0, 1, (batch, seq_len)), level + rng.normal(0, 1, batch)


def saturated(hidden, seed):
    """The tutorial's init with W_hh·30 and W_xh·5: the units saturate (tanh ≈ ±1) and the
    gradient reaching early steps vanishes."""
    params = core.init_params(hidden, seed=seed)
    params["W_hh"] = params["W_hh"] * 30
    params["W_xh"] = params["W_xh"] * 5
    return params


@pytest.mark.parametrize(
    "batch, seq_len, hidden",
    # Cost is 2 forwards per parameter entry: H = 64 has 4289 entries, so a short T there.
    [(1, 5, 1), (3, 5, 4), (2, 100, 8), (1, 10, 64)],
)
@pytest.mark.parametrize("level", [0.0, 20.0])
def test_bptt_passes_the_check_on_several_shapes(batch, seq_len, hidden, level):
    params = core.init_params(hidden, seed=1)
    X, y = windows(batch, seq_len, seed=2, level=level)
    report = core.grad_check(params, X, y)
    assert report.passed, report.max_error
    assert all(report.passed_for(name) for name in NAMES)
    assert set(report.analytic) == set(report.numeric) == set(report.error) == set(NAMES)
    for name in NAMES:
        assert report.numeric[name].shape == params[name].shape
        assert report.error[name].max() == report.max_error[name]
        np.testing.assert_array_equal(report.analytic[name], _full_bptt(params, X, y)[name])


def _full_bptt(params, X, y):
    return core.backward(params, core.forward(params, X), y).grads


def test_the_tutorials_own_windows_pass():
    X, y = core.make_windows(core.weather_series(seed=0))
    report = core.grad_check(core.init_params(20, seed=0), X[:8], y[:8])
    assert report.passed, report.max_error


def test_check_passes_on_a_trained_model():
    X, y = core.make_windows(core.weather_series(seed=0))
    params = core.init_params(8, seed=0)
    core.train(params, X, y, epochs=100)
    assert core.grad_check(params, X[10:14], y[10:14]).passed


@pytest.mark.parametrize("level", [0.0, 20.0])
def test_vanished_gradients_still_pass(level):
    params = saturated(8, seed=3)
    X, y = windows(1, 40, seed=4, level=level)
    result = core.backward(params, core.forward(params, X), y)
    # The scenario is real: dL/dh_1 is tiny next to dL/dh_T (~1e-15 here standardised, ~1e-20
    # on temperatures around 20, which saturate harder).
    assert np.abs(result.dh[:, 1]).max() < 1e-12 * np.abs(result.dh[:, -1]).max()
    assert np.abs(result.contributions["W_hh"][0]).max() < 1e-15
    report = core.grad_check(params, X, y)
    assert report.passed, report.max_error
    if level:
        # ... and there the plain 1e-8 floor would fail these correct gradients: the floor that
        # follows the finite differences' rounding noise is what lets them pass.
        plain = max(core.relative_error(report.analytic[n], report.numeric[n]).max() for n in NAMES)
        assert plain > 10 * report.tolerance


def test_the_floor_follows_the_finite_difference_noise():
    # At eps = 1e-6 a central difference is off by about u·|e|·s/eps from rounding alone
    # (e = y_pred - y, s the size of the numbers summed into it). On standardised data that is
    # ~1e-10, on the tutorial's temperatures ~1e-7: a 1e-8 floor would fail correct gradients
    # below ~1e-2 there, so grad_check raises the floor to the noise divided by the tolerance.
    params = core.init_params(8, seed=5)
    small = core.grad_check(params, *windows(2, 10, seed=6))
    large = core.grad_check(params, *windows(2, 10, seed=6, level=20.0))
    assert ERROR_FLOOR <= small.floor < large.floor
    assert large.floor > 100 * small.floor
    X, y = windows(2, 10, seed=6, level=20.0)
    noise = finite_difference_noise(params, core.forward(params, X), y, 1e-6)
    assert large.floor == pytest.approx(4 * noise / large.tolerance)
    assert large.passed and small.passed


def test_a_wrong_gradient_is_detected():
    params = core.init_params(8, seed=7)
    X, y = windows(2, 12, seed=8, level=20.0)
    report = core.grad_check(params, X, y)
    assert report.passed
    trace = core.forward(params, X)
    right = core.backward(params, trace, y).grads

    def worst(grads):
        return max(
            core.relative_error(grads[n], report.numeric[n], report.floor).max() for n in NAMES
        )

    wrong = {
        "W_hh's gradient transposed": dict(right, W_hh=right["W_hh"].T),
        "W_hh's gradient 1% too large": dict(right, W_hh=right["W_hh"] * 1.01),
        "b_h's gradient with the wrong sign": dict(right, b_h=-right["b_h"]),
        "truncated BPTT (k = 1)": core.backward(params, trace, y, truncate=1).grads,
        "no factor 2 in dL/dy": {n: g / 2 for n, g in right.items()},
    }
    for what, grads in wrong.items():
        assert worst(grads) > 100 * report.tolerance, what


def test_a_wrong_vanished_gradient_is_detected_when_it_exceeds_the_noise():
    params = saturated(8, seed=3)
    X, y = windows(1, 40, seed=4)
    report = core.grad_check(params, X, y)
    analytic = report.analytic["W_hh"]
    smallest = np.unravel_index(np.argmin(np.abs(analytic)), analytic.shape)
    wrong = analytic.copy()
    wrong[smallest] += 100 * report.floor * report.tolerance  # 100x the tolerated difference
    assert core.relative_error(wrong, report.numeric["W_hh"], report.floor).max() > 10 * (
        report.tolerance
    )


def test_grad_check_leaves_params_alone():
    params = core.init_params(3, seed=9)
    before = core.copy_params(params)
    core.grad_check(params, *windows(2, 4, seed=10))
    for name in NAMES:
        np.testing.assert_array_equal(params[name], before[name])


def test_relative_error_definition():
    g = np.array([1.0, 1e-20, 0.0, -2.0])
    fd = np.array([1.1, 0.0, 0.0, 2.0])
    np.testing.assert_allclose(
        core.relative_error(g, fd), [0.1 / 2.1, 1e-20 / 1e-8, 0.0, 1.0], rtol=1e-12
    )
    np.testing.assert_allclose(core.relative_error(1e-3, 0.0, floor=1.0), 1e-3)
