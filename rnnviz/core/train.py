"""Training: one readable SGD step, and the tutorial's training loop on a lean fast path.

`sgd_step` is forward -> backward -> clip -> update, spelled out with the functions the pages
show. `train` computes exactly the same updates (a test holds them equal to 1e-12) with far fewer
NumPy calls per step, because per-sample SGD is sequential and its cost is call overhead:

* all five parameters live in one flat buffer `theta`, their gradients in one buffer `grad`, so
  clipping and the update are one call each instead of five;
* ``W_xh·x_t + b_h`` is computed for the whole window at once before the recurrence;
* ``1 - tanh(a_t)²`` is computed for all t at once from the stored h_t (h_t = tanh(a_t));
* the weight gradients are summed over time with one matrix product each after the loop;
* buffers are allocated once and reused (time-major, so every slice is contiguous).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .bptt import backward, clip_grads
from .rnn import Params, copy_params, forward
from .validation import (
    PARAM_NAMES,
    as_batch,
    check_clip,
    check_int,
    check_lr,
    check_params,
    check_truncate,
)

TUTORIAL_LR = 1e-4
TUTORIAL_CLIP = 1.0
TUTORIAL_EPOCHS = 2500


class TrainingDiverged(ValueError):
    """The loss became infinite or NaN; the message explains it for a student."""


def divergence_message(lr: float, clip: float | None, where: str) -> str:
    """The sentence a page shows when training blows up."""
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
        grads = clip_grads(result.grads, clip)
        updated = {name: params[name] - lr * grads[name] for name in PARAM_NAMES}
    if not math.isfinite(result.loss) or not all(np.all(np.isfinite(v)) for v in updated.values()):
        raise TrainingDiverged(divergence_message(lr, clip, "on this step"))
    params.update(updated)
    return result.loss


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


class _PerSampleSGD:
    """The tutorial's per-sample SGD step, lean: all five parameters as views into one flat buffer.

    theta : (P,) ndarray, P = H + H² + H + H + 1, laid out as W_xh, W_hh, b_h, W_hy, b_y
    grad : (P,) ndarray, their gradients, laid out the same way
    Buffers for one window, (T, H) each: u = W_xh·x_t + b_h, h (with h[0] = h_0 = 0), 1 − h_t², da.
    """

    def __init__(self, params: Params, seq_len: int, lr: float, clip: float | None, k: int):
        hidden = check_params(params)
        self.lr, self.clip, self.stop = lr, clip, seq_len - k  # steps t <= stop get no gradient
        self.theta = np.concatenate([np.asarray(params[n], float).ravel() for n in PARAM_NAMES])
        self.grad = np.zeros_like(self.theta)
        self.backup = np.empty_like(self.theta)
        self.shapes = [np.shape(params[n]) for n in PARAM_NAMES]
        # Views: writing theta or grad changes them. W_xh and W_hy are used as (H,) vectors.
        w_xh, self.W_hh, self.b_h, w_hy, _ = self._split(self.theta)
        gw_xh, self.gW_hh, self.gb_h, gw_hy, _ = self._split(self.grad)
        self.w_xh, self.gw_xh, self.w_hy, self.gw_hy = w_xh[:, 0], gw_xh[:, 0], w_hy[0], gw_hy[0]
        self.u = np.empty((seq_len, hidden))
        self.h = np.zeros((seq_len + 1, hidden))  # h[0] = h_0 = 0 is never written
        self.dtanh = np.empty((seq_len, hidden))
        self.da = np.zeros((seq_len, hidden))  # rows t <= stop stay 0 under truncation
        # Row views, listed once: indexing a Python list is several times cheaper than an array.
        steps = range(2, seq_len + 1)
        self.forward_rows = [(self.h[t - 1], self.h[t], self.u[t - 1]) for t in steps]
        steps_back = range(seq_len, self.stop, -1)
        self.backward_rows = [
            (self.dtanh[t - 1], self.da[t - 1], t > self.stop + 1) for t in steps_back
        ]
        self.h_1, self.h_T, self.u_1 = self.h[1], self.h[seq_len], self.u[0]
        self.h_1_to_T, self.h_0_to_Tm1 = self.h[1:], self.h[:seq_len]

    def _split(self, flat: np.ndarray) -> list[np.ndarray]:
        """Views of `flat` with the five parameters' shapes, in the order of PARAM_NAMES."""
        ends = np.cumsum([int(np.prod(shape)) for shape in self.shapes])[:-1]
        return [
            part.reshape(shape)
            for part, shape in zip(np.split(flat, ends), self.shapes, strict=True)
        ]

    def step(self, x: np.ndarray, x_col: np.ndarray, target: float) -> float:
        """One update on one window, x (T,) and x_col (T, 1) the same values; returns the loss
        before the update (a non-finite loss means no update was made)."""
        W_hh, h_T, dtanh, da = self.W_hh, self.h_T, self.dtanh, self.da

        # Forward: a_t = (W_xh·x_t + b_h) + W_hh·h_(t-1), h_t = tanh(a_t). Each h row first holds
        # a_t and is tanh'd in place.
        np.multiply(x_col, self.w_xh, out=self.u)  # (T, H), all timesteps at once
        self.u += self.b_h
        np.tanh(self.u_1, out=self.h_1)  # W_hh·h_0 = 0
        for h_prev, h_t, u_t in self.forward_rows:
            np.matmul(W_hh, h_prev, out=h_t)  # (H,)
            h_t += u_t
            np.tanh(h_t, out=h_t)
        err = float(self.w_hy @ h_T) + float(self.theta[-1]) - target  # y_pred − target
        loss = err * err
        if not math.isfinite(loss):
            return loss

        # Step A, through the output.
        dL_dy = 2.0 * err
        np.multiply(h_T, dL_dy, out=self.gw_hy)  # dW_hy = dL_dy·h_T
        self.grad[-1] = dL_dy  # db_y
        dh_next = self.w_hy * dL_dy  # W_hyᵀ·dL_dy, (H,)
        # Step B, back through time: da = (1 − tanh(a_t)²)·dh_next, dh_next = W_hhᵀ·da.
        np.multiply(self.h_1_to_T, self.h_1_to_T, out=dtanh)
        np.subtract(1.0, dtanh, out=dtanh)  # (T, H), since h_t = tanh(a_t)
        for dtanh_t, da_t, carry_on in self.backward_rows:
            np.multiply(dtanh_t, dh_next, out=da_t)
            if carry_on:
                dh_next = da_t @ W_hh  # W_hhᵀ·da
        # The sums over t, one product each: dW_xh = Σ da·x_t, dW_hh = Σ da·h_(t-1)ᵀ, db_h = Σ da.
        np.matmul(x, da, out=self.gw_xh)
        np.matmul(da.T, self.h_0_to_Tm1, out=self.gW_hh)
        np.sum(da, axis=0, out=self.gb_h)

        # Clip and update, once each for all five; keep θ in case this update is the one that
        # breaks it (see `params`).
        if self.clip is not None:
            np.clip(self.grad, -self.clip, self.clip, out=self.grad)
        np.copyto(self.backup, self.theta)
        self.grad *= self.lr
        self.theta -= self.grad
        return loss

    def params(self) -> Params:
        """A copy of the current parameters if finite, else of those before the last update."""
        theta = self.theta if np.all(np.isfinite(self.theta)) else self.backup
        return {
            name: part.copy() for name, part in zip(PARAM_NAMES, self._split(theta), strict=True)
        }


class _MiniBatchSGD:
    """Mini-batch steps through the readable `sgd_step`: with b windows per step, NumPy call
    overhead is shared by b windows, so the lean path would buy little here."""

    def __init__(self, params: Params, lr: float, clip: float | None, truncate: int | None):
        self._params = copy_params(params)
        self.lr, self.clip, self.truncate = lr, clip, truncate

    def step(self, X: np.ndarray, _unused: None, y: np.ndarray) -> float:
        try:
            return sgd_step(self._params, X, y, self.lr, self.clip, self.truncate)
        except TrainingDiverged:  # `sgd_step` left the parameters at their last finite values
            return math.nan

    def params(self) -> Params:
        return copy_params(self._params)


def train(
    params: Params,
    X,
    y,
    epochs: int = TUTORIAL_EPOCHS,
    lr: float = TUTORIAL_LR,
    clip: float | None = TUTORIAL_CLIP,
    batch_size: int = 1,
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
    batch_size : int >= 1; 1 is the tutorial's per-sample SGD, N is full-batch gradient descent.
        Batches are taken in window order, no shuffling, so runs are deterministic and training
        in chunks of epochs gives exactly the same result as one long call.
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
    check_params(params)
    X, y = as_batch(X, y)
    epochs = check_int(epochs, "The number of epochs", 1)
    lr = check_lr(lr)
    clip = check_clip(clip)
    n_windows, seq_len = X.shape
    batch_size = min(check_int(batch_size, "The batch size", 1), n_windows)
    k = check_truncate(truncate, seq_len)
    every = (
        check_int(callback_every, "The callback interval", 1)
        if callback_every
        else max(1, epochs // 100)
    )

    if batch_size == 1:
        stepper = _PerSampleSGD(params, seq_len, lr, clip, k)
        batches = [(X[i].copy(), X[i][:, None].copy(), float(y[i])) for i in range(n_windows)]
    else:
        stepper = _MiniBatchSGD(params, lr, clip, k)
        batches = [
            (X[s : s + batch_size], None, y[s : s + batch_size])
            for s in range(0, n_windows, batch_size)
        ]
    sizes = [1 if batch_size == 1 else len(target) for *_, target in batches]

    totals: list[float] = []
    stopped_early, diverged, message = False, False, ""
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            total = 0.0
            for index, (x_batch, x_col, y_batch) in enumerate(batches):
                loss = stepper.step(x_batch, x_col, y_batch)
                if not math.isfinite(loss):
                    diverged = True
                    where = f"in epoch {epoch + 1}, batch {index + 1} of {len(batches)}"
                    message = divergence_message(lr, clip, where)
                    break
                total += loss * sizes[index]  # the batch mean back to a sum over its windows
            if diverged:
                break
            totals.append(total)
            done = epoch + 1
            if callback is not None and (done % every == 0 or done == epochs):
                so_far = np.array(totals)
                progress = TrainProgress(done, epochs, so_far, so_far / n_windows, stepper.params())
                if callback(progress) is True:
                    stopped_early = done < epochs
                    if stopped_early:
                        message = (
                            f"Stopped after {done} of {epochs} epochs; "
                            "the partly trained model is kept."
                        )
                    break

    params.update(stepper.params())
    total_loss = np.array(totals)
    return History(
        total_loss=total_loss,
        mean_loss=total_loss / n_windows,
        epochs_requested=epochs,
        stopped_early=stopped_early,
        diverged=diverged,
        message=message,
    )
