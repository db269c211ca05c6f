"""The process-wide compute pool and the cache of finished runs. No streamlit here.

Why a process pool: training is CPU-bound Python, and the server's threads share one GIL. Run
in the server, ten trainings would make every student's click wait. Here trainings run in a
bounded number of worker processes (one by default, leaving the other core to the server) and
queue for their turn, with their position shown; clicks stay fast. Workers also run at a lower
CPU priority (`nice`), so on a busy machine the scheduler serves a click before a training step.

Both classes are deliberate process-wide shared objects, so each is thread-safe (one lock),
bounded (jobs, queue length, cache bytes) and hands out nothing a user can change for another:
results are frozen (read-only arrays), and a job is stopped only when every session that asked
for it has let it go.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_module
import sys
import threading
import time
import types
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from rnnviz.runs import Progress, RunResult, TrainRequest


@contextmanager
def _plain_main() -> Iterator[None]:
    """Start processes without re-running the server's main script in them.

    A spawned process imports the parent's `__main__` from its file; under `streamlit run` that
    file is app.py, which would then run (in Streamlit's bare mode) in every worker. Workers
    need only rnnviz.runs, so they are started while `__main__` is an empty module.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


# How much lower the workers' CPU priority is than the server's (Linux nice, 0 … 19). Training
# only ever waits a little longer for it; a click then never waits for a training step.
WORKER_NICENESS = 10


def _lower_priority(niceness: int) -> None:
    """Worker initializer: step back for the server's threads when the cores are busy.

    Best effort: where the priority cannot be changed (no os.nice, or a sandbox forbids it)
    the worker trains at the server's priority; an initializer that raised would break the
    pool for good."""
    try:
        os.nice(niceness)
    except (AttributeError, OSError):
        pass


class RunCache:
    """Finished runs by request, least recently used evicted first, bounded in entries and bytes."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 256 * 2**20):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._runs: OrderedDict[TrainRequest, RunResult] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, request: TrainRequest) -> RunResult | None:
        with self._lock:
            result = self._runs.get(request)
            if result is not None:
                self._runs.move_to_end(request)
            return result

    def put(self, result: RunResult) -> None:
        size = result.nbytes()
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._runs.pop(result.request, None)
            if old is not None:
                self._bytes -= old.nbytes()
            self._runs[result.request] = result.frozen()
            self._bytes += size
            while len(self._runs) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._runs.popitem(last=False)
                self._bytes -= evicted.nbytes()

    def stats(self) -> tuple[int, int]:
        """(entries, bytes) held now."""
        with self._lock:
            return len(self._runs), self._bytes


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
    """Too many trainings are waiting; the message says so to the student."""


@dataclass(frozen=True)
class JobView:
    """What a page sees of a job at one moment (a snapshot: it never changes afterwards).

    state : a JobState (never LOST: that is a page's word)
    position : 1-based place in the queue while queued, else 0
    epoch, epochs : progress;  total_loss : (epoch,) read-only;  params : latest, read-only
    result : the RunResult once done or stopped;  cached : it came from the cache at once
    """

    job_id: str
    state: JobState
    position: int
    epoch: int
    epochs: int
    total_loss: np.ndarray
    params: dict[str, np.ndarray] | None
    elapsed_s: float
    result: RunResult | None
    cached: bool
    message: str


@dataclass
class _Job:
    request: TrainRequest
    stop: object  # a manager Event, shared with the worker
    submitted: float = field(default_factory=time.monotonic)
    tickets: set[str] = field(default_factory=set)
    state: JobState = JobState.QUEUED
    future: Future | None = None
    progress: Progress | None = None
    result: RunResult | None = None
    cached: bool = False
    message: str = ""
    finished: float | None = None


def _work(job_id: str, request: TrainRequest, progress_queue, stop) -> RunResult | None:
    """Runs in a worker process: train, sending progress and obeying the stop event."""
    if stop.is_set():  # let go of while it waited in the executor's own queue
        return None
    progress_queue.put((job_id, None))  # "started"

    def report(progress: Progress) -> bool:
        progress_queue.put((job_id, progress))
        return stop.is_set()

    return request.execute(report)


class TrainingPool:
    """Trains requests in `workers` processes; identical in-flight requests share one job.

    submit() returns a (job id, ticket) at once; view() gives a snapshot; release() lets go
    of a ticket (the job stops when no ticket holds it). Finished runs go to `cache`, and a
    request already there is answered at once.
    """

    def __init__(
        self,
        workers: int = 1,
        max_waiting: int = 40,
        cache: RunCache | None = None,
        keep_finished_s: float = 900.0,
        max_jobs: int = 500,
        niceness: int = WORKER_NICENESS,
    ):
        self.workers, self.max_waiting, self.niceness = workers, max_waiting, niceness
        self.cache = cache or RunCache()
        self.keep_finished_s, self.max_jobs = keep_finished_s, max_jobs
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}
        self._in_flight: dict[TrainRequest, str] = {}
        self._executor: ProcessPoolExecutor | None = None
        self._manager = None
        self._progress = None

    # -- set-up on first use: no processes are started for sessions that never train ---------
    def _start(self) -> None:
        if self._executor is not None:
            return
        context = mp.get_context("spawn")  # no fork of a threaded server
        with _plain_main():
            self._manager = context.Manager()
        self._progress = self._manager.Queue()
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_lower_priority,
            initargs=(self.niceness,),
        )
        threading.Thread(target=self._listen, name="rnnviz-progress", daemon=True).start()

    def _listen(self) -> None:
        while True:
            try:
                job_id, progress = self._progress.get(timeout=1.0)
            except queue_module.Empty:
                continue
            except (EOFError, OSError):  # the manager shut down with the server
                return
            with self._lock:
                job = self._jobs.get(job_id)
                if job is None or not job.state.active:
                    continue
                job.state = JobState.RUNNING
                if progress is not None:
                    job.progress = progress

    # -- the API pages use ---------------------------------------------------------------------
    def submit(self, request: TrainRequest, fresh: bool = False) -> tuple[str, str]:
        """Queue `request` (or join the identical one in flight, or answer from the cache).

        `fresh` skips the cache ("train again live", for those who want to watch it happen).
        Returns (job_id, ticket). Raises PoolBusy when too many trainings are waiting.
        """
        ticket = uuid.uuid4().hex
        cached = None if fresh else self.cache.get(request)
        with self._lock:
            self._prune()
            if cached is not None:
                job_id = uuid.uuid4().hex
                self._jobs[job_id] = _Job(
                    request,
                    stop=None,
                    state=JobState.DONE,
                    result=cached,
                    cached=True,
                    finished=time.monotonic(),
                )
                return job_id, ticket
            job_id = self._in_flight.get(request)
            if job_id is not None:
                self._jobs[job_id].tickets.add(ticket)
                return job_id, ticket
            waiting = sum(job.state == JobState.QUEUED for job in self._jobs.values())
            if waiting >= self.max_waiting:
                raise PoolBusy(
                    f"{waiting} trainings are already waiting on this server; please try again "
                    "in a minute (or pick settings someone has already trained)."
                )
            self._start()
            job_id = uuid.uuid4().hex
            job = _Job(request, stop=self._manager.Event(), tickets={ticket})
            with _plain_main():  # the executor starts its worker processes on submit
                job.future = self._executor.submit(_work, job_id, request, self._progress, job.stop)
            self._jobs[job_id] = job
            self._in_flight[request] = job_id
        job.future.add_done_callback(lambda future, job_id=job_id: self._finish(job_id, future))
        return job_id, ticket

    def view(self, job_id: str) -> JobView | None:
        """A snapshot of the job, or None if it is unknown (expired, or never existed)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            queued = [jid for jid, j in self._jobs.items() if j.state == JobState.QUEUED]
            position = queued.index(job_id) + 1 if job.state == JobState.QUEUED else 0
            source = job.result or job.progress
            total_loss = np.array([]) if source is None else np.array(source.total_loss)
            total_loss.flags.writeable = False
            params = None if source is None else source.params
            epochs = job.request.epochs
            epoch = int(total_loss.shape[0])
            elapsed = (
                job.result.elapsed_s
                if job.result
                else job.progress.elapsed_s
                if job.progress
                else 0.0
            )
            return JobView(
                job_id,
                job.state,
                position,
                epoch,
                epochs,
                total_loss,
                params,
                elapsed,
                job.result,
                job.cached,
                job.message,
            )

    def release(self, job_id: str, ticket: str) -> None:
        """This session no longer wants the job; stop it if nobody else does."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not job.state.active:
                return
            job.tickets.discard(ticket)
            if job.tickets:
                return
            job.stop.set()
            if job.state == JobState.QUEUED:  # never started: nothing to keep, free its place now
                job.future.cancel()
                job.state, job.finished = JobState.STOPPED, time.monotonic()
                job.message = "Cancelled before it started."
                self._in_flight.pop(job.request, None)

    # -- bookkeeping -------------------------------------------------------------------------
    def _finish(self, job_id: str, future: Future) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or future.cancelled() or job.state == JobState.STOPPED:
                return
            self._in_flight.pop(job.request, None)
            job.finished = time.monotonic()
            try:
                result = future.result()
            except Exception as err:  # noqa: BLE001 - reported to the page, never raised there
                job.state, job.message = JobState.FAILED, f"Training failed: {err}"
                return
            job.result = result.frozen()
            job.state = JobState.STOPPED if result.stopped_early else JobState.DONE
            job.message = result.message
        if not result.stopped_early:
            self.cache.put(result)

    def _prune(self) -> None:
        """Forget finished jobs after a while, and the oldest when there are too many."""
        now = time.monotonic()
        finished = [jid for jid, j in self._jobs.items() if j.finished is not None]
        for jid in finished:
            if now - self._jobs[jid].finished > self.keep_finished_s:
                del self._jobs[jid]
        finished = sorted((j.finished, jid) for jid, j in self._jobs.items() if j.finished)
        for _, jid in finished[: max(0, len(self._jobs) - self.max_jobs)]:
            del self._jobs[jid]

    def shutdown(self) -> None:
        """Stop every job and the processes (tests; a server simply exits)."""
        if self._executor is None:
            return
        with self._lock:
            for job in self._jobs.values():
                if job.stop is not None:
                    job.stop.set()
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._manager.shutdown()
