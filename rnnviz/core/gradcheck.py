"""Gradient checking: BPTT's analytic gradients against central finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bptt import backward
from .rnn import Params, copy_params, forward, mse
from .validation import PARAM_NAMES, as_batch, check_params, check_positive

ERROR_FLOOR = 1e-8
DEFAULT_TOLERANCE = 1e-5


@dataclass(frozen=True)
class GradCheckReport:
    """BPTT's gradients next to their finite-difference estimates.

    analytic, numeric, error : dicts keyed by parameter name, arrays of the parameter's shape
    max_error : dict name -> float, the largest error for that parameter
    tolerance : float, the pass mark
    """

    analytic: dict[str, np.ndarray]
    numeric: dict[str, np.ndarray]
    error: dict[str, np.ndarray]
    max_error: dict[str, float]
    tolerance: float

    @property
    def passed(self) -> bool:
        return all(err <= self.tolerance for err in self.max_error.values())

    def passed_for(self, name: str) -> bool:
        return self.max_error[name] <= self.tolerance


def relative_error(analytic, numeric, floor: float = ERROR_FLOOR) -> np.ndarray:
    """``|g − fd| / max(|g| + |fd|, floor)``, element-wise.

    The floor keeps a vanished gradient (1e-20 against finite-difference noise of 1e-12) from
    counting as a failure.
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

    Notes
    -----
    For every parameter entry θ_i: ``fd_i = (L(θ + eps·e_i) − L(θ − eps·e_i)) / (2·eps)``, with
    ``L = mean_b (y_pred_b − y_b)²``; error as in `relative_error`. Costs 2 forward passes per
    parameter entry (H² + 3H + 1 entries).
    """
    check_params(params)
    X, y = as_batch(X, y)
    eps = check_positive(eps, "The finite-difference step eps")
    analytic = backward(params, forward(params, X), y).grads
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
    error = {name: relative_error(analytic[name], numeric[name]) for name in PARAM_NAMES}
    return GradCheckReport(
        analytic=analytic,
        numeric=numeric,
        error=error,
        max_error={name: float(error[name].max()) for name in PARAM_NAMES},
        tolerance=tolerance,
    )
