"""Training any cell: "rnn" is exactly `core.train`; the gated cells' loop is the tutorial's SGD
(one step equals θ − η·clip(∇θ L)), learns, stops on divergence with finite parameters, and
training in chunks equals one long call, on fixed windows and on fresh recall windows."""

import math

import numpy as np
import pytest

from rnnviz import core


@pytest.fixture(scope="module")
def weather():
    return core.make_windows(core.weather_series(seed=0))


def same_history(a, b):
    assert np.array_equal(a.total_loss, b.total_loss) and np.array_equal(a.mean_loss, b.mean_loss)
    assert (a.diverged, a.stopped_early, a.message) == (b.diverged, b.stopped_early, b.message)


@pytest.mark.parametrize("batch_size, truncate", [(1, None), (1, 2), (32, None)])
def test_train_cell_rnn_is_core_train(weather, batch_size, truncate):
    X, y = weather
    ours, theirs = core.init_params(8, seed=2), core.init_params(8, seed=2)
    seen = []
    history = core.train_cell(
        "rnn", ours, X, y, epochs=7, lr=1e-3, batch_size=batch_size, truncate=truncate,
        callback=lambda p: seen.append(p.epoch), callback_every=3,
    )  # fmt: skip
    expected = core.train(theirs, X, y, epochs=7, lr=1e-3, batch_size=batch_size, truncate=truncate)
    same_history(history, expected)
    assert all(np.array_equal(ours[n], theirs[n]) for n in core.PARAM_NAMES)
    assert seen == [3, 6, 7]


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("clip", [None, 0.01])
def test_one_step_is_theta_minus_lr_times_clipped_gradient(cell, clip):
    params = core.init_cell(cell, 4, seed=1)
    before = core.copy_cell_params(cell, params)
    X, y = np.random.default_rng(0).normal(0, 1, (5, 6)), np.linspace(-1, 1, 5)
    result = core.cell_backward(cell, before, core.cell_forward(cell, before, X), y, truncate=3)
    loss = core.cell_sgd_step(cell, params, X, y, lr=0.05, clip=clip, truncate=3)
    assert loss == result.loss
    for name in core.param_names(cell):
        grad = result.grads[name] if clip is None else np.clip(result.grads[name], -clip, clip)
        np.testing.assert_array_equal(params[name], before[name] - 0.05 * grad)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gated_training_is_batches_of_sgd_steps_in_window_order(cell, weather):
    X, y = weather[0][:10] / 20, weather[1][:10] / 20
    params, manual = core.init_cell(cell, 3, seed=0), core.init_cell(cell, 3, seed=0)
    history = core.train_cell(cell, params, X, y, epochs=2, lr=0.1, batch_size=4)
    totals = []
    for _ in range(2):
        total = 0.0
        for start in (0, 4, 8):
            X_b, y_b = X[start : start + 4], y[start : start + 4]
            total += core.cell_sgd_step(cell, manual, X_b, y_b, lr=0.1) * len(y_b)
        totals.append(total)
    np.testing.assert_array_equal(history.total_loss, totals)
    np.testing.assert_array_equal(history.mean_loss, np.array(totals) / 10)
    assert all(np.array_equal(params[n], manual[n]) for n in manual)


@pytest.mark.parametrize("cell", core.CELLS)
def test_recall_training_in_chunks_equals_one_long_call(cell):
    task = core.RecallTask(seq_len=6, lag=2, n_windows=40, seed=3)
    whole = core.init_cell(cell, 5, seed=1, init="pytorch")
    parts = core.copy_cell_params(cell, whole)
    history = core.train_cell_recall(cell, whole, task, epochs=4, lr=0.05, batch_size=8)
    first = core.train_cell_recall(cell, parts, task, epochs=2, lr=0.05, batch_size=8)
    second = core.train_cell_recall(cell, parts, task, 2, 0.05, batch_size=8, first_epoch=2)
    np.testing.assert_array_equal(
        history.total_loss, np.concatenate([first.total_loss, second.total_loss])
    )
    assert all(np.array_equal(whole[n], parts[n]) for n in whole)


@pytest.mark.parametrize("cell", core.CELLS)
def test_a_chunk_that_diverges_names_the_epoch_one_long_call_names(cell):
    task = core.RecallTask(seq_len=6, lag=2, n_windows=24, seed=3)
    settings = {"lr": 40.0, "clip": None, "batch_size": 8}
    whole = core.init_cell(cell, 5, seed=1, init="pytorch")
    history = core.train_cell_recall(cell, whole, task, epochs=30, **settings)
    assert history.diverged and history.epochs_completed >= 1
    failed = history.epochs_completed  # 0-based index of the epoch that diverged
    parts = core.init_cell(cell, 5, seed=1, init="pytorch")
    core.train_cell_recall(cell, parts, task, epochs=failed, **settings)
    last = core.train_cell_recall(cell, parts, task, 1, first_epoch=failed, **settings)
    assert last.diverged and last.message == history.message
    assert f"in epoch {failed + 1}" in last.message
    assert all(np.array_equal(whole[n], parts[n]) for n in whole)


def test_recall_training_of_the_rnn_is_core_train_epoch_by_epoch():
    task = core.RecallTask(seq_len=5, lag=1, n_windows=30, seed=0)
    ours = core.init_cell("rnn", 4, seed=0, init="pytorch")
    theirs = core.copy_cell_params("rnn", ours)
    history = core.train_cell_recall("rnn", ours, task, epochs=3, lr=0.01, batch_size=1)
    totals = [
        core.train(theirs, *task.windows(e), epochs=1, lr=0.01).total_loss[0] for e in range(3)
    ]
    np.testing.assert_array_equal(history.total_loss, totals)
    assert all(np.array_equal(ours[n], theirs[n]) for n in ours)


@pytest.mark.parametrize("cell", core.CELLS)
def test_every_cell_learns_to_recall_the_last_input(cell):
    task = core.RecallTask(seq_len=5, lag=1, noise=0.1, n_windows=95, seed=0)
    params = core.init_cell(cell, 8, seed=0, init="pytorch")
    history = core.train_cell_recall(cell, params, task, epochs=60, lr=0.1, batch_size=8)
    X, y = task.held_out(500)
    held_out = np.mean((core.cell_forward(cell, params, X).y_pred - y) ** 2)
    assert not history.diverged and history.epochs_completed == 60
    # far below the no-memory 1.01: the model reads x_T
    assert held_out < 0.1 * task.baseline_mse, held_out


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_divergence_stops_with_the_last_finite_parameters(cell):
    rng = np.random.default_rng(0)
    X, y = rng.normal(0, 1, (8, 4)), rng.normal(0, 1e6, 8)
    params = core.init_cell(cell, 3, seed=0)
    history = core.train_cell(cell, params, X, y, epochs=50, lr=1e6, clip=None, batch_size=4)
    assert history.diverged and "diverged" in history.message
    assert history.epochs_completed < 50 and np.all(np.isfinite(history.total_loss))
    assert all(np.all(np.isfinite(v)) for v in params.values())


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_callback_sees_progress_and_can_stop(cell, weather):
    X, y = weather[0][:12] / 20, weather[1][:12] / 20
    params = core.init_cell(cell, 3, seed=0)
    seen = []

    def callback(progress):
        seen.append((progress.epoch, progress.total_loss.shape[0]))
        assert set(progress.params) == set(core.param_names(cell))
        return progress.epoch >= 4

    history = core.train_cell(
        cell, params, X, y, epochs=10, lr=0.01, batch_size=6, callback=callback, callback_every=2
    )
    assert seen == [(2, 2), (4, 4)]
    assert history.stopped_early and history.epochs_completed == 4 and "Stopped" in history.message


def test_training_one_model_at_a_time():
    stacked = {n: np.stack([v, v]) for n, v in core.init_cell("gru", 3, seed=0).items()}
    with pytest.raises(ValueError, match="one model at a time"):
        core.cell_sgd_step("gru", stacked, np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="one model at a time"):
        core.train_cell("gru", stacked, np.zeros((2, 3)), np.zeros(2), epochs=1)
    assert math.isfinite(core.cell_sgd_step("gru", core.init_cell("gru", 3), [[1.0, 2.0]], [0.5]))
