"""The weather page's settings: the AR(2) process and the highlighted window."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rnnviz import core
from rnnviz.settings.setting import Setting

SEQ_LEN = core.TUTORIAL_SEQ_LEN  # the window length of the weather, stepper and BPTT pages

SERIES = (
    Setting(
        "phi1",
        core.TUTORIAL_PHI[0],
        float,
        -2.0,
        2.0,
        "φ₁, weight of yesterday",
        r"$\varphi_1$: how much of yesterday's temperature $T_{t-1}$ carries into today's "
        r"$T_t$ (the tutorial's $\varphi_1 = 0.7$).",
        step=0.05,
    ),
    Setting(
        "phi2",
        core.TUTORIAL_PHI[1],
        float,
        -1.0,
        1.0,
        "φ₂, weight of the day before",
        r"$\varphi_2$: how much of the day before yesterday, $T_{t-2}$, carries into today's "
        r"$T_t$ (the tutorial's $\varphi_2 = 0.2$).",
        step=0.05,
    ),
    Setting(
        "sigma",
        core.TUTORIAL_SIGMA,
        float,
        0.0,
        5.0,
        "σ, noise standard deviation",
        r"The size of each day's random surprise, $\mathcal{N}(0, \sigma)$, with "
        r"$\sigma = 0.5$ in the tutorial.",
        step=0.05,
    ),
    Setting(
        "n",
        core.TUTORIAL_N,
        int,
        8,
        2000,
        "n, number of days",
        "How many days to generate; the tutorial uses $n = 100$.",
        step=10,
    ),
    Setting(
        "t0",
        core.TUTORIAL_START[0],
        float,
        -50.0,
        50.0,
        "T₀, first start value",
        "$T_0$, the temperature on the first seed day (the tutorial's 20).",
        step=1.0,
    ),
    Setting(
        "t1",
        core.TUTORIAL_START[1],
        float,
        -50.0,
        50.0,
        "T₁, second start value",
        "$T_1$, the temperature on the second seed day (the tutorial's 21).",
        step=1.0,
    ),
    Setting(
        "seed",
        0,
        int,
        0,
        2**31 - 1,
        "Noise seed",
        "The same seed gives every student exactly the same series.",
        step=1,
    ),
    Setting(
        "mu",
        0.0,
        float,
        -50.0,
        50.0,
        "μ, mean level (not in the tutorial)",
        r"$\mu$, the level the series settles around. The tutorial has none ($\mu = 0$), so its "
        "series decays from 20 towards 0; set, say, 15 for a series that hovers at a realistic "
        "temperature.",
        step=1.0,
    ),
)

# Where the series comes from: the tutorial's generator, or a real series bundled with the app
# (rnnviz/files/bundled.py; a test holds the two lists equal). An uploaded file is not a
# setting: it lives in the session only and cannot travel in a link.
GENERATED = "generated"
BUNDLED_NAMES = ("seattle-max", "seattle-min")
SOURCE = Setting(
    "data",
    GENERATED,
    str,
    label="Series",
    help="The tutorial's generated AR(2) weather, or real daily temperatures measured at a "
    "weather station (public-domain NOAA data shipped with the app).",
    choices=(GENERATED, *BUNDLED_NAMES),
)

WINDOW = Setting(
    "win",
    1,
    int,
    1,
    1999,
    "Window (first day)",
    r"Which 5-day window to highlight: days $w, \ldots, w+4$ are the input, day $w+5$ the "
    "target.",
)


def weather_kwargs(values: Mapping[str, Any]) -> dict[str, Any]:
    """The series settings (by their names in SERIES) as keyword arguments of
    `core.weather_series`; the one place where the two spellings meet."""
    return {
        "n": values["n"],
        "phi": (values["phi1"], values["phi2"]),
        "sigma": values["sigma"],
        "start": (values["t0"], values["t1"]),
        "seed": values["seed"],
        "mean_level": values["mu"],
    }
