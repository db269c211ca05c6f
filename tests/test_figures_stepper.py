"""The stepper's tanh curve and h_t heatmap plot the engine's a_t and h_t up to the step."""

import numpy as np
import pytest

from rnnviz import core
from rnnviz.figures.stepper import hidden_heatmap, tanh_figure

T = 5


def trace_of(hidden: int, seed: int = 0):
    X, _ = core.make_windows(core.weather_series(), T)
    return core.forward(core.init_params(hidden, seed), X[3:4])


def test_tanh_curve_is_tanh_and_the_current_point_is_the_engines():
    trace = trace_of(hidden=1)
    curve, earlier, current = tanh_figure(trace, 3).data
    np.testing.assert_allclose(curve.y, np.tanh(curve.x))
    assert (current.x[0], current.y[0]) == (trace.a[0, 2, 0], trace.h[0, 3, 0])
    np.testing.assert_array_equal(earlier.x, trace.a[0, :2, 0])
    np.testing.assert_array_equal(earlier.y, trace.h[0, 1:3, 0])


def test_tanh_curve_reaches_past_large_pre_activations():
    params = core.init_params(1, 0)
    params["W_xh"][:] = 0.5  # a_t ≈ 10: the point must still sit on the drawn curve
    X, _ = core.make_windows(core.weather_series(), T)
    trace = core.forward(params, X[:1])
    curve = tanh_figure(trace, 1).data[0]
    assert curve.x.max() >= trace.a.max()


@pytest.mark.parametrize(("step", "current", "earlier"), [(0, 0, 0), (T + 1, 0, T)])
def test_before_and_after_the_days_no_point_is_current(step, current, earlier):
    _, earlier_trace, current_trace = tanh_figure(trace_of(1), step).data
    assert len(current_trace.x) == current and len(earlier_trace.x) == earlier


def test_vector_model_shows_every_unit_of_the_current_day():
    trace = trace_of(hidden=6)
    current = tanh_figure(trace, 2).data[2]
    np.testing.assert_array_equal(current.x, trace.a[0, 1])
    np.testing.assert_array_equal(current.y, trace.h[0, 2])


@pytest.mark.parametrize("step", range(T + 2))
def test_heatmap_column_grows_with_the_step(step):
    trace = trace_of(hidden=4)
    z = hidden_heatmap(trace, step).data[0].z
    h = trace.h[0]  # (T+1, H)
    for t in range(T + 1):
        column = [row[t] for row in z]
        if t <= min(step, T):
            np.testing.assert_array_equal(column, h[t])
        else:
            assert column == [None] * 4  # a gap, not a zero


def test_steps_outside_the_timeline_are_refused():
    with pytest.raises(ValueError, match="forward step"):
        tanh_figure(trace_of(1), T + 2)
    with pytest.raises(ValueError, match="forward step"):
        hidden_heatmap(trace_of(1), -1)


def test_every_trace_is_named_in_the_numbers_table():
    """The "Show the numbers" table names each row by its trace: no anonymous "trace 1"."""
    from rnnviz.figures.tables import figure_table

    trace = trace_of(3)
    for fig in (tanh_figure(trace, 2), hidden_heatmap(trace, 2)):
        names = set(figure_table(fig)["trace"])
        assert names and not any(name.startswith("trace ") for name in names), names
