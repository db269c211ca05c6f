"""K models trained side by side as one computation, each exactly as `core.train` trains it alone.

Comparing settings (learning rates, clipping, seeds, truncation depth) means training K models on
the same windows with the same hidden size H. Per-sample SGD costs NumPy call overhead, not
arithmetic, so K models stacked along a leading axis cost little more than one (`core.sgd`).
`core.train` is this same computation with K = 1, and each model's arrays are laid out as if it
were alone, so every stacked model equals `core.train` of that model alone bit for bit (a test
holds parameters and loss histories `np.array_equal`).

A model whose loss becomes infinite or NaN stops there with its last finite parameters and a
message, exactly as `core.train` would stop it; the others carry on without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .history import StackedProgress, StackedResult
from .loop import train_checked
from .rnn import Params
from .train import TUTORIAL_CLIP, TUTORIAL_EPOCHS, TUTORIAL_LR


def train_stacked(
    params_list: Sequence[Params],
    X,
    y,
    epochs: int = TUTORIAL_EPOCHS,
    lr: float | Sequence[float] = TUTORIAL_LR,
    clip: float | None | Sequence[float | None] = TUTORIAL_CLIP,
    batch_size: int | None = 1,
    callback: Callable[[StackedProgress], bool | None] | None = None,
    callback_every: int | None = None,
    truncate: int | None | Sequence[int | None] = None,
    grad_norms_every: int | None = None,
) -> StackedResult:
    """Train K models on the same windows together, as `core.train` would train each alone.

    Updates every dict in `params_list` in place (its entries are replaced), as `core.train` does.

    Parameters
    ----------
    params_list : K dicts of the five parameters, all with the same hidden size H (for example
        ``[core.init_params(20, seed=s) for s in (0, 1, 2)]``)
    X : (N, T) array_like;  y : (N,) array_like
    epochs : int >= 1, the same for all K
    batch_size : int >= 1 or None, the same for all K; None (or N or more) is full batch
    lr, clip, truncate : one value for all, or one per model (K values; clip None = no clipping,
        truncate None = full BPTT)
    callback : called with a `StackedProgress` every `callback_every` epochs and after the last;
        returning True stops all K, keeping the partly trained models
    callback_every : int, default about 1% of `epochs`
    grad_norms_every : int or None; if given, `hidden_grad_norms` of each model is recorded after
        every `grad_norms_every` epochs and after the last (see `StackedResult.grad_norms`).
        A record costs about an eighth of an epoch per model (0.4 ms for the tutorial's 95
        windows, H = 20), so every 25 epochs adds well under 1%; None adds nothing.

    Returns
    -------
    StackedResult: K `History` objects. A model whose loss becomes non-finite is stopped there
    with its last finite parameters and the same message `core.train` gives; the others go on.

    Notes
    -----
    For each epoch, for each batch in order, for each model m at once:
    ``θ_m ← θ_m − lr_m·clip(∇θ_m mean_b (y_pred_b − y_b)², ±clip_m)`` with gradients carried back
    ``truncate_m`` steps. Batched `np.matmul` over the K axis does the K recurrences.
    """
    params_list = list(params_list)
    if not params_list:
        raise ValueError("Give at least one model to train.")
    n_models = len(params_list)
    return train_checked(
        params_list,
        X,
        y,
        epochs,
        _per_model(lr, n_models, "The learning rate"),
        _per_model(clip, n_models, "The clipping value"),
        _per_model(truncate, n_models, "Truncation"),
        batch_size,
        callback,
        callback_every,
        grad_norms_every,
    )


def _per_model(value, n_models: int, name: str) -> list:
    """A scalar repeated K times, or a sequence of exactly K values."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        return [value] * n_models
    values = list(value)
    if len(values) != n_models:
        raise ValueError(f"{name} needs one value per model: {n_models}, got {len(values)}.")
    return values
