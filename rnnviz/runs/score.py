"""A run's scores in temperature units: its last training loss per window, its error on fresh
data from the process that made the series (generated series only), its error on a held-out
tail against simple rules (any series); and `RoomRun`, a run's settings and scores as the class
experiment shares them.

The fresh data's baselines depend only on the series settings and T, and take about a tenth of
a second for 10,000 days, so they are kept in a small process-wide cache: pure, deterministic
results that no user can change (the classroom's experiment scores every student's run here).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import asdict, dataclass

import numpy as np

from rnnviz import core
from rnnviz.runs.request import TrainRequest
from rnnviz.runs.result import RunResult
from rnnviz.settings import weather_kwargs


@functools.lru_cache(maxsize=32)
def baselines(series: tuple, seq_len: int) -> core.Baselines:
    """The noise floor and baselines on 10,000 fresh days of the series' process (cached).

    ValueError (from the core) for a process that never settles."""
    return core.compute_baselines(weather_kwargs(dict(series)), seq_len)


@functools.lru_cache(maxsize=256)
def data_scale(request: TrainRequest) -> tuple[int, float]:
    """(N windows, the scaler's std) of the request's data, cached: a live page needs them at
    every poll. Keyed by the whole request (a measured series is a tuple of its values)."""
    _, X, _, scaler = request.data()
    return X.shape[0], float(scaler.std)


def last_loss(request: TrainRequest, total_loss: np.ndarray) -> float | None:
    """The last epoch's mean loss per window in °C² (a standardised run's loss is in std²);
    None before the first epoch or when it is not a finite number."""
    if len(total_loss) == 0:
        return None
    n_windows, std = data_scale(request)
    value = float(total_loss[-1]) / n_windows * std**2
    return value if math.isfinite(value) else None


def fresh_mse(result: RunResult) -> float | None:
    """The run's MSE (°C²) on fresh windows of its series' process; None for a measured series,
    a process that never settles, or a model whose predictions overflow."""
    request = result.request
    if request.observed is not None:
        return None
    try:
        base = baselines(request.series, request.seq_len)
    except ValueError:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        report = core.fit_report(
            result.params,
            weather_kwargs(dict(request.series)),
            request.seq_len,
            result.scaler,
            baseline=base,
        )
    return report.fresh_mse if math.isfinite(report.fresh_mse) else None


@dataclass(frozen=True)
class HeldOutReport:
    """A run with a held-out tail, scored on the days it never saw, against simple rules.

    split : the chronological split (`core.chronological_split`)
    days : (M,) int, the held-out target days scored (0-based; filled days are not scored)
    target : (M,) their measured values;  rnn : (M,) the run's forecasts of them
    baselines : `core.HeldOutBaselines`, fitted on the training part, the same M days
    train_mse : the run's MSE on the windows it trained on;  rnn_mse : on the held-out days
    versus_persistence : the run against "tomorrow = today" (block bootstrap, seeded)
    """

    split: core.Split
    days: np.ndarray
    target: np.ndarray
    rnn: np.ndarray
    baselines: core.HeldOutBaselines
    train_mse: float
    rnn_mse: float
    versus_persistence: core.Comparison | None

    def bars(self) -> list[tuple[str, float, str]]:
        """(label, MSE, kind) for the chart: the run on its training windows and on the held-out
        days, then every rule on the same held-out days."""
        rules = [(label, mse, "baseline") for label, mse in self.baselines.named()]
        return [
            ("RNN, on its training windows", self.train_mse, "train"),
            ("RNN, on the held-out days", self.rnn_mse, "rnn"),
            *rules,
        ]


def heldout_report(
    request: TrainRequest, params: core.Params, scaler: core.Scaling
) -> HeldOutReport | None:
    """The run of `request`, at `params` (reading inputs through `scaler`), scored on its
    held-out tail; None when nothing is held out.

    Notes
    -----
    Window i (days i..i+T−1 → day i+T) is held out iff its target is in the tail; the run's
    forecast of day i+T reads the days before it, training days included (a forecast). MSEs are
    ``mean((forecast − y)²)`` over the scored held-out days, in the series' units squared.
    """
    temps = request.temperatures()
    split = request.split(temps.shape[0])
    if split is None:
        return None
    missing = None
    if request.filled:
        missing = np.zeros(temps.shape[0], dtype=bool)
        missing[list(request.filled)] = True
    base = core.heldout_baselines(temps, split, missing)
    X, y = core.make_windows(temps, request.seq_len)  # (N, T), (N,)
    test = np.arange(split.n_windows)[split.test][base.scored]  # held-out windows scored
    with np.errstate(over="ignore", invalid="ignore"):
        rnn = scaler.unscale(core.predict(params, scaler.scale(X[test])))  # (M,)
        train_pred = scaler.unscale(core.predict(params, scaler.scale(X[split.train])))
    train_mse = float(np.mean((train_pred - y[split.train]) ** 2))
    rnn_mse = float(np.mean((rnn - base.target) ** 2))
    versus = None
    if base.target.shape[0] >= 2 and np.all(np.isfinite(rnn)):
        versus = core.compare_forecasts(rnn, base.persistence, base.target, seed=0)
    return HeldOutReport(
        split, test + request.seq_len, base.target, rnn, base, train_mse, rnn_mse, versus
    )


@dataclass(frozen=True)
class RoomRun:
    """One student's latest training, as the class experiment shows it: settings and scores,
    never the model or the series.

    student : the student's number in the room (1, 2, ...), not a name
    lr, seed, hidden_size, epochs : the run's settings;  epoch : epochs done so far
    state : "training", "finished", "stopped" or "diverged"
    loss : the mean training loss per window in the last epoch (°C²), None before the first
    fresh_mse : the error on fresh data from the same process (°C²), once finished; None
        before that, or for a series without fresh data
    """

    student: int
    lr: float
    seed: int
    hidden_size: int
    epochs: int
    epoch: int
    state: str
    loss: float | None = None
    fresh_mse: float | None = None

    @classmethod
    def of_training(
        cls,
        request: TrainRequest,
        state: str,
        total_loss: np.ndarray,
        result: RunResult | None = None,
    ) -> RoomRun:
        """The run of `request`, in `state`, as the room shows it; `student` is 0 until the
        room's store numbers it.

        total_loss : (E,) per epoch done so far: E is `epoch`, its last entry gives `loss`
        result : the finished run, scored for `fresh_mse` only in state "finished"
        """
        return cls(
            student=0,
            lr=request.lr,
            seed=request.seed,
            hidden_size=request.hidden_size,
            epochs=request.epochs,
            epoch=len(total_loss),
            state=state,
            loss=last_loss(request, total_loss),
            fresh_mse=fresh_mse(result) if state == "finished" else None,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> RoomRun:
        return cls(**json.loads(text))
