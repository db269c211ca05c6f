"""Continuous batching: runs that join and leave a shared stacked computation, at any epoch,
each give bit for bit what `TrainRequest.execute` gives alone (parameters, loss history,
divergence), whoever else is in the batch."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.runs import TrainRequest
from rnnviz.server.batching import Batcher, BatchKey, Finished, Update

SERIES = tuple(sorted((s.name, s.default) for s in schema.SERIES))


def request(**changes) -> TrainRequest:
    base = TrainRequest(series=SERIES, hidden_size=3, epochs=6)
    return dataclasses.replace(base, **changes)


def assert_same_run(result, alone) -> None:
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(result.params[name], alone.params[name])
        np.testing.assert_array_equal(result.initial_params[name], alone.initial_params[name])
    np.testing.assert_array_equal(result.total_loss, alone.total_loss)
    assert (result.diverged, result.stopped_early) == (alone.diverged, alone.stopped_early)
    assert result.message == alone.message


def drive(batcher: Batcher, schedule: dict[int, list], turns: int) -> dict[str, Finished]:
    """Run `turns` turns of `batcher`; before turn i, apply schedule[i]: ("add", id, request)
    or ("stop", id). Returns every Finished by member id."""
    finished = {}
    for turn in range(turns):
        for action in schedule.get(turn, []):
            if action[0] == "add":
                batcher.add(action[1], action[2])
            else:
                batcher.stop(action[1])
        for event in batcher.step():
            if isinstance(event, Finished):
                finished[event.member_id] = event
    return finished


def test_runs_joining_at_different_epochs_each_train_as_alone():
    batcher = Batcher(quantum_s=0.0)  # one epoch a turn: joins land on known epochs
    runs = {
        "a": request(seed=1, epochs=8),
        "b": request(seed=2, lr=1e-3, epochs=5),
        "c": request(seed=3, clip=None, truncate=2, epochs=7),
    }
    schedule = {
        0: [("add", "a", runs["a"])],
        2: [("add", "b", runs["b"])],
        3: [("add", "c", runs["c"])],
    }
    finished = drive(batcher, schedule, turns=20)
    assert set(finished) == set(runs) and len(batcher) == 0
    for name, run in runs.items():
        assert_same_run(finished[name].result, run.execute())


def test_a_diverging_run_leaves_alone_and_the_others_carry_on():
    batcher = Batcher(quantum_s=0.0)
    calm, wild = request(seed=4, epochs=10), request(seed=4, lr=0.5, clip=None, epochs=10)
    finished = drive(batcher, {0: [("add", "calm", calm), ("add", "wild", wild)]}, turns=15)
    assert finished["wild"].result.diverged and "diverged" in finished["wild"].result.message
    assert_same_run(finished["wild"].result, wild.execute())
    assert_same_run(finished["calm"].result, calm.execute())


def test_a_stopped_run_keeps_what_it_learned_and_the_others_do_not_notice():
    batcher = Batcher(quantum_s=0.0)
    stay, go = request(seed=5, epochs=9), request(seed=6, epochs=9)
    schedule = {0: [("add", "stay", stay), ("add", "go", go)], 4: [("stop", "go")]}
    finished = drive(batcher, schedule, turns=15)
    stopped = finished["go"].result
    assert stopped.stopped_early and stopped.epochs_done == 4
    assert "partly trained" in stopped.message
    partial = dataclasses.replace(go, epochs=4).execute()
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(stopped.params[name], partial.params[name])
    np.testing.assert_array_equal(stopped.total_loss, partial.total_loss)
    assert_same_run(finished["stay"].result, stay.execute())


def test_different_hidden_sizes_and_modes_are_separate_batches_served_in_turn():
    batcher = Batcher(quantum_s=0.0)
    runs = {
        "h3": request(seed=7),
        "h2": request(seed=7, hidden_size=2),
        "mini": request(seed=7, batch_size=16),
        "full": request(seed=8, batch_size=None, scaling="standardised"),
    }
    keys = {BatchKey.of(run) for run in runs.values()}
    assert len(keys) == 4
    finished = drive(batcher, {0: [("add", n, r) for n, r in runs.items()]}, turns=40)
    for name, run in runs.items():
        assert_same_run(finished[name].result, run.execute())


def test_progress_comes_as_new_losses_and_adds_up_to_the_history():
    batcher = Batcher(quantum_s=0.0)
    run = request(seed=9, epochs=30)
    batcher.add("x", run)
    losses, last = [], None
    for _ in range(40):
        for event in batcher.step():
            if isinstance(event, Update):
                assert event.first_epoch == len(losses)
                losses.extend(event.new_losses.tolist())
            else:
                last = event
        time.sleep(0.01)
    np.testing.assert_array_equal(last.result.total_loss[: len(losses)], losses)


@st.composite
def schedules(draw):
    """Up to 4 runs of H = 2 on one key, joining at turns 0..6, some stopped, some wild."""
    count = draw(st.integers(1, 4))
    plan, runs = {}, {}
    for i in range(count):
        run = request(
            hidden_size=2,
            seed=draw(st.integers(0, 50)),
            lr=draw(st.sampled_from([1e-4, 1e-2, 0.3])),
            clip=draw(st.sampled_from([1.0, None])),
            truncate=draw(st.sampled_from([None, 1, 3])),
            epochs=draw(st.integers(1, 6)),
        )
        name = f"r{i}"
        runs[name] = run
        plan.setdefault(draw(st.integers(0, 6)), []).append(("add", name, run))
        if draw(st.booleans()):
            plan.setdefault(draw(st.integers(0, 10)), []).append(("stop", name))
    return plan, runs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules())
def test_any_join_and_leave_schedule_gives_each_run_its_own_result(plan):
    schedule, runs = plan
    batcher = Batcher(quantum_s=0.0)
    finished = drive(batcher, schedule, turns=30)
    assert set(finished) == set(runs)
    for name, run in runs.items():
        result = finished[name].result
        if result.stopped_early or (result.epochs_done == 0 and not result.diverged):
            done = result.epochs_done
            if done == 0:
                assert not result.total_loss.size  # stopped before its first epoch
                continue
            alone = dataclasses.replace(run, epochs=done).execute()
            for name_ in core.PARAM_NAMES:
                np.testing.assert_array_equal(result.params[name_], alone.params[name_])
            np.testing.assert_array_equal(result.total_loss, alone.total_loss)
        else:
            assert_same_run(result, run.execute())
