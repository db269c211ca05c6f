"""The vanishing-gradient figure plots the engine's numbers on log axes, and never a zero there."""

import numpy as np
import pytest

from rnnviz import core
from rnnviz.core import memory
from rnnviz.figures.axes import log_floor, positive_or_none
from rnnviz.figures.memory import gradient_memory_figure


def report_for(hidden: int, scale: float, length: int = 40) -> memory.MemoryReport:
    X, y = core.make_windows(core.weather_series(n=length + 1), length)
    return memory.memory_report(core.init_params(hidden, seed=0), X[0], y[0], scale)


def y_values(trace) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in trace.y], dtype=float)


def by_name(fig, start: str):
    (trace,) = [t for t in fig.data if t.name.startswith(start)]
    return trace


def assert_nothing_non_positive_on_a_log_axis(fig):
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    for trace in fig.data:
        values = y_values(trace)
        assert not np.any(values[~np.isnan(values)] <= 0), trace.name


@pytest.mark.parametrize("scale", [0.5, 1.0, 3.0])
def test_scalar_figure_holds_the_norms_and_the_exact_product(scale):
    report = report_for(1, scale)
    fig = gradient_memory_figure(report)
    norms = by_name(fig, "‖∂L/∂h_t‖ from BPTT")
    np.testing.assert_array_equal(norms.x, np.arange(1, 41))
    np.testing.assert_array_equal(y_values(norms), report.norms)
    np.testing.assert_array_equal(y_values(by_name(fig, "exact product")), report.envelope)
    gains = by_name(fig, "gain per step back")
    np.testing.assert_array_equal(gains.x, np.arange(2, 41))
    np.testing.assert_array_equal(y_values(gains), report.factors[1:])
    assert_nothing_non_positive_on_a_log_axis(fig)


def test_vector_figure_holds_the_measured_gains_and_the_bound():
    report = report_for(6, 2.0)
    fig = gradient_memory_figure(report)
    np.testing.assert_array_equal(y_values(by_name(fig, "‖∂L/∂h_t‖ from")), report.norms)
    np.testing.assert_array_equal(y_values(by_name(fig, "bound ‖∂L/∂h_T‖")), report.envelope)
    np.testing.assert_array_equal(y_values(by_name(fig, "measured gain")), report.gains)
    np.testing.assert_array_equal(y_values(by_name(fig, "bound ‖W_hh‖₂")), report.factors[1:])
    assert_nothing_non_positive_on_a_log_axis(fig)


def test_exact_zeros_become_marked_points_at_the_floor_not_log_of_zero():
    report = report_for(1, 0.0, length=10)  # W_hh = 0: dL/dh_t = 0 for t < T
    assert np.sum(report.norms == 0) == 9
    fig = gradient_memory_figure(report)
    assert_nothing_non_positive_on_a_log_axis(fig)
    line = y_values(by_name(fig, "‖∂L/∂h_t‖ from BPTT"))
    assert np.isnan(line[:9]).all() and line[9] == report.norms[9]  # zeros are gaps in the line
    zeros = by_name(fig, "‖∂L/∂h_t‖ exactly 0")
    assert zeros.visible
    np.testing.assert_array_equal(zeros.x, np.arange(1, 10))
    floor = report.norms[9] / 100
    np.testing.assert_allclose(zeros.y, floor)
    gain_zeros = by_name(fig, "gain exactly 0")
    np.testing.assert_array_equal(gain_zeros.x, np.arange(2, 11))


def test_no_zero_markers_when_there_are_no_zeros():
    fig = gradient_memory_figure(report_for(1, 1.0))
    assert not by_name(fig, "‖∂L/∂h_t‖ exactly 0").visible
    assert len(by_name(fig, "‖∂L/∂h_t‖ exactly 0").x) == 0


def test_log_helpers():
    assert positive_or_none(np.array([0.0, 2.0, np.nan, -1.0])) == [None, 2.0, None, None]
    assert log_floor(np.array([0.0, 1e-5, 3.0])) == pytest.approx(1e-7)
    assert log_floor(np.zeros(3)) == 1.0


def test_the_line_label_sits_on_the_line_one_of_the_log_axis():
    fig = gradient_memory_figure(report_for(1, 1.0))
    (label,) = [a for a in fig.layout.annotations if a.text.startswith("gain 1")]
    assert label.yref == "y2" and label.y == 0.0  # log10(1)
