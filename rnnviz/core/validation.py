"""Checks at the core's edge: each failure is one `ValueError` whose message a page shows as-is.

Pages catch `ValueError` and print `str(err)`; the sentences here are written for a student, so
they say what was wrong and what would be right, in the tutorial's names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def as_finite_array(values, name: str, ndim: int | tuple[int, ...]) -> np.ndarray:
    """`values` as a float64 array with `ndim` dimensions and only finite numbers, or ValueError."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must contain only numbers.") from None
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in allowed:
        raise ValueError(
            f"{name} must have {' or '.join(map(str, allowed))} dimension(s), got {arr.ndim}."
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty.")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} contains {bad} value(s) that are NaN or infinite; use finite numbers."
        )
    return arr


def check_int(value, name: str, minimum: int) -> int:
    """`value` as an int ≥ `minimum`, or ValueError (bools and non-integral floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return int(value)


def check_finite_float(value, name: str) -> float:
    """`value` as a finite float, or ValueError."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}.") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    return out


def check_positive(value, name: str) -> float:
    """`value` as a finite float > 0, or ValueError."""
    out = check_finite_float(value, name)
    if out <= 0:
        raise ValueError(f"{name} must be greater than 0, got {out:g}.")
    return out


def check_lr(lr) -> float:
    """The learning rate η > 0."""
    return check_positive(lr, "The learning rate")


def check_clip(clip) -> float | None:
    """The clipping bound: None means no clipping, otherwise a finite number > 0."""
    if clip is None:
        return None
    try:
        return check_positive(clip, "The clipping value")
    except ValueError:
        raise ValueError(
            f"The clipping value must be greater than 0 (got {clip!r}); "
            "to turn clipping off, use None."
        ) from None


def check_truncate(truncate, seq_len: int) -> int:
    """Truncated-BPTT depth k in 1..T; None means full BPTT (k = T)."""
    if truncate is None:
        return seq_len
    k = check_int(truncate, "The truncation depth k", 1)
    return min(k, seq_len)


def check_batch_size(batch_size, n_windows: int) -> int:
    """Windows per SGD step, 1..N: None (full batch) and anything above N are all N windows."""
    if batch_size is None:
        return n_windows
    return min(check_int(batch_size, "The batch size", 1), n_windows)


def check_params(params: Mapping) -> int:
    """Check the five tutorial parameters' presence, shapes and finiteness; return H.

    Shapes: W_xh (H, 1), W_hh (H, H), b_h (H,), W_hy (1, H), b_y (1,).
    """
    if not isinstance(params, Mapping):
        raise ValueError("The model parameters must be a dict with W_xh, W_hh, b_h, W_hy and b_y.")
    missing = [name for name in PARAM_NAMES if name not in params]
    if missing:
        raise ValueError(f"The model parameters are missing {', '.join(missing)}.")
    w_hh = np.asarray(params["W_hh"])
    if w_hh.ndim != 2 or w_hh.shape[0] != w_hh.shape[1] or w_hh.shape[0] < 1:
        raise ValueError(f"W_hh must be a square (H, H) matrix, got shape {w_hh.shape}.")
    hidden = w_hh.shape[0]
    expected = {
        "W_xh": (hidden, 1),
        "W_hh": (hidden, hidden),
        "b_h": (hidden,),
        "W_hy": (1, hidden),
        "b_y": (1,),
    }
    for name, shape in expected.items():
        arr = np.asarray(params[name])
        if arr.shape != shape:
            raise ValueError(f"{name} must have shape {shape} for H={hidden}, got {arr.shape}.")
        if not np.issubdtype(arr.dtype, np.number) or not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values; re-initialise the model.")
    return hidden


def as_batch(X, y=None) -> tuple[np.ndarray, np.ndarray | None]:
    """Windows and targets as `X (B, T)`, `y (B,)`; a single window `(T,)` becomes `(1, T)`."""
    X = as_finite_array(X, "The input windows X", (1, 2))
    if X.ndim == 1:
        X = X[None, :]
    if y is None:
        return X, None
    try:
        y = np.atleast_1d(np.asarray(y, dtype=np.float64))
    except (TypeError, ValueError):
        raise ValueError("The targets y must contain only numbers.") from None
    y = as_finite_array(y, "The targets y", 1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} window(s) but y has {y.shape[0]} target(s); they must match."
        )
    return X, y
