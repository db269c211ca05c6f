"""A batch of one: a recall run (`RecallRequest`, any cell) in the Batcher's round robin.

Why alone: a recall run draws fresh windows every epoch, and which windows depends on the run's
own epoch (`core.RecallTask.windows(epoch)`), so two runs at different epochs never read the
same data, and a stacked step needs shared data. A `SoloBatch` is keyed by its member's id
(`SoloKey`), so no other run ever joins it; it keeps the stacked `Batch`'s interface
(`batch_protocol.TrainingBatch`), so the Batcher gives it its turns like any other batch.

Each epoch is one call of `core.train_cell_recall(..., epochs=1, first_epoch=member.epoch)`:
chunked training draws exactly the windows one long call draws and computes exactly its updates,
so a run trained here, whoever else the worker serves, is bit for bit `RecallRequest.execute()`
(tests/test_solo_batching.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz import core
from rnnviz.runs.recall import RecallRequest, RecallResult


@dataclass(frozen=True)
class SoloKey:
    """A solo batch's key: its cell and its one member's id, so it is never merged."""

    cell: str
    member_id: str


class SoloBatch:
    """One recall run, trained an epoch at a time on the windows of its own epoch."""

    X = y = None  # no fixed windows: ‖∂L/∂h_t‖ records are not offered for recall runs

    def __init__(self, key: SoloKey, request: RecallRequest):
        self.key, self.request = key, request
        self.task = request.task()
        self.seq_len = request.seq_len
        self.rows: list = []
        self.pending: list = []
        self.model: core.Params | None = None
        self.message = ""  # the engine's sentence when the run diverged

    def __len__(self) -> int:
        return len(self.rows) + len(self.pending)

    def admit(self, now: float) -> None:
        if not self.pending:
            return
        if self.rows or len(self.pending) > 1:
            raise ValueError("A solo batch trains one run: its key names one member.")
        member = self.pending.pop()
        if member.record_every:
            raise ValueError("Recall runs keep no ‖∂L/∂h_t‖ records.")
        self.model = self.initial_params(member.request)
        member.initial = core.copy_cell_params(self.request.cell, self.model)
        member.started, member.rate_mark = now, (now, 0)
        member.row = 0
        self.rows = [member]

    def remove(self, members: list) -> None:
        for member in members:
            member.row = None
        self.rows = [m for m in self.rows if all(m is not other for other in members)]
        if not self.rows:
            self.model = None

    def epoch(self) -> tuple[np.ndarray, dict[int, tuple[int, core.Params]]]:
        request, member = self.request, self.rows[0]
        history = core.train_cell_recall(
            request.cell,
            self.model,  # updated in place; on divergence, to the last finite parameters
            self.task,
            epochs=1,
            lr=request.lr,
            clip=request.clip,
            batch_size=request.batch_size,
            first_epoch=member.epoch,
        )
        if history.diverged:
            self.message = history.message
            return np.full(1, np.nan), {0: (0, self.params(0))}
        return history.total_loss, {}

    def params(self, row: int) -> core.Params:
        return core.copy_cell_params(self.request.cell, self.model)

    def initial_params(self, request: RecallRequest) -> core.Params:
        return request.initial_params()

    def divergence(self, member, index: int) -> str:
        return self.message  # the engine's own sentence, as execute() gives it

    def result(self, member, params: core.Params, total_loss: np.ndarray, **outcome):
        return RecallResult.of(member.request, member.initial, params, total_loss, **outcome)
