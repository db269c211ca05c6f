"""This session's trainings in the server's pool: one record per job, the Train and Stop
callbacks, and the fragment that polls the pool while a job is queued or running.

Training never runs in the script's thread: a request goes to `compute.pool()` (worker processes
shared by every session), and a fragment polls the pool while the job is active. After every
poll the session keeps its job id, ticket and latest snapshot (parameters and loss history), so
Stop, a click elsewhere or a rerun never loses the partly trained model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import streamlit as st

from rnnviz.server.jobs import JobState, JobView
from rnnviz.ui import compute, presenter

# Session-state keys, named once. Each job key holds a `Tracked` or nothing.
RUN = "training_run"  # the main training run
COMPARE = "training_compare"  # the compared runs, one CompareRequest
TRUNCATION = "training_truncation"  # the truncated-BPTT experiment, one CompareRequest
SUBMIT_ERROR = "training_submit_error"  # why the last Train click was refused, shown once

# Every poll is a script run on the server (a thread started, the fragment drawn), and with a
# room of trainings the polls outnumber the room's clicks: poll only as often as the screen
# needs. Measured with ten live trainings on one server (py-spy): about 12 ms of server CPU a
# poll, most of it building and sending the loss chart; so the curve moves once a second, with
# at most LIVE_POINTS points (every k-th epoch, and the last).
POLL_RUNNING_S = 1.0
POLL_STARTING_S = 1.0
LIVE_POINTS = 300

OnEnd = Callable[["Tracked"], None]  # told once a job has ended (finished, stopped, cached)


@dataclass
class Tracked:
    """One of this session's jobs in the pool, and the last snapshot the session saw of it.

    request : the TrainRequest or CompareRequest;  job_id, ticket : from `pool().submit`
    state : the pool's JobState, LOST when the pool forgot the job, STOPPED after Stop
    total_loss : (epoch,) for a run, (epoch, K) for a comparison;  params : the latest
    result : the RunResult / CompareResult once finished;  cached : answered from the cache
    """

    request: Any
    job_id: str
    ticket: str
    state: JobState = JobState.QUEUED
    epoch: int = 0
    epochs: int = 0
    elapsed_s: float = 0.0
    eta_s: float | None = None
    total_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    params: Any = None
    result: Any = None
    cached: bool = False
    message: str = ""

    @property
    def active(self) -> bool:
        return self.state.active

    def update(self, view: JobView | None) -> None:
        """Take the pool's latest snapshot (nothing changes after this session let go)."""
        if not self.active:
            return
        if view is None:
            self.state = JobState.LOST
            self.message = (
                "The server no longer knows this training (it restarted, or the run was "
                "forgotten after a long time). The last snapshot is kept; press Train to run it "
                "again."
            )
            return
        self.state, self.epochs = view.state, view.epochs
        self.cached, self.message = view.cached, view.message
        if view.params is not None:  # keep the last snapshot until a newer one exists
            self.epoch, self.total_loss, self.params = view.epoch, view.total_loss, view.params
            self.elapsed_s, self.eta_s = view.elapsed_s, view.eta_s
        self.result = view.result


def tracked(key: str) -> Tracked | None:
    return st.session_state.get(key)


def busy(key: str) -> bool:
    job = tracked(key)
    return job is not None and job.active


def submit(key: str, request: Any, fresh: bool = False, on_end: OnEnd | None = None) -> None:
    """Button callback: queue `request` (or get it from the cache) and track it under `key`."""
    st.session_state[SUBMIT_ERROR] = None
    try:
        job_id, ticket = compute.pool().submit(request, fresh=fresh, tag=presenter.room_tag())
    except ValueError as err:  # PoolBusy: too many trainings waiting
        st.session_state[SUBMIT_ERROR] = str(err)
        return
    job = Tracked(request, job_id, ticket, epochs=request.epochs)
    job.update(compute.pool().view(job_id))
    st.session_state[key] = job
    if on_end is not None and not job.active:
        on_end(job)


def stop(key: str, on_end: OnEnd | None = None) -> None:
    """Stop button callback: let go of the job; keep the last snapshot as the partial result."""
    job = tracked(key)
    if job is None or not job.active:
        return
    job.update(compute.pool().view(job.job_id))  # the freshest snapshot first
    if job.active:
        compute.pool().release(job.job_id, job.ticket)
        job.state = JobState.STOPPED
        job.message = (
            f"Stopped after {job.epoch} of {job.epochs} epochs; the partly trained model is kept."
            if job.epoch
            else "Cancelled before it started: nothing was trained."
        )
    if on_end is not None:
        on_end(job)


def adopt_cached(key: str, request: Any, on_end: OnEnd | None = None) -> None:
    """Show a run the server has already trained with these settings (a reload of a link, or
    settings someone else trained), unless this session is busy with or already shows one."""
    job = tracked(key)
    if job is not None and (job.active or job.request == request):
        return
    if compute.pool().cache.get(request) is not None:
        submit(key, request, on_end=on_end)  # answered from the cache at once, marked as cached


def poll_interval(job: Tracked | None) -> float | None:
    """How often the fragment polls: while the job is active, not at all once it has ended."""
    if job is None or not job.active:
        return None
    return POLL_RUNNING_S if job.state == JobState.RUNNING else POLL_STARTING_S


def live(key: str, draw: Callable[[Tracked], None], on_end: OnEnd | None = None) -> None:
    """Draw the job under `key` with `draw`, in a fragment that polls the pool while the job is
    queued or running, and hands over to a full rerun (which stops the polling) when it ends."""
    every = poll_interval(tracked(key))
    st.fragment(run_every=every)(_live)(key, draw, every, on_end)


def _live(
    key: str, draw: Callable[[Tracked], None], every: float | None, on_end: OnEnd | None
) -> None:
    job = tracked(key)
    if job is None:
        return
    if job.active:
        job.update(compute.pool().view(job.job_id))
        if on_end is not None and not job.active:
            on_end(job)
    if poll_interval(job) != every:  # finished, or started: the rest of the page follows
        st.rerun()
    draw(job)


def train_buttons(
    label: str,
    *,
    on_train: Callable[..., None],
    on_stop: Callable[..., None],
    stop_args: tuple = (),
    busy: bool,
    again: bool,
    helps: tuple[str, str, str],
    key: str | None = None,
    train_width: float = 1.0,
) -> None:
    """Train (`label`), Stop and, if `again` (the run shown came from the server's cache and
    nothing trains), Train again live, in one row; then why the last Train click was refused.

    on_train(fresh=False) : Train's callback, called with fresh=True by Train again live
    on_stop(*stop_args) : Stop's callback;  helps : the three buttons' help texts, in order
    key : when given, Stop's and Train again live's widget keys are `{key}_stop`, `{key}_again`
    """
    train_help, stop_help, again_help = helps
    columns = st.columns([train_width, 1, 1.6, 3])
    columns[0].button(
        label, type="primary", on_click=on_train, disabled=busy, width="stretch", help=train_help
    )
    columns[1].button(
        "Stop",
        on_click=on_stop,
        args=stop_args,
        disabled=not busy,
        width="stretch",
        key=None if key is None else f"{key}_stop",
        help=stop_help,
    )
    if again:
        columns[2].button(
            "Train again live",
            on_click=on_train,
            kwargs={"fresh": True},
            width="stretch",
            key=None if key is None else f"{key}_again",
            help=again_help,
        )
    submit_error()


def submit_error() -> None:
    """Why the last Train click was refused, once."""
    error = st.session_state.get(SUBMIT_ERROR)
    if error:
        st.error(error, icon=":material/warning:")
        st.session_state[SUBMIT_ERROR] = None


def status(job: Tracked, what: str) -> None:
    """Starting, a progress bar with the time left, or how the job ended."""
    if job.state == JobState.QUEUED or (job.state == JobState.RUNNING and job.epoch == 0):
        st.info(
            "Starting: this training joins the server's shared computation at its next epoch. "
            "Trainings on the same series, window length $T$ and hidden size $H$ run together as "
            "one stacked computation, each with its own seed, learning rate $\\eta$ and epochs, "
            "so a room full of trainings costs little more than a few (the very first training "
            "also waits a few seconds for the training process to start). Stop cancels it.",
            icon=":material/hourglass_top:",
        )
        return
    if job.state == JobState.RUNNING:
        done = job.epoch / job.epochs if job.epochs else 0.0
        text = f"{what}: epoch {job.epoch:,} of {job.epochs:,}"
        if job.eta_s is not None:  # from the recent epochs per second, as others join or leave
            text += f" · about {job.eta_s:,.0f} s left"
        st.progress(min(done, 1.0), text=text)
        return
    if job.state in (JobState.LOST, JobState.FAILED):
        st.error(job.message, icon=":material/warning:")
    elif job.state == JobState.STOPPED:
        st.warning(job.message or f"Stopped after {job.epoch} epochs.", icon=":material/stop:")
    elif getattr(job.result, "diverged", False):
        st.error(job.result.message, icon=":material/error:")
    elif job.cached:
        st.success(
            "Already trained with these settings (by you or by someone else on this server), so "
            "it is shown at once, the same numbers as training it now would give. Press "
            "**Train again live** to watch it happen.",
            icon=":material/recycling:",
        )
    else:
        st.success(
            f"{what}: {job.epoch:,} epochs in {job.elapsed_s:.1f} s.",
            icon=":material/check_circle:",
        )
