"""The gradient-check table and figure show core.grad_check's own numbers, entry by entry."""

import numpy as np
import pytest

from rnnviz import core
from rnnviz.figures.gradcheck import (
    entry_labels,
    gradcheck_entries,
    gradcheck_figure,
    gradcheck_summary,
)


def report_for(hidden: int) -> core.GradCheckReport:
    X, y = core.make_windows(core.weather_series(), 5)
    return core.grad_check(core.init_params(hidden, seed=0), X[:1], y[:1])


def flat(part: dict) -> np.ndarray:
    return np.concatenate([np.ravel(part[name]) for name in core.PARAM_NAMES])


@pytest.mark.parametrize("hidden", [1, 3])
def test_entries_table_holds_the_reports_numbers(hidden):
    report = report_for(hidden)
    table = gradcheck_entries(report)
    assert len(table) == hidden * hidden + 3 * hidden + 1
    np.testing.assert_array_equal(table["BPTT gradient g"], flat(report.analytic))
    np.testing.assert_array_equal(table["finite difference fd"], flat(report.numeric))
    np.testing.assert_array_equal(table["error"], flat(report.error))
    expected = np.where(flat(report.error) <= report.tolerance, "✓", "✗")
    np.testing.assert_array_equal(table["pass"], expected)


def test_a_failing_entry_gets_a_cross():
    report = report_for(1)
    broken = dict(report.analytic, W_hh=report.analytic["W_hh"] * 1.01)  # a wrong derivation
    error = dict(report.error, W_hh=core.relative_error(broken["W_hh"], report.numeric["W_hh"]))
    bad = core.GradCheckReport(
        analytic=broken,
        numeric=report.numeric,
        error=error,
        max_error={**report.max_error, "W_hh": float(error["W_hh"].max())},
        tolerance=report.tolerance,
        floor=report.floor,
    )
    table = gradcheck_entries(bad)
    assert table.loc[table["entry"] == "W_hh", "pass"].item() == "✗"
    assert (table.loc[table["entry"] != "W_hh", "pass"] == "✓").all()
    assert gradcheck_summary(bad).set_index("parameter").loc["W_hh", "pass"] == "✗"


def test_summary_has_one_row_per_parameter_with_the_max_error():
    report = report_for(4)
    summary = gradcheck_summary(report).set_index("parameter")
    assert list(summary.index) == list(core.PARAM_NAMES)
    for name in core.PARAM_NAMES:
        assert summary.loc[name, "max error"] == report.max_error[name]
        assert summary.loc[name, "entries"] == report.analytic[name].size


def test_labels_are_the_numpy_indices():
    labels = entry_labels(
        {"W_xh": (2, 1), "W_hh": (2, 2), "b_h": (2,), "W_hy": (1, 2), "b_y": (1,)}
    )
    assert [label for _, label in labels] == [
        "W_xh[0, 0]", "W_xh[1, 0]", "W_hh[0, 0]", "W_hh[0, 1]", "W_hh[1, 0]", "W_hh[1, 1]",
        "b_h[0]", "b_h[1]", "W_hy[0]", "W_hy[1]", "b_y",
    ]  # fmt: skip
    scalar = entry_labels(
        {name: (1, 1) if name.startswith("W") else (1,) for name in core.PARAM_NAMES}
    )
    assert [label for _, label in scalar] == list(core.PARAM_NAMES)


def test_figure_plots_every_error_on_a_log_axis_with_the_tolerance_line():
    report = report_for(3)
    fig = gradcheck_figure(report)
    assert fig.layout.yaxis.type == "log"
    plotted = np.full(len(gradcheck_entries(report)), np.nan)
    for trace in fig.data:
        if trace.visible is not False and len(trace.x):
            plotted[np.asarray(trace.x)] = trace.y
    errors = flat(report.error)
    positive = errors > 0
    np.testing.assert_array_equal(plotted[positive], errors[positive])
    assert np.all(plotted > 0)  # exact zeros sit at the floor, never at 0
    (line,) = [s for s in fig.layout.shapes if s.yref == "y"]  # the others separate groups
    assert line.y0 == line.y1 == report.tolerance
    (label,) = [a for a in fig.layout.annotations if a.text.startswith("tolerance")]
    assert label.y == pytest.approx(np.log10(report.tolerance))
