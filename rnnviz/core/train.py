"""Training: one readable SGD step, and the tutorial's training loop on the lean path.

`sgd_step` is forward -> backward -> clip -> update, spelled out with the functions the pages
show. `train` computes the same updates with far fewer NumPy calls per step: it is
`core.train_stacked` with one model, on the lean step of `core.sgd`, whose opening docstring
lists each speed trick. Tests hold the paths together: mini-batch `train` equals repeated
`sgd_step` bit for bit, per-sample `train` equals it to 1e-12 (it adds b_h before W_hh·h_(t-1),
one rounding apart) and reproduces the tutorial's own loop to 1e-12.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .bptt import backward, clip_grads
from .history import (
    History,
    StackedProgress,
    TrainingDiverged,
    TrainProgress,
    divergence_message,
)
from .loop import train_checked
from .rnn import Params, forward
from .validation import as_batch, check_clip, check_lr, check_params

TUTORIAL_LR = 1e-4
TUTORIAL_CLIP = 1.0
TUTORIAL_EPOCHS = 2500


def sgd_step(
    params: Params,
    X,
    y,
    lr: float = TUTORIAL_LR,
    clip: float | None = TUTORIAL_CLIP,
    truncate: int | None = None,
) -> float:
    """One step of gradient descent on the batch (X, y). Updates `params` in place.

    Parameters
    ----------
    params : dict of the five parameters; its entries are replaced by the updated arrays
    X : (B, T) array_like, or one window (T,)
    y : (B,) array_like, or one target
    lr : float > 0, η
    clip : float > 0 or None, element-wise clipping bound (None: no clipping)
    truncate : int or None, truncated-BPTT depth k (None: full BPTT)

    Returns
    -------
    loss : float, the batch-mean loss before the update (the tutorial's `loss`)

    Notes
    -----
    ``θ ← θ − η·clip(∇θ L, −clip, clip)`` for θ in W_xh, W_hh, b_h, W_hy, b_y.
    Raises `TrainingDiverged` (a ValueError), leaving `params` unchanged, if the loss or the
    updated parameters are not finite.
    """
    check_params(params)
    lr = check_lr(lr)
    clip = check_clip(clip)
    X, y = as_batch(X, y)
    with np.errstate(over="ignore", invalid="ignore"):
        result = backward(params, forward(params, X), y, truncate=truncate)
        return apply_step(params, params, result.loss, result.grads, lr, clip)


def apply_step(
    params: Params, current: Params, loss: float, grads: Params, lr: float, clip: float | None
) -> float:
    """The update of `sgd_step` (and of `core.cell_sgd_step`), on checked lr and clip: replace
    each ``params[θ]`` by ``current[θ] − η·clip(dθ, −clip, clip)`` for every θ in `grads`, and
    return `loss`. `current` holds the same parameters (as float64 arrays, or `params` itself).

    Raises `TrainingDiverged`, leaving `params` unchanged, if `loss` or an updated parameter is
    not finite. Callers run it under their step's ``np.errstate(over="ignore", invalid="ignore")``
    (an overflow is reported as divergence, not as a warning): one errstate block a step, not two,
    is 1.4 µs of a gated step's ~600.
    """
    clipped = clip_grads(grads, clip)
    updated = {name: current[name] - lr * clipped[name] for name in clipped}
    if not math.isfinite(loss) or not all(np.all(np.isfinite(v)) for v in updated.values()):
        raise TrainingDiverged(divergence_message(lr, clip, "on this step"))
    params.update(updated)
    return loss


def train(
    params: Params,
    X,
    y,
    epochs: int = TUTORIAL_EPOCHS,
    lr: float = TUTORIAL_LR,
    clip: float | None = TUTORIAL_CLIP,
    batch_size: int | None = 1,
    callback: Callable[[TrainProgress], bool | None] | None = None,
    callback_every: int | None = None,
    truncate: int | None = None,
) -> History:
    """The tutorial's training loop. Updates `params` in place (its entries are replaced).

    Parameters
    ----------
    params : dict of the five parameters (see `init_params`)
    X : (N, T) array_like, the windows;  y : (N,) array_like, the targets
    epochs : int >= 1;  lr : float > 0;  clip : float > 0 or None
    batch_size : int >= 1 or None; 1 is the tutorial's per-sample SGD, None (or N or more) is
        full-batch gradient descent. Batches are taken in window order, no shuffling, so runs
        are deterministic and training in chunks of epochs gives exactly the same result as one
        long call.
    callback : called with a `TrainProgress` every `callback_every` epochs and after the last;
        returning True stops training early, keeping the partial model.
    callback_every : int, default about 1% of `epochs`
    truncate : int or None, truncated-BPTT depth k (None: full BPTT)

    Returns
    -------
    History; if the loss becomes non-finite, training stops, `params` holds the last finite
    parameters and `History.diverged`/`message` say what happened.

    Notes
    -----
    For each epoch, for each batch in order: ``θ ← θ − η·clip(∇θ mean_b (y_pred_b − y_b)²)``.
    """

    def one_run(progress: StackedProgress) -> bool | None:
        return callback(progress.runs[0])

    result = train_checked(
        [params],
        X,
        y,
        epochs,
        [lr],
        [clip],
        [truncate],
        batch_size,
        None if callback is None else one_run,
        callback_every,
        None,
    )
    return result.histories[0]
