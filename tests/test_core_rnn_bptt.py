"""rnnviz.core.rnn and rnnviz.core.bptt against the tutorial's code, finite differences, and
their own definitions (dh[:, t] = dL/dh_t, da = (1 - tanh(a_t)²)·dL/dh_t, batch means)."""

import numpy as np
import pytest

from rnnviz import core
from tests import tutorial_oracle as oracle

NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def lively_params(hidden, seed):
    """Parameters whose gradients do not shrink by 0.01 per step (the tutorial's init does), so
    that dL/dh_t at early t is large enough to check by finite differences."""
    rng = np.random.default_rng(seed)
    return {
        "W_xh": rng.normal(0, 0.8, (hidden, 1)),
        "W_hh": rng.normal(0, 0.9 / np.sqrt(hidden), (hidden, hidden)),
        "b_h": rng.normal(0, 0.3, hidden),
        "W_hy": rng.normal(0, 0.8, (1, hidden)),
        "b_y": rng.normal(0, 0.3, 1),
    }


def standard_windows(batch, seq_len, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (batch, seq_len)), rng.normal(0, 1, batch)


@pytest.fixture(scope="module")
def tutorial_windows():
    return core.make_windows(core.weather_series(seed=0))


# ---- init_params -------------------------------------------------------------------------------


@pytest.mark.parametrize("hidden", [1, 20])
def test_init_shapes_are_the_tutorials_column_vectors(hidden):
    params = core.init_params(hidden, seed=0)
    assert list(params) == list(NAMES)
    shapes = {name: value.shape for name, value in params.items()}
    assert shapes == {
        "W_xh": (hidden, 1),
        "W_hh": (hidden, hidden),
        "b_h": (hidden,),
        "W_hy": (1, hidden),
        "b_y": (1,),
    }
    assert all(value.dtype == np.float64 for value in params.values())


@pytest.mark.parametrize("hidden, seed", [(1, 0), (20, 0), (7, 42)])
def test_init_draws_in_the_tutorials_order_from_one_generator(hidden, seed):
    # RNNCell then RNNPredictor: W_xh, W_hh, b_h, W_hy, b_y; weights randn·0.01, biases randn.
    rng = np.random.default_rng(seed)
    expected = {
        "W_xh": rng.standard_normal((hidden, 1)) * 0.01,
        "W_hh": rng.standard_normal((hidden, hidden)) * 0.01,
        "b_h": rng.standard_normal(hidden),
        "W_hy": rng.standard_normal((1, hidden)) * 0.01,
        "b_y": rng.standard_normal(1),
    }
    params = core.init_params(hidden, seed=seed)
    for name in NAMES:
        np.testing.assert_array_equal(params[name], expected[name])


def test_scalar_init_gives_the_scalar_walkthroughs_draws():
    # The walkthrough: randn(1)·0.01, randn(1)·0.01, randn(1), randn(1)·0.01, randn().
    rng = np.random.default_rng(11)
    draws = [rng.standard_normal(1) * 0.01, rng.standard_normal(1) * 0.01, rng.standard_normal(1)]
    draws += [rng.standard_normal(1) * 0.01, rng.standard_normal()]
    params = core.init_params(1, seed=11)
    got = [float(np.ravel(params[name])[0]) for name in NAMES]
    assert got == [float(np.ravel(d)[0]) for d in draws]


def test_init_is_deterministic_and_seed_dependent():
    first, again = core.init_params(5, seed=3), core.init_params(5, seed=3)
    other = core.init_params(5, seed=4)
    for name in NAMES:
        np.testing.assert_array_equal(first[name], again[name])
        assert not np.array_equal(first[name], other[name])
    rng = np.random.default_rng(3)
    from_rng = core.init_params(5, seed=rng)
    np.testing.assert_array_equal(from_rng["W_hh"], first["W_hh"])
    # The generator moved on: a second model from it is a different model.
    assert not np.array_equal(core.init_params(5, seed=rng)["W_hh"], first["W_hh"])


# ---- forward and step --------------------------------------------------------------------------


@pytest.mark.parametrize("batch, seq_len, hidden", [(1, 5, 1), (3, 5, 20), (4, 9, 6)])
def test_trace_shapes_and_definitions(batch, seq_len, hidden):
    params = lively_params(hidden, seed=1)
    X, _ = standard_windows(batch, seq_len, seed=2)
    trace = core.forward(params, X)
    assert trace.x.shape == (batch, seq_len)
    assert trace.a.shape == (batch, seq_len, hidden)
    assert trace.h.shape == (batch, seq_len + 1, hidden)
    assert trace.y_pred.shape == (batch,)
    assert (trace.seq_len, trace.hidden_size) == (seq_len, hidden)
    np.testing.assert_array_equal(trace.h[:, 0], 0.0)  # h_0 = 0
    np.testing.assert_array_equal(trace.h[:, 1:], np.tanh(trace.a))  # h_t = tanh(a_t)
    for t in range(1, seq_len + 1):  # a_t = W_xh·x_t + W_hh·h_(t-1) + b_h, per window
        for b in range(batch):
            a_t = params["W_xh"] @ X[b, t - 1 : t] + params["W_hh"] @ trace.h[b, t - 1]
            np.testing.assert_allclose(trace.a[b, t - 1], a_t + params["b_h"], atol=1e-14)
    y_pred = np.array([params["W_hy"] @ trace.h[b, seq_len] + params["b_y"] for b in range(batch)])
    np.testing.assert_allclose(trace.y_pred, y_pred.ravel(), atol=1e-14)


def test_each_window_is_unrolled_independently():
    params = lively_params(4, seed=3)
    X, _ = standard_windows(5, 6, seed=4)
    trace = core.forward(params, X)
    for b in range(5):
        alone = core.forward(params, X[b])  # one window (T,) is a batch of one
        np.testing.assert_allclose(alone.h[0], trace.h[b], atol=1e-15)
        np.testing.assert_allclose(alone.y_pred[0], trace.y_pred[b], atol=1e-15)


def test_forward_equals_the_tutorials_forward_sequence(tutorial_windows):
    X, _ = tutorial_windows
    params = core.init_params(20, seed=0)
    model = oracle.predictor_from(params)
    for i in (0, 40, 94):
        y_pred, hs, raws = model.forward_sequence(X[i])
        trace = core.forward(params, X[i])
        np.testing.assert_allclose(trace.h[0], np.array(hs), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(trace.a[0], np.array(raws), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(trace.y_pred, y_pred, rtol=1e-12)


def test_step_agrees_with_forwards_first_steps():
    params = lively_params(6, seed=5)
    X, _ = standard_windows(3, 4, seed=6)
    trace = core.forward(params, X)
    h = np.zeros((3, 6))
    for t in range(1, 5):
        a, h = core.step(params, X[:, t - 1], h)
        np.testing.assert_array_equal(a, trace.a[:, t - 1])
        np.testing.assert_array_equal(h, trace.h[:, t])
    # A scalar x_t and an (H,) h_prev are a batch of one.
    _, h1 = core.step(params, X[0, 0], np.zeros(6))
    np.testing.assert_array_equal(h1, trace.h[:1, 1])


def test_forward_accepts_parameters_given_as_nested_lists():
    params = lively_params(3, seed=7)
    X, _ = standard_windows(2, 4, seed=8)
    as_lists = {name: value.tolist() for name, value in params.items()}
    np.testing.assert_array_equal(core.forward(as_lists, X).h, core.forward(params, X).h)


def test_forward_does_not_touch_its_inputs():
    params = lively_params(3, seed=9)
    before = core.copy_params(params)
    X, y = standard_windows(2, 4, seed=10)
    X_before = X.copy()
    core.backward(params, core.forward(params, X), y)
    np.testing.assert_array_equal(X, X_before)
    for name in NAMES:
        np.testing.assert_array_equal(params[name], before[name])


# ---- the tutorial's scalar walkthrough (H = 1) -------------------------------------------------


@pytest.mark.parametrize("seed, start", [(0, 0), (1, 30), (2, 90)])
def test_hidden_size_1_reproduces_the_scalar_walkthrough(seed, start):
    temps = core.weather_series(seed=seed)
    input_sq, target = temps[start : start + 5], temps[start + 5]
    params = core.init_params(1, seed=seed)
    scalars = {name: float(np.ravel(params[name])[0]) for name in NAMES}
    ref = oracle.scalar_walkthrough(list(input_sq), target, **scalars)

    trace = core.forward(params, input_sq)
    result = core.backward(params, trace, target)

    def close(got, want):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)

    close(trace.h[0, :, 0], ref["hs"])
    close(trace.a[0, :, 0], ref["raws"])
    close(trace.y_pred[0], ref["y_pred"])
    close(result.loss, ref["loss"])
    for name in NAMES:
        close(np.ravel(result.grads[name])[0], ref[f"d{name}"])


# ---- backward ----------------------------------------------------------------------------------


def test_backward_equals_the_tutorials_train_step_gradients(tutorial_windows):
    # train_step clips at ±1 before updating, so pick targets that keep every gradient entry
    # inside ±1 (checked), and recover its gradients from an update with lr = 1.
    X, y = tutorial_windows
    params = core.init_params(20, seed=0)
    X = (X - y.mean()) / y.std()
    for i in (0, 17, 94):
        trace = core.forward(params, X[i])
        target = float(trace.y_pred[0]) + 0.3
        grads = core.backward(params, trace, target).grads
        assert max(np.abs(g).max() for g in grads.values()) < 1.0

        model = oracle.predictor_from(params)
        before = core.copy_params(oracle.predictor_params(model))
        model.train_step(X[i], target, lr=1.0)
        after = oracle.predictor_params(model)
        for name in NAMES:
            np.testing.assert_allclose(
                before[name] - after[name], grads[name], rtol=0, atol=1e-14, err_msg=name
            )


def dh_by_finite_differences(params, X, y, t, eps=1e-6):
    """dL/dh_t, by perturbing h_t and running the recurrence on from step t+1 with `step`."""
    trace = core.forward(params, X)
    seq_len = X.shape[1]

    def loss(h_t):
        h = h_t
        for s in range(t + 1, seq_len + 1):
            _, h = core.step(params, X[:, s - 1], h)
        y_pred = h @ params["W_hy"][0] + params["b_y"][0]
        return np.mean((y_pred - y) ** 2)

    grad = np.empty_like(trace.h[:, t])
    for index in np.ndindex(grad.shape):
        plus, minus = trace.h[:, t].copy(), trace.h[:, t].copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (loss(plus) - loss(minus)) / (2 * eps)
    return grad


def test_dh_t_is_dL_dh_t_for_every_t_including_h_0():
    params = lively_params(5, seed=11)
    X, y = standard_windows(3, 6, seed=12)
    result = core.backward(params, core.forward(params, X), y)
    assert result.dh.shape == (3, 7, 5)
    for t in range(7):
        numeric = dh_by_finite_differences(params, X, y, t)
        np.testing.assert_allclose(result.dh[:, t], numeric, rtol=1e-6, atol=1e-9, err_msg=t)
    assert np.abs(result.dh[:, 1]).max() > 1e-3  # not vacuous: early gradients are alive


def test_step_a_and_step_b_definitions():
    params = lively_params(4, seed=13)
    X, y = standard_windows(3, 5, seed=14)
    trace = core.forward(params, X)
    result = core.backward(params, trace, y)
    batch, seq_len = X.shape

    np.testing.assert_allclose(result.dL_dy, 2 * (trace.y_pred - y) / batch, rtol=1e-15)
    np.testing.assert_allclose(result.loss, np.mean((trace.y_pred - y) ** 2), rtol=1e-15)
    # Step A: dW_hy = dL_dy·h_Tᵀ, db_y = dL_dy, dh_T = W_hyᵀ·dL_dy (summed over the batch).
    np.testing.assert_allclose(result.grads["W_hy"][0], result.dL_dy @ trace.h[:, -1], atol=1e-15)
    np.testing.assert_allclose(result.grads["b_y"], [result.dL_dy.sum()], atol=1e-15)
    np.testing.assert_allclose(
        result.dh[:, seq_len], result.dL_dy[:, None] * params["W_hy"][0], atol=1e-15
    )
    # Step B: da = (1 - tanh(a_t)²)·dh_next, dh_next = W_hhᵀ·da.
    np.testing.assert_allclose(result.da, (1 - np.tanh(trace.a) ** 2) * result.dh[:, 1:])
    np.testing.assert_allclose(result.da, (1 - trace.h[:, 1:] ** 2) * result.dh[:, 1:], atol=1e-15)
    for t in range(1, seq_len + 1):
        for b in range(batch):
            dh_prev = params["W_hh"].T @ result.da[b, t - 1]
            np.testing.assert_allclose(result.dh[b, t - 1], dh_prev, atol=1e-15)


def test_contributions_are_the_per_step_terms_and_sum_to_the_gradients():
    params = lively_params(4, seed=15)
    X, y = standard_windows(3, 6, seed=16)
    trace = core.forward(params, X)
    result = core.backward(params, trace, y)
    contrib = result.contributions
    assert contrib["W_xh"].shape == (6, 4, 1)
    assert contrib["W_hh"].shape == (6, 4, 4)
    assert contrib["b_h"].shape == (6, 4)
    for t in range(1, 7):
        da_t, x_t, h_prev = result.da[:, t - 1], X[:, t - 1], trace.h[:, t - 1]
        np.testing.assert_allclose(contrib["W_xh"][t - 1, :, 0], x_t @ da_t, atol=1e-15)
        np.testing.assert_allclose(contrib["W_hh"][t - 1], da_t.T @ h_prev, atol=1e-15)
        np.testing.assert_allclose(contrib["b_h"][t - 1], da_t.sum(axis=0), atol=1e-15)
    for name in ("W_xh", "W_hh", "b_h"):
        np.testing.assert_allclose(contrib[name].sum(axis=0), result.grads[name], atol=1e-15)


def test_batch_gradient_is_the_mean_of_per_window_gradients():
    params = lively_params(5, seed=17)
    X, y = standard_windows(4, 5, seed=18)
    batch_result = core.backward(params, core.forward(params, X), y)
    singles = [core.backward(params, core.forward(params, X[b]), y[b]) for b in range(4)]
    np.testing.assert_allclose(batch_result.loss, np.mean([s.loss for s in singles]), rtol=1e-14)
    for name in NAMES:
        mean = np.mean([s.grads[name] for s in singles], axis=0)
        np.testing.assert_allclose(batch_result.grads[name], mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        batch_result.dh, np.concatenate([s.dh for s in singles]) / 4, rtol=1e-12, atol=1e-16
    )


@pytest.mark.parametrize("k", [1, 2, 4])
def test_truncated_bptt_drops_steps_at_or_before_T_minus_k(k):
    params = lively_params(4, seed=19)
    X, y = standard_windows(2, 6, seed=20)
    trace = core.forward(params, X)
    full = core.backward(params, trace, y)
    cut = core.backward(params, trace, y, truncate=k)
    assert cut.truncate == k
    for name in ("W_xh", "W_hh", "b_h"):
        # Steps t <= T-k (rows 0 .. T-k-1) get nothing; later steps get exactly full BPTT's terms.
        np.testing.assert_array_equal(cut.contributions[name][: 6 - k], 0.0)
        np.testing.assert_array_equal(
            cut.contributions[name][6 - k :], full.contributions[name][6 - k :]
        )
        assert np.abs(full.contributions[name][: 6 - k]).max() > 0  # so the cut does something
        np.testing.assert_allclose(cut.grads[name], cut.contributions[name].sum(axis=0))
    np.testing.assert_array_equal(cut.da[:, : 6 - k], 0.0)
    for name in ("W_hy", "b_y"):
        np.testing.assert_array_equal(cut.grads[name], full.grads[name])


@pytest.mark.parametrize("k", [6, 50])
def test_truncate_at_or_beyond_T_is_full_bptt(k):
    params = lively_params(4, seed=21)
    X, y = standard_windows(2, 6, seed=22)
    trace = core.forward(params, X)
    full = core.backward(params, trace, y)
    cut = core.backward(params, trace, y, truncate=k)
    assert cut.truncate == 6 and full.truncate == 6
    for name in NAMES:
        np.testing.assert_array_equal(cut.grads[name], full.grads[name])


# ---- clip_grads --------------------------------------------------------------------------------


def test_clip_grads_is_element_wise_and_returns_new_arrays():
    grads = {"W_hh": np.array([[-3.0, 0.5], [2.0, -0.25]]), "b_y": np.array([7.0])}
    clipped = core.clip_grads(grads, 1.0)
    np.testing.assert_array_equal(clipped["W_hh"], [[-1.0, 0.5], [1.0, -0.25]])
    np.testing.assert_array_equal(clipped["b_y"], [1.0])
    assert grads["W_hh"][0, 0] == -3.0  # the input is untouched
    unclipped = core.clip_grads(grads, None)
    np.testing.assert_array_equal(unclipped["W_hh"], grads["W_hh"])
    assert unclipped["W_hh"] is not grads["W_hh"]
