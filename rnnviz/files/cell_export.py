"""A cell trained on page 5, to take home: its weights as .npz, ready for
`rnnviz/files/torch_cell.py` (PyTorch) or for NumPy.

The archive holds ``cell`` ("rnn", "lstm", "gru"), the parameters under rnnviz's names
(`core.param_names(cell)`), probe windows ``X`` (B, T) and rnnviz's predictions ``y_pred`` (B,)
for them, so whoever loads it can check their model predicts the same.
"""

from __future__ import annotations

import io
from importlib import resources

import numpy as np

from rnnviz import core


def weights_npz(cell: str, params: core.Params, X: np.ndarray) -> bytes:
    """The .npz (bytes) of a trained `cell`: its parameters, windows X (B, T) and its
    predictions for them."""
    params = core.copy_cell_params(cell, params)
    y_pred = core.cell_forward(cell, params, X).y_pred  # (B,)
    buffer = io.BytesIO()
    np.savez(buffer, cell=np.array(cell), X=np.asarray(X, float), y_pred=y_pred, **params)
    return buffer.getvalue()


def torch_script() -> str:
    """The text of torch_cell.py, the program that loads the .npz into PyTorch."""
    return resources.files("rnnviz.files").joinpath("torch_cell.py").read_text(encoding="utf-8")
