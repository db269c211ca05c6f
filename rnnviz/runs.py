"""A training run as a value: its settings (hashable, picklable) and what it produced.

Pure NumPy and dataclasses, no streamlit: a `TrainRequest` is executed in a worker process by
`rnnviz.jobs`, and the same request always gives the same `RunResult` (the cache key).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnviz import core

SCALINGS = ("raw", "standardised")


@dataclass(frozen=True)
class TrainRequest:
    """Everything that determines a training run (two equal requests give equal results).

    series : sorted (name, value) pairs of the series settings (see rnnviz.settings.SERIES)
    seq_len : window length T;  hidden_size : H;  seed : the weights' seed
    lr, clip, epochs, batch_size, truncate : as in `core.train` (batch_size 0 = full batch)
    scaling : "raw" (the tutorial: temperatures as they are) or "standardised" (inputs and
        targets shifted and scaled by the training series' mean and standard deviation)
    """

    series: tuple[tuple[str, Any], ...]
    seq_len: int = core.TUTORIAL_SEQ_LEN
    hidden_size: int = core.TUTORIAL_HIDDEN_SIZE
    seed: int = 0
    lr: float = core.TUTORIAL_LR
    clip: float | None = core.TUTORIAL_CLIP
    epochs: int = core.TUTORIAL_EPOCHS
    batch_size: int = 1
    truncate: int | None = None
    scaling: str = "raw"

    def series_kwargs(self) -> dict[str, Any]:
        v = dict(self.series)
        return {
            "n": v["n"],
            "phi": (v["phi1"], v["phi2"]),
            "sigma": v["sigma"],
            "start": (v["t0"], v["t1"]),
            "seed": v["seed"],
            "mean_level": v["mu"],
        }

    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, Scaler]:
        """The series (n,), windows X (N, T), targets y (N,) and the scaler, all as trained on."""
        temps = core.weather_series(**self.series_kwargs())
        X, y = core.make_windows(temps, self.seq_len)
        scaler = Scaler.fit(temps) if self.scaling == "standardised" else Scaler(0.0, 1.0)
        return temps, X, y, scaler

    def execute(self, report: Callable[[Progress], bool] | None = None) -> RunResult:
        """Train; `report` gets progress every few epochs and returns True to stop early."""
        if self.scaling not in SCALINGS:
            raise ValueError(f"Input scaling must be one of {', '.join(SCALINGS)}.")
        _, X, y, scaler = self.data()
        params = core.init_params(self.hidden_size, seed=self.seed)
        initial = core.copy_params(params)
        batch = X.shape[0] if self.batch_size == 0 else self.batch_size
        started = time.perf_counter()

        def callback(progress: core.TrainProgress) -> bool:
            if report is None:
                return False
            return report(
                Progress(
                    progress.epoch,
                    progress.epochs,
                    progress.total_loss,
                    progress.params,
                    time.perf_counter() - started,
                )
            )

        history = core.train(
            params,
            scaler.scale(X),
            scaler.scale(y),
            epochs=self.epochs,
            lr=self.lr,
            clip=self.clip,
            batch_size=batch,
            truncate=self.truncate,
            callback=callback,
            callback_every=max(1, self.epochs // 200),
        )
        return RunResult(
            request=self,
            initial_params=initial,
            params=params,
            total_loss=history.total_loss,
            mean_loss=history.mean_loss,
            diverged=history.diverged,
            stopped_early=history.stopped_early,
            message=history.message,
            elapsed_s=time.perf_counter() - started,
            scaler=scaler,
        )


@dataclass(frozen=True)
class Scaler:
    """Standardisation, z = (T − mean) / std, with the training series' statistics.

    Raw temperatures near 20 make W_xh·x_t large, so tanh starts saturated; z-scores keep a_t
    in tanh's steep middle. `Scaler(0, 1)` is the identity (the tutorial's raw inputs).
    """

    mean: float
    std: float

    @classmethod
    def fit(cls, temps: np.ndarray) -> Scaler:
        std = float(np.std(temps))
        return cls(float(np.mean(temps)), std if std > 0 else 1.0)

    def scale(self, values: np.ndarray) -> np.ndarray:
        return (np.asarray(values, float) - self.mean) / self.std

    def unscale(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, float) * self.std + self.mean


@dataclass(frozen=True)
class Progress:
    """A snapshot of a run in progress: epochs done, the loss so far (epoch,), current params."""

    epoch: int
    epochs: int
    total_loss: np.ndarray
    params: dict[str, np.ndarray]
    elapsed_s: float


@dataclass(frozen=True)
class RunResult:
    """A finished (or stopped, or diverged) run. Arrays are read-only once cached."""

    request: TrainRequest
    initial_params: dict[str, np.ndarray]
    params: dict[str, np.ndarray]
    total_loss: np.ndarray
    mean_loss: np.ndarray
    diverged: bool
    stopped_early: bool
    message: str
    elapsed_s: float
    scaler: Scaler = field(default_factory=lambda: Scaler(0.0, 1.0))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions in temperature units for windows X (B, T) of raw temperatures."""
        return self.scaler.unscale(core.predict(self.params, self.scaler.scale(X)))

    def nbytes(self) -> int:
        arrays = [
            *self.params.values(),
            *self.initial_params.values(),
            self.total_loss,
            self.mean_loss,
        ]
        return int(sum(a.nbytes for a in arrays)) + 1024  # + the request and bookkeeping

    def frozen(self) -> RunResult:
        """The same result with every array read-only, safe to share between sessions."""
        for array in [
            *self.params.values(),
            *self.initial_params.values(),
            self.total_loss,
            self.mean_loss,
        ]:
            array.flags.writeable = False
        return self
