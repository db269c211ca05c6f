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
    Params,
    as_arrays,
    check_gated_params,
    gate_blocks,
    head,
    head_backward,
    hidden_part,
    input_part,
    sigmoid,
    weight_grads,
)
from .validation import as_batch, check_truncate


@dataclass(frozen=True)
class GRUTrace:
    """A GRU's forward pass over a batch of windows, every gate at every step.

    x : (B, T) ndarray          the inputs, x[:, t-1] is x_t
    r, z, n : (B, T, H)         the gates and the candidate, r[:, t-1] is r_t, ...
    hn : (B, T, H) ndarray      hn[:, t-1] = W_hn·h_(t−1) + b_hn, the part of n_t that r_t scales
    h : (B, T+1, H) ndarray     h[:, 0] is h_0 = 0, h[:, t] is h_t
    y_pred : (B,) ndarray       y = W_hy·h_T + b_y
    """

    x: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    hn: np.ndarray
    h: np.ndarray
    y_pred: np.ndarray

    @property
    def seq_len(self) -> int:
        return self.x.shape[1]

    @property
    def hidden_size(self) -> int:
        return self.h.shape[-1]


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
    check_gated_params("gru", params)
    X, _ = as_batch(X)
    return forward_pass(as_arrays(params), X)


def forward_pass(params: Params, X: np.ndarray) -> GRUTrace:
    """`forward` on checked float64 parameters and windows X (B, T), checking nothing: for
    training loops that check once (`core.train_cell`)."""
    hidden = params["W_hh"].shape[-1]
    lead = params["W_hh"].shape[:-2]
    batch, seq_len = X.shape
    gates = {name: np.empty(lead + (batch, seq_len, hidden)) for name in ("r", "z", "n", "hn")}
    h = np.zeros(lead + (batch, seq_len + 1, hidden))  # (B, T+1, H)
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
class GRUResult:
    """The gradient of the batch-mean loss, and dL/d(everything) at every step.

    loss : float                 mean over the batch of (y_pred − y)²  ((K,) for K models)
    grads : dict                 dW_ih (3H, 1), dW_hh (3H, H), db_ih (3H,), db_hh (3H,),
                                 dW_hy (1, H), db_y (1,), keyed by the parameter names
    dL_dy : (B,) ndarray         2·(y_pred − y) / B
    dh : (B, T+1, H) ndarray     dh[:, t] = dL/dh_t; dh[:, 0] is what would flow into h_0
    da : (B, T, 3H) ndarray      dL/d(W_ih·x_t + b_ih), blocks r, z, n
    da_h : (B, T, 3H) ndarray    dL/d(W_hh·h_(t−1) + b_hh): equal to `da` in the r and z blocks,
                                 r_t ⊙ da in the n block
    dx : (B, T) ndarray          dx[:, t-1] = dL/dx_t, how much the loss depends on each input
    truncate : int               k: how many steps back the gradient was carried (T = full BPTT)

    Under truncation, steps t <= T−k get no gradient; row T−k of dh holds what arrives there
    from step T−k+1 (where the gradient stops), lower rows are 0.
    """

    loss: float
    grads: dict[str, np.ndarray]
    dL_dy: np.ndarray
    dh: np.ndarray
    da: np.ndarray
    da_h: np.ndarray
    dx: np.ndarray
    truncate: int


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
    hidden, lead = check_gated_params("gru", params)
    _, y = as_batch(trace.x, y)
    batch, seq_len = trace.x.shape
    if trace.h.shape != lead + (batch, seq_len + 1, hidden):
        raise ValueError("The trace does not belong to these parameters: its shape differs.")
    return bptt(as_arrays(params), trace, y, check_truncate(truncate, seq_len))


def bptt(params: Params, trace: GRUTrace, y: np.ndarray, k: int) -> GRUResult:
    """`backward` on checked float64 parameters, targets y (B,) and depth k in 1..T, checking
    nothing: for training loops that check once (`core.train_cell`)."""
    hidden = params["W_hh"].shape[-1]
    lead = params["W_hh"].shape[:-2]
    batch, seq_len = trace.x.shape
    h_T = trace.h[..., seq_len, :]  # (B, H)
    loss, dL_dy, dW_hy, db_y, dh_T = head_backward(params, h_T, trace.y_pred - y)
    grads = {name: np.zeros_like(params[name]) for name in ("W_ih", "W_hh", "b_ih", "b_hh")}
    dh = np.zeros(lead + (batch, seq_len + 1, hidden))  # (B, T+1, H)
    da = np.zeros(lead + (batch, seq_len, 3 * hidden))  # (B, T, 3H)
    da_h = np.zeros(lead + (batch, seq_len, 3 * hidden))  # (B, T, 3H)
    dx = np.zeros(lead + (batch, seq_len))  # (B, T)

    dh[..., seq_len, :] = dh_T
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
        for name, part in weight_grads(da_t, da_h_t, x_t, h_prev).items():
            grads[name] += part
        # h_(t−1) reaches h_t directly (z_t ⊙ h_(t−1)) and through all three gates
        dh[..., t - 1, :] = dh_next * z_t + da_h_t @ params["W_hh"]  # (B, H)
        dx[..., t - 1] = (da_t @ params["W_ih"])[..., 0]  # W_ihᵀ·da per row, (B,)

    grads["W_hy"], grads["b_y"] = dW_hy, db_y
    return GRUResult(
        loss=loss,
        grads={name: grads[name] for name in ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y")},
        dL_dy=dL_dy,
        dh=dh,
        da=da,
        da_h=da_h,
        dx=dx,
        truncate=k,
    )
