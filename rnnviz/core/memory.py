"""How far back the gradient reaches: vanishing and exploding gradients, and what clipping does.

The BPTT page's gradient panels ask three questions of one sequence, all answered here in NumPy:

* how ‖∂L/∂h_t‖ changes as BPTT walks back from h_T to h_1, and why: each step back multiplies
  dL/dh_t by ``W_hhᵀ·diag(tanh′(a_t))``, so the size after many steps is a product of per-step
  factors (for H = 1 exactly ``|W_hh·tanh′(a_t)|``; for H > 1 at most ``‖W_hh‖₂·max_i tanh′``);
* which regime that is (vanishing, exploding, roughly steady), judged from the measured per-step
  gains ‖dL/dh_(t-1)‖ / ‖dL/dh_t‖, not from W_hh alone: a large W_hh saturates tanh, tanh′ → 0,
  and the gradient vanishes rather than explodes;
* what the tutorial's element-wise clipping does to the gradient's length and direction.

Per sequence (B = 1): x (T,), a (T, H), dh (T+1, H) with dh[t] = dL/dh_t as in `BPTTResult`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .bptt import BPTTResult, backward, clip_grads
from .flat import flatten
from .rnn import Params, Trace, copy_params, forward
from .validation import PARAM_NAMES, as_finite_array, check_finite_float, check_params

# The regime is named from the change of ‖dL/dh_t‖ between h_T and h_1: by more than this factor.
CHANGE_FACTOR = 10.0


def dtanh(a: np.ndarray) -> np.ndarray:
    """tanh′(a) = 1 − tanh(a)², element-wise (exactly 0 in float64 once |a| > about 19)."""
    return 1.0 - np.tanh(a) ** 2


def row_norms(v: np.ndarray) -> np.ndarray:
    """Euclidean norm of each row, (T,) for v (T, H), without under- or overflow.

    ``np.linalg.norm`` squares first, so a row of size 1e-170 comes out as 0 (and 1e170 as inf):
    exactly the sizes a vanishing or exploding gradient reaches. Each row is divided by its
    largest entry first: ``‖v‖ = m·‖v / m‖`` with ``m = max_i |v_i|``.
    """
    v = np.abs(np.asarray(v, float))  # (T, H)
    biggest = v.max(axis=1)  # (T,)
    safe = np.where(biggest > 0, biggest, 1.0)
    return biggest * np.sqrt(np.sum((v / safe[:, None]) ** 2, axis=1))  # (T,)


def spectral_radius(W_hh: np.ndarray) -> float:
    """ρ(W_hh) = max |eigenvalue|, for W_hh (H, H)."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(W_hh, float)))))


def rescale_recurrent(W_hh: np.ndarray, scale: float) -> np.ndarray:
    """W_hh (H, H) rescaled for the vanishing-gradient panel; returns a new (H, H) array.

    H = 1: ``[[scale]]``, the value of W_hh itself.
    H > 1: ``W_hh · scale / ρ(W_hh)``, the same matrix with spectral radius ``|scale|`` (so the
    pattern of connections is the model's; only its strength changes). A W_hh with ρ = 0 (all
    eigenvalues 0, e.g. the zero matrix) has no strength to rescale: ``scale · I`` is used.
    """
    W_hh = as_finite_array(W_hh, "W_hh", 2)
    scale = check_finite_float(scale, "The scale of W_hh")
    hidden = W_hh.shape[0]
    if hidden == 1:
        return np.array([[scale]])
    rho = spectral_radius(W_hh)
    if rho <= 1e-12 * max(1.0, float(np.abs(W_hh).max())):
        return scale * np.eye(hidden)
    return W_hh * (scale / rho)


def step_factors(W_hh: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The per-step factor of BPTT's walk back, one per timestep: (T,) for a (T, H).

    Notes
    -----
    ``dL/dh_(t-1) = W_hhᵀ · (tanh′(a_t) ⊙ dL/dh_t)``, so

    * H = 1: ``f_t = |W_hh · tanh′(a_t)|`` and ``|dL/dh_(t-1)| = f_t·|dL/dh_t|`` exactly;
    * H > 1: ``f_t = ‖W_hh‖₂ · max_i tanh′(a_t,i)``, and ``‖dL/dh_(t-1)‖ <= f_t·‖dL/dh_t‖``
      (the spectral norm bounds W_hhᵀ, the largest tanh′ bounds the diagonal).

    f_t takes dL/dh_t to dL/dh_(t-1); f_1 leads to h_0, which no plot shows.
    """
    W_hh = as_finite_array(W_hh, "W_hh", 2)
    a = as_finite_array(a, "a", 2)  # (T, H)
    if W_hh.shape[0] == 1:
        return np.abs(W_hh[0, 0] * dtanh(a[:, 0]))  # (T,)
    return float(np.linalg.norm(W_hh, 2)) * dtanh(a).max(axis=1)  # (T,)


def envelope(dh_T_norm: float, factors: np.ndarray) -> np.ndarray:
    """The product curve, (T,) for factors (T,): ``e_t = ‖dL/dh_T‖ · ∏_{k=t+1..T} f_k``.

    Entry t-1 is e_t, for t = 1..T (e_T = ‖dL/dh_T‖). With `step_factors` this equals
    ‖dL/dh_t‖ for H = 1 and bounds it from above for H > 1.
    """
    factors = np.asarray(factors, float)
    # Products from the end: [f_T, f_T·f_(T-1), ...] reversed, with the empty product 1 for t = T.
    tail = np.cumprod(factors[:0:-1])[::-1]  # entry t-1: ∏_{k=t+1..T} f_k, t = 1..T-1
    return float(dh_T_norm) * np.append(tail, 1.0)  # (T,)


def measured_gains(norms: np.ndarray) -> np.ndarray:
    """Per-step gains of the backward walk, (T-1,) for norms (T,) = ‖dL/dh_t‖, t = 1..T.

    Entry t-2 is ``g_t = ‖dL/dh_(t-1)‖ / ‖dL/dh_t‖`` for t = 2..T; NaN where ‖dL/dh_t‖ = 0
    (nothing is left to shrink or grow).
    """
    norms = np.asarray(norms, float)
    later, earlier = norms[1:], norms[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(later > 0, earlier / np.where(later > 0, later, 1.0), np.nan)


def geometric_mean_gain(gains: np.ndarray) -> float:
    """The typical factor per step back: ``exp(mean log g_t)`` over the defined (non-NaN) gains.

    0 if any gain is exactly 0; NaN if none is defined. Computed in logs because the product of
    100 gains under- or overflows long before its mean does.
    """
    gains = np.asarray(gains, float)
    defined = gains[~np.isnan(gains)]
    if defined.size == 0:
        return math.nan
    if np.any(defined == 0):
        return 0.0
    return float(np.exp(np.mean(np.log(defined))))


class RegimeKind(StrEnum):
    """What happens to ‖dL/dh_t‖ on the walk back from h_T to h_1."""

    VANISHING = "vanishing"  # it shrinks by more than CHANGE_FACTOR
    EXPLODING = "exploding"  # it grows by more than CHANGE_FACTOR
    STEADY = "steady"  # neither
    NONE = "none"  # dL/dh_T is exactly 0: nothing to carry back


@dataclass(frozen=True)
class Regime:
    """What happens to the gradient on the walk back from h_T to h_1, in numbers.

    kind : RegimeKind
    mean_gain : float, geometric mean of the per-step gains (see `geometric_mean_gain`)
    total_change : float, ‖dL/dh_1‖ / ‖dL/dh_T‖ (the product of the gains); NaN for NONE
    zero_from : int or None, the largest t with ‖dL/dh_t‖ exactly 0 (it stays 0 below it)
    nonzero_gain : float, geometric mean of the non-zero gains (0 if there are none)
    surprise : bool, the recurrent weight is larger than 1 and yet the gradient vanishes
    seq_len : int, T;  hidden : int, H
    w_scale : |W_hh| (H = 1) or ρ(W_hh) (H > 1);  mean_dtanh : the mean of tanh′(a_t)
    `rnnviz.text.explain.regime_sentence` says all of this to a student.
    """

    kind: RegimeKind
    mean_gain: float
    total_change: float
    zero_from: int | None
    nonzero_gain: float
    surprise: bool
    seq_len: int
    hidden: int
    w_scale: float
    mean_dtanh: float


def classify_regime(norms: np.ndarray, w_scale: float, mean_dtanh: float, hidden: int) -> Regime:
    """Name the regime from the measured per-step gains of ‖dL/dh_t‖.

    Parameters
    ----------
    norms : (T,) ‖dL/dh_t‖ for t = 1..T, T >= 2
    w_scale : |W_hh| for H = 1, ρ(W_hh) for H > 1 (it does not decide the kind)
    mean_dtanh : the mean of tanh′(a_t) over the sequence
    hidden : H

    Notes
    -----
    ``R = ‖dL/dh_1‖ / ‖dL/dh_T‖ = ∏_{t=2..T} g_t``: vanishing if R < 1/10, exploding if R > 10,
    otherwise roughly steady. A weight above 1 with a vanishing gradient is flagged as the
    surprise it is: tanh′ is small where tanh saturates, and it multiplies every step.
    """
    norms = as_finite_array(norms, "The gradient norms", 1)
    seq_len = norms.shape[0]
    if seq_len < 2:
        raise ValueError("A vanishing-gradient regime needs a sequence of at least 2 steps.")
    gains = measured_gains(norms)
    zeros = np.flatnonzero(norms == 0)
    if norms[-1] == 0:
        kind, total = RegimeKind.NONE, math.nan
    else:
        total = float(norms[0] / norms[-1])
        if total < 1.0 / CHANGE_FACTOR:
            kind = RegimeKind.VANISHING
        elif total > CHANGE_FACTOR:
            kind = RegimeKind.EXPLODING
        else:
            kind = RegimeKind.STEADY
    return Regime(
        kind=kind,
        mean_gain=geometric_mean_gain(gains) if kind != RegimeKind.NONE else math.nan,
        total_change=total,
        zero_from=int(zeros.max()) + 1 if zeros.size else None,
        nonzero_gain=geometric_mean_gain(gains[gains > 0]) if np.any(gains > 0) else 0.0,
        # not ρ = 1 up to rounding
        surprise=kind == RegimeKind.VANISHING and w_scale > 1.0 + 1e-9,
        seq_len=seq_len,
        hidden=hidden,
        w_scale=float(w_scale),
        mean_dtanh=float(mean_dtanh),
    )


@dataclass(frozen=True)
class MemoryReport:
    """One long sequence through the RNN with a chosen W_hh, and how its gradient travels back.

    params : the parameters used (the model's, with W_hh from `rescale_recurrent`)
    trace : Trace of the sequence (B = 1);  result : its BPTTResult (full BPTT, unclipped)
    norms : (T,) ‖dL/dh_t‖ for t = 1..T (from result.dh)
    factors : (T,) `step_factors`; exact for H = 1, an upper bound for H > 1
    envelope : (T,) `envelope(‖dL/dh_T‖, factors)`
    gains : (T-1,) `measured_gains(norms)`, entry t-2 for t = 2..T
    exact : bool, H = 1 (the envelope equals the norms)
    w_scale : |W_hh| (H = 1) or ρ(W_hh) (H > 1);  w_norm : ‖W_hh‖₂
    mean_dtanh : mean of tanh′(a_t) over t and units
    regime : Regime
    """

    params: Params
    trace: Trace
    result: BPTTResult
    norms: np.ndarray
    factors: np.ndarray
    envelope: np.ndarray
    gains: np.ndarray
    exact: bool
    w_scale: float
    w_norm: float
    mean_dtanh: float
    regime: Regime


def memory_report(params: Params, x, target: float, scale: float) -> MemoryReport:
    """Forward and backward over one sequence x (T,) with W_hh rescaled to `scale`.

    The other four parameters are the model's; `params` is not changed. See the module notes
    for the equations.
    """
    hidden = check_params(params)
    x = as_finite_array(x, "The input sequence x", 1)  # (T,)
    if x.shape[0] < 2:
        raise ValueError("The sequence needs at least 2 days to show gradients travelling back.")
    target = check_finite_float(target, "The target")
    used = copy_params(params)
    used["W_hh"] = rescale_recurrent(params["W_hh"], scale)  # (H, H)
    trace = forward(used, x[None, :])
    result = backward(used, trace, np.array([target]))
    dh = result.dh[0]  # (T+1, H), row t is dL/dh_t
    norms = row_norms(dh[1:])  # (T,), t = 1..T
    a = trace.a[0]  # (T, H)
    factors = step_factors(used["W_hh"], a)  # (T,)
    w_scale = abs(float(used["W_hh"][0, 0])) if hidden == 1 else spectral_radius(used["W_hh"])
    mean_dtanh = float(dtanh(a).mean())
    return MemoryReport(
        params=used,
        trace=trace,
        result=result,
        norms=norms,
        factors=factors,
        envelope=envelope(norms[-1], factors),
        gains=measured_gains(norms),
        exact=hidden == 1,
        w_scale=w_scale,
        w_norm=float(np.linalg.norm(used["W_hh"], 2)),
        mean_dtanh=mean_dtanh,
        regime=classify_regime(norms, w_scale, mean_dtanh, hidden),
    )


@dataclass(frozen=True)
class ClipEffect:
    """The gradient before and after element-wise clipping, as one flat vector each.

    before, after : (P,) ndarrays, the five gradients flattened in the order W_xh, W_hh, b_h,
        W_hy, b_y (P = H² + 3H + 1)
    clipped : (P,) bool, entries that clipping changed (|g_i| > clip)
    norm_before, norm_after : ‖∇θ‖ and ‖clip(∇θ)‖
    cosine : cos of the angle between them (1: same direction); NaN if either is 0
    angle_deg : that angle in degrees
    max_move : the largest |Δθ_i| = η·|clip(g_i)| a step at learning rate `lr` makes
    shapes : dict name -> shape of each gradient, to label the entries
    """

    before: np.ndarray
    after: np.ndarray
    clipped: np.ndarray
    norm_before: float
    norm_after: float
    cosine: float
    angle_deg: float
    max_move: float
    shapes: dict[str, tuple[int, ...]]


def clip_effect(grads: dict[str, np.ndarray], clip: float | None, lr: float) -> ClipEffect:
    """What `clip_grads(grads, clip)` does to the gradient, and how far a step at `lr` moves.

    Notes
    -----
    ``after = clip(before, −clip, clip)`` entry by entry. Entries are cut independently, so
    ``after`` is generally not parallel to ``before`` (norm clipping, ``g·min(1, c/‖g‖)``, would
    keep the direction): ``cos = before·after / (‖before‖·‖after‖)``. The update is
    ``Δθ = −η·after``, so no entry moves more than ``η·clip``.
    """
    before = flatten([grads])[0]  # (P,), the layout training uses (`core.flat`)
    after = flatten([clip_grads(grads, clip)])[0]  # (P,)
    norm_before, norm_after = float(np.linalg.norm(before)), float(np.linalg.norm(after))
    if norm_before > 0 and norm_after > 0:
        cosine = float(np.clip(before @ after / (norm_before * norm_after), -1.0, 1.0))
        angle = math.degrees(math.acos(cosine))
    else:
        cosine, angle = math.nan, math.nan
    return ClipEffect(
        before=before,
        after=after,
        clipped=before != after,
        norm_before=norm_before,
        norm_after=norm_after,
        cosine=cosine,
        angle_deg=angle,
        max_move=float(lr * np.abs(after).max()),
        shapes={name: np.shape(grads[name]) for name in PARAM_NAMES},
    )
