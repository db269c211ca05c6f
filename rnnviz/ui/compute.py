"""The server's one training pool and run cache, shared by every session on purpose, and how a
student's training reaches their room's class experiment.

`st.cache_resource` makes one `TrainingPool` per server process. It is safe to share: it is
thread-safe, bounded, and holds nothing one student can change for another (see
rnnviz.server.jobs). Each session keeps only its own job id and ticket in st.session_state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from rnnviz import settings as schema
from rnnviz.runs import TrainRequest, score
from rnnviz.runs.score import RoomRun
from rnnviz.server.jobs import JobState, JobView, TrainingPool
from rnnviz.server.rooms import RoomError, RoomStore
from rnnviz.ui import presenter, series, state

# One worker leaves the second core of a 2-core classroom server to the web server itself
# (measured against two: see the README's classroom section).
WORKERS = int(os.environ.get("RNNVIZ_TRAINING_WORKERS", "1"))


@st.cache_resource(show_spinner=False)
def pool() -> TrainingPool:
    return TrainingPool(workers=WORKERS, on_change=room_reporter(presenter.store()))


def room_reporter(store: RoomStore) -> Callable[[str, Any, JobView, set[Hashable]], None]:
    """The pool's hook: a tagged single run's settings and scores go to each (room, student)
    it is tagged with, under the student's number. Runs on the pool's listener thread, so it
    uses no Streamlit and swallows a room that has gone."""

    def report(job_id: str, request: Any, view: JobView, tags: set[Hashable]) -> None:
        if not isinstance(request, TrainRequest) or view.state == JobState.FAILED:
            return
        result = view.result
        if view.state.active:
            where = "training"
        elif result is not None and result.diverged:
            where = "diverged"
        elif view.state == JobState.STOPPED:
            where = "stopped"
        else:
            where = "finished"
        run = RoomRun(
            student=0,  # the store numbers the student
            lr=request.lr,
            seed=request.seed,
            hidden_size=request.hidden_size,
            epochs=request.epochs,
            epoch=view.epoch,
            state=where,
            loss=score.last_loss(request, view.total_loss),
            fresh_mse=score.fresh_mse(result) if where == "finished" else None,
        )
        for code, follower in tags:
            try:
                store.report_run(code, follower, run)
            except RoomError:  # the room closed meanwhile: nobody to tell
                pass

    return report


def series_items(values: dict[str, Any] | None = None) -> tuple[tuple[str, Any], ...]:
    """The session's series settings as the sorted pairs a TrainRequest holds."""
    values = values or state.values()
    return tuple(sorted((s.name, values[s.name]) for s in schema.SERIES))


def request_for(**training: Any) -> TrainRequest:
    """A TrainRequest on the session's series (uploaded, bundled or generated) with these
    settings: a measured series travels as its values (and an upload's filled days)."""
    observed = None
    if series.is_measured():
        observed = tuple(float(v) for v in series.current_series())
    return TrainRequest(
        series=series_items(), observed=observed, filled=series.filled_days(), **training
    )
