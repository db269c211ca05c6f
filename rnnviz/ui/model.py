"""The model and window the stepper and BPTT pages share: controls, and the forward and backward
pass of the chosen window (rnnviz/ui/timelines.py steps through them).

Everything a link must reproduce is a setting (rnnviz/settings/lessons.py: MODEL, STEPPER, BPTT),
so both pages always look at the same window and the same model: the BPTT page starts from the
finished forward pass of the stepper's window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.runs import TrainedModel
from rnnviz.text import tex
from rnnviz.ui import series, state

# Session-state key, named once: an `AppliedSteps`, the SGD steps applied (on the BPTT page) to a
# vectorized or trained model, which no link can carry.
APPLIED = "model_applied"

BY_NAME = schema.BY_NAME
SCALAR_NAMES = tuple(schema.SCALAR_PARAM_HELP)  # W_xh, W_hh, b_h, W_hy, b_y
SOURCE_LABELS = {
    "scalar": "Scalar RNN (H = 1)",
    "vector": "Vectorized RNN",
    "trained": "Trained on page 4",
}


@dataclass(frozen=True)
class Model:
    """The model on screen.

    params : the five arrays, W_xh (H, 1), W_hh (H, H), b_h (H,), W_hy (1, H), b_y (1,)
    source : the source shown ("scalar", "vector" or "trained")
    label : one line saying what it is
    notice : why the chosen source could not be shown (None when it is)
    """

    params: core.Params
    source: str
    label: str
    notice: str | None = None

    @property
    def hidden_size(self) -> int:
        return self.params["W_hh"].shape[0]


@dataclass(frozen=True)
class Example:
    """The chosen window: x (T,) the inputs, days first_day … first_day+T−1, and the target."""

    x: np.ndarray
    target: float
    start: int  # 0-based index of the window, as in the tutorial's code

    @property
    def first_day(self) -> int:
        return self.start + 1

    @property
    def target_day(self) -> int:
        return self.start + 1 + self.x.shape[0]


@dataclass(frozen=True)
class AppliedSteps:
    """SGD steps applied on the BPTT page to a vectorized or trained model.

    base : which model they were applied to: the vectorized one by its settings (a tuple), the
        trained one by the very TrainedModel the training page stored (retraining stores another)
    params : the five arrays after the steps;  steps : how many
    """

    base: Any
    params: core.Params
    steps: int


@dataclass(frozen=True)
class Pass:
    """The forward and backward pass of one window: trace (core.Trace, B = 1) and result
    (core.BPTTResult of the loss (y − target)²)."""

    trace: core.Trace
    result: core.BPTTResult


# --- The model and the window -----------------------------------------------------------------
def scalar_params(values: dict[str, Any]) -> core.Params:
    """The scalar RNN: the tutorial's initialisation from the seed, or the hand-edited values."""
    if not values["edited"]:
        return core.init_params(hidden_size=1, seed=values["model_seed"])
    v = {name: float(values[name]) for name in SCALAR_NAMES}
    return {
        "W_xh": np.array([[v["W_xh"]]]),
        "W_hh": np.array([[v["W_hh"]]]),
        "b_h": np.array([v["b_h"]]),
        "W_hy": np.array([[v["W_hy"]]]),
        "b_y": np.array([v["b_y"]]),
    }


def _base(values: dict[str, Any]) -> Any:
    """What identifies the unstepped model, so applied SGD steps stay with the model they were
    applied to: the vectorized one by its settings, the trained one by the very params object
    the training page stored (retraining stores a new one)."""
    if values["model"] == "vector":
        return ("vector", values["model_h"], values["model_seed"])
    return st.session_state.get(state.TRAINED_MODEL)


def _applied(values: dict[str, Any]) -> AppliedSteps | None:
    applied = st.session_state.get(APPLIED)
    if applied is None:
        return None
    base = _base(values)
    same = applied.base == base if values["model"] == "vector" else applied.base is base
    return applied if same else None


def current_model() -> Model:
    """The model the settings (and, for the trained one, the training page) describe."""
    v = state.values()
    source, notice = v["model"], None
    trained = st.session_state.get(state.TRAINED_MODEL)
    if source == "trained" and not trained:
        source = "scalar"
        notice = (
            "No model has been trained in this session yet: train one on page 4 (Training), or "
            "pick another model above. Meanwhile the scalar RNN is shown."
        )
    if source == "scalar":
        how = "edited by hand or by SGD steps" if v["edited"] else f"seed {v['model_seed']}"
        return Model(scalar_params(v), "scalar", f"the scalar RNN (H = 1, {how})", notice)
    applied = _applied(v)
    suffix = f", after {applied.steps} SGD step(s) on this page" if applied else ""
    if source == "vector":
        params = (
            core.copy_params(applied.params)
            if applied
            else core.init_params(v["model_h"], v["model_seed"])
        )
        label = f"the vectorized RNN (H = {v['model_h']}, seed {v['model_seed']}{suffix})"
        return Model(params, "vector", label)
    params = applied.params if applied else trained.params
    return Model(
        core.copy_params(params), "trained", f"{trained.label}{suffix}", _trained_notice(trained)
    )


def _trained_scaling() -> core.Scaling:
    """How the trained model (if it is the one shown) reads temperatures: raw, or standardised
    with its training series' mean and std, as it was trained."""
    trained = st.session_state.get(state.TRAINED_MODEL)
    if state.values()["model"] != "trained" or trained is None:
        return core.Scaling.raw()
    return trained.scaler


def _trained_notice(trained: TrainedModel) -> str | None:
    notes = []
    if trained.request.scaling == "standardised":
        mean, std = tex.number(trained.scaler.mean, ".4g"), tex.number(trained.scaler.std, ".4g")
        notes.append(
            "It was trained on standardised temperatures, so here $x_t$ and the target are "
            f"$(T - {mean}) / {std}$, as it reads them."
        )
    if trained.request.seq_len != schema.SEQ_LEN:
        notes.append(
            f"It was trained on {trained.request.seq_len}-day windows; here it reads this page's "
            f"{schema.SEQ_LEN}-day windows (the same weights work for any length)."
        )
    return " ".join(notes) or None


def current_example() -> Example:
    """The chosen window of the session's series (the same on every page), in the units the
    shown model reads (see `_trained_scaling`)."""
    X, y = series.current_windows()  # (N, T), (N,)
    i = series.window_start()
    scaling = _trained_scaling()
    return Example(x=scaling.scale(X[i]), target=float(scaling.scale(y[i])), start=i)


def run_window(model: Model, example: Example) -> Pass:
    """Forward and backward pass of the window (B = 1): the numbers every ledger line shows.

    Raises ValueError (from the core) if the model cannot run, e.g. a trained model with NaNs.
    """
    trace = core.forward(model.params, example.x[None, :])  # x (1, T), h (1, T+1, H)
    result = core.backward(model.params, trace, [example.target])
    return Pass(trace, result)


def stop_with_error(err: ValueError) -> None:
    """Show the core's sentence instead of a traceback, keep the URL, and end the page."""
    st.error(str(err), icon=":material/warning:")
    state.sync_url()
    st.stop()


def page_pass() -> tuple[Model, Example, Pass]:
    """The shown model, window and pass, for the top of the stepper and BPTT pages: shows the
    model's notice (a trained model, stepped in its own units), or, if the model cannot run,
    the core's sentence in place of the rest of the page."""
    chosen, example = current_model(), current_example()
    if chosen.notice:
        st.warning(chosen.notice, icon=":material/science:")
    try:
        return chosen, example, run_window(chosen, example)
    except ValueError as err:
        stop_with_error(err)
        raise  # not reached: st.stop ends the run


# --- Controls ---------------------------------------------------------------------------------
def _reinitialise() -> None:
    """Back to the tutorial's random start for the current seed (a button callback)."""
    state.set_values({"edited": False, **{name: 0.0 for name in SCALAR_NAMES}})
    st.session_state.pop(APPLIED, None)


def _seed_changed() -> None:
    key = state.WIDGET_PREFIX + "model_seed"
    if state.stale_echo():
        st.session_state[key] = state.values()["model_seed"]
        return
    try:
        seed = BY_NAME["model_seed"].parse(st.session_state[key])
    except ValueError as err:
        st.session_state[key] = state.values()["model_seed"]
        st.session_state[state.CHANGE_ERROR] = str(err)
        return
    state.values()["model_seed"] = seed
    _reinitialise()  # a new seed means a fresh start: hand edits belonged to the old one


def _param_changed(name: str) -> None:
    """One scalar parameter typed in: from now on all five travel in the link."""
    if state.stale_echo():  # the widget is seeded from the model on its next draw
        return
    new = st.session_state[state.WIDGET_PREFIX + name]
    try:
        new = BY_NAME[name].parse(new)
    except ValueError as err:
        st.session_state[state.CHANGE_ERROR] = str(err)
        return
    current = scalar_params(state.values())
    updates = {n: float(current[n].ravel()[0]) for n in SCALAR_NAMES}
    state.set_values({**updates, name: new, "edited": True})


def apply_params(new_params: core.Params) -> None:
    """Make `new_params` (one SGD step later) the model on screen (the clipping panel's callback).

    The scalar model's five numbers go into the settings, so a link carries them; a vectorized or
    trained model keeps them in this session only.
    """
    v = state.values()
    if v["model"] == "scalar" or (v["model"] == "trained" and not st.session_state.get(
        state.TRAINED_MODEL
    )):  # fmt: skip
        updates = {n: float(np.asarray(new_params[n]).ravel()[0]) for n in SCALAR_NAMES}
        try:
            for name, value in updates.items():
                BY_NAME[name].parse(value)
        except ValueError as err:
            st.session_state[state.CHANGE_ERROR] = str(err)
            return
        state.set_values({**updates, "edited": True, "model": "scalar"})
        return
    applied = _applied(v)
    st.session_state[APPLIED] = AppliedSteps(
        base=_base(v),
        params=core.copy_params(new_params),
        steps=(applied.steps if applied else 0) + 1,
    )


def _seed_input() -> None:
    key = state.WIDGET_PREFIX + "model_seed"
    st.session_state[key] = state.values()["model_seed"]
    st.number_input(
        BY_NAME["model_seed"].label,
        **BY_NAME["model_seed"].widget_args(),
        key=key,
        help=BY_NAME["model_seed"].help,
        on_change=_seed_changed,
    )


def _scalar_inputs() -> None:
    """The five numbers of the scalar RNN, seeded from the model on screen every run."""
    params = scalar_params(state.values())
    columns = st.columns(len(SCALAR_NAMES))
    for column, name in zip(columns, SCALAR_NAMES, strict=True):
        key = state.WIDGET_PREFIX + name
        st.session_state[key] = float(params[name].ravel()[0])
        with column:
            st.number_input(
                BY_NAME[name].label,
                **BY_NAME[name].widget_args(),
                format="%.6f",
                key=key,
                help=BY_NAME[name].help,
                on_change=_param_changed,
                args=(name,),
            )


def model_controls() -> None:
    """The window slider and the model: its source, seed, size, and the scalar RNN's numbers."""
    left, right = st.columns(2)
    with left:
        series.window_slider()
    with right:
        state.bound_widget(
            BY_NAME["model"], st.radio, format_func=SOURCE_LABELS.get, horizontal=True
        )
    v = state.values()
    if v["model"] == "trained" and st.session_state.get(state.TRAINED_MODEL):
        st.caption(
            f"The model trained on page 4: {st.session_state[state.TRAINED_MODEL].label}. "
            "Retrain it there and this page follows."
        )
        return
    left, right = st.columns(2)
    with left:
        _seed_input()
    with right:
        if v["model"] == "vector":
            state.bound_widget(BY_NAME["model_h"], st.number_input)
    if v["model"] != "vector":
        st.caption(
            "The five numbers of the scalar RNN. Change any of them to see how every later number "
            "moves; the link then carries your values."
        )
        _scalar_inputs()
    st.button(
        f"Re-initialise as the tutorial does (seed {v['model_seed']})",
        on_click=_reinitialise,
        key="model:reinit",
        help=r"Weights $0.01 \cdot \mathcal{N}(0, 1)$ and biases $\mathcal{N}(0, 1)$ "
        "(the tutorial's `randn`), drawn in its order ($W_{xh}$, $W_{hh}$, $b_h$, $W_{hy}$, "
        "$b_y$) from this seed; drops any edits and SGD steps.",
    )


def model_summary(model: Model, example: Example) -> str:
    """One line: which window and which model the page shows (plain text: a model's label is
    also a legend entry and a status the classroom benchmark reads)."""
    T = example.x.shape[0]
    return (
        f"Window: days {example.first_day}–{example.first_day + T - 1} → day "
        f"{example.target_day}; model: {model.label}."
    )


def pass_summary(model: Model, example: Example, run: Pass) -> str:
    """`model_summary` and the finished forward pass the BPTT page starts from."""
    y, target = tex.number(run.trace.y_pred[0]), tex.number(example.target)
    loss = tex.number(run.result.loss)
    return (
        f"{model_summary(model, example)} Its finished forward pass, as on page 2: "
        f"$y = {y}$, $\\text{{target}} = {target}$, "
        f"$L = (y - \\text{{target}})^2 = {loss}$."
    )
