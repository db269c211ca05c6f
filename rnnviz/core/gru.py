"""The GRU cell in PyTorch's layout: forward pass over a batch of windows, and BPTT.

The equations are ``nn.GRU``'s, one layer, input size 1 (parameters: see `gated`)::

    r_t = σ(W_ir·x_t + b_ir + W_hr·h_(t−1) + b_hr)            reset gate
    z_t = σ(W_iz·x_t + b_iz + W_hz·h_(t−1) + b_hz)            update gate: near 1 keeps h_(t−1)
    n_t = tanh(W_in·x_t + b_in + r_t ⊙ (W_hn·h_(t−1) + b_hn))  the candidate
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_(t−1)
    y   = W_hy·h_T + b_y                                      the tutorial's head

with h_0 = 0. PyTorch applies r_t after W_hn (and b_hn), not to h_(t−1) before it as the original
paper does; the docs of ``nn.GRU`` say so, and this module follows PyTorch. The memory is carried
by ``z_t ⊙ h_(t−1)``: along it, dL/dh_(t−1) gets z_t ⊙ dL/dh_t, near 1 while z_t is.

Every array may carry a leading model axis K (see `gated`): shapes below are written for one
model; with K models each output gains a leading K, and X stays (B, T).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gated import (
    GatedResult,
    Params,
    add_weight_grads,
    bptt_start,
    checked_backward,
    checked_forward,
    forward_arrays,
    gate_blocks,
    head,
    hidden_part,
    input_part,
    sigmoid,
)
from .rnn import Unrolled


@dataclass(frozen=True)
class GRUTrace(Unrolled):
    """A GRU's forward pass over a batch of windows, every gate at every step: x (B, T),
    h (B, T+1, H) and y_pred (B,) as in `core.rnn.Unrolled`, and

    r, z, n : (B, T, H)         the gates and the candidate, r[:, t-1] is r_t, ...
    hn : (B, T, H) ndarray      hn[:, t-1] = W_hn·h_(t−1) + b_hn, the part of n_t that r_t scales
    """

    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    hn: np.ndarray


def forward(params: Params, X) -> GRUTrace:
    """Unroll the GRU over each window of `X`, keeping every gate and h_t.

    Parameters
    ----------
    params : W_ih (3H, 1), W_hh (3H, H), b_ih (3H,), b_hh (3H,), W_hy (1, H), b_y (1,)
    X : (B, T) array_like; a single window (T,) is a batch of one

    Returns
    -------
    GRUTrace; with K stacked models every array but x gains a leading K.

    Notes
    -----
    The input part ``W_ih·x_t + b_ih`` and the hidden part ``W_hh·h_(t−1) + b_hh`` (3H each) are
    split into their r, z, n blocks; then the module's equations.
    """
    return checked_forward("gru", params, X, forward_pass)


def forward_pass(params: Params, X: np.ndarray) -> GRUTrace:
    """`forward` on checked float64 parameters and windows X (B, T), checking nothing: for
    training loops that check once (`core.train_cell`)."""
    seq_len = X.shape[1]
    gates, h = forward_arrays(params, X, ("r", "z", "n", "hn"))  # (B, T, H) each, (B, T+1, H)
    for t in range(1, seq_len + 1):
        h_prev = h[..., t - 1, :]  # (B, H)
        xr, xz, xn = gate_blocks(input_part(params, X[:, t - 1]), 3)  # (B, H) each
        hr, hz, hn = gate_blocks(hidden_part(params, h_prev), 3)  # (B, H) each
        r_t = sigmoid(xr + hr)
        z_t = sigmoid(xz + hz)
        n_t = np.tanh(xn + r_t * hn)
        h[..., t, :] = (1.0 - z_t) * n_t + z_t * h_prev
        for name, value in zip(("r", "z", "n", "hn"), (r_t, z_t, n_t, hn), strict=True):
            gates[name][..., t - 1, :] = value
    y_pred = head(params, h[..., seq_len, :])  # (B,)
    return GRUTrace(x=X, h=h, y_pred=y_pred, **gates)


@dataclass(frozen=True)
class GRUResult(GatedResult):
    """BPTT through the GRU: the fields of `core.gated.GatedResult` (G = 3, the blocks of da are
    r, z, n), and

    da_h : (B, T, 3H) ndarray    dL/d(W_hh·h_(t−1) + b_hh): equal to `da` in the r and z blocks,
                                 r_t ⊙ da in the n block
    """

    da_h: np.ndarray


def backward(params: Params, trace: GRUTrace, y, truncate: int | None = None) -> GRUResult:
    """BPTT through the GRU for the batch-mean loss ``L = mean_b (y_pred_b − y_b)²``.

    Parameters
    ----------
    params : the parameters `trace` was computed with
    trace : GRUTrace from `forward`
    y : (B,) array_like, the targets
    truncate : int or None, carry the gradient back only k steps from T (None: full BPTT)

    Notes
    -----
    Step A, through the head, as for the RNN: ``dh_T = W_hyᵀ·dL_dy``. Step B, for t = T, ..., 1,
    each local derivative under the forward formula it comes from (``dh_next`` = dL/dh_t)::

        h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_(t−1)
                                 dn = dh_next ⊙ (1 − z_t),  dz = dh_next ⊙ (h_(t−1) − n_t)
        n_t = tanh(xn + r_t ⊙ hn)
                                 da_n = dn ⊙ (1 − n_t²),  dr = da_n ⊙ hn,  dhn = da_n ⊙ r_t
        r_t, z_t = σ(...)        da_r = dr ⊙ r_t(1 − r_t),  da_z = dz ⊙ z_t(1 − z_t)
        xr|xz|xn = W_ih·x_t + b_ih       da = [da_r, da_z, da_n]:   dW_ih += da·x_t, db_ih += da
        hr|hz|hn = W_hh·h_(t−1) + b_hh   da_h = [da_r, da_z, dhn]:  dW_hh += da_h·h_(t−1)ᵀ, ...
                                 dh_next = z_t ⊙ dh_next + W_hhᵀ·da_h,  dx_t = W_ihᵀ·da
    """
    return checked_backward("gru", params, trace, y, truncate, bptt)


def bptt(params: Params, trace: GRUTrace, y: np.ndarray, k: int) -> GRUResult:
    """`backward` on checked float64 parameters, targets y (B,) and depth k in 1..T, checking
    nothing: for training loops that check once (`core.train_cell`)."""
    seq_len = trace.x.shape[1]
    loss, dL_dy, grads, dh, dx = bptt_start(params, trace, y)  # dh (B, T+1, H), dx (B, T)
    da = np.zeros(trace.r.shape[:-1] + (3 * trace.r.shape[-1],))  # (B, T, 3H)
    da_h = np.zeros(da.shape)  # (B, T, 3H)
    for t in range(seq_len, seq_len - k, -1):
        x_t = trace.x[:, t - 1]  # (B,)
        r_t, z_t, n_t, hn = (v[..., t - 1, :] for v in (trace.r, trace.z, trace.n, trace.hn))
        h_prev = trace.h[..., t - 1, :]  # (B, H)
        dh_next = dh[..., t, :]  # dL/dh_t, (B, H)

        # h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_(t−1)
        dn = dh_next * (1.0 - z_t)
        dz = dh_next * (h_prev - n_t)
        # n_t = tanh(xn + r_t ⊙ hn)
        da_n = dn * (1.0 - n_t**2)
        dr = da_n * hn
        # r_t = σ(xr + hr), z_t = σ(xz + hz): σ′ = σ(1 − σ)
        da_r = dr * r_t * (1.0 - r_t)
        da_z = dz * z_t * (1.0 - z_t)
        # the input and hidden parts, W_ih·x_t + b_ih and W_hh·h_(t−1) + b_hh, split r|z|n
        da_t = np.concatenate([da_r, da_z, da_n], axis=-1)  # (B, 3H)
        da_h_t = np.concatenate([da_r, da_z, da_n * r_t], axis=-1)  # (B, 3H)
        da[..., t - 1, :], da_h[..., t - 1, :] = da_t, da_h_t
        add_weight_grads(grads, da_t, da_h_t, x_t, h_prev)
        # h_(t−1) reaches h_t directly (z_t ⊙ h_(t−1)) and through all three gates
        dh[..., t - 1, :] = dh_next * z_t + da_h_t @ params["W_hh"]  # (B, H)
        dx[..., t - 1] = (da_t @ params["W_ih"])[..., 0]  # W_ihᵀ·da per row, (B,)

    return GRUResult(
        loss=loss,
        grads=grads,
        dL_dy=dL_dy,
        dh=dh,
        da=da,
        da_h=da_h,
        dx=dx,
        truncate=k,
    )
