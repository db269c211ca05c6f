"""rnnviz.core.train: the tutorial's training loop, readable (sgd_step) and lean (train)."""

import numpy as np
import pytest

from rnnviz import core
from tests import tutorial_oracle as oracle

NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


@pytest.fixture(scope="module")
def windows():
    """The tutorial's 95 windows of 5 days."""
    return core.make_windows(core.weather_series(seed=0))


def max_abs_diff(params, other):
    return max(float(np.abs(np.asarray(params[n]) - np.asarray(other[n])).max()) for n in NAMES)


def sgd_epochs(params, X, y, epochs, batch_size=1, **kwargs):
    """The readable path: sgd_step over consecutive batches, in order; returns per-epoch sums."""
    totals = []
    for _ in range(epochs):
        total = 0.0
        for s in range(0, len(X), batch_size):
            loss = core.sgd_step(params, X[s : s + batch_size], y[s : s + batch_size], **kwargs)
            total += loss * len(X[s : s + batch_size])
        totals.append(total)
    return np.array(totals)


# ---- parity with the tutorial ------------------------------------------------------------------


def test_train_reproduces_the_tutorials_training_loop(windows):
    X, y = windows
    start = core.init_params(20, seed=0)
    model = oracle.predictor_from(start)
    tutorial_totals = oracle.tutorial_train(model, X, y, epochs=5)

    params = core.copy_params(start)
    history = core.train(params, X, y, epochs=5)  # lr 1e-4, clip ±1, per-sample: the defaults

    assert max_abs_diff(params, oracle.predictor_params(model)) <= 1e-12
    assert max_abs_diff(params, start) > 1e-4  # it did train
    np.testing.assert_allclose(history.total_loss, tutorial_totals, rtol=1e-9)
    np.testing.assert_allclose(history.mean_loss, history.total_loss / 95, rtol=1e-15)
    assert history.epochs_completed == 5 and history.epochs_requested == 5
    assert not (history.diverged or history.stopped_early) and history.message == ""


def test_sgd_step_reproduces_the_tutorials_train_step(windows):
    X, y = windows
    start = core.init_params(20, seed=1)
    model = oracle.predictor_from(start)
    params = core.copy_params(start)
    for i in range(95):
        tutorial_loss, _ = model.train_step(X[i], y[i])
        loss = core.sgd_step(params, X[i], y[i])  # lr 1e-4, clip ±1, as train_step
        np.testing.assert_allclose(loss, tutorial_loss[0], rtol=1e-12)
    assert max_abs_diff(params, oracle.predictor_params(model)) <= 1e-12


def test_the_tutorials_data_clips_so_the_parity_tests_exercise_clipping(windows):
    X, y = windows
    params = core.init_params(20, seed=0)
    grads = core.backward(params, core.forward(params, X[0]), y[0]).grads
    assert max(np.abs(g).max() for g in grads.values()) > 1.0


# ---- the lean path equals the readable one -----------------------------------------------------


@pytest.mark.parametrize(
    "clip, truncate, lr",
    [(1.0, None, 1e-4), (None, None, 1e-4), (1.0, 2, 1e-3), (None, 2, 1e-4), (0.3, 1, 1e-3)],
)
def test_lean_train_equals_repeated_sgd_step(windows, clip, truncate, lr):
    X, y = windows
    start = core.init_params(8, seed=2)
    readable = core.copy_params(start)
    totals = sgd_epochs(readable, X, y, epochs=3, lr=lr, clip=clip, truncate=truncate)
    lean = core.copy_params(start)
    history = core.train(lean, X, y, epochs=3, lr=lr, clip=clip, truncate=truncate)
    assert max_abs_diff(lean, readable) <= 1e-12
    assert max_abs_diff(lean, start) > 10 * lr  # the runs moved
    np.testing.assert_allclose(history.total_loss, totals, rtol=1e-12)


def test_truncation_changes_training(windows):
    X, y = windows
    full, cut = core.init_params(8, seed=2), core.init_params(8, seed=2)
    core.train(full, X, y, epochs=2, lr=1e-3)
    core.train(cut, X, y, epochs=2, lr=1e-3, truncate=1)
    assert max_abs_diff(full, cut) > 1e-6


# Mini-batch train follows sgd_step operation by operation on arrays laid out as core.backward's,
# so it equals it bit for bit, also where BLAS's order depends on the layout (H = 1, 3) and for a
# last batch of one window (95 = 47·2 + 1).
@pytest.mark.parametrize("hidden, batch_size", [(1, 8), (3, 2), (6, 8), (6, 95), (20, 16)])
def test_minibatch_train_equals_sgd_step_over_consecutive_batches(windows, hidden, batch_size):
    X, y = windows
    start = core.init_params(hidden, seed=3)
    readable = core.copy_params(start)
    totals = sgd_epochs(readable, X, y, epochs=4, batch_size=batch_size, lr=1e-3, truncate=3)
    params = core.copy_params(start)
    history = core.train(params, X, y, epochs=4, batch_size=batch_size, lr=1e-3, truncate=3)
    for name in NAMES:
        assert np.array_equal(params[name], readable[name]), name
    assert np.array_equal(history.total_loss, totals)
    # Not per-sample SGD.
    per_sample = core.copy_params(start)
    core.train(per_sample, X, y, epochs=4, lr=1e-3, truncate=3)
    assert max_abs_diff(params, per_sample) > 1e-6


@pytest.mark.parametrize("batch_size", [None, 95, 1000])
def test_full_batch_is_gradient_descent_on_the_mean_loss(windows, batch_size):
    X, y = windows
    params, readable = core.init_params(4, seed=4), core.init_params(4, seed=4)
    history = core.train(params, X, y, epochs=3, batch_size=batch_size, lr=1e-3)
    losses = [core.sgd_step(readable, X, y, lr=1e-3) * 95 for _ in range(3)]
    for name in NAMES:
        assert np.array_equal(params[name], readable[name]), name
    assert np.array_equal(history.total_loss, losses)


def test_batch_size_must_be_a_whole_number_of_at_least_one(windows):
    X, y = windows
    for bad in (0, -1, 2.5, "8"):
        with pytest.raises(ValueError, match="batch size"):
            core.train(core.init_params(2), X, y, epochs=1, batch_size=bad)


@pytest.mark.parametrize("batch_size", [1, 8])
def test_training_in_chunks_equals_one_long_call(windows, batch_size):
    X, y = windows
    once, chunked = core.init_params(6, seed=5), core.init_params(6, seed=5)
    history = core.train(once, X, y, epochs=5, lr=1e-3, batch_size=batch_size)
    first = core.train(chunked, X, y, epochs=3, lr=1e-3, batch_size=batch_size)
    second = core.train(chunked, X, y, epochs=2, lr=1e-3, batch_size=batch_size)
    for name in NAMES:
        np.testing.assert_array_equal(chunked[name], once[name])
    np.testing.assert_array_equal(
        np.concatenate([first.total_loss, second.total_loss]), history.total_loss
    )


def test_train_replaces_entries_and_leaves_the_callers_arrays_alone(windows):
    X, y = windows
    params = core.init_params(4, seed=6)
    old_W_hh = params["W_hh"]
    kept = old_W_hh.copy()
    core.train(params, X, y, epochs=1)
    np.testing.assert_array_equal(old_W_hh, kept)
    assert not np.array_equal(params["W_hh"], kept)


# ---- the callback ------------------------------------------------------------------------------


def test_callback_sees_progress_and_can_stop_early(windows):
    X, y = windows
    start = core.init_params(6, seed=7)
    seen = []

    def callback(progress):
        seen.append(progress)
        progress.params["W_hh"][:] = 1e6  # a copy: scribbling on it must not reach training
        return progress.epoch == 4

    params = core.copy_params(start)
    history = core.train(params, X, y, epochs=10, callback=callback, callback_every=2)
    assert isinstance(seen[0], core.TrainProgress)
    assert [p.epoch for p in seen] == [2, 4]
    assert all(p.epochs == 10 for p in seen)
    assert [len(p.total_loss) for p in seen] == [2, 4]
    np.testing.assert_allclose(seen[-1].mean_loss, seen[-1].total_loss / 95)
    assert history.stopped_early and history.epochs_completed == 4 and history.message
    assert not history.diverged

    four = core.copy_params(start)
    reference = core.train(four, X, y, epochs=4)
    for name in NAMES:
        np.testing.assert_array_equal(params[name], four[name])
    np.testing.assert_array_equal(history.total_loss, reference.total_loss)


def test_callback_is_called_after_the_last_epoch_and_true_there_is_not_early(windows):
    X, y = windows
    epochs_seen = []

    def callback(progress):
        epochs_seen.append(progress.epoch)
        return True if progress.epoch == 7 else None

    history = core.train(
        core.init_params(3, seed=8), X, y, epochs=7, callback=callback, callback_every=3
    )
    assert epochs_seen == [3, 6, 7]
    assert not history.stopped_early and history.epochs_completed == 7


# ---- divergence and clipping -------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 8])
def test_train_reports_divergence_and_keeps_finite_params(windows, batch_size):
    X, y = windows
    params = core.init_params(20, seed=0)
    history = core.train(params, X, y, epochs=50, lr=0.1, clip=None, batch_size=batch_size)
    assert history.diverged and not history.stopped_early
    assert "diverged" in history.message and "clipping" in history.message
    assert history.epochs_completed < 50
    assert np.all(np.isfinite(history.total_loss))
    assert all(np.all(np.isfinite(params[name])) for name in NAMES)


def test_sgd_step_raises_on_divergence_and_leaves_params_unchanged(windows):
    X, y = windows
    params = core.init_params(20, seed=0)
    for i in range(20 * 95):
        before = core.copy_params(params)
        try:
            core.sgd_step(params, X[i % 95], y[i % 95], lr=0.1, clip=None)
        except core.TrainingDiverged as err:
            assert isinstance(err, ValueError) and "diverged" in str(err)
            break
    else:
        pytest.fail("lr = 0.1 without clipping should diverge on the tutorial's data")
    for name in NAMES:
        np.testing.assert_array_equal(params[name], before[name])
    # ... and train stops on the same window with the same parameters.
    lean = core.init_params(20, seed=0)
    history = core.train(lean, X, y, epochs=20, lr=0.1, clip=None)
    assert history.diverged
    assert f"in epoch {i // 95 + 1}, batch {i % 95 + 1} of 95" in history.message
    for name in NAMES:  # by now the weights are huge (1e150): compare relatively
        np.testing.assert_allclose(lean[name], params[name], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("clip", [1.0, 0.25])
def test_clipping_bounds_each_parameters_move_by_lr_times_clip(windows, clip):
    X, y = windows
    params = core.init_params(20, seed=0)
    lr = 0.01
    grads = core.backward(params, core.forward(params, X[:4]), y[:4]).grads
    assert max(np.abs(g).max() for g in grads.values()) > 10 * clip  # large gradients
    before = core.copy_params(params)
    core.sgd_step(params, X[:4], y[:4], lr=lr, clip=clip)
    for name in NAMES:
        moved = np.abs(params[name] - before[name])
        assert moved.max() <= lr * clip * (1 + 1e-12), name
        # θ ← θ − η·clip(∇θ): entries whose gradient was clipped moved by exactly η·clip.
        expected = lr * np.clip(grads[name], -clip, clip)
        np.testing.assert_allclose(before[name] - params[name], expected, rtol=1e-9, atol=1e-15)
    assert max(np.abs(params[n] - before[n]).max() for n in NAMES) == pytest.approx(lr * clip)


def test_sgd_step_returns_the_loss_before_the_update(windows):
    X, y = windows
    params = core.init_params(5, seed=9)
    expected = core.mse(params, X[:10], y[:10])
    assert core.sgd_step(params, X[:10], y[:10]) == pytest.approx(expected, rel=1e-14)
    assert core.mse(params, X[:10], y[:10]) < expected
