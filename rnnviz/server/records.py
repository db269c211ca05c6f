"""What the training pool says about a job: its state, a snapshot a page can show, and the
refusal when the server has as many trainings as it takes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np


class JobState(StrEnum):
    """Where a training job is. QUEUED and RUNNING are active; the others are ends. LOST is a
    page's word for a job the pool no longer knows (the server restarted, or forgot it)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"
    LOST = "lost"

    @property
    def active(self) -> bool:
        return self in (JobState.QUEUED, JobState.RUNNING)


class PoolBusy(ValueError):
    """Too many trainings at once; the message says so to the student."""


@dataclass(frozen=True)
class JobView:
    """What a page sees of a job at one moment (a snapshot: it never changes afterwards).

    state : a JobState (never LOST: that is a page's word)
    epoch, epochs : progress;  total_loss : (epoch,) for a run, (epoch, K) for a comparison,
        read-only;  params : the latest (K of them for a comparison), read-only
    eta_s : seconds left, from the recent epochs per second (None until known)
    result : the RunResult / CompareResult once done or stopped;  cached : from the cache
    """

    job_id: str
    state: JobState
    epoch: int
    epochs: int
    total_loss: np.ndarray
    params: Any
    elapsed_s: float
    result: Any
    cached: bool
    message: str
    eta_s: float | None = None
