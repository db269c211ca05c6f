"""The process-wide training pool: every session's trainings, batched in worker processes. No
streamlit here.

Why worker processes: training is CPU-bound Python, and the server's threads share one GIL. Run
in the server, ten trainings would make every student's click wait. Why batching: thirty
students who press Train within the same minute would otherwise queue one behind another;
instead the runs that can share a computation train as one stacked batch
(`rnnviz.server.batching`), joining at the next epoch boundary and leaving when they end, each
bit for bit what it would be alone. Workers run at a lower CPU priority (`nice`), so on a busy
machine the scheduler serves a click before a training step.

A job is what a session asked for: one run (a TrainRequest, or a RecallRequest of any cell) or
K compared runs (a CompareRequest); its runs are the worker's members. Identical runs in flight
are trained once and shared; finished ones go to the `RunCache`. The pool is a deliberate
process-wide shared object, so it is thread-safe (one lock), bounded (runs in training, jobs
kept, cache bytes) and hands out nothing a user can change for another: results are frozen
(read-only arrays), and a run is stopped only when every session that asked for it has let it go.
"""

from __future__ import annotations

import dataclasses
import queue as queue_module
import threading
import time
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnviz.core.history import stopped_message
from rnnviz.runs import CompareRequest, CompareResult, TrainRequest
from rnnviz.runs.compare import ragged_columns
from rnnviz.server.batching import Finished, Update, batch_key
from rnnviz.server.cache import RunCache
from rnnviz.server.records import JobState, JobView, PoolBusy
from rnnviz.server.workers import Workers

# How much lower the workers' CPU priority is than the server's (Linux nice, 0 … 19). Training
# only ever waits a little longer for it; a click then never waits for a training step.
WORKER_NICENESS = 10
# The app's pool (RNNVIZ_TRAINING_WORKERS overrides it): a room's trainings form one batch per
# hidden size (and series, window, ...), and two batches then train side by side. Measured with
# benchmarks/classroom_load.py (30 students training, a third at H = 8) on 2 cores: the
# trainings' p95 was 52-58 s with two workers and 78 s with one, and the stepping clicks were no
# slower. See the README's classroom section.
APP_WORKERS = 2
FAILED_WORKER = (
    "The training process stopped unexpectedly, so this training was lost. Press Train to run "
    "it again."
)


@dataclass
class _Member:
    """One run in a worker, shared by every job that asked for exactly it."""

    request: TrainRequest
    record_every: int
    worker: int
    jobs: set[str] = field(default_factory=set)
    state: JobState = JobState.QUEUED
    total_loss: list[float] = field(default_factory=list)
    params: Any = None
    elapsed_s: float = 0.0
    eta_s: float | None = None
    finished: Finished | None = None
    message: str = ""


@dataclass
class _Job:
    request: Any  # a TrainRequest, RecallRequest or CompareRequest
    members: tuple[str, ...]
    tickets: set[str] = field(default_factory=set)
    tags: set[Hashable] = field(default_factory=set)
    state: JobState = JobState.QUEUED
    result: Any = None
    cached: bool = False
    message: str = ""
    finished: float | None = None


def _runs_of(request: Any) -> tuple[tuple[TrainRequest, ...], int]:
    """A job's runs and how often each records ‖∂L/∂h_t‖ (0: never)."""
    if isinstance(request, CompareRequest):
        every = request.grad_norms_every or max(1, request.epochs // 100)
        return request.runs, every
    return (request,), 0


class TrainingPool:
    """Trains requests in `workers` batching processes; identical runs in flight are shared.

    submit() returns a (job id, ticket) at once; view() gives a snapshot; release() lets go of a
    ticket (a run stops when no job wants it). Finished runs go to `cache`, and a request already
    there is answered at once. `on_change(job_id, request, view, tags)`, if given, is called
    (from the pool's listener thread, outside the pool's lock) whenever a job with tags moves:
    the classroom's experiment hears of its students' trainings that way.
    """

    def __init__(
        self,
        workers: int = 1,
        max_active: int = 80,
        cache: RunCache | None = None,
        keep_finished_s: float = 900.0,
        max_jobs: int = 500,
        niceness: int = WORKER_NICENESS,
        on_change: Callable[[str, Any, JobView, set[Hashable]], None] | None = None,
    ):
        self.workers, self.max_active, self.niceness = workers, max_active, niceness
        self.cache = cache or RunCache()
        self.keep_finished_s, self.max_jobs = keep_finished_s, max_jobs
        self.on_change = on_change
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}
        self._members: dict[str, _Member] = {}
        self._job_in_flight: dict[Any, str] = {}  # request -> job id
        self._member_in_flight: dict[tuple[TrainRequest, int], str] = {}
        self._key_worker: dict[Hashable, int] = {}
        self._workers = Workers(workers, niceness)

    # -- the API pages use ---------------------------------------------------------------------
    def submit(
        self, request: Any, fresh: bool = False, tag: Hashable | None = None
    ) -> tuple[str, str]:
        """Train `request` (or join the identical job in flight, or answer from the cache).

        `fresh` skips the cache ("train again live", for those who want to watch it happen);
        `tag` marks the job for `on_change` (a student's place in a room). Returns (job id,
        ticket). Raises PoolBusy when too many runs are training.
        """
        ticket = uuid.uuid4().hex
        cached = None if fresh else self.cache.get(request)
        with self._lock:
            self._prune()
            if cached is not None:
                job_id = uuid.uuid4().hex
                self._jobs[job_id] = _Job(
                    request,
                    (),
                    state=JobState.DONE,
                    result=cached,
                    cached=True,
                    finished=time.monotonic(),
                )
                return job_id, ticket
            job_id = self._job_in_flight.get(request)
            if job_id is not None:
                self._jobs[job_id].tickets.add(ticket)
                if tag is not None:
                    self._jobs[job_id].tags.add(tag)
                return job_id, ticket
            runs, record_every = _runs_of(request)
            new = [run for run in runs if (run, record_every) not in self._member_in_flight]
            training = sum(m.state.active for m in self._members.values())
            if training + len(new) > self.max_active:
                raise PoolBusy(
                    f"{training} trainings are already running on this server; please try again "
                    "in a minute (or pick settings someone has already trained)."
                )
            job_id = uuid.uuid4().hex
            members = tuple(self._member_for(run, record_every, job_id) for run in runs)
            job = _Job(request, members, tickets={ticket})
            if tag is not None:
                job.tags.add(tag)
            self._jobs[job_id] = job
            self._job_in_flight[request] = job_id
            self._settle(job)
        return job_id, ticket

    def view(self, job_id: str) -> JobView | None:
        """A snapshot of the job, or None if it is unknown (expired, or never existed)."""
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else self._view(job_id, job)

    def release(self, job_id: str, ticket: str) -> None:
        """This session no longer wants the job; its runs stop if no other job wants them."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not job.state.active:
                return
            job.tickets.discard(ticket)
            if job.tickets:
                return
            epoch = self._view(job_id, job).epoch
            job.state, job.finished = JobState.STOPPED, time.monotonic()
            job.message = (
                stopped_message(epoch, job.request.epochs)
                if epoch
                else "Cancelled before it started."
            )
            self._job_in_flight.pop(job.request, None)
            for member_id in job.members:
                member = self._members[member_id]
                member.jobs.discard(job_id)
                if not member.jobs and member.state.active:
                    self._member_in_flight.pop((member.request, member.record_every), None)
                    self._workers.send(member.worker, "stop", member_id)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return self._workers.pids()

    def shutdown(self) -> None:
        """Stop every run and the worker processes (tests; a server simply exits)."""
        with self._lock:
            self._workers.stop()

    # -- runs in the workers -------------------------------------------------------------------
    def _member_for(self, run: TrainRequest, record_every: int, job_id: str) -> str:
        """The member training `run` (a new one, sent to a worker, unless it is in flight)."""
        member_id = self._member_in_flight.get((run, record_every))
        if member_id is None:
            member_id = uuid.uuid4().hex
            index = self._worker_for(batch_key(run, member_id))
            self._members[member_id] = _Member(run, record_every, index)
            self._member_in_flight[(run, record_every)] = member_id
            self._workers.send(index, "add", member_id, run, record_every)
        self._members[member_id].jobs.add(job_id)
        return member_id

    def _worker_for(self, key: Hashable) -> int:
        """The worker that trains `key`'s batch: the one already training it, or the least
        busy one (a batch lives in one worker: its runs are one computation)."""
        if self._workers.start():
            threading.Thread(target=self._listen, name="rnnviz-training", daemon=True).start()
        busy = [0] * self.workers
        training = set()
        for member_id, member in self._members.items():
            if member.state.active:
                busy[member.worker] += 1
                training.add((batch_key(member.request, member_id), member.worker))
        for other, index in training:
            if other == key:
                return index
        return min(range(self.workers), key=busy.__getitem__)

    def _listen(self) -> None:
        """The pool's one listener thread: the workers' events, applied under the lock."""
        while True:
            try:
                event = self._workers.events.get(timeout=1.0)
            except queue_module.Empty:
                self._check_workers()
                continue
            except (EOFError, OSError):  # the server is shutting down
                return
            changed: list[tuple[str, Any, JobView, set]] = []
            with self._lock:
                member_id = event.member_id if not isinstance(event, tuple) else event[1]
                member = self._members.get(member_id)
                if member is None:
                    continue
                if isinstance(event, Update):
                    self._progress(member, event)
                elif isinstance(event, Finished):
                    self._finished(member, event)
                else:  # ("failed", member id, sentence)
                    self._failed(member, event[2])
                for job_id in list(member.jobs) + self._jobs_done_with(member_id):
                    job = self._jobs.get(job_id)
                    if job is not None:
                        self._settle(job)
                        if job.tags and self.on_change is not None:
                            view = self._view(job_id, job)
                            changed.append((job_id, job.request, view, set(job.tags)))
            for job_id, request, view, tags in changed:
                try:
                    self.on_change(job_id, request, view, tags)
                except Exception:  # noqa: BLE001 - a hook never stops the pool's listener
                    pass

    def _check_workers(self) -> None:
        with self._lock:
            dead = self._workers.dead()
            for member in self._members.values():
                if member.worker in dead and member.state.active:
                    self._failed(member, FAILED_WORKER)
                    for job_id in member.jobs:
                        self._settle(self._jobs[job_id])

    def _progress(self, member: _Member, event: Update) -> None:
        member.state = JobState.RUNNING
        del member.total_loss[event.first_epoch :]
        member.total_loss.extend(event.new_losses.tolist())
        member.params = event.params
        member.elapsed_s, member.eta_s = event.elapsed_s, event.eta_s

    def _finished(self, member: _Member, event: Finished) -> None:
        result = event.result.frozen()
        member.finished = dataclasses.replace(event, result=result)
        member.state = JobState.STOPPED if result.stopped_early else JobState.DONE
        member.total_loss = result.total_loss.tolist()
        member.params, member.elapsed_s, member.eta_s = result.params, result.elapsed_s, 0.0
        self._member_in_flight.pop((member.request, member.record_every), None)
        if not result.stopped_early:
            self.cache.put(result)

    def _failed(self, member: _Member, sentence: str) -> None:
        member.state, member.message = JobState.FAILED, sentence
        self._member_in_flight.pop((member.request, member.record_every), None)

    def _jobs_done_with(self, member_id: str) -> list[str]:
        """Jobs that let this member go before it ended (their partial result arrives now)."""
        return [
            job_id
            for job_id, job in self._jobs.items()
            if member_id in job.members and job.state == JobState.STOPPED and job.result is None
        ]

    def _settle(self, job: _Job) -> None:
        """Bring the job's state and result up to date with its members."""
        members = [self._members[m] for m in job.members]
        if job.state == JobState.STOPPED:  # let go of: keep the partial result once it exists
            if job.result is None and all(m.finished for m in members):
                job.result = self._assemble(job, members)
            return
        if not job.state.active:
            return
        failed = [m for m in members if m.state == JobState.FAILED]
        if failed:
            job.state, job.message = JobState.FAILED, f"Training failed: {failed[0].message}"
        elif all(m.finished for m in members):
            job.result = self._assemble(job, members)
            job.state = JobState.STOPPED if job.result.stopped_early else JobState.DONE
            job.message = job.result.message
            if isinstance(job.request, CompareRequest) and not job.result.stopped_early:
                self.cache.put(job.result)
        elif any(m.state != JobState.QUEUED for m in members):
            job.state = JobState.RUNNING
        if not job.state.active:
            job.finished = time.monotonic()
            self._job_in_flight.pop(job.request, None)

    def _assemble(self, job: _Job, members: list[_Member]) -> Any:
        if not isinstance(job.request, CompareRequest):
            return members[0].finished.result
        runs = tuple(m.finished.result for m in members)
        return CompareResult(
            request=job.request,
            runs=runs,
            grad_norm_epochs=tuple(m.finished.grad_norm_epochs for m in members),
            grad_norms=tuple(m.finished.grad_norms for m in members),
            elapsed_s=max(run.elapsed_s for run in runs),
        ).frozen()

    def _view(self, job_id: str, job: _Job) -> JobView:
        members = [self._members[m] for m in job.members]
        if job.result is not None:
            source_loss = job.result.total_loss
            params = job.result.params
            elapsed = job.result.elapsed_s
        elif isinstance(job.request, CompareRequest):
            source_loss = ragged_columns([np.array(m.total_loss) for m in members])
            params = (
                None if any(m.params is None for m in members) else tuple(m.params for m in members)
            )
            elapsed = max(m.elapsed_s for m in members)
        else:
            source_loss, params = np.array(members[0].total_loss), members[0].params
            elapsed = members[0].elapsed_s
        total_loss = np.array(source_loss, dtype=float)
        total_loss.flags.writeable = False
        etas = [m.eta_s for m in members if m.state.active]
        return JobView(
            job_id,
            job.state,
            int(total_loss.shape[0]),
            job.request.epochs,
            total_loss,
            params,
            elapsed,
            job.result if not job.state.active else None,
            job.cached,
            job.message,
            None if not etas or None in etas else max(etas),
        )

    def _prune(self) -> None:
        """Forget finished jobs after a while, and the oldest when there are too many; and the
        runs no job refers to any more."""
        now = time.monotonic()
        ended = sorted((j.finished, jid) for jid, j in self._jobs.items() if j.finished)
        too_many = max(0, len(self._jobs) - self.max_jobs)
        for rank, (finished, jid) in enumerate(ended):
            if rank < too_many or now - finished > self.keep_finished_s:
                del self._jobs[jid]
        wanted = {m for job in self._jobs.values() for m in job.members}
        for member_id in [m for m, member in self._members.items() if not member.state.active]:
            if member_id not in wanted:
                del self._members[member_id]
