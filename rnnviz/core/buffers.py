"""The lean step's batches and work arrays, prepared once per training call (see `core.sgd`).

Everything the steps touch is an array allocated here and listed once as a view: the steps then
run without allocating, and indexing a Python list is several times cheaper than slicing an
array. Numbers enter NumPy calls as 0-d arrays, never Python floats: converting a Python float
costs about 0.4 µs a call, as much as the call's arithmetic on a few hundred numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Batch:
    """B consecutive windows and their targets.

    size : int, B;  size_f : 0-d ndarray, float(B)
    target : (B,) ndarray
    Per-sample SGD (B = 1): x_4 (T, 1, 1, 1) and x_flat (T,), the window's x_t.
    Mini-batches: x_3 (B, T, 1), and x_cols, T views (B, 1) of one (B, T) array, x_cols[t-1] the
    column of x_t, strided as `core.backward` sees them (BLAS may sum in another order for
    another stride).
    """

    size: int
    size_f: np.ndarray
    target: np.ndarray
    x_4: np.ndarray | None = None
    x_flat: np.ndarray | None = None
    x_3: np.ndarray | None = None
    x_cols: list[np.ndarray] | None = None


def make_batches(X: np.ndarray, y: np.ndarray, batch_size: int) -> list[Batch]:
    """Consecutive batches of `batch_size` windows of X (N, T), y (N,), in order (the last one
    may be smaller); batch_size 1 is per-sample SGD."""
    if batch_size == 1:  # views of one copy: a few hundred bytes a window
        one, X, y = np.array(1.0), X.copy(), y.copy()
        X_4 = X[:, :, None, None, None]  # (N, T, 1, 1, 1)
        return [Batch(1, one, y[i : i + 1], x_4=X_4[i], x_flat=X[i]) for i in range(X.shape[0])]
    batches = []
    for s in range(0, X.shape[0], batch_size):
        x_b, y_b = X[s : s + batch_size].copy(), y[s : s + batch_size].copy()  # (B, T), (B,)
        batches.append(
            Batch(
                size=x_b.shape[0],
                size_f=np.array(float(x_b.shape[0])),
                target=y_b,
                x_3=x_b[:, :, None],  # (B, T, 1)
                x_cols=[x_b[:, t : t + 1] for t in range(x_b.shape[1])],  # T × (B, 1)
            )
        )
    return batches


Fit = Callable[[np.ndarray], np.ndarray]


class Buffers:
    """Work arrays for K models on batches of B windows of T days, H hidden units.

    u : (K, B, T, H)        W_xh·x_t (+ b_h on the per-sample path) for every t at once
    h : (K, B, T+1, H)      h[:, :, 0] = h_0 = 0 is never written
    dh : (K, B, T+1, H)     dh[:, :, t] = dL/dh_t;  dtanh, da : (K, B, T, H)
    err : (K, B)            y_pred − y (per-sample SGD keeps one row per window: see `core.sgd`)
    contrib_* : (K, T, ...) step t's terms of dW_xh, dW_hh, db_h (mini-batches only), summed over
        t afterwards in the order of `core.backward`

    What BLAS sums, and in which order, can depend on the strides of its operands (OpenBLAS has
    special kernels for small contiguous matrices, and sums a strided vector in another order),
    so each model's matrices reach BLAS with the strides they have when the model trains alone:

    * mini-batches: each model's arrays are laid out as `core.backward` lays out its (B, T, H);
    * per-sample: memory is time-major, so each step's slice (K, 1, H) is contiguous (elementwise
      NumPy calls on a strided slice cost about three times more); the steps hand BLAS only
      vectors, and the two sums over time read contiguous (T, H) copies when K > 1.

    Views come through `fits(K, lean)` (see there), which drop the K axis when K = 1.
    """

    def __init__(self, n_models: int, batch: int, seq_len: int, hidden: int, stops, lean):
        K, B, T, H = n_models, batch, seq_len, hidden
        fit, row = fits(K, lean)
        self.lean = lean  # per-sample SGD: the lean order and sums; else `sgd_step`'s
        if lean:  # stored time-major, (S, K, 1, H); u, h, ... are (K, 1, S, H) views of them
            stored = [np.zeros((S, K, B, H)) for S in (T, T + 1, T + 1, T, T)]
            u, h, dh, self.dtanh, self.da = (a.transpose(1, 2, 0, 3) for a in stored)
            # Whole-array operations run on the stored arrays: contiguous, no K axis to drop.
            self.u_all, self.h_1_to_T, self.dtanh_all = stored[0], stored[1][1:], stored[3]
        else:
            u, h, dh = (
                np.zeros((K, B, T, H)),
                np.zeros((K, B, T + 1, H)),
                np.zeros((K, B, T + 1, H)),
            )
            self.dtanh, self.da = np.zeros((K, B, T, H)), np.zeros((K, B, T, H))
            self.u_all, self.h_1_to_T, self.dtanh_all = fit(u), fit(h[:, :, 1:]), fit(self.dtanh)
        self.err = np.empty((K, B))
        self.y_col = np.empty((K, B, 1))  # W_hy·h_T
        self.dL_dy3 = np.empty((K, B, 1))
        self.err_v, self.y_col_v = fit(self.err), row(self.y_col)
        self.y_v = self.y_col_v if row is _one_row else fit(self.y_col[..., 0])  # (K, B)
        self.dL_dy = fit(self.dL_dy3[..., 0])
        self.dL_dy_row = fit(self.dL_dy3[..., 0][:, None, :])  # (K, 1, B)
        self.dL_dy3_v = fit(self.dL_dy3)
        self.h_1, self.h_T, self.u_1 = row(h[:, :, 1]), row(h[:, :, T]), row(u[:, :, 0])
        self.dh_T = row(dh[:, :, T])
        steps = range(2, T + 1) if lean else range(1, T + 1)
        self.forward_rows = [
            (row(h[:, :, t - 1]), row(h[:, :, t]), row(u[:, :, t - 1])) for t in steps
        ]
        self.backward_rows = _backward_rows(self.dtanh, self.da, dh, stops, row)
        if lean:  # (T, H) per model: the sums over t are one product each
            # K = 1: views of the contiguous buffers; else contiguous copies, refreshed per step.
            self.copies = None if K == 1 else ((self.da[:, 0], h[:, 0, :T]), np.empty((2, K, T, H)))
            da_m, h_prev_m = (self.da[:, 0], h[:, 0, :T]) if K == 1 else self.copies[1]
            self.da_m, self.da_m_T = fit(da_m), fit(da_m.swapaxes(-1, -2))  # (K, T, H), (K, H, T)
            self.h_prev_m = fit(h_prev_m)  # h_0 .. h_(T-1), (K, T, H)
        else:  # step t's terms, then summed over t as `core.backward` sums its contributions
            c_xh, c_hh, c_bh = np.empty((K, T, H, 1)), np.empty((K, T, H, H)), np.empty((K, T, H))
            self.contrib_v = (fit(c_xh), fit(c_hh), fit(c_bh))
            self.contrib_rows = [
                (
                    fit(self.da[:, :, t - 1].swapaxes(-1, -2)),  # (K, H, B)
                    fit(self.da[:, :, t - 1]),
                    fit(h[:, :, t - 1]),
                    t - 1,
                    fit(c_xh[:, t - 1]),
                    fit(c_hh[:, t - 1]),
                    fit(c_bh[:, t - 1]),
                )
                for t in range(T, 0, -1)
            ]


def _backward_rows(dtanh, da, dh, stops: np.ndarray, row: Fit) -> list[tuple]:
    """(dtanh_t, da_t, where dL/dh_(t-1) goes or None, skip) for t = T down to the lowest stop.

    Per-model truncation: model m takes no gradient at steps t <= stops[m]. The loop runs down
    to the smallest stop; after step t, the models that skip step t-1 get dh_next = 0 (`skip`,
    (K, 1, 1), never needed for K = 1), so their da rows are exactly 0, as when trained alone.
    """
    seq_len, lowest = da.shape[2], int(stops.min())
    rows = []
    for t in range(seq_len, lowest, -1):
        carry_on = t > lowest + 1
        skip = (stops >= t - 1)[:, None, None] & carry_on  # (K, 1, 1)
        dh_prev = row(dh[:, :, t - 1]) if carry_on else None
        rows.append(
            (row(dtanh[:, :, t - 1]), row(da[:, :, t - 1]), dh_prev, skip if skip.any() else None)
        )
    return rows


def fits(n_models: int, lean: bool) -> tuple[Fit, Fit]:
    """How arrays with a leading K axis are handed to NumPy: (fit, row).

    fit drops the K axis when K = 1 (NumPy handles 1-D and 2-D operands faster than 3-D ones);
    row is fit for the (K, B, ...) vectors of one step, and also drops B when K = 1 on the
    per-sample path, so each step's matmul is a vector times a matrix (about 0.6 µs less a call
    than a (1, H) row times it, and the same BLAS call). The arithmetic per element is the same.
    """
    if n_models > 1:
        return _as_is, _as_is
    return _drop_model_axis, _one_row if lean else _drop_model_axis


def _as_is(arr: np.ndarray) -> np.ndarray:
    return arr


def _drop_model_axis(arr: np.ndarray) -> np.ndarray:
    return arr[0]


def _one_row(arr: np.ndarray) -> np.ndarray:
    return arr[0, 0]
