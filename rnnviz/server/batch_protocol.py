"""What `rnnviz.server.batching.Batcher` asks of a batch: the contract that the stacked `Batch`
(many TrainRequests as one computation) and the `SoloBatch` (one recall run of any cell) both
keep, so the Batcher's round robin serves them alike.

A batch holds members (`batching.Member`): `pending` ones wait for the next epoch boundary,
`rows` train; member.row is its row in the batch. Between epochs the Batcher drops members
(`remove`) and takes in the waiting ones (`admit`); `epoch` trains every row one epoch.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from rnnviz import core


class TrainingBatch(Protocol):
    key: Any
    rows: list  # the training members, row r is rows[r]
    pending: list  # members waiting for the next epoch boundary
    seq_len: int  # T of its windows
    X: np.ndarray | None  # (N, T) its fixed windows, for ‖∂L/∂h_t‖ records (None: it has none)
    y: np.ndarray | None  # (N,)

    def __len__(self) -> int:
        """Members training or waiting; 0 when the batch can go."""
        ...

    def admit(self, now: float) -> None:
        """At an epoch boundary: take in the pending members, each from its initial params."""
        ...

    def remove(self, members: list) -> None:
        """Let `members` go; the others keep their state exactly."""
        ...

    def epoch(self) -> tuple[np.ndarray, dict[int, tuple[int, core.Params]]]:
        """One epoch of every row: (K,) total losses, and the rows that diverged in it, each with
        the batch index it failed in and its last finite parameters."""
        ...

    def params(self, row: int) -> core.Params:
        """Row `row`'s current parameters (a copy)."""
        ...

    def initial_params(self, request: Any) -> core.Params:
        """The parameters `request` starts from (for a run stopped before its first epoch)."""
        ...

    def divergence(self, member: Any, index: int) -> str:
        """The sentence for `member` diverging in batch `index` of its current epoch, as its
        request's `execute()` words it."""
        ...

    def result(self, member: Any, params: core.Params, total_loss: np.ndarray, **outcome) -> Any:
        """The run's result as its request's `execute()` returns it; `outcome`: diverged,
        stopped_early, message, elapsed_s."""
        ...
