"""Gradient checking: BPTT's analytic gradients against central finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bptt import backward
from .rnn import Params, Trace, copy_params, forward, mse
from .validation import PARAM_NAMES, as_batch, check_params, check_positive

ERROR_FLOOR = 1e-8
DEFAULT_TOLERANCE = 1e-5
# How many times the rounding estimate of `finite_difference_noise` a difference may reach
# before it counts: measured |g − fd| stayed below 2x the estimate, so 4 leaves room.
ROUNDING_MARGIN = 4.0


@dataclass(frozen=True)
class GradCheckReport:
    """BPTT's gradients next to their finite-difference estimates.

    analytic, numeric, error : dicts keyed by parameter name, arrays of the parameter's shape
    max_error : dict name -> float, the largest error for that parameter
    tolerance : float, the pass mark
    floor : float, the `relative_error` floor used: gradients smaller than this are judged by
        their absolute difference, because finite differences cannot resolve them better
    """

    analytic: dict[str, np.ndarray]
    numeric: dict[str, np.ndarray]
    error: dict[str, np.ndarray]
    max_error: dict[str, float]
    tolerance: float
    floor: float = ERROR_FLOOR

    @property
    def passed(self) -> bool:
        return all(err <= self.tolerance for err in self.max_error.values())

    def passed_for(self, name: str) -> bool:
        return self.max_error[name] <= self.tolerance


def relative_error(analytic, numeric, floor: float = ERROR_FLOOR) -> np.ndarray:
    """``|g − fd| / max(|g| + |fd|, floor)``, element-wise.

    The floor keeps a vanished gradient (1e-20 against finite-difference noise of 1e-12) from
    counting as a failure; `grad_check` raises it to the noise its finite differences really have.
    """
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    return np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), floor)


def grad_check(
    params: Params, X, y, eps: float = 1e-6, tolerance: float = DEFAULT_TOLERANCE
) -> GradCheckReport:
    """Compare `backward` (unclipped, full BPTT) with central differences of the batch-mean loss.

    Parameters
    ----------
    params : the five parameters;  X : (B, T);  y : (B,)
    eps : float > 0, the finite-difference step
    tolerance : float > 0, the largest error that passes

    Notes
    -----
    For every parameter entry θ_i: ``fd_i = (L(θ + eps·e_i) − L(θ − eps·e_i)) / (2·eps)``, with
    ``L = mean_b (y_pred_b − y_b)²``; error as in `relative_error`, with
    ``floor = max(1e-8, ROUNDING_MARGIN·finite_difference_noise / tolerance)``: an entry passes if
    ``|g − fd| <= tolerance·(|g| + |fd|)`` or if ``|g − fd|`` is within the rounding noise of fd.
    Costs 2 forward passes per parameter entry (H² + 3H + 1 entries).
    """
    check_params(params)
    X, y = as_batch(X, y)
    eps = check_positive(eps, "The finite-difference step eps")
    tolerance = check_positive(tolerance, "The tolerance")
    trace = forward(params, X)
    analytic = backward(params, trace, y).grads
    probe = copy_params(params)
    numeric: dict[str, np.ndarray] = {}
    for name in PARAM_NAMES:
        flat = probe[name].reshape(-1)  # a view: writing it perturbs probe[name]
        estimate = np.empty(flat.shape[0])
        for i in range(flat.shape[0]):
            original = flat[i]
            flat[i] = original + eps
            loss_plus = mse(probe, X, y)
            flat[i] = original - eps
            loss_minus = mse(probe, X, y)
            flat[i] = original
            estimate[i] = (loss_plus - loss_minus) / (2.0 * eps)
        numeric[name] = estimate.reshape(probe[name].shape)
    noise = ROUNDING_MARGIN * finite_difference_noise(params, trace, y, eps)
    floor = max(ERROR_FLOOR, noise / tolerance)
    error = {name: relative_error(analytic[name], numeric[name], floor) for name in PARAM_NAMES}
    return GradCheckReport(
        analytic=analytic,
        numeric=numeric,
        error=error,
        max_error={name: float(error[name].max()) for name in PARAM_NAMES},
        tolerance=tolerance,
        floor=floor,
    )


def finite_difference_noise(params: Params, trace: Trace, y: np.ndarray, eps: float) -> float:
    """The size of the rounding error in a central difference, ``u·mean_b(|e_b|·s_b) / eps``.

    Each y_pred = W_hy·h_T + b_y is rounded to about u·s (u = 2.2e-16, s = |b_y| + |W_hy|·|h_T|
    + |y|, the sizes of the numbers summed into y_pred − y); L = mean (y_pred − y)² turns that
    into 2·|e|·u·s with e = y_pred − y, and the difference quotient divides by 2·eps. On the
    tutorial's temperatures (s ≈ 40) this is about 1e-7 at eps = 1e-6, so a relative error with
    a floor of 1e-8 would fail correct gradients smaller than about 1e-2.
    """
    u = np.finfo(np.float64).eps
    e = np.abs(trace.y_pred - y)  # (B,)
    s = abs(params["b_y"][0]) + np.abs(trace.h[:, -1]) @ np.abs(params["W_hy"][0]) + np.abs(y)
    return float(u * np.mean(e * s) / eps)
