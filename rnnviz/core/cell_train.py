"""Training any of the three cells: the tutorial's SGD loop, readable, on fixed or fresh windows.

`cell_sgd_step` is forward -> backward -> clip -> update through the entry points of `cells`.
`train_cell` is `core.train` for any cell: for "rnn" it *is* `core.train` (same numbers, same
fast path); for "lstm" and "gru" it runs `cell_sgd_step` batch after batch. `train_cell_recall`
does the same on windows drawn fresh every epoch from a `RecallTask`. Both return `core.train`'s
`History` and update the parameters in place, as the tutorial's ``-=`` does.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from . import gru, lstm
from .cells import check_cell, check_cell_params, copy_cell_params
from .gated import as_arrays
from .recall import RecallTask
from .rnn import Params
from .train import (
    TUTORIAL_CLIP,
    TUTORIAL_EPOCHS,
    TUTORIAL_LR,
    History,
    TrainingDiverged,
    TrainProgress,
    apply_step,
    divergence_message,
    sgd_step,
    train,
)
from .validation import as_batch, check_clip, check_int, check_lr, check_truncate

Callback = Callable[[TrainProgress], bool | None]


def cell_sgd_step(
    cell: str,
    params: Params,
    X,
    y,
    lr: float = TUTORIAL_LR,
    clip: float | None = TUTORIAL_CLIP,
    truncate: int | None = None,
) -> float:
    """One step of gradient descent on the batch (X, y). Updates `params` in place.

    ``θ ← θ − η·clip(∇θ L, −clip, clip)`` for every parameter of `cell`, L the batch-mean loss.
    Returns the loss before the update. "rnn" is `core.sgd_step`. Raises `TrainingDiverged`
    (a ValueError), leaving `params` unchanged, if the loss or the new parameters are not finite.
    """
    if check_cell(cell) == "rnn":
        return sgd_step(params, X, y, lr, clip, truncate)
    _, lead = check_cell_params(cell, params)
    if lead:
        raise ValueError("Training takes one model at a time: these parameters hold several.")
    lr = check_lr(lr)
    clip = check_clip(clip)
    X, y = as_batch(X, y)
    return _gated_step(cell, params, X, y, lr, clip, check_truncate(truncate, X.shape[1]))


_PASSES = {"lstm": (lstm.forward_pass, lstm.bptt), "gru": (gru.forward_pass, gru.bptt)}


def _gated_step(cell: str, params: Params, X, y, lr: float, clip: float | None, k: int) -> float:
    """`cell_sgd_step` on checked arguments: the training loop checks them once, not per step."""
    forward_pass, bptt = _PASSES[cell]
    arrays = as_arrays(params)
    with np.errstate(over="ignore", invalid="ignore"):
        result = bptt(arrays, forward_pass(arrays, X), y, k)
        return apply_step(params, arrays, result.loss, result.grads, lr, clip)


def train_cell(
    cell: str,
    params: Params,
    X,
    y,
    epochs: int = TUTORIAL_EPOCHS,
    lr: float = TUTORIAL_LR,
    clip: float | None = TUTORIAL_CLIP,
    batch_size: int = 1,
    callback: Callback | None = None,
    callback_every: int | None = None,
    truncate: int | None = None,
) -> History:
    """`core.train` for any cell: the same arguments, the same `History`, `params` updated in place.

    For "rnn" this is `core.train` itself. For "lstm" and "gru": for each epoch, for each batch
    of `batch_size` windows in window order, one `cell_sgd_step`; training stops at the first
    non-finite loss with the last finite parameters, as `core.train` does.
    """
    if check_cell(cell) == "rnn":
        return train(params, X, y, epochs, lr, clip, batch_size, callback, callback_every, truncate)
    X, y = as_batch(X, y)
    settings = (epochs, lr, clip, batch_size, callback, callback_every, truncate)
    return _train(cell, params, lambda epoch: (X, y), X.shape, *settings, first_epoch=0)


def train_cell_recall(
    cell: str,
    params: Params,
    task: RecallTask,
    epochs: int,
    lr: float,
    clip: float | None = TUTORIAL_CLIP,
    batch_size: int = 32,
    callback: Callback | None = None,
    callback_every: int | None = None,
    truncate: int | None = None,
    first_epoch: int = 0,
) -> History:
    """Train on fresh recall windows every epoch: epoch e uses ``task.windows(first_epoch + e)``.

    Arguments and result as `train_cell`; `first_epoch` lets training continue in chunks with
    exactly the windows one long call would have drawn. For "rnn", each epoch is one call of
    `core.train` on that epoch's windows.
    """
    if not isinstance(task, RecallTask):
        raise ValueError("The task must be a RecallTask (see core.RecallTask).")
    first_epoch = check_int(first_epoch, "The first epoch", 0)
    shape = (task.n_windows, task.seq_len)

    def windows(epoch: int) -> tuple[np.ndarray, np.ndarray]:
        return task.windows(first_epoch + epoch)

    settings = (epochs, lr, clip, batch_size, callback, callback_every, truncate)
    return _train(cell, params, windows, shape, *settings, first_epoch=first_epoch)


def _train(
    cell: str,
    params: Params,
    windows: Callable[[int], tuple[np.ndarray, np.ndarray]],
    shape: tuple[int, int],
    epochs,
    lr,
    clip,
    batch_size,
    callback: Callback | None,
    callback_every,
    truncate,
    first_epoch: int,
) -> History:
    """The epoch loop shared by `train_cell` and `train_cell_recall`; `windows(e)` gives epoch e's
    (X (N, T), y (N,)). A divergence message counts epochs from `first_epoch`, so training in
    chunks says what one long call would have said."""
    _, lead = check_cell_params(cell, params)
    if lead:
        raise ValueError("Training takes one model at a time: these parameters hold several.")
    n_windows, seq_len = shape
    epochs = check_int(epochs, "The number of epochs", 1)
    lr = check_lr(lr)
    clip = check_clip(clip)
    batch_size = min(check_int(batch_size, "The batch size", 1), n_windows)
    k = check_truncate(truncate, seq_len)
    every = (
        check_int(callback_every, "The callback interval", 1)
        if callback_every
        else max(1, epochs // 100)
    )
    model = copy_cell_params(cell, params)  # params are replaced only at the end, as core.train

    def run_epoch(epoch: int) -> tuple[float, str]:
        """One epoch on `model`: the summed loss over windows, or a divergence message."""
        X, y = windows(epoch)
        number = first_epoch + epoch + 1  # the epoch's number as one long call counts it
        if cell == "rnn":  # the tutorial's lean path, one epoch at a time
            history = train(model, X, y, 1, lr, clip, batch_size, truncate=k)
            if history.diverged:
                return math.nan, divergence_message(lr, clip, f"in epoch {number}")
            return float(history.total_loss[0]), ""
        total = 0.0
        starts = range(0, n_windows, batch_size)
        for index, start in enumerate(starts):
            X_b, y_b = X[start : start + batch_size], y[start : start + batch_size]
            try:
                loss = _gated_step(cell, model, X_b, y_b, lr, clip, k)
            except TrainingDiverged:
                where = f"in epoch {number}, batch {index + 1} of {len(starts)}"
                return math.nan, divergence_message(lr, clip, where)
            total += loss * len(y_b)  # the batch mean back to a sum over its windows
        return total, ""

    totals: list[float] = []
    stopped_early, diverged, message = False, False, ""
    for epoch in range(epochs):
        total, message = run_epoch(epoch)
        if message:
            diverged = True
            break
        totals.append(total)
        done = epoch + 1
        if callback is not None and (done % every == 0 or done == epochs):
            so_far = np.array(totals)
            progress = TrainProgress(
                done, epochs, so_far, so_far / n_windows, copy_cell_params(cell, model)
            )
            if callback(progress) is True:
                stopped_early = done < epochs
                if stopped_early:
                    message = (
                        f"Stopped after {done} of {epochs} epochs; "
                        "the partly trained model is kept."
                    )
                break

    params.update(model)
    total_loss = np.array(totals)
    return History(
        total_loss=total_loss,
        mean_loss=total_loss / n_windows,
        epochs_requested=epochs,
        stopped_early=stopped_early,
        diverged=diverged,
        message=message,
    )
