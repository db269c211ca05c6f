"""How good is the fit? Fresh data from the same process, the noise floor, simple baselines.

The tutorial trains and tests on the same 95 windows. Because the process that made them is
known, ``T_t − μ = φ1·(T_(t−1) − μ) + φ2·(T_(t−2) − μ) + N(0, σ)``, generalisation can be
measured honestly: on a fresh, long series from the same process (10,000 days, past the
transient from the start values), where the MSE's sampling spread is about 0.005 instead of the
~0.08 that 19 held-out windows would give. No predictor can beat the noise floor σ² on average
(0.25 for the tutorial's σ = 0.5); the baselines say what simple rules achieve:

* the true AR(2) predictor, μ + φ1·(T_(t−1) − μ) + φ2·(T_(t−2) − μ): MSE → σ²;
* a least-squares AR(2) with intercept, fitted to the training windows (what the 95 windows
  could teach a linear model);
* the best one-lag predictor, a + b·T_(t−1), fitted by least squares on the fresh series itself
  (so it is the best any rule using only yesterday can do, ≈ 0.260 for the tutorial's process);
* "tomorrow = today", T_(t−1) (≈ 0.278).

The training series starts at 20 °C and decays towards 0: a different regime from the
stationary fresh series, which hovers around μ with standard deviation ≈ 1.05.

Input scaling lives here too (`Scaling`): a model trained on standardised temperatures is
evaluated in temperature units by scaling its inputs and un-scaling its predictions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .data import TUTORIAL_SEQ_LEN, check_stationary, make_windows, weather_series
from .rnn import Params, predict
from .validation import as_finite_array, check_finite_float, check_int, check_params

FRESH_DAYS = 10_000
# The fresh series draws its noise from its own stream of the seed (a SeedSequence spawn key), so
# it never replays the training series' noise, even when the two seeds are the same number.
FRESH_STREAM = 1
# Burn-in: the start's pull must have shrunk below this fraction of the stationary spread.
BURN_IN_TOLERANCE = 1e-3
MIN_BURN_IN, MAX_BURN_IN = 50, 100_000
SCALINGS = ("raw", "standardised")

# --- Input scaling ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scaling:
    """Standardisation with the training series' statistics: ``z = (T − mean) / std``.

    Raw temperatures near 20 make W_xh·x_t large enough to push tanh towards ±1 from the first
    day; z-scores keep a_t in tanh's steep middle. ``Scaling(0.0, 1.0)`` (`Scaling.raw()`) is the
    tutorial's raw inputs, and applying it returns the very same numbers.
    """

    mean: float = 0.0
    std: float = 1.0

    @classmethod
    def raw(cls) -> Scaling:
        """The identity: the tutorial's raw temperatures."""
        return cls(0.0, 1.0)

    @classmethod
    def fit(cls, series) -> Scaling:
        """Mean and (population) standard deviation of the training series (n,); std 1 for a
        constant series, which has nothing to scale."""
        temps = as_finite_array(series, "The training series", 1)
        std = float(np.std(temps))
        return cls(float(np.mean(temps)), std if std > 0 else 1.0)

    @classmethod
    def named(cls, kind: str, series) -> Scaling:
        """ "raw" (the tutorial) or "standardised" (fitted to `series`)."""
        if kind == "raw":
            return cls.raw()
        if kind == "standardised":
            return cls.fit(series)
        raise ValueError(f"Input scaling must be one of {', '.join(SCALINGS)}, got {kind!r}.")

    def scale(self, values) -> np.ndarray:
        """Temperatures -> model units: ``(values − mean) / std``, any shape."""
        return (np.asarray(values, dtype=np.float64) - self.mean) / self.std

    def unscale(self, values) -> np.ndarray:
        """Model units -> temperatures: ``values·std + mean``, any shape."""
        return np.asarray(values, dtype=np.float64) * self.std + self.mean


def predict_temperatures(params: Params, X, scaling: Scaling | None = None) -> np.ndarray:
    """Predictions (B,) in temperature units for windows X (B, T) of raw temperatures, for a
    model trained on `scaling`'s units (None: raw)."""
    scaling = scaling or Scaling.raw()
    return scaling.unscale(predict(params, scaling.scale(X)))


# --- The process, in theory -------------------------------------------------------------------


@dataclass(frozen=True)
class AR2Theory:
    """Population values of the stationary AR(2) process (no sampling, no fitting).

    variance : γ0 = Var(T_t);  rho1 : the lag-1 autocorrelation φ1 / (1 − φ2)
    noise_floor : σ², the MSE of the true predictor
    one_lag : γ0·(1 − ρ1²), the MSE of the best predictor using only yesterday
    persistence : 2·γ0·(1 − ρ1), the MSE of "tomorrow = today"
    """

    variance: float
    rho1: float
    noise_floor: float
    one_lag: float
    persistence: float


def ar2_theory(phi: tuple[float, float], sigma: float) -> AR2Theory:
    """The stationary AR(2) process's variance and the baselines' population MSEs.

    Notes
    -----
    ``γ0 = σ²·(1 − φ2) / ((1 + φ2)·((1 − φ2)² − φ1²))`` and ``ρ1 = φ1 / (1 − φ2)`` (Yule-Walker).
    For the tutorial's φ = (0.7, 0.2), σ = 0.5: γ0 = 1.111, ρ1 = 0.875, one-lag MSE 0.2604,
    "tomorrow = today" 0.2778, noise floor 0.25.

    Examples
    --------
    >>> theory = ar2_theory((0.7, 0.2), 0.5)
    >>> round(theory.one_lag, 4), round(theory.persistence, 4)
    (0.2604, 0.2778)
    """
    check_stationary(phi)
    phi1, phi2 = float(phi[0]), float(phi[1])
    sigma = check_finite_float(sigma, "The noise sigma")
    variance = sigma**2 * (1 - phi2) / ((1 + phi2) * ((1 - phi2) ** 2 - phi1**2))
    rho1 = phi1 / (1 - phi2)
    return AR2Theory(
        variance=variance,
        rho1=rho1,
        noise_floor=sigma**2,
        one_lag=variance * (1 - rho1**2),
        persistence=2 * variance * (1 - rho1),
    )


# --- Fresh data ---------------------------------------------------------------------------------


def _process(series_kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """phi, sigma, start, mean_level from `core.weather_series` keyword arguments (tutorial's
    values for any that are missing)."""
    defaults = {"phi": (0.7, 0.2), "sigma": 0.5, "start": (20.0, 21.0), "mean_level": 0.0}
    unknown = set(series_kwargs) - {*defaults, "n", "seed"}
    if unknown:
        raise ValueError(f"Unknown series setting(s): {', '.join(sorted(unknown))}.")
    return {name: series_kwargs.get(name, value) for name, value in defaults.items()}


def burn_in_days(series_kwargs: Mapping[str, Any]) -> int:
    """Days to drop so the start values' pull has faded: the fresh series is then stationary.

    Notes
    -----
    The start's influence decays like ρ^t, ρ the largest |root| of z² − φ1·z − φ2 (0.918 for
    the tutorial). The burn-in is twice the t at which ``ρ^t·D = 10⁻³·s`` (D the start's
    distance from μ, s the stationary standard deviation; the factor 2 covers the t·ρ^t of a
    repeated root), clamped to 50 … 100,000 days. The tutorial's process needs 232 days.
    """
    process = _process(series_kwargs)
    stationarity = check_stationary(process["phi"])  # a fresh series needs one
    rho = float(np.abs(stationarity.roots).max())
    sigma = check_finite_float(process["sigma"], "The noise sigma")
    spread = math.sqrt(ar2_theory(process["phi"], sigma).variance) if sigma > 0 else 1.0
    mu = check_finite_float(process["mean_level"], "The mean level")
    distance = max(abs(float(process["start"][0]) - mu), abs(float(process["start"][1]) - mu))
    distance = max(distance, spread)
    if rho <= 0.0:
        return MIN_BURN_IN
    days = math.log(BURN_IN_TOLERANCE * spread / distance) / math.log(rho)
    return int(min(MAX_BURN_IN, max(MIN_BURN_IN, 2 * math.ceil(days))))


def fresh_series(
    series_kwargs: Mapping[str, Any],
    n: int = FRESH_DAYS,
    seed: int | None = None,
    burn_in: int | None = None,
) -> np.ndarray:
    """A long series from the same AR(2) process, past its transient: (n,) stationary days.

    Parameters
    ----------
    series_kwargs : keyword arguments of `core.weather_series` (phi, sigma, start, mean_level;
        n and seed are those of the training series and are not used here)
    n : int >= 3, days kept
    seed : int >= 0; None uses the training series' seed. Either way the noise comes from a
        separate stream of that seed, independent of the training series' noise.
    burn_in : int >= 0 days generated and dropped first; None: `burn_in_days`

    Notes
    -----
    ``weather_series(n + burn_in, ...)[burn_in:]``, with the noise drawn from
    ``default_rng(SeedSequence(seed, spawn_key=(1,)))``.
    """
    process = _process(series_kwargs)
    n = check_int(n, "The number of fresh days", 3)
    seed = check_int(series_kwargs.get("seed", 0) if seed is None else seed, "The seed", 0)
    drop = burn_in_days(series_kwargs) if burn_in is None else check_int(burn_in, "Burn-in", 0)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(FRESH_STREAM,)))
    return weather_series(n=n + drop, seed=rng, **process)[drop:]


# --- Baselines ----------------------------------------------------------------------------------


def _lags(series: np.ndarray, seq_len: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every window's target day j (j = T, T+1, ... as in `make_windows`) that has two days
    before it: yesterday T_(j−1), the day before T_(j−2), and T_j; each (M,)."""
    first = max(seq_len, 2)
    return series[first - 1 : -1], series[first - 2 : -2], series[first:]


def _lstsq(columns: list[np.ndarray], target: np.ndarray) -> np.ndarray:
    """Least-squares coefficients of target ≈ Σ c_i·columns_i (np.linalg.lstsq)."""
    A = np.column_stack(columns)  # (M, p)
    coef, *_ = np.linalg.lstsq(A, target, rcond=None)
    return coef


def _mse(pred: np.ndarray, target: np.ndarray) -> float:
    err = pred - target
    return float(np.mean(err * err))


@dataclass(frozen=True)
class Baselines:
    """MSEs of simple predictors on the fresh series' windows, and what was fitted.

    noise_floor : σ²
    true_ar2 : the true predictor μ + φ1·(T_(t−1) − μ) + φ2·(T_(t−2) − μ)
    fitted_ar2 : least-squares c + a1·T_(t−1) + a2·T_(t−2), fitted on the training windows
    one_lag : least-squares c + b·T_(t−1), fitted on the fresh windows (the best one-lag rule)
    persistence : "tomorrow = today", T_(t−1)
    fitted_ar2_coef : (c, a1, a2);  one_lag_coef : (c, b)
    n_fresh : windows evaluated;  fresh_seed, burn_in : how the fresh series was made
    """

    noise_floor: float
    true_ar2: float
    fitted_ar2: float
    one_lag: float
    persistence: float
    fitted_ar2_coef: tuple[float, float, float]
    one_lag_coef: tuple[float, float]
    n_fresh: int
    fresh_seed: int
    burn_in: int


def compute_baselines(
    series_kwargs: Mapping[str, Any],
    seq_len: int = TUTORIAL_SEQ_LEN,
    fresh_days: int = FRESH_DAYS,
    fresh_seed: int | None = None,
) -> Baselines:
    """The noise floor and the four baselines on fresh windows of the process `series_kwargs`.

    Parameters
    ----------
    series_kwargs : keyword arguments of `core.weather_series` for the training series
        (n, phi, sigma, start, seed, mean_level)
    seq_len : the window length T (the targets are the days a T-day window predicts; with T = 1
        the first target has no day-before and is left out)
    fresh_days, fresh_seed : see `fresh_series`

    Notes
    -----
    Every predictor is scored on the same target days of the fresh series. Only
    ``fitted_ar2`` sees the training series (the 95 windows' last two days and targets).
    """
    seq_len = check_int(seq_len, "The window length", 1)
    process = _process(series_kwargs)
    phi1, phi2 = (float(v) for v in process["phi"])
    mu = float(process["mean_level"])
    seed = check_int(series_kwargs.get("seed", 0) if fresh_seed is None else fresh_seed, "Seed", 0)
    drop = burn_in_days(series_kwargs)
    fresh = fresh_series(series_kwargs, n=fresh_days, seed=seed, burn_in=drop)
    train = weather_series(**series_kwargs)
    if train.shape[0] < max(seq_len, 2) + 3:
        raise ValueError(
            f"The training series has {train.shape[0]} days: too few to fit an AR(2) baseline "
            f"with {seq_len}-day windows (it needs at least {max(seq_len, 2) + 3})."
        )

    lag1, lag2, target = _lags(fresh, seq_len)
    ones = np.ones_like(lag1)
    t_lag1, t_lag2, t_target = _lags(train, seq_len)
    ar2_coef = _lstsq([np.ones_like(t_lag1), t_lag1, t_lag2], t_target)
    one_lag_coef = _lstsq([ones, lag1], target)
    return Baselines(
        noise_floor=check_finite_float(process["sigma"], "The noise sigma") ** 2,
        true_ar2=_mse(mu + phi1 * (lag1 - mu) + phi2 * (lag2 - mu), target),
        fitted_ar2=_mse(ar2_coef[0] + ar2_coef[1] * lag1 + ar2_coef[2] * lag2, target),
        one_lag=_mse(one_lag_coef[0] + one_lag_coef[1] * lag1, target),
        persistence=_mse(lag1, target),
        fitted_ar2_coef=tuple(float(c) for c in ar2_coef),
        one_lag_coef=tuple(float(c) for c in one_lag_coef),
        n_fresh=int(target.shape[0]),
        fresh_seed=seed,
        burn_in=drop,
    )


@dataclass(frozen=True)
class FitReport:
    """A trained model's MSE (in temperature units) next to the baselines.

    train_mse : on the training windows (the tutorial's "test": the same 95 windows)
    fresh_mse : on the fresh series' windows (the same target days as the baselines)
    baselines : `Baselines`
    """

    train_mse: float
    fresh_mse: float
    baselines: Baselines

    def named(self) -> list[tuple[str, float]]:
        """(label, MSE) pairs for a chart or table, the model's two first."""
        b = self.baselines
        return [
            ("RNN, training windows", self.train_mse),
            ("RNN, fresh data", self.fresh_mse),
            ("noise floor σ²", b.noise_floor),
            ("true AR(2) predictor", b.true_ar2),
            ("least-squares AR(2), fitted to the training windows", b.fitted_ar2),
            ("best one-lag predictor (fitted on fresh data)", b.one_lag),
            ('"tomorrow = today"', b.persistence),
        ]


def fit_report(
    params: Params,
    series_kwargs: Mapping[str, Any],
    seq_len: int = TUTORIAL_SEQ_LEN,
    scaling: Scaling | None = None,
    fresh_days: int = FRESH_DAYS,
    fresh_seed: int | None = None,
    baseline: Baselines | None = None,
) -> FitReport:
    """The model's training-window and fresh-data MSE, in temperature units, with the baselines.

    Parameters
    ----------
    params : the trained model (trained on `scaling`'s units; None: raw temperatures)
    series_kwargs : keyword arguments of `core.weather_series` for the training series
    seq_len : T;  fresh_days, fresh_seed : see `fresh_series`
    baseline : a `Baselines` already computed for the same series, T and fresh data (it does
        not depend on the model, so a page can compute it once)

    Notes
    -----
    ``MSE = mean_i (unscale(RNN(scale(X_i))) − y_i)²`` over the windows; on fresh data only the
    windows whose target has two days before it (all of them when T >= 2).
    """
    check_params(params)
    seq_len = check_int(seq_len, "The window length", 1)
    scaling = scaling or Scaling.raw()
    if baseline is None:
        baseline = compute_baselines(series_kwargs, seq_len, fresh_days, fresh_seed)
    X, y = make_windows(weather_series(**series_kwargs), seq_len)
    seed = baseline.fresh_seed
    fresh = fresh_series(series_kwargs, n=fresh_days, seed=seed, burn_in=baseline.burn_in)
    X_fresh, y_fresh = make_windows(fresh, seq_len)
    skip = max(0, 2 - seq_len)  # T = 1: the baselines' first target has no day-before
    X_fresh, y_fresh = X_fresh[skip:], y_fresh[skip:]
    if y_fresh.shape[0] != baseline.n_fresh:
        raise ValueError("The baselines were computed for other fresh data or another T.")
    return FitReport(
        train_mse=_mse(predict_temperatures(params, X, scaling), y),
        fresh_mse=_mse(predict_temperatures(params, X_fresh, scaling), y_fresh),
        baselines=baseline,
    )
