"""A student's training as the class experiment shows it: `RoomRun.of_training` (settings and
scores), `room_state` (a job's state in the room's words) and `room_reporter` (the pool's hook
that files the run in every room it is tagged with)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.runs import RunResult, TrainRequest, score
from rnnviz.runs.score import RoomRun
from rnnviz.server.records import JobState, JobView
from rnnviz.server.rooms import InMemoryRooms, room_reporter, room_state

SERIES = tuple(sorted((s.name, s.default) for s in schema.SERIES))
MEASURED = tuple(10.0 + 5.0 * np.sin(np.arange(60) / 4.0))  # 60 days: 55 windows at T = 5
# A measured, standardised run: its loss is in std², and the room shows °C².
MEASURED_RUN = TrainRequest(
    series=SERIES,
    seq_len=5,
    hidden_size=3,
    seed=7,
    lr=0.02,
    epochs=40,
    scaling="standardised",
    observed=MEASURED,
)
GENERATED_RUN = TrainRequest(series=SERIES, seq_len=5, hidden_size=3, seed=1, epochs=2)


def snapshot(request: TrainRequest, total_loss) -> RunResult:
    """A run stopped at its initial parameters after len(total_loss) epochs."""
    params = core.init_params(request.hidden_size, seed=request.seed)
    return RunResult.from_snapshot(request, params, np.array(total_loss), elapsed_s=0.0)


def view(state: JobState, total_loss=(), result=None) -> JobView:
    total_loss = np.array(total_loss, dtype=float)
    return JobView("job", state, len(total_loss), 40, total_loss, None, 0.0, result, False, "")


def test_a_room_run_carries_the_requests_settings_and_its_progress():
    run = RoomRun.of_training(MEASURED_RUN, "training", np.array([9.0, 4.0, 2.0]))
    assert (run.student, run.lr, run.seed, run.hidden_size, run.epochs) == (0, 0.02, 7, 3, 40)
    assert (run.epoch, run.state, run.fresh_mse) == (3, "training", None)


def test_the_loss_is_the_last_epochs_mean_per_window_in_degrees_squared():
    total_loss = np.array([9.0, 4.0, 2.5])
    run = RoomRun.of_training(MEASURED_RUN, "training", total_loss)
    windows = len(MEASURED) - MEASURED_RUN.seq_len
    std = float(np.std(MEASURED))  # the standardised run's scale
    assert std != pytest.approx(1.0)
    assert run.loss == pytest.approx(2.5 / windows * std**2, rel=1e-12)


@pytest.mark.parametrize("total_loss", [[], [1.0, math.inf], [math.nan]])
def test_no_loss_before_the_first_epoch_or_when_it_is_not_a_number(total_loss):
    run = RoomRun.of_training(MEASURED_RUN, "training", np.array(total_loss))
    assert run.loss is None and run.epoch == len(total_loss)


def test_fresh_data_scores_a_finished_run_only():
    result = snapshot(GENERATED_RUN, [5.0, 3.0])
    finished = RoomRun.of_training(GENERATED_RUN, "finished", result.total_loss, result)
    assert finished.fresh_mse == score.fresh_mse(result)
    assert finished.fresh_mse is not None and 0.0 < finished.fresh_mse < math.inf
    for state in ("stopped", "diverged"):
        ended = RoomRun.of_training(GENERATED_RUN, state, result.total_loss, result)
        assert ended.fresh_mse is None
        assert ended.loss == finished.loss


def test_a_measured_series_has_no_fresh_data():
    result = snapshot(MEASURED_RUN, [5.0])
    run = RoomRun.of_training(MEASURED_RUN, "finished", result.total_loss, result)
    assert run.fresh_mse is None and run.loss is not None


def test_a_jobs_state_in_the_rooms_words():
    calm = snapshot(GENERATED_RUN, [5.0])
    blown = dataclasses.replace(calm, diverged=True)
    assert room_state(view(JobState.QUEUED)) == "training"
    assert room_state(view(JobState.RUNNING, [5.0])) == "training"
    assert room_state(view(JobState.DONE, [5.0], calm)) == "finished"
    assert room_state(view(JobState.STOPPED, [5.0], calm)) == "stopped"
    assert room_state(view(JobState.STOPPED, [5.0], blown)) == "diverged"  # it stopped itself
    assert room_state(view(JobState.DONE, [5.0], blown)) == "diverged"


def test_the_reporter_files_a_tagged_run_under_each_students_number():
    store = InMemoryRooms()
    (code, _), (other, _) = store.open(), store.open()
    store.student_number(code, "ann")
    report = room_reporter(store)
    report("job", GENERATED_RUN, view(JobState.RUNNING, [5.0]), {(code, "bob"), (other, "bob")})
    expected = RoomRun.of_training(GENERATED_RUN, "training", np.array([5.0]))
    assert store.runs(code) == [dataclasses.replace(expected, student=2)]  # ann is number 1
    assert store.runs(other) == [dataclasses.replace(expected, student=1)]

    result = snapshot(GENERATED_RUN, [5.0, 3.0])
    report("job", GENERATED_RUN, view(JobState.DONE, [5.0, 3.0], result), {(code, "bob")})
    (latest,) = store.runs(code)
    assert (latest.state, latest.epoch) == ("finished", 2)
    assert latest.fresh_mse == score.fresh_mse(result)


def test_the_reporter_skips_failed_jobs_other_requests_and_closed_rooms():
    store = InMemoryRooms()
    code, _ = store.open()
    gone, gone_token = store.open()
    store.close(gone, gone_token)
    report = room_reporter(store)
    report("job", GENERATED_RUN, view(JobState.FAILED, [5.0]), {(code, "ann")})
    report("job", "not a training", view(JobState.RUNNING, [5.0]), {(code, "ann")})
    assert store.runs(code) == []
    report("job", GENERATED_RUN, view(JobState.RUNNING, [5.0]), {(gone, "ann"), (code, "ann")})
    assert [run.state for run in store.runs(code)] == ["training"]  # the closed room is skipped
