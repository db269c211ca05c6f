"""The training pool and run cache: de-duplication, queueing, stop, cache bounds, isolation."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.runs import TrainRequest
from rnnviz.server.cache import RunCache
from rnnviz.server.jobs import PoolBusy, TrainingPool

SERIES = tuple(sorted((s.name, s.default) for s in schema.SERIES))


def wait_for(pool: TrainingPool, job_id: str, states=("done", "stopped", "failed"), timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = pool.view(job_id)
        if view.state in states:
            return view
        time.sleep(0.05)
    raise AssertionError(f"job stuck in {pool.view(job_id).state}")


@pytest.fixture(scope="module")
def pool():
    pool = TrainingPool(workers=1)
    yield pool
    pool.shutdown()


def test_run_equals_core_train_and_is_cached(pool):
    request = TrainRequest(series=SERIES, hidden_size=4, epochs=30)
    job_id, _ = pool.submit(request)
    result = wait_for(pool, job_id).result
    X, y = core.make_windows(core.weather_series(), 5)
    params = core.init_params(4, seed=0)
    history = core.train(params, X, y, epochs=30)
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(result.params[name], params[name])
    np.testing.assert_array_equal(result.total_loss, history.total_loss)

    again, _ = pool.submit(request)
    view = pool.view(again)
    assert view.cached and view.state == "done" and view.result is result
    with pytest.raises(ValueError):  # shared results are read-only
        view.result.params["W_hh"][0, 0] = 1.0


def test_identical_requests_share_one_job_and_only_the_last_release_stops_it(pool):
    request = TrainRequest(series=SERIES, hidden_size=8, epochs=3000, seed=11)
    job_a, ticket_a = pool.submit(request)
    job_b, ticket_b = pool.submit(request)
    assert job_a == job_b
    wait_for(pool, job_a, states=("running",))
    pool.release(job_a, ticket_a)
    time.sleep(0.5)
    assert pool.view(job_a).state == "running"  # b still wants it
    pool.release(job_b, ticket_b)
    view = wait_for(pool, job_a)
    assert view.state == "stopped" and 0 < view.epoch < 3000
    assert "partly trained" in view.message
    assert pool.cache.get(request) is None  # a partial run is not a finished run


def test_trainings_start_together_and_the_bound_holds():
    pool = TrainingPool(workers=1, max_active=3)
    try:
        long = [
            pool.submit(TrainRequest(series=SERIES, hidden_size=8, epochs=3000, seed=s))
            for s in (21, 22, 23)
        ]
        for job_id, _ in long:  # no queue: all three train at once, in one batch
            wait_for(pool, job_id, states=("running",))
        with pytest.raises(PoolBusy, match="3 trainings are already running"):
            pool.submit(TrainRequest(series=SERIES, hidden_size=2, epochs=5, seed=25))
        pool.release(*long[0])  # nobody wants it any more: it stops, and makes room
        assert pool.view(long[0][0]).state == "stopped"
        extra = submit_when_there_is_room(
            pool, TrainRequest(series=SERIES, hidden_size=2, epochs=5, seed=25)
        )
        assert wait_for(pool, extra).state == "done"
    finally:
        pool.shutdown()


def submit_when_there_is_room(pool: TrainingPool, request, timeout: float = 30) -> str:
    """Submit once the worker has let a stopped run go (at its batch's next epoch boundary)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return pool.submit(request)[0]
        except PoolBusy:
            time.sleep(0.05)
    raise AssertionError("the stopped run never left its batch")


def test_two_sessions_training_at_once_each_get_core_train_alone(pool):
    """Different students' settings, trained together in one batch (and one on its own H)."""
    X, y = core.make_windows(core.weather_series(), 5)
    requests = [
        TrainRequest(series=SERIES, hidden_size=4, epochs=40, seed=31, lr=1e-3),
        TrainRequest(series=SERIES, hidden_size=4, epochs=25, seed=32, clip=None, truncate=2),
        TrainRequest(series=SERIES, hidden_size=3, epochs=30, seed=33, lr=1e-2),
    ]
    jobs = [pool.submit(request)[0] for request in requests]
    for job_id, request in zip(jobs, requests, strict=True):
        result = wait_for(pool, job_id).result
        params = core.init_params(request.hidden_size, seed=request.seed)
        history = core.train(
            params,
            X,
            y,
            epochs=request.epochs,
            lr=request.lr,
            clip=request.clip,
            truncate=request.truncate,
        )
        for name in core.PARAM_NAMES:
            np.testing.assert_array_equal(result.params[name], params[name])
        np.testing.assert_array_equal(result.total_loss, history.total_loss)


def test_cache_is_bounded_in_entries_and_bytes():
    pool_cache = RunCache(max_entries=2, max_bytes=10**9)
    results = [
        TrainRequest(series=SERIES, hidden_size=2, epochs=1, seed=s).execute() for s in range(3)
    ]
    for result in results:
        pool_cache.put(result)
    assert pool_cache.stats()[0] == 2
    assert pool_cache.get(results[0].request) is None and pool_cache.get(results[2].request)

    small = RunCache(max_entries=100, max_bytes=results[0].nbytes() + 10)
    small.put(results[0])
    small.put(results[1])
    entries, size = small.stats()
    assert entries == 1 and size <= small.max_bytes


def test_workers_train_at_a_lower_cpu_priority_than_the_server(pool):
    job_id, _ = pool.submit(TrainRequest(series=SERIES, hidden_size=2, epochs=2, seed=7))
    assert wait_for(pool, job_id).state == "done"
    workers = pool.worker_pids()
    assert workers
    server = os.getpriority(os.PRIO_PROCESS, 0)
    for pid in workers:
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, server + pool.niceness)
    assert pool.niceness >= 10


def test_a_worker_that_may_not_lower_its_priority_still_starts(monkeypatch):
    from rnnviz.server import worker

    def refuse(increment):
        raise PermissionError("setpriority refused")

    monkeypatch.setattr(worker.os, "nice", refuse)
    worker.lower_priority(10)  # a worker that failed here would train nothing at all


def test_workers_do_not_rerun_the_servers_main_script(tmp_path):
    """Under `streamlit run`, __main__ is app.py; spawned workers must not execute it again."""
    import subprocess
    import sys

    marker = tmp_path / "ran"
    script = tmp_path / "main_script.py"
    script.write_text(
        "import sys, time\n"
        f"open({str(marker)!r}, 'a').write('x')\n"
        "from rnnviz import settings as schema\n"
        "from rnnviz.server.jobs import TrainingPool\n"
        "from rnnviz.runs import TrainRequest\n"
        "if __name__ == '__main__':\n"
        "    pool = TrainingPool(workers=1)\n"
        "    series = tuple(sorted((s.name, s.default) for s in schema.SERIES))\n"
        "    job, _ = pool.submit(TrainRequest(series=series, hidden_size=2, epochs=2))\n"
        "    while pool.view(job).state != 'done':\n"
        "        time.sleep(0.05)\n"
        "    pool.shutdown()\n"
    )
    subprocess.run([sys.executable, str(script)], check=True, timeout=120)
    assert marker.read_text() == "x"  # the parent only, not the manager or the worker
