"""Several runs trained together as one stacked computation (the training page's comparisons)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rnnviz import core
from rnnviz.runs.request import REPORT_EVERY_S, SCALINGS, TrainRequest, _Throttle
from rnnviz.runs.result import Progress, RunResult

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
        batch = X.shape[0] if first.batch_size is None else first.batch_size
        epochs = first.epochs
        started = time.perf_counter()
        due = _Throttle(REPORT_EVERY_S)

        def callback(progress) -> bool:
            if report is None or not due():
                return False
            losses = ragged_columns([run.total_loss for run in progress.runs])
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
            RunResult.of_history(
                run, initial[m], params[m], history, elapsed_s=elapsed, scaler=scaler
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


def ragged_columns(columns: list[np.ndarray]) -> np.ndarray:
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
        return ragged_columns([run.total_loss for run in self.runs])

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
