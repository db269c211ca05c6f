"""Where each cell's gradient dies: |∂L/∂x_t| and ‖∂L/∂h_t‖ per timestep, for any cell.

The connectivity view of Distill's "Visualizing memorization in RNNs" (2019): how strongly the
loss depends on each input x_t, and on each hidden state h_t. On the recall task the target is
x_(T−k+1); a model that can learn it needs a gradient that reaches back to that step. Full BPTT
through `core.cell_backward`, on a fixed batch of windows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cells import cell_backward, cell_forward
from .rnn import Params
from .validation import as_batch


@dataclass(frozen=True)
class GradientProfile:
    """Per-timestep gradient sizes of one cell on a batch of N windows.

    dx : (T,) ndarray          dx[t-1] = mean_i |∂L_i/∂x_t|, t = 1..T
    dh : (T+1,) ndarray        dh[t] = mean_i ‖∂L_i/∂h_t‖, t = 0..T (h_0 included)
    dc : (T+1,) ndarray | None the same for the LSTM's cell state c_t; None for other cells
    loss : float               the batch-mean loss of the windows
    """

    dx: np.ndarray
    dh: np.ndarray
    dc: np.ndarray | None
    loss: float


def gradient_profile(cell: str, params: Params, X, y) -> GradientProfile:
    """The gradient's size at every step of `cell` on windows X (N, T) with targets y (N,).

    Notes
    -----
    L_i = (y_pred_i − y_i)² is window i's own loss. `cell_backward` differentiates the batch
    mean, ``dL_dy = 2·(y_pred − y)/N``, so window i's own gradient is N times its row (as in
    `core.hidden_grad_norms`); the norm ‖·‖ is over the H units.
    """
    X, y = as_batch(X, y)
    n_windows = X.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        result = cell_backward(cell, params, cell_forward(cell, params, X), y)
    dx = np.abs(result.dx).mean(axis=0) * n_windows  # (T,)
    dh = np.linalg.norm(result.dh, axis=-1).mean(axis=0) * n_windows  # (T+1,)
    dc = getattr(result, "dc", None)
    if dc is not None:
        dc = np.linalg.norm(dc, axis=-1).mean(axis=0) * n_windows  # (T+1,)
    return GradientProfile(dx=dx, dh=dh, dc=dc, loss=float(result.loss))
