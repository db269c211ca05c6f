"""Backpropagation through time, readable: one timestep per loop turn, every quantity kept.

This is the path the pages show. Training uses the lean path in `train.py`, which computes the
same gradients without keeping the story; a test holds the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rnn import Params, Trace
from .validation import as_batch, check_clip, check_params, check_truncate


@dataclass(frozen=True)
class BPTTResult:
    """The gradient of the batch-mean loss and the per-timestep story of how it was assembled.

    loss : float                 mean over the batch of (y_pred - y)²
    grads : dict                 dW_xh (H, 1), dW_hh (H, H), db_h (H,), dW_hy (1, H), db_y (1,),
                                 keyed by the parameter names (W_xh, W_hh, ...)
    dL_dy : (B,) ndarray         2·(y_pred - y) / B
    dh : (B, T+1, H) ndarray     dh[:, t] = dL/dh_t; dh[:, 0] is what would flow into h_0
    da : (B, T, H) ndarray       da[:, t-1] = (1 - tanh(a_t)²)·dL/dh_t (the tutorial's `dtanh`)
    contributions : dict         per-timestep terms, summed over the batch:
                                 W_xh (T, H, 1), W_hh (T, H, H), b_h (T, H); row t-1 is step t's
    truncate : int               k: how many steps back the gradient was carried (T = full BPTT)
    dx : (B, T) ndarray          dx[:, t-1] = dL/dx_t = W_xhᵀ·da_t, how much the loss depends on
                                 each input (0 for steps t <= T-k under truncation)
    """

    loss: float
    grads: dict[str, np.ndarray]
    dL_dy: np.ndarray
    dh: np.ndarray
    da: np.ndarray
    contributions: dict[str, np.ndarray]
    truncate: int
    dx: np.ndarray


def backward(params: Params, trace: Trace, y, truncate: int | None = None) -> BPTTResult:
    """BPTT for the batch-mean loss ``L = mean_b (y_pred_b - y_b)²``.

    Parameters
    ----------
    params : the parameters `trace` was computed with
    trace : Trace from `forward`, x (B, T), a (B, T, H), h (B, T+1, H), y_pred (B,)
    y : (B,) array_like, the targets
    truncate : int or None, truncated BPTT: carry the gradient back only k steps from T
        (steps t <= T-k get no gradient). None is full BPTT, the tutorial's.

    Notes
    -----
    Step A, through the output::

        dL_dy = 2·(y_pred - y) / B        (B = 1: the tutorial's 2·(y_pred - target))
        dW_hy = dL_dy·h_Tᵀ,  db_y = dL_dy,  dh_next = W_hyᵀ·dL_dy

    Step B, for t = T, T-1, ..., 1::

        da      = (1 - tanh(a_t)²)·dh_next
        dW_xh  += da·x_t,  dW_hh += da·h_(t-1)ᵀ,  db_h += da
        dh_next = W_hhᵀ·da                 (now dL/dh_(t-1))
        dx_t    = W_xhᵀ·da                 (how much the loss depends on x_t)
    """
    hidden = check_params(params)
    _, y = as_batch(trace.x, y)
    batch, seq_len = trace.x.shape
    if trace.h.shape != (batch, seq_len + 1, hidden):
        raise ValueError("The trace does not belong to these parameters: its hidden size differs.")
    k = check_truncate(truncate, seq_len)

    err = trace.y_pred - y  # (B,)
    loss = float(np.mean(err * err))
    dL_dy = 2.0 * err / batch  # (B,)
    h_last = trace.h[:, seq_len]  # (B, H)
    grads = {
        "W_hy": (dL_dy @ h_last)[None, :],  # (1, H)
        "b_y": np.array([dL_dy.sum()]),  # (1,)
    }

    dh = np.zeros((batch, seq_len + 1, hidden))  # (B, T+1, H)
    da = np.zeros((batch, seq_len, hidden))  # (B, T, H)
    contrib_W_xh = np.zeros((seq_len, hidden, 1))  # (T, H, 1)
    contrib_W_hh = np.zeros((seq_len, hidden, hidden))  # (T, H, H)
    contrib_b_h = np.zeros((seq_len, hidden))  # (T, H)

    dh[:, seq_len] = dL_dy[:, None] * params["W_hy"][0]  # W_hyᵀ·dL/dy, (B, H)
    for t in range(seq_len, seq_len - k, -1):
        dh_next = dh[:, t]  # dL/dh_t, (B, H)
        da[:, t - 1] = (1.0 - np.tanh(trace.a[:, t - 1]) ** 2) * dh_next  # (B, H)
        contrib_W_xh[t - 1] = da[:, t - 1].T @ trace.x[:, t - 1 : t]  # da·x_t, (H, 1)
        contrib_W_hh[t - 1] = da[:, t - 1].T @ trace.h[:, t - 1]  # da·h_(t-1)ᵀ, (H, H)
        contrib_b_h[t - 1] = da[:, t - 1].sum(axis=0)  # (H,)
        dh[:, t - 1] = da[:, t - 1] @ params["W_hh"]  # W_hhᵀ·da per row, (B, H)

    grads["W_xh"] = contrib_W_xh.sum(axis=0)
    grads["W_hh"] = contrib_W_hh.sum(axis=0)
    grads["b_h"] = contrib_b_h.sum(axis=0)
    return BPTTResult(
        loss=loss,
        grads={name: grads[name] for name in ("W_xh", "W_hh", "b_h", "W_hy", "b_y")},
        dL_dy=dL_dy,
        dh=dh,
        da=da,
        contributions={"W_xh": contrib_W_xh, "W_hh": contrib_W_hh, "b_h": contrib_b_h},
        truncate=k,
        dx=da @ np.asarray(params["W_xh"], dtype=np.float64)[:, 0],  # W_xhᵀ·da_t, all t: (B, T)
    )


def clip_grads(grads: dict[str, np.ndarray], value: float | None) -> dict[str, np.ndarray]:
    """The tutorial's element-wise clipping: each gradient entry forced into [-value, value].

    Returns new arrays; `value=None` means no clipping (copies, unchanged).

    Notes
    -----
    ``np.clip(dW, -value, value)`` for each gradient. This clips each entry on its own, so the
    clipped gradient can point in a different direction from the true one (unlike clipping its
    norm); with value = 1 every parameter moves at most ``lr`` per step.
    """
    value = check_clip(value)
    if value is None:
        return {name: np.array(g, copy=True) for name, g in grads.items()}
    return {name: np.clip(g, -value, value) for name, g in grads.items()}
