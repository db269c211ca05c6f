"""‖∂L/∂h_t‖ per timestep: how strongly the loss pulls on each hidden state, during training.

`train_stacked(..., grad_norms_every=n)` records these every n epochs. They are recomputed with
the readable `core.backward` on all training windows, instead of being collected inside the lean
training loop: the snapshot then belongs to one set of parameters (within an epoch they change
after every window), it is the tested BPTT the pages show, and training that does not ask for it
pays nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bptt import backward
from .rnn import Params, forward
from .validation import as_batch


@dataclass(frozen=True)
class GradNorms:
    """‖∂L/∂h_t‖ for t = 0..T, recorded every few epochs of one training run.

    epochs : (R,) int ndarray     epochs completed (in that training call) when each row was taken
    norms : (R, T+1) ndarray      norms[r, t] = mean over the windows of ‖∂L_i/∂h_t‖, where
                                  L_i = (y_pred_i − y_i)² is window i's own loss (the loss a
                                  per-sample update sees); column 0 is h_0, column T is h_T
    """

    epochs: np.ndarray
    norms: np.ndarray

    def log10(self, floor: float = 1e-300) -> np.ndarray:
        """log10 of `norms`, (R, T+1); exact zeros (a fully saturated tanh) become log10(floor)."""
        return np.log10(np.maximum(self.norms, floor))


def hidden_grad_norms(params: Params, X, y) -> np.ndarray:
    """How strongly the loss pulls on each hidden state, averaged over the windows.

    Parameters
    ----------
    params : the five parameters
    X : (N, T) array_like, the windows;  y : (N,) array_like, the targets

    Returns
    -------
    norms : (T+1,) ndarray, norms[t] = mean_i ‖∂L_i/∂h_t‖ for t = 0..T

    Notes
    -----
    Full BPTT with `core.backward` on all N windows at once. `backward` differentiates the batch
    mean, so window i's own gradient is ``N · dh[i, t]`` (``dL_dy = 2·(y_pred − y)/N``). Small
    values towards t = 0 are the vanishing gradient: early days barely move the weights.
    """
    X, y = as_batch(X, y)
    result = backward(params, forward(params, X), y)
    per_window = np.linalg.norm(result.dh, axis=2) * X.shape[0]  # (N, T+1)
    return per_window.mean(axis=0)  # (T+1,)
