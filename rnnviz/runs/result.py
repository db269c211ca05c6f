"""What a training run produced: progress snapshots and the finished (or stopped) result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from rnnviz import core

if TYPE_CHECKING:
    from rnnviz.runs.request import TrainRequest


@dataclass(frozen=True)
class Progress:
    """A snapshot of a run in progress: epochs done, the loss so far (epoch,), current params."""

    epoch: int
    epochs: int
    total_loss: np.ndarray
    params: dict[str, np.ndarray]
    elapsed_s: float


@dataclass(frozen=True)
class RunResult:
    """A finished (or stopped, or diverged) run. Arrays are read-only once cached."""

    request: TrainRequest
    initial_params: dict[str, np.ndarray]
    params: dict[str, np.ndarray]
    total_loss: np.ndarray
    mean_loss: np.ndarray
    diverged: bool
    stopped_early: bool
    message: str
    elapsed_s: float
    scaler: core.Scaling = field(default_factory=core.Scaling.raw)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions in temperature units for windows X (B, T) of raw temperatures."""
        return self.scaler.unscale(core.predict(self.params, self.scaler.scale(X)))

    def nbytes(self) -> int:
        arrays = [
            *self.params.values(),
            *self.initial_params.values(),
            self.total_loss,
            self.mean_loss,
        ]
        return int(sum(a.nbytes for a in arrays)) + 1024  # + the request and bookkeeping

    def frozen(self) -> RunResult:
        """The same result with every array read-only, safe to share between sessions."""
        for array in [
            *self.params.values(),
            *self.initial_params.values(),
            self.total_loss,
            self.mean_loss,
        ]:
            array.flags.writeable = False
        return self
