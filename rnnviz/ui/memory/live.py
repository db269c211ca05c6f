"""The three cells trained side by side through the server's pool, each its own job (a
`RecallRequest` trains in a batch of its own: rnnviz.server.solo), and the fragment that polls
them: each cell's progress, the loss curves, the held-out error and the gradient per timestep,
redrawn from the latest parameters while they train.

This session's jobs are `training.jobs.Tracked` records under one key per cell; Train submits
the three, Stop lets the three go, keeping what each has learned.
"""

from __future__ import annotations

import streamlit as st

from rnnviz import core
from rnnviz.figures.gates import connectivity_figure, held_out_figure, recall_loss_figure
from rnnviz.runs.recall import RecallRequest
from rnnviz.server.jobs import JobState
from rnnviz.text import gates as text
from rnnviz.ui import compute, layout
from rnnviz.ui.memory import compute as cached
from rnnviz.ui.memory import controls
from rnnviz.ui.training import jobs

KEYS = {cell: f"memory_run_{cell}" for cell in core.CELLS}  # session-state keys, named once


def tracked() -> dict[str, jobs.Tracked]:
    """This session's cells that have a job, in the order rnn, lstm, gru."""
    found = {cell: jobs.tracked(key) for cell, key in KEYS.items()}
    return {cell: job for cell, job in found.items() if job is not None}


def busy() -> bool:
    return any(job.active for job in tracked().values())


def submit(fresh: bool = False) -> None:
    """The Train callback: the three cells with the settings as they are now."""
    try:
        runs = controls.requests()
    except ValueError as err:
        st.session_state[jobs.SUBMIT_ERROR] = str(err)
        return
    for cell, request in runs.items():
        jobs.submit(KEYS[cell], request, fresh)


def stop() -> None:
    """The Stop callback: let the three go; each keeps its last snapshot."""
    for key in KEYS.values():
        jobs.stop(key)


def train_controls() -> dict[str, RecallRequest] | None:
    """Train, Stop and Train again live; the server's runs for these settings if it has them."""
    try:
        runs = controls.requests()
    except ValueError as err:
        st.error(str(err), icon=":material/warning:")
        return None
    if all(compute.pool().cache.get(request) is not None for request in runs.values()):
        for cell, request in runs.items():  # all three or none: the charts compare one task
            jobs.adopt_cached(KEYS[cell], request)
    shown = tracked()
    running = busy()
    all_cached = len(shown) == 3 and all(job.cached for job in shown.values())
    jobs.train_buttons(
        "Train the three cells",
        on_train=submit,
        on_stop=stop,
        busy=running,
        again=all_cached and not running and all(shown[c].request == runs[c] for c in runs),
        helps=(
            "Train the RNN, the LSTM and the GRU on the same windows, each as its own job on the "
            "server. Runs already trained with these settings appear at once.",
            "Stop all three now and keep what each has learned.",
            "Train them once more, here and now, to watch it happen (same numbers).",
        ),
        key="memory",
        train_width=1.3,
    )
    if shown and any(job.request != runs.get(cell) for cell, job in shown.items()):
        st.info(
            "Shown below: the cells trained with other settings. Press *Train the three "
            "cells* for the settings above.",
            icon=":material/info:",
        )
    return runs


def live() -> None:
    """Status, curves and gradients of the three cells, polling the pool while any trains."""
    every = jobs.POLL_RUNNING_S if busy() else None
    st.fragment(run_every=every)(_live)(every)


def _live(every: float | None) -> None:
    shown = tracked()
    for job in shown.values():
        if job.active:
            job.update(compute.pool().view(job.job_id))
    now = jobs.POLL_RUNNING_S if any(job.active for job in shown.values()) else None
    if now != every:  # all ended, or one started: the rest of the page follows
        st.rerun()
    if shown:
        draw(shown)


def _status(label: str, job: jobs.Tracked) -> None:
    """One cell's progress, or how its training ended."""
    if job.state == JobState.QUEUED or (job.state == JobState.RUNNING and job.epoch == 0):
        st.info(f"{label}: starting", icon=":material/hourglass_top:")
    elif job.state == JobState.RUNNING:
        text_ = f"{label}: epoch {job.epoch:,} of {job.epochs:,}"
        if job.eta_s is not None:
            text_ += f" · about {job.eta_s:,.0f} s left"
        st.progress(min(job.epoch / max(job.epochs, 1), 1.0), text=text_)
    elif job.state in (JobState.LOST, JobState.FAILED):
        st.error(f"{label}: {job.message}", icon=":material/warning:")
    elif job.state == JobState.STOPPED:
        st.warning(f"{label}: {job.message}", icon=":material/stop:")
    elif getattr(job.result, "diverged", False):
        st.error(f"{label}: {job.result.message}", icon=":material/error:")
    elif job.cached:
        st.success(f"{label}: already trained on this server", icon=":material/recycling:")
    else:
        st.success(
            f"{label}: {job.epoch:,} epochs in {job.elapsed_s:.1f} s",
            icon=":material/check_circle:",
        )


def draw(shown: dict[str, jobs.Tracked]) -> None:
    """The live part: each cell's status, the loss curves, the held-out error, the gradients."""
    columns = st.columns(len(shown))
    for column, (cell, job) in zip(columns, shown.items(), strict=True):
        with column:
            _status(text.NAMES[cell], job)
    task = next(iter(shown.values())).request.task()
    baseline, floor = task.baseline_mse, task.noise_floor
    curves = [
        (cell, text.NAMES[cell], job.total_loss / job.request.n_windows)
        for cell, job in shown.items()
        if job.epoch
    ]
    if not curves:
        return
    epochs = max(job.epochs for job in shown.values())
    layout.chart(
        recall_loss_figure(
            curves, baseline=baseline, floor=floor, epochs=epochs, max_points=jobs.LIVE_POINTS
        ),
        text.loss_caption(task),
        key="memory_loss",
    )
    snapshots = {cell: job for cell, job in shown.items() if job.params is not None}
    errors = [
        (cell, text.NAMES[cell], cached.held_out(job.request, job.params))
        for cell, job in snapshots.items()
    ]
    left, right = st.columns([2, 3])
    with left:
        layout.chart(
            held_out_figure(errors, baseline=baseline, floor=floor),
            text.held_out_caption(task),
            key="memory_held_out",
        )
    with right:
        st.markdown(text.held_out_verdict(errors, task))
    st.subheader("Where the gradient dies")
    profiles = [
        (
            cell,
            f"{text.NAMES[cell]} after {job.epoch:,} epochs",
            cached.profile(job.request, job.params),
        )
        for cell, job in snapshots.items()
    ]
    recall_t = task.seq_len - task.lag + 1
    layout.chart(
        connectivity_figure(profiles, recall_t),
        text.connectivity_caption(task, profiles),
        key="memory_connectivity",
    )
