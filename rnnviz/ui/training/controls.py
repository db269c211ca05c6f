"""The training page's settings: the hyperparameter widgets, the checks that keep them inside
what the series allows, and the requests they describe (one run, a comparison, the truncation
experiment)."""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from rnnviz import settings as schema
from rnnviz.runs import CompareRequest, TrainRequest, cost
from rnnviz.text import training
from rnnviz.ui import compute, series, state

TRUNCATION_DEPTHS = (1, 2, 3, None)  # the experiment's k; None is full BPTT
SETTING = schema.BY_NAME


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
        seq = min(SETTING["seq"].default, n - 1)
        state.set_values({"seq": seq})
        st.warning(
            f"The window length was set to {seq}: the series has only {n} days.",
            icon=":material/link:",
        )
    v = state.values()
    if v["k"] is not None and v["k"] >= v["seq"]:
        state.set_values({"k": None})  # k ≥ T is full BPTT: say it the one way
    if v["look"] > n_windows(v["seq"]):
        state.set_values({"look": n_windows(v["seq"])})
    if v["holdout"] and n_windows(v["seq"]) * (1 - v["holdout"] / 100) < 2:
        state.set_values({"holdout": 0})  # too short a series to hold any of it out
        st.warning(
            "The held-out tail was set to 0: this series is too short to hold out a part of it.",
            icon=":material/link:",
        )


def batch_size(values: dict[str, Any]) -> int | None:
    """The update mode as a TrainRequest's batch size: 1 per-sample, None the full batch."""
    mode = values["update"]
    if mode == "per-sample":
        return 1
    # Mini-batches as large as the data set are the full batch: one key for one computation.
    if mode == "full batch" or values["batch"] >= n_windows(values["seq"]):
        return None
    return values["batch"]


def training_request(values: dict[str, Any] | None = None) -> TrainRequest:
    """The TrainRequest the settings describe, on the session's series."""
    v = values or state.values()
    return compute.request_for(
        hidden_size=v["hidden"],
        lr=v["lr"],
        clip=v["clip"] if v["clip_on"] else None,
        epochs=v["epochs"],
        seq_len=v["seq"],
        seed=v["wseed"],
        batch_size=batch_size(v),
        truncate=v["k"],
        scaling=v["scaling"],
        holdout=v["holdout"],
    )


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


# Settings that give a first useful result on four years of real days within seconds, chosen by
# measurement (benchmarks/real_data.py): on the bundled Seattle series, 300 epochs of
# mini-batches of 32 at η = 0.01 reached a held-out error within 10 % of "tomorrow = today"'s in
# all 12 runs tried (two series, three seeds, H = 8 and 20), in 1.4–2.8 s each.
FAST = {
    "update": "mini-batch",
    "batch": 32,
    "lr": 1e-2,
    "epochs": 300,
    "scaling": "standardised",
    "clip_on": True,
}
FAST_ABOVE_S = 30.0  # offer them when the settings above would take longer than this


def expected_duration(request: TrainRequest, n_train: int, busy: bool) -> None:
    """How long the settings above should take, and faster settings when that is long."""
    seconds = cost.expected_seconds(request, n_train)
    text = (
        f"Expected: {cost.duration_text(seconds)} for {n_train:,} windows × "
        f"{request.epochs:,} epochs ({training.update_mode(request.batch_size)}), measured on "
        "an idle server; others training at the same time share it."
    )
    if seconds <= FAST_ABOVE_S or busy:
        st.caption(text)
        return
    st.info(
        f"{text} For a first result in seconds, train mini-batches of 32 windows at "
        "$\\eta = 0.01$ for 300 epochs, with standardised inputs: each epoch then makes "
        f"{-(-n_train // 32):,} updates instead of {n_train:,}, each on the mean gradient of 32 "
        "windows (steadier, so $\\eta$ can be 100 times the tutorial's), and 300 epochs instead "
        "of the tutorial's 2,500. You trade the tutorial's exact recipe (and some of the fit on "
        "the training windows) for speed; on the held-out days it scores as well.",
        icon=":material/speed:",
    )
    st.button(
        "Use the fast settings",
        on_click=state.set_values,
        args=(FAST,),
        help="Mini-batches of 32, $\\eta = 0.01$, 300 epochs, standardised inputs, clipping at "
        "$\\pm 1$.",
    )


def settings_controls(disabled: bool) -> None:
    """The hyperparameters, each with its sentence; disabled while this session's run trains."""
    n = series.current_series().shape[0]
    left, middle, right = st.columns(3, gap="large")
    with left:
        state.bound_widget(SETTING["hidden"], st.slider, disabled=disabled)
        state.lr_slider(SETTING["lr"], schema.LR_GRID, disabled)
        state.bound_widget(SETTING["epochs"], st.number_input, disabled=disabled)
        state.bound_widget(SETTING["wseed"], st.number_input, disabled=disabled)
    with middle:
        state.bound_widget(SETTING["clip_on"], st.toggle, disabled=disabled)
        v = state.values()
        state.bound_widget(SETTING["clip"], st.number_input, disabled=disabled or not v["clip_on"])
        st.caption(training.max_step(v["lr"], v["clip"] if v["clip_on"] else None))
        state.bound_widget(
            SETTING["seq"],
            st.slider,
            validate,
            max_value=max(2, min(int(SETTING["seq"].hi), n - 1)),
            disabled=disabled,
        )
        seq = state.values()["seq"]
        if seq > 1:  # with one day there is nothing to truncate
            state.bound_widget(
                SETTING["k"],
                st.select_slider,
                options=[*range(1, seq), None],
                format_func=lambda k: f"{seq} (full)" if k is None else str(k),
                disabled=disabled,
            )
    with right:
        state.bound_widget(SETTING["update"], st.radio, horizontal=True, disabled=disabled)
        if state.values()["update"] == "mini-batch":
            state.bound_widget(SETTING["batch"], st.number_input, disabled=disabled)
        state.bound_widget(SETTING["scaling"], st.radio, horizontal=True, disabled=disabled)
        state.bound_widget(SETTING["holdout"], st.slider, disabled=disabled)
        st.caption(
            "Raw inputs near 20 make $W_{xh} x_t$ about 20 times larger than $W_{xh}$ itself: "
            "once $W_{xh}$ has grown to a few tenths, $a_t$ is far from 0, tanh saturates at "
            "$\\pm 1$ and its slope $1 - h_t^2 \\approx 0$, so little gradient gets through. "
            "Standardised inputs keep $a_t$ in tanh's steep middle."
        )


def compare_controls(disabled: bool) -> CompareRequest:
    """How many runs, and each run's learning rate; returns the comparison they describe."""
    state.bound_widget(SETTING["cmp_n"], st.slider, disabled=disabled)
    columns = st.columns(schema.MAX_COMPARE)
    for i in range(1, state.values()["cmp_n"] + 1):
        with columns[i - 1]:
            state.lr_slider(SETTING[f"cmp_lr{i}"], schema.LR_GRID, disabled)
    return compare_request()
