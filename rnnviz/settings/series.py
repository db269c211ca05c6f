"""The weather page's settings: the AR(2) process and the highlighted window."""

from __future__ import annotations

from rnnviz.settings.setting import Setting

# --- The series (weather page) -----------------------------------------------------------------
SERIES = (
    Setting(
        "phi1",
        0.7,
        float,
        -2.0,
        2.0,
        "φ1, weight of yesterday",
        "How much of yesterday's temperature carries into today (the tutorial's 0.7).",
    ),
    Setting(
        "phi2",
        0.2,
        float,
        -1.0,
        1.0,
        "φ2, weight of the day before",
        "How much of the day before yesterday carries into today (the tutorial's 0.2).",
    ),
    Setting(
        "sigma",
        0.5,
        float,
        0.0,
        5.0,
        "σ, noise standard deviation",
        "The size of each day's random surprise: N(0, σ) with σ = 0.5 in the tutorial.",
    ),
    Setting(
        "n",
        100,
        int,
        8,
        2000,
        "n, number of days",
        "How many days to generate; the tutorial uses 100.",
    ),
    Setting(
        "t0",
        20.0,
        float,
        -50.0,
        50.0,
        "T_0, first start value",
        "The temperature on the first seed day (the tutorial's 20).",
    ),
    Setting(
        "t1",
        21.0,
        float,
        -50.0,
        50.0,
        "T_1, second start value",
        "The temperature on the second seed day (the tutorial's 21).",
    ),
    Setting(
        "seed",
        0,
        int,
        0,
        2**31 - 1,
        "Noise seed",
        "The same seed gives every student exactly the same series.",
    ),
    Setting(
        "mu",
        0.0,
        float,
        -50.0,
        50.0,
        "μ, mean level (not in the tutorial)",
        "The level the series settles around. The tutorial has none (μ = 0), so its series "
        "decays from 20 towards 0; set, say, 15 for a series that hovers at a realistic "
        "temperature.",
    ),
)

WINDOW = Setting(
    "win",
    1,
    int,
    1,
    1999,
    "Window (first day)",
    "Which 5-day window to highlight: days w … w+4 are the input, day w+5 the target.",
)

SEQ_LEN = 5  # the tutorial's window length; the training page will make it a setting
