"""How good is the fit, really: a trained model scored on fresh data from the same process,
against the noise floor and simple baselines (cached: one forward pass over 10,000 windows per
model, once)."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from rnnviz import core
from rnnviz.figures.comparisons import generalisation_figure
from rnnviz.runs import RunResult, TrainRequest
from rnnviz.settings import weather_kwargs
from rnnviz.text import training
from rnnviz.ui import layout


@st.cache_data(max_entries=64, show_spinner=False)
def _baselines(series: tuple[tuple[str, Any], ...], seq_len: int) -> core.Baselines:
    # Deterministic in its scalar arguments (the series settings and T).
    return core.compute_baselines(weather_kwargs(dict(series)), seq_len)


@st.cache_data(max_entries=256, show_spinner=False)
def _fit(
    params: dict[str, np.ndarray], series: tuple, seq_len: int, mean: float, std: float
) -> core.FitReport:
    # Keyed by the parameters' values. A blown-up model's errors may overflow to inf:
    # `fresh_mse` and the chart leave those out.
    with np.errstate(over="ignore", invalid="ignore"):
        return core.fit_report(
            params,
            weather_kwargs(dict(series)),
            seq_len,
            core.Scaling(mean, std),
            baseline=_baselines(series, seq_len),
        )


def fresh_reference(request: TrainRequest) -> core.Baselines | None:
    """The baselines on fresh data for the request's process; None for an uploaded series or
    a process that never settles (the reason is then shown by `generalisation`)."""
    if request.observed is not None:
        return None
    try:
        return _baselines(request.series, request.seq_len)
    except ValueError:
        return None


def fit_of(run: RunResult) -> core.FitReport | None:
    """The run's errors on its training windows and on fresh data (None without fresh data)."""
    if fresh_reference(run.request) is None:
        return None
    request = run.request
    params = {name: np.asarray(run.params[name]) for name in core.PARAM_NAMES}
    return _fit(params, request.series, request.seq_len, run.scaler.mean, run.scaler.std)


def fresh_mse(run: RunResult) -> float | None:
    """The run's MSE on fresh data; None when there is none, or it is not a finite number."""
    report = fit_of(run)
    if report is None or not np.isfinite(report.fresh_mse):
        return None
    return report.fresh_mse


def generalisation(result: RunResult) -> None:
    """Training-window and fresh-data MSE against the noise floor and the baselines."""
    request = result.request
    if request.observed is not None:  # a measured series: no process, no fresh days
        return
    _, X, _, _ = request.data()
    st.markdown(
        f"The tutorial trains and tests on the same {X.shape[0]} windows, and so does this page "
        "by default: its test of day 6 above is a window the model trained on. Because we know "
        "the process that made the series, we can do better: score the model on a **fresh, "
        "long series from the same process** (10,000 new days, past the start's transient)."
    )
    try:
        base = _baselines(request.series, request.seq_len)
    except ValueError as err:
        st.info(f"No fresh data for this series: {err}", icon=":material/info:")
        return
    report = fit_of(result)
    bars = [
        ("RNN, on its training windows", report.train_mse, "train"),
        ("RNN, on fresh data", report.fresh_mse, "rnn"),
        ("true AR(2) predictor", base.true_ar2, "baseline"),
        ("least-squares AR(2) fitted to the training windows", base.fitted_ar2, "baseline"),
        ("best one-lag predictor", base.one_lag, "baseline"),
        ('"tomorrow = today"', base.persistence, "baseline"),
    ]
    layout.chart(
        generalisation_figure(bars, base.noise_floor),
        f"Mean squared error in °C², all on the same {base.n_fresh:,} fresh windows except the "
        f"orange bar. {training.fresh_verdict(report.fresh_mse, base.noise_floor)}; the true "
        f"AR(2) rule scores {base.true_ar2:.3f} on these days (sampling spread about "
        "$\\pm 0.005$). "
        f"{training.regime(dict(request.series))}",
        key="generalisation",
    )
