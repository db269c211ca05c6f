"""The three cells behind one entry point: LSTM and GRU BPTT against central finite differences of
an independent transcription of PyTorch's equations (tests/cell_oracle.py), saturated gates and
truncation included; the RNN through the entry point is exactly `core.forward`/`core.backward`;
K stacked models are exactly K separate ones; parameter counts and initialisation."""

import numpy as np
import pytest

from rnnviz import core
from tests import cell_oracle as oracle

GATED = ("lstm", "gru")


def scaled_params(cell, hidden, seed, scale):
    """PyTorch's init times `scale`: 1 is the default, 10 saturates many gates."""
    rng = np.random.default_rng(seed)
    params = core.init_cell(cell, hidden, rng, init="pytorch")
    return {name: scale * value for name, value in params.items()}


def windows(batch, seq_len, seed):
    rng = np.random.default_rng(seed + 1000)
    return rng.normal(0, 1.5, (batch, seq_len)), rng.normal(0, 1, batch)


# (cell, seed, B, T, H, scale): random shapes; scale 10 puts 10-45% of the gates within 1e-4 of
# their bounds (saturation).
FD_CASES = [
    (cell, seed, batch, seq_len, hidden, scale)
    for cell in core.CELLS
    for seed, batch, seq_len, hidden, scale in [
        (0, 3, 5, 4, 1.0),
        (1, 1, 7, 3, 2.0),
        (2, 4, 3, 2, 10.0),
        (3, 2, 6, 5, 10.0),
    ]
]


def assert_close(analytic, numeric):
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def saturated_share(cell, trace):
    """The share of gate values within 1e-4 of their bounds (σ at 0 or 1, tanh at ±1)."""
    if cell == "rnn":
        values = [np.tanh(trace.a)]
    elif cell == "lstm":
        values = [trace.i, trace.f, trace.g, trace.o]
    else:
        values = [trace.r, trace.z, trace.n]
    near = [np.minimum(np.abs(v - 1), np.minimum(np.abs(v), np.abs(v + 1))) < 1e-4 for v in values]
    return float(np.mean(np.concatenate([n.ravel() for n in near])))


@pytest.mark.parametrize("cell, seed, batch, seq_len, hidden, scale", FD_CASES)
def test_gradients_match_central_differences(cell, seed, batch, seq_len, hidden, scale):
    params = scaled_params(cell, hidden, seed, scale)
    X, y = windows(batch, seq_len, seed)
    trace = core.cell_forward(cell, params, X)
    result = core.cell_backward(cell, params, trace, y)
    if scale > 5 and cell != "rnn":
        assert saturated_share(cell, trace) > 0.05  # the case really tests saturated gates
    for name in core.param_names(cell):
        probe = {n: v.copy() for n, v in params.items()}
        numeric = oracle.central_difference(
            lambda probe=probe: oracle.loss(cell, probe, X, y), probe[name]
        )
        assert_close(result.grads[name], numeric)
        assert result.grads[name].shape == params[name].shape
    X_probe = X.copy()
    assert_close(
        result.dx, oracle.central_difference(lambda: oracle.loss(cell, params, X_probe, y), X_probe)
    )
    assert np.isclose(result.loss, oracle.loss(cell, params, X, y), rtol=1e-12)


@pytest.mark.parametrize("cell, seed, batch, seq_len, hidden, scale", FD_CASES[::2])
def test_dh_and_dc_are_dL_by_the_state_at_every_step(cell, seed, batch, seq_len, hidden, scale):
    params = scaled_params(cell, hidden, seed, scale)
    X, y = windows(batch, seq_len, seed)
    trace = core.cell_forward(cell, params, X)
    result = core.cell_backward(cell, params, trace, y)
    zeros = np.zeros((batch, seq_len + 1, hidden))
    c = trace.c if cell == "lstm" else zeros
    for t in range(seq_len + 1):
        h_t, c_t = trace.h[:, t].copy(), c[:, t].copy()
        dh_t = oracle.central_difference(
            lambda t=t, h_t=h_t, c_t=c_t: oracle.loss(cell, params, X, y, t, (h_t, c_t)), h_t
        )
        assert_close(result.dh[:, t], dh_t)
        if cell == "lstm":
            # dL/dc_t counts both ways c_t reaches the loss, through c_(t+1) and through
            # h_t = o_t ⊙ tanh(c_t) (torch's c_t.grad does the same); h_0 is given, not made.
            def loss_from_c(t=t, c_t=c_t):
                h = trace.h[:, 0] if t == 0 else trace.o[:, t - 1] * np.tanh(c_t)
                return oracle.loss(cell, params, X, y, t, (h, c_t))

            assert_close(result.dc[:, t], oracle.central_difference(loss_from_c, c_t))


@pytest.mark.parametrize("cell", core.CELLS)
@pytest.mark.parametrize("k", [1, 2, 4])
def test_truncated_gradient_holds_the_state_at_T_minus_k_fixed(cell, k):
    # Truncated BPTT is the exact gradient of the loss of the last k steps, run from the state
    # at step T−k as a constant: the oracle differentiates exactly that.
    batch, seq_len, hidden = 3, 6, 3
    params = scaled_params(cell, hidden, 7, 2.0)
    X, y = windows(batch, seq_len, 7)
    trace = core.cell_forward(cell, params, X)
    result = core.cell_backward(cell, params, trace, y, truncate=k)
    assert result.truncate == k
    start = seq_len - k
    state = (trace.h[:, start], trace.c[:, start] if cell == "lstm" else np.zeros((batch, hidden)))
    for name in core.param_names(cell):
        probe = {n: v.copy() for n, v in params.items()}
        numeric = oracle.central_difference(
            lambda probe=probe: oracle.loss(cell, probe, X, y, start, state), probe[name]
        )
        assert_close(result.grads[name], numeric)
    X_probe = X.copy()
    dx = oracle.central_difference(
        lambda: oracle.loss(cell, params, X_probe, y, start, state), X_probe
    )
    assert_close(result.dx, dx)
    assert np.all(result.dx[:, :start] == 0) and np.all(result.dh[:, :start] == 0)
    full = core.cell_backward(cell, params, trace, y)
    np.testing.assert_array_equal(result.dh[:, start + 1 :], full.dh[:, start + 1 :])


@pytest.mark.parametrize("cell", core.CELLS)
def test_truncation_at_T_is_full_bptt(cell):
    params = scaled_params(cell, 3, 0, 1.0)
    X, y = windows(2, 4, 0)
    trace = core.cell_forward(cell, params, X)
    full, same = (core.cell_backward(cell, params, trace, y, truncate=k) for k in (None, 9))
    assert full.truncate == same.truncate == 4
    for name in core.param_names(cell):
        np.testing.assert_array_equal(full.grads[name], same.grads[name])


# ---- the RNN through the entry point is the tutorial's RNN -------------------------------------


@pytest.mark.parametrize("truncate", [None, 2])
def test_rnn_entry_points_are_core_forward_and_backward(truncate):
    params = core.init_params(5, seed=3)
    X, y = windows(4, 6, 3)
    trace, expected_trace = core.cell_forward("rnn", params, X), core.forward(params, X)
    for field in ("x", "a", "h", "y_pred"):
        np.testing.assert_array_equal(getattr(trace, field), getattr(expected_trace, field))
    result = core.cell_backward("rnn", params, trace, y, truncate)
    expected = core.backward(params, expected_trace, y, truncate)
    assert isinstance(result, core.BPTTResult) and result.loss == expected.loss
    for field in ("dL_dy", "dh", "da", "dx"):
        np.testing.assert_array_equal(getattr(result, field), getattr(expected, field))
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(result.grads[name], expected.grads[name])


def test_rnn_dx_is_W_xh_transposed_times_da():
    params = core.init_params(4, seed=1)
    X, y = windows(3, 5, 1)
    result = core.backward(params, core.forward(params, X), y)
    assert result.dx.shape == (3, 5)
    np.testing.assert_allclose(result.dx, np.einsum("bth,h->bt", result.da, params["W_xh"][:, 0]))


# ---- K stacked models are K separate models, to the last bit -----------------------------------


@pytest.mark.parametrize("cell", core.CELLS)
@pytest.mark.parametrize("batch, truncate", [(1, None), (5, None), (4, 2)])
def test_stacked_models_equal_separate_calls_exactly(cell, batch, truncate):
    hidden, seq_len = 3, 5
    models = [scaled_params(cell, hidden, seed, 1.0 + seed) for seed in range(3)]
    stacked = {name: np.stack([m[name] for m in models]) for name in core.param_names(cell)}
    X, y = windows(batch, seq_len, 0)
    trace = core.cell_forward(cell, stacked, X)
    result = core.cell_backward(cell, stacked, trace, y, truncate)
    assert trace.h.shape == (3, batch, seq_len + 1, hidden) and result.dx.shape == (
        3,
        batch,
        seq_len,
    )
    for k, params in enumerate(models):
        alone = core.cell_forward(cell, params, X)
        alone_result = core.cell_backward(cell, params, alone, y, truncate)
        assert np.array_equal(trace.y_pred[k], alone.y_pred)
        assert np.array_equal(trace.h[k], alone.h)
        assert result.loss[k] == alone_result.loss
        for name in core.param_names(cell):
            assert np.array_equal(result.grads[name][k], alone_result.grads[name])
        for field in ("dh", "dx", "dL_dy") + (("dc",) if cell == "lstm" else ()):
            assert np.array_equal(getattr(result, field)[k], getattr(alone_result, field))


# ---- shapes, counts, initialisation ------------------------------------------------------------


@pytest.mark.parametrize("cell, gates", [("lstm", "ifgo"), ("gru", ("r", "z", "n", "hn"))])
def test_gated_trace_and_result_shapes(cell, gates):
    batch, seq_len, hidden = 2, 4, 3
    params = core.init_cell(cell, hidden, 0)
    X, y = windows(batch, seq_len, 0)
    trace = core.cell_forward(cell, params, X)
    for gate in gates:
        assert getattr(trace, gate).shape == (batch, seq_len, hidden)
    assert trace.h.shape == (batch, seq_len + 1, hidden) and np.all(trace.h[:, 0] == 0)
    assert trace.y_pred.shape == (batch,) and trace.seq_len == seq_len
    assert trace.hidden_size == hidden
    result = core.cell_backward(cell, params, trace, y)
    assert result.dh.shape == (batch, seq_len + 1, hidden) and result.dx.shape == (batch, seq_len)
    assert result.da.shape == (batch, seq_len, core.gate_count(cell) * hidden)
    assert isinstance(result.loss, float)
    if cell == "lstm":
        assert trace.c.shape == result.dc.shape == (batch, seq_len + 1, hidden)
        assert np.all(trace.c[:, 0] == 0)


def test_one_window_is_a_batch_of_one():
    params = core.init_cell("gru", 3, 0)
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_array_equal(
        core.cell_forward("gru", params, x).h, core.cell_forward("gru", params, x[None]).h
    )


@pytest.mark.parametrize("cell, count", [("rnn", 461), ("lstm", 1861), ("gru", 1401)])
def test_parameter_counts_at_H_20(cell, count):
    assert core.parameter_count(cell, 20) == count


@pytest.mark.parametrize("cell", core.CELLS)
@pytest.mark.parametrize("hidden", [1, 2, 7, 20])
def test_parameter_count_is_the_number_of_parameters(cell, hidden):
    params = core.init_cell(cell, hidden, 0, init="pytorch")
    assert list(params) == list(core.param_names(cell))
    assert sum(v.size for v in params.values()) == core.parameter_count(cell, hidden)


@pytest.mark.parametrize("cell", GATED)
def test_gated_init_is_pytorchs_uniform_and_layout(cell):
    hidden = 20
    params = core.init_cell(cell, hidden, seed=5)
    rows = core.gate_count(cell) * hidden
    shapes = {"W_ih": (rows, 1), "W_hh": (rows, hidden), "b_ih": (rows,), "b_hh": (rows,)}
    shapes |= {"W_hy": (1, hidden), "b_y": (1,)}
    assert {name: v.shape for name, v in params.items()} == shapes
    every = np.concatenate([v.ravel() for v in params.values()])
    bound = 1 / np.sqrt(hidden)
    assert np.all(np.abs(every) <= bound) and np.abs(every).max() > 0.9 * bound
    # uniform on ±1/√H: variance bound²/3
    assert abs(every.var() / (bound**2 / 3) - 1) < 0.1


def test_rnn_init_tutorial_by_default_and_pytorch_on_request():
    for name, value in core.init_cell("rnn", 6, 4).items():
        np.testing.assert_array_equal(value, core.init_params(6, 4)[name])
    params = core.init_cell("rnn", 6, 4, init="pytorch")
    rng = np.random.default_rng(4)
    bound = 1 / np.sqrt(6)
    draws = [rng.uniform(-bound, bound, shape) for shape in [(6, 1), (6, 6), 6, 6, (1, 6), 1]]
    expected = dict(zip(["W_xh", "W_hh", "b_ih", "b_hh", "W_hy", "b_y"], draws, strict=True))
    for name in ("W_xh", "W_hh", "W_hy", "b_y"):
        np.testing.assert_array_equal(params[name], expected[name])
    np.testing.assert_array_equal(params["b_h"], expected["b_ih"] + expected["b_hh"])


@pytest.mark.parametrize("cell", core.CELLS)
def test_same_seed_same_numbers_other_seed_others(cell):
    a, b, c = (core.init_cell(cell, 4, seed, init="pytorch") for seed in (3, 3, 4))
    assert all(np.array_equal(a[n], b[n]) for n in a)
    assert not any(np.array_equal(a[n], c[n]) for n in a)
    X, y = windows(2, 5, 0)
    first = core.cell_backward(cell, a, core.cell_forward(cell, a, X), y)
    again = core.cell_backward(cell, b, core.cell_forward(cell, b, X), y)
    assert all(np.array_equal(first.grads[n], again.grads[n]) for n in a)


@pytest.mark.parametrize("cell", core.CELLS)
def test_functions_do_not_mutate_their_inputs(cell):
    params = core.init_cell(cell, 3, 0, init="pytorch")
    before = core.copy_cell_params(cell, params)
    X, y = windows(2, 4, 0)
    X_before, y_before = X.copy(), y.copy()
    core.cell_backward(cell, params, core.cell_forward(cell, params, X), y, truncate=2)
    assert all(np.array_equal(params[n], before[n]) for n in before)
    assert np.array_equal(X, X_before) and np.array_equal(y, y_before)
