"""Experiments built from the pieces: truncated BPTT at k = 1, 2, 3 and full, judged on fresh data.

The AR(2) process needs two lags. With truncated BPTT at depth k, the gradient reaches back only
k steps from the last day, so the weights learn only from how the last k inputs affect the loss.
Whether k = 1 falls short is for the measurement to say: the hidden state h_(T−1) it cannot
differentiate through still carries earlier days forward (with weights trained for other
reasons), so the answer is empirical, not obvious.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .baselines import Baselines, Scaling, compute_baselines, fit_report
from .data import TUTORIAL_SEQ_LEN, make_windows, weather_series
from .rnn import TUTORIAL_HIDDEN_SIZE, Params, copy_params, init_params
from .stacked import StackedProgress, train_stacked
from .train import TUTORIAL_CLIP, TUTORIAL_EPOCHS, TUTORIAL_LR, History
from .validation import check_int, check_truncate

TRUNCATIONS = (1, 2, 3, None)  # None: full BPTT (k = T)


@dataclass(frozen=True)
class TruncationRun:
    """One depth k: its label, the trained model, its history and MSEs in temperature units."""

    k: int
    label: str
    params: Params
    history: History
    train_mse: float
    fresh_mse: float


@dataclass(frozen=True)
class TruncationExperiment:
    """The runs, one per distinct k, and the baselines on the same fresh data.

    runs : tuple of `TruncationRun`, in the order asked (k = T once, labelled "full")
    baselines : `Baselines` (noise floor σ², best one-lag predictor, ...)
    """

    runs: tuple[TruncationRun, ...]
    baselines: Baselines


def truncation_experiment(
    series_kwargs: Mapping[str, Any],
    seq_len: int = TUTORIAL_SEQ_LEN,
    hidden_size: int = TUTORIAL_HIDDEN_SIZE,
    seed: int = 0,
    lr: float = TUTORIAL_LR,
    clip: float | None = TUTORIAL_CLIP,
    epochs: int = TUTORIAL_EPOCHS,
    batch_size: int = 1,
    scaling: str = "raw",
    truncations: Sequence[int | None] = TRUNCATIONS,
    callback: Callable[[StackedProgress], bool | None] | None = None,
    callback_every: int | None = None,
    fresh_days: int | None = None,
) -> TruncationExperiment:
    """Train the same model (same data, same initial weights) at several truncation depths,
    together as one stacked computation, and measure each on fresh data.

    Parameters
    ----------
    series_kwargs : keyword arguments of `core.weather_series` (the training series)
    seq_len, hidden_size, seed, lr, clip, epochs, batch_size : as in `core.train`; seed is the
        weights' seed, the same for every k
    scaling : "raw" (the tutorial) or "standardised"
    truncations : depths k (None = full BPTT); depths >= T are all full BPTT and run once
    callback, callback_every : as in `train_stacked` (progress of all runs; True stops them)
    fresh_days : days of fresh data (default `FRESH_DAYS`, 10,000)

    Returns
    -------
    TruncationExperiment; a run stopped early or diverged is measured as it ended (its
    `history` says which).
    """
    seq_len = check_int(seq_len, "The window length", 1)
    temps = weather_series(**series_kwargs)
    X, y = make_windows(temps, seq_len)
    scale = Scaling.named(scaling, temps)
    depths: list[int] = []
    for k in truncations:
        depth = check_truncate(k, seq_len)
        if depth not in depths:
            depths.append(depth)
    start = init_params(hidden_size, seed)
    models = [copy_params(start) for _ in depths]
    result = train_stacked(
        models,
        scale.scale(X),
        scale.scale(y),
        epochs=epochs,
        lr=lr,
        clip=clip,
        batch_size=batch_size,
        truncate=depths,
        callback=callback,
        callback_every=callback_every,
    )
    fresh = {} if fresh_days is None else {"fresh_days": fresh_days}
    base = compute_baselines(series_kwargs, seq_len, **fresh)
    runs = []
    for depth, params, history in zip(depths, models, result.histories, strict=True):
        report = fit_report(params, series_kwargs, seq_len, scale, baseline=base, **fresh)
        label = f"full (k = T = {seq_len})" if depth == seq_len else f"k = {depth}"
        runs.append(
            TruncationRun(depth, label, params, history, report.train_mse, report.fresh_mse)
        )
    return TruncationExperiment(runs=tuple(runs), baselines=base)
