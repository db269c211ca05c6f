"""A training run of any cell (RNN, LSTM, GRU) on the recall task, as a value, and what it made.

The task (`core.RecallTask`): windows of T inputs x_t ~ N(0, 1), the target the input k steps
before the end, ``y = x_(T−k+1) + ε``, fresh windows every epoch. A `RecallRequest` is
everything that determines a run (hashable, picklable: the pool's cache key and what a worker
process receives); `execute()` trains it here and now, and the pool's solo batches
(`rnnviz.server.solo`) train it epoch by epoch to the same numbers, bit for bit.

Pure NumPy and dataclasses, no streamlit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rnnviz import core
from rnnviz.core.validation import check_clip, check_finite_float, check_int, check_lr
from rnnviz.runs.result import FinishedRun, Progress

# Windows no training epoch sees, for the held-out MSE: as many as benchmarks/memory_task.py
# uses, so a run here at the study's settings reports the study's number for its seed.
HELD_OUT_WINDOWS = 2000


@dataclass(frozen=True)
class RecallRequest:
    """Everything that determines a recall run (two equal requests give equal results).

    cell : "rnn", "lstm" or "gru";  hidden_size : H
    lag : k, recall x_(T−k+1);  seq_len : T;  noise : σ_ε;  n_windows : fresh windows an epoch
    epochs, lr, clip, batch_size : as in `core.train_cell_recall` (clip None: no clipping)
    seed : the weights' seed;  task_seed : the windows' seed (every cell of a comparison reads
        the same windows when they share it)
    init : "tutorial" or "pytorch" for the RNN (`core.init_cell`); the gated cells take only
        "pytorch"
    forget_bias : for the LSTM only: None keeps PyTorch's init; b opens the forget gate at the
        start, b_ih's f block set to b and b_hh's to 0 (so b_f = b), the usual remedy for an LSTM
        that forgets before it has learned what to keep (Gers et al. 2000; Jozefowicz et al. 2015)
    """

    cell: str = "lstm"
    hidden_size: int = 20
    lag: int = 8
    seq_len: int = 16
    noise: float = 0.1
    epochs: int = 1200
    lr: float = 0.3
    clip: float | None = 1.0
    batch_size: int = 32
    n_windows: int = 96
    seed: int = 0
    task_seed: int = 0
    init: str = "pytorch"
    forget_bias: float | None = None

    def __post_init__(self) -> None:
        """Refuse bad settings here, with the core's sentence, not later in a worker."""
        self.task()  # T, k, σ_ε, N and the task's seed
        self.initial_params()  # the cell, H, the seed and the initialisation
        check_int(self.epochs, "The number of epochs", 1)
        check_lr(self.lr)
        check_clip(self.clip)
        check_int(self.batch_size, "The batch size", 1)
        if self.forget_bias is not None:
            if self.cell != "lstm":
                raise ValueError("Only the LSTM has a forget gate to open (forget_bias).")
            check_finite_float(self.forget_bias, "The forget gate's bias")

    def task(self) -> core.RecallTask:
        """The task the run trains on: its windows, epoch by epoch, and its held-out windows."""
        return core.RecallTask(
            seq_len=self.seq_len,
            lag=self.lag,
            noise=self.noise,
            n_windows=self.n_windows,
            seed=self.task_seed,
        )

    def initial_params(self) -> core.Params:
        """The parameters training starts from, drawn from `seed` (and the forget gate's bias)."""
        params = core.init_cell(self.cell, self.hidden_size, seed=self.seed, init=self.init)
        if self.forget_bias is not None:  # gate blocks i, f, g, o: f is rows H … 2H
            forget = slice(self.hidden_size, 2 * self.hidden_size)
            params["b_ih"][forget], params["b_hh"][forget] = self.forget_bias, 0.0
        return params

    def execute(self, report: Callable[[Progress], bool] | None = None) -> RecallResult:
        """Train; `report` gets progress every few epochs and returns True to stop early."""
        task = self.task()
        params = self.initial_params()
        initial = core.copy_cell_params(self.cell, params)
        started = time.perf_counter()

        def callback(progress: core.TrainProgress) -> bool:
            if report is None:
                return False
            elapsed = time.perf_counter() - started
            snapshot = Progress(
                progress.epoch, progress.epochs, progress.total_loss, progress.params, elapsed
            )
            return report(snapshot)

        history = core.train_cell_recall(
            self.cell,
            params,
            task,
            epochs=self.epochs,
            lr=self.lr,
            clip=self.clip,
            batch_size=self.batch_size,
            callback=callback,
        )
        return RecallResult.of(
            self,
            initial,
            params,
            history.total_loss,
            diverged=history.diverged,
            stopped_early=history.stopped_early,
            message=history.message,
            elapsed_s=time.perf_counter() - started,
        )


def held_out_mse(request: RecallRequest, params: core.Params, n_windows: int) -> float:
    """The model's MSE on `n_windows` held-out windows of the request's task (inf if it
    overflows): 1 + σ_ε² is the no-memory baseline, σ_ε² the noise floor."""
    X, y = request.task().held_out(n_windows)
    with np.errstate(over="ignore", invalid="ignore"):
        err = core.cell_forward(request.cell, params, X).y_pred - y  # (n,)
        mse = float(np.mean(err * err))
    return mse if math.isfinite(mse) else math.inf


@dataclass(frozen=True)
class RecallResult(FinishedRun[RecallRequest]):
    """A finished (or stopped, or diverged) recall run: the fields of `FinishedRun` (params in
    `core.param_names(cell)`; mean_loss, total_loss / n_windows, is the error on windows the
    model had not seen before that epoch), and

    held_out_mse : the final model's MSE on `HELD_OUT_WINDOWS` held-out windows
    """

    held_out_mse: float

    @classmethod
    def of(
        cls,
        request: RecallRequest,
        initial_params: core.Params,
        params: core.Params,
        total_loss: np.ndarray,
        **outcome,
    ) -> RecallResult:
        """The result of a run that trained `len(total_loss)` epochs to `params`; `outcome`:
        diverged, stopped_early, message, elapsed_s. Measures the held-out MSE."""
        total = np.asarray(total_loss, dtype=float)
        return cls(
            request=request,
            initial_params=initial_params,
            params=params,
            total_loss=total,
            mean_loss=total / request.n_windows,
            held_out_mse=held_out_mse(request, params, HELD_OUT_WINDOWS),
            **outcome,
        )


def matched_hidden_size(cell: str, n_params: int) -> int:
    """The H at which `cell` has the parameter count closest to `n_params` (ties: the smaller H).

    For comparing cells at roughly equal parameter counts: at H = 20 the LSTM has 1,861; the RNN
    comes closest at H = 42 (1,891) and the GRU at H = 23 (1,818).
    """
    # Every cell has at least H² parameters, so no H beyond √n_params + 1 comes closer.
    largest = math.isqrt(max(1, n_params)) + 2
    counts = {h: core.parameter_count(cell, h) for h in range(1, largest + 1)}
    return min(counts, key=lambda h: (abs(counts[h] - n_params), h))


def cell_sizes(hidden_size: int, matched: bool) -> dict[str, int]:
    """Each cell's H: `hidden_size` for all, or (matched) the LSTM's H and, for the RNN and the
    GRU, the H that brings their parameter count closest to the LSTM's."""
    if not matched:
        return {cell: hidden_size for cell in core.CELLS}
    budget = core.parameter_count("lstm", hidden_size)
    return {cell: matched_hidden_size(cell, budget) for cell in core.CELLS}
