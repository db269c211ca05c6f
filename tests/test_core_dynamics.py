"""The hidden state's dynamics: the scalar RNN's day maps, cobweb path and slopes agree with the
forward pass and with BPTT; the PCA agrees with the covariance's eigenvectors; and the
per-timestep gradient profile is each window's own gradient, averaged."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz import core

X, Y = core.make_windows(core.weather_series(), 5)


def scalar(W_hh: float, seed: int = 0) -> core.Params:
    params = core.init_params(1, seed=seed)
    params["W_hh"] = np.array([[W_hh]])
    return params


@pytest.mark.parametrize("W_hh", [-0.001, 0.5, 1.0, 1.5, -1.0])
def test_each_days_map_takes_h_t_minus_1_to_h_t(W_hh):
    params = scalar(W_hh)
    trace = core.forward(params, X[3:4])
    h = trace.h[0, :, 0]  # (T+1,)
    maps = core.day_maps(params, X[3], h[:-1])  # day t's map at every h_(t−1)
    np.testing.assert_allclose(np.diag(maps), h[1:], rtol=0, atol=1e-15)


def test_day_maps_are_the_equation_on_a_grid():
    params = scalar(1.5)
    grid = np.linspace(-1, 1, 7)
    maps = core.day_maps(params, X[0], grid)
    W_xh, b_h = params["W_xh"][0, 0], params["b_h"][0]
    for t in range(5):
        np.testing.assert_array_equal(maps[t], np.tanh(1.5 * grid + (W_xh * X[0, t] + b_h)))


def test_the_cobweb_goes_up_to_the_map_then_across_to_the_diagonal():
    params = scalar(-1.0)
    trace = core.forward(params, X[:1])
    h = trace.h[0, :, 0]
    path = core.cobweb_path(trace)
    assert path.shape == (11, 2)
    np.testing.assert_array_equal(path[0], [0.0, 0.0])  # h_0 = 0 on the diagonal
    for t in range(1, 6):
        np.testing.assert_array_equal(path[2 * t - 1], [h[t - 1], h[t]])  # up to day t's map
        np.testing.assert_array_equal(path[2 * t], [h[t], h[t]])  # across to the diagonal


@pytest.mark.parametrize("W_hh", [0.5, 1.5, -1.0])
def test_the_slope_is_the_derivative_and_the_factor_bptt_multiplies_by(W_hh):
    params = scalar(W_hh)
    trace = core.forward(params, X[:1])
    slopes = core.map_slopes(params, trace)
    h = trace.h[0, :, 0]
    step = 1e-6
    for t in range(1, 6):  # central difference of day t's map at h_(t−1)
        ends = core.day_maps(params, X[0], [h[t - 1] - step, h[t - 1] + step])[t - 1]
        assert slopes[t - 1] == pytest.approx((ends[1] - ends[0]) / (2 * step), rel=1e-6)
    dh = core.backward(params, trace, Y[:1]).dh[0, :, 0]  # dL/dh_t, t = 0..T
    np.testing.assert_allclose(dh[:-1], dh[1:] * slopes, rtol=1e-12, atol=1e-300)


def test_the_map_is_for_the_scalar_rnn_only():
    params = core.init_params(3, seed=0)
    trace = core.forward(params, X[:1])
    with pytest.raises(ValueError, match="scalar RNN"):
        core.day_maps(params, X[0], [0.0])
    with pytest.raises(ValueError, match="scalar RNN"):
        core.map_slopes(params, trace)
    with pytest.raises(ValueError, match="scalar RNN"):
        core.cobweb_path(trace)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 40), st.integers(1, 6), st.integers(0, 1000))
def test_pca_finds_the_covariances_leading_eigenvectors(n, dims, seed):
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(n, dims)) * rng.uniform(0.1, 3, dims)
    pca = core.pca(points)
    centred = points - points.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    order = np.argsort(values)[::-1]
    kept = min(2, dims, n)
    total = values.sum()
    for i in range(kept):
        if total > 0 and values[order[i]] / total > 1e-9:
            assert pca.explained[i] == pytest.approx(values[order[i]] / total, abs=1e-9)
            if i + 1 >= len(order) or values[order[i]] - values[order[i + 1]] > 1e-6 * total:
                assert abs(pca.components[i] @ vectors[:, order[i]]) == pytest.approx(1, abs=1e-6)
    assert pca.scores.shape == (n, 2) and pca.explained.sum() <= 1 + 1e-12
    np.testing.assert_allclose(pca.project(points), pca.scores, atol=1e-12)
    if dims <= 2 < n:  # two components hold every direction: the scores rebuild the points
        np.testing.assert_allclose(pca.scores @ pca.components, centred, atol=1e-9)


def test_pca_of_a_line_puts_everything_on_the_first_component():
    t = np.linspace(-1, 1, 30)
    points = np.stack([t, 2 * t, -t], axis=1) + [1.0, 2.0, 3.0]
    pca = core.pca(points)
    assert pca.explained[0] == pytest.approx(1.0) and pca.explained[1] == pytest.approx(
        0, abs=1e-12
    )
    np.testing.assert_allclose(np.abs(pca.components[0]), np.array([1, 2, 1]) / np.sqrt(6))
    assert pca.components[0, 1] > 0  # the sign: the largest entry is positive
    np.testing.assert_allclose(np.abs(pca.scores[:, 0]), np.abs(t) * np.sqrt(6), atol=1e-12)


def test_pca_of_scalars_and_of_one_point():
    one_dim = core.pca(np.arange(5.0)[:, None])
    np.testing.assert_array_equal(one_dim.scores[:, 1], 0.0)
    assert one_dim.explained.tolist() == [1.0, 0.0]
    single = core.pca([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(single.scores, [[0.0, 0.0]])
    with pytest.raises(ValueError, match="finite"):
        core.pca([[np.nan, 1.0]])


@pytest.mark.parametrize("cell", core.CELLS)
def test_the_gradient_profile_is_each_windows_own_gradient_averaged(cell):
    task = core.RecallTask(seq_len=6, lag=3, n_windows=7, seed=1)
    X_, y_ = task.windows(0)
    params = core.init_cell(cell, 4, seed=2, init="pytorch")
    profile = core.gradient_profile(cell, params, X_, y_)
    alone = [
        core.cell_backward(
            cell, params, core.cell_forward(cell, params, X_[i : i + 1]), y_[i : i + 1]
        )
        for i in range(7)
    ]
    np.testing.assert_allclose(profile.dx, np.mean([np.abs(r.dx[0]) for r in alone], axis=0))
    norms = [np.linalg.norm(r.dh[0], axis=-1) for r in alone]
    np.testing.assert_allclose(profile.dh, np.mean(norms, axis=0))
    if cell == "lstm":
        norms = [np.linalg.norm(r.dc[0], axis=-1) for r in alone]
        np.testing.assert_allclose(profile.dc, np.mean(norms, axis=0))
    else:
        assert profile.dc is None
    assert profile.dx.shape == (6,) and profile.dh.shape == (7,)
