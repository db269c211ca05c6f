"""The training figures (loss, predictions, the model's inside, comparisons) plot the engine's
numbers, leave out what cannot be drawn, never NaN."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz import core
from rnnviz.core.stacked import train_stacked
from rnnviz.figures import axes, comparisons, inside, training


@pytest.fixture(scope="module")
def trained():
    """A small model trained 30 epochs on the tutorial's windows, with its history."""
    X, y = core.make_windows(core.weather_series(), 5)
    params = core.init_params(6, seed=1)
    initial = core.copy_params(params)
    history = core.train(params, X, y, epochs=30)
    return X, y, initial, params, history


def finite_numbers(values) -> np.ndarray:
    """Plotly trace data as a float array (None → NaN, to check that none is there)."""
    return np.array([np.nan if v is None else v for v in np.ravel(values)], dtype=float)


def test_loss_curve_is_the_history_on_a_log_axis(trained):
    *_, history = trained
    fig = training.loss_figure([("run", history.mean_loss)], epochs=30, noise_floor=0.25)
    curve, floor = fig.data
    np.testing.assert_array_equal(curve.y, history.mean_loss)
    np.testing.assert_array_equal(curve.x, np.arange(1, 31))
    assert fig.layout.yaxis.type == "log"
    assert list(floor.y) == [0.25, 0.25] and "0.25" in floor.name
    assert tuple(fig.layout.xaxis.range) == (0, 31)  # a live curve grows into a still frame


def test_loss_curve_leaves_out_what_a_log_axis_cannot_show():
    loss = np.array([4.0, 2.0, np.nan, 0.0, np.inf, 1.0])
    fig = training.loss_figure([("a", loss), ("b", np.array([3.0]))])
    curve = fig.data[0]
    np.testing.assert_array_equal(curve.x, [1, 2, 6])  # epochs keep their numbers
    np.testing.assert_array_equal(curve.y, [4.0, 2.0, 1.0])
    assert fig.data[0].line.color != fig.data[1].line.color  # overlaid runs are told apart


def test_log_ticks_span_the_values_with_plain_labels():
    ticks = axes.log_ticks(np.array([0.25, 20.0]))
    assert min(ticks["tickvals"]) <= 0.25 and max(ticks["tickvals"]) >= 20
    assert "0.5" in ticks["ticktext"] and "10" in ticks["ticktext"]
    assert axes.log_ticks(np.array([np.nan, -1.0])) == {}


def test_predictions_sit_on_the_day_each_window_predicts(trained):
    X, y, _, params, _ = trained
    temps = core.weather_series()
    predictions = core.predict(params, X)
    truth, pred = training.predictions_figure(temps, predictions, 5).data
    np.testing.assert_array_equal(truth.y, temps)
    np.testing.assert_array_equal(pred.x, np.arange(6, 101))  # window 1 (days 1-5) → day 6
    np.testing.assert_array_equal(pred.y, predictions)


def test_predictions_far_off_the_chart_are_said_not_squashed_into_it():
    temps = core.weather_series()
    predictions = np.full(95, 1.0)
    predictions[:3] = 3e154  # a model that blew up
    fig = training.predictions_figure(temps, predictions, 5)
    np.testing.assert_array_equal(fig.data[1].y, predictions)  # the data stays the engine's
    low, high = fig.layout.yaxis.range
    assert low < temps.min() and temps.max() < high < 100
    assert "3 predictions lie off this chart" in fig.layout.annotations[0].text
    assert training.predictions_figure(temps, np.ones(95), 5).layout.yaxis.range is None


def test_log_ticks_over_many_decades_are_few_powers_of_ten():
    ticks = axes.log_ticks(np.array([0.25, 1e300]))["tickvals"]
    assert len(ticks) <= 9 and all(np.log10(t).is_integer() for t in ticks)


def test_tutorial_test_shows_days_one_to_five_and_day_six(trained):
    X, y, _, params, _ = trained
    prediction = float(core.predict(params, X[:1])[0])
    fig = training.tutorial_test_figure(X[0], prediction, float(y[0]))
    inputs, truth, pred = fig.data
    np.testing.assert_array_equal(inputs.x, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(inputs.y, core.weather_series()[:5])
    assert (truth.x[0], truth.y[0]) == (6, y[0])
    assert (pred.x[0], pred.y[0]) == (6, prediction)
    # A prediction that is not a number is not drawn.
    assert len(training.tutorial_test_figure(X[0], float("nan"), float(y[0])).data) == 2


def test_hidden_state_heatmap_is_the_forward_pass(trained):
    X, _, _, params, _ = trained
    trace = core.forward(params, X[3:4])
    fig = inside.hidden_state_figure(trace.h[0], X[3])
    heat = fig.data[0]
    np.testing.assert_array_equal(np.array(heat.z), trace.h[0].T)  # (H, T+1): units × time
    assert np.all(np.array(heat.z)[:, 0] == 0)  # h_0 = 0
    assert (heat.zmin, heat.zmax) == (-1.0, 1.0)
    assert len(heat.x) == 6 and heat.x[1].startswith("h_1")


@pytest.mark.parametrize("name", core.PARAM_NAMES)
def test_weights_before_and_after_share_one_symmetric_scale(trained, name):
    _, _, initial, params, _ = trained
    fig = inside.weights_figure(name, initial[name], params[name])
    before, after = fig.data
    np.testing.assert_array_equal(np.array(before.z), inside.as_grid(name, initial[name]))
    np.testing.assert_array_equal(np.array(after.z), inside.as_grid(name, params[name]))
    bound = max(np.abs(initial[name]).max(), np.abs(params[name]).max())
    assert fig.layout.coloraxis.cmax == pytest.approx(bound)
    assert fig.layout.coloraxis.cmin == pytest.approx(-bound)
    rows = 1 if name == "b_y" else 6  # hidden units down the rows (W_hy transposed)
    assert np.array(after.z).shape[0] == rows


def test_generalisation_chart_holds_the_report_and_skips_non_finite(trained):
    _, _, _, params, _ = trained
    kwargs = {"n": 100, "phi": (0.7, 0.2), "sigma": 0.5, "start": (20.0, 21.0), "seed": 0}
    report = core.fit_report(params, kwargs, 5)
    bars = [
        ("train", report.train_mse, "train"),
        ("fresh", report.fresh_mse, "rnn"),
        ("true", report.baselines.true_ar2, "baseline"),
        ("broken", float("inf"), "baseline"),
    ]
    fig = comparisons.generalisation_figure(bars, report.baselines.noise_floor)
    bar = fig.data[0]
    assert list(bar.y) == ["train", "fresh", "true"]
    np.testing.assert_array_equal(
        bar.x, [report.train_mse, report.fresh_mse, report.baselines.true_ar2]
    )
    assert fig.layout.shapes[0].x0 == 0.25  # the noise floor


def test_gradient_norm_heatmap_is_the_recorded_norms():
    X, y = core.make_windows(core.weather_series(), 5)
    models = [core.init_params(4, seed=s) for s in (0, 1)]
    result = train_stacked(models, X, y, epochs=12, lr=[1e-4, 1e-3], grad_norms_every=3)
    runs = [(f"run {m}", g.epochs, g.norms) for m, g in enumerate(result.grad_norms)]
    fig = inside.gradient_norm_figure(runs)
    assert len(fig.data) == 2
    for heat, norms in zip(fig.data, result.grad_norms, strict=True):
        np.testing.assert_array_equal(heat.y, [3, 6, 9, 12])
        np.testing.assert_allclose(finite_numbers(heat.z), np.log10(norms.norms).ravel())
        np.testing.assert_array_equal(heat.x, np.arange(6))  # t = 0 … T


def test_zero_gradient_norms_are_blank_not_nan():
    z = axes.log10_or_none(np.array([[0.0, 1.0, 100.0]]))
    assert z == [[None, 0.0, 2.0]]


def test_long_runs_show_every_kth_epoch_and_the_last():
    rows = axes.epoch_rows(1001, max_rows=100)
    assert rows[0] == 0 and rows[-1] == 1000 and len(rows) <= 102
    np.testing.assert_array_equal(axes.epoch_rows(5), np.arange(5))


def test_truncation_chart_holds_the_measurements_and_references():
    results = {"k = 1": 0.31, "k = 2": 0.27, "k = 3": float("nan"), "full BPTT": 0.26}
    fig = comparisons.truncation_figure(
        results, noise_floor=0.25, references={"best one-lag predictor": 0.2604}
    )
    dots = fig.data[0]
    assert list(dots.x) == ["k = 1", "k = 2", "full BPTT"]
    np.testing.assert_array_equal(dots.y, [0.31, 0.27, 0.26])
    assert [shape.y0 for shape in fig.layout.shapes] == [0.25, 0.2604]
    names = [trace.name for trace in fig.data[1:]]
    assert names[0].startswith("noise floor") and "one-lag" in names[1]
