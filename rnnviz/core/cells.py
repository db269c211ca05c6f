"""One entry point for the three cells, so pages and tests treat them alike.

    params = core.init_cell("lstm", hidden_size=20, seed=0)
    trace = core.cell_forward("lstm", params, X)          # X (B, T)
    result = core.cell_backward("lstm", params, trace, y)  # y (B,)
    result.grads, result.dh, result.dx                     # (+ result.dc for the LSTM)

"rnn" is the tutorial's RNN, unchanged (`core.forward`, `core.backward`); "lstm" and "gru" are
PyTorch's cells (`core.lstm`, `core.gru`) under the same head ``y = W_hy·h_T + b_y`` and the same
loss, the batch mean of (y_pred − y)².

K models at once: parameters with one leading axis K (``W_hh (K, ..., H)``) are K models on the
same windows; every output gains a leading K. The gated cells compute the K models in one pass;
the RNN is run once per model and the results stacked (`core.train_stacked` is its fast path).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

import numpy as np

from . import gru, lstm
from .bptt import BPTTResult, backward
from .gated import GATE_NAMES, GATED_PARAM_NAMES, check_gated_params, init_gated
from .rnn import TUTORIAL_HIDDEN_SIZE, Params, Trace, forward, init_params
from .seeding import as_generator
from .validation import PARAM_NAMES, check_int, check_params

CELLS = ("rnn", "lstm", "gru")
INITS = ("tutorial", "pytorch")
CELL_LABELS = {"rnn": "RNN (the tutorial's)", "lstm": "LSTM", "gru": "GRU"}

CellTrace = Trace | lstm.LSTMTrace | gru.GRUTrace
CellResult = BPTTResult | lstm.LSTMResult | gru.GRUResult


def check_cell(cell) -> str:
    """The cell's name, or a ValueError that lists the three."""
    if not isinstance(cell, str) or cell not in CELLS:
        raise ValueError(f"Unknown cell {cell!r}: choose one of {', '.join(CELLS)}.")
    return cell


def param_names(cell: str) -> tuple[str, ...]:
    """The parameters' names in their order: the tutorial's for "rnn", PyTorch's otherwise."""
    return PARAM_NAMES if check_cell(cell) == "rnn" else GATED_PARAM_NAMES


def gate_count(cell: str) -> int:
    """G: how many (H, H) blocks W_hh has: 1 for the RNN, 4 for the LSTM, 3 for the GRU."""
    return 1 if check_cell(cell) == "rnn" else len(GATE_NAMES[cell])


def parameter_count(cell: str, hidden_size: int) -> int:
    """How many numbers the model learns, head included (461, 1861, 1401 at H = 20).

    RNN: H + H² + H + (H + 1). Gated: G·H·(1 + H) for the weights, 2·G·H for the two biases
    PyTorch keeps, and H + 1 for the head.
    """
    hidden = check_int(hidden_size, "The hidden size H", 1)
    if check_cell(cell) == "rnn":
        return hidden + hidden * hidden + hidden + hidden + 1
    rows = gate_count(cell) * hidden
    return rows * (1 + hidden) + 2 * rows + hidden + 1


def init_cell(
    cell: str,
    hidden_size: int = TUTORIAL_HIDDEN_SIZE,
    seed: int | np.random.Generator = 0,
    init: str | None = None,
) -> Params:
    """Fresh parameters for `cell`.

    Parameters
    ----------
    cell : "rnn", "lstm" or "gru"
    hidden_size : int >= 1, H
    seed : int or numpy.random.Generator
    init : "tutorial" (the RNN's default: weights randn·0.01, biases randn, `core.init_params`)
        or "pytorch" (the gated cells' default and only choice: every parameter uniform in
        ±1/√H, PyTorch's ``reset_parameters`` and ``nn.Linear``'s init for the head).

    Notes
    -----
    PyTorch's ``nn.RNN`` keeps two biases, b_ih and b_hh, and adds them; the tutorial's RNN has
    one, b_h. "pytorch" for the RNN draws both and stores their sum, ``b_h = b_ih + b_hh``, so
    b_h has exactly the distribution of nn.RNN's effective bias (triangular on ±2/√H), the same
    as each gate's effective bias in the LSTM and the GRU: the comparison is on equal terms.
    Draws are in nn.RNN's order: W_xh, W_hh, b_ih, b_hh, then the head W_hy, b_y.
    """
    cell = check_cell(cell)
    hidden = check_int(hidden_size, "The hidden size H", 1)
    chosen = init if init is not None else ("tutorial" if cell == "rnn" else "pytorch")
    if chosen not in INITS:
        raise ValueError(f"Unknown initialisation {init!r}: choose one of {', '.join(INITS)}.")
    if cell != "rnn":
        if chosen == "tutorial":
            raise ValueError(
                "The tutorial initialises only its RNN; the LSTM and the GRU use PyTorch's "
                "initialisation (init='pytorch')."
            )
        return init_gated(cell, hidden, seed)
    if chosen == "tutorial":
        return init_params(hidden, seed)
    rng = as_generator(seed)
    bound = 1.0 / np.sqrt(hidden)
    W_xh = rng.uniform(-bound, bound, (hidden, 1))
    W_hh = rng.uniform(-bound, bound, (hidden, hidden))
    b_ih = rng.uniform(-bound, bound, hidden)
    b_hh = rng.uniform(-bound, bound, hidden)
    W_hy = rng.uniform(-bound, bound, (1, hidden))
    b_y = rng.uniform(-bound, bound, 1)
    return {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_ih + b_hh, "W_hy": W_hy, "b_y": b_y}


def check_cell_params(cell: str, params: Mapping) -> tuple[int, tuple[int, ...]]:
    """Check `params` for `cell`; return H and the leading model shape, () or (K,)."""
    if check_cell(cell) != "rnn":
        return check_gated_params(cell, params)
    if isinstance(params, Mapping) and "W_hh" in params and np.ndim(params["W_hh"]) == 3:
        n_models = np.shape(params["W_hh"])[0]
        for name in PARAM_NAMES:
            shape = np.shape(params.get(name, ()))
            if name in params and (len(shape) < 2 or shape[0] != n_models):
                raise ValueError(
                    f"With {n_models} stacked models every parameter needs a leading axis of "
                    f"{n_models}; {name} has shape {shape}."
                )
        hidden = check_params(_model(params, 0))
        for k in range(1, n_models):
            check_params(_model(params, k))
        return hidden, (n_models,)
    return check_params(params), ()


def copy_cell_params(cell: str, params: Mapping) -> Params:
    """A deep float64 copy of the parameters, in the cell's order."""
    check_cell_params(cell, params)
    return {name: np.array(params[name], dtype=np.float64) for name in param_names(cell)}


def cell_forward(cell: str, params: Params, X) -> CellTrace:
    """The forward pass of `cell` over windows X (B, T): a `Trace` for "rnn" (`core.forward`),
    an `LSTMTrace` or a `GRUTrace` (every gate, every step); see those for the shapes."""
    if check_cell(cell) == "lstm":
        return lstm.forward(params, X)
    if cell == "gru":
        return gru.forward(params, X)
    _, lead = check_cell_params(cell, params)
    if not lead:
        return forward(params, X)
    traces = [forward(_model(params, k), X) for k in range(lead[0])]
    return _stack(traces)


def cell_backward(
    cell: str, params: Params, trace: CellTrace, y, truncate: int | None = None
) -> CellResult:
    """BPTT of the batch-mean loss through `cell`: a result with

    grads : dict keyed by parameter name, each the shape of its parameter
    dh : (B, T+1, H), dh[:, t] = dL/dh_t;  dx : (B, T), dx[:, t-1] = dL/dx_t
    dc : (B, T+1, H), dL/dc_t, for the LSTM only
    loss, dL_dy, truncate, and each cell's own per-step terms (`BPTTResult`, `LSTMResult`,
    `GRUResult`).

    truncate : int or None, carry the gradient back only k steps from T (None: full BPTT).
    """
    if check_cell(cell) == "lstm":
        _check_trace(trace, lstm.LSTMTrace, cell)
        return lstm.backward(params, trace, y, truncate)
    if cell == "gru":
        _check_trace(trace, gru.GRUTrace, cell)
        return gru.backward(params, trace, y, truncate)
    _check_trace(trace, Trace, cell)
    _, lead = check_cell_params(cell, params)
    if not lead:
        return backward(params, trace, y, truncate)
    if trace.h.ndim != 4 or trace.h.shape[0] != lead[0]:
        raise ValueError("The trace does not belong to these parameters: its shape differs.")
    results = [backward(_model(params, k), _pick(trace, k), y, truncate) for k in range(lead[0])]
    return _stack(results)


def _check_trace(trace, expected: type, cell: str) -> None:
    if not isinstance(trace, expected):
        raise ValueError(
            f"The trace was not made by cell_forward('{cell}', ...): "
            f"expected a {expected.__name__}, got a {type(trace).__name__}."
        )


def _model(params: Mapping, k: int) -> Params:
    """Model k's parameters from stacked ones."""
    return {name: np.asarray(params[name])[k] for name in PARAM_NAMES}


def _pick(trace: Trace, k: int) -> Trace:
    """Model k's trace from a stacked one (the windows x are shared)."""
    return Trace(x=trace.x, a=trace.a[k], h=trace.h[k], y_pred=trace.y_pred[k])


def _stack(records: list):
    """K records of one dataclass as one, each field stacked along a new leading axis, except
    the shared windows x and the truncation depth."""
    first = records[0]
    out = {}
    for field in fields(first):
        values = [getattr(record, field.name) for record in records]
        if field.name in ("x", "truncate"):
            out[field.name] = values[0]
        elif isinstance(values[0], dict):
            out[field.name] = {name: np.stack([v[name] for v in values]) for name in values[0]}
        else:
            out[field.name] = np.stack(values)
    return type(first)(**out)
