"""The BPTT page's three gradient panels, each self-contained: its settings, figure and words.

* `vanishing_panel`: how far back the gradient reaches on a long sequence, and why.
* `gradcheck_panel`: every BPTT gradient next to its central finite difference.
* `clipping_panel`: the tutorial's ±1 clipping, and one SGD step the student can apply.

The maths is in `rnnviz.core` (`core.memory` for the first and last), the pictures in
`rnnviz.figures`; here are the widgets, the cached calls and the sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.core import memory
from rnnviz.figures.cache import cached_figure
from rnnviz.figures.clipping import clipping_figure, update_table
from rnnviz.figures.gradcheck import gradcheck_entries, gradcheck_figure, gradcheck_summary
from rnnviz.figures.memory import gradient_memory_figure
from rnnviz.text import ledger_tex, tex
from rnnviz.text.explain import regime_sentence
from rnnviz.ui import layout, state

# Session-state key: (loss before, loss after) of the SGD step just applied, or why it could not
# be applied (a str); shown once.
LAST_STEP = "bptt_panels:last_step"
GRADCHECK_EPS = 1e-6  # core.grad_check's default step ε, named here because the text quotes it

NUMBER = st.column_config.NumberColumn(format="%.6e")
ERROR = st.column_config.NumberColumn(format="%.1e")


# --- 1. Vanishing and exploding gradients ------------------------------------------------------
@st.cache_data(max_entries=256, show_spinner=False)
def _long_window(length, phi, sigma, start, seed, mean_level) -> tuple[np.ndarray, float]:
    # Deterministic in its scalar arguments: length + 1 days give one window of `length` inputs
    # and the day after it as the target, as the tutorial's make_dataset does for 5 days.
    temps = core.weather_series(
        n=length + 1, phi=phi, sigma=sigma, start=start, seed=seed, mean_level=mean_level
    )
    X, y = core.make_windows(temps, length)
    return X[0], float(y[0])


def long_window(length: int, values: dict[str, Any]) -> tuple[np.ndarray, float]:
    """x (length,) and its target: a new sequence from the session's AR(2) settings and seed.

    The session's series may be too short for a 100-day window, so the panel makes its own.
    """
    kwargs = schema.weather_kwargs(values)
    kwargs.pop("n")
    return _long_window(length, **kwargs)


def vanishing_panel(params: dict) -> None:
    """‖∂L/∂h_t‖ per timestep on a long sequence, with the per-step factors that explain it."""
    hidden = int(np.shape(params["W_hh"])[0])
    st.subheader("Vanishing and exploding gradients")
    st.markdown(
        r"Walking back one day, BPTT multiplies the gradient by $W_{hh}$ and by "
        r"$\tanh'(a_t) = 1 - \tanh^2(a_t)$: `da = (1 - tanh(a_t)**2) * dh_next`, then "
        "`dh_next = W_hh.T @ da`, that is"
    )
    st.latex(
        r"\frac{\partial L}{\partial h_{t-1}} = W_{hh}^\top \left( (1 - \tanh^2 a_t) \odot "
        r"\frac{\partial L}{\partial h_t} \right)"
    )
    st.markdown(
        "Over many days these factors multiply up, so the gradient that reaches the first days "
        "can shrink to nothing (**vanishing**) or blow up (**exploding**). Try a long sequence "
        "and a stronger $W_{hh}$."
    )
    left, right = st.columns(2)
    with left:
        state.bound_widget(schema.BY_NAME["vg_len"], st.slider)
    with right:
        state.bound_widget(schema.BY_NAME["vg_scale"], st.slider)
    values = state.values()
    try:
        x, target = long_window(values["vg_len"], values)
        report = memory.memory_report(params, x, target, values["vg_scale"])
    except ValueError as err:
        st.error(str(err))
        return
    own = (
        f"your model's own $W_{{hh}}$ is ${tex.number(np.ravel(params['W_hh'])[0], '.4g')}$"
        if hidden == 1
        else "your model's own $W_{hh}$ has "
        f"$\\rho = {tex.number(memory.spectral_radius(params['W_hh']), '.4g')}$"
    )
    st.caption(
        f"A new {values['vg_len']}-day sequence from the weather page's AR(2) settings and seed, "
        f"predicting day {values['vg_len'] + 1}; the other four parameters are your model's, "
        f"with $W_{{hh}}$ set by the slider ({own})."
    )
    if report.exact:
        overlay = (
            r"Orange dashed: the product $\left|\frac{\partial L}{\partial h_T}\right| "
            r"\prod_k |W_{hh} \tanh'(a_k)|$ over the days $k$ between $t$ and $T$. With one "
            r"hidden unit each step back multiplies by exactly $W_{hh} \tanh'(a_k)$, so it lies "
            "on the blue points. Below: that factor for each step; under the line 1 the gradient "
            "shrinks."
        )
    else:
        overlay = (
            r"Orange dashed: an upper bound. One step back multiplies by "
            r"$W_{hh}^\top \operatorname{diag}(\tanh'(a_t))$, which can stretch a vector by at "
            r"most $\lVert W_{hh} \rVert_2 \max \tanh'(a_t)$ (here "
            f"$\\lVert W_{{hh}} \\rVert_2 = {tex.number(report.w_norm, '.3g')}$, at least "
            f"$\\rho = {tex.number(report.w_scale, '.3g')}$), so the blue points never rise "
            "above it. It is loose: it assumes the worst direction at every step. Below: the "
            "measured gain of each step and its bound."
        )
    layout.chart(
        cached_figure(gradient_memory_figure, report),
        r"Blue: $\left\lVert \frac{\partial L}{\partial h_t} \right\rVert$, the size of "
        "`dh_next` when BPTT reaches $h_t$, on a log axis, where equal steps up mean multiplying "
        f"by the same number. {overlay} A cross marks an exact 0, which a log axis cannot show.",
        key="bptt_panels:memory",
    )
    st.markdown(regime_sentence(report.regime))


# --- 2. Gradient check --------------------------------------------------------------------------
@st.cache_data(max_entries=128, show_spinner=False)
def _grad_check(
    param_key: tuple[tuple[str, tuple[int, ...], tuple[float, ...]], ...],
    x_key: tuple[float, ...],
    target: float,
) -> core.GradCheckReport:
    # Keyed by the exact parameter values (floats round-trip through tuples), so a rerun with the
    # same model and window is instant; st.cache_data hands each caller its own copy.
    params = {name: np.array(flat, dtype=float).reshape(shape) for name, shape, flat in param_key}
    return core.grad_check(params, np.array(x_key)[None, :], np.array([target]), eps=GRADCHECK_EPS)


def grad_check(params: dict, x: np.ndarray, target: float) -> core.GradCheckReport:
    """`core.grad_check` of one window x (T,) with its target, cached by the values."""
    key = tuple(
        (name, tuple(np.shape(params[name])), tuple(np.ravel(params[name]).astype(float).tolist()))
        for name in core.PARAM_NAMES
    )
    x_key = tuple(np.asarray(x, dtype=float).ravel().tolist())
    return _grad_check(key, x_key, float(target))


def gradcheck_panel(params: dict, x: np.ndarray, target: float) -> None:
    """Each BPTT gradient next to its central finite difference, with the error and a pass mark."""
    st.subheader("Check BPTT against finite differences")
    st.markdown(
        r"A finite difference needs no calculus: nudge one parameter $\theta$ by $\pm\varepsilon$ "
        f"($\\varepsilon = {tex.number(GRADCHECK_EPS, 'g')}$), rerun the forward pass, and see how "
        "the loss moves:"
    )
    st.latex(r"\text{fd} = \frac{L(\theta + \varepsilon) - L(\theta - \varepsilon)}{2\varepsilon}")
    st.markdown(
        r"If BPTT's gradient $g = \frac{\partial L}{\partial \theta}$ agrees with fd for every "
        "entry, the chain rule was applied correctly."
    )
    try:
        report = grad_check(params, x, target)
    except ValueError as err:
        st.error(str(err))
        return
    entries = gradcheck_entries(report)
    columns = {
        "BPTT gradient g": NUMBER,
        "finite difference fd": NUMBER,
        "|g − fd|": ERROR,
        "error": ERROR,
        "largest |g|": NUMBER,
        "max error": ERROR,
    }
    if len(entries) == len(core.PARAM_NAMES):  # H = 1: one entry per parameter
        st.dataframe(
            entries.drop(columns="entry"), hide_index=True, column_config=columns, width="stretch"
        )
    else:
        st.dataframe(
            gradcheck_summary(report), hide_index=True, column_config=columns, width="stretch"
        )
        with st.expander(f"All {len(entries)} entries"):
            st.dataframe(entries, hide_index=True, column_config=columns, width="stretch")
    failed = [name for name in core.PARAM_NAMES if not report.passed_for(name)]
    if failed:
        names = ", ".join(f"${ledger_tex.TEX_NAMES[name]}$" for name in failed)
        st.error(
            f"{names}: BPTT and the finite differences disagree by more than the tolerance "
            f"${tex.number(report.tolerance, 'g')}$.",
            icon=":material/error:",
        )
    else:
        st.success(
            f"All {len(entries)} entries pass: BPTT and the finite differences agree within the "
            f"tolerance ${tex.number(report.tolerance, 'g')}$.",
            icon=":material/check_circle:",
        )
    layout.chart(
        cached_figure(gradcheck_figure, report),
        r"The error is $|g - \text{fd}| \,/\, \max(|g| + |\text{fd}|,\ \text{floor})$, one "
        "point per entry; below the dashed line passes. It never reaches 0: the loss is stored to "
        "about 16 digits, and subtracting two nearly equal losses and dividing by "
        r"$2\varepsilon$ leaves rounding noise (and $\varepsilon$ itself adds an error of order "
        r"$\varepsilon^2$). Gradients smaller than that noise cannot be resolved, so they are "
        "judged by their absolute difference: the denominator never drops below the floor, here "
        f"${tex.number(report.floor, '.1e')}$ (it grows with the loss, which sets the size of the "
        "noise).",
        key="bptt_panels:gradcheck",
    )


# --- 3. Clipping and one SGD step ---------------------------------------------------------------
def _apply(new_params: dict, before: float, after: float, on_apply: Callable[[dict], None]):
    # A button callback: runs before the rerun, so the page redraws with the updated model.
    try:
        on_apply(new_params)
    except ValueError as err:  # shown by the panel as a sentence, never as a traceback
        st.session_state[LAST_STEP] = str(err)
        return
    st.session_state[LAST_STEP] = (before, after)


def clipping_panel(
    params: dict, x: np.ndarray, target: float, on_apply: Callable[[dict], None]
) -> None:
    """The gradients before and after clipping, and the update θ ← θ − η·∇θ with its loss."""
    st.subheader("Clipping and one SGD step")
    st.markdown(
        "Before updating, the tutorial clips every gradient entry into $[-1, 1]$ "
        "(`np.clip(dW, -clip_value, clip_value)`), then takes one step of gradient descent, "
        r"$\theta \leftarrow \theta - \eta \frac{\partial L}{\partial \theta}$, for each of "
        "$W_{xh}$, $W_{hh}$, $b_h$, $W_{hy}$, $b_y$."
    )
    lr_col, on_col, clip_col = st.columns(3)
    with lr_col:
        state.bound_widget(schema.BY_NAME["sgd_lr"], st.number_input, format="%.2e")
    with on_col:
        state.bound_widget(schema.BY_NAME["sgd_clip_on"], st.toggle)
    values = state.values()
    with clip_col:
        state.bound_widget(
            schema.BY_NAME["sgd_clip"], st.number_input, disabled=not values["sgd_clip_on"]
        )
    lr = values["sgd_lr"]
    clip = values["sgd_clip"] if values["sgd_clip_on"] else None
    try:
        x_batch = np.asarray(x, dtype=float)[None, :]  # (1, T)
        result = core.backward(params, core.forward(params, x_batch), np.array([float(target)]))
        effect = memory.clip_effect(result.grads, clip, lr)
    except ValueError as err:
        st.error(str(err))
        return

    layout.chart(
        cached_figure(clipping_figure, effect, clip),
        r"Each bar is one gradient entry $\frac{\partial L}{\partial \theta}$ on this window "
        "(top: from BPTT; bottom: what the update uses). Vermillion bars were outside the yellow "
        "band and were cut to its edge.",
        key="bptt_panels:clipping",
    )
    st.markdown(_clipping_sentence(effect, clip, lr))

    new_params = core.copy_params(params)
    try:
        loss_before = core.sgd_step(new_params, x_batch, [float(target)], lr=lr, clip=clip)
        loss_after = core.mse(new_params, x_batch, [float(target)])
    except ValueError as err:  # core.TrainingDiverged is a ValueError
        st.error(str(err))
        return
    with st.expander("The update, entry by entry", expanded=len(effect.before) <= 5):
        st.dataframe(
            update_table(params, new_params, result.grads, clip),
            hide_index=True,
            column_config={
                name: st.column_config.NumberColumn(format="%.6e")
                for name in ("θ", "∇θ", "clipped ∇θ", "Δθ = −η·clipped ∇θ", "θ after")
            },
            width="stretch",
        )
    before_col, after_col = st.columns(2)
    before_col.metric(r"Loss $L = (y - \text{target})^2$ now", f"{loss_before:.8g}")
    after_col.metric(
        "Loss after this step",
        f"{loss_after:.8g}",
        delta=f"{loss_after - loss_before:+.3g}",
        delta_color="inverse",
        help="Computed on a copy of the model: nothing changes until you apply the step.",
    )
    st.button(
        "Apply one SGD step",
        on_click=_apply,
        args=(new_params, loss_before, loss_after, on_apply),
        help="Replace the model with the updated parameters; every panel on this page then shows "
        "the new model.",
        key="bptt_panels:apply",
    )
    applied = st.session_state.pop(LAST_STEP, None)
    if isinstance(applied, str):
        st.error(f"The step was not applied. {applied}")
    elif applied is not None:
        st.success(
            f"Step applied: on this window the loss went from {applied[0]:.8g} to "
            f"{applied[1]:.8g}. The numbers above are for the next step.",
            icon=":material/check_circle:",
        )


def _clipping_sentence(effect: memory.ClipEffect, clip: float | None, lr: float) -> str:
    """What clipping did here, in words (checked against the numbers, not copied from a claim)."""
    count, total = int(effect.clipped.sum()), effect.clipped.shape[0]
    largest = float(np.abs(effect.before).max())
    limit = tex.number(clip, "g") if clip is not None else ""

    def n(value: float) -> str:
        return tex.number(value, ".3g")

    if clip is None:
        return (
            "Clipping is off: the step uses the raw gradient, whose largest entry is "
            f"${n(largest)}$, so that parameter moves by "
            f"$\\eta \\cdot {n(largest)} = {n(lr * largest)}$."
        )
    if count == 0:
        return (
            f"No entry is larger than ${limit}$ here, so clipping changes nothing: it only acts "
            f"on large gradients. Each parameter moves by $\\eta\\,|g| \\le {n(effect.max_move)}$."
        )
    return (
        f"{count} of {total} entries were larger than ${limit}$ and were cut to $\\pm {limit}$. "
        "Because each entry is cut on its own, clipping changes the gradient's **direction**, not "
        "only its length: the clipped gradient points "
        f"${effect.angle_deg:.1f}^\\circ$ away from the true one (its length "
        f"$\\lVert \\nabla_\\theta L \\rVert$ goes from ${n(effect.norm_before)}$ to "
        f"${n(effect.norm_after)}$). With $\\eta = {tex.number(lr, 'g')}$ no parameter can move "
        f"more than $\\eta \\cdot {limit} = {n(lr * clip)}$ in one step, however large its "
        "gradient; "
        "every entry that was cut moves by the same amount, however different their gradients "
        "were."
    )
