"""Held-out evaluation: the split leaks nothing, the baselines hit their known MSEs, and the
bootstrap comparison says better, worse or can't tell when it should."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz import core
from rnnviz.text.heldout import comparison_sentence, split_sentence

SPLITS = st.builds(
    lambda n, t, h, v: (n, t, h, v),
    st.integers(12, 3000),
    st.integers(1, 20),
    st.floats(0.05, 0.5),
    st.floats(0.0, 0.3),
)


def _split_or_none(n, t, h, v):
    try:
        return core.chronological_split(n, t, h, v)
    except ValueError:
        return None


@settings(max_examples=300, deadline=None)
@given(SPLITS)
def test_no_window_whose_target_is_in_the_tail_is_trained_on(args):
    split = _split_or_none(*args)
    if split is None:
        return
    n, seq_len = split.n_days, split.seq_len
    targets = np.arange(split.n_windows) + seq_len  # window i predicts day i + T
    assert np.all(targets[split.train] < split.tail_start)
    assert np.all(targets[split.test] >= split.tail_start)
    assert targets[split.test].tolist() == list(range(split.tail_start, n))
    # fit, validation and test partition the windows, in that order, none empty but validation
    assert split.n_fit >= 1 and split.n_test >= 1 and split.n_val >= 0
    assert split.fit.stop == split.val.start and split.val.stop == split.test.start
    assert split.test.stop == split.n_windows == n - seq_len


def test_the_split_follows_its_fractions_and_refuses_a_series_too_short():
    split = core.chronological_split(1461, 5)
    assert (split.n_fit, split.n_val, split.n_test) == (1019, 146, 291)
    windows = core.split_windows(np.arange(1461.0), split)
    assert windows.y_test[0] == split.tail_start and windows.X_test[0, -1] == split.tail_start - 1
    assert windows.y_val.shape == (146,) and windows.y_fit[-1] < windows.y_val[0]
    assert "the last 291 days (1171–1461) are held out" in split_sentence(split)
    with pytest.raises(ValueError, match="too few to hold out"):
        core.chronological_split(6, 5)
    with pytest.raises(ValueError, match="held-out fraction"):
        core.chronological_split(100, 5, holdout=1.2)


def _tail_changed(series, split, rng):
    changed = series.copy()
    changed[split.tail_start :] = rng.normal(50, 30, size=split.n_days - split.tail_start)
    return changed


@settings(max_examples=100, deadline=None)
@given(SPLITS, st.integers(0, 2**32 - 1))
def test_nothing_fitted_changes_when_the_tail_changes(args, seed):
    split = _split_or_none(*args)
    if split is None or split.tail_start - max(split.seq_len, 2) < 3:
        return
    rng = np.random.default_rng(seed)
    series = core.weather_series(split.n_days, seed=rng, mean_level=10.0, start=(10.0, 10.0))
    changed = _tail_changed(series, split, rng)
    assert core.fit_scaling(series, split) == core.fit_scaling(changed, split)
    before, after = core.heldout_baselines(series, split), core.heldout_baselines(changed, split)
    assert before.ar1_coef == after.ar1_coef and before.ar2_coef == after.ar2_coef
    assert before.mean == after.mean
    # Gap filling: the training part's filled days do not depend on the tail either.
    gappy, gappy_changed = series.copy(), changed.copy()
    holes = rng.random(split.n_days) < 0.2
    holes[0] = holes[split.tail_start] = False  # each part keeps a measured day
    gappy[holes] = gappy_changed[holes] = np.nan
    filled, missing = core.fill_gaps(gappy, split)
    filled_changed, _ = core.fill_gaps(gappy_changed, split)
    train_days = slice(0, split.tail_start)
    np.testing.assert_array_equal(filled[train_days], filled_changed[train_days])
    np.testing.assert_array_equal(missing, holes)


def test_gaps_at_the_boundary_are_filled_from_their_own_side():
    split = core.chronological_split(20, 2, holdout=0.2, validation=0.0)
    assert split.tail_start == 16
    series = np.arange(20.0)
    series[14:18] = np.nan  # days 14, 15 (training part) and 16, 17 (tail) are empty
    series[9] = np.nan  # a gap inside the training part: a straight line
    filled, missing = core.fill_gaps(series, split)
    assert filled[9] == 9.0
    assert filled[14:16].tolist() == [13.0, 13.0]  # the training part's last measurement
    assert filled[16:18].tolist() == [18.0, 18.0]  # the tail's first measurement
    assert missing.sum() == 5 and np.isnan(series[14])  # the input is not changed
    unsplit, _ = core.fill_gaps(series)
    assert unsplit[14:18].tolist() == [14.0, 15.0, 16.0, 17.0]  # across, without a split
    with pytest.raises(ValueError, match="held-out tail has no measured day"):
        core.fill_gaps(np.r_[np.arange(16.0), [np.nan] * 4], split)


def test_least_squares_ar1_reaches_the_noise_floor_on_a_pure_ar1_series():
    # T_t = 0.8·T_(t−1) + N(0, 1): the best forecast's MSE is σ² = 1; "tomorrow = today" has
    # 2σ²/(1 + φ) = 1.111 and the mean σ²/(1 − φ²) = 2.778 (population values).
    series = core.weather_series(20_000, phi=(0.8, 0.0), sigma=1.0, start=(0.0, 0.0), seed=3)
    split = core.chronological_split(series.shape[0], 5)
    baselines = core.heldout_baselines(series, split)
    mse = dict(baselines.named())
    assert baselines.target.shape == (3999,)
    assert abs(mse["least-squares AR(1)"] - 1.0) < 0.07  # ± 3 standard errors of 4000 days
    assert abs(mse["least-squares AR(2)"] - 1.0) < 0.07
    assert abs(mse['"tomorrow = today"'] - 2 / 1.8) < 0.09
    assert abs(mse["the training mean"] - 1 / 0.36) < 0.3
    assert abs(baselines.ar1_coef[1] - 0.8) < 0.02 and abs(baselines.ar2_coef[2]) < 0.03


def test_baselines_by_hand_and_unscored_filled_targets():
    series = np.array([1.0, 2.0, 4.0, 3.0, 5.0, 6.0, 7.0, 9.0, 8.0, 10.0])
    split = core.chronological_split(10, 2, holdout=0.2, validation=0.0)
    b = core.heldout_baselines(series, split)
    assert b.target.tolist() == [8.0, 10.0] and b.persistence.tolist() == [9.0, 8.0]
    assert b.mean == pytest.approx(np.mean(series[:8]))
    c, a1 = b.ar1_coef
    j = np.arange(2, 8)
    slope, intercept = np.polyfit(series[j - 1], series[j], 1)
    assert (c, a1) == pytest.approx((intercept, slope))
    missing = np.zeros(10, dtype=bool)
    missing[9] = True
    assert core.heldout_baselines(series, split, missing).target.tolist() == [8.0]


def test_a_clearly_better_model_is_better_and_the_reverse_is_worse():
    rng = np.random.default_rng(0)
    y = np.cumsum(rng.normal(size=300))
    good = y + rng.normal(0, 0.3, size=300)
    persistence = np.r_[y[0], y[:-1]]
    better = core.compare_forecasts(good, persistence, y)
    assert better.verdict is core.Verdict.BETTER and better.high < 0 < -better.mean_diff
    reading = comparison_sentence(better, unit="°C")
    assert reading.startswith("The model is better") and "°C²" in reading
    assert better.block_length == 7  # ⌈300^(1/3)⌉
    worse = core.compare_forecasts(persistence, good, y)
    assert worse.verdict is core.Verdict.WORSE and worse.low > 0
    same = core.compare_forecasts(persistence, persistence, y)
    assert same.verdict is core.Verdict.UNCLEAR and same.low == same.high == 0.0
    assert "Can't tell" in comparison_sentence(same)


def test_the_comparison_is_seeded_and_its_interval_covers_as_stated():
    rng = np.random.default_rng(1)
    y, a, b = rng.normal(size=(3, 120))
    first = core.compare_forecasts(a, b, y, seed=5)
    assert first == core.compare_forecasts(a, b, y, seed=5)
    assert first != core.compare_forecasts(a, b, y, seed=6)

    # Differences that are truly zero on average: the 95 % interval covers 0 about 95 % of
    # the time (independent days; 200 series, so 0.88–0.99 allows for chance).
    def covers(seed: int) -> bool:
        a, b, y = np.random.default_rng(seed).normal(size=(3, 100))
        comparison = core.compare_forecasts(a, b, y, n_boot=400)
        return comparison.low <= 0 <= comparison.high

    covered = [covers(seed) for seed in range(200)]
    assert 0.88 <= np.mean(covered) <= 0.99


def test_block_resamples_keep_runs_of_consecutive_days():
    values = np.arange(10.0)
    means = core.circular_block_means(values, block_length=10, n_boot=50, seed=0)
    np.testing.assert_allclose(means, 4.5)  # a whole circle in one block: the same mean
    assert core.block_length_rule(290) == 7 and core.block_length_rule(1) == 1


@pytest.mark.parametrize(
    ("a", "b", "y", "match"),
    [
        ([1.0, 2.0], [1.0], [1.0, 2.0], "same M"),
        ([1.0, np.nan], [1.0, 2.0], [1.0, 2.0], "NaN or infinite"),
        ([1.0], [1.0], [1.0], "M ≥ 2"),
    ],
)
def test_bad_comparisons_get_a_sentence(a, b, y, match):
    with pytest.raises(ValueError, match=match):
        core.compare_forecasts(a, b, y)
