"""CompareRequest: K runs trained together equal each run trained alone, through the same pool."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.runs import CompareRequest, TrainRequest
from rnnviz.server.jobs import TrainingPool

SERIES = tuple(sorted((s.name, s.default) for s in schema.SERIES))


def base(**changes) -> TrainRequest:
    return dataclasses.replace(TrainRequest(series=SERIES, hidden_size=3, epochs=12), **changes)


def test_each_compared_run_equals_its_request_alone():
    runs = (base(lr=1e-4), base(lr=1e-2, clip=None), base(seed=4, truncate=2))
    result = CompareRequest(runs).execute()
    for run, alone in zip(result.runs, [r.execute() for r in runs], strict=True):
        for name in core.PARAM_NAMES:
            np.testing.assert_allclose(run.params[name], alone.params[name], rtol=0, atol=1e-9)
        np.testing.assert_allclose(run.total_loss, alone.total_loss, rtol=1e-12)
        np.testing.assert_array_equal(run.initial_params["W_hh"], alone.initial_params["W_hh"])
    assert result.total_loss.shape == (12, 3)
    assert [norms.shape for norms in result.grad_norms] == [(12, 6)] * 3  # every epoch, t=0..T


def test_runs_must_share_data_and_hidden_size():
    with pytest.raises(ValueError, match="hidden_size"):
        CompareRequest((base(), base(hidden_size=4)))
    with pytest.raises(ValueError, match="epochs"):
        CompareRequest((base(), base(epochs=13)))
    with pytest.raises(ValueError, match="at least one"):
        CompareRequest(())


def test_a_diverged_run_pads_with_nan_and_the_others_go_on():
    runs = (base(hidden_size=20), base(hidden_size=20, lr=0.1, clip=None))
    reports = []

    def report(progress) -> bool:
        reports.append(progress.total_loss)
        return False

    result = CompareRequest(runs).execute(report)
    diverged = result.runs[1]
    assert diverged.diverged and not result.runs[0].diverged
    assert result.runs[0].total_loss.shape == (12,)
    losses = result.total_loss
    assert np.isnan(losses[diverged.total_loss.shape[0] :, 1]).all()
    assert np.isfinite(losses[:, 0]).all()
    assert reports and all(r.shape[1] == 2 for r in reports)  # (epochs so far, K)


def test_a_comparison_runs_through_the_pool_and_is_cached():
    pool = TrainingPool(workers=1)
    try:
        request = CompareRequest((base(seed=7), base(seed=7, lr=1e-3)))
        job_id, _ = pool.submit(request)
        deadline = time.monotonic() + 120
        while pool.view(job_id).state not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        view = pool.view(job_id)
        assert view.state == "done" and view.epoch == 12 and view.total_loss.shape == (12, 2)
        again = pool.view(pool.submit(request)[0])
        assert again.cached and again.result is view.result
        with pytest.raises(ValueError):  # shared results are read-only
            again.result.runs[0].params["W_hh"][0, 0] = 1.0
    finally:
        pool.shutdown()
