"""The training page's glue: its settings, this session's trainings in the server's pool, the
live-progress fragment, and the panels that show a run.

Training never runs in this script's thread: a request goes to `compute.pool()` (worker
processes shared by every session), and a fragment polls the pool a few times a second while a
job is queued or running. After every poll the session keeps its job id, ticket and the latest
snapshot (parameters and loss history), so Stop, a click elsewhere or a rerun never loses the
partly trained model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.figures import training as figures
from rnnviz.files import export as exporting
from rnnviz.runs import CompareRequest, CompareResult, RunResult, TrainRequest
from rnnviz.server.jobs import JobView
from rnnviz.ui import compute, layout, series, state

# Session-state keys, named once. Each job key holds a `Tracked` or nothing.
RUN = "training_run"  # the main training run
COMPARE = "training_compare"  # the compared runs, one CompareRequest
TRUNCATION = "training_truncation"  # the truncated-BPTT experiment, one CompareRequest
PUBLISHED = "training_published"  # (job id, epochs) last handed to state.TRAINED_MODEL
SUBMIT_ERROR = "training_submit_error"  # why the last Train click was refused, shown once

# Every poll is a script run on the server (a thread started, the fragment drawn), and with ten
# trainings queued the polls outnumbered the room's clicks: poll only as often as the screen
# needs. Running: the loss curve moves twice a second. Next in line: notices its start within a
# second. Further back: the queue moves one place per training (about 10 s by default).
POLL_RUNNING_S = 0.5
POLL_NEXT_S = 1.0
POLL_QUEUED_S = 2.0
LIVE_POINTS = 500  # a loss curve shows at most this many epochs (every k-th, and the last)
ACTIVE = ("queued", "running")
BY_NAME = {s.name: s for s in schema.TRAINING}
TRUNCATION_DEPTHS = (1, 2, 3, None)  # the experiment's k; None is full BPTT
MODE_BATCH = {"per-sample": 1, "full batch": 0}  # mini-batch takes the batch-size setting


@dataclass
class Tracked:
    """One of this session's jobs in the pool, and the last snapshot the session saw of it.

    request : the TrainRequest or CompareRequest;  job_id, ticket : from `pool().submit`
    state : the pool's state, or "lost" (the pool forgot the job), or "stopped" after Stop
    total_loss : (epoch,) for a run, (epoch, K) for a comparison;  params : the latest
    result : the RunResult / CompareResult once finished;  cached : answered from the cache
    """

    request: Any
    job_id: str
    ticket: str
    state: str = "queued"
    position: int = 0
    epoch: int = 0
    epochs: int = 0
    elapsed_s: float = 0.0
    total_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    params: Any = None
    result: Any = None
    cached: bool = False
    message: str = ""

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    def update(self, view: JobView | None) -> None:
        """Take the pool's latest snapshot (nothing changes after this session let go)."""
        if not self.active:
            return
        if view is None:
            self.state = "lost"
            self.message = (
                "The server no longer knows this training (it restarted, or the run was "
                "forgotten after a long time). The last snapshot is kept; press Train to run it "
                "again."
            )
            return
        self.state, self.position, self.epochs = view.state, view.position, view.epochs
        self.cached, self.message = view.cached, view.message
        if view.params is not None:  # keep the last snapshot until a newer one exists
            self.epoch, self.total_loss, self.params = view.epoch, view.total_loss, view.params
            self.elapsed_s = view.elapsed_s
        self.result = view.result


# --- Settings -----------------------------------------------------------------------------------
def n_windows(seq_len: int) -> int:
    """How many windows of length T the session's series has (n − T)."""
    return series.current_series().shape[0] - seq_len


def validate(candidate: dict[str, Any]) -> None:
    """Refuse a window length that leaves the series without windows to train on."""
    n = series.current_series().shape[0]
    if candidate["seq"] >= n:
        raise ValueError(
            f"A window of {candidate['seq']} days needs a series longer than that; this one has "
            f"{n} days."
        )


def check_settings() -> None:
    """Before any widget is drawn: keep T, k and the inspected window inside what the series
    allows (a link, a shorter series or a new T can push them out)."""
    v = state.values()
    n = series.current_series().shape[0]
    if v["seq"] >= n:
        seq = min(BY_NAME["seq"].default, n - 1)
        state.set_values({"seq": seq})
        st.warning(f"The window length was set to {seq}: the series has only {n} days.", icon="🔗")
    v = state.values()
    if v["k"] >= v["seq"]:
        state.set_values({"k": 0})  # k ≥ T is full BPTT: say it the one way
    if v["look"] > n_windows(v["seq"]):
        state.set_values({"look": n_windows(v["seq"])})


def batch_size(values: dict[str, Any]) -> int:
    """The update mode as `core.train`'s batch size: 1 per-sample, 0 full batch (all N)."""
    mode = values["update"]
    if mode in MODE_BATCH:
        return MODE_BATCH[mode]
    # Mini-batches as large as the data set are full batch: one key for one computation.
    return 0 if values["batch"] >= n_windows(values["seq"]) else values["batch"]


def training_request(values: dict[str, Any] | None = None) -> TrainRequest:
    """The TrainRequest the settings describe, on the session's series."""
    v = values or state.values()
    k = v["k"]
    return compute.request_for(
        hidden_size=v["hidden"],
        lr=v["lr"],
        clip=v["clip"] if v["clip_on"] else None,
        epochs=v["epochs"],
        seq_len=v["seq"],
        seed=v["wseed"],
        batch_size=batch_size(v),
        truncate=None if k == 0 or k >= v["seq"] else k,
        scaling=v["scaling"],
    )


def run_data(request: TrainRequest) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    """The series (n,), windows X (N, T), targets y (N,) and scaler a request trains on."""
    return request.data()


def num(value: float) -> str:
    """A temperature for the screen: 3 decimals, or 3 significant digits when it is huge (a run
    that blew up can predict 1e150, which has no business being written out in full)."""
    return f"{value:.3f}" if abs(value) < 1e6 else f"{value:.3g}"


def lr_text(lr: float) -> str:
    """1e-4 rather than 0.0001: the learning rate's slider reads in powers of ten."""
    mantissa, exponent = f"{lr:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def lr_options(current: float) -> list[float]:
    """The log grid, plus the current value if a link brought one in between."""
    return sorted({*schema.LR_GRID, float(current)})


def lr_slider(setting: schema.Setting, disabled: bool = False) -> None:
    state.bound_widget(
        setting,
        st.select_slider,
        options=lr_options(state.values()[setting.name]),
        format_func=lr_text,
        disabled=disabled,
    )


def settings_controls(disabled: bool) -> None:
    """The hyperparameters, each with its sentence; disabled while this session's run trains."""
    v = state.values()
    n = series.current_series().shape[0]
    left, middle, right = st.columns(3, gap="large")
    with left:
        state.bound_widget(
            BY_NAME["hidden"], st.slider, min_value=1, max_value=64, disabled=disabled
        )
        lr_slider(BY_NAME["lr"], disabled)
        state.bound_widget(
            BY_NAME["epochs"],
            st.number_input,
            min_value=1,
            max_value=10_000,
            step=100,
            disabled=disabled,
        )
        state.bound_widget(
            BY_NAME["wseed"],
            st.number_input,
            min_value=0,
            max_value=int(BY_NAME["wseed"].hi),
            step=1,
            disabled=disabled,
        )
    with middle:
        state.bound_widget(BY_NAME["clip_on"], st.toggle, disabled=disabled)
        state.bound_widget(
            BY_NAME["clip"],
            st.number_input,
            min_value=0.01,
            max_value=100.0,
            step=0.5,
            disabled=disabled or not v["clip_on"],
        )
        if v["clip_on"]:
            st.caption(
                f"Clipping at ±{v['clip']:g} caps every gradient entry, so one update moves each "
                f"parameter by at most η·c = {v['lr'] * v['clip']:.3g}. With the tutorial's ±1 "
                "clipping each parameter moves at most η per step."
            )
        else:
            st.caption(
                "Without clipping one large gradient times η can throw the weights far away; "
                "at η = 0.1 the tutorial's raw inputs make training blow up."
            )
        state.bound_widget(
            BY_NAME["seq"],
            st.slider,
            validate,
            min_value=1,
            max_value=max(2, min(30, n - 1)),
            disabled=disabled,
        )
        seq = state.values()["seq"]
        if seq > 1:  # with one day there is nothing to truncate
            state.bound_widget(
                BY_NAME["k"],
                st.select_slider,
                options=[*range(1, seq), 0],
                format_func=lambda k: f"{seq} (full)" if k == 0 else str(k),
                disabled=disabled,
            )
    with right:
        state.bound_widget(
            BY_NAME["update"],
            st.radio,
            options=schema.UPDATE_MODES,
            horizontal=True,
            disabled=disabled,
        )
        if state.values()["update"] == "mini-batch":
            state.bound_widget(
                BY_NAME["batch"],
                st.number_input,
                min_value=2,
                max_value=1000,
                step=1,
                disabled=disabled,
            )
        state.bound_widget(
            BY_NAME["scaling"],
            st.radio,
            options=schema.SCALINGS,
            horizontal=True,
            disabled=disabled,
        )
        st.caption(
            "Raw inputs near 20 make W_xh·x_t about 20 times larger than W_xh itself: once W_xh "
            "has grown to a few tenths, a_t is far from 0, tanh saturates at ±1 and its slope "
            "1 − h_t² ≈ 0, so little gradient gets through. Standardised inputs keep a_t in "
            "tanh's steep middle."
        )


# --- Jobs in the pool ------------------------------------------------------------------------
def tracked(key: str) -> Tracked | None:
    return st.session_state.get(key)


def _submit(key: str, request: Any, fresh: bool = False) -> None:
    """Button callback: queue `request` (or get it from the cache) and track it."""
    st.session_state[SUBMIT_ERROR] = None
    try:
        job_id, ticket = compute.pool().submit(request, fresh=fresh)
    except ValueError as err:  # PoolBusy: too many trainings waiting
        st.session_state[SUBMIT_ERROR] = str(err)
        return
    job = Tracked(request, job_id, ticket, epochs=request.epochs)
    job.update(compute.pool().view(job_id))
    st.session_state[key] = job
    if key == RUN and not job.active:
        publish(job)


def submit_main(fresh: bool = False) -> None:
    """The Train / Train again live callback: the settings as they are now."""
    try:
        request = training_request()
        run_data(request)  # a series too short for the window is refused here, not in a worker
    except ValueError as err:
        st.session_state[SUBMIT_ERROR] = str(err)
        return
    _submit(RUN, request, fresh)


def _stop(key: str) -> None:
    """Stop button callback: let go of the job; keep the last snapshot as the partial result."""
    job = tracked(key)
    if job is None or not job.active:
        return
    job.update(compute.pool().view(job.job_id))  # the freshest snapshot first
    if job.active:
        compute.pool().release(job.job_id, job.ticket)
        job.state = "stopped"
        job.message = (
            f"Stopped after {job.epoch} of {job.epochs} epochs; the partly trained model is kept."
            if job.epoch
            else "Cancelled before it started: nothing was trained."
        )
    if key == RUN:
        publish(job)


def poll_interval(job: Tracked | None) -> float | None:
    """How often the fragment polls: fast while training or next in line, gently further back,
    not at all once the job has ended."""
    if job is None or not job.active:
        return None
    if job.state == "running":
        return POLL_RUNNING_S
    return POLL_NEXT_S if job.position <= 1 else POLL_QUEUED_S


def live(key: str, draw: Callable[[Tracked], None]) -> None:
    """Draw the job under `key` with `draw`, in a fragment that polls the pool while the job is
    queued or running, and hands over to a full rerun (which stops the polling) when it ends."""
    every = poll_interval(tracked(key))
    st.fragment(run_every=every)(_live)(key, draw, every)


def _live(key: str, draw: Callable[[Tracked], None], every: float | None) -> None:
    job = tracked(key)
    if job is None:
        return
    if job.active:
        job.update(compute.pool().view(job.job_id))
        if key == RUN and not job.active:
            publish(job)
    if poll_interval(job) != every:  # finished, or started: the rest of the page follows
        st.rerun()
    draw(job)


def status(job: Tracked, what: str) -> None:
    """Queue position, progress bar with epochs/s and time left, or how the job ended."""
    if job.state == "queued":
        where = (
            "Waiting for its turn, next in line: it starts as soon as the training before it has "
            "finished"
            if job.position <= 1
            else f"Waiting for its turn: about {job.position} trainings ahead of you (the one "
            f"running now and {job.position - 1} queued before yours)"
        )
        st.info(
            f"{where}. The server trains one run at a time so that every student's clicks stay "
            "fast (the very first training also waits a few seconds for the training process "
            "to start). It begins by itself; Stop cancels it.",
            icon="⏳",
        )
        return
    done = job.epoch / job.epochs if job.epochs else 0.0
    if job.state == "running":
        rate = job.epoch / job.elapsed_s if job.elapsed_s > 0 else 0.0
        left = (job.epochs - job.epoch) / rate if rate > 0 else float("nan")
        text = f"{what}: epoch {job.epoch:,} of {job.epochs:,}"
        if rate > 0:
            text += f" · {rate:,.0f} epochs/s · about {left:,.0f} s left"
        st.progress(min(done, 1.0), text=text)
        return
    if job.state in ("lost", "failed"):
        st.error(job.message, icon="⚠️")
    elif job.state == "stopped":
        st.warning(job.message or f"Stopped after {job.epoch} epochs.", icon="⏹️")
    elif getattr(job.result, "diverged", False):
        st.error(job.result.message, icon="💥")
    elif job.cached:
        st.success(
            "Already trained with these settings (by you or by someone else on this server), so "
            "it is shown at once, the same numbers as training it now would give. Press "
            "**Train again live** to watch it happen.",
            icon="♻️",
        )
    else:
        st.success(f"{what}: {job.epoch:,} epochs in {job.elapsed_s:.1f} s.", icon="✅")


# --- The main run -------------------------------------------------------------------------------
def main_result(job: Tracked) -> RunResult | None:
    """The finished run, or a RunResult built from the latest snapshot (None before the first).

    The snapshot's parameters are the model after `job.epoch` epochs; the initial parameters are
    re-drawn from the seed (the same numbers the worker started from).
    """
    if job.result is not None:
        return job.result
    if job.params is None:
        return None
    request = job.request
    *_, scaler = run_data(request)
    total = np.asarray(job.total_loss, float)
    return RunResult(
        request=request,
        initial_params=core.init_params(request.hidden_size, seed=request.seed),
        params=job.params,
        total_loss=total,
        mean_loss=total / n_windows_of(request),
        diverged=False,
        stopped_early=job.state == "stopped",
        message=job.message,
        elapsed_s=job.elapsed_s,
        scaler=scaler,
    )


def n_windows_of(request: TrainRequest) -> int:
    return run_data(request)[1].shape[0]


def describe(request: TrainRequest) -> str:
    """The run's settings in one line."""
    mode = {1: "per-sample SGD", 0: "full batch"}.get(
        request.batch_size, f"mini-batches of {request.batch_size}"
    )
    clip = "no clipping" if request.clip is None else f"clip ±{request.clip:g}"
    depth = "" if request.truncate is None else f", truncated BPTT k = {request.truncate}"
    return (
        f"H = {request.hidden_size}, η = {lr_text(request.lr)}, {request.epochs:,} epochs, "
        f"{clip}, T = {request.seq_len}, {mode}, {request.scaling} inputs, weight seed "
        f"{request.seed}{depth}"
    )


def publish(job: Tracked) -> None:
    """Hand a finished, stopped or diverged run to the stepper and BPTT pages (copies: cached
    results are read-only and shared). Once per run, so those pages keep their own state."""
    result = main_result(job)
    if result is None or st.session_state.get(PUBLISHED) == (job.job_id, job.epoch):
        return
    st.session_state[PUBLISHED] = (job.job_id, job.epoch)
    request = result.request
    epochs_done = int(np.asarray(result.total_loss).shape[0])
    how = (
        "diverged, last finite weights"
        if result.diverged
        else ("stopped early" if job.state == "stopped" or result.stopped_early else "")
    )
    label = f"trained {describe(request)}" + (
        f"; {how} after {epochs_done:,} epochs" if how else ""
    )
    settings = {
        "hidden_size": request.hidden_size,
        "lr": request.lr,
        "clip": request.clip,
        "epochs": request.epochs,
        "epochs_done": epochs_done,
        "seq_len": request.seq_len,
        "seed": request.seed,
        "batch_size": request.batch_size,
        "truncate": request.truncate,
        "scaling": request.scaling,
        "scale_mean": result.scaler.mean,  # a standardised model reads (T − mean) / std
        "scale_std": result.scaler.std,
        "series": dict(request.series),
        "uploaded": request.uploaded is not None,  # then "series" only names the generator
    }
    st.session_state[state.TRAINED_MODEL] = {
        "params": core.copy_params(result.params),
        "settings": settings,
        "label": label,
    }


def to_celsius2(result: RunResult, mean_loss: np.ndarray) -> np.ndarray:
    """Mean loss per window in °C²: a standardised run's loss is in units of std²."""
    return np.asarray(mean_loss, float) * result.scaler.std**2


def draw_main(job: Tracked) -> None:
    """The live part of the main run: status and the loss curve (redrawn at every poll, so it
    holds only what changes that fast; the other pictures follow at the next full rerun)."""
    status(job, "Training")
    if job.epoch == 0:
        return
    request = job.request
    *_, scaler = run_data(request)
    count = n_windows_of(request)
    noise = dict(request.series).get("sigma")
    floor = noise**2 if noise and request.uploaded is None else None
    curve = np.asarray(job.total_loss, float) / count * scaler.std**2  # °C² per window
    layout.chart(
        figures.loss_figure(
            [("mean loss per window", curve)],
            epochs=job.epochs,
            noise_floor=floor,
            max_points=LIVE_POINTS,
        ),
        "The loss of each epoch, averaged over the windows (log scale), in °C². The tutorial "
        f"prints total_loss, the sum over all {count} windows: {count} times this. The dashed "
        "line is σ², the noise no predictor can foresee: far below it, a model fits the noise "
        "of its training windows.",
        key="training_loss",
    )


def predictions(result: RunResult, job: Tracked) -> None:
    """Predictions vs truth across the whole series, for the model as it stands."""
    temps, X, _, _ = run_data(result.request)
    epochs = int(np.asarray(result.total_loss).shape[0])
    layout.chart(
        figures.predictions_figure(temps, result.predict(X), result.request.seq_len),
        f"Orange: the model's prediction for each day from the {result.request.seq_len} days "
        f"before it, on the same windows it trains on, after {epochs:,} epochs.",
        key="predictions",
    )
    if job.active:
        st.button(
            "Show the model as it is now",
            help="Training goes on; this redraws the pictures below with the latest weights.",
        )


def train_controls() -> TrainRequest | None:
    """Train, Stop and Train again live; the server's run for these settings if it has one.

    Returns the request the settings describe (None, with the reason shown, if they make none).
    """
    try:
        request = training_request()
        run_data(request)
    except ValueError as err:
        st.error(str(err), icon="⚠️")
        return None
    adopt_cached(RUN, request)
    job = tracked(RUN)
    busy = job is not None and job.active
    st.caption(
        f"Like the tutorial, training uses all {n_windows(request.seq_len)} windows of the series, "
        f"and the tutorial's test below (days 1–{request.seq_len} → day {request.seq_len + 1}) "
        "is one of them: it trains and tests on the same windows. How well the model does on "
        "days it has never seen is measured further down, on fresh data."
    )
    columns = st.columns([1, 1, 1.6, 3])
    columns[0].button(
        "Train",
        type="primary",
        on_click=submit_main,
        disabled=busy,
        width="stretch",
        help="Train a model with the settings above. Runs already trained on this server with "
        "the same settings appear at once.",
    )
    columns[1].button(
        "Stop",
        on_click=_stop,
        args=(RUN,),
        disabled=not busy,
        width="stretch",
        help="Stop training now and keep the partly trained model.",
    )
    if job is not None and job.cached and job.request == request and not busy:
        columns[2].button(
            "Train again live",
            on_click=submit_main,
            kwargs={"fresh": True},
            width="stretch",
            help="Train it once more, here and now, to watch the loss fall (same numbers).",
        )
    error = st.session_state.get(SUBMIT_ERROR)
    if error:
        st.error(error, icon="⚠️")
        st.session_state[SUBMIT_ERROR] = None
    if job is not None and job.request != request:
        st.info(
            f"Shown below: the run trained with other settings ({describe(job.request)}). "
            "Press Train for the settings above.",
            icon="ℹ️",
        )
    return request


def adopt_cached(key: str, request: Any) -> None:
    """Show a run the server has already trained with these settings (a reload of a link, or
    settings someone else trained), unless this session is busy with or already shows one."""
    job = tracked(key)
    if job is not None and (job.active or job.request == request):
        return
    if compute.pool().cache.get(request) is not None:
        _submit(key, request)  # answered from the cache at once, marked as cached


# --- What the model learned ---------------------------------------------------------------------
def tutorial_test(result: RunResult) -> None:
    """The tutorial's final cell: days 1 … T in, the prediction for day T+1 and its error."""
    _, X, y, _ = run_data(result.request)
    seq_len = X.shape[1]
    prediction, truth = float(result.predict(X[:1])[0]), float(y[0])
    left, right = st.columns([2, 1])
    with left:
        layout.chart(
            figures.tutorial_test_figure(X[0], prediction, truth), None, key="tutorial_test"
        )
    with right:
        st.metric(f"Prediction for day {seq_len + 1}", num(prediction))
        st.metric(f"True day {seq_len + 1}", num(truth))
        st.metric(
            "Error, prediction − truth",
            ("+" if prediction >= truth else "") + num(prediction - truth),
        )
    st.caption(
        f"The tutorial's last cell: `test_seq = temps[:{seq_len}]`, "
        f"`pred = model.forward_sequence(test_seq)`, `error = pred - temps[{seq_len}]`. This "
        f"window is one of the {X.shape[0]} the model trained on, so it shows how well it fits, "
        "not how well it predicts days it has never seen: for that, see the next section."
    )


def hidden_state(result: RunResult) -> None:
    """The hidden states h_0 … h_T of a chosen window, units × timesteps."""
    _, X, y, scaler = run_data(result.request)
    count, seq_len = X.shape
    if state.values()["look"] > count:  # this run's series is shorter than the session's
        state.set_values({"look": count})
    state.bound_widget(
        BY_NAME["look"], st.slider, min_value=1, max_value=max(count, 2), disabled=count < 2
    )
    index = min(state.values()["look"], count) - 1
    x = scaler.scale(X[index])  # what the network reads
    trace = core.forward(result.params, x[None, :])
    prediction = float(scaler.unscale(trace.y_pred)[0])
    saturated = float(np.mean(np.abs(trace.h[0, 1:]) > 0.99))
    inputs = (
        "x_t are the standardised temperatures"
        if result.request.scaling != "raw"
        else ("x_t are the raw temperatures")
    )
    layout.chart(
        figures.hidden_state_figure(trace.h[0], x),
        f"Window {index + 1}: days {index + 1}–{index + seq_len} in ({inputs}), prediction for "
        f"day {index + seq_len + 1}: {num(prediction)} (true {num(y[index])}). Each column is one "
        "timestep's h_t = tanh(a_t), with a_t = W_xh·x_t + W_hh·h_(t−1) + b_h the "
        "pre-activation; each row is one hidden unit. Deep colours near ±1 are saturated units, "
        f"where tanh is flat and passes almost no gradient: here {saturated:.0%} of the h_t "
        "values are beyond ±0.99.",
        key="hidden_state",
    )


def weights(result: RunResult) -> None:
    """The five parameters before and after training, one tab each."""
    tabs = st.tabs(list(core.PARAM_NAMES))
    for tab, name in zip(tabs, core.PARAM_NAMES, strict=True):
        with tab:
            layout.chart(
                figures.weights_figure(name, result.initial_params[name], result.params[name]),
                None,
                key=f"weights_{name}",
            )
    st.caption(
        "Left: the tutorial's random start (weights randn·0.01, biases randn); right: after "
        "training. One colour scale per parameter, blue negative, white 0, vermillion positive: "
        "a change of colour is a change of value. Hover for the numbers. W_hh (H × H) is the "
        "recurrent connection that carries h_(t−1) into a_t."
    )


# --- Comparisons --------------------------------------------------------------------------------
def compare_request() -> CompareRequest:
    """The compared runs: the settings above, with each run's own learning rate."""
    v = state.values()
    base = training_request(v)
    lrs = [v[f"cmp_lr{i}"] for i in range(1, v["cmp_n"] + 1)]
    return CompareRequest(tuple(dataclasses.replace(base, lr=lr) for lr in lrs))


def truncation_request() -> CompareRequest:
    """The experiment: the settings above trained with k = 1, 2, 3 (those below T) and full."""
    base = training_request()
    depths = [k for k in TRUNCATION_DEPTHS if k is None or k < base.seq_len]
    return CompareRequest(tuple(dataclasses.replace(base, truncate=k) for k in depths))


def run_label(request: TrainRequest, varies: str) -> str:
    if varies == "truncate":
        return "full BPTT" if request.truncate is None else f"k = {request.truncate}"
    return f"η = {lr_text(request.lr)}"


def job_buttons(key: str, request: CompareRequest, label: str) -> None:
    """Start / Stop for a comparison job, and the server's cached result if it has one."""
    adopt_cached(key, request)
    job = tracked(key)
    busy = job is not None and job.active
    left, right, _ = st.columns([1.6, 1, 3])
    left.button(
        label, on_click=_submit, args=(key, request), disabled=busy, width="stretch", type="primary"
    )
    right.button(
        "Stop", on_click=_stop, args=(key,), disabled=not busy, key=f"stop_{key}", width="stretch"
    )
    if job is not None and job.request != request:
        st.info(
            "Shown below: runs trained with other settings. Press the button for these.", icon="ℹ️"
        )


def compare_controls() -> CompareRequest:
    """How many runs, and each run's learning rate."""
    busy = tracked(COMPARE) is not None and tracked(COMPARE).active
    state.bound_widget(
        BY_NAME["cmp_n"], st.slider, min_value=2, max_value=schema.MAX_COMPARE, disabled=busy
    )
    columns = st.columns(schema.MAX_COMPARE)
    for i in range(1, state.values()["cmp_n"] + 1):
        with columns[i - 1]:
            lr_slider(BY_NAME[f"cmp_lr{i}"], busy)
    return compare_request()


def comparison_curves(job: Tracked, varies: str) -> None:
    """Overlaid loss curves of the K runs so far (°C² per window, log scale)."""
    runs = job.request.runs
    _, X, _, scaler = run_data(runs[0])
    losses = np.asarray(job.total_loss, float).reshape(-1, len(runs)) / X.shape[0]
    curves = [(run_label(run, varies), losses[:, m] * scaler.std**2) for m, run in enumerate(runs)]
    noise = dict(runs[0].series).get("sigma")
    floor = noise**2 if noise and runs[0].uploaded is None else None
    what = "learning rate η" if varies == "lr" else "truncation depth k"
    layout.chart(
        figures.loss_figure(curves, epochs=job.epochs, noise_floor=floor, max_points=LIVE_POINTS),
        f"One line per run, the same start and data, only the {what} differs: the mean loss per "
        "window on the training windows (log scale, °C²), epoch by epoch. The dashed line is the "
        f"noise floor σ²; a loss far below it means the run fits the noise of its {X.shape[0]} "
        "windows.",
        key=f"curves_{varies}",
    )


def gradient_norms(result: CompareResult, varies: str) -> None:
    runs = [
        (run_label(run.request, varies), epochs, norms)
        for run, epochs, norms in zip(
            result.runs, result.grad_norm_epochs, result.grad_norms, strict=True
        )
    ]
    layout.chart(
        figures.gradient_norm_figure(runs),
        "How strongly the loss pulls on each hidden state h_t, ‖∂L/∂h_t‖ averaged over the "
        "windows (colour: log10), measured every few epochs during training with full BPTT. "
        "Columns to the left are earlier days: where the colour fades, the gradient (and what "
        "the RNN can learn about those days) vanishes. Column 0 is h_0, which is never used to "
        "update a weight.",
        key=f"norms_{varies}",
    )


def busy(key: str) -> bool:
    job = tracked(key)
    return job is not None and job.active


def current_result() -> RunResult | None:
    """The session's main run as it stands (finished, stopped, or the latest snapshot)."""
    job = tracked(RUN)
    return None if job is None else main_result(job)


def snapshot_runs(job: Tracked) -> list[RunResult]:
    """A comparison's K runs as RunResults: the finished ones, or built from the snapshot."""
    if job.result is not None:
        return list(job.result.runs)
    if job.params is None:
        return []
    *_, scaler = run_data(job.request.runs[0])
    losses = np.asarray(job.total_loss, float).reshape(-1, len(job.request.runs))
    count = n_windows_of(job.request.runs[0])
    runs = []
    for m, request in enumerate(job.request.runs):
        total = losses[:, m][np.isfinite(losses[:, m])]
        runs.append(
            RunResult(
                request=request,
                initial_params=core.init_params(request.hidden_size, seed=request.seed),
                params=job.params[m],
                total_loss=total,
                mean_loss=total / count,
                diverged=total.shape[0] < losses.shape[0],
                stopped_early=job.state == "stopped",
                message=job.message,
                elapsed_s=job.elapsed_s,
                scaler=scaler,
            )
        )
    return runs


def run_status(run: RunResult, job: Tracked) -> str:
    if run.diverged:
        return "diverged"
    if job.state == "stopped" or run.stopped_early:
        return "stopped"
    return "finished" if not job.active else "training"


def metrics_table(job: Tracked, varies: str) -> pd.DataFrame:
    """One row per run: its setting, epochs done, final training loss and fresh-data error."""
    rows = []
    for run in snapshot_runs(job):
        loss = to_celsius2(run, run.mean_loss)
        rows.append(
            {
                "run": run_label(run.request, varies),
                "epochs done": int(loss.shape[0]),
                "final training loss (°C²)": float(loss[-1]) if loss.size else None,  # finite
                "fresh-data MSE (°C²)": fresh_mse(run),
                "status": run_status(run, job),
            }
        )
    return pd.DataFrame(rows)


def draw_compare(job: Tracked) -> None:
    status(job, "Comparing")
    if job.epoch == 0:
        return
    comparison_curves(job, "lr")
    if job.active:  # the table's fresh-data errors are measured once the runs have ended
        return
    st.dataframe(metrics_table(job, "lr"), hide_index=True, width="stretch")
    st.caption(
        "Final training loss: the mean loss per window in the last epoch. Fresh-data MSE: the "
        "error on 10,000 new days from the same process (see the section above); the noise "
        "floor σ² is the best any predictor can do."
    )
    if job.result is not None:
        gradient_norms(job.result, "lr")
    messages = [run.message for run in snapshot_runs(job) if run.diverged]
    for message in dict.fromkeys(messages):
        st.error(message, icon="💥")


def draw_truncation(job: Tracked) -> None:
    status(job, "Truncation experiment")
    if job.epoch == 0:
        return
    comparison_curves(job, "truncate")
    if job.active:  # fresh-data errors are measured once the runs have ended
        return
    runs = snapshot_runs(job)
    results = {run_label(run.request, "truncate"): fresh_mse(run) for run in runs}
    base = runs[0].request
    reference = fresh_reference(base)
    if reference is None:
        st.caption("Fresh data needs the generated series; with an uploaded series there is none.")
        st.dataframe(metrics_table(job, "truncate"), hide_index=True, width="stretch")
        return
    layout.chart(
        figures.truncation_figure(
            results,
            noise_floor=reference.noise_floor,
            references={"best one-lag predictor": reference.one_lag},
        ),
        truncation_sentence(results, reference),
        key="truncation_bars",
    )
    if job.result is not None:
        gradient_norms(job.result, "truncate")


# --- How good is the fit ----------------------------------------------------------------------
@st.cache_data(max_entries=64, show_spinner=False)
def _baselines(series: tuple[tuple[str, Any], ...], seq_len: int) -> core.Baselines:
    # Deterministic in its scalar arguments (the series settings and T).
    return core.compute_baselines(TrainRequest(series=series).series_kwargs(), seq_len)


@st.cache_data(max_entries=256, show_spinner=False)
def _fit(
    params: dict[str, np.ndarray], series: tuple, seq_len: int, mean: float, std: float
) -> core.FitReport:
    # Keyed by the parameters' values: one forward pass over 10,000 windows per model, once.
    # A blown-up model's errors may overflow to inf: `fresh_mse` and the chart leave those out.
    with np.errstate(over="ignore", invalid="ignore"):
        return core.fit_report(
            params,
            TrainRequest(series=series).series_kwargs(),
            seq_len,
            core.Scaling(mean, std),
            baseline=_baselines(series, seq_len),
        )


def fresh_reference(request: TrainRequest) -> core.Baselines | None:
    """The baselines on fresh data for the request's process; None for an uploaded series or
    a process that never settles (the reason is then shown by `generalisation`)."""
    if request.uploaded is not None:
        return None
    try:
        return _baselines(request.series, request.seq_len)
    except ValueError:
        return None


def fit_of(run: RunResult) -> core.FitReport | None:
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
    _, X, _, _ = run_data(request)
    st.markdown(
        f"The tutorial trains and tests on the same {X.shape[0]} windows, and so does this page "
        "by default: its test of day 6 above is a window the model trained on. Because we know "
        "the process that made the series, we can do better: score the model on a **fresh, "
        "long series from the same process** (10,000 new days, past the start's transient)."
    )
    if request.uploaded is not None:
        st.info(
            "An uploaded series has no known process to draw fresh days from, so this "
            "measure needs the generated series.",
            icon="ℹ️",
        )
        return
    try:
        base = _baselines(request.series, request.seq_len)
    except ValueError as err:
        st.info(f"No fresh data for this series: {err}", icon="ℹ️")
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
    if np.isfinite(report.fresh_mse):
        gap = report.fresh_mse - base.noise_floor
        verdict = (
            f"On fresh data the RNN's error is {report.fresh_mse:.3f}, {gap:+.3f} from the noise "
            f"floor σ² = {base.noise_floor:.3g} that no predictor can beat on average"
        )
    else:
        verdict = (
            "On fresh data this model's predictions are too large to square in floating point "
            "(its weights blew up), so its bar is left out"
        )
    v = dict(request.series)
    if abs(v["t0"] - v["mu"]) > 3 * v["sigma"] + 1:  # a start far from the level: a transient
        regime = (
            f"The training data is mostly the decay from {v['t0']:g} towards {v['mu']:g}, a "
            "different regime from the stationary fresh series, which hovers around that level: "
            "a low error on the training windows does not promise a low error there."
        )
    else:
        regime = (
            "This series starts near its mean level, so training and fresh data come from the "
            "same regime: the gap between the two RNN bars is what it learned about its own "
            "noise."
        )
    layout.chart(
        figures.generalisation_figure(bars, base.noise_floor),
        f"Mean squared error in °C², all on the same {base.n_fresh:,} fresh windows except the "
        f"orange bar. {verdict}; the true AR(2) rule scores {base.true_ar2:.3f} on these days "
        f"(sampling spread about ±0.005). {regime}",
        key="generalisation",
    )


def truncation_sentence(results: dict[str, float | None], reference: core.Baselines) -> str:
    """What the experiment measured, in words (numbers from the measurement, no assumption)."""
    shown = {label: v for label, v in results.items() if v is not None and np.isfinite(v)}
    parts = ", ".join(
        f"{label} {v:.3f} ({v - reference.noise_floor:+.3f} from the floor)"
        for label, v in shown.items()
    )
    text = (
        f"Measured on {reference.n_fresh:,} fresh windows: {parts}. The best one-lag predictor "
        f"(a + b·yesterday) scores {reference.one_lag:.3f}"
    )
    if shown:
        text += f"; the lowest error here is {min(shown, key=shown.get)}'s"
    first = shown.get("k = 1")
    if first is not None:
        side = "above" if first > reference.one_lag else "below"
        text += f"; k = 1 lands {side} it, by {abs(first - reference.one_lag):.3f}"
    return text + ". Differences under about 0.01 are within the measurement's spread."


# --- A diverged run, and taking a run home ------------------------------------------------------
def divergence(result: RunResult) -> None:
    """Why the run blew up, and how clipping and the learning rate relate."""
    request = result.request
    step = (
        f"With clipping at ±{request.clip:g}, one update moves each parameter by at most "
        f"η·c = {request.lr * request.clip:.3g}"
        if request.clip is not None
        else "Without clipping nothing bounds a step: a gradient entry of 1,000 at η = "
        f"{lr_text(request.lr)} moves its parameter by {1000 * request.lr:g}"
    )
    start = (
        "Raw temperatures near 20 make the first gradients large (y_pred starts near 0 and the "
        "targets near 15 to 20, so dL_dy = 2·(y_pred − target) starts around −30 to −40)"
        if request.scaling == "raw"
        else "Even with standardised inputs the first gradients are of order 1 and more"
    )
    advice = "Turn clipping on or lower η." if request.clip is None else "Lower η or c."
    st.markdown(
        f"**What happened.** {step}. {start}, so a large η throws W_xh and W_hh far away; a_t "
        "becomes huge, the loss grows instead of shrinking and finally overflows. Clipping caps "
        "every gradient entry at ±c, so each parameter moves at most η·c per step: with the "
        f"tutorial's ±1 clipping, at most η. {advice} The charts show the model as it was "
        "before the failing step; no NaN is drawn."
    )


def export_settings(result: RunResult) -> dict[str, Any]:
    """The run's settings for `rnnviz.files.export` (a stopped run: the epochs it completed, so the
    script reproduces exactly the model shown)."""
    request = result.request
    settings = {
        f.name: getattr(request, f.name)
        for f in dataclasses.fields(request)
        if f.name not in ("series", "uploaded")
    }
    settings["series"] = dict(request.series)
    if result.stopped_early and not result.diverged:
        settings["epochs"] = max(1, int(np.asarray(result.total_loss).shape[0]))
    return settings


def export(result: RunResult) -> None:
    """Download buttons: settings JSON, loss history CSV, predictions CSV, standalone script."""
    request = result.request
    temps, X, _, _ = run_data(request)
    settings = export_settings(result)
    total_loss = np.asarray(result.total_loss)
    predictions = result.predict(X)
    columns = st.columns(4)
    columns[0].download_button(
        "Settings (JSON)",
        lambda: exporting.settings_json(settings),
        "rnnviz_run.json",
        "application/json",
        on_click="ignore",
        width="stretch",
        help="Every setting of this run, to keep or to share.",
    )
    columns[1].download_button(
        "Loss history (CSV)",
        lambda: exporting.history_csv(total_loss, X.shape[0]),
        "rnnviz_loss.csv",
        "text/csv",
        on_click="ignore",
        width="stretch",
        help="One row per epoch: the tutorial's total_loss and the mean loss per window.",
    )
    columns[2].download_button(
        "Predictions (CSV)",
        lambda: exporting.predictions_csv(temps, predictions, request.seq_len),
        "rnnviz_predictions.csv",
        "text/csv",
        on_click="ignore",
        width="stretch",
        help="One row per window: its days, the target, the prediction and the error.",
    )
    columns[3].download_button(
        "Standalone script (.py)",
        lambda: exporting.reproduce_script(settings),
        "rnn_run.py",
        "text/x-python",
        on_click="ignore",
        width="stretch",
        disabled=request.uploaded is not None,
        help="A NumPy-only Python script that trains this run again, number for number.",
    )
    note = (
        "The script needs only NumPy: `python rnn_run.py` makes the same series, the same "
        "initial weights and the same updates, and prints the final parameters."
    )
    if request.uploaded is not None:
        note = "The script regenerates the series, so it cannot reproduce an uploaded one."
    elif settings["epochs"] != request.epochs:
        note += f" This run stopped early, so the script trains the {settings['epochs']:,} "
        note += "epochs it completed."
    st.caption(note)
