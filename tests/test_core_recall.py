"""The recall task: y = x_(T−k+1) + ε on i.i.d. N(0, 1) inputs, fresh and deterministic windows
every epoch, and the two reference levels it promises (1 + σ² without memory, σ² at best)."""

import numpy as np
import pytest

from rnnviz import core


@pytest.mark.parametrize("seq_len, lag", [(1, 1), (5, 1), (5, 3), (5, 5), (30, 12)])
def test_the_target_is_the_input_k_steps_from_the_end(seq_len, lag):
    X, y = core.RecallTask(seq_len=seq_len, lag=lag, noise=0.0, n_windows=7).windows(0)
    assert X.shape == (7, seq_len) and y.shape == (7,)
    np.testing.assert_array_equal(y, X[:, seq_len - lag])  # x_(T−k+1), 0-based column T−k


def test_windows_are_fresh_each_epoch_and_the_same_for_the_same_seed():
    task = core.RecallTask(seq_len=8, lag=3, n_windows=20, seed=4)
    again = core.RecallTask(seq_len=8, lag=3, n_windows=20, seed=4)
    for epoch in (0, 1, 17):
        for a, b in zip(task.windows(epoch), again.windows(epoch), strict=True):
            np.testing.assert_array_equal(a, b)
    epochs = [task.windows(e)[0] for e in range(5)]
    held_out = task.held_out(20)[0]
    for i, X in enumerate(epochs):
        assert not np.array_equal(X, held_out)
        assert all(not np.array_equal(X, other) for other in epochs[i + 1 :])
    assert not np.array_equal(task.windows(0)[0], core.RecallTask(8, 3, 0.1, 20, 5).windows(0)[0])


def test_epochs_do_not_depend_on_the_order_they_are_drawn_in():
    task = core.RecallTask(seed=1)
    late_first = task.windows(9)[1]
    task.windows(0)
    np.testing.assert_array_equal(task.windows(9)[1], late_first)


def test_the_baseline_and_the_noise_floor_are_what_the_windows_give():
    task = core.RecallTask(seq_len=6, lag=4, noise=0.3, n_windows=200_000, seed=0)
    X, y = task.windows(0)
    assert task.baseline_mse == pytest.approx(1.09) and task.noise_floor == pytest.approx(0.09)
    assert np.mean(X) == pytest.approx(0.0, abs=0.01) and np.var(X) == pytest.approx(1.0, abs=0.01)
    assert np.mean(y**2) == pytest.approx(task.baseline_mse, rel=0.02)  # predicting 0
    assert np.mean((y - X[:, 2]) ** 2) == pytest.approx(task.noise_floor, rel=0.02)  # recalling
    # every other input is uncorrelated with y: nothing but x_(T−k+1) helps
    others = np.delete(X, 2, axis=1)
    assert np.all(np.abs(others.T @ y / len(y)) < 0.01)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"seq_len": 4, "lag": 5}, "at most 4"),
        ({"lag": 0}, "at least 1"),
        ({"seq_len": 0}, "at least 1"),
        ({"noise": -0.1}, "negative"),
        ({"noise": float("nan")}, "finite"),
        ({"n_windows": 2.5}, "whole number"),
        ({"seed": -1}, "at least 0"),
    ],
)
def test_bad_settings_are_refused_with_a_sentence(kwargs, words):
    with pytest.raises(ValueError, match=words) as info:
        core.RecallTask(**kwargs)
    assert str(info.value).endswith(".")


def test_bad_epochs_are_refused():
    task = core.RecallTask()
    for bad in (-1, 1.5, "first"):
        with pytest.raises(ValueError):
            task.windows(bad)
    with pytest.raises(ValueError):
        task.held_out(0)
