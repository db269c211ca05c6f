"""Is one forecaster really better than another on the held-out days, or can't we tell?

Two forecasts of the same M held-out days are compared day by day: the paired differences of
squared errors ``d_t = (a_t − y_t)² − (b_t − y_t)²`` have mean ``MSE_a − MSE_b``. Its
uncertainty is not that of M independent numbers: weather comes in spells, so neighbouring d_t
are alike. A circular block bootstrap (Politis & Romano, 1992) resamples whole blocks of L
consecutive days, wrapping round the end, which keeps that dependence inside each block:

    L = ⌈M^(1/3)⌉     the n^(1/3) growth that is optimal for block-bootstrap estimates of a
                      mean's spread (Hall, Horowitz & Jing, 1995); 7 days for M = 290
    for each of B resamples: ⌈M/L⌉ blocks with uniform random starts, cut to M days
    interval = the (1−level)/2 and (1+level)/2 quantiles of the B resampled means

Seeded, so a page shows the same interval on every rerun.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .seeding import as_generator
from .validation import as_finite_array, check_int

N_BOOT = 2000
LEVEL = 0.95


class Verdict(StrEnum):
    """The plain reading of an interval for MSE_a − MSE_b."""

    BETTER = "better"  # the whole interval is below 0: a's squared error is lower
    WORSE = "worse"  # the whole interval is above 0
    UNCLEAR = "can't tell"  # the interval contains 0


@dataclass(frozen=True)
class Comparison:
    """Forecaster a against b on the same days.

    mean_diff : MSE_a − MSE_b, the mean of d_t (negative: a is better)
    low, high : the `level` interval of the mean difference
    verdict : `Verdict` (a page's sentence: `rnnviz.text.heldout.comparison_sentence`)
    n_days : M;  block_length : L;  n_boot : B;  level : e.g. 0.95
    """

    mean_diff: float
    low: float
    high: float
    verdict: Verdict
    n_days: int
    block_length: int
    n_boot: int
    level: float


def block_length_rule(n_days: int) -> int:
    """L = ⌈M^(1/3)⌉ days (at least 1).

    Examples
    --------
    >>> [block_length_rule(m) for m in (1, 8, 9, 290, 1000)]
    [1, 2, 3, 7, 10]
    """
    n_days = check_int(n_days, "The number of days", 1)
    root = round(n_days ** (1 / 3))
    return root if root**3 >= n_days else root + 1  # ⌈·⌉ without 1000**(1/3) = 9.999…


def circular_block_means(
    values, block_length: int, n_boot: int, seed: int | np.random.Generator = 0
) -> np.ndarray:
    """Means (n_boot,) of circular block-bootstrap resamples of values (M,).

    Notes
    -----
    ``idx[b] = concat_k (s_bk + 0, …, s_bk + L−1) mod M`` cut to M, with starts s_bk uniform
    on 0..M−1; the result is ``values[idx].mean(axis=1)``.
    """
    d = as_finite_array(values, "The values", 1)
    m = d.shape[0]
    block = min(check_int(block_length, "The block length", 1), m)
    n_boot = check_int(n_boot, "The number of resamples", 1)
    n_blocks = math.ceil(m / block)
    starts = as_generator(seed).integers(0, m, size=(n_boot, n_blocks))  # (B, K)
    idx = (starts[:, :, None] + np.arange(block)) % m  # (B, K, L)
    return d[idx.reshape(n_boot, n_blocks * block)[:, :m]].mean(axis=1)  # (B,)


def compare_forecasts(
    pred_a,
    pred_b,
    target,
    *,
    seed: int | np.random.Generator = 0,
    n_boot: int = N_BOOT,
    block_length: int | None = None,
    level: float = LEVEL,
) -> Comparison:
    """MSE_a − MSE_b on the same days, with a circular block-bootstrap interval.

    Parameters
    ----------
    pred_a, pred_b, target : (M,) array_like, M ≥ 2, the forecasts and the measured days, in
        time order (the blocks are runs of consecutive days)
    seed : the resampling's seed;  n_boot : B;  block_length : L, None for `block_length_rule`
    level : the interval's coverage, 0 < level < 1

    Examples
    --------
    >>> y = np.sin(np.arange(50.0))
    >>> compare_forecasts(y + 0.1, np.roll(y, 1), y, n_boot=200).verdict.value
    'better'
    """
    a = as_finite_array(pred_a, "The first forecasts", 1)
    b = as_finite_array(pred_b, "The second forecasts", 1)
    y = as_finite_array(target, "The targets", 1)
    if not a.shape == b.shape == y.shape or y.shape[0] < 2:
        raise ValueError(
            f"Both forecasts and the targets must be the same M ≥ 2 days, got {a.shape[0]}, "
            f"{b.shape[0]} and {y.shape[0]}."
        )
    if not 0 < level < 1:
        raise ValueError(f"The interval's level must be between 0 and 1, got {level!r}.")
    m = y.shape[0]
    block = block_length_rule(m) if block_length is None else block_length
    d = (a - y) ** 2 - (b - y) ** 2  # (M,) paired squared-error differences
    means = circular_block_means(d, block, n_boot, seed)  # (B,)
    low, high = (float(q) for q in np.quantile(means, [(1 - level) / 2, (1 + level) / 2]))
    mean = float(np.mean(d))
    verdict = Verdict.BETTER if high < 0 else Verdict.WORSE if low > 0 else Verdict.UNCLEAR
    block = min(block, m)
    return Comparison(
        mean_diff=mean,
        low=low,
        high=high,
        verdict=verdict,
        n_days=m,
        block_length=block,
        n_boot=n_boot,
        level=level,
    )
