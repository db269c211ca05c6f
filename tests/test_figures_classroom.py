"""The class experiment: one point per student, their settings and scores, nothing invented."""

from __future__ import annotations

import numpy as np

from rnnviz.figures.classroom import class_experiment_figure
from rnnviz.runs.score import RoomRun

RUNS = [
    RoomRun(1, 1e-4, 0, 20, 2500, 2500, "finished", 0.45, 0.31),
    RoomRun(2, 1e-3, 1, 20, 2500, 900, "training", 0.60, None),
    RoomRun(3, 1e-1, 2, 8, 2500, 12, "diverged", None, None),
    RoomRun(4, 1e-2, 3, 8, 2500, 2500, "finished", 0.20, 0.29),
]


def traces(fig, name):
    return [t for t in fig.data if t.name == name]


def test_each_student_is_a_point_with_their_own_numbers():
    fig = class_experiment_figure(RUNS)
    loss_panel, fresh_panel = traces(fig, "H = 20, finished")
    assert list(loss_panel.x) == [1e-4] and list(loss_panel.y) == [0.45]
    assert list(fresh_panel.y) == [0.31]
    assert loss_panel.customdata[0][0] == 1  # the student's number, nothing more personal
    (still,) = traces(fig, "H = 20, still training")  # no fresh error yet: one panel only
    assert list(still.y) == [0.60] and still.marker.symbol == "circle-open"


def test_a_diverged_run_is_a_cross_above_the_finite_ones_never_a_number():
    fig = class_experiment_figure(RUNS)
    crosses = traces(fig, "H = 8, diverged")
    assert len(crosses) == 2 and all(c.marker.symbol == "x" for c in crosses)
    finite = [y for t in fig.data if t.marker.symbol != "x" for y in t.y]
    assert all(c.y[0] > max(finite) for c in crosses)
    assert all(np.isfinite(y) for t in fig.data for y in t.y)


def test_an_empty_room_draws_empty_panels():
    fig = class_experiment_figure([])
    assert len(fig.data) == 0 and fig.layout.xaxis.type == "log"
