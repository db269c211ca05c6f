"""The tutorial's RNN: parameters, one timestep, and the forward pass over a batch of windows.

One engine serves both of the tutorial's models: `hidden_size=1` is the scalar RNN of its
walkthrough, `hidden_size=20` its `RNNCell`/`RNNPredictor`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .seeding import as_generator
from .validation import PARAM_NAMES, as_batch, as_finite_array, check_int, check_params

TUTORIAL_HIDDEN_SIZE = 20

Params = dict[str, np.ndarray]


def init_params(
    hidden_size: int = TUTORIAL_HIDDEN_SIZE, seed: int | np.random.Generator = 0
) -> Params:
    """The tutorial's initialisation: weights `randn·0.01`, biases `randn`.

    Parameters
    ----------
    hidden_size : int >= 1, H. 1 gives the tutorial's scalar RNN.
    seed : int or numpy.random.Generator.

    Returns
    -------
    params : dict with
        W_xh : (H, 1) ndarray, input -> hidden
        W_hh : (H, H) ndarray, hidden -> hidden (the recurrent connection)
        b_h : (H,) ndarray, hidden bias
        W_hy : (1, H) ndarray, hidden -> output
        b_y : (1,) ndarray, output bias

    Notes
    -----
    Drawn in the tutorial's order (W_xh, W_hh, b_h, W_hy, b_y) from one generator, so the scalar
    walkthrough and `RNNPredictor` get the same numbers from the same draws.
    """
    hidden = check_int(hidden_size, "The hidden size H", 1)
    rng = as_generator(seed)
    return {
        "W_xh": rng.standard_normal((hidden, 1)) * 0.01,
        "W_hh": rng.standard_normal((hidden, hidden)) * 0.01,
        "b_h": rng.standard_normal(hidden),
        "W_hy": rng.standard_normal((1, hidden)) * 0.01,
        "b_y": rng.standard_normal(1),
    }


def copy_params(params: Params) -> Params:
    """A deep copy of the five parameters, in the tutorial's order."""
    return {name: np.array(params[name], dtype=np.float64, copy=True) for name in PARAM_NAMES}


def step(params: Params, x_t, h_prev) -> tuple[np.ndarray, np.ndarray]:
    """One timestep of the RNN cell, batched over a leading axis.

    Parameters
    ----------
    x_t : (B,) array_like, today's input (a scalar is a batch of one)
    h_prev : (B, H) array_like, h_(t-1)

    Returns
    -------
    a_t : (B, H) ndarray, the pre-activation (the tutorial's `raw`)
    h_t : (B, H) ndarray

    Notes
    -----
    ``a_t = W_xh·x_t + W_hh·h_(t-1) + b_h``, ``h_t = tanh(a_t)``.
    """
    check_params(params)
    params = _as_arrays(params)
    x_t = as_finite_array(np.atleast_1d(x_t), "x_t", 1)  # (B,)
    h_prev = as_finite_array(np.atleast_2d(h_prev), "h_(t-1)", 2)  # (B, H)
    return _step(params, x_t, h_prev)


def _as_arrays(params: Params) -> Params:
    """Checked parameters as float64 arrays (no copy when they already are): nested lists pass
    `check_params` and must index like arrays in `_step`."""
    return {name: np.asarray(params[name], dtype=np.float64) for name in PARAM_NAMES}


def _step(params: Params, x_t: np.ndarray, h_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Row-vector form of the tutorial's column-vector equation: (W_hh @ h)ᵀ = hᵀ @ W_hhᵀ.
    a_t = x_t[:, None] * params["W_xh"][:, 0] + h_prev @ params["W_hh"].T + params["b_h"]  # (B, H)
    return a_t, np.tanh(a_t)


@dataclass(frozen=True)
class Unrolled:
    """What every cell's forward pass keeps (the RNN's `Trace`, `LSTMTrace`, `GRUTrace`).

    x : (B, T) ndarray          the inputs, x[:, t-1] is x_t
    h : (B, T+1, H) ndarray     h[:, 0] is h_0 = 0, h[:, t] is h_t
    y_pred : (B,) ndarray       y = W_hy·h_T + b_y
    """

    x: np.ndarray
    h: np.ndarray
    y_pred: np.ndarray

    @property
    def seq_len(self) -> int:
        return self.x.shape[1]

    @property
    def hidden_size(self) -> int:
        return self.h.shape[-1]


@dataclass(frozen=True)
class Trace(Unrolled):
    """A forward pass over a batch of windows, everything BPTT needs: x (B, T), h (B, T+1, H)
    and y_pred (B,) as in `Unrolled`, and

    a : (B, T, H) ndarray       a[:, t-1] is a_t, the pre-activation
    """

    a: np.ndarray


def forward(params: Params, X) -> Trace:
    """Unroll the RNN over each window of `X`, keeping every a_t and h_t.

    Parameters
    ----------
    params : the five parameters (see `init_params`)
    X : (B, T) array_like; a single window (T,) is a batch of one

    Returns
    -------
    Trace with a (B, T, H), h (B, T+1, H), y_pred (B,)

    Notes
    -----
    ``h_0 = 0``; for t = 1..T: ``a_t = W_xh·x_t + W_hh·h_(t-1) + b_h``, ``h_t = tanh(a_t)``;
    then ``y = W_hy·h_T + b_y``.
    """
    hidden = check_params(params)
    params = _as_arrays(params)
    X, _ = as_batch(X)
    batch, seq_len = X.shape
    a = np.empty((batch, seq_len, hidden))  # (B, T, H)
    h = np.zeros((batch, seq_len + 1, hidden))  # (B, T+1, H)
    for t in range(1, seq_len + 1):
        a[:, t - 1], h[:, t] = _step(params, X[:, t - 1], h[:, t - 1])
    y_pred = h[:, seq_len] @ params["W_hy"][0] + params["b_y"][0]  # (B,)
    return Trace(x=X, a=a, h=h, y_pred=y_pred)


def predict(params: Params, X) -> np.ndarray:
    """y_pred (B,) for windows X (B, T): the output of `forward`, without keeping the trace."""
    return forward(params, X).y_pred


def mse(params: Params, X, y) -> float:
    """The batch mean of the tutorial's loss, mean over windows of (y_pred - y)²."""
    X, y = as_batch(X, y)
    err = predict(params, X) - y
    return float(np.mean(err * err))
