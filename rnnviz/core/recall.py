"""A task where memory length matters: recall the input from k steps before the end.

Each window is T independent draws x_t ~ N(0, 1); its target is the input k steps from the end,
``y = x_(T−k+1) + ε`` with ε ~ N(0, σ_ε²). k = 1 asks for the last input (no memory needed beyond
the present step); k = T asks for the first, which a model must carry through T − 1 steps of
distracting inputs. The gradient that teaches it has to travel back the same k − 1 steps.

Two reference levels, both exact for this task:

* the no-memory baseline, ``E[y²] = 1 + σ_ε²``: the mean squared error of predicting the mean of
  y (0) for every window, the best a model can do that keeps nothing of x_(T−k+1) (y is
  independent of every other input);
* the noise floor, ``σ_ε²``: the error of predicting x_(T−k+1) exactly; ε cannot be predicted.

Fresh windows every epoch, so nothing can be memorised: epoch e's windows come from a Generator
seeded by ``SeedSequence(seed, spawn_key=(0, e))``, held-out windows from spawn key (1,), a stream
no training epoch uses. The same seed gives the same windows, epoch by epoch, in any order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import check_finite_float, check_int


@dataclass(frozen=True)
class RecallTask:
    """Recall x_(T−k+1) from windows of T standard-normal inputs.

    seq_len : int >= 1, T
    lag : int in 1..T, k: the target is the input k steps from the end (1: the last one)
    noise : float >= 0, σ_ε, the standard deviation of the noise added to the target
    n_windows : int >= 1, windows per epoch (95, as many as the tutorial's weather windows)
    seed : int >= 0
    """

    seq_len: int = 10
    lag: int = 5
    noise: float = 0.1
    n_windows: int = 95
    seed: int = 0

    def __post_init__(self) -> None:
        seq_len = check_int(self.seq_len, "The window length T", 1)
        lag = check_int(self.lag, "The recall lag k", 1)
        if lag > seq_len:
            raise ValueError(
                f"The recall lag k = {lag} reaches before the window's start: with T = {seq_len} "
                f"inputs, k can be at most {seq_len}."
            )
        noise = check_finite_float(self.noise, "The target noise σ_ε")
        if noise < 0:
            raise ValueError(f"The target noise σ_ε cannot be negative, got {noise:g}.")
        object.__setattr__(self, "seq_len", seq_len)
        object.__setattr__(self, "lag", lag)
        object.__setattr__(self, "noise", noise)
        object.__setattr__(self, "n_windows", check_int(self.n_windows, "The window count", 1))
        object.__setattr__(self, "seed", check_int(self.seed, "The seed", 0))

    @property
    def baseline_mse(self) -> float:
        """1 + σ_ε²: the MSE of always predicting 0, the mean of y (no memory of x_(T−k+1))."""
        return 1.0 + self.noise**2

    @property
    def noise_floor(self) -> float:
        """σ_ε²: the MSE of recalling x_(T−k+1) perfectly."""
        return self.noise**2

    def windows(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        """Epoch `epoch`'s training windows, X (N, T) and y (N,) with N = n_windows."""
        epoch = check_int(epoch, "The epoch", 0)
        return self._draw(np.random.SeedSequence(self.seed, spawn_key=(0, epoch)), self.n_windows)

    def held_out(self, n_windows: int = 2000) -> tuple[np.ndarray, np.ndarray]:
        """Windows no training epoch sees, for measuring what was learned: X (n, T), y (n,)."""
        n_windows = check_int(n_windows, "The number of held-out windows", 1)
        return self._draw(np.random.SeedSequence(self.seed, spawn_key=(1,)), n_windows)

    def _draw(self, seed_seq: np.random.SeedSequence, n_windows: int):
        rng = np.random.default_rng(seed_seq)
        X = rng.standard_normal((n_windows, self.seq_len))  # (N, T)
        eps = rng.standard_normal(n_windows) * self.noise  # (N,)
        # x_(T−k+1) is column T−k of X (0-based): k = 1 is the last column.
        y = X[:, self.seq_len - self.lag] + eps  # (N,)
        return X, y
