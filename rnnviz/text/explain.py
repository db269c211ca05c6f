"""Sentences for a student, written from the engine's records: the core returns numbers and kinds,
this module says what they mean, in the tutorial's symbols (Markdown, for `st.markdown`; the
BPTT page's sentence typesets them, see `text.tex`)."""

from __future__ import annotations

from rnnviz.core.data import Stationarity
from rnnviz.core.memory import Regime, RegimeKind
from rnnviz.text.numbers import MINUS
from rnnviz.text.tex import number, partial

# A mean per-step gain outside [1/1.1, 1.1] shrinks or grows by 10x within ~25 steps: worth a hint
# that a longer sequence would vanish or explode even when this one is still "roughly steady".
STEADY_GAIN = 1.1
GRAD = partial("L", "h_t")  # ∂L/∂h_t, typeset


def regime_sentence(regime: Regime) -> str:
    """What happens to the gradient on the walk back from h_T to h_1, for the BPTT page."""
    seq_len, zero_from, total = regime.seq_len, regime.zero_from, regime.total_change
    if regime.kind == RegimeKind.NONE:
        return (
            f"No gradient at all: ${partial('L', f'h_{{{seq_len}}}')}$ is exactly 0 (the "
            "prediction equals the target, or $W_{hy} = 0$), so there is nothing to carry back."
        )
    size = f"$\\left\\lVert {GRAD} \\right\\rVert$"
    ratio = (
        f"$\\left\\lVert {partial('L', 'h_{t-1}')} \\right\\rVert \\big/ "
        f"\\left\\lVert {GRAD} \\right\\rVert$"
    )
    gain_words = (
        f"each step back multiplies {size} by about ${number(regime.mean_gain, '.3g')}$ "
        f"(the geometric mean of the per-step gains {ratio})"
    )
    whole = (
        f"$\\left\\lVert {partial('L', 'h_1')} \\right\\rVert = {number(total, '.2g')} "
        f"\\times \\left\\lVert {partial('L', f'h_{{{seq_len}}}')} \\right\\rVert$"
    )
    if regime.kind == RegimeKind.VANISHING:
        if zero_from is not None and regime.w_scale == 0:
            change = (
                f"from $h_{{{zero_from}}}$ back the gradient is exactly 0: with $W_{{hh}} = 0$, "
                "$h_{t-1}$ has no effect on $h_t$, so the chain is cut after one step"
            )
        elif zero_from is not None:
            change = (
                f"each step back multiplies {size} by about "
                f"${number(regime.nonzero_gain, '.3g')}$ (the geometric mean of the non-zero "
                f"per-step gains), and from $h_{{{zero_from}}}$ back it is exactly 0: the product "
                "fell below the smallest number a computer can store (about "
                "$5 \\times 10^{-324}$), or $\\tanh'(a_t)$ rounded to 0 (it does once $|a_t|$ "
                "is above about 19)"
            )
        else:
            change = f"{gain_words}, so only {whole}"
        sentence = (
            f"**Vanishing:** {change}. The early days $x_1, x_2, \\ldots$ barely change the update "
            "of $W_{xh}$, $W_{hh}$ and $b_h$: the network cannot learn from them."
        )
    elif regime.kind == RegimeKind.EXPLODING:
        sentence = (
            f"**Exploding:** {gain_words}, so {whole}. The earliest days dominate the update; one "
            "such step can throw the weights far away, which is what the tutorial's clipping "
            "guards against."
        )
    else:
        sentence = (
            f"**Roughly steady:** {gain_words}; over these {seq_len - 1} steps the size changes by "
            f"a factor of ${number(total, '.2g')}$, so the gradient reaches $x_1$ nearly intact."
        )
        if regime.mean_gain < 1.0 / STEADY_GAIN:
            sentence += " A longer sequence would make it vanish."
        elif regime.mean_gain > STEADY_GAIN:
            sentence += " A longer sequence would make it explode."
    if regime.surprise:
        w_name = "|W_{hh}|" if regime.hidden == 1 else "\\rho(W_{hh})"
        called = "" if regime.hidden == 1 else "the spectral radius "
        sentence += (
            f" **Surprise:** {called}${w_name} = {number(regime.w_scale, '.3g')}$ is larger than "
            "1, yet the gradient vanishes. A large $W_{hh}$ pushes $a_t$, the pre-activation, far "
            "from 0, where tanh is flat: $\\tanh'(a_t) = 1 - \\tanh^2(a_t)$ averages "
            f"${number(regime.mean_dtanh, '.2g')}$ here, and that small number multiplies the "
            "gradient at every step back."
        )
    return sentence


def stationarity_sentence(stationarity: Stationarity) -> str:
    """Whether the AR(2) weather settles down, and why, for the weather page (Markdown)."""
    shown = " and ".join(
        f"${format_root(root).replace(MINUS, '-')}$" for root in stationarity.roots
    )
    largest = stationarity.largest_root
    polynomial = "$z^2 - \\varphi_1 z - \\varphi_2$"
    if stationarity.stationary:
        return (
            f"Stationary: the roots of {polynomial} are {shown}, both inside the unit circle, "
            f"so a disturbance shrinks by a factor of about {largest:.3f} per day and the series "
            "settles around its mean."
        )
    return (
        f"Not stationary: the roots of {polynomial} are {shown}, and the largest has size "
        f"$|z| = {largest:.3f} \\ge 1$, so disturbances never die out and the series wanders off "
        "or explodes. Stationary choices satisfy $\\varphi_1 + \\varphi_2 < 1$, "
        "$\\varphi_2 - \\varphi_1 < 1$ and $|\\varphi_2| < 1$."
    )


def format_root(root: complex) -> str:
    """A root to 3 decimals: ``0.918``, or ``0.350 − 0.606i`` with a real minus sign."""
    if abs(root.imag) < 1e-12:
        return f"{root.real:.3f}"
    return f"{root.real:.3f} {'+' if root.imag >= 0 else '−'} {abs(root.imag):.3f}i"
