"""A training run's settings as a value (hashable, picklable), and how it is executed.

Pure NumPy and dataclasses, no streamlit: a `TrainRequest` is executed in a worker process by
`rnnviz.server.jobs`, and the same request always gives the same `RunResult` (the cache key).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnviz import core
from rnnviz.runs.result import Progress, RunResult
from rnnviz.settings import weather_kwargs

SCALINGS = core.SCALINGS
# Progress goes to the page at most this often. Each report is a round trip to the pool's manager
# process (queue put, stop check): on a busy server, hundreds of them stall the training itself.
REPORT_EVERY_S = 0.2


class _Throttle:
    """Calling it answers True at most once per `seconds` (the first call always)."""

    def __init__(self, seconds: float):
        self.seconds, self.last = seconds, -float("inf")

    def __call__(self) -> bool:
        now = time.perf_counter()
        if now - self.last < self.seconds:
            return False
        self.last = now
        return True


@dataclass(frozen=True)
class TrainRequest:
    """Everything that determines a training run (two equal requests give equal results).

    series : sorted (name, value) pairs of the series settings (see rnnviz.settings.SERIES)
    seq_len : window length T;  hidden_size : H;  seed : the weights' seed
    lr, clip, epochs, batch_size, truncate : as in `core.train`: batch_size 1 is per-sample
        SGD, b a mini-batch of b windows, None the full batch; truncate None is full BPTT
    scaling : "raw" (the tutorial: temperatures as they are) or "standardised" (inputs and
        targets shifted and scaled by the training series' mean and standard deviation)
    observed : a measured series (n,) as a tuple, uploaded by the student or bundled with the
        app, used instead of generating one from `series` (which then only records the
        generator settings shown beside it)
    filled : the days of `observed` that had no measurement (an uploaded file's gaps): filled
        again here by straight lines that never cross the held-out boundary
    holdout : percent of the windows held out at the end of the series (0: none, the
        tutorial's). Held out means never trained on and never fitted on: the windows whose
        target day lies in the tail are left out of training, and standardisation is fitted on
        the days before the tail (`core.chronological_split`).
    """

    series: tuple[tuple[str, Any], ...]
    seq_len: int = core.TUTORIAL_SEQ_LEN
    hidden_size: int = core.TUTORIAL_HIDDEN_SIZE
    seed: int = 0
    lr: float = core.TUTORIAL_LR
    clip: float | None = core.TUTORIAL_CLIP
    epochs: int = core.TUTORIAL_EPOCHS
    batch_size: int | None = 1
    truncate: int | None = None
    scaling: str = "raw"
    observed: tuple[float, ...] | None = None
    filled: tuple[int, ...] = ()
    holdout: int = 0

    def series_kwargs(self) -> dict[str, Any]:
        """The generator's settings as keyword arguments of `core.weather_series`."""
        return weather_kwargs(dict(self.series))

    def temperatures(self) -> np.ndarray:
        """The series (n,): the measured one (its gaps filled within each side of the held-out
        boundary: no tail day is ever drawn into a training day), or the generated one."""
        if self.observed is None:
            return core.weather_series(**self.series_kwargs())
        temps = np.array(self.observed, dtype=float)
        if self.filled:
            temps[list(self.filled)] = np.nan
            temps, _ = core.fill_gaps(temps, self.split(temps.shape[0]))
        return temps

    def split(self, n_days: int | None = None) -> core.Split | None:
        """The chronological split of the windows, or None when nothing is held out (the
        validation slice is empty: training uses every window before the tail)."""
        if not self.holdout:
            return None
        n_days = len(self.temperatures()) if n_days is None else n_days
        return core.chronological_split(n_days, self.seq_len, self.holdout / 100, validation=0.0)

    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, core.Scaling]:
        """The series (n,), the windows trained on X (N_train, T), their targets y (N_train,),
        and the scaler, all as trained on: with a held-out tail, the windows before it and a
        scaler fitted on the days before it (all N windows: `core.make_windows(temps, T)`)."""
        temps = self.temperatures()
        X, y = core.make_windows(temps, self.seq_len)
        split = self.split(len(temps))
        if split is None:
            return temps, X, y, core.Scaling.named(self.scaling, temps)
        before_tail = temps[: split.tail_start]
        return temps, X[split.train], y[split.train], core.Scaling.named(self.scaling, before_tail)

    def execute(
        self,
        report: Callable[[Progress], bool] | None = None,
        report_every_s: float = REPORT_EVERY_S,
    ) -> RunResult:
        """Train; `report` gets progress every few epochs, at most once per `report_every_s`
        (0: at every look, up to 200 a run), and returns True to stop early."""
        _, X, y, scaler = self.data()
        params = core.init_params(self.hidden_size, seed=self.seed)
        initial = core.copy_params(params)
        batch = X.shape[0] if self.batch_size is None else self.batch_size
        started = time.perf_counter()

        due = _Throttle(report_every_s)

        def callback(progress: core.TrainProgress) -> bool:
            if report is None or not due():
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
        elapsed_s = time.perf_counter() - started
        return RunResult.of_history(
            self, initial, params, history, elapsed_s=elapsed_s, scaler=scaler
        )
