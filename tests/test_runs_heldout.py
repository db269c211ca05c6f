"""A training run with a held-out tail: nothing in the tail is trained on or fitted on, and the
run is scored on it against simple rules fitted before it."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.files import bundled
from rnnviz.runs import TrainRequest, cost, score

SERIES = tuple(sorted((s.name, s.default) for s in schema.SERIES))


def ar1(n: int, phi: float = 0.8, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = 10 + phi * (x[t - 1] - 10) + rng.normal()
    return x


def test_the_bundled_names_are_the_settings_choices():
    assert set(schema.BUNDLED_NAMES) == set(bundled.BUNDLED)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(20, 300),
    seq_len=st.integers(1, 10),
    holdout=st.integers(5, 50),
    scaling=st.sampled_from(core.SCALINGS),
)
def test_no_window_whose_target_is_in_the_tail_is_trained_on(n, seq_len, holdout, scaling):
    values = ar1(n)
    request = TrainRequest(
        series=SERIES, seq_len=seq_len, observed=tuple(values), holdout=holdout, scaling=scaling
    )
    try:
        split = request.split()
    except ValueError:
        return  # too short to hold anything out: refused with a sentence
    _, X, y, scaler = request.data()
    assert X.shape[0] == split.n_train and y.shape[0] == split.n_train
    targets = np.arange(seq_len, seq_len + X.shape[0])  # the target day of each window trained
    assert targets.max() < split.tail_start
    # Anything fitted is unchanged when the tail changes: the scaler, the windows trained on.
    changed = values.copy()
    changed[split.tail_start :] += 100.0
    other = dataclasses.replace(request, observed=tuple(changed))
    _, X2, y2, scaler2 = other.data()
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    assert scaler2 == scaler


def test_gaps_are_refilled_on_each_side_of_the_split_never_across():
    values = np.arange(100.0)
    values[78:83] = 0.0  # placeholders: days 78–82 were empty, around the tail's start
    request = TrainRequest(
        series=SERIES, observed=tuple(values), filled=tuple(range(78, 83)), holdout=20
    )
    split = request.split()
    temps = request.temperatures()
    before, after = temps[: split.tail_start], temps[split.tail_start :]
    assert np.all(before[78:] == 77.0)  # carried from the training part's last measured day
    assert np.all(after[: 83 - split.tail_start] == 83.0)  # from the tail's first


def test_on_a_pure_ar1_series_least_squares_ar1_scores_about_the_noise():
    values = ar1(2000, seed=3)
    request = TrainRequest(series=SERIES, observed=tuple(values), holdout=20, epochs=1)
    params = core.init_params(request.hidden_size, seed=0)
    report = score.heldout_report(request, params, core.Scaling.raw())
    mses = dict(report.baselines.named())
    assert abs(mses["least-squares AR(1)"] - 1.0) < 0.15  # σ² = 1: the best one can do
    assert mses["least-squares AR(1)"] < mses['"tomorrow = today"'] < mses["the training mean"]


def test_the_report_scores_the_run_on_the_tail_and_compares_it_with_persistence():
    values = ar1(400, seed=1)
    request = TrainRequest(
        series=SERIES,
        observed=tuple(values),
        holdout=20,
        scaling="standardised",
        batch_size=16,
        lr=1e-2,
        epochs=60,
        hidden_size=4,
    )
    result = request.execute()
    report = score.heldout_report(request, result.params, result.scaler)
    X, y = core.make_windows(values, 5)
    test = np.arange(report.split.n_windows)[report.split.test]
    np.testing.assert_array_equal(report.days, test + 5)
    np.testing.assert_array_equal(report.target, y[test])
    np.testing.assert_allclose(report.rnn, result.predict(X[test]))
    assert report.rnn_mse == np.mean((report.rnn - y[test]) ** 2)
    labels = [label for label, _, _ in report.bars()]
    assert labels[:2] == ["RNN, on its training windows", "RNN, on the held-out days"]
    assert report.versus_persistence.n_days == test.shape[0]


def test_the_expected_duration_grows_with_windows_epochs_and_steps():
    request = TrainRequest(series=SERIES)
    short = cost.expected_seconds(request, 95)
    assert 0 < short < cost.expected_seconds(request, 1000)
    assert cost.expected_seconds(dataclasses.replace(request, epochs=250), 95) < short
    batched = dataclasses.replace(request, batch_size=32)
    assert cost.expected_seconds(batched, 1000) < cost.expected_seconds(request, 1000)
    assert cost.duration_text(0.2) == "under a second"
    assert cost.duration_text(180) == "about 3 minutes"
