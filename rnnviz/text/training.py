"""The training page's sentences about a run: its settings in one line, why it diverged, and
what the fit and the truncation experiment measured. Every number comes from the caller; the
symbols are typeset (`text.tex`), except in `describe`'s plain form, which is also a model's
label on other pages (a legend entry)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from rnnviz import core
from rnnviz.runs import TrainRequest
from rnnviz.text.numbers import lr_text
from rnnviz.text.tex import number, rate


def update_mode(batch_size: int | None) -> str:
    """'per-sample SGD', 'full batch' or 'mini-batches of b'."""
    if batch_size is None:
        return "full batch"
    return "per-sample SGD" if batch_size == 1 else f"mini-batches of {batch_size}"


def describe(request: TrainRequest, typeset: bool = False) -> str:
    """The run's settings in one line: plain text ('H = 20, η = 1e-4, …', a model's label), or
    with its symbols typeset for Markdown ('$H = 20$, $\\eta = 10^{-4}$, …')."""
    clip, k = request.clip, request.truncate

    def maths(plain: str, tex: str | None = None) -> str:
        """One symbol in the form asked for; `tex` where its TeX differs from the plain text."""
        return f"${plain if tex is None else tex}$" if typeset else plain

    hidden = maths(f"H = {request.hidden_size}")
    lr = maths(f"η = {lr_text(request.lr)}", f"\\eta = {rate(request.lr)}")
    clipping = (
        "no clipping"
        if clip is None
        else "clip " + maths(f"±{clip:g}", r"\pm " + number(clip, "g"))
    )
    seq_len = maths(f"T = {request.seq_len}")
    depth = "" if k is None else ", truncated BPTT " + maths(f"k = {k}")
    return (
        f"{hidden}, {lr}, {request.epochs:,} epochs, {clipping}, {seq_len}, "
        f"{update_mode(request.batch_size)}, {request.scaling} inputs, weight seed "
        f"{request.seed}{depth}"
    )


def windows_sentence(request: TrainRequest, n_train: int) -> str:
    """Which windows training uses, and where the page measures days the model never saw."""
    T = request.seq_len
    test = f"the tutorial's test below (days 1–{T} → day {T + 1}) is one of them"
    if not request.holdout:
        where = "on fresh data" if request.observed is None else "only with a held-out tail"
        return (
            f"Like the tutorial, training uses all {n_train:,} windows of the series, and {test}: "
            "it trains and tests on the same windows. How well the model does on days it has "
            f"never seen is measured further down, {where}."
        )
    return (
        f"Training uses the {n_train:,} windows before the held-out tail (the last "
        f"{request.holdout} % of the windows), and {test}. The tail is never trained on: the "
        "model is scored on it further down."
    )


def max_step(lr: float, clip: float | None) -> str:
    """What clipping bounds in one update (a caption beside the clipping controls)."""
    if clip is None:
        return (
            "Without clipping one large gradient times $\\eta$ can throw the weights far away; "
            "at $\\eta = 0.1$ the tutorial's raw inputs make training blow up."
        )
    return (
        f"Clipping at $\\pm {number(clip, 'g')}$ caps every gradient entry, so one update moves "
        f"each parameter by at most $\\eta \\cdot c = {number(lr * clip, '.3g')}$. With the "
        "tutorial's $\\pm 1$ clipping each parameter moves at most $\\eta$ per step."
    )


def divergence(request: TrainRequest) -> str:
    """Why a run blew up, and how clipping and the learning rate relate (Markdown)."""
    step = (
        f"With clipping at $\\pm {number(request.clip, 'g')}$, one update moves each parameter "
        f"by at most $\\eta \\cdot c = {number(request.lr * request.clip, '.3g')}$"
        if request.clip is not None
        else "Without clipping nothing bounds a step: a gradient entry of 1,000 at "
        f"$\\eta = {rate(request.lr)}$ moves its parameter by "
        f"${number(1000 * request.lr, 'g')}$"
    )
    start = (
        "Raw temperatures near 20 make the first gradients large (the prediction $y$ starts "
        "near 0 and the targets near 15 to 20, so "
        "$\\partial L / \\partial y = 2(y - \\text{target})$ starts around $-30$ to $-40$)"
        if request.scaling == "raw"
        else "Even with standardised inputs the first gradients are of order 1 and more"
    )
    advice = (
        "Turn clipping on or lower $\\eta$." if request.clip is None else "Lower $\\eta$ or $c$."
    )
    return (
        f"**What happened.** {step}. {start}, so a large $\\eta$ throws $W_{{xh}}$ and "
        "$W_{hh}$ far away; $a_t$ becomes huge, the loss grows instead of shrinking and finally "
        "overflows. Clipping caps every gradient entry at $\\pm c$, so each parameter moves at "
        "most $\\eta \\cdot c$ per step: with the tutorial's $\\pm 1$ clipping, at most "
        f"$\\eta$. {advice} The charts show the model as it was before the failing step; no NaN "
        "is drawn."
    )


def fresh_verdict(fresh_mse: float, noise_floor: float) -> str:
    """The RNN's error on fresh data against the noise floor, or why it has no bar."""
    if not math.isfinite(fresh_mse):
        return (
            "On fresh data this model's predictions are too large to square in floating point "
            "(its weights blew up), so its bar is left out"
        )
    return (
        f"On fresh data the RNN's error is {fresh_mse:.3f}, {fresh_mse - noise_floor:+.3f} from "
        f"the noise floor $\\sigma^2 = {number(noise_floor, '.3g')}$ that no predictor can beat "
        "on average"
    )


def regime(series: Mapping[str, float]) -> str:
    """Whether the training windows and the fresh data come from the same regime: a start far
    from the mean level is a transient the fresh (stationary) series never shows."""
    if abs(series["t0"] - series["mu"]) > 3 * series["sigma"] + 1:
        return (
            f"The training data is mostly the decay from {series['t0']:g} towards "
            f"{series['mu']:g}, a different regime from the stationary fresh series, which hovers "
            "around that level: a low error on the training windows does not promise a low error "
            "there."
        )
    return (
        "This series starts near its mean level, so training and fresh data come from the same "
        "regime: the gap between the two RNN bars is what it learned about its own noise."
    )


def depth_tex(label: str) -> str:
    """A truncation run's label ('k = 2', 'full BPTT', as the chart's legend spells it) for a
    sentence: '$k = 2$', 'full BPTT'."""
    return f"${label}$" if label.startswith("k = ") else label


def truncation_sentence(results: dict[str, float | None], reference: core.Baselines) -> str:
    """What the truncation experiment measured, in words (numbers from the measurement).
    results : the fresh-data MSE of each run, keyed by its label ('k = 1', …, 'full BPTT')."""
    shown = {label: v for label, v in results.items() if v is not None and math.isfinite(v)}
    parts = ", ".join(
        f"{depth_tex(label)}: {v:.3f} ({v - reference.noise_floor:+.3f} from the floor)"
        for label, v in shown.items()
    )
    text = (
        f"Measured on {reference.n_fresh:,} fresh windows: {parts}. The best one-lag predictor "
        f"($a + b \\cdot T_{{t-1}}$, yesterday's temperature) scores {reference.one_lag:.3f}"
    )
    if shown:
        text += f"; the lowest error here is {depth_tex(min(shown, key=shown.get))}'s"
    first = shown.get("k = 1")
    if first is not None:
        side = "above" if first > reference.one_lag else "below"
        text += f"; $k = 1$ lands {side} it, by {abs(first - reference.one_lag):.3f}"
    return text + ". Differences under about 0.01 are within the measurement's spread."
