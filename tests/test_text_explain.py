"""rnnviz.text.explain: the sentences the pages show, written from the core's records."""

import numpy as np
import pytest

from rnnviz import core
from rnnviz.core import memory
from rnnviz.text import explain


def constant_params(W_hh: float, b_h: float) -> dict:
    """A scalar RNN whose pre-activation a_t we can predict by hand."""
    return {
        "W_xh": np.array([[0.0]]),
        "W_hh": np.array([[W_hh]]),
        "b_h": np.array([b_h]),
        "W_hy": np.array([[1.0]]),
        "b_y": np.array([0.0]),
    }


def regime_words(norms, w_scale=0.8, mean_dtanh=0.5, hidden=1) -> str:
    return explain.regime_sentence(
        memory.classify_regime(np.array(norms), w_scale, mean_dtanh, hidden)
    )


# ---- the gradient's regime ---------------------------------------------------------------------


def test_vanishing_names_the_geometric_mean_and_the_change():
    sentence = regime_words(0.5 ** np.arange(10, 0, -1))
    size = r"\left\lVert \frac{\partial L}{\partial h_t} \right\rVert"
    assert sentence == (
        f"**Vanishing:** each step back multiplies ${size}$ by about $0.5$ (the geometric mean of "
        r"the per-step gains $\left\lVert \frac{\partial L}{\partial h_{t-1}} \right\rVert "
        rf"\big/ {size}$), so only $\left\lVert \frac{{\partial L}}{{\partial h_1}} \right\rVert "
        r"= 0.002 \times \left\lVert \frac{\partial L}{\partial h_{10}} \right\rVert$. "
        r"The early days $x_1, x_2, \ldots$ barely change the update of $W_{xh}$, $W_{hh}$ and "
        "$b_h$: the network cannot learn from them."
    )


def test_exact_zeros_are_counted_and_an_underflow_is_explained_with_the_gains_before_it():
    assert "from $h_{2}$ back it is exactly 0" in regime_words([0.0, 0.0, 1e-5, 1.0])
    sentence = regime_words([0.0, 1e-300, 1e-150, 1.0], w_scale=2.0, mean_dtanh=0.01)
    assert "smallest number" in sentence and r"by about $1 \times 10^{-150}$" in sentence
    assert "**Surprise:** $|W_{hh}| = 2$ is larger than 1" in sentence


def test_w_hh_zero_cuts_the_chain_and_no_gain_is_quoted():
    x, target = np.ones(10), 3.0
    report = memory.memory_report(core.init_params(1, seed=0), x, target, 0.0)
    sentence = explain.regime_sentence(report.regime)
    assert "$W_{hh} = 0$" in sentence and "by about $0" not in sentence


def test_a_saturated_tanh_is_the_surprise_a_large_w_hh_brings():
    report = memory.memory_report(constant_params(0.0, 2.0), np.ones(30), 5.0, 4.0)
    sentence = explain.regime_sentence(report.regime)
    assert sentence.startswith("**Vanishing:**")
    assert "**Surprise:** $|W_{hh}| = 4$ is larger than 1" in sentence and r"\tanh'" in sentence
    wide = memory.classify_regime(np.array([1e-3, 1e-2, 1.0]), 3.0, 0.1, hidden=20)
    assert r"the spectral radius $\rho(W_{hh}) = 3$" in explain.regime_sentence(wide)


@pytest.mark.parametrize(
    "norms, ending",
    [
        (0.6 ** np.arange(4, 0, -1), " A longer sequence would make it vanish."),
        (1.3 ** np.arange(4, 0, -1), " A longer sequence would make it explode."),
        (np.full(5, 3.0), "so the gradient reaches $x_1$ nearly intact."),
    ],
)
def test_a_steady_short_sequence_hints_at_what_a_longer_one_would_do(norms, ending):
    sentence = regime_words(norms)
    assert sentence.startswith("**Roughly steady:**") and sentence.endswith(ending)


def test_exploding_and_none():
    assert regime_words(2.0 ** np.arange(20, 0, -1)).startswith("**Exploding:** each step")
    assert regime_words([1.0, 2.0, 0.0]) == (
        r"No gradient at all: $\frac{\partial L}{\partial h_{3}}$ is exactly 0 (the prediction "
        "equals the target, or $W_{hy} = 0$), so there is nothing to carry back."
    )


# ---- stationarity ------------------------------------------------------------------------------


def test_the_tutorials_process_is_stationary_and_says_how_fast_it_settles():
    assert explain.stationarity_sentence(core.ar2_stationarity((0.7, 0.2))) == (
        r"Stationary: the roots of $z^2 - \varphi_1 z - \varphi_2$ are $0.918$ and $-0.218$, "
        "both inside the unit circle, so a disturbance shrinks by a factor of about 0.918 per day "
        "and the series settles around its mean."
    )


def test_a_non_stationary_process_says_which_choices_are():
    sentence = explain.stationarity_sentence(core.ar2_stationarity((1.0, 0.1)))
    assert sentence.startswith(
        r"Not stationary: the roots of $z^2 - \varphi_1 z - \varphi_2$ are $1.092$ and $-0.092$"
    )
    assert r"$|z| = 1.092 \ge 1$" in sentence
    assert (
        r"$\varphi_1 + \varphi_2 < 1$, $\varphi_2 - \varphi_1 < 1$ and $|\varphi_2| < 1$"
        in sentence
    )


def test_complex_roots_are_written_with_a_real_minus_sign_and_typeset_with_a_hyphen():
    stationarity = core.ar2_stationarity((0.7, -0.5))
    assert explain.format_root(stationarity.roots[0]) in ("0.350 + 0.614i", "0.350 − 0.614i")
    # KaTeX draws the hyphen as a minus sign; U+2212 inside $…$ would be a different symbol.
    assert "$0.350 + 0.614i$ and $0.350 - 0.614i$" in explain.stationarity_sentence(stationarity)
