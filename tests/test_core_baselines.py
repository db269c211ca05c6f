"""rnnviz.core.baselines: fresh data, the noise floor, baselines, input scaling.

Tolerances come from the sampling spread of an MSE: over 40 fresh seeds, the 10,000-window MSEs
of the four baselines have standard deviations 0.0041-0.0048; the paired difference
"tomorrow = today" − one-lag has 0.0011. A 100,000-day series divides these by √10 (~0.0015).
Each check allows about three standard deviations.
"""

import math

import numpy as np
import pytest

from rnnviz import core

TUTORIAL = {
    "n": 100,
    "phi": (0.7, 0.2),
    "sigma": 0.5,
    "start": (20.0, 21.0),
    "seed": 0,
    "mean_level": 0.0,
}


# ---- the process in theory ---------------------------------------------------------------------


def test_theory_of_the_tutorials_process():
    theory = core.ar2_theory((0.7, 0.2), 0.5)
    assert theory.variance == pytest.approx(1.0 / 0.9, rel=1e-12)  # 0.25·0.8 / (1.2·0.15)
    assert theory.rho1 == pytest.approx(0.875, rel=1e-12)
    assert theory.noise_floor == 0.25
    assert theory.one_lag == pytest.approx(0.260417, abs=1e-6)
    assert theory.persistence == pytest.approx(0.277778, abs=1e-6)


def test_theory_matches_a_long_simulation():
    # Variance and lag-1 autocorrelation measured on 200,000 stationary days.
    temps = core.fresh_series(TUTORIAL, n=200_000, seed=5)
    theory = core.ar2_theory((0.7, 0.2), 0.5)
    assert np.var(temps) == pytest.approx(theory.variance, rel=0.05)
    rho1 = np.corrcoef(temps[1:], temps[:-1])[0, 1]
    assert rho1 == pytest.approx(theory.rho1, abs=0.01)


def test_theory_refuses_a_non_stationary_process():
    with pytest.raises(ValueError, match="Not stationary"):
        core.ar2_theory((0.9, 0.2), 0.5)


# ---- fresh data --------------------------------------------------------------------------------


def test_fresh_series_is_past_the_transient_and_around_the_mean_level():
    kwargs = {**TUTORIAL, "mean_level": 15.0}
    fresh = core.fresh_series(kwargs)
    assert fresh.shape == (core.FRESH_DAYS,)
    # Long-run sd of the mean of 10,000 AR(2) days: σ/(1 − φ1 − φ2)/√n = 0.05; allow 4 of them.
    assert abs(fresh.mean() - 15.0) < 0.2
    sd = math.sqrt(core.ar2_theory((0.7, 0.2), 0.5).variance)
    assert abs(fresh[0] - 15.0) < 4 * sd  # not still near the start values 20, 21
    assert fresh.std() == pytest.approx(sd, rel=0.1)


def test_the_burn_in_lets_the_start_fade():
    days = core.burn_in_days(TUTORIAL)
    assert days == 232
    # With no noise the series is pure transient: after the burn-in it is within 1e-3·sd of μ.
    quiet = core.fresh_series({**TUTORIAL, "sigma": 0.0}, n=10, burn_in=days)
    assert np.all(np.abs(quiet) < 1e-3 * 1.054)
    slower = core.burn_in_days({**TUTORIAL, "phi": (0.9, 0.09)})
    assert slower > days  # a root closer to 1 needs longer


def test_fresh_noise_is_not_the_training_noise_even_with_the_same_seed():
    train = core.weather_series(n=300, seed=0)
    fresh = core.fresh_series(TUTORIAL, n=300, seed=0, burn_in=0)
    assert fresh[0] == train[0] and fresh[1] == train[1]  # the same start values ...
    assert not np.allclose(fresh[2:10], train[2:10])  # ... but other noise
    again = core.fresh_series(TUTORIAL, n=300, seed=0, burn_in=0)
    np.testing.assert_array_equal(fresh, again)  # deterministic


def test_fresh_series_refuses_a_non_stationary_process():
    with pytest.raises(ValueError, match="stationary"):
        core.fresh_series({**TUTORIAL, "phi": (1.0, 0.1)})
    with pytest.raises(ValueError, match="Unknown series setting"):
        core.fresh_series({**TUTORIAL, "phii": 0.7})


# ---- the baselines -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tutorial_baselines():
    return core.compute_baselines(TUTORIAL, seq_len=5)


def test_the_tutorials_baselines_on_10000_fresh_windows(tutorial_baselines):
    b = tutorial_baselines
    assert b.n_fresh == 10_000 - 5 and b.burn_in == 232 and b.noise_floor == 0.25
    theory = core.ar2_theory((0.7, 0.2), 0.5)
    # One sample of 10,000 windows: each within 3 sd (0.015) of its population value.
    assert b.true_ar2 == pytest.approx(0.25, abs=0.015)
    assert b.one_lag == pytest.approx(theory.one_lag, abs=0.015)  # ≈ 0.260
    assert b.persistence == pytest.approx(theory.persistence, abs=0.015)  # ≈ 0.278
    # Paired on the same days the gaps are much surer (sd 0.0011).
    assert b.persistence - b.one_lag == pytest.approx(
        theory.persistence - theory.one_lag, abs=0.004
    )
    assert b.true_ar2 < b.one_lag < b.persistence
    assert b.true_ar2 < b.fitted_ar2
    # The one-lag fit finds the population slope ρ1 = 0.875 and no intercept.
    assert b.one_lag_coef[1] == pytest.approx(0.875, abs=0.02)
    assert b.one_lag_coef[0] == pytest.approx(0.0, abs=0.05)


def test_the_claimed_numbers_hold_on_100000_fresh_days():
    b = core.compute_baselines(TUTORIAL, seq_len=5, fresh_days=100_000, fresh_seed=7)
    assert b.true_ar2 == pytest.approx(0.250, abs=0.005)
    assert b.one_lag == pytest.approx(0.260, abs=0.005)
    assert b.persistence == pytest.approx(0.278, abs=0.005)
    # The AR(2) fitted to 95 decaying training days is worse than the truth on fresh data.
    assert b.fitted_ar2 > b.true_ar2 + 0.002


def test_the_baselines_are_what_they_say(tutorial_baselines):
    b = tutorial_baselines
    fresh = core.fresh_series(TUTORIAL, seed=b.fresh_seed, burn_in=b.burn_in)
    X, y = core.make_windows(fresh, 5)
    today, yesterday = X[:, -1], X[:, -2]
    assert b.true_ar2 == pytest.approx(np.mean((0.7 * today + 0.2 * yesterday - y) ** 2))
    assert b.persistence == pytest.approx(np.mean((today - y) ** 2))
    slope, intercept = np.polyfit(today, y, 1)
    assert b.one_lag == pytest.approx(np.mean((intercept + slope * today - y) ** 2), rel=1e-9)
    Xt, yt = core.make_windows(core.weather_series(**TUTORIAL), 5)
    A = np.column_stack([np.ones(len(yt)), Xt[:, -1], Xt[:, -2]])
    coef = np.linalg.lstsq(A, yt, rcond=None)[0]
    np.testing.assert_allclose(b.fitted_ar2_coef, coef, rtol=1e-9)


def test_a_mean_level_moves_the_true_predictor_with_it():
    b = core.compute_baselines({**TUTORIAL, "mean_level": 15.0}, seq_len=5)
    assert b.true_ar2 == pytest.approx(0.25, abs=0.015)  # it still reaches the noise floor
    assert b.persistence == pytest.approx(0.278, abs=0.015)


@pytest.mark.parametrize("seq_len, n_fresh", [(1, 9_998), (2, 9_998), (3, 9_997)])
def test_the_baselines_need_two_days_back(seq_len, n_fresh):
    b = core.compute_baselines(TUTORIAL, seq_len=seq_len)
    assert b.n_fresh == n_fresh


# ---- input scaling -----------------------------------------------------------------------------


def test_raw_scaling_returns_the_very_same_numbers():
    X, _ = core.make_windows(core.weather_series(), 5)
    raw = core.Scaling.raw()
    np.testing.assert_array_equal(raw.scale(X), X)
    np.testing.assert_array_equal(raw.unscale(X), X)
    assert core.Scaling.named("raw", X[:, 0]) == raw


def test_standardised_scaling_uses_the_training_series():
    temps = core.weather_series()
    scaling = core.Scaling.named("standardised", temps)
    z = scaling.scale(temps)
    assert abs(z.mean()) < 1e-12 and z.std() == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(scaling.unscale(z), temps, rtol=1e-13)
    X, _ = core.make_windows(temps, 5)
    np.testing.assert_array_equal(scaling.scale(X), (X - temps.mean()) / temps.std())
    assert core.Scaling.fit(np.full(10, 3.0)) == core.Scaling(3.0, 1.0)  # nothing to divide
    with pytest.raises(ValueError, match="raw, standardised"):
        core.Scaling.named("normalised", temps)


# ---- a model against the baselines -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["raw", "standardised"])
def test_fit_report_scores_the_model_in_temperature_units(kind, tutorial_baselines):
    temps = core.weather_series(**TUTORIAL)
    X, y = core.make_windows(temps, 5)
    scaling = core.Scaling.named(kind, temps)
    params = core.init_params(4, seed=1)
    core.train(params, scaling.scale(X), scaling.scale(y), epochs=3, lr=1e-3)
    report = core.fit_report(params, TUTORIAL, 5, scaling, baseline=tutorial_baselines)

    pred = scaling.unscale(core.predict(params, scaling.scale(X)))
    assert report.train_mse == pytest.approx(np.mean((pred - y) ** 2), rel=1e-12)
    fresh = core.fresh_series(TUTORIAL)
    Xf, yf = core.make_windows(fresh, 5)
    pred_f = scaling.unscale(core.predict(params, scaling.scale(Xf)))
    assert report.fresh_mse == pytest.approx(np.mean((pred_f - yf) ** 2), rel=1e-12)
    if kind == "raw":
        assert report.train_mse == pytest.approx(core.mse(params, X, y), rel=1e-12)
    labels = [label for label, _ in report.named()]
    assert labels[:3] == ["RNN, training windows", "RNN, fresh data", "noise floor σ²"]
    assert len(labels) == 7 and all(math.isfinite(v) for _, v in report.named())


def test_fit_report_refuses_baselines_from_other_fresh_data(tutorial_baselines):
    params = core.init_params(3, seed=0)
    with pytest.raises(ValueError, match="other fresh data"):
        core.fit_report(params, TUTORIAL, 4, baseline=tutorial_baselines)
