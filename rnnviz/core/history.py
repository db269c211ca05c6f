"""What a training run reports: its loss history, its progress along the way, and why it ended.

`core.train` (one model) and `core.train_stacked` (K models at once) return these records; the
sentences here are the engine's messages (a page shows them as they are).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gradnorms import GradNorms
from .rnn import Params


class TrainingDiverged(ValueError):
    """The loss became infinite or NaN; the message explains it for a student."""


def divergence_message(lr: float, clip: float | None, where: str) -> str:
    """The sentence a page shows when training blows up (`History.message`)."""
    advice = (
        "Without clipping, one large gradient times the learning rate can throw the weights far "
        "away, and the next loss is larger still. Turn clipping on (the tutorial clips every "
        "gradient entry to ±1, so each parameter moves at most lr per step) or lower the "
        "learning rate."
        if clip is None
        else f"Even with clipping at ±{clip:g}, each parameter can move {lr * clip:g} per step, "
        "which is too far here. Lower the learning rate."
    )
    return (
        f"Training diverged {where}: the loss became infinite or NaN at learning rate {lr:g}. "
        f"{advice} The parameters from before the failing step are kept."
    )


def stopped_message(done: int, epochs: int) -> str:
    """The sentence a page shows when the callback stopped training (`History.message`)."""
    return f"Stopped after {done} of {epochs} epochs; the partly trained model is kept."


@dataclass(frozen=True)
class History:
    """What happened during `train`.

    total_loss : (E,) ndarray  per completed epoch, the sum over windows of each window's loss
                               before its update (the tutorial's `total_loss`)
    mean_loss : (E,) ndarray   total_loss / N
    epochs_requested : int
    stopped_early : bool       the callback asked to stop
    diverged : bool            the loss became non-finite; `message` says more
    message : str              empty unless stopped early or diverged
    """

    total_loss: np.ndarray
    mean_loss: np.ndarray
    epochs_requested: int
    stopped_early: bool = False
    diverged: bool = False
    message: str = ""

    @property
    def epochs_completed(self) -> int:
        return int(self.total_loss.shape[0])


@dataclass(frozen=True)
class TrainProgress:
    """Handed to `train`'s callback every `callback_every` epochs (and after the last one).

    epoch : int, epochs completed so far;  epochs : int, epochs requested
    total_loss, mean_loss : (epoch,) ndarrays so far;  params : a copy of the current parameters
    """

    epoch: int
    epochs: int
    total_loss: np.ndarray
    mean_loss: np.ndarray
    params: Params


@dataclass(frozen=True)
class StackedProgress:
    """Handed to `train_stacked`'s callback every `callback_every` epochs and after the last.

    epoch : int, epochs completed by the models still training;  epochs : int, requested
    runs : K `TrainProgress`, one per model (a diverged model's stays at its last epoch)
    diverged : K bools
    """

    epoch: int
    epochs: int
    runs: tuple[TrainProgress, ...]
    diverged: tuple[bool, ...]


@dataclass(frozen=True)
class StackedResult:
    """What happened to each of the K models.

    histories : K `History`, each equal to what `core.train` returns for that model alone
    grad_norms : K `GradNorms` if `grad_norms_every` was given, else None
    """

    histories: tuple[History, ...]
    grad_norms: tuple[GradNorms, ...] | None = None
