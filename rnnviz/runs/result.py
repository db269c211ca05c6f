"""What a training run produced: progress snapshots and the finished (or stopped) result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Self, TypeVar

import numpy as np

from rnnviz import core

if TYPE_CHECKING:
    from rnnviz.runs.request import TrainRequest

R = TypeVar("R")  # the request type: TrainRequest, RecallRequest


@dataclass(frozen=True)
class Progress:
    """A snapshot of a run in progress: epochs done, the loss so far (epoch,), current params."""

    epoch: int
    epochs: int
    total_loss: np.ndarray
    params: dict[str, np.ndarray]
    elapsed_s: float


@dataclass(frozen=True)
class FinishedRun(Generic[R]):
    """What any finished (or stopped, or diverged) run keeps. Arrays are read-only once cached.

    request : what determined the run;  params, initial_params : the parameters after and before
    total_loss : (E,) per completed epoch, the sum over that epoch's windows of each window's loss
        before its update;  mean_loss : total_loss / windows per epoch
    diverged, stopped_early, message : how it ended, as `core.History` says;  elapsed_s : seconds
    """

    request: R
    initial_params: dict[str, np.ndarray]
    params: dict[str, np.ndarray]
    total_loss: np.ndarray
    mean_loss: np.ndarray
    diverged: bool
    stopped_early: bool
    message: str
    elapsed_s: float

    @property
    def epochs_done(self) -> int:
        return int(self.total_loss.shape[0])

    def _arrays(self) -> list[np.ndarray]:
        return [
            *self.params.values(),
            *self.initial_params.values(),
            self.total_loss,
            self.mean_loss,
        ]

    def nbytes(self) -> int:
        return int(sum(a.nbytes for a in self._arrays())) + 1024  # + the request and bookkeeping

    def frozen(self) -> Self:
        """The same result with every array read-only, safe to share between sessions."""
        for array in self._arrays():
            array.flags.writeable = False
        return self


@dataclass(frozen=True)
class RunResult(FinishedRun["TrainRequest"]):
    """A finished (or stopped, or diverged) training run on a temperature series: the fields of
    `FinishedRun`, and the scaler it read temperatures with."""

    scaler: core.Scaling = field(default_factory=core.Scaling.raw)

    @classmethod
    def of_history(
        cls,
        request: TrainRequest,
        initial_params: dict[str, np.ndarray],
        params: dict[str, np.ndarray],
        history: core.History,
        *,
        elapsed_s: float,
        scaler: core.Scaling,
    ) -> RunResult:
        """The result of `core.train` (or one model of `core.train_stacked`): its `History`,
        the parameters it started from and those it left."""
        return cls(
            request=request,
            initial_params=initial_params,
            params=params,
            total_loss=history.total_loss,
            mean_loss=history.mean_loss,
            diverged=history.diverged,
            stopped_early=history.stopped_early,
            message=history.message,
            elapsed_s=elapsed_s,
            scaler=scaler,
        )

    @classmethod
    def from_snapshot(
        cls,
        request: TrainRequest,
        params: dict[str, np.ndarray],
        total_loss: np.ndarray,
        *,
        elapsed_s: float,
        stopped_early: bool = False,
        diverged: bool = False,
        message: str = "",
    ) -> RunResult:
        """The run as a progress snapshot left it: `params` after len(total_loss) epochs.

        total_loss : (E,) the tutorial's total_loss per completed epoch. The initial parameters
        are drawn again from the request's seed (the numbers the worker started from), and the
        scaler and window count come from the request's data.
        """
        *_, X, _, scaler = request.data()
        total = np.asarray(total_loss, dtype=float)
        return cls(
            request=request,
            initial_params=core.init_params(request.hidden_size, seed=request.seed),
            params=params,
            total_loss=total,
            mean_loss=total / X.shape[0],
            diverged=diverged,
            stopped_early=stopped_early,
            message=message,
            elapsed_s=elapsed_s,
            scaler=scaler,
        )

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions in temperature units for windows X (B, T) of raw temperatures."""
        return self.scaler.unscale(core.predict(self.params, self.scaler.scale(X)))


@dataclass(frozen=True)
class TrainedModel:
    """A trained model as the training page hands it to the stepper and BPTT pages.

    params : the five arrays, this session's own copy (a cached result's are read-only)
    request : the TrainRequest it was trained with (its series, T, H, scaling, ...)
    epochs_done : epochs completed, fewer than requested when stopped or diverged
    scaler : how it reads temperatures: raw, or (T − mean) / std of its training series
    label : one line saying what it is, for the pages that show it
    """

    params: dict[str, np.ndarray]
    request: TrainRequest
    epochs_done: int
    scaler: core.Scaling
    label: str
