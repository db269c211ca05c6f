"""rnnviz.core.stacked: K models trained as one equal each trained alone with core.train, bit for
bit; gradient norms per timestep."""

import itertools

import numpy as np
import pytest

from rnnviz import core
from rnnviz.core import flat

NAMES = core.PARAM_NAMES


@pytest.fixture(scope="module")
def windows():
    """The tutorial's 95 windows of 5 days."""
    return core.make_windows(core.weather_series(seed=0))


def max_abs_diff(params, other):
    return max(float(np.abs(np.asarray(params[n]) - np.asarray(other[n])).max()) for n in NAMES)


def assert_same_as_alone(start, stacked_params, history, X, y, **settings):
    """The stacked model equals core.train on a copy of its start, bit for bit: parameters, loss
    history, flags and message."""
    alone = core.copy_params(start)
    reference = core.train(alone, X, y, **settings)
    for name in NAMES:
        assert np.array_equal(stacked_params[name], alone[name]), name
    assert np.array_equal(history.total_loss, reference.total_loss)
    assert np.array_equal(history.mean_loss, reference.mean_loss)
    assert history.diverged == reference.diverged
    assert history.stopped_early == reference.stopped_early
    assert history.message == reference.message
    return reference


# Four different settings: learning rate, clipping (None = off), weight seed, truncation depth.
SETTINGS = [
    {"lr": 1e-4, "clip": 1.0, "seed": 0, "truncate": None},
    {"lr": 1e-3, "clip": None, "seed": 1, "truncate": 1},
    {"lr": 3e-3, "clip": 0.5, "seed": 2, "truncate": 2},
    {"lr": 1e-2, "clip": 1.0, "seed": 3, "truncate": 4},
]


@pytest.mark.parametrize("batch_size", [1, 8, 95])
def test_each_stacked_model_equals_training_it_alone(windows, batch_size):
    X, y = windows
    starts = [core.init_params(8, seed=s["seed"]) for s in SETTINGS]
    models = [core.copy_params(p) for p in starts]
    result = core.train_stacked(
        models,
        X,
        y,
        epochs=6,
        lr=[s["lr"] for s in SETTINGS],
        clip=[s["clip"] for s in SETTINGS],
        truncate=[s["truncate"] for s in SETTINGS],
        batch_size=batch_size,
    )
    assert len(result.histories) == 4 and result.grad_norms is None
    for s, start, params, history in zip(SETTINGS, starts, models, result.histories, strict=True):
        assert max_abs_diff(params, start) > 1e-5  # it trained
        assert_same_as_alone(
            start,
            params,
            history,
            X,
            y,
            epochs=6,
            lr=s["lr"],
            clip=s["clip"],
            truncate=s["truncate"],
            batch_size=batch_size,
        )
    # The settings matter: the four runs differ from one another.
    assert max_abs_diff(models[0], models[1]) > 1e-3


def test_the_tutorials_run_stacked_with_itself_is_the_tutorials_run(windows):
    X, y = windows
    start = core.init_params(20, seed=0)
    models = [core.copy_params(start), core.copy_params(start)]
    result = core.train_stacked(models, X, y, epochs=10)
    for params, history in zip(models, result.histories, strict=True):
        assert_same_as_alone(start, params, history, X, y, epochs=10)


# Every (H, T, batch size) where NumPy or BLAS might sum in another order for another layout:
# H = 1 (rows are numbers, operands vectors), H = 2, 3 (OpenBLAS's small contiguous kernels),
# T = 9 (pairwise sums start at 8 terms), a last batch of 1 window (95 = 47·2 + 1).
@pytest.mark.parametrize(
    "hidden, seq_len, batch_size",
    [
        (h, t, b)
        for h, t, b in itertools.product((1, 2, 3, 8), (1, 2, 9), (1, 2, 7, None))
        if not (t == 1 and b == 2)
    ],
)
def test_stacked_equals_alone_bit_for_bit_for_every_shape(hidden, seq_len, batch_size):
    X, y = core.make_windows(core.weather_series(seed=1)[:50], seq_len)
    settings = [  # lr, clip, truncate; the last one diverges
        (3e-3, 1.0, None),
        (1e-2, None, 1),
        (1e-3, 0.5, 2),
        (30.0, None, None),
    ]
    starts = [core.init_params(hidden, seed=m) for m in range(len(settings))]
    models = [core.copy_params(p) for p in starts]
    result = core.train_stacked(
        models,
        X,
        y,
        epochs=4,
        lr=[s[0] for s in settings],
        clip=[s[1] for s in settings],
        truncate=[s[2] for s in settings],
        batch_size=batch_size,
    )
    for (lr, clip, k), start, params, history in zip(
        settings, starts, models, result.histories, strict=True
    ):
        assert_same_as_alone(
            start,
            params,
            history,
            X,
            y,
            epochs=4,
            lr=lr,
            clip=clip,
            truncate=k,
            batch_size=batch_size,
        )
    assert max_abs_diff(models[0], starts[0]) > 1e-6  # it trained


@pytest.mark.parametrize("batch_size", [1, 8])
def test_a_diverging_model_stops_alone_and_the_others_carry_on(windows, batch_size):
    X, y = windows
    # lr = 10 without clipping blows up within a few steps; the others are sane.
    lrs, clips = [1e-3, 10.0, 1e-4], [1.0, None, None]
    starts = [core.init_params(20, seed=s) for s in range(3)]
    models = [core.copy_params(p) for p in starts]
    seen = []
    result = core.train_stacked(
        models,
        X,
        y,
        epochs=12,
        lr=lrs,
        clip=clips,
        batch_size=batch_size,
        callback=seen.append,
        callback_every=4,
    )
    diverged = [h.diverged for h in result.histories]
    assert diverged == [False, True, False]
    for lr, clip, start, params, history in zip(
        lrs, clips, starts, models, result.histories, strict=True
    ):
        assert_same_as_alone(
            start, params, history, X, y, epochs=12, lr=lr, clip=clip, batch_size=batch_size
        )
        assert all(np.all(np.isfinite(v)) for v in params.values())
    bad = result.histories[1]
    assert bad.epochs_completed < 12 and "diverged" in bad.message
    assert result.histories[0].epochs_completed == 12 == result.histories[2].epochs_completed
    # The callback kept reporting the two healthy runs, and the diverged one as diverged.
    assert [p.epoch for p in seen] == [4, 8, 12]
    assert seen[-1].diverged == (False, True, False)
    assert seen[-1].runs[1].epoch == bad.epochs_completed
    assert [len(r.total_loss) for r in seen[-1].runs] == [12, bad.epochs_completed, 12]


def test_a_model_diverging_mid_epoch_stops_at_the_same_step_as_alone(windows):
    # Per-sample: the stacked loop checks the epoch's totals and replays a bad epoch step by
    # step; the stopping point and the kept parameters must be those of core.train.
    X, y = windows
    starts = [core.init_params(20, seed=0), core.init_params(20, seed=0)]
    models = [core.copy_params(p) for p in starts]
    result = core.train_stacked(models, X, y, epochs=50, lr=[0.1, 1e-4], clip=[None, 1.0])
    alone = assert_same_as_alone(
        starts[0], models[0], result.histories[0], X, y, epochs=50, lr=0.1, clip=None
    )
    assert alone.diverged and "batch" in alone.message
    assert_same_as_alone(starts[1], models[1], result.histories[1], X, y, epochs=50)


def test_all_models_diverging_ends_training(windows):
    X, y = windows
    models = [core.init_params(20, seed=s) for s in range(2)]
    result = core.train_stacked(models, X, y, epochs=200, lr=10.0, clip=None)
    assert all(h.diverged and h.epochs_completed < 200 for h in result.histories)


def test_callback_can_stop_all_and_the_partial_models_are_kept(windows):
    X, y = windows
    starts = [core.init_params(6, seed=s) for s in range(3)]
    models = [core.copy_params(p) for p in starts]
    seen = []

    def callback(progress):
        seen.append(progress)
        progress.runs[0].params["W_hh"][:] = 1e6  # a copy: must not reach training
        return progress.epoch == 4

    result = core.train_stacked(
        models, X, y, epochs=10, lr=[1e-3, 1e-4, 1e-2], callback=callback, callback_every=2
    )
    assert isinstance(seen[0], core.StackedProgress)
    assert [p.epoch for p in seen] == [2, 4] and all(p.epochs == 10 for p in seen)
    assert all(isinstance(r, core.TrainProgress) and r.epoch == 4 for r in seen[-1].runs)
    for lr, start, params, history in zip(
        [1e-3, 1e-4, 1e-2], starts, models, result.histories, strict=True
    ):
        assert history.stopped_early and history.epochs_completed == 4 and history.message
        alone = core.copy_params(start)
        core.train(alone, X, y, epochs=4, lr=lr)
        assert all(np.array_equal(params[name], alone[name]) for name in NAMES)
        np.testing.assert_allclose(seen[-1].runs[0].mean_loss, seen[-1].runs[0].total_loss / 95)


def test_training_in_chunks_equals_one_long_call(windows):
    X, y = windows
    once = [core.init_params(5, seed=s) for s in range(2)]
    chunked = [core.copy_params(p) for p in once]
    kwargs = {"lr": [1e-3, 3e-3], "truncate": [None, 2]}
    whole = core.train_stacked(once, X, y, epochs=5, **kwargs)
    first = core.train_stacked(chunked, X, y, epochs=3, **kwargs)
    second = core.train_stacked(chunked, X, y, epochs=2, **kwargs)
    for m in range(2):
        for name in NAMES:
            np.testing.assert_array_equal(chunked[m][name], once[m][name])
        np.testing.assert_array_equal(
            np.concatenate([first.histories[m].total_loss, second.histories[m].total_loss]),
            whole.histories[m].total_loss,
        )


@pytest.mark.parametrize(
    "models, kwargs, fragment",
    [
        ([], {}, "at least one model"),
        ([core.init_params(3), core.init_params(4)], {}, "same hidden size"),
        ([core.init_params(3)] * 2, {"lr": [1e-3]}, "one value per model"),
        ([core.init_params(3)] * 2, {"lr": [1e-3, -1.0]}, "learning rate"),
        ([core.init_params(3)] * 2, {"clip": [1.0, 0.0]}, "clipping"),
        ([core.init_params(3)] * 2, {"truncate": [1, 0]}, "truncation"),
    ],
)
def test_bad_input_is_one_sentence(windows, models, kwargs, fragment):
    X, y = windows
    with pytest.raises(ValueError, match=f"(?i){fragment}"):
        core.train_stacked(models, X, y, epochs=1, **kwargs)


def test_batch_size_none_is_full_batch(windows):
    X, y = windows
    starts = [core.init_params(4, seed=s) for s in range(2)]
    full = [core.copy_params(p) for p in starts]
    everything = [core.copy_params(p) for p in starts]
    none = core.train_stacked(full, X, y, epochs=3, lr=[1e-3, 1e-2], batch_size=None)
    n = core.train_stacked(everything, X, y, epochs=3, lr=[1e-3, 1e-2], batch_size=len(X))
    for m in range(2):
        assert all(np.array_equal(full[m][name], everything[m][name]) for name in NAMES)
        np.testing.assert_array_equal(none.histories[m].total_loss, n.histories[m].total_loss)
    assert max_abs_diff(full[0], starts[0]) > 1e-6


def test_flat_rows_round_trip_and_views_write_through():
    models = [core.init_params(3, seed=s) for s in range(2)]
    theta = flat.flatten(models)
    assert theta.shape == (2, flat.size(3)) == (2, 3 * 3 + 3 * 3 + 1)
    for m, params in enumerate(models):
        back = flat.unflatten(theta[m], 3)
        assert all(np.array_equal(back[name], params[name]) for name in NAMES)
    views = dict(zip(NAMES, flat.split(theta, 3), strict=True))
    assert [views[name].shape[1:] for name in NAMES] == list(flat.shapes(3))
    views["W_hh"][1, 0, 2] = 7.0
    assert flat.unflatten(theta[1], 3)["W_hh"][0, 2] == 7.0
    assert flat.unflatten(theta[0], 3)["W_hh"][0, 2] == models[0]["W_hh"][0, 2]


# ---- gradient norms per timestep ---------------------------------------------------------------


def test_hidden_grad_norms_are_each_windows_own_gradient_averaged(windows):
    X, y = windows
    params = core.init_params(6, seed=4)
    norms = core.hidden_grad_norms(params, X[:10], y[:10])
    # The oracle: one window at a time (B = 1, so dh is that window's own dL/dh_t).
    per_window = [
        np.linalg.norm(core.backward(params, core.forward(params, X[i]), y[i]).dh[0], axis=1)
        for i in range(10)
    ]
    np.testing.assert_allclose(norms, np.mean(per_window, axis=0), rtol=1e-12)
    assert norms.shape == (6,) and np.all(norms > 0)


@pytest.mark.parametrize("batch_size", [1, 8])
def test_stacked_runs_record_gradient_norms_of_their_parameters(windows, batch_size):
    X, y = windows
    starts = [core.init_params(6, seed=s) for s in range(2)]
    models = [core.copy_params(p) for p in starts]
    result = core.train_stacked(
        models, X, y, epochs=7, lr=[1e-3, 1e-2], grad_norms_every=3, batch_size=batch_size
    )
    for lr, start, params, record in zip(
        [1e-3, 1e-2], starts, models, result.grad_norms, strict=True
    ):
        np.testing.assert_array_equal(record.epochs, [3, 6, 7])
        assert record.norms.shape == (3, X.shape[1] + 1)
        np.testing.assert_array_equal(record.norms[-1], core.hidden_grad_norms(params, X, y))
        # Row 1 belongs to the parameters after 6 epochs.
        six = core.copy_params(start)
        core.train(six, X, y, epochs=6, lr=lr, batch_size=batch_size)
        np.testing.assert_array_equal(record.norms[1], core.hidden_grad_norms(six, X, y))
        assert np.all(np.isfinite(record.log10()))


def test_stacked_records_equal_norms_taken_in_a_single_runs_callback(windows):
    X, y = windows
    single, stacked = core.init_params(6, seed=1), core.init_params(6, seed=1)
    taken = []  # (epoch, norms) from core.train's callback, the way a page would take them

    def take(progress):
        taken.append((progress.epoch, core.hidden_grad_norms(progress.params, X, y)))

    core.train(single, X, y, epochs=6, lr=1e-3, callback=take, callback_every=2)
    result = core.train_stacked([stacked], X, y, epochs=6, lr=1e-3, grad_norms_every=2)
    np.testing.assert_array_equal(result.grad_norms[0].epochs, [epoch for epoch, _ in taken])
    np.testing.assert_array_equal(result.grad_norms[0].norms, [norms for _, norms in taken])


def test_a_diverged_run_records_norms_only_while_it_trained(windows):
    X, y = windows
    models = [core.init_params(20, seed=0), core.init_params(20, seed=1)]
    result = core.train_stacked(
        models, X, y, epochs=10, lr=[10.0, 1e-4], clip=[None, 1.0], grad_norms_every=1
    )
    bad, good = result.histories
    assert bad.diverged
    assert result.grad_norms[0].epochs.tolist() == list(range(1, bad.epochs_completed + 1))
    assert result.grad_norms[1].epochs.tolist() == list(range(1, 11))
