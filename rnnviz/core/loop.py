"""The epoch loop of `core.train` (K = 1) and `core.train_stacked` (K models): one `StackedSGD`
epoch after another, with the bookkeeping around it (loss histories, divergence, the callback,
gradient-norm records). `train_checked` checks the settings once for both.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .buffers import make_batches
from .flat import flatten
from .gradnorms import GradNorms, hidden_grad_norms
from .history import (
    History,
    StackedProgress,
    StackedResult,
    TrainProgress,
    divergence_message,
    stopped_message,
)
from .rnn import Params, copy_params
from .sgd import StackedSGD
from .validation import (
    as_batch,
    check_batch_size,
    check_clip,
    check_int,
    check_lr,
    check_params,
    check_truncate,
)


def train_checked(
    params_list: list[Params],
    X,
    y,
    epochs,
    lrs: list,
    clips: list,
    truncates: list,
    batch_size,
    callback: Callable[[StackedProgress], bool | None] | None,
    callback_every,
    grad_norms_every,
) -> StackedResult:
    """`train_together` after checking every setting as `core.train` and `core.train_stacked`
    take them (one lr, clip, truncate per model): the first bad one raises its sentence."""
    hiddens = {check_params(p) for p in params_list}
    if len(hiddens) != 1:
        raise ValueError(
            "Models trained together must have the same hidden size H; got "
            f"{', '.join(map(str, sorted(hiddens)))}."
        )
    X, y = as_batch(X, y)
    epochs = check_int(epochs, "The number of epochs", 1)
    seq_len = X.shape[1]
    lrs = [check_lr(v) for v in lrs]
    clips = [check_clip(v) for v in clips]
    ks = [check_truncate(v, seq_len) for v in truncates]
    batch_size = check_batch_size(batch_size, X.shape[0])
    every = check_int(callback_every, "The callback interval", 1) if callback_every else None
    record_every = (
        check_int(grad_norms_every, "The gradient-norm interval", 1) if grad_norms_every else None
    )
    return train_together(
        params_list,
        X,
        y,
        epochs,
        lrs,
        clips,
        ks,
        batch_size,
        callback,
        every or max(1, epochs // 100),
        record_every,
    )


def train_together(
    params_list: list[Params],
    X: np.ndarray,
    y: np.ndarray,
    epochs: int,
    lrs: list[float],
    clips: list[float | None],
    ks: list[int],
    batch_size: int,
    callback: Callable[[StackedProgress], bool | None] | None,
    every: int,
    record_every: int | None,
) -> StackedResult:
    """Train the K models of `params_list` (same H) on X (N, T), y (N,); update them in place.

    lrs, clips, ks : one checked value per model (clip None: no clipping; k in 1..T);
    batch_size : 1..N;  every, record_every : epochs between callbacks, between norm records.
    See `core.train_stacked` for what is returned.
    """
    n_models = len(params_list)
    n_windows, seq_len = X.shape
    hidden = np.shape(params_list[0]["W_hh"])[0]
    batches = make_batches(X, y, batch_size)
    theta = flatten(params_list)  # (K, P)
    stepper = StackedSGD(
        theta,
        theta.copy(),
        lrs,
        [np.inf if c is None else c for c in clips],
        np.array([seq_len - k for k in ks]),
        hidden,
        seq_len,
        [batch.size for batch in batches],
    )
    active = list(range(n_models))  # the models still training, in stepper row order
    totals: list[list[float]] = [[] for _ in range(n_models)]
    final: list[Params | None] = [None] * n_models
    messages = [""] * n_models
    diverged = [False] * n_models
    norm_epochs: list[list[int]] = [[] for _ in range(n_models)]
    norm_rows: list[list[np.ndarray]] = [[] for _ in range(n_models)]
    stopped_early = False
    done = 0

    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            total, failed = stepper.run_epoch(batches)
            for row, (index, kept) in failed.items():
                m = active[row]
                where = f"in epoch {epoch + 1}, batch {index + 1} of {len(batches)}"
                final[m], diverged[m] = kept, True
                messages[m] = divergence_message(lrs[m], clips[m], where)
            if failed:  # the others carry on without them
                keep = np.array([row for row in range(len(active)) if row not in failed], int)
                active = [active[row] for row in keep]
                if not active:
                    break
                stepper, total = stepper.keep(keep), total[keep]
            for row, m in enumerate(active):
                totals[m].append(float(total[row]))
            done = epoch + 1
            if record_every is not None and (done % record_every == 0 or done == epochs):
                for row, m in enumerate(active):
                    norm_epochs[m].append(done)
                    norm_rows[m].append(hidden_grad_norms(stepper.params(row), X, y))
            if callback is not None and (done % every == 0 or done == epochs):
                current = dict(zip(active, range(len(active)), strict=True))
                runs = []
                for m in range(n_models):
                    so_far = np.array(totals[m])
                    params = stepper.params(current[m]) if m in current else copy_params(final[m])
                    runs.append(
                        TrainProgress(len(so_far), epochs, so_far, so_far / n_windows, params)
                    )
                if callback(StackedProgress(done, epochs, tuple(runs), tuple(diverged))) is True:
                    stopped_early = done < epochs
                    break

    for row, m in enumerate(active):
        final[m] = stepper.params(row)
        if stopped_early:
            messages[m] = stopped_message(done, epochs)
    histories = []
    for m, params in enumerate(params_list):
        params.update(final[m])
        total_loss = np.array(totals[m])
        histories.append(
            History(
                total_loss=total_loss,
                mean_loss=total_loss / n_windows,
                epochs_requested=epochs,
                stopped_early=stopped_early and not diverged[m],
                diverged=diverged[m],
                message=messages[m],
            )
        )
    grad_norms = None
    if record_every is not None:
        grad_norms = tuple(
            GradNorms(
                epochs=np.array(norm_epochs[m], dtype=int),
                norms=np.array(norm_rows[m]).reshape(len(norm_rows[m]), seq_len + 1),
            )
            for m in range(n_models)
        )
    return StackedResult(histories=tuple(histories), grad_norms=grad_norms)
