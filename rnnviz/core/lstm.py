"""The LSTM cell in PyTorch's layout: forward pass over a batch of windows, and BPTT.

The equations are ``nn.LSTM``'s, one layer, input size 1 (parameters: see `gated`)::

    i_t = σ(W_ii·x_t + b_ii + W_hi·h_(t−1) + b_hi)       input gate: how much of g_t to write
    f_t = σ(W_if·x_t + b_if + W_hf·h_(t−1) + b_hf)       forget gate: how much of c_(t−1) to keep
    g_t = tanh(W_ig·x_t + b_ig + W_hg·h_(t−1) + b_hg)    the candidate to write
    o_t = σ(W_io·x_t + b_io + W_ho·h_(t−1) + b_ho)       output gate: how much of the cell to show
    c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)
    y   = W_hy·h_T + b_y                                 the tutorial's head

with h_0 = c_0 = 0. The memory c_t is carried by ``f_t ⊙ c_(t−1)``: along it, dL/dc_(t−1) =
f_t ⊙ dL/dc_t, a factor that stays near 1 while the forget gate is open, instead of the RNN's
``W_hhᵀ·diag(tanh′(a_t))``.

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
class LSTMTrace(Unrolled):
    """An LSTM's forward pass over a batch of windows, every gate at every step: x (B, T),
    h (B, T+1, H) and y_pred (B,) as in `core.rnn.Unrolled` (here h_t = o_t ⊙ tanh(c_t)), and

    i, f, g, o : (B, T, H)      the gates, i[:, t-1] is i_t, ...
    c : (B, T+1, H) ndarray     c[:, 0] is c_0 = 0, c[:, t] is c_t, the cell (the memory)
    """

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray


def forward(params: Params, X) -> LSTMTrace:
    """Unroll the LSTM over each window of `X`, keeping every gate, c_t and h_t.

    Parameters
    ----------
    params : W_ih (4H, 1), W_hh (4H, H), b_ih (4H,), b_hh (4H,), W_hy (1, H), b_y (1,)
    X : (B, T) array_like; a single window (T,) is a batch of one

    Returns
    -------
    LSTMTrace; with K stacked models every array but x gains a leading K.

    Notes
    -----
    ``a_t = W_ih·x_t + b_ih + W_hh·h_(t−1) + b_hh`` (4H,), split into the blocks of i, f, g, o;
    then the module's equations.
    """
    return checked_forward("lstm", params, X, forward_pass)


def forward_pass(params: Params, X: np.ndarray) -> LSTMTrace:
    """`forward` on checked float64 parameters and windows X (B, T), checking nothing: for
    training loops that check once (`core.train_cell`)."""
    seq_len = X.shape[1]
    gates, h = forward_arrays(params, X, "ifgo")  # (B, T, H) each, (B, T+1, H)
    c = np.zeros(h.shape)  # (B, T+1, H), c_0 = 0
    for t in range(1, seq_len + 1):
        a_t = input_part(params, X[:, t - 1]) + hidden_part(params, h[..., t - 1, :])  # (B, 4H)
        a_i, a_f, a_g, a_o = gate_blocks(a_t, 4)  # (B, H) each
        i_t, f_t, g_t, o_t = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
        c[..., t, :] = f_t * c[..., t - 1, :] + i_t * g_t
        h[..., t, :] = o_t * np.tanh(c[..., t, :])
        for name, value in zip("ifgo", (i_t, f_t, g_t, o_t), strict=True):
            gates[name][..., t - 1, :] = value
    y_pred = head(params, h[..., seq_len, :])  # (B,)
    return LSTMTrace(x=X, c=c, h=h, y_pred=y_pred, **gates)


@dataclass(frozen=True)
class LSTMResult(GatedResult):
    """BPTT through the LSTM: the fields of `core.gated.GatedResult` (G = 4, the blocks of da are
    i, f, g, o: dL/da_t at the gates' pre-activations), and

    dc : (B, T+1, H) ndarray     dc[:, t] = dL/dc_t along both of c_t's paths, through
                                 h_t = o_t ⊙ tanh(c_t) and through c_(t+1); dc[:, 0] is what
                                 would flow into c_0; under truncation, row T−k holds what
                                 arrives there from step T−k+1, lower rows are 0
    """

    dc: np.ndarray


def backward(params: Params, trace: LSTMTrace, y, truncate: int | None = None) -> LSTMResult:
    """BPTT through the LSTM for the batch-mean loss ``L = mean_b (y_pred_b − y_b)²``.

    Parameters
    ----------
    params : the parameters `trace` was computed with
    trace : LSTMTrace from `forward`
    y : (B,) array_like, the targets
    truncate : int or None, carry the gradient back only k steps from T (None: full BPTT)

    Notes
    -----
    Step A, through the head, as for the RNN: ``dh_T = W_hyᵀ·dL_dy``. Step B, for t = T, ..., 1,
    each local derivative under the forward formula it comes from (``dh_next`` = dL/dh_t,
    ``dc[:, t]`` arrives holding dL/dc_t through c_(t+1) only)::

        h_t = o_t ⊙ tanh(c_t)         do = dh_next ⊙ tanh(c_t)
                                      dc_t = dc[:, t] + dh_next ⊙ o_t ⊙ (1 − tanh(c_t)²)
        c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t
                                      df = dc_t ⊙ c_(t−1),  di = dc_t ⊙ g_t,  dg = dc_t ⊙ i_t
                                      dc[:, t−1] = dc_t ⊙ f_t
        i, f, o = σ(a), g = tanh(a)   da = [di·i(1−i), df·f(1−f), dg·(1−g²), do·o(1−o)]
        a_t = W_ih·x_t + b_ih + W_hh·h_(t−1) + b_hh
                                      dW_ih += da·x_t, dW_hh += da·h_(t−1)ᵀ, db_ih, db_hh += da
                                      dh_next = W_hhᵀ·da,  dx_t = W_ihᵀ·da
    """
    return checked_backward("lstm", params, trace, y, truncate, bptt)


def bptt(params: Params, trace: LSTMTrace, y: np.ndarray, k: int) -> LSTMResult:
    """`backward` on checked float64 parameters, targets y (B,) and depth k in 1..T, checking
    nothing: for training loops that check once (`core.train_cell`)."""
    seq_len = trace.x.shape[1]
    loss, dL_dy, grads, dh, dx = bptt_start(params, trace, y)  # dh (B, T+1, H), dx (B, T)
    dc = np.zeros(dh.shape)  # (B, T+1, H)
    da = np.zeros(trace.i.shape[:-1] + (4 * trace.i.shape[-1],))  # (B, T, 4H)
    for t in range(seq_len, seq_len - k, -1):
        x_t = trace.x[:, t - 1]  # (B,)
        i_t, f_t, g_t, o_t = (gate[..., t - 1, :] for gate in (trace.i, trace.f, trace.g, trace.o))
        c_prev, c_t, h_prev = trace.c[..., t - 1, :], trace.c[..., t, :], trace.h[..., t - 1, :]
        dh_next = dh[..., t, :]  # dL/dh_t, (B, H)

        # h_t = o_t ⊙ tanh(c_t)
        tanh_c = np.tanh(c_t)
        do = dh_next * tanh_c
        dc[..., t, :] += dh_next * o_t * (1.0 - tanh_c**2)  # now all of dL/dc_t
        dc_t = dc[..., t, :]
        # c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t
        df, di, dg = dc_t * c_prev, dc_t * g_t, dc_t * i_t
        dc[..., t - 1, :] = dc_t * f_t  # dL/dc_(t−1) through c_t
        # i, f, o = σ(a): σ′ = σ(1 − σ);  g = tanh(a): tanh′ = 1 − tanh²
        da_i = di * i_t * (1.0 - i_t)
        da_f = df * f_t * (1.0 - f_t)
        da_g = dg * (1.0 - g_t**2)
        da_o = do * o_t * (1.0 - o_t)
        da_t = np.concatenate([da_i, da_f, da_g, da_o], axis=-1)  # (B, 4H)
        da[..., t - 1, :] = da_t
        # a_t = W_ih·x_t + b_ih + W_hh·h_(t−1) + b_hh
        add_weight_grads(grads, da_t, da_t, x_t, h_prev)
        dh[..., t - 1, :] = da_t @ params["W_hh"]  # W_hhᵀ·da per row, (B, H)
        dx[..., t - 1] = (da_t @ params["W_ih"])[..., 0]  # W_ihᵀ·da per row, (B,)

    return LSTMResult(
        loss=loss,
        grads=grads,
        dL_dy=dL_dy,
        dh=dh,
        dc=dc,
        da=da,
        dx=dx,
        truncate=k,
    )
