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
    lr, clip, epochs, batch_size, truncate : as in `core.train` (batch_size 0 = full batch)
    scaling : "raw" (the tutorial: temperatures as they are) or "standardised" (inputs and
        targets shifted and scaled by the training series' mean and standard deviation)
    uploaded : an uploaded series (n,) as a tuple, used instead of generating one from `series`
        (which then only records the generator settings shown beside it)
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
    uploaded: tuple[float, ...] | None = None

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

    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, core.Scaling]:
        """The series (n,), windows X (N, T), targets y (N,) and the scaler, all as trained on."""
        if self.uploaded is not None:
            temps = np.array(self.uploaded, dtype=float)
        else:
            temps = core.weather_series(**self.series_kwargs())
        X, y = core.make_windows(temps, self.seq_len)
        return temps, X, y, core.Scaling.named(self.scaling, temps)

    def execute(self, report: Callable[[Progress], bool] | None = None) -> RunResult:
        """Train; `report` gets progress every few epochs and returns True to stop early."""
        _, X, y, scaler = self.data()
        params = core.init_params(self.hidden_size, seed=self.seed)
        initial = core.copy_params(params)
        batch = X.shape[0] if self.batch_size == 0 else self.batch_size
        started = time.perf_counter()

        due = _Throttle(REPORT_EVERY_S)

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
    scaler: core.Scaling = field(default_factory=core.Scaling.raw)

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


# --- Several runs trained together (the training page's comparisons) ---------------------------
# Settings that may differ between the runs of one CompareRequest; everything else is shared,
# because `core.stacked.train_stacked` trains K models on the same windows with the same H.
COMPARE_VARIES = ("lr", "clip", "seed", "truncate")


@dataclass(frozen=True)
class CompareRequest:
    """K runs on the same data and hidden size, trained together as one stacked computation.

    runs : K TrainRequests that differ only in lr, clip, seed and truncate
    grad_norms_every : record ‖∂L/∂h_t‖ of every run every this many epochs (0: about 100 rows)

    Each run's result equals what its TrainRequest gives alone (`core.stacked` holds it to 1e-9).
    """

    runs: tuple[TrainRequest, ...]
    grad_norms_every: int = 0

    def __post_init__(self) -> None:
        if not self.runs:
            raise ValueError("Give at least one run to compare.")
        first = self.runs[0]
        shared = {k: v for k, v in vars(first).items() if k not in COMPARE_VARIES}
        for run in self.runs[1:]:
            for name, value in shared.items():
                if vars(run)[name] != value:
                    raise ValueError(
                        f"Runs compared together must share {name}; only "
                        f"{', '.join(COMPARE_VARIES)} may differ."
                    )

    @property
    def epochs(self) -> int:
        return self.runs[0].epochs

    def execute(self, report: Callable[[Progress], bool] | None = None) -> CompareResult:
        """Train the K runs together; `report` gets a `Progress` whose total_loss is (epoch, K)
        (NaN after a run diverged) and params the K current parameter dicts."""
        from rnnviz.core.stacked import train_stacked  # the stacked trainer, only when comparing

        first = self.runs[0]
        if first.scaling not in SCALINGS:
            raise ValueError(f"Input scaling must be one of {', '.join(SCALINGS)}.")
        _, X, y, scaler = first.data()
        params = [core.init_params(run.hidden_size, seed=run.seed) for run in self.runs]
        initial = [core.copy_params(p) for p in params]
        batch = X.shape[0] if first.batch_size == 0 else first.batch_size
        epochs = first.epochs
        started = time.perf_counter()
        due = _Throttle(REPORT_EVERY_S)

        def callback(progress) -> bool:
            if report is None or not due():
                return False
            losses = _ragged_columns([run.total_loss for run in progress.runs])
            params_now = tuple(run.params for run in progress.runs)
            elapsed = time.perf_counter() - started
            return report(Progress(progress.epoch, epochs, losses, params_now, elapsed))

        stacked = train_stacked(
            params,
            scaler.scale(X),
            scaler.scale(y),
            epochs=epochs,
            lr=[run.lr for run in self.runs],
            clip=[run.clip for run in self.runs],
            batch_size=batch,
            truncate=[run.truncate for run in self.runs],
            callback=callback,
            callback_every=max(1, epochs // 200),
            grad_norms_every=self.grad_norms_every or max(1, epochs // 100),
        )
        elapsed = time.perf_counter() - started
        results = tuple(
            RunResult(
                request=run,
                initial_params=initial[m],
                params=params[m],
                total_loss=history.total_loss,
                mean_loss=history.mean_loss,
                diverged=history.diverged,
                stopped_early=history.stopped_early,
                message=history.message,
                elapsed_s=elapsed,
                scaler=scaler,
            )
            for m, (run, history) in enumerate(zip(self.runs, stacked.histories, strict=True))
        )
        norms = stacked.grad_norms or ()
        return CompareResult(
            request=self,
            runs=results,
            grad_norm_epochs=tuple(g.epochs for g in norms),
            grad_norms=tuple(g.norms for g in norms),
            elapsed_s=elapsed,
        )


def _ragged_columns(columns: list[np.ndarray]) -> np.ndarray:
    """K loss histories of possibly different lengths as one (E, K) array, NaN-padded."""
    longest = max((c.shape[0] for c in columns), default=0)
    out = np.full((longest, len(columns)), np.nan)
    for m, column in enumerate(columns):
        out[: column.shape[0], m] = column
    return out


@dataclass(frozen=True)
class CompareResult:
    """The K finished (or stopped, or diverged) runs of a CompareRequest.

    runs : K RunResults, in the request's order
    grad_norm_epochs : K (R,) arrays, epochs at which the norms were taken
    grad_norms : K (R, T+1) arrays, [r, t] = mean over windows of ‖∂L_i/∂h_t‖ (t = 0..T)
    """

    request: CompareRequest
    runs: tuple[RunResult, ...]
    grad_norm_epochs: tuple[np.ndarray, ...]
    grad_norms: tuple[np.ndarray, ...]
    elapsed_s: float

    @property
    def total_loss(self) -> np.ndarray:
        """(E, K): run m's total loss per epoch in column m, NaN after it diverged."""
        return _ragged_columns([run.total_loss for run in self.runs])

    @property
    def params(self) -> tuple[dict[str, np.ndarray], ...]:
        return tuple(run.params for run in self.runs)

    @property
    def stopped_early(self) -> bool:
        return any(run.stopped_early for run in self.runs)

    @property
    def message(self) -> str:
        return " ".join(f"Run {m + 1}: {r.message}" for m, r in enumerate(self.runs) if r.message)

    def nbytes(self) -> int:
        arrays = [*self.grad_norm_epochs, *self.grad_norms]
        return sum(run.nbytes() for run in self.runs) + int(sum(a.nbytes for a in arrays))

    def frozen(self) -> CompareResult:
        """The same result with every array read-only, safe to share between sessions."""
        for run in self.runs:
            run.frozen()
        for array in [*self.grad_norm_epochs, *self.grad_norms]:
            array.flags.writeable = False
        return self
