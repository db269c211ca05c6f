"""The five parameters of K models as one (K, P) array, row m holding model m.

Row layout, P = H + H² + H + H + 1 numbers: W_xh (H, 1), W_hh (H, H), b_h (H,), W_hy (1, H) and
b_y (1,), each flattened in C order, in the tutorial's order (`PARAM_NAMES`). Training works on
the flat rows so that clipping and the update are one NumPy call each for all five parameters of
all K models; `split` gives views with the parameters' shapes, so the forward and backward passes
read and write the same memory.
"""

from __future__ import annotations

import numpy as np

from .rnn import Params
from .validation import PARAM_NAMES


def shapes(hidden: int) -> tuple[tuple[int, ...], ...]:
    """The five parameters' shapes for hidden size H, in the order of PARAM_NAMES."""
    return (hidden, 1), (hidden, hidden), (hidden,), (1, hidden), (1,)


def size(hidden: int) -> int:
    """P, the numbers in one model's row: H + H² + H + H + 1."""
    return hidden * hidden + 3 * hidden + 1


def flatten(params_list: list[Params]) -> np.ndarray:
    """(K, P) float64 rows, a copy: row m is model m's five parameters in the layout above."""
    return np.stack(
        [
            np.concatenate([np.asarray(params[n], dtype=np.float64).ravel() for n in PARAM_NAMES])
            for params in params_list
        ]
    )


def split(theta: np.ndarray, hidden: int) -> list[np.ndarray]:
    """Views of (K, P) `theta`: W_xh (K, H, 1), W_hh (K, H, H), b_h (K, H), W_hy (K, 1, H),
    b_y (K, 1). Writing a view writes `theta`."""
    n_models, views, start = theta.shape[0], [], 0
    for shape in shapes(hidden):
        count = int(np.prod(shape))
        views.append(theta[:, start : start + count].reshape((n_models, *shape)))
        start += count
    return views


def unflatten(row: np.ndarray, hidden: int) -> Params:
    """One model's parameters from its (P,) row, as a dict of new arrays."""
    parts = split(row[None, :], hidden)
    return {name: part[0].copy() for name, part in zip(PARAM_NAMES, parts, strict=True)}
