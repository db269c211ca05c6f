"""The lean SGD step, for K models at once: the one fast BPTT, beside the readable `core.backward`.

`core.train` runs it with K = 1, `core.train_stacked` with one row per model. Per-sample SGD is
sequential and its cost is NumPy call overhead, not arithmetic, so the speed comes from fewer
and cheaper calls per step, never from computing something else:

* all five parameters of model m live in row m of one (K, P) array `theta` (`core.flat`), their
  gradients in `grad`, so clipping and the update are one call each for every parameter of every
  model (clipping is two ufuncs: `np.clip`'s Python wrapper costs more than both);
* K models are one computation: every buffer has a leading K axis, one batched `np.matmul` does
  the K recurrences, and lr, clip and the truncation depth are per-model settings;
* for K = 1 the K axis is dropped from every view, so NumPy sees the 1-D and 2-D operands it
  handles fastest (the arithmetic per element is the same);
* ``W_xh·x_t`` is computed for the whole window at once before the recurrence, and
  ``1 − tanh(a_t)²`` for all t at once from the stored h_t (h_t = tanh(a_t));
* per-sample, the weight gradients are summed over time with one matrix product each, and the
  epoch's total loss is summed once per epoch from the stored y_pred − y, as a running sum
  (`np.cumsum`, the tutorial's ``total_loss += loss`` in its order);
* buffers are allocated once and reused (`core.buffers`); an epoch runs without per-step
  checks and is run again step by step only if a loss or a parameter stopped being finite.

Exactness. Every operation acts on each model's rows alone, and each model's matrices reach BLAS
with the strides they have when it trains alone (`core.buffers`), so NumPy and BLAS pick the same
kernels: a model trained with others equals the model trained alone bit for bit. Mini-batches
follow the readable `sgd_step` operation by operation, on arrays laid out as `core.backward`'s, so
they equal it bit for bit too; per-sample steps sum in the lean order
``(W_xh·x_t + b_h) + W_hh·h_(t-1)``, which agrees with `sgd_step` to rounding (tests hold both).
"""

from __future__ import annotations

import numpy as np

from .buffers import Batch, Buffers, fits
from .flat import split, unflatten
from .rnn import Params


class StackedSGD:
    """SGD for K models on the same windows, model m in row m of every array.

    theta, backup : (K, P) ndarrays, the parameters (`core.flat` layout) and, during a checked
        epoch, the parameters before the last update; grad : (K, P)
    lr : (K,) learning rates;  clip : (K,) clipping bounds, +inf for none;  stops : (K,) ints,
        T − k, the steps that get no gradient under truncated BPTT
    sizes : the batch sizes of one epoch, in order (all 1: per-sample SGD)
    Every setting is per row and no row reads another's numbers, so at an epoch boundary rows can
    be dropped (`keep`) or, in the same way, new ones stacked in, without changing any row.
    """

    def __init__(self, theta, backup, lr, clip, stops, hidden: int, seq_len: int, sizes):
        K, H = theta.shape[0], hidden
        self.theta, self.backup, self.grad = theta, backup, np.zeros_like(theta)
        self.lr, self.clip, self.stops = np.asarray(lr, float), np.asarray(clip, float), stops
        self.hidden, self.seq_len, self.sizes = hidden, seq_len, tuple(sizes)
        self.lean = max(self.sizes) == 1  # per-sample SGD
        fit, row = fits(K, self.lean)
        self.theta_v, self.grad_v, self.backup_v = fit(theta), fit(self.grad), fit(self.backup)
        # One value for all rows is a 0-d array, else one value per entry of grad: an operand
        # of grad's own shape is cheaper per call than a (K, 1) one that NumPy broadcasts.
        self.lr_v, self.clip_v = _per_entry(self.lr, theta), _per_entry(self.clip, theta)
        self.neg_clip_v = -self.clip_v
        self.clipping = not np.all(np.isinf(self.clip))  # +inf everywhere: no clipping
        w_xh, W_hh, b_h, w_hy, b_y = split(theta, H)
        gW_xh, gW_hh, gb_h, gw_hy, gb_y = split(self.grad, H)
        self.W_hh, self.W_hh_T = fit(W_hh), fit(W_hh.swapaxes(-1, -2))
        self.w_xh_3 = w_xh[:, :, 0][:, None, :]  # (K, 1, H), broadcast over (T, K, 1, H)
        self.w_xh_4 = fit(w_xh[:, :, 0][:, None, None, :])  # (K, 1, 1, H)
        self.b_h_3, self.b_h_v = b_h[:, None, :], fit(b_h[:, None, :])  # (K, 1, H)
        self.w_hy_col, self.w_hy_3, self.b_y = fit(w_hy.swapaxes(-1, -2)), row(w_hy), fit(b_y)
        self.gW_xh, self.gw_xh, self.gW_hh = fit(gW_xh), fit(gW_xh[:, :, 0]), fit(gW_hh)
        self.gb_h, self.gw_hy, self.gb_y, self.gb_y3 = (
            fit(gb_h),
            row(gw_hy) if self.lean else fit(gw_hy),
            fit(gb_y),
            row(gb_y[..., None]),
        )
        self.buffers = {
            B: Buffers(K, B, seq_len, H, self.stops, self.lean) for B in sorted(set(self.sizes))
        }
        # Per-sample: y_pred − y of every window of the epoch, (N, K, 1), one row per step.
        self.errs = np.empty((len(self.sizes), K, 1)) if self.lean else None
        self.err_rows = (
            list(self.errs[:, 0] if K == 1 else self.errs)  # (K, 1) views, (1,) when K = 1
            if self.lean
            else [self.buffers[B].err_v for B in self.sizes]
        )

    @property
    def n_models(self) -> int:
        return self.theta.shape[0]

    def forward(self, batch: Batch, err: np.ndarray) -> None:
        """Every model's forward pass on `batch`; writes y_pred − y into `err` (K, B)."""
        buf = self.buffers[batch.size]
        W_hh_T = self.W_hh_T
        if self.lean:
            # a_t = (W_xh·x_t + b_h) + W_hh·h_(t-1), h_t = tanh(a_t). Each h row first holds
            # W_hh·h_(t-1) and becomes h_t in place.
            np.multiply(batch.x_4, self.w_xh_3, out=buf.u_all)  # (T, K, 1, H), all t at once
            np.add(buf.u_all, self.b_h_3, out=buf.u_all)
            np.tanh(buf.u_1, out=buf.h_1)  # W_hh·h_0 = 0
            for h_prev, h_t, u_t in buf.forward_rows:
                np.matmul(h_prev, W_hh_T, out=h_t)  # rows: h_(t-1)ᵀ·W_hhᵀ = (W_hh·h_(t-1))ᵀ
                np.add(h_t, u_t, out=h_t)
                np.tanh(h_t, out=h_t)
        else:
            # `core.forward`'s order: a_t = (W_xh·x_t + W_hh·h_(t-1)) + b_h.
            np.multiply(batch.x_3, self.w_xh_4, out=buf.u_all)  # (K, B, T, H)
            for h_prev, h_t, u_t in buf.forward_rows:
                np.matmul(h_prev, W_hh_T, out=h_t)  # (K, B, H)
                np.add(u_t, h_t, out=h_t)
                np.add(h_t, self.b_h_v, out=h_t)
                np.tanh(h_t, out=h_t)
        np.matmul(buf.h_T, self.w_hy_col, out=buf.y_col_v)  # W_hy·h_T, (K, B, 1)
        np.add(buf.y_v, self.b_y, out=err)  # y_pred, (K, B)
        np.subtract(err, batch.target, out=err)  # y_pred − y

    def backward_and_update(self, batch: Batch, err: np.ndarray, keep_backup: bool) -> None:
        """BPTT for every model on the batch `forward` just saw, then θ ← θ − lr·clip(∇θ).
        With `keep_backup`, θ before the update is kept in `backup` (see `params`)."""
        buf = self.buffers[batch.size]
        W_hh, dtanh = self.W_hh, buf.dtanh_all
        # Step A: dL_dy = 2·(y_pred − y)/B, dW_hy = dL_dy·h_T, db_y = dL_dy, dh_next = W_hyᵀ·dL_dy.
        if self.lean:  # one window: db_y is dL_dy itself, so dL_dy is written straight into it
            dL_dy3 = self.gb_y3  # (K, 1, 1)
            np.multiply(err, _TWO, out=self.gb_y)  # (K, 1)
            np.multiply(buf.h_T, dL_dy3, out=self.gw_hy)  # (K, 1, H)
        else:
            dL_dy3 = buf.dL_dy3_v  # (K, B, 1)
            np.multiply(err, _TWO, out=buf.dL_dy)
            np.divide(buf.dL_dy, batch.size_f, out=buf.dL_dy)
            np.matmul(buf.dL_dy_row, buf.h_T, out=self.gw_hy)  # (K, 1, H)
            np.add.reduce(buf.dL_dy, axis=-1, keepdims=True, out=self.gb_y)  # (K, 1)
        dh_next = np.multiply(dL_dy3, self.w_hy_3, out=buf.dh_T)  # (K, B, H)
        # Step B, back through time: da = (1 − tanh(a_t)²)·dh_next, dh_next = W_hhᵀ·da.
        np.multiply(buf.h_1_to_T, buf.h_1_to_T, out=dtanh)
        np.subtract(_ONE, dtanh, out=dtanh)  # (K, B, T, H), since h_t = tanh(a_t)
        for dtanh_t, da_t, dh_prev, skip in buf.backward_rows:
            np.multiply(dtanh_t, dh_next, out=da_t)
            if dh_prev is not None:
                dh_next = np.matmul(da_t, W_hh, out=dh_prev)  # rows: da·W_hh = (W_hhᵀ·da)ᵀ
                if skip is not None:  # truncated: these models stop here (even if dh is inf)
                    np.copyto(dh_next, _ZERO, where=skip)
        # The sums over time: dW_xh = Σ da·x_t, dW_hh = Σ da·h_(t-1)ᵀ, db_h = Σ da.
        if self.lean:
            if buf.copies is not None:
                (da, h_prev), copies = buf.copies
                np.copyto(copies[0], da)
                np.copyto(copies[1], h_prev)
            np.matmul(batch.x_flat, buf.da_m, out=self.gw_xh)  # (K, H)
            np.matmul(buf.da_m_T, buf.h_prev_m, out=self.gW_hh)  # (K, H, H)
            np.add.reduce(buf.da_m, axis=-2, out=self.gb_h)  # (K, H)
        else:
            x_cols = batch.x_cols
            for da_t_T, da_t, h_prev, t, c_xh, c_hh, c_bh in buf.contrib_rows:
                np.matmul(da_t_T, x_cols[t], out=c_xh)  # (K, H, 1)
                np.matmul(da_t_T, h_prev, out=c_hh)  # (K, H, H)
                np.add.reduce(da_t, axis=-2, out=c_bh)  # (K, H)
            c_xh, c_hh, c_bh = buf.contrib_v
            np.add.reduce(c_xh, axis=-3, out=self.gW_xh)
            np.add.reduce(c_hh, axis=-3, out=self.gW_hh)
            np.add.reduce(c_bh, axis=-2, out=self.gb_h)

        # θ ← θ − lr·clip(∇θ): element-wise clipping as `np.clip` (NaN stays NaN), two ufuncs.
        grad = self.grad_v
        if self.clipping:
            np.minimum(grad, self.clip_v, out=grad)
            np.maximum(grad, self.neg_clip_v, out=grad)
        if keep_backup:
            np.copyto(self.backup_v, self.theta_v)
        np.multiply(grad, self.lr_v, out=grad)
        np.subtract(self.theta_v, grad, out=self.theta_v)

    def run_epoch(self, batches: list[Batch]) -> tuple[np.ndarray, dict[int, tuple[int, Params]]]:
        """One epoch over `batches`, in order, for all K models.

        Returns each model's total loss, (K,): the sum over windows of each window's loss before
        its update (the tutorial's `total_loss`), and, for each row whose training failed, (the
        index of the failing batch, the parameters `core.train` keeps). The epoch runs without
        per-step checks; if a loss or a parameter is not finite at its end, it runs again from
        the same start, checking every step (`_checked_epoch`).
        """
        start = self.theta.copy()
        if self.lean:
            for batch, err in zip(batches, self.err_rows, strict=True):
                self.forward(batch, err)
                self.backward_and_update(batch, err, keep_backup=False)
            total = np.cumsum(self.errs * self.errs, axis=0)[-1]  # ((l_1 + l_2) + l_3) + ...
        else:
            total = np.zeros((self.n_models, 1))
            for batch, err in zip(batches, self.err_rows, strict=True):
                self.forward(batch, err)
                total += _batch_loss(err, batch).reshape(-1, 1) * batch.size
                self.backward_and_update(batch, err, keep_backup=False)
        if np.all(np.isfinite(total)) and np.all(np.isfinite(self.theta)):
            return total[:, 0], {}
        np.copyto(self.theta, start)
        return self._checked_epoch(batches)

    def _checked_epoch(self, batches: list[Batch]) -> tuple[np.ndarray, dict]:
        """`run_epoch`, checking every step as `core.train` does for one model. A failed row
        computes garbage until the epoch ends; no other row reads it."""
        total = np.zeros((self.n_models, 1))
        failed: dict[int, tuple[int, Params]] = {}
        for index, (batch, err) in enumerate(zip(batches, self.err_rows, strict=True)):
            self.forward(batch, err)
            loss = _batch_loss(err, batch).reshape(-1, 1)  # (K, 1)
            total += loss * batch.size  # the batch mean back to a sum over its windows
            if self.lean:  # the lean path: a non-finite loss stops before the update
                for row in np.flatnonzero(~np.isfinite(loss[:, 0])):
                    failed.setdefault(int(row), (index, self.params(int(row))))
                self.backward_and_update(batch, err, keep_backup=True)
            else:  # sgd_step: a non-finite loss or update is refused, keeping θ before it
                self.backward_and_update(batch, err, keep_backup=True)
                finite = np.isfinite(loss[:, 0]) & np.all(np.isfinite(self.theta), axis=1)
                for row in np.flatnonzero(~finite):
                    kept = unflatten(self.backup[row], self.hidden)
                    failed.setdefault(int(row), (index, kept))
        return total[:, 0], failed

    def params(self, m: int) -> Params:
        """Model m's current parameters if finite, else those before its last update (a copy)."""
        row = self.theta[m] if np.all(np.isfinite(self.theta[m])) else self.backup[m]
        return unflatten(row, self.hidden)

    def keep(self, rows: np.ndarray) -> StackedSGD:
        """A stepper for the models at `rows` only, in the same state."""
        return StackedSGD(
            self.theta[rows].copy(),
            self.backup[rows].copy(),
            self.lr[rows],
            self.clip[rows],
            self.stops[rows],
            self.hidden,
            self.seq_len,
            self.sizes,
        )


def _per_entry(values: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """(K,) per-row settings as a 0-d array if all are equal, else as (K, P), the shape of theta."""
    if np.all(values == values[0]):
        return np.array(values[0])
    return np.repeat(values[:, None], theta.shape[1], axis=1)


def _batch_loss(err: np.ndarray, batch: Batch) -> np.ndarray:
    """The batch-mean loss mean_b (y_pred_b − y_b)², one per model, from err (K, B)."""
    if batch.size == 1:
        return err * err
    return np.mean(err * err, axis=-1)


_ZERO, _ONE, _TWO = np.array(0.0), np.array(1.0), np.array(2.0)
for _constant in (_ZERO, _ONE, _TWO):
    _constant.flags.writeable = False
