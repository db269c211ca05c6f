"""What the LSTM and the GRU share: PyTorch's parameter layout and initialisation, σ, and the head.

Parameters, in PyTorch's names for ``nn.LSTM``/``nn.GRU`` with one layer and input size 1
(G = 4 gates for the LSTM, 3 for the GRU; the tutorial's head on top)::

    W_ih (G·H, 1)   weight_ih_l0     the G input weight columns, gate blocks stacked in rows
    W_hh (G·H, H)   weight_hh_l0     the G recurrent matrices, stacked the same way
    b_ih (G·H,)     bias_ih_l0
    b_hh (G·H,)     bias_hh_l0       PyTorch keeps two biases; only their sum matters to the LSTM,
                                     while the GRU's b_hn sits inside r_t ⊙ (...)
    W_hy (1, H)     Linear(H, 1).weight    y = W_hy·h_T + b_y, as in the tutorial
    b_y (1,)        Linear(H, 1).bias

Rows ``g·H : (g+1)·H`` of W_ih, W_hh, b_ih, b_hh belong to gate g, in PyTorch's order: i, f, g, o
for the LSTM, r, z, n for the GRU.

K models side by side: every parameter may carry one leading axis K (``W_hh (K, G·H, H)``); the
windows X (B, T) are shared and every output gains the same leading axis. The code is written
once for both, with ``...`` for "K, or nothing" and ``.mT`` for the transpose of the last two
axes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .seeding import as_generator
from .validation import as_batch, check_int, check_truncate

GATED_PARAM_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y")
GATE_NAMES = {"lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}
CELL_TITLES = {"lstm": "The LSTM", "gru": "The GRU"}

Params = dict[str, np.ndarray]


@dataclass(frozen=True)
class GatedResult:
    """BPTT through the LSTM or the GRU: the gradient of the batch-mean loss, and dL/d(everything)
    at every step (`LSTMResult` adds dc, `GRUResult` adds da_h).

    loss : float                 mean over the batch of (y_pred − y)²  ((K,) for K models)
    grads : dict                 dW_ih (G·H, 1), dW_hh (G·H, H), db_ih (G·H,), db_hh (G·H,),
                                 dW_hy (1, H), db_y (1,), keyed by the parameter names
    dL_dy : (B,) ndarray         2·(y_pred − y) / B
    dh : (B, T+1, H) ndarray     dh[:, t] = dL/dh_t; dh[:, 0] is what would flow into h_0
    da : (B, T, G·H) ndarray     dL/d(W_ih·x_t + b_ih), in gate blocks (for the LSTM, where both
                                 parts sum into one a_t, that is dL/da_t)
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
    dx: np.ndarray
    truncate: int


def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + exp(−a)), element-wise.

    Below a ≈ −709 exp(−a) overflows to inf and σ comes out as exactly 0, which is its value in
    float64 anyway; the overflow warning is silenced because nothing is wrong.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-a))


def param_shapes(cell: str, hidden: int) -> dict[str, tuple[int, ...]]:
    """One model's parameter shapes at hidden size H, in the order of `GATED_PARAM_NAMES`."""
    rows = len(GATE_NAMES[cell]) * hidden  # G·H: one block of H rows per gate
    return {
        "W_ih": (rows, 1),
        "W_hh": (rows, hidden),
        "b_ih": (rows,),
        "b_hh": (rows,),
        "W_hy": (1, hidden),
        "b_y": (1,),
    }


def check_gated_params(cell: str, params: Mapping) -> tuple[int, tuple[int, ...]]:
    """Check an LSTM's or GRU's six parameters (see the module docstring); return H and the
    leading model shape: () for one model, (K,) for K stacked models."""
    title = CELL_TITLES[cell]
    gates = GATE_NAMES[cell]
    n_gates = len(gates)
    names = ", ".join(GATED_PARAM_NAMES[:-1]) + " and " + GATED_PARAM_NAMES[-1]
    if not isinstance(params, Mapping):
        raise ValueError(f"{title}'s parameters must be a dict with {names}.")
    missing = [name for name in GATED_PARAM_NAMES if name not in params]
    if missing:
        raise ValueError(f"{title}'s parameters are missing {', '.join(missing)}.")
    w_hh = np.asarray(params["W_hh"])
    if w_hh.ndim not in (2, 3) or w_hh.shape[-1] < 1 or w_hh.shape[-2] != n_gates * w_hh.shape[-1]:
        raise ValueError(
            f"W_hh must have shape ({n_gates}·H, H), one (H, H) block per gate "
            f"{', '.join(gates)}, optionally after a leading model axis K; got {w_hh.shape}."
        )
    hidden = w_hh.shape[-1]
    lead = w_hh.shape[:-2]
    for name, shape in param_shapes(cell, hidden).items():
        arr = np.asarray(params[name])
        if arr.shape != lead + shape:
            raise ValueError(
                f"{name} must have shape {lead + shape} for H={hidden}, got {arr.shape}."
            )
        if not np.issubdtype(arr.dtype, np.number) or not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values; re-initialise the model.")
    return hidden, lead


def as_arrays(params: Mapping) -> Params:
    """Checked parameters as float64 arrays (no copy when they already are)."""
    return {name: np.asarray(params[name], dtype=np.float64) for name in GATED_PARAM_NAMES}


def init_gated(cell: str, hidden_size: int, seed: int | np.random.Generator) -> Params:
    """PyTorch's default initialisation: every parameter uniform in ±1/√H.

    That is ``nn.LSTM``/``nn.GRU``'s ``reset_parameters`` and also what ``nn.Linear(H, 1)`` gives
    the head (its bound is 1/√fan_in, and fan_in = H). Drawn from one generator in the order of
    `GATED_PARAM_NAMES`; the numbers differ from torch's own generator, the distribution does not.
    """
    hidden = check_int(hidden_size, "The hidden size H", 1)
    rng = as_generator(seed)
    bound = 1.0 / np.sqrt(hidden)
    return {
        name: rng.uniform(-bound, bound, shape)
        for name, shape in param_shapes(cell, hidden).items()
    }


def gate_blocks(a: np.ndarray, n_gates: int) -> list[np.ndarray]:
    """The G blocks of a (..., G·H) array, views (..., H) in PyTorch's gate order."""
    hidden = a.shape[-1] // n_gates
    return [a[..., g * hidden : (g + 1) * hidden] for g in range(n_gates)]


def input_part(params: Params, x_t: np.ndarray) -> np.ndarray:
    """W_ih·x_t + b_ih for every window: (..., B, G·H) from x_t (B,)."""
    return x_t[:, None] * params["W_ih"][..., None, :, 0] + params["b_ih"][..., None, :]


def hidden_part(params: Params, h_prev: np.ndarray) -> np.ndarray:
    """W_hh·h_(t−1) + b_hh for every window: (..., B, G·H) from h_prev (..., B, H)."""
    # Row-vector form of the column-vector equation: (W_hh·h)ᵀ = hᵀ·W_hhᵀ.
    return h_prev @ params["W_hh"].mT + params["b_hh"][..., None, :]


def head(params: Params, h_T: np.ndarray) -> np.ndarray:
    """The tutorial's output layer: y = W_hy·h_T + b_y, (..., B) from h_T (..., B, H)."""
    return (h_T @ params["W_hy"].mT)[..., 0] + params["b_y"]


def head_backward(params: Params, h_T: np.ndarray, err: np.ndarray):
    """Step A of BPTT, through the head, for ``L = mean_b (y_pred_b − y_b)²``.

    Returns loss (float, or (K,) for K models), dL_dy (..., B), dW_hy (..., 1, H), db_y (..., 1)
    and dL/dh_T (..., B, H)::

        dL_dy = 2·(y_pred − y) / B,   dW_hy = dL_dy·h_Tᵀ,   db_y = Σ_b dL_dy,   dh_T = W_hyᵀ·dL_dy
    """
    batch = err.shape[-1]
    loss = np.mean(err * err, axis=-1)
    dL_dy = 2.0 * err / batch  # (..., B)
    dW_hy = dL_dy[..., None, :] @ h_T  # (..., 1, H)
    db_y = dL_dy.sum(axis=-1, keepdims=True)  # (..., 1)
    dh_T = dL_dy[..., :, None] * params["W_hy"]  # (..., B, H)
    return (float(loss) if loss.ndim == 0 else loss), dL_dy, dW_hy, db_y, dh_T


def add_weight_grads(
    grads: Params, da_in: np.ndarray, da_hid: np.ndarray, x_t: np.ndarray, h_prev: np.ndarray
) -> None:
    """Add one step's share of dW_ih, dW_hh, db_ih, db_hh, summed over the batch, to `grads`.

    da_in (..., B, G·H) is dL/d(W_ih·x_t + b_ih), da_hid (..., B, G·H) is dL/d(W_hh·h_(t−1) +
    b_hh) (the same for the LSTM; for the GRU they differ in the n block by the factor r_t)::

        dW_ih += da_in·x_t,   db_ih += da_in,   dW_hh += da_hid·h_(t−1)ᵀ,   db_hh += da_hid
    """
    grads["W_ih"] += da_in.mT @ x_t[:, None]  # (..., G·H, 1)
    grads["W_hh"] += da_hid.mT @ h_prev  # (..., G·H, H)
    grads["b_ih"] += da_in.sum(axis=-2)  # (..., G·H)
    grads["b_hh"] += da_hid.sum(axis=-2)  # (..., G·H)


def checked_forward(cell: str, params: Mapping, X, forward_pass: Callable):
    """The LSTM's or the GRU's `forward`: check the parameters and the windows X (B, T) (one
    window (T,) is a batch of one), then run the cell's `forward_pass` on float64 arrays."""
    check_gated_params(cell, params)
    X, _ = as_batch(X)
    return forward_pass(as_arrays(params), X)


def checked_backward(cell: str, params: Mapping, trace, y, truncate: int | None, bptt: Callable):
    """The LSTM's or the GRU's `backward`: check the parameters, that `trace` is theirs, the
    targets y (B,) and the depth, then run the cell's `bptt` on float64 arrays."""
    hidden, lead = check_gated_params(cell, params)
    _, y = as_batch(trace.x, y)
    batch, seq_len = trace.x.shape
    if trace.h.shape != lead + (batch, seq_len + 1, hidden):
        raise ValueError("The trace does not belong to these parameters: its shape differs.")
    return bptt(as_arrays(params), trace, y, check_truncate(truncate, seq_len))


def forward_arrays(params: Params, X: np.ndarray, names) -> tuple[Params, np.ndarray]:
    """What a forward pass over windows X (B, T) fills: one (..., B, T, H) array per gate named,
    and h (..., B, T+1, H) holding h_0 = 0."""
    hidden = params["W_hh"].shape[-1]
    lead = params["W_hh"].shape[:-2]
    batch, seq_len = X.shape
    gates = {name: np.empty(lead + (batch, seq_len, hidden)) for name in names}  # (B, T, H)
    h = np.zeros(lead + (batch, seq_len + 1, hidden))  # (B, T+1, H)
    return gates, h


def bptt_start(params: Params, trace, y: np.ndarray):
    """Step A (`head_backward`) and the arrays Step B fills, for the LSTM's and the GRU's BPTT.

    Returns loss, dL_dy (..., B), grads (dW_hy and db_y from Step A, zeros for W_ih, W_hh, b_ih,
    b_hh to add to; in the order of `GATED_PARAM_NAMES`), dh (..., B, T+1, H) holding dL/dh_T in
    row T and zeros below, and dx (..., B, T) zeros.
    """
    batch, seq_len = trace.x.shape
    h_T = trace.h[..., seq_len, :]  # (B, H)
    loss, dL_dy, dW_hy, db_y, dh_T = head_backward(params, h_T, trace.y_pred - y)
    grads = {name: np.zeros_like(params[name]) for name in GATED_PARAM_NAMES[:4]}
    grads["W_hy"], grads["b_y"] = dW_hy, db_y
    dh = np.zeros(trace.h.shape)  # (B, T+1, H)
    dh[..., seq_len, :] = dh_T
    dx = np.zeros(trace.h.shape[:-3] + (batch, seq_len))  # (B, T)
    return loss, dL_dy, grads, dh, dx
