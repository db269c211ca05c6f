"""Page 5's figures and the dynamics figures plot the engine's arrays: the recall loss curves and
held-out errors against their reference levels, the gradient per timestep, one window's gates
and states, the cobweb up to the current step, the slopes, and the PCA of h_T."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz import core
from rnnviz.figures import dynamics, gates


def numbers(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in np.ravel(values)], dtype=float)


@pytest.fixture(scope="module")
def trained():
    task = core.RecallTask(seq_len=6, lag=3, n_windows=24, seed=0)
    runs = {}
    for cell in core.CELLS:
        params = core.init_cell(cell, 4, seed=1, init="pytorch")
        history = core.train_cell_recall(cell, params, task, epochs=5, lr=0.1, batch_size=8)
        runs[cell] = (params, history)
    return task, runs


def test_the_loss_curves_are_the_histories_with_both_reference_levels(trained):
    task, runs = trained
    curves = [(cell, cell.upper(), history.mean_loss) for cell, (_, history) in runs.items()]
    fig = gates.recall_loss_figure(curves, baseline=task.baseline_mse, floor=task.noise_floor)
    for trace, (_, _, loss) in zip(fig.data[:3], curves, strict=True):
        np.testing.assert_array_equal(trace.y, loss)
        np.testing.assert_array_equal(trace.x, np.arange(1, 6))
    baseline, floor = fig.data[3:]
    assert list(baseline.y) == [task.baseline_mse] * 2 and list(floor.y) == [task.noise_floor] * 2
    assert "no memory" in baseline.name and "noise floor" in floor.name
    assert fig.layout.yaxis.type == "log"
    assert len({t.line.color for t in fig.data[:3]}) == 3  # one colour per cell


def test_the_loss_curve_leaves_out_what_a_log_axis_cannot_show():
    loss = np.array([1.0, np.nan, 0.0, 0.5])
    fig = gates.recall_loss_figure([("rnn", "RNN", loss)], baseline=1.01, floor=0.01, epochs=10)
    np.testing.assert_array_equal(fig.data[0].x, [1, 4])
    assert tuple(fig.layout.xaxis.range) == (0, 11)


def test_held_out_dots_sit_between_the_baseline_and_the_floor():
    rows = [("rnn", "RNN", 0.98), ("lstm", "LSTM", 0.02), ("gru", "GRU", np.inf)]
    fig = gates.held_out_figure(rows, baseline=1.01, floor=0.01)
    dots = fig.data[0]
    assert list(dots.x) == [0.98, 0.02] and list(dots.y) == ["RNN", "LSTM"]  # inf left out
    assert sorted(shape.x0 for shape in fig.layout.shapes) == [0.01, 1.01]
    assert fig.layout.xaxis.type == "log"


def test_the_connectivity_panels_plot_each_cells_profile(trained):
    task, runs = trained
    X, y = task.held_out(16)
    profiles = [
        (cell, cell, core.gradient_profile(cell, params, X, y))
        for cell, (params, _) in runs.items()
    ]
    fig = gates.connectivity_figure(profiles, recall_t=4)
    by_name = {trace.name: trace for trace in fig.data}
    for cell, _, profile in profiles:
        dx = by_name[f"|∂L/∂x_t|, {cell.upper()}"]
        np.testing.assert_array_equal(numbers(dx.y), profile.dx)
        np.testing.assert_array_equal(dx.x, np.arange(1, 7))
        dh = by_name[f"‖∂L/∂h_t‖, {cell.upper()}"]
        np.testing.assert_array_equal(numbers(dh.y), profile.dh)
        np.testing.assert_array_equal(dh.x, np.arange(0, 7))
    np.testing.assert_array_equal(
        numbers(by_name["‖∂L/∂c_t‖ (the LSTM's cell), LSTM"].y), profiles[1][2].dc
    )
    assert len(fig.data) == 7  # dc for the LSTM only
    assert [shape.x0 for shape in fig.layout.shapes] == [4, 4, 4]
    assert fig.layout.yaxis.type == "log"


def test_a_gradient_that_never_arrives_is_a_gap_not_a_number():
    profile = core.GradientProfile(
        dx=np.array([0.0, 1e-3]), dh=np.array([0.0, 0.0, 1.0]), dc=None, loss=1.0
    )
    fig = gates.connectivity_figure([("rnn", "RNN", profile)], recall_t=1)
    assert list(fig.data[0].y) == [None, 1e-3] and list(fig.data[1].y) == [None, None, 1.0]


def test_unit_heatmaps_hold_the_gates_units_down_and_steps_across():
    params = core.init_cell("lstm", 3, seed=0)
    X = np.random.default_rng(1).normal(size=(1, 5))
    trace = core.cell_forward("lstm", params, X)
    order = np.array([2, 0, 1])
    fig = gates.unit_heatmaps(
        [("f", trace.f[0][:, order]), ("i", trace.i[0][:, order])],
        first_t=1,
        signed=False,
        units=["c", "a", "b"],
        recall_t=3,
    )
    np.testing.assert_array_equal(fig.data[0].z, trace.f[0][:, order].T)
    np.testing.assert_array_equal(fig.data[0].x, np.arange(1, 6))
    assert list(fig.data[1].y) == ["c", "a", "b"]
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0.0, 1.0)
    states = gates.unit_heatmaps([("c", trace.c[0])], first_t=0, signed=True, units=["1", "2", "3"])
    np.testing.assert_array_equal(states.data[0].x, np.arange(0, 6))
    bound = float(np.abs(trace.c[0]).max())
    assert (states.layout.coloraxis.cmin, states.layout.coloraxis.cmax) == (-bound, bound)


@pytest.mark.parametrize("step", [0, 1, 3, 5, 6])
def test_the_cobweb_is_drawn_up_to_the_stepper_s_day(step):
    params = core.init_params(1, seed=0)
    params["W_hh"] = np.array([[1.5]])
    X, _ = core.make_windows(core.weather_series(), 5)
    trace = core.forward(params, X[:1])
    grid = np.linspace(-1, 1, 11)
    maps = core.day_maps(params, X[0], grid)
    path = core.cobweb_path(trace)
    fig = dynamics.cobweb_figure(grid, maps, path, step)
    reached = min(step, 5)
    day_curves = fig.data[1:6]
    for t, curve in enumerate(day_curves, start=1):
        np.testing.assert_array_equal(curve.y, maps[t - 1])
    widths = [curve.line.width for curve in day_curves]
    assert widths.count(3) == (1 if reached else 0)  # the current day's map stands out
    walked = fig.data[6]
    np.testing.assert_array_equal(walked.x, path[: 2 * reached + 1, 0])
    np.testing.assert_array_equal(walked.y, path[: 2 * reached + 1, 1])
    assert list(fig.data[7].y) == [trace.h[0, reached, 0]]
    with pytest.raises(ValueError):
        dynamics.cobweb_figure(grid, maps, path, 7)


def test_the_slopes_are_shown_up_to_the_current_day_against_one():
    slopes = np.array([0.9, -1.2, 0.3, 0.05, 2.0])
    fig = dynamics.slopes_figure(slopes, 3)
    np.testing.assert_array_equal(fig.data[0].y, [0.9, 1.2, 0.3])
    np.testing.assert_array_equal(fig.data[0].x, [1, 2, 3])
    assert list(fig.data[1].y) == [1.0, 1.0]
    assert fig.data[0].marker.color[1] != fig.data[0].marker.color[0]  # above 1 stands out


def test_the_pca_figure_plots_the_scores_and_the_picked_path():
    X, y = core.make_windows(core.weather_series(), 5)
    params = core.init_params(4, seed=0)
    h = core.forward(params, X / 20).h
    pca = core.pca(h[:, -1, :])
    fig = dynamics.final_states_figure(
        pca.scores, y, "target", pca.explained, trajectory=pca.project(h[7]), picked=7
    )
    np.testing.assert_array_equal(fig.data[0].x, pca.scores[:, 0])
    np.testing.assert_array_equal(fig.data[0].y, pca.scores[:, 1])
    np.testing.assert_array_equal(fig.data[0].marker.color, y)
    np.testing.assert_allclose(fig.data[1].x, pca.project(h[7])[:, 0])
    np.testing.assert_allclose(fig.data[1].y[-1], pca.scores[7, 1], atol=1e-12)  # ends at h_T
    assert "window 8" in fig.data[1].name
    assert f"{pca.explained[0]:.0%}" in fig.layout.xaxis.title.text
