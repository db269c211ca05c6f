"""The server's one training pool and run cache, shared by every session on purpose, with the
hook that reports a student's training to their room's class experiment
(`rnnviz.server.rooms.room_reporter`).

`st.cache_resource` makes one `TrainingPool` per server process. It is safe to share: it is
thread-safe, bounded, and holds nothing one student can change for another (see
rnnviz.server.jobs). Each session keeps only its own job id and ticket in st.session_state.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from rnnviz import settings as schema
from rnnviz.runs import TrainRequest
from rnnviz.server.jobs import APP_WORKERS, TrainingPool
from rnnviz.server.rooms import room_reporter
from rnnviz.ui import presenter, series, state

WORKERS = int(os.environ.get("RNNVIZ_TRAINING_WORKERS", str(APP_WORKERS)))


@st.cache_resource(show_spinner=False)
def pool() -> TrainingPool:
    return TrainingPool(workers=WORKERS, on_change=room_reporter(presenter.store()))


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
