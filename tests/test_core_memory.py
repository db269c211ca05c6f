"""core.memory: the per-step factors explain ‖dL/dh_t‖ exactly (H = 1) or bound it (H > 1), and
the regime is named from the measured gains, so a saturated tanh vanishes however large W_hh is."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz import core
from rnnviz.core import memory


def long_window(length: int, seed: int = 0) -> tuple[np.ndarray, float]:
    X, y = core.make_windows(core.weather_series(n=length + 1, seed=seed), length)
    return X[0], float(y[0])


def constant_params(W_hh: float, b_h: float, W_xh: float = 0.0) -> dict:
    """A scalar RNN whose pre-activation a_t we can predict by hand."""
    return {
        "W_xh": np.array([[W_xh]]),
        "W_hh": np.array([[W_hh]]),
        "b_h": np.array([b_h]),
        "W_hy": np.array([[1.0]]),
        "b_y": np.array([0.0]),
    }


@pytest.mark.parametrize("scale", [0.0, 0.3, 1.0, 1.7, 4.0])
@pytest.mark.parametrize("length", [2, 5, 40, 100])
def test_exact_product_equals_the_bptt_norms_for_one_hidden_unit(scale, length):
    x, target = long_window(length)
    report = memory.memory_report(core.init_params(1, seed=3), x, target, scale)
    dh = np.abs(report.result.dh[0, 1:, 0])  # |dL/dh_t|, t = 1..T, straight from core.backward
    np.testing.assert_allclose(report.norms, dh, rtol=0, atol=0)
    np.testing.assert_allclose(report.envelope, dh, rtol=1e-12, atol=1e-300)
    assert report.exact


def test_scalar_factors_are_w_hh_times_tanh_prime_and_equal_the_measured_gains():
    x, target = long_window(30)
    report = memory.memory_report(core.init_params(1, seed=1), x, target, 1.3)
    a = report.trace.a[0, :, 0]
    np.testing.assert_allclose(report.factors, np.abs(1.3 * (1 - np.tanh(a) ** 2)), rtol=1e-15)
    np.testing.assert_allclose(report.gains, report.factors[1:], rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    hidden=st.integers(2, 8),
    seed=st.integers(0, 10_000),
    scale=st.floats(0.05, 4.0),
    length=st.integers(2, 60),
)
def test_spectral_bound_is_never_exceeded(hidden, seed, scale, length):
    x, target = long_window(length, seed=seed % 7)
    report = memory.memory_report(core.init_params(hidden, seed=seed), x, target, scale)
    assert not report.exact
    assert np.all(report.norms <= report.envelope * (1 + 1e-12))
    # ... and per step: the measured gain never beats its bound.
    defined = ~np.isnan(report.gains)
    assert np.all(report.gains[defined] <= report.factors[1:][defined] * (1 + 1e-12))


def test_the_bound_is_tight_when_nothing_saturates_and_w_hh_is_a_scaled_identity():
    params = core.init_params(3, seed=0)
    params.update(W_xh=np.zeros((3, 1)), b_h=np.zeros(3), W_hh=np.eye(3))
    report = memory.memory_report(params, np.ones(10), 5.0, 1.2)  # h stays 0: tanh′ = 1
    np.testing.assert_allclose(report.norms, report.envelope, rtol=1e-12)


def test_rescale_gives_the_asked_spectral_radius_and_keeps_the_pattern():
    W_hh = core.init_params(6, seed=2)["W_hh"]
    scaled = memory.rescale_recurrent(W_hh, 2.5)
    assert memory.spectral_radius(scaled) == pytest.approx(2.5, rel=1e-12)
    np.testing.assert_allclose(scaled / W_hh, np.full((6, 6), scaled[0, 0] / W_hh[0, 0]))
    np.testing.assert_array_equal(memory.rescale_recurrent(np.array([[0.01]]), 1.7), [[1.7]])
    np.testing.assert_array_equal(memory.rescale_recurrent(np.zeros((2, 2)), 0.5), 0.5 * np.eye(2))


def test_row_norms_survive_sizes_that_square_to_zero_or_infinity():
    rows = np.array([[3e-170, 4e-170], [3e170, -4e170], [0.0, 0.0], [3.0, 4.0]])
    np.testing.assert_allclose(memory.row_norms(rows), [5e-170, 5e170, 0.0, 5.0], rtol=1e-15)
    assert np.linalg.norm(rows[0]) == 0.0  # why row_norms exists


def test_envelope_multiplies_the_factors_after_t():
    np.testing.assert_allclose(memory.envelope(2.0, [9.0, 0.5, 0.1]), [0.1, 0.2, 2.0])


def test_measured_gains_and_their_geometric_mean():
    gains = memory.measured_gains(np.array([0.0, 0.0, 1e-3, 1e-2, 1.0]))
    np.testing.assert_allclose(gains[1:], [0.0, 0.1, 0.01])
    assert math.isnan(gains[0])  # 0 / 0: nothing left
    assert memory.geometric_mean_gain([0.5, 2.0]) == pytest.approx(1.0)
    assert memory.geometric_mean_gain(gains) == 0.0
    assert math.isnan(memory.geometric_mean_gain([math.nan]))


@pytest.mark.parametrize(
    ("norms", "kind"),
    [
        (0.5 ** np.arange(20, 0, -1), "vanishing"),
        (2.0 ** np.arange(20, 0, -1), "exploding"),
        (np.full(20, 3.0), "steady"),
        (np.array([0.0, 0.0, 1e-5, 1.0]), "vanishing"),
        (np.array([1.0, 2.0, 0.0]), "none"),
    ],
)
def test_regime_comes_from_the_measured_change(norms, kind):
    regime = memory.classify_regime(norms, w_scale=1.0, mean_dtanh=0.5, hidden=1)
    assert regime.kind == kind
    assert not regime.surprise


def test_regime_counts_the_zeros_and_measures_the_geometric_mean():
    regime = memory.classify_regime(np.array([0.0, 0.0, 1e-5, 1.0]), 0.8, 0.5, 1)
    assert regime.zero_from == 2 and regime.nonzero_gain == pytest.approx(1e-5)
    regime = memory.classify_regime(0.5 ** np.arange(10, 0, -1), 0.8, 0.5, 1)
    assert regime.mean_gain == pytest.approx(0.5) and regime.total_change == pytest.approx(2**-9)
    assert regime.zero_from is None and regime.kind is memory.RegimeKind.VANISHING
    assert (regime.seq_len, regime.hidden, regime.w_scale, regime.mean_dtanh) == (10, 1, 0.8, 0.5)


def test_a_short_sequence_can_be_steady_with_a_shrinking_gain():
    regime = memory.classify_regime(0.6 ** np.arange(4, 0, -1), 0.9, 0.7, 1)
    assert regime.kind == "steady" and regime.mean_gain == pytest.approx(0.6)


def test_unsaturated_scalar_rnn_explodes_with_w_hh_above_one():
    # W_xh = b_h = 0 keeps every a_t = 0, so tanh′ = 1 and each step back multiplies by |W_hh|.
    report = memory.memory_report(constant_params(0.0, 0.0), np.ones(30), 5.0, 1.5)
    np.testing.assert_allclose(report.factors, 1.5)
    assert report.regime.kind == "exploding"
    assert report.regime.mean_gain == pytest.approx(1.5)
    assert report.regime.total_change == pytest.approx(1.5**29)


def test_large_w_hh_saturates_tanh_and_the_gradient_vanishes_instead():
    # The same model with a bias: a_1 = 2, then a_t = 4·h_(t−1) + 2 ≈ 6, where tanh′ ≈ 2.5e-5.
    report = memory.memory_report(constant_params(0.0, 2.0), np.ones(30), 5.0, 4.0)
    assert report.w_scale == 4.0
    assert np.all(report.factors[1:] < 1e-3)
    assert report.regime.kind == "vanishing" and report.regime.surprise
    assert report.regime.mean_dtanh == report.mean_dtanh < 0.05
    # ... and the surprise is about W_hh > 1 only: a small W_hh vanishing is no surprise.
    small = memory.memory_report(constant_params(0.0, 2.0), np.ones(30), 5.0, 0.5)
    assert small.regime.kind == "vanishing" and not small.regime.surprise


def test_w_hh_zero_cuts_the_chain_after_one_step():
    x, target = long_window(10)
    report = memory.memory_report(core.init_params(1, seed=0), x, target, 0.0)
    assert np.all(report.norms[:-1] == 0) and report.norms[-1] > 0
    assert report.regime.kind == "vanishing" and report.regime.zero_from == 9
    assert report.regime.w_scale == 0.0


def test_an_underflow_to_zero_is_explained_with_the_gains_before_it():
    regime = memory.classify_regime(np.array([0.0, 1e-300, 1e-150, 1.0]), 2.0, 0.01, 1)
    assert regime.kind == "vanishing" and regime.zero_from == 1 and regime.surprise
    assert regime.nonzero_gain == pytest.approx(1e-150)


def test_no_gradient_at_all_when_w_hy_is_zero():
    params = constant_params(0.0, 0.5)
    params["W_hy"] = np.zeros((1, 1))
    report = memory.memory_report(params, np.ones(8), 3.0, 2.0)
    assert report.regime.kind == "none" and np.all(report.norms == 0)


def test_memory_report_leaves_the_params_alone_and_refuses_bad_input():
    params = core.init_params(4, seed=0)
    before = core.copy_params(params)
    memory.memory_report(params, np.ones(12), 1.0, 3.0)
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(params[name], before[name])
    with pytest.raises(ValueError, match="at least 2 days"):
        memory.memory_report(params, np.ones(1), 1.0, 1.0)
    with pytest.raises(ValueError):
        memory.memory_report(params, np.ones(5), float("nan"), 1.0)


def test_clip_effect_matches_clip_grads_and_bounds_every_move():
    x, target = long_window(5)
    params = core.init_params(3, seed=0)
    grads = core.backward(params, core.forward(params, x), [target]).grads
    effect = memory.clip_effect(grads, 1.0, 1e-4)
    clipped = core.clip_grads(grads, 1.0)
    flat = np.concatenate([np.ravel(clipped[name]) for name in core.PARAM_NAMES])
    np.testing.assert_array_equal(effect.after, flat)
    np.testing.assert_array_equal(effect.clipped, np.abs(effect.before) > 1.0)
    assert effect.clipped.any() and effect.angle_deg > 1.0  # clipping turned the gradient
    assert effect.max_move <= 1e-4 * 1.0
    assert effect.cosine == pytest.approx(
        effect.before @ effect.after / np.linalg.norm(effect.before) / np.linalg.norm(flat)
    )


def test_no_clipping_keeps_the_direction():
    grads = core.backward(
        core.init_params(1, seed=0), core.forward(core.init_params(1, seed=0), np.ones(5)), [20.0]
    ).grads
    effect = memory.clip_effect(grads, None, 1e-4)
    np.testing.assert_array_equal(effect.before, effect.after)
    assert not effect.clipped.any() and effect.angle_deg == pytest.approx(0.0, abs=1e-6)
