"""A run's scores in temperature units: its last training loss per window, and its error on
fresh data from the process that made the series (generated series only); and `RoomRun`, a
run's settings and scores as the class experiment shares them.

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
    every poll. Keyed by the whole request (an uploaded series is a tuple of its values)."""
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
    """The run's MSE (°C²) on fresh windows of its series' process; None for an uploaded series,
    a process that never settles, or a model whose predictions overflow."""
    request = result.request
    if request.uploaded is not None:
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

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> RoomRun:
        return cls(**json.loads(text))
