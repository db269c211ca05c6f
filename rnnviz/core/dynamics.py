"""What the hidden state does over time: the scalar RNN as a map, and many h_T in two dimensions.

The scalar RNN (H = 1) is, for each day t, a map of one number to one number::

    h_t = f_t(h_(t−1)) = tanh(W_hh·h_(t−1) + W_xh·x_t + b_h)

Its input changes every day, so every day has its own map (`day_maps`). A window's hidden
states walk from map to map: the cobweb path (`cobweb_path`) goes up from (h_(t−1), h_(t−1)) on
the diagonal to (h_(t−1), h_t) on day t's map, then across to (h_t, h_t) on the diagonal. The
slope of day t's map where the path meets it, ``∂h_t/∂h_(t−1) = W_hh·(1 − h_t²)`` (`map_slopes`),
is the factor by which a change in h_(t−1) survives into h_t: below 1 in size, the memory of the
past shrinks at every step (and BPTT's dh_next shrinks by the same factor on the way back).

For H > 1 the hidden state is a point in H dimensions. `pca` finds the two directions in which a
set of hidden states varies most (NumPy's SVD) and projects onto them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rnn import Params, Trace
from .validation import check_params


def _scalar(params: Params) -> tuple[float, float, float]:
    """W_hh, W_xh, b_h of a scalar RNN, or a ValueError saying the map needs H = 1."""
    if check_params(params) != 1:
        raise ValueError(
            "The map h_(t−1) → h_t is drawn for the scalar RNN (H = 1) only: with H hidden units "
            "h_t is a point in H dimensions."
        )
    return (
        float(params["W_hh"][0, 0]),
        float(params["W_xh"][0, 0]),
        float(params["b_h"][0]),
    )


def day_maps(params: Params, x, grid) -> np.ndarray:
    """Each day's map of the scalar RNN on a grid of h_(t−1) values.

    params : a scalar RNN's five parameters (H = 1);  x : (T,) the window's inputs
    grid : (G,) values of h_(t−1)
    Returns maps (T, G): ``maps[t-1, j] = tanh(W_hh·grid[j] + W_xh·x_t + b_h)``.
    """
    W_hh, W_xh, b_h = _scalar(params)
    x, grid = np.asarray(x, float).ravel(), np.asarray(grid, float).ravel()
    return np.tanh(W_hh * grid[None, :] + (W_xh * x + b_h)[:, None])  # (T, G)


def cobweb_path(trace: Trace) -> np.ndarray:
    """The cobweb path of one window's hidden states, as 2·T + 1 points (h_(t−1), h) (H = 1).

    trace : `core.forward` of one window of a scalar RNN, h (1, T+1, 1)
    Returns points (2T+1, 2): row 0 is (h_0, h_0); for t = 1..T, row 2t−1 is (h_(t−1), h_t),
    on day t's map, and row 2t is (h_t, h_t), on the diagonal. The first 2t+1 rows are the path
    up to day t.
    """
    h = np.asarray(trace.h, float)
    if h.ndim != 3 or h.shape[0] != 1 or h.shape[2] != 1:
        raise ValueError("The cobweb path is drawn for one window of the scalar RNN (H = 1).")
    h = h[0, :, 0]  # (T+1,)
    points = np.empty((2 * h.shape[0] - 1, 2))
    points[0::2] = h[:, None]  # (h_t, h_t) on the diagonal, t = 0..T
    points[1::2, 0], points[1::2, 1] = h[:-1], h[1:]  # (h_(t−1), h_t) on day t's map
    return points


def map_slopes(params: Params, trace: Trace) -> np.ndarray:
    """∂h_t/∂h_(t−1) = W_hh·(1 − h_t²) at each day of one window of the scalar RNN: (T,).

    Its size is the factor by which the memory of h_(t−1) survives into h_t (tanh′(a_t) = 1 − h_t²).
    """
    W_hh, _, _ = _scalar(params)
    h = np.asarray(trace.h, float)[0, 1:, 0]  # (T,) h_1 … h_T
    return W_hh * (1.0 - h**2)


@dataclass(frozen=True)
class PCA:
    """Two principal directions of a cloud of points and the points projected onto them.

    mean : (H,) the cloud's centre;  components : (2, H) unit rows, the directions
    scores : (N, 2) the points' coordinates along them;  explained : (2,) the share of the
        cloud's variance along each (0 … 1; both 0 for a cloud of one point)
    """

    mean: np.ndarray
    components: np.ndarray
    scores: np.ndarray
    explained: np.ndarray

    def project(self, points) -> np.ndarray:
        """Other points (M, H) in the same coordinates: (M, 2)."""
        return (np.asarray(points, float) - self.mean) @ self.components.T


def pca(points, n_components: int = 2) -> PCA:
    """The principal components of `points` (N, H) by NumPy's SVD of the centred points.

    Notes
    -----
    ``P − mean = U·S·Vᵀ``; the components are the first rows of Vᵀ, the scores
    ``(P − mean)·Vᵀ[:2]ᵀ = U[:, :2]·S[:2]``, and each one's share of the variance is
    ``S_i² / Σ S²``. Each component's sign is fixed so that its largest entry is positive (SVD
    leaves it free). With fewer than two dimensions or points, the missing components are 0.
    """
    P = np.asarray(points, float)
    if P.ndim != 2 or P.shape[0] < 1 or not np.all(np.isfinite(P)):
        raise ValueError("PCA needs a finite (N, H) array of N >= 1 points.")
    mean = P.mean(axis=0)  # (H,)
    _, S, Vt = np.linalg.svd(P - mean, full_matrices=False)  # Vt (min(N, H), H)
    components = np.zeros((n_components, P.shape[1]))
    kept = min(n_components, Vt.shape[0])
    components[:kept] = Vt[:kept]
    signs = np.sign(components[np.arange(n_components), np.argmax(np.abs(components), axis=1)])
    components *= np.where(signs == 0, 1.0, signs)[:, None]
    total = float(np.sum(S**2))
    explained = np.zeros(n_components)
    if total > 0:
        explained[:kept] = S[:kept] ** 2 / total
    scores = (P - mean) @ components.T  # (N, 2)
    return PCA(mean=mean, components=components, scores=scores, explained=explained)
