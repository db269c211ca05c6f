"""Recall runs of the three cells in the Batcher: each in a batch of its own (its fresh windows
follow its own epoch), served in turn with the stacked batches, and each bit for bit what
`RecallRequest.execute` gives alone, whoever else trains beside it; and through the pool."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnviz import core
from rnnviz.runs.recall import RecallRequest, RecallResult
from rnnviz.server.batching import Batcher, BatchKey, batch_key
from rnnviz.server.jobs import TrainingPool
from rnnviz.server.solo import SoloKey
from tests.test_batching import drive
from tests.test_batching import request as train_request


def recall(**changes) -> RecallRequest:
    base = RecallRequest(cell="gru", hidden_size=3, lag=2, seq_len=4, n_windows=12, epochs=5)
    return dataclasses.replace(base, **changes)


def assert_same_recall(result: RecallResult, alone: RecallResult) -> None:
    assert isinstance(result, RecallResult) and result.request == alone.request
    for name in core.param_names(alone.request.cell):
        np.testing.assert_array_equal(result.params[name], alone.params[name])
        np.testing.assert_array_equal(result.initial_params[name], alone.initial_params[name])
    np.testing.assert_array_equal(result.total_loss, alone.total_loss)
    np.testing.assert_array_equal(result.mean_loss, alone.mean_loss)
    assert result.held_out_mse == alone.held_out_mse
    assert (result.diverged, result.stopped_early) == (alone.diverged, alone.stopped_early)
    assert result.message == alone.message


def test_each_cell_trains_alone_beside_stacked_runs_and_equals_execute():
    batcher = Batcher(quantum_s=0.0)
    runs = {
        "rnn": recall(cell="rnn", init="tutorial", lr=0.03, epochs=7),
        "rnn-pt": recall(cell="rnn", init="pytorch", lr=0.03, batch_size=1),
        "lstm": recall(cell="lstm", epochs=6, seed=2),
        "gru": recall(cell="gru", epochs=4, task_seed=5, clip=None, lr=0.05),
    }
    stacked = {"weather": train_request(seed=1, epochs=8)}
    schedule = {
        0: [("add", "lstm", runs["lstm"]), ("add", "weather", stacked["weather"])],
        1: [("add", "rnn", runs["rnn"])],
        3: [("add", "gru", runs["gru"]), ("add", "rnn-pt", runs["rnn-pt"])],
    }
    finished = drive(batcher, schedule, turns=60)
    assert set(finished) == set(runs) | set(stacked) and len(batcher) == 0
    for name, run in runs.items():
        assert_same_recall(finished[name].result, run.execute())
    alone = stacked["weather"].execute()
    np.testing.assert_array_equal(finished["weather"].result.total_loss, alone.total_loss)


def test_identical_recall_runs_never_share_a_batch_and_the_cell_is_in_the_key():
    run = recall(cell="lstm")
    assert batch_key(run, "a") != batch_key(run, "b")
    assert batch_key(run, "a") == SoloKey("lstm", "a")
    assert isinstance(batch_key(train_request(), "a"), BatchKey)
    batcher = Batcher(quantum_s=0.0)
    batcher.add("a", run)
    batcher.add("b", run)
    assert len(batcher.batches) == 2
    finished = drive(batcher, {}, turns=20)
    alone = run.execute()
    for name in "ab":
        assert_same_recall(finished[name].result, alone)


def test_solo_and_stacked_batches_take_turns_one_epoch_each():
    batcher = Batcher(quantum_s=0.0)  # one epoch a turn
    for name, cell in (("r", "rnn"), ("l", "lstm"), ("g", "gru")):
        batcher.add(name, recall(cell=cell, init="pytorch", epochs=50))
    batcher.add("w", train_request(epochs=50))
    for rounds in range(1, 4):
        for _ in range(4):
            batcher.step()
        epochs = {name: member.epoch for name, (member, _) in batcher.members.items()}
        assert epochs == {name: rounds for name in "rlgw"}


@pytest.mark.parametrize("cell", core.CELLS)
def test_a_diverging_recall_run_says_what_execute_says(cell):
    batcher = Batcher(quantum_s=0.0)
    wild = recall(cell=cell, lr=200.0, clip=None, batch_size=4, epochs=30, init="pytorch")
    finished = drive(batcher, {0: [("add", "wild", wild)]}, turns=40)
    result = finished["wild"].result
    assert result.diverged and 1 < result.epochs_done < 30
    assert f"diverged in epoch {result.epochs_done + 1}" in result.message
    assert_same_recall(result, wild.execute())


def test_a_stopped_recall_run_keeps_its_epochs():
    batcher = Batcher(quantum_s=0.0)
    run = recall(cell="gru", epochs=20)
    finished = drive(batcher, {0: [("add", "x", run)], 4: [("stop", "x")]}, turns=10)
    stopped = finished["x"].result
    assert stopped.stopped_early and stopped.epochs_done == 4
    assert "partly trained" in stopped.message
    partial = dataclasses.replace(run, epochs=4).execute()
    np.testing.assert_array_equal(stopped.total_loss, partial.total_loss)
    for name in core.GATED_PARAM_NAMES:
        np.testing.assert_array_equal(stopped.params[name], partial.params[name])
    assert stopped.held_out_mse == partial.held_out_mse


def test_a_recall_run_stopped_before_it_started_returns_its_start():
    batcher = Batcher(quantum_s=0.0)
    run = recall(cell="rnn", init="tutorial")
    batcher.add("x", run)
    batcher.stop("x")
    (event,) = batcher.step()
    result = event.result
    assert result.epochs_done == 0 and isinstance(result, RecallResult)
    start = run.initial_params()
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(result.params[name], start[name])


@st.composite
def recall_schedules(draw):
    """Up to 4 recall runs of any cell, joining at turns 0..5, some stopped, some wild."""
    plan, runs = {}, {}
    for i in range(draw(st.integers(1, 4))):
        cell = draw(st.sampled_from(core.CELLS))
        run = recall(
            cell=cell,
            hidden_size=2,
            seed=draw(st.integers(0, 20)),
            task_seed=draw(st.integers(0, 3)),
            lr=draw(st.sampled_from([1e-2, 0.3, 50.0])),
            clip=draw(st.sampled_from([1.0, None])),
            batch_size=draw(st.sampled_from([1, 5, 12])),
            epochs=draw(st.integers(1, 5)),
            init=draw(st.sampled_from(core.INITS)) if cell == "rnn" else "pytorch",
        )
        runs[f"r{i}"] = run
        plan.setdefault(draw(st.integers(0, 5)), []).append(("add", f"r{i}", run))
        if draw(st.booleans()):
            plan.setdefault(draw(st.integers(0, 8)), []).append(("stop", f"r{i}"))
    return plan, runs


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recall_schedules())
def test_any_schedule_gives_each_recall_run_its_own_result(plan):
    schedule, runs = plan
    finished = drive(Batcher(quantum_s=0.0), schedule, turns=40)
    assert set(finished) == set(runs)
    for name, run in runs.items():
        result = finished[name].result
        if result.stopped_early or (result.epochs_done == 0 and not result.diverged):
            if result.epochs_done == 0:
                continue
            run = dataclasses.replace(run, epochs=result.epochs_done)
            result = dataclasses.replace(result, request=run, stopped_early=False, message="")
        assert_same_recall(result, run.execute())


@pytest.fixture(scope="module")
def pool():
    pool = TrainingPool(workers=1)
    yield pool
    pool.shutdown()


def wait_for(pool: TrainingPool, job_id: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = pool.view(job_id)
        if not view.state.active:
            return view
        time.sleep(0.05)
    raise AssertionError("the recall job did not finish")


def test_the_pool_trains_the_three_cells_as_separate_jobs_and_caches_them(pool):
    runs = [recall(cell=cell, init="pytorch", epochs=15, seed=40) for cell in core.CELLS]
    jobs = [pool.submit(run)[0] for run in runs]
    assert len(set(jobs)) == 3
    for job_id, run in zip(jobs, runs, strict=True):
        view = wait_for(pool, job_id)
        assert view.state == "done" and view.epoch == 15
        assert_same_recall(view.result, run.execute())
    again = pool.view(pool.submit(runs[1])[0])
    assert again.cached and again.result.request == runs[1]
    with pytest.raises(ValueError):  # shared results are read-only
        again.result.params["W_hh"][0, 0] = 1.0
