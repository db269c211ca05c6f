"""The tutorial's synthetic "weather": an AR(2) series, its stationarity, and sliding windows.

Days: on screen they are counted from 1 ("days 1-5 predict day 6", as the tutorial's prose says);
in code they are 0-based, as in the tutorial's `temps[:5]` -> `temps[5]`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .seeding import as_generator
from .validation import as_finite_array, check_finite_float, check_int

TUTORIAL_PHI = (0.7, 0.2)
TUTORIAL_SIGMA = 0.5
TUTORIAL_START = (20.0, 21.0)
TUTORIAL_N = 100
TUTORIAL_SEQ_LEN = 5


def weather_series(
    n: int = TUTORIAL_N,
    phi: tuple[float, float] = TUTORIAL_PHI,
    sigma: float = TUTORIAL_SIGMA,
    start: tuple[float, float] = TUTORIAL_START,
    seed: int | np.random.Generator = 0,
    mean_level: float = 0.0,
) -> np.ndarray:
    """The AR(2) temperature series of the tutorial.

    Parameters
    ----------
    n : int, number of days (n >= 2; the first two are `start`).
    phi : (phi1, phi2), the weights of yesterday and the day before.
    sigma : float >= 0, the noise's standard deviation (the tutorial's `np.random.normal(0, 0.5)`).
    start : (T_0, T_1), the two seed days (the tutorial's 20 and 21).
    seed : int or numpy.random.Generator; the same seed gives the same series.
    mean_level : float, mu below. 0 is the tutorial's process; anything else is a departure from
        it that makes the series hover around mu instead of decaying towards 0.

    Returns
    -------
    temps : (n,) ndarray

    Notes
    -----
    ``T_t - mu = phi1·(T_(t-1) - mu) + phi2·(T_(t-2) - mu) + N(0, sigma)``, for t = 2 .. n-1.
    With mu = 0 this is the tutorial's ``T_t = 0.7·T_(t-1) + 0.2·T_(t-2) + N(0, 0.5)``.

    Examples
    --------
    >>> weather_series(n=4, seed=0).round(3)
    array([20.   , 21.   , 18.763, 17.268])
    """
    n = check_int(n, "The number of days n", 2)
    phi1, phi2 = _pair(phi, "phi", ("phi1", "phi2"))
    sigma = check_finite_float(sigma, "The noise sigma")
    if sigma < 0:
        raise ValueError(
            f"The noise sigma is a standard deviation and cannot be negative, got {sigma:g}."
        )
    t0, t1 = _pair(start, "start", ("The first start value", "The second start value"))
    mu = check_finite_float(mean_level, "The mean level")
    noise = as_generator(seed).normal(0.0, sigma, size=max(n - 2, 0))

    temps = np.empty(n)
    temps[0], temps[1] = t0, t1
    prev2, prev1 = t0 - mu, t1 - mu
    # A Python loop: each day depends on the two before it, and n is at most a few thousand.
    # Overflow (a non-stationary phi) is reported below as a sentence, not a RuntimeWarning.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(2, n):
            current = phi1 * prev1 + phi2 * prev2 + noise[t - 2]
            temps[t] = current + mu
            prev2, prev1 = prev1, current
    if not np.all(np.isfinite(temps)):
        first_bad = int(np.argmin(np.isfinite(temps)))
        raise ValueError(
            f"The series grows beyond floating-point range by day {first_bad + 1}: "
            f"φ = ({phi1:g}, {phi2:g}) is not stationary. Choose φ inside the AR(2) triangle "
            "(φ1 + φ2 < 1, φ2 − φ1 < 1, |φ2| < 1) or fewer days."
        )
    return temps


def _pair(values, name: str, names: tuple[str, str]) -> tuple[float, float]:
    """Two finite floats from a pair such as phi = (phi1, phi2), or ValueError."""
    try:
        first, second = values
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair of two numbers, got {values!r}.") from None
    return check_finite_float(first, names[0]), check_finite_float(second, names[1])


@dataclass(frozen=True)
class Stationarity:
    """Whether an AR(2) process settles down, and why.

    roots : (2,) complex ndarray, roots of z² - phi1·z - phi2, largest |root| first;
        stationary iff both |root| < 1
    stationary : bool
    `rnnviz.text.explain.stationarity_sentence` says this to a student.
    """

    roots: np.ndarray
    stationary: bool

    @property
    def largest_root(self) -> float:
        """|root| of the largest root: how much of a disturbance is left after a day."""
        return float(np.abs(self.roots[0]))


def ar2_stationarity(phi: tuple[float, float]) -> Stationarity:
    """Check the AR(2) triangle: phi1 + phi2 < 1, phi2 - phi1 < 1, |phi2| < 1.

    Notes
    -----
    Equivalent to both roots of ``z² - phi1·z - phi2 = 0`` lying inside the unit circle. The
    tutorial's (0.7, 0.2) has roots 0.918 and -0.218: stationary, and since the largest root is
    close to 1, a start far from the mean (20 °C vs 0) decays slowly, by about 8% a day.
    """
    phi1, phi2 = _pair(phi, "phi", ("phi1", "phi2"))
    roots = np.roots([1.0, -phi1, -phi2]).astype(complex)
    if roots.size < 2:  # phi2 == 0 leaves a single root: z = phi1 (and z = 0)
        roots = np.array([complex(phi1), 0j])
    roots = roots[np.argsort(-np.abs(roots))]
    stationary = phi1 + phi2 < 1 and phi2 - phi1 < 1 and abs(phi2) < 1
    return Stationarity(roots=roots, stationary=stationary)


def check_stationary(phi: tuple[float, float]) -> Stationarity:
    """`ar2_stationarity(phi)`, or a ValueError saying why a process that never settles has no
    steady level or spread (for the baselines and the fresh series)."""
    stationarity = ar2_stationarity(phi)
    if not stationarity.stationary:
        raise ValueError(
            "Not stationary: the largest root of z² − φ1·z − φ2 has size "
            f"{stationarity.largest_root:.3f} ≥ 1, so disturbances never die out and the series "
            "has no steady level or spread. Stationary choices satisfy φ1 + φ2 < 1, φ2 − φ1 < 1 "
            "and |φ2| < 1."
        )
    return stationarity


def is_stationary(phi: tuple[float, float]) -> bool:
    """True when the AR(2) process with weights `phi` is stationary (see `ar2_stationarity`)."""
    return ar2_stationarity(phi).stationary


def make_windows(series, seq_len: int = TUTORIAL_SEQ_LEN) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's sliding windows: each `seq_len` consecutive days predict the next one.

    Parameters
    ----------
    series : (n,) array_like of finite numbers
    seq_len : int >= 1, the window length T

    Returns
    -------
    X : (N, T) ndarray, X[i] = series[i : i+T]   with N = n - T (95 for the tutorial)
    y : (N,) ndarray,   y[i] = series[i+T]

    Examples
    --------
    >>> X, y = make_windows([1.0, 2.0, 3.0, 4.0], seq_len=2)
    >>> X.tolist(), y.tolist()
    ([[1.0, 2.0], [2.0, 3.0]], [3.0, 4.0])
    """
    temps = as_finite_array(series, "The series", 1)
    seq_len = check_int(seq_len, "The window length", 1)
    n_windows = temps.shape[0] - seq_len
    if n_windows < 1:
        raise ValueError(
            f"A series of {temps.shape[0]} day(s) is too short for {seq_len}-day windows: "
            f"it needs at least {seq_len + 1} days (one window plus the day it predicts)."
        )
    X = np.lib.stride_tricks.sliding_window_view(temps[:-1], seq_len).copy()  # (N, T)
    y = temps[seq_len:].copy()  # (N,)
    return X, y
