"""Continuous batching of trainings: the runs of many students, on the same data, trained as one
stacked computation, like an inference server batches requests.

Per-sample SGD costs NumPy call overhead, not arithmetic, so K models stacked along a leading axis
cost little more than one (`core.sgd.StackedSGD`; measured: K = 10 about 1.7×, K = 30 about 3.5×
one run). Trainings that can share a computation form one `Batch`: the same series (its content),
window length T, hidden size H, batch size, input scaling and held-out tail (`BatchKey`).
Everything else is each run's own: weight seed, learning rate, clipping, truncation depth and
epoch count.

A run that arrives while its batch trains joins it at the next epoch boundary; one that finishes,
is stopped or diverges leaves it there, and the others carry on. Each run's arrays are laid out as
if it were alone (`core.sgd`), so whoever else is in the batch, its parameters and loss history
are bit for bit what `TrainRequest.execute` gives alone (tests drive random join/leave schedules
through `Batcher` and compare with `np.array_equal`). Different H are never padded into one batch:
padding is exact on paper, but BLAS would then sum in another order, and at large learning rates
a last-bit difference grows into another model.

Pure NumPy and the run records; no processes here. `rnnviz.server.worker` runs a `Batcher` in a
worker process, and `Batcher.step` is what it calls in a loop: each call gives one batch a turn
of whole epochs (round robin, so every key is served in turn) and returns what happened.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from rnnviz import core
from rnnviz.core.buffers import make_batches
from rnnviz.core.flat import flatten
from rnnviz.core.history import divergence_message, stopped_message
from rnnviz.core.sgd import StackedSGD
from rnnviz.core.validation import check_truncate
from rnnviz.runs import RunResult, TrainRequest

QUANTUM_S = 0.1  # a batch's turn: whole epochs until this much time has passed (at least one)
REPORT_EVERY_S = 0.25  # progress of one run at most this often (and always at its end)
RATE_MEMORY = 0.7  # the ETA's epochs/s: this much of the last estimate, the rest from this turn


@dataclass(frozen=True)
class BatchKey:
    """What trainings must share to be one stacked computation."""

    series: tuple
    observed: tuple[float, ...] | None
    seq_len: int
    hidden_size: int
    batch_size: int | None
    scaling: str
    holdout: int

    @classmethod
    def of(cls, request: TrainRequest) -> BatchKey:
        return cls(
            request.series,
            request.observed,
            request.seq_len,
            request.hidden_size,
            request.batch_size,
            request.scaling,
            request.holdout,
        )


@dataclass
class Member:
    """One run in a batch (or waiting at its door): its request and what it has done so far.

    record_every : epochs between ‖∂L/∂h_t‖ records (0: none), for compared runs
    row : its row in the batch's stepper, None while pending or after it left
    totals : the tutorial's total_loss per completed epoch
    """

    member_id: str
    request: TrainRequest
    record_every: int = 0
    row: int | None = None
    initial: core.Params | None = None
    totals: list[float] = field(default_factory=list)
    norm_epochs: list[int] = field(default_factory=list)
    norm_rows: list[np.ndarray] = field(default_factory=list)
    stop_asked: bool = False
    started: float = 0.0
    reported: float = -math.inf
    reported_epochs: int = 0
    rate: float = 0.0  # epochs per second lately, for the ETA
    rate_mark: tuple[float, int] = (0.0, 0)

    @property
    def epoch(self) -> int:
        return len(self.totals)


@dataclass(frozen=True)
class Update:
    """Progress of one run: its latest parameters, and the total losses of the epochs since its
    previous update (epochs first_epoch+1 …), so that no update carries the whole history.

    eta_s : seconds left at the recent epochs per second (None until there is a rate)
    """

    member_id: str
    epoch: int
    first_epoch: int
    new_losses: np.ndarray
    params: core.Params
    elapsed_s: float
    eta_s: float | None


@dataclass(frozen=True)
class Finished:
    """A run that left its batch: finished, stopped, or diverged (`result` says which).

    grad_norm_epochs, grad_norms : its ‖∂L/∂h_t‖ records, (R,) and (R, T+1), if it asked
    """

    member_id: str
    result: RunResult
    grad_norm_epochs: np.ndarray | None = None
    grad_norms: np.ndarray | None = None


class Batch:
    """The runs of one key: their data, prepared once, and one stepper over their rows."""

    def __init__(self, key: BatchKey, request: TrainRequest):
        _, X, y, self.scaler = request.data()
        self.X, self.y = self.scaler.scale(X), self.scaler.scale(y)  # (N, T), (N,)
        n_windows, self.seq_len = self.X.shape
        size = n_windows if key.batch_size is None else min(key.batch_size, n_windows)
        self.batches = make_batches(self.X, self.y, size)
        self.key = key
        self.rows: list[Member] = []  # stepper row r trains self.rows[r]
        self.pending: list[Member] = []
        self.stepper: StackedSGD | None = None

    @property
    def n_windows(self) -> int:
        return self.X.shape[0]

    def __len__(self) -> int:
        return len(self.rows) + len(self.pending)

    def admit(self, now: float) -> None:
        """At an epoch boundary: drop the runs asked to stop (done by the caller), take in the
        waiting ones with the tutorial's initialisation from their seeds."""
        if not self.pending:
            return
        joining, self.pending = self.pending, []
        params = []
        for member in joining:
            start = core.init_params(member.request.hidden_size, seed=member.request.seed)
            member.initial, member.started = core.copy_params(start), now
            member.rate_mark = (now, 0)
            params.append(start)
        joined = flatten(params)  # (J, P), the newcomers' rows
        if self.stepper is None:
            theta, backup = joined, joined.copy()
        else:  # the others' rows, their state exactly as it is, then the newcomers'
            theta = np.concatenate([self.stepper.theta, joined])
            backup = np.concatenate([self.stepper.backup, joined])
        self.rows.extend(joining)
        self._rebuild(theta, backup)

    def remove(self, members: list[Member]) -> None:
        """Let `members` go; the others keep their rows' state exactly."""
        leaving = {id(m) for m in members}
        keep = np.array([r for r, m in enumerate(self.rows) if id(m) not in leaving], dtype=int)
        for member in members:
            member.row = None
        self.rows = [self.rows[r] for r in keep]
        if not self.rows:
            self.stepper = None
            return
        self.stepper = self.stepper.keep(keep)
        for r, member in enumerate(self.rows):
            member.row = r

    def _rebuild(self, theta: np.ndarray, backup: np.ndarray) -> None:
        requests = [m.request for m in self.rows]
        self.stepper = StackedSGD(
            theta,
            backup,
            [r.lr for r in requests],
            [math.inf if r.clip is None else r.clip for r in requests],
            np.array([self.seq_len - check_truncate(r.truncate, self.seq_len) for r in requests]),
            self.key.hidden_size,
            self.seq_len,
            [batch.size for batch in self.batches],
        )
        for r, member in enumerate(self.rows):
            member.row = r

    def epoch(self) -> tuple[np.ndarray, dict[int, tuple[int, core.Params]]]:
        """One epoch for every row: (K,) total losses, and the rows that diverged in it."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.stepper.run_epoch(self.batches)


class Batcher:
    """All the batches of one worker. Not thread-safe: one caller (the worker's loop)."""

    def __init__(self, quantum_s: float = QUANTUM_S, clock=time.perf_counter):
        self.quantum_s, self._clock = quantum_s, clock
        self.batches: dict[BatchKey, Batch] = {}
        self.members: dict[str, tuple[Member, BatchKey]] = {}
        self._turns: deque[BatchKey] = deque()

    def __len__(self) -> int:
        return len(self.members)

    def add(self, member_id: str, request: TrainRequest, record_every: int = 0) -> None:
        """A new run: it joins its batch at the batch's next epoch boundary."""
        key = BatchKey.of(request)
        batch = self.batches.get(key)
        if batch is None:
            batch = self.batches[key] = Batch(key, request)
            self._turns.append(key)
        member = Member(member_id, request, record_every)
        batch.pending.append(member)
        self.members[member_id] = (member, key)

    def stop(self, member_id: str) -> None:
        """Stop a run at its batch's next epoch boundary, keeping what it has learned."""
        if member_id in self.members:
            self.members[member_id][0].stop_asked = True

    def step(self) -> list[Update | Finished]:
        """One batch's turn: whole epochs for about `quantum_s` (at least one), round robin
        over the keys; returns the runs' progress and the runs that left."""
        events: list[Update | Finished] = []
        if not self._turns:
            return events
        key = self._turns[0]
        self._turns.rotate(-1)
        batch = self.batches[key]
        now = self._clock()
        self._let_go(batch, [m for m in batch.rows if m.stop_asked], events, now)
        for member in [m for m in batch.pending if m.stop_asked]:  # stopped before it started
            batch.pending.remove(member)
            events.append(self._finish(batch, member, None, now, stopped=True))
        batch.admit(now)
        deadline = now + self.quantum_s
        while batch.rows:
            self._one_epoch(batch, events)
            now = self._clock()
            if now >= deadline or any(m.stop_asked for m in batch.rows):
                break
        for member in batch.rows:
            self._maybe_report(batch, member, events, now)
        if not batch:  # everyone left: the key's data goes too
            del self.batches[key]
            self._turns.remove(key)
        return events

    def _one_epoch(self, batch: Batch, events: list) -> None:
        total, failed = batch.epoch()
        now = self._clock()
        diverged = []
        for row, (index, kept) in failed.items():
            member = batch.rows[row]
            where = f"in epoch {member.epoch + 1}, batch {index + 1} of {len(batch.batches)}"
            request = member.request
            message = divergence_message(request.lr, request.clip, where)
            events.append(self._finish(batch, member, kept, now, diverged=message))
            diverged.append(member)
        done = []
        for row, member in enumerate(batch.rows):
            if row in failed:
                continue
            member.totals.append(float(total[row]))
            epoch = member.epoch
            every = member.record_every
            if every and (epoch % every == 0 or epoch == member.request.epochs):
                member.norm_epochs.append(epoch)
                member.norm_rows.append(
                    core.hidden_grad_norms(batch.stepper.params(row), batch.X, batch.y)
                )
            if epoch == member.request.epochs:
                done.append(member)
        for member in done:
            events.append(self._finish(batch, member, batch.stepper.params(member.row), now))
        if diverged or done:
            batch.remove(diverged + done)

    def _let_go(self, batch: Batch, members: list[Member], events: list, now: float) -> None:
        for member in members:
            params = batch.stepper.params(member.row)
            events.append(self._finish(batch, member, params, now, stopped=True))
        if members:
            batch.remove(members)

    def _maybe_report(self, batch: Batch, member: Member, events: list, now: float) -> None:
        if now - member.reported < REPORT_EVERY_S or member.epoch == member.reported_epochs:
            return
        then, epochs_then = member.rate_mark
        if now > then and member.epoch > epochs_then:
            recent = (member.epoch - epochs_then) / (now - then)
            member.rate = (
                recent
                if member.rate == 0
                else (RATE_MEMORY * member.rate + (1 - RATE_MEMORY) * recent)
            )
        member.rate_mark = (now, member.epoch)
        left = member.request.epochs - member.epoch
        eta = left / member.rate if member.rate > 0 else None
        events.append(self._update(member, batch.stepper.params(member.row), now, eta))

    def _update(self, member: Member, params: core.Params, now: float, eta: float | None):
        first = member.reported_epochs
        new = np.array(member.totals[first:])
        member.reported, member.reported_epochs = now, member.epoch
        return Update(member.member_id, member.epoch, first, new, params, now - member.started, eta)

    def _finish(
        self,
        batch: Batch,
        member: Member,
        params: core.Params | None,
        now: float,
        stopped: bool = False,
        diverged: str = "",
    ) -> Finished:
        """The run's RunResult, as `TrainRequest.execute` would return it, and it leaves."""
        del self.members[member.member_id]
        request = member.request
        if params is None:  # stopped before its first epoch: nothing trained
            params = core.init_params(request.hidden_size, seed=request.seed)
            member.initial = core.copy_params(params)
        stopped_early = stopped and member.epoch < request.epochs and not diverged
        message = diverged or (
            stopped_message(member.epoch, request.epochs) if stopped_early else ""
        )
        total_loss = np.array(member.totals)
        result = RunResult(
            request=request,
            initial_params=member.initial,
            params=params,
            total_loss=total_loss,
            mean_loss=total_loss / batch.n_windows,
            diverged=bool(diverged),
            stopped_early=stopped_early,
            message=message,
            elapsed_s=now - member.started if member.started else 0.0,
            scaler=batch.scaler,
        )
        norms = None
        if member.record_every:
            norms = np.array(member.norm_rows).reshape(len(member.norm_rows), batch.seq_len + 1)
        return Finished(
            member.member_id,
            result,
            np.array(member.norm_epochs, dtype=int) if member.record_every else None,
            norms,
        )
