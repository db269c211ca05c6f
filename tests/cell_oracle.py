"""PyTorch's documented LSTM, GRU and RNN equations, transcribed one window and one gate at a time.

The oracle the finite-difference tests differentiate: it shares no code with rnnviz.core (its
own σ, its own split of W_ih and W_hh into PyTorch's per-gate blocks W_ii, W_if, ...), and it can
start from any state at any step, which is how the tests reach dL/dh_t and dL/dc_t in the middle
of a window and the truncated loss.
"""

from __future__ import annotations

import math

import numpy as np


def sigma(a):
    return 1.0 / (1.0 + np.exp(-np.clip(a, -700, 700)))


def blocks(params, n_gates):
    """PyTorch's per-gate weights: [(W_i·, W_h·, b_i·, b_h·) for each gate], W_i· (H,)."""
    hidden = params["W_hh"].shape[1]
    out = []
    for g in range(n_gates):
        rows = slice(g * hidden, (g + 1) * hidden)
        out.append(
            (
                params["W_ih"][rows, 0],
                params["W_hh"][rows],
                params["b_ih"][rows],
                params["b_hh"][rows],
            )
        )
    return out


def lstm_step(params, x, h, c):
    (Wii, Whi, bii, bhi), (Wif, Whf, bif, bhf), (Wig, Whg, big, bhg), (Wio, Who, bio, bho) = blocks(
        params, 4
    )
    i = sigma(Wii * x + bii + Whi @ h + bhi)
    f = sigma(Wif * x + bif + Whf @ h + bhf)
    g = np.tanh(Wig * x + big + Whg @ h + bhg)
    o = sigma(Wio * x + bio + Who @ h + bho)
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new


def gru_step(params, x, h, c):
    (Wir, Whr, bir, bhr), (Wiz, Whz, biz, bhz), (Win, Whn, bin_, bhn) = blocks(params, 3)
    r = sigma(Wir * x + bir + Whr @ h + bhr)
    z = sigma(Wiz * x + biz + Whz @ h + bhz)
    n = np.tanh(Win * x + bin_ + r * (Whn @ h + bhn))
    return (1 - z) * n + z * h, c


def rnn_step(params, x, h, c):
    return np.tanh(params["W_xh"][:, 0] * x + params["W_hh"] @ h + params["b_h"]), c


STEPS = {"lstm": lstm_step, "gru": gru_step, "rnn": rnn_step}


def y_pred(cell, params, x, start=0, h=None, c=None):
    """The prediction for one window x (T,), starting from state (h, c) as h_start, c_start
    (zeros by default) and running steps start+1 .. T."""
    hidden = params["W_hh"].shape[1]
    h = np.zeros(hidden) if h is None else np.array(h, float)
    c = np.zeros(hidden) if c is None else np.array(c, float)
    for t in range(start + 1, len(x) + 1):
        h, c = STEPS[cell](params, x[t - 1], h, c)
    return float(params["W_hy"][0] @ h + params["b_y"][0])


def loss(cell, params, X, y, start=0, states=None):
    """Batch mean of (y_pred − y)²; states (h (B, H), c (B, H)) placed at step `start`."""
    total = 0.0
    for b in range(X.shape[0]):
        h, c = (None, None) if states is None else (states[0][b], states[1][b])
        total += (y_pred(cell, params, X[b], start, h, c) - y[b]) ** 2
    return total / X.shape[0]


def central_difference(f, array, eps=1e-6):
    """(f(array + eps·e_i) − f(array − eps·e_i)) / 2eps for every entry i, perturbing in place."""
    out = np.empty(array.shape)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        plus = f()
        array[index] = original - eps
        minus = f()
        array[index] = original
        out[index] = (plus - minus) / (2 * eps)
    assert all(math.isfinite(v) for v in out.ravel())
    return out
