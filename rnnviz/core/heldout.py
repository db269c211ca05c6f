"""Held-out evaluation of a real series: a chronological split, and only the past is fitted.

A real series has no process to draw fresh days from (`baselines.py` does that for the
generated weather), so the honest measure is the future: the last part of the series is held
out, and nothing fitted (weights, scaling, baselines, gap filling) sees it.

Days and windows are 0-based, as in `make_windows`: with window length T, window i reads days
i .. i+T−1 and predicts day i+T. Of the N = n − T windows, in time order,

    windows 0 .. n_fit−1            fit: trained on
    windows n_fit .. n_train−1      validation: watched for early stopping (n_train = n_fit + n_val)
    windows n_train .. N−1          test: held out (n_test of them)

The tail is days tail_start = T + n_train .. n−1, exactly the test windows' targets: a window is
a training window iff its target day i+T < tail_start, so no window whose target lies in the
tail is trained on. Test windows may read training days as inputs (the first T of them do):
that is forecasting, where the past is known when tomorrow is predicted. The training part is
days 0 .. tail_start−1, and everything here is fitted on it alone: the scaling, the baselines'
coefficients and mean, and the gap filling (which never draws a line across the split).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .baselines import Scaling
from .data import make_windows
from .validation import as_finite_array, check_int

HOLDOUT_FRACTION = 0.2  # of the windows: the last fifth of the series is the test
VALIDATION_FRACTION = 0.1  # of the windows, cut from the end of the training part


@dataclass(frozen=True)
class Split:
    """A chronological split of the windows of an n-day series with window length T.

    n_days : n;  seq_len : T
    n_fit, n_val, n_test : windows trained on, watched for early stopping, held out
    """

    n_days: int
    seq_len: int
    n_fit: int
    n_val: int
    n_test: int

    @property
    def n_windows(self) -> int:
        """N = n − T."""
        return self.n_days - self.seq_len

    @property
    def n_train(self) -> int:
        """Windows before the tail: fit and validation."""
        return self.n_fit + self.n_val

    @property
    def tail_start(self) -> int:
        """The first held-out day, T + n_train; days before it are the training part."""
        return self.seq_len + self.n_train

    @property
    def fit(self) -> slice:
        return slice(0, self.n_fit)

    @property
    def val(self) -> slice:
        return slice(self.n_fit, self.n_train)

    @property
    def train(self) -> slice:
        return slice(0, self.n_train)

    @property
    def test(self) -> slice:
        return slice(self.n_train, self.n_windows)


def chronological_split(
    n_days: int,
    seq_len: int,
    holdout: float = HOLDOUT_FRACTION,
    validation: float = VALIDATION_FRACTION,
) -> Split:
    """Split the N = n − T windows in time order: fit, then validation, then the held-out test.

    n_test = max(1, ⌊holdout·N + ½⌋) and n_val = ⌊validation·N + ½⌋ windows (fractions of all
    windows, so the defaults are 70 % / 10 % / 20 %); n_fit = N − n_val − n_test ≥ 1.

    Examples
    --------
    >>> s = chronological_split(100, 5)
    >>> (s.n_fit, s.n_val, s.n_test), s.tail_start
    ((66, 10, 19), 81)
    """
    n_days = check_int(n_days, "The number of days", 2)
    seq_len = check_int(seq_len, "The window length", 1)
    if not 0 < holdout < 1 or not 0 <= validation < 1:
        raise ValueError(
            f"The held-out fraction must be between 0 and 1 (got {holdout!r}) and the "
            f"validation fraction at least 0 and below 1 (got {validation!r})."
        )
    n_windows = n_days - seq_len
    n_test = max(1, math.floor(holdout * n_windows + 0.5))
    n_val = math.floor(validation * n_windows + 0.5)
    n_fit = n_windows - n_val - n_test
    if n_fit < 1:
        raise ValueError(
            f"{n_days} days give {max(n_windows, 0)} window(s) of {seq_len} days: too few to hold "
            f"out {n_test} and validate on {n_val} with any left to train on. Use a longer "
            "series or shorter windows."
        )
    return Split(n_days, seq_len, n_fit, n_val, n_test)


@dataclass(frozen=True)
class SplitWindows:
    """The windows and targets of each part (`make_windows`, sliced by the split).

    X_fit (n_fit, T), y_fit (n_fit,);  X_val (n_val, T), y_val (n_val,);
    X_test (n_test, T), y_test (n_test,)
    """

    X_fit: np.ndarray
    y_fit: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def split_windows(series, split: Split) -> SplitWindows:
    """`make_windows(series, T)` cut into fit, validation and test windows."""
    temps = _series(series, split)
    X, y = make_windows(temps, split.seq_len)  # (N, T), (N,)
    return SplitWindows(
        X[split.fit], y[split.fit], X[split.val], y[split.val], X[split.test], y[split.test]
    )


def fit_scaling(series, split: Split) -> Scaling:
    """Standardisation fitted on the training part only: mean and std of days 0..tail_start−1.

    (Those days include the validation windows' targets: what early stopping watches is scaled
    like what is trained on. The tail never enters.)
    """
    return Scaling.fit(_series(series, split)[: split.tail_start])


def fill_gaps(series, split: Split | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Fill NaN days by straight lines between measured days, never across the split.

    Parameters
    ----------
    series : (n,) array_like, NaN marks a day with no measurement
    split : fill the training part (days < tail_start) and the tail separately; None: one part

    Returns
    -------
    filled : (n,) ndarray;  missing : (n,) bool ndarray, the days that were filled

    Notes
    -----
    Inside each part, ``x_d = x_a + (d − a)·(x_b − x_a)/(b − a)`` for a gap between measured
    days a < d < b of the same part. A gap touching the split (or an end of the series) has a
    measured day on one side only, and takes that day's value: the training part's last days
    are carried from its last measurement, the tail's first days from the tail's first. So no
    value of the tail ever reaches a training day, nor a training value a held-out target.

    Examples
    --------
    >>> filled, missing = fill_gaps([1.0, np.nan, 3.0, np.nan, np.nan, 9.0])
    >>> filled.tolist(), missing.tolist()
    ([1.0, 2.0, 3.0, 5.0, 7.0, 9.0], [False, True, False, True, True, False])
    """
    try:
        values = np.array(series, dtype=np.float64)  # a copy: the input is not changed
    except (TypeError, ValueError):
        raise ValueError("The series must contain only numbers (NaN for a missing day).") from None
    if values.ndim != 1 or values.size == 0 or np.any(np.isinf(values)):
        raise ValueError("The series must be a non-empty list of numbers, NaN for missing days.")
    missing = np.isnan(values)
    cut = values.shape[0] if split is None else _checked(split, values).tail_start
    days = np.arange(values.shape[0])
    for part, name in ((slice(0, cut), "training part"), (slice(cut, None), "held-out tail")):
        gap, known = missing[part], ~missing[part]
        if not gap.any():
            continue
        if not known.any():
            raise ValueError(f"The {name} has no measured day to fill its empty days from.")
        values[part][gap] = np.interp(days[part][gap], days[part][known], values[part][known])
    return values, missing


def _checked(split: Split, values: np.ndarray) -> Split:
    if values.shape[0] != split.n_days:
        raise ValueError(
            f"The series has {values.shape[0]} days but the split was made for {split.n_days}."
        )
    return split


def _series(series, split: Split) -> np.ndarray:
    temps = as_finite_array(series, "The series", 1)
    _checked(split, temps)
    return temps


@dataclass(frozen=True)
class HeldOutBaselines:
    """Simple rules' forecasts of the held-out days, everything fitted on the training part.

    target : (M,) the scored held-out days' values, y_test[scored]
    persistence : (M,) "tomorrow = today", T_(t−1)
    train_mean : (M,) the training part's mean, every day
    ar1 : (M,) c + a1·T_(t−1);  ar2 : (M,) c + a1·T_(t−1) + a2·T_(t−2)  (least squares)
    scored : (n_test,) bool, the test windows scored (False where the target day was filled)
    mean : the training part's mean;  ar1_coef : (c, a1);  ar2_coef : (c, a1, a2)
    """

    target: np.ndarray
    persistence: np.ndarray
    train_mean: np.ndarray
    ar1: np.ndarray
    ar2: np.ndarray
    scored: np.ndarray
    mean: float
    ar1_coef: tuple[float, float]
    ar2_coef: tuple[float, float, float]

    def named(self) -> list[tuple[str, float]]:
        """(label, held-out MSE) for a table or chart, best known rule last."""
        return [
            ("the training mean", _mse(self.train_mean, self.target)),
            ('"tomorrow = today"', _mse(self.persistence, self.target)),
            ("least-squares AR(1)", _mse(self.ar1, self.target)),
            ("least-squares AR(2)", _mse(self.ar2, self.target)),
        ]


def heldout_baselines(series, split: Split, missing=None) -> HeldOutBaselines:
    """The four baselines' forecasts of the held-out days, fitted on the training part only.

    Parameters
    ----------
    series : (n,) finite array_like (gaps already filled, e.g. by `fill_gaps`)
    split : `chronological_split(n, T)`
    missing : (n,) bool or None; held-out days that were filled are not scored (a target drawn
        by a straight line is not a measurement)

    Notes
    -----
    The AR fits are least squares with intercept over the training windows' targets j with
    T ≤ j < tail_start (and j ≥ 2, so both lags exist):
    ``T_j ≈ c + a1·T_(j−1)`` and ``T_j ≈ c + a1·T_(j−1) + a2·T_(j−2)``.
    The held-out forecasts for j ≥ tail_start use the days before j, training days included.
    """
    temps = _series(series, split)
    first = max(split.seq_len, 2)
    if split.tail_start - first < 3:
        raise ValueError(
            f"The training part has {max(split.tail_start - first, 0)} target day(s) with two "
            "days before them: too few to fit an AR(2) baseline (it needs at least 3)."
        )
    j_train = np.arange(first, split.tail_start)  # training targets
    ar1_coef = _lstsq([temps[j_train - 1]], temps[j_train])
    ar2_coef = _lstsq([temps[j_train - 1], temps[j_train - 2]], temps[j_train])
    mean = float(np.mean(temps[: split.tail_start]))

    scored = np.ones(split.n_test, dtype=bool)
    if missing is not None:
        scored = ~np.asarray(missing, dtype=bool)[split.tail_start :]
    j = np.arange(split.tail_start, split.n_days)[scored]  # held-out targets scored
    return HeldOutBaselines(
        target=temps[j],
        persistence=temps[j - 1],
        train_mean=np.full(j.shape[0], mean),
        ar1=ar1_coef[0] + ar1_coef[1] * temps[j - 1],
        ar2=ar2_coef[0] + ar2_coef[1] * temps[j - 1] + ar2_coef[2] * temps[j - 2],
        scored=scored,
        mean=mean,
        ar1_coef=(float(ar1_coef[0]), float(ar1_coef[1])),
        ar2_coef=(float(ar2_coef[0]), float(ar2_coef[1]), float(ar2_coef[2])),
    )


def _lstsq(lags: list[np.ndarray], target: np.ndarray) -> np.ndarray:
    """(c, a1, …) minimising Σ (target − c − Σ a_k·lag_k)² (np.linalg.lstsq)."""
    A = np.column_stack([np.ones_like(target), *lags])  # (M, 1 + p)
    coef, *_ = np.linalg.lstsq(A, target, rcond=None)
    return coef


def _mse(pred: np.ndarray, target: np.ndarray) -> float:
    err = pred - target
    return float(np.mean(err * err)) if err.size else float("nan")
