"""The main run on the training page: Train / Stop, the live loss curve, and what the model
learned (predictions, the tutorial's test, the hidden state, the weights).

A run that ends (finished, stopped, diverged, or answered from the cache) is handed once to the
stepper and BPTT pages as a `TrainedModel` under `state.TRAINED_MODEL`.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.figures.cache import cached_figure
from rnnviz.figures.inside import hidden_state_figure, weights_figure
from rnnviz.figures.training import loss_figure, predictions_figure, tutorial_test_figure
from rnnviz.runs import RunResult, TrainedModel, TrainRequest, score
from rnnviz.text import ledger_tex, numbers, training
from rnnviz.ui import layout, series, state
from rnnviz.ui.training import controls, jobs

PUBLISHED = "training_published"  # (job id, epochs) last handed to state.TRAINED_MODEL


def main_result(job: jobs.Tracked) -> RunResult | None:
    """The finished run, or the latest snapshot as a RunResult (None before the first)."""
    if job.result is not None:
        return job.result
    if job.params is None:
        return None
    return RunResult.from_snapshot(
        job.request,
        job.params,
        job.total_loss,
        elapsed_s=job.elapsed_s,
        stopped_early=job.state == jobs.JobState.STOPPED,
        message=job.message,
    )


def current_result() -> RunResult | None:
    """The session's main run as it stands (finished, stopped, or the latest snapshot)."""
    job = jobs.tracked(jobs.RUN)
    return None if job is None else main_result(job)


def publish(job: jobs.Tracked) -> None:
    """Hand a finished, stopped or diverged run to the stepper and BPTT pages (a copy: cached
    results are read-only and shared). Once per run, so those pages keep their own state."""
    result = main_result(job)
    if result is None or st.session_state.get(PUBLISHED) == (job.job_id, job.epoch):
        return
    st.session_state[PUBLISHED] = (job.job_id, job.epoch)
    if result.diverged:
        how = "diverged, last finite weights"
    elif job.state == jobs.JobState.STOPPED or result.stopped_early:
        how = "stopped early"
    else:
        how = ""
    label = f"trained {training.describe(result.request)}"
    if how:
        label += f"; {how} after {result.epochs_done:,} epochs"
    st.session_state[state.TRAINED_MODEL] = TrainedModel(
        params=core.copy_params(result.params),
        request=result.request,
        epochs_done=result.epochs_done,
        scaler=result.scaler,
        label=label,
    )


def submit(fresh: bool = False) -> None:
    """The Train / Train again live callback: the settings as they are now."""
    try:
        request = controls.training_request()
        request.data()  # a series too short for the window is refused here, not in a worker
    except ValueError as err:
        st.session_state[jobs.SUBMIT_ERROR] = str(err)
        return
    jobs.submit(jobs.RUN, request, fresh, on_end=publish)


def train_controls() -> TrainRequest | None:
    """Train, Stop and Train again live; the server's run for these settings if it has one.

    Returns the request the settings describe (None, with the reason shown, if they make none).
    """
    try:
        request = controls.training_request()
        request.data()
    except ValueError as err:
        st.error(str(err), icon=":material/warning:")
        return None
    jobs.adopt_cached(jobs.RUN, request, on_end=publish)
    job = jobs.tracked(jobs.RUN)
    busy = jobs.busy(jobs.RUN)
    n_train = score.data_scale(request)[0]
    st.caption(training.windows_sentence(request, n_train))
    controls.expected_duration(request, n_train, busy)
    jobs.train_buttons(
        "Train",
        on_train=submit,
        on_stop=jobs.stop,
        stop_args=(jobs.RUN, publish),
        busy=busy,
        again=job is not None and job.cached and job.request == request and not busy,
        helps=(
            "Train a model with the settings above. Runs already trained on this server with the "
            "same settings appear at once.",
            "Stop training now and keep the partly trained model.",
            "Train it once more, here and now, to watch the loss fall (same numbers).",
        ),
    )
    if job is not None and job.request != request:
        st.info(
            f"Shown below: the run trained with other settings "
            f"({training.describe(job.request, typeset=True)}). Press Train for the settings "
            "above.",
            icon=":material/info:",
        )
    return request


def live() -> None:
    """The main run's status and loss curve, polling while it trains."""
    jobs.live(jobs.RUN, draw_live, on_end=publish)


def to_celsius2(result: RunResult, mean_loss: np.ndarray) -> np.ndarray:
    """Mean loss per window in °C²: a standardised run's loss is in units of std²."""
    return np.asarray(mean_loss, float) * result.scaler.std**2


def draw_live(job: jobs.Tracked) -> None:
    """The live part of the main run: status and the loss curve (redrawn at every poll, so it
    holds only what changes that fast; the other pictures follow at the next full rerun)."""
    jobs.status(job, "Training")
    if job.epoch == 0:
        return
    request = job.request
    n_windows, std = score.data_scale(request)  # cached: this redraws at every poll
    noise = dict(request.series).get("sigma")
    floor = noise**2 if noise and request.observed is None else None
    curve = np.asarray(job.total_loss, float) / n_windows * std**2  # °C² per window
    floor_text = (
        " The dashed line is $\\sigma^2$, the noise no predictor can foresee: far below it, a "
        "model fits the noise of its training windows."
        if floor is not None
        else ""
    )
    layout.chart(
        loss_figure(
            [("mean loss per window", curve)],
            epochs=job.epochs,
            noise_floor=floor,
            max_points=jobs.LIVE_POINTS,
        ),
        "The loss of each epoch, averaged over the windows (log scale), in the temperature's "
        f"units squared. The tutorial prints `total_loss`, the sum over all {n_windows} windows "
        f"trained on: {n_windows} times this.{floor_text}",
        key="training_loss",
    )


def predictions(result: RunResult) -> None:
    """Predictions vs truth across the whole series, for the model as it stands."""
    request = result.request
    temps = request.temperatures()
    X, _ = core.make_windows(temps, request.seq_len)
    split = request.split(temps.shape[0])
    dates = series.current_dates() if request.observed is not None else None
    if dates is not None and dates.shape[0] != temps.shape[0]:
        dates = None  # the session's series changed since this run: days, not dates
    where = (
        "on the same windows it trains on"
        if split is None
        else f"on the windows it trains on and, shaded, the {split.n_test} held-out days"
    )
    layout.chart(
        cached_figure(
            predictions_figure,
            temps,
            result.predict(X),
            request.seq_len,
            tail_start=None if split is None else split.tail_start,
            dates=dates,
            unit=series.current_unit() if request.observed is not None else "°C",
        ),
        f"Orange: the model's prediction for each day from the {request.seq_len} days before "
        f"it, {where}, after {result.epochs_done:,} epochs.",
        key="predictions",
    )
    if jobs.busy(jobs.RUN):
        st.button(
            "Show the model as it is now",
            help="Training goes on; this redraws the pictures below with the latest weights.",
        )


def tutorial_test(result: RunResult) -> None:
    """The tutorial's final cell: days 1 … T in, the prediction for day T+1 and its error."""
    _, X, y, _ = result.request.data()
    seq_len = X.shape[1]
    prediction, truth = float(result.predict(X[:1])[0]), float(y[0])
    left, right = st.columns([2, 1])
    with left:
        layout.chart(
            cached_figure(tutorial_test_figure, X[0], prediction, truth), None, key="tutorial_test"
        )
    with right:
        st.metric(f"Prediction for day {seq_len + 1}", numbers.num(prediction))
        st.metric(f"True day {seq_len + 1}", numbers.num(truth))
        st.metric("Error, prediction − truth", numbers.signed(prediction - truth))
    st.caption(
        f"The tutorial's last cell: `test_seq = temps[:{seq_len}]`, "
        f"`pred = model.forward_sequence(test_seq)`, `error = pred - temps[{seq_len}]`. This "
        f"window is one of the {X.shape[0]} the model trained on, so it shows how well it fits, "
        "not how well it predicts days it has never seen: for that, see the next section."
    )


def hidden_state(result: RunResult) -> None:
    """The hidden states h_0 … h_T of a chosen window, units × timesteps."""
    _, X, y, scaler = result.request.data()
    count, seq_len = X.shape
    if state.values()["look"] > count:  # this run's series is shorter than the session's
        state.set_values({"look": count})
    state.bound_widget(
        schema.BY_NAME["look"], st.slider, max_value=max(count, 2), disabled=count < 2
    )
    index = min(state.values()["look"], count) - 1
    x = scaler.scale(X[index])  # what the network reads
    trace = core.forward(result.params, x[None, :])
    prediction = float(scaler.unscale(trace.y_pred)[0])
    saturated = float(np.mean(np.abs(trace.h[0, 1:]) > 0.99))
    inputs = (
        "$x_t$ are the raw temperatures"
        if result.request.scaling == "raw"
        else "$x_t$ are the standardised temperatures"
    )
    layout.chart(
        cached_figure(hidden_state_figure, trace.h[0], x),
        f"Window {index + 1}: days {index + 1}–{index + seq_len} in ({inputs}), prediction for "
        f"day {index + seq_len + 1}: {numbers.num(prediction)} (true {numbers.num(y[index])}). "
        "Each column is one timestep's $h_t = \\tanh(a_t)$, with "
        "$a_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h$ the pre-activation; each row is one hidden "
        "unit. Deep colours near $\\pm 1$ are saturated units, where tanh is flat and passes "
        f"almost no gradient: here {saturated:.0%} of the $h_t$ values are beyond $\\pm 0.99$.",
        key="hidden_state",
    )


def weights(result: RunResult) -> None:
    """The five parameters before and after training, one tab each."""
    tabs = st.tabs([f"${ledger_tex.TEX_NAMES[name]}$" for name in core.PARAM_NAMES])
    for tab, name in zip(tabs, core.PARAM_NAMES, strict=True):
        with tab:
            layout.chart(
                cached_figure(
                    weights_figure, name, result.initial_params[name], result.params[name]
                ),
                None,
                key=f"weights_{name}",
            )
    st.caption(
        "Left: the tutorial's random start (weights $0.01 \\cdot \\mathcal{N}(0, 1)$, biases "
        "$\\mathcal{N}(0, 1)$, its `randn`); right: after training. One colour scale per "
        "parameter, blue negative, white 0, vermillion positive: a change of colour is a change "
        "of value. Hover for the numbers. $W_{hh}$ ($H \\times H$) is the recurrent connection "
        "that carries $h_{t-1}$ into $a_t$."
    )


def divergence(result: RunResult) -> None:
    """Why the run blew up, and how clipping and the learning rate relate."""
    st.markdown(training.divergence(result.request))
