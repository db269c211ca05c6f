"""K models trained side by side as one computation, and ‖∂L/∂h_t‖ recorded during training.

Comparing settings (learning rates, clipping, seeds, truncation depth) means training K models on
the same windows with the same hidden size H. Per-sample SGD costs NumPy call overhead, not
arithmetic, so K models stacked along a leading axis cost little more than one: every buffer of
`core.train`'s lean path gets a K axis (``W_hh`` becomes (K, H, H), ``h_t`` (K, B, H), ...), one
batched `np.matmul` does the K recurrences, and lr, clip and the truncation depth become (K,)
arrays. What is computed for each model is exactly what `core.train` computes for it alone (a test
holds every parameter and loss equal to 1e-9; in practice they agree to the last bit).

A model whose loss becomes infinite or NaN stops there with its last finite parameters and a
message, exactly as `core.train` would stop it; the others carry on without it.

Gradient norms per timestep (`GradNorms`) are recomputed with the readable `core.backward` on all
training windows every few epochs, instead of being collected inside the lean loop: the snapshot
then belongs to one set of parameters (within an epoch they change after every window), it is the
tested BPTT the pages show, and training that does not ask for it pays nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .bptt import backward
from .rnn import Params, copy_params, forward
from .train import (
    TUTORIAL_CLIP,
    TUTORIAL_EPOCHS,
    TUTORIAL_LR,
    History,
    TrainProgress,
    divergence_message,
)
from .validation import (
    PARAM_NAMES,
    as_batch,
    check_clip,
    check_int,
    check_lr,
    check_params,
    check_truncate,
)

# --- ‖∂L/∂h_t‖ during training ------------------------------------------------------------------


@dataclass(frozen=True)
class GradNorms:
    """‖∂L/∂h_t‖ for t = 0..T, recorded every few epochs of one training run.

    epochs : (R,) int ndarray     epochs completed (in that training call) when each row was taken
    norms : (R, T+1) ndarray      norms[r, t] = mean over the windows of ‖∂L_i/∂h_t‖, where
                                  L_i = (y_pred_i − y_i)² is window i's own loss (the loss a
                                  per-sample update sees); column 0 is h_0, column T is h_T
    """

    epochs: np.ndarray
    norms: np.ndarray

    def log10(self, floor: float = 1e-300) -> np.ndarray:
        """log10 of `norms`, (R, T+1); exact zeros (a fully saturated tanh) become log10(floor)."""
        return np.log10(np.maximum(self.norms, floor))


def hidden_grad_norms(params: Params, X, y) -> np.ndarray:
    """How strongly the loss pulls on each hidden state, averaged over the windows.

    Parameters
    ----------
    params : the five parameters
    X : (N, T) array_like, the windows;  y : (N,) array_like, the targets

    Returns
    -------
    norms : (T+1,) ndarray, norms[t] = mean_i ‖∂L_i/∂h_t‖ for t = 0..T

    Notes
    -----
    Full BPTT with `core.backward` on all N windows at once. `backward` differentiates the batch
    mean, so window i's own gradient is ``N · dh[i, t]`` (``dL_dy = 2·(y_pred − y)/N``). Small
    values towards t = 0 are the vanishing gradient: early days barely move the weights.
    """
    X, y = as_batch(X, y)
    result = backward(params, forward(params, X), y)
    per_window = np.linalg.norm(result.dh, axis=2) * X.shape[0]  # (N, T+1)
    return per_window.mean(axis=0)  # (T+1,)


class GradNormRecorder:
    """A `core.train` callback that records `hidden_grad_norms` at every call, then passes the
    progress on to `callback` (if given) and returns its answer (True stops training).

    Example: ``rec = GradNormRecorder(X, y); core.train(p, X, y, callback=rec, callback_every=25)``
    then ``rec.result()`` is a `GradNorms` with one row per 25 epochs.
    """

    def __init__(self, X, y, callback: Callable[[TrainProgress], bool | None] | None = None):
        self._X, self._y = as_batch(X, y)
        self._callback = callback
        self._epochs: list[int] = []
        self._rows: list[np.ndarray] = []

    def __call__(self, progress: TrainProgress) -> bool | None:
        self._epochs.append(progress.epoch)
        self._rows.append(hidden_grad_norms(progress.params, self._X, self._y))
        return None if self._callback is None else self._callback(progress)

    def result(self) -> GradNorms:
        """The rows recorded so far, (R, T+1)."""
        seq_len = self._X.shape[1]
        return GradNorms(
            epochs=np.array(self._epochs, dtype=int),
            norms=np.array(self._rows).reshape(len(self._rows), seq_len + 1),
        )


# --- K models as one --------------------------------------------------------------------------


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


class _Buffers:
    """Time-major work buffers for K models on batches of B windows (T steps, H units).

    u : (T, K, B, H)       W_xh·x_t (+ b_h on the per-sample path) for every t at once
    h : (T+1, K, B, H)     h[0] = h_0 = 0 is never written
    dtanh, da : (T, K, B, H)
    Time-major makes every per-step slice (K, B, H) contiguous. For B = 1 the sums over time
    are one product each on transposed views; for B > 1 they are taken per step and then summed
    over t, in the order of the readable `core.backward` that `core.train` uses for mini-batches.
    """

    def __init__(
        self, n_models: int, batch: int, seq_len: int, hidden: int, stops: np.ndarray, lean: bool
    ):
        K, B, T, H = n_models, batch, seq_len, hidden
        self.lean = lean  # per-sample SGD: core.train's lean path, else its readable sgd_step
        self.u = np.empty((T, K, B, H))
        self.h = np.zeros((T + 1, K, B, H))
        self.dtanh = np.empty((T, K, B, H))
        self.da = np.zeros((T, K, B, H))  # rows t <= stop stay 0 (see `backward_rows`)
        self.y_col = np.empty((K, B, 1))  # W_hy·h_T
        self.err = np.empty((K, B))  # y_pred − y
        self.dL_dy3 = np.empty((K, B, 1))
        self.dL_dy = self.dL_dy3[:, :, 0]  # (K, B)
        self.dL_dy_row = self.dL_dy[:, None, :]  # (K, 1, B)
        self.dh_T = np.empty((K, B, H))
        steps = range(2, T + 1) if lean else range(1, T + 1)
        self.forward_rows = [(self.h[t - 1], self.h[t], self.u[t - 1]) for t in steps]
        # Per-model truncation: model m takes no gradient at steps t <= stops[m]. The loop runs
        # down to the smallest stop; after step t, the models that skip step t-1 get dh_next = 0,
        # so their da rows are exactly 0 as in `core.train`.
        lowest = int(stops.min())
        self.backward_rows = []
        for t in range(T, lowest, -1):
            carry_on = t > lowest + 1
            skip = (stops >= t - 1)[:, None, None] & carry_on  # (K, 1, 1)
            self.backward_rows.append(
                (self.dtanh[t - 1], self.da[t - 1], carry_on, skip if skip.any() else None)
            )
        self.h_1, self.h_T, self.u_1, self.h_1_to_T = self.h[1], self.h[T], self.u[0], self.h[1:]
        if lean:  # B = 1: (T, K, 1, H) -> (K, T, H) views, the sums over t need no copies
            self.da_by_model = self.da[:, :, 0, :].transpose(1, 0, 2)  # (K, T, H)
            self.h_prev_by_model = self.h[:T, :, 0, :].transpose(1, 0, 2)  # (K, T, H)
        else:  # step t's terms, then summed over t as `core.backward` sums its contributions
            self.contrib_W_xh = np.empty((T, K, H, 1))
            self.contrib_W_hh = np.empty((T, K, H, H))
            self.contrib_b_h = np.empty((T, K, H))
            self.contrib_rows = [
                (
                    self.da[t - 1],
                    self.h[t - 1],
                    t - 1,
                    self.contrib_W_xh[t - 1],
                    self.contrib_W_hh[t - 1],
                    self.contrib_b_h[t - 1],
                )
                for t in range(T, 0, -1)
            ]


class _StackedSGD:
    """K models' SGD steps, all five parameters of model m in row m of one (K, P) buffer.

    theta, grad, backup : (K, P), P = H + H² + H + H + 1, laid out as W_xh, W_hh, b_h, W_hy, b_y
    lr : (K, 1);  clip : (K, 1) with +inf for "no clipping";  stops : (K,) = T − k
    """

    def __init__(self, theta, backup, hidden, seq_len, lr, clip, stops, batch_sizes, lean):
        self.theta, self.backup, self.lean = theta, backup, lean
        self.grad = np.zeros_like(theta)
        self.hidden, self.seq_len = hidden, seq_len
        self.lr, self.clip, self.stops = lr, clip, stops
        self.same_clip = float(clip[0, 0]) if np.all(clip == clip[0, 0]) else None
        K, H = theta.shape[0], hidden
        w_xh, self.W_hh, self.b_h, w_hy, self.b_y = _split(theta, H)
        gw_xh, self.gW_hh, self.gb_h, self.gw_hy, self.gb_y = _split(self.grad, H)
        self.gW_xh = gw_xh  # (K, H, 1)
        self.gw_xh = gw_xh[:, :, 0]  # (K, H)
        self.W_hh_T = self.W_hh.transpose(0, 2, 1)  # rows: h_(t-1)ᵀ·W_hhᵀ = (W_hh·h_(t-1))ᵀ
        self.w_xh_4 = w_xh[:, :, 0][:, None, :]  # (K, 1, H), broadcasts over (T, K, B, H)
        self.b_h_3 = self.b_h[:, None, :]  # (K, 1, H)
        self.w_hy_col = w_hy.transpose(0, 2, 1)  # (K, H, 1)
        self.w_hy_3 = w_hy  # (K, 1, H)
        self.buffers = {B: _Buffers(K, B, seq_len, H, stops, lean) for B in batch_sizes}

    def forward(self, batch: _Batch) -> np.ndarray:
        """The loss of each model on this batch before its update, (K, 1) (batch mean)."""
        buf = self.buffers[batch.size]
        W_hh_T, u = self.W_hh_T, buf.u
        np.multiply(batch.x_4, self.w_xh_4, out=u)  # W_xh·x_t, (T, K, B, H)
        if self.lean:
            # The lean order: a_t = (W_xh·x_t + b_h) + W_hh·h_(t-1), h_t = tanh(a_t).
            np.add(u, self.b_h_3, out=u)
            np.tanh(buf.u_1, out=buf.h_1)  # W_hh·h_0 = 0
            for h_prev, h_t, u_t in buf.forward_rows:
                np.matmul(h_prev, W_hh_T, out=h_t)  # (K, 1, H)
                np.add(h_t, u_t, out=h_t)
                np.tanh(h_t, out=h_t)
        else:
            # The readable order: a_t = (W_xh·x_t + W_hh·h_(t-1)) + b_h.
            for h_prev, h_t, u_t in buf.forward_rows:
                np.matmul(h_prev, W_hh_T, out=h_t)  # (K, B, H)
                np.add(u_t, h_t, out=h_t)
                np.add(h_t, self.b_h_3, out=h_t)
                np.tanh(h_t, out=h_t)
        np.matmul(buf.h_T, self.w_hy_col, out=buf.y_col)  # (K, B, 1)
        err = buf.err
        np.add(buf.y_col[:, :, 0], self.b_y, out=err)  # y_pred, (K, B)
        np.subtract(err, batch.target, out=err)  # y_pred − y
        if self.lean:
            return err * err  # (K, 1)
        return np.mean(err * err, axis=1, keepdims=True)  # (K, 1)

    def backward_and_update(self, batch: _Batch) -> None:
        """BPTT for every model on the batch `forward` just saw, then θ ← θ − lr·clip(∇θ)."""
        buf = self.buffers[batch.size]
        W_hh, dtanh, h_T = self.W_hh, buf.dtanh, buf.h_T
        # Step A: dL_dy = 2·(y_pred − y)/B, dW_hy = dL_dy·h_T, db_y = dL_dy, dh_next = W_hyᵀ·dL_dy.
        np.multiply(buf.err, 2.0, out=buf.dL_dy)
        if not self.lean:
            np.divide(buf.dL_dy, batch.size, out=buf.dL_dy)
        np.matmul(buf.dL_dy_row, h_T, out=self.gw_hy)  # (K, 1, H)
        if self.lean:  # one window: db_y = dL_dy itself
            np.copyto(self.gb_y, buf.dL_dy)  # (K, 1)
        else:
            np.add.reduce(buf.dL_dy, axis=1, keepdims=True, out=self.gb_y)  # (K, 1)
        dh_next = np.multiply(buf.dL_dy3, self.w_hy_3, out=buf.dh_T)  # (K, B, H)
        # Step B, back through time: da = (1 − tanh(a_t)²)·dh_next, dh_next = W_hhᵀ·da.
        np.multiply(buf.h_1_to_T, buf.h_1_to_T, out=dtanh)
        np.subtract(1.0, dtanh, out=dtanh)  # (T, K, B, H), since h_t = tanh(a_t)
        for dtanh_t, da_t, carry_on, skip in buf.backward_rows:
            np.multiply(dtanh_t, dh_next, out=da_t)
            if carry_on:
                dh_next = np.matmul(da_t, W_hh)  # rows: da·W_hh = (W_hhᵀ·da)ᵀ, (K, B, H)
                if skip is not None:  # truncated: these models stop here (even if dh is inf)
                    np.copyto(dh_next, 0.0, where=skip)
        # The sums over time: dW_xh = Σ da·x_t, dW_hh = Σ da·h_(t-1)ᵀ, db_h = Σ da.
        if self.lean:
            np.matmul(batch.x_flat, buf.da_by_model, out=self.gw_xh)  # (K, H)
            np.matmul(buf.da_by_model.transpose(0, 2, 1), buf.h_prev_by_model, out=self.gW_hh)
            np.add.reduce(buf.da_by_model, axis=1, out=self.gb_h)  # (K, H)
        else:
            for da_t, h_prev, t, c_xh, c_hh, c_bh in buf.contrib_rows:
                da_t_T = da_t.transpose(0, 2, 1)  # (K, H, B)
                np.matmul(da_t_T, batch.x_cols[t], out=c_xh)  # (K, H, 1)
                np.matmul(da_t_T, h_prev, out=c_hh)  # (K, H, H)
                np.sum(da_t, axis=1, out=c_bh)  # (K, H)
            np.sum(buf.contrib_W_xh, axis=0, out=self.gW_xh)
            np.sum(buf.contrib_W_hh, axis=0, out=self.gW_hh)
            np.sum(buf.contrib_b_h, axis=0, out=self.gb_h)

        # Element-wise clipping into [−clip, clip], as np.clip (NaN stays NaN); two ufunc calls
        # cost less than np.clip's Python wrapper.
        grad = self.grad
        if self.same_clip is None:
            np.minimum(grad, self.clip, out=grad)
            np.maximum(grad, -self.clip, out=grad)
        elif math.isfinite(self.same_clip):
            np.minimum(grad, self.same_clip, out=grad)
            np.maximum(grad, -self.same_clip, out=grad)
        np.copyto(self.backup, self.theta)  # θ before this update, in case it breaks θ
        np.multiply(grad, self.lr, out=grad)
        np.subtract(self.theta, grad, out=self.theta)

    def params(self, m: int) -> Params:
        """Model m's current parameters if finite, else those before its last update (a copy)."""
        row = self.theta[m] if np.all(np.isfinite(self.theta[m])) else self.backup[m]
        return _unflatten(row, self.hidden)

    def keep(self, rows: np.ndarray, batch_sizes) -> _StackedSGD:
        """A stepper for the models at `rows` only, in the same state."""
        return _StackedSGD(
            self.theta[rows].copy(),
            self.backup[rows].copy(),
            self.hidden,
            self.seq_len,
            self.lr[rows],
            self.clip[rows],
            self.stops[rows],
            batch_sizes,
            self.lean,
        )


@dataclass(frozen=True)
class _Batch:
    """One batch of B windows, prepared once: x_4 (T, 1, B, 1); x_flat (T,) for per-sample SGD;
    x_cols: T views (B, 1) of a (B, T) array, x_cols[t-1] the column of x_t, strided as
    `core.backward` sees them (BLAS may sum in another order for another stride); target (B,)
    (a float for per-sample SGD)."""

    size: int
    x_4: np.ndarray
    x_flat: np.ndarray
    x_cols: list[np.ndarray]
    target: float | np.ndarray


def _split(flat: np.ndarray, hidden: int) -> list[np.ndarray]:
    """Views of (K, P) `flat` as W_xh (K, H, 1), W_hh (K, H, H), b_h (K, H), W_hy (K, 1, H),
    b_y (K, 1)."""
    K, H = flat.shape[0], hidden
    shapes = [(H, 1), (H, H), (H,), (1, H), (1,)]
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(flat[:, start : start + size].reshape((K, *shape)))
        start += size
    return out


def _flatten(params: Params) -> np.ndarray:
    return np.concatenate([np.asarray(params[n], dtype=np.float64).ravel() for n in PARAM_NAMES])


def _unflatten(row: np.ndarray, hidden: int) -> Params:
    parts = _split(row[None, :], hidden)
    return {name: part[0].copy() for name, part in zip(PARAM_NAMES, parts, strict=True)}


def _per_model(value, n_models: int, name: str) -> list:
    """A scalar repeated K times, or a sequence of exactly K values."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        return [value] * n_models
    values = list(value)
    if len(values) != n_models:
        raise ValueError(f"{name} needs one value per model: {n_models}, got {len(values)}.")
    return values


def _unchecked_epoch(stepper: _StackedSGD, batches: list[_Batch]) -> np.ndarray | None:
    """One epoch of per-sample SGD without per-step checks; the totals (K, 1), or None (and
    the stepper back where it started) if any loss was not finite."""
    saved = (stepper.theta.copy(), stepper.backup.copy())
    total = np.zeros((stepper.theta.shape[0], 1))
    for batch in batches:
        total += stepper.forward(batch)
        stepper.backward_and_update(batch)
    if np.all(np.isfinite(total)):
        return total
    np.copyto(stepper.theta, saved[0])
    np.copyto(stepper.backup, saved[1])
    return None


def _checked_epoch(
    stepper: _StackedSGD, batches: list[_Batch], per_sample: bool
) -> tuple[np.ndarray, dict[int, tuple[int, Params]]]:
    """One epoch, checking every step as `core.train` does for one model.

    Returns the totals (K, 1) and, for each row whose training failed, (batch index, the
    parameters `core.train` keeps). A failed row keeps computing garbage until the epoch ends;
    every operation is separate per row, so it cannot touch the others.
    """
    total = np.zeros((stepper.theta.shape[0], 1))
    failed: dict[int, tuple[int, Params]] = {}
    for index, batch in enumerate(batches):
        loss = stepper.forward(batch)  # (K, 1)
        if per_sample:  # the lean path: a non-finite loss stops before the update
            for row in np.flatnonzero(~np.isfinite(loss[:, 0])):
                if int(row) not in failed:
                    failed[int(row)] = (index, stepper.params(row))
            stepper.backward_and_update(batch)
        else:  # sgd_step: a non-finite loss or update is refused, keeping θ before it
            stepper.backward_and_update(batch)
            finite = np.isfinite(loss[:, 0]) & np.all(np.isfinite(stepper.theta), axis=1)
            for row in np.flatnonzero(~finite):
                if int(row) not in failed:
                    failed[int(row)] = (index, _unflatten(stepper.backup[row], stepper.hidden))
        total += loss * batch.size  # the batch mean back to a sum over its windows
    return total, failed


def train_stacked(
    params_list: Sequence[Params],
    X,
    y,
    epochs: int = TUTORIAL_EPOCHS,
    lr: float | Sequence[float] = TUTORIAL_LR,
    clip: float | None | Sequence[float | None] = TUTORIAL_CLIP,
    batch_size: int = 1,
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
    epochs : int >= 1, the same for all K;  batch_size : int >= 1, the same for all K
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
    hiddens = {check_params(p) for p in params_list}
    if len(hiddens) != 1:
        raise ValueError(
            "Models trained together must have the same hidden size H; got "
            f"{', '.join(map(str, sorted(hiddens)))}."
        )
    hidden = hiddens.pop()
    n_models = len(params_list)
    X, y = as_batch(X, y)
    epochs = check_int(epochs, "The number of epochs", 1)
    n_windows, seq_len = X.shape
    lrs = [check_lr(v) for v in _per_model(lr, n_models, "The learning rate")]
    clips = [check_clip(v) for v in _per_model(clip, n_models, "The clipping value")]
    ks = [check_truncate(v, seq_len) for v in _per_model(truncate, n_models, "Truncation")]
    batch_size = min(check_int(batch_size, "The batch size", 1), n_windows)
    every = check_int(callback_every, "The callback interval", 1) if callback_every else None
    every = every or max(1, epochs // 100)
    record_every = (
        check_int(grad_norms_every, "The gradient-norm interval", 1) if grad_norms_every else None
    )
    per_sample = batch_size == 1

    batches = []
    for s in range(0, n_windows, batch_size):
        x_b, y_b = X[s : s + batch_size], y[s : s + batch_size]  # (B, T), (B,)
        x_copy = x_b.copy()
        batches.append(
            _Batch(
                size=x_b.shape[0],
                x_4=x_b.T[:, None, :, None].copy(),  # (T, 1, B, 1)
                x_flat=x_b[0].copy(),  # (T,), used when B = 1
                x_cols=[x_copy[:, t : t + 1] for t in range(seq_len)],  # T × (B, 1)
                target=float(y_b[0]) if per_sample else y_b.copy(),
            )
        )
    batch_sizes = sorted({b.size for b in batches})

    theta = np.stack([_flatten(p) for p in params_list])  # (K, P)
    stepper = _StackedSGD(
        theta,
        np.empty_like(theta),
        hidden,
        seq_len,
        np.array(lrs)[:, None],
        np.array([np.inf if c is None else c for c in clips])[:, None],
        np.array([seq_len - k for k in ks]),
        batch_sizes,
        per_sample,
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
            total = _unchecked_epoch(stepper, batches) if per_sample else None
            failed = {}
            if total is None:  # mini-batch SGD, or some loss was not finite: step by step
                total, failed = _checked_epoch(stepper, batches, per_sample)
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
                stepper, total = stepper.keep(keep, batch_sizes), total[keep]
            for row, m in enumerate(active):
                totals[m].append(float(total[row, 0]))
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
                progress = StackedProgress(done, epochs, tuple(runs), tuple(diverged))
                if callback(progress) is True:
                    stopped_early = done < epochs
                    break

    for row, m in enumerate(active):
        final[m] = stepper.params(row)
        if stopped_early:
            messages[m] = (
                f"Stopped after {done} of {epochs} epochs; the partly trained model is kept."
            )
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
