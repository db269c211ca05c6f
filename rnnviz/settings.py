"""Every user-facing setting, declared once: name in the URL, default, bounds, and a sentence.

Pure Python (no streamlit): the UI binds widgets and query parameters to these declarations, and
the same bounds are enforced whatever a URL or a crafted request says. Values outside the bounds
or that do not parse fall back to the default with a notice a page shows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One setting: `name` is its URL key and session-state suffix.

    kind : int, float, bool or str;  lo, hi : inclusive bounds (numbers only)
    choices : the allowed values of a str setting
    label : the widget's label;  help : one sentence for a beginner
    """

    name: str
    default: Any
    kind: type
    lo: float | None = None
    hi: float | None = None
    label: str = ""
    help: str = ""
    choices: tuple[str, ...] = ()

    def parse(self, raw: Any) -> Any:
        """`raw` (a URL string or a widget value) as a valid value, or ValueError."""
        if self.kind is str:
            if str(raw) not in self.choices:
                allowed = ", ".join(self.choices)
                raise ValueError(f"{self.label or self.name}: {raw!r} is not one of {allowed}.")
            return str(raw)
        if self.kind is bool:
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"{self.label or self.name}: expected true or false, got {raw!r}.")
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"{self.label or self.name}: {raw!r} is not a number.") from None
        if not math.isfinite(number):
            raise ValueError(f"{self.label or self.name}: {raw!r} is not a finite number.")
        if self.kind is int:
            if not number.is_integer():
                raise ValueError(f"{self.label or self.name}: {raw!r} is not a whole number.")
            number = int(number)
        if (self.lo is not None and number < self.lo) or (self.hi is not None and number > self.hi):
            raise ValueError(
                f"{self.label or self.name}: {raw} is outside the allowed range "
                f"{self.format(self.lo)} … {self.format(self.hi)}."
            )
        return number

    def format(self, value: Any) -> str:
        """The URL spelling of `value`; floats use repr so they round-trip exactly."""
        if self.kind is bool:
            return "1" if value else "0"
        if self.kind is int:
            return str(int(value))
        if self.kind is str:
            return str(value)
        return repr(float(value))


def from_query(
    query: Mapping[str, Any], settings: Iterable[Setting]
) -> tuple[dict[str, Any], list[str]]:
    """Values for `settings` read from URL query parameters, and notices for rejected ones.

    Missing keys take their defaults silently; present but invalid ones take their defaults and
    add a notice ("… was ignored: …"). Keys that belong to no setting are left alone.
    """
    values, notices = {}, []
    for setting in settings:
        raw = query.get(setting.name)
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else None
        if raw is None:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as err:
            values[setting.name] = setting.default
            notices.append(
                f"The link's value for {setting.label or setting.name} was ignored: {err}"
            )
    return values, notices


def to_query(values: Mapping[str, Any], settings: Iterable[Setting]) -> dict[str, str]:
    """The URL query parameters for `values`: only settings that differ from their defaults."""
    return {
        s.name: s.format(values[s.name])
        for s in settings
        if s.name in values and values[s.name] != s.default
    }


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

# --- Per-page settings: each page's owner edits only its own tuple ----------------------------
# The model the stepper and BPTT pages look at (rnnviz/ui/model.py). The five scalar parameters
# are overrides: they count only while `edited` is on, so a link carries hand-edited values exactly
# and an unedited model is known by its seed alone.
MODEL_SOURCES = ("scalar", "vector", "trained")
SCALAR_PARAM_HELP = {
    "W_xh": "input → hidden: how strongly today's temperature x_t pushes the pre-activation a_t.",
    "W_hh": "hidden → hidden, the recurrent weight: how much of yesterday's memory h_(t−1) "
    "carries into a_t.",
    "b_h": "the hidden bias, added to a_t every day.",
    "W_hy": "hidden → output: how the last memory h_T becomes the prediction y.",
    "b_y": "the output bias, added to y.",
}
MODEL: tuple[Setting, ...] = (
    Setting(
        "model",
        "scalar",
        str,
        label="Model",
        help="The scalar RNN has one hidden unit and the tutorial's five numbers; the vectorized "
        "RNN has H hidden units; the trained model is the one trained on page 4 in this session.",
        choices=MODEL_SOURCES,
    ),
    Setting(
        "model_h",
        8,
        int,
        2,
        16,
        "H, hidden units",
        "How many hidden units the vectorized RNN has (the tutorial's has 20; 16 at most here).",
    ),
    Setting(
        "model_seed",
        0,
        int,
        0,
        2**31 - 1,
        "Initialisation seed",
        "The tutorial's random start, weights randn·0.01 and biases randn, drawn from this seed: "
        "the same seed gives every student the same model.",
    ),
    Setting(
        "edited",
        False,
        bool,
        label="Scalar parameters edited by hand",
        help="On once you change one of the five scalar parameters; their values then travel in "
        "the link.",
    ),
    *(
        Setting(name, 0.0, float, -100.0, 100.0, name, f"{name}, {text}")
        for name, text in SCALAR_PARAM_HELP.items()
    ),
)
STEPPER: tuple[Setting, ...] = (
    Setting(
        "fstep",
        0,
        int,
        0,
        SEQ_LEN + 1,
        "Forward step",
        "0: nothing computed yet, h_0 = 0; t = 1…5: day t has been read; 6: the output y and the "
        "loss.",
    ),
)
BPTT: tuple[Setting, ...] = (
    Setting(
        "bstep",
        0,
        int,
        0,
        SEQ_LEN + 1,
        "Backward step",
        "0: the finished forward pass; 1: Step A, through the output; then one step per day, "
        "t = 5 down to 1.",
    ),
    Setting(
        "play",
        False,
        bool,
        label="Play in the browser",
        help="Show the backward pass as an animation with its own Play and Pause buttons; the "
        "ledger travels inside the picture.",
    ),
)
GRADIENT_PANELS: tuple[Setting, ...] = (  # rnnviz/ui/bptt_panels.py (vanishing, check, clipping)
    Setting(
        "vg_len",
        50,
        int,
        2,
        100,
        "T, sequence length",
        "How many days the long sequence has: BPTT walks back through all of them, from h_T to "
        "h_1. The sequence is new, generated from the weather page's AR(2) settings and seed.",
    ),
    Setting(
        "vg_scale",
        1.0,
        float,
        0.0,
        4.0,
        "W_hh (its spectral radius ρ for H > 1)",
        "How strongly yesterday's memory h_(t−1) feeds into a_t. For the scalar RNN this is W_hh "
        "itself; for H > 1 the model's W_hh is rescaled so its largest |eigenvalue| is this.",
    ),
    Setting(
        "sgd_lr",
        1e-4,
        float,
        1e-7,
        1.0,
        "η, learning rate",
        "How far one step moves each parameter against its gradient: θ ← θ − η·∇θ. The "
        "tutorial's is 0.0001.",
    ),
    Setting(
        "sgd_clip_on",
        True,
        bool,
        label="Clip the gradients",
        help="The tutorial clips every gradient entry into [−1, 1] before the update.",
    ),
    Setting(
        "sgd_clip",
        1.0,
        float,
        0.01,
        100.0,
        "Clipping value",
        "Each gradient entry is forced into [−value, value]; the tutorial's clip_value is 1.0.",
    ),
)
# pages/training.py (rnnviz/ui/training.py). Defaults are the tutorial's RNNPredictor run.
UPDATE_MODES = ("per-sample", "mini-batch", "full batch")
SCALINGS = ("raw", "standardised")
# The learning-rate slider's log grid; a link may hold any value in between (it is added).
LR_GRID = (1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1)
MAX_COMPARE = 4  # runs compared side by side, trained together as one computation
COMPARE_LR_DEFAULTS = (1e-4, 1e-3, 1e-2, 1e-1)
TRAINING: tuple[Setting, ...] = (
    Setting(
        "hidden",
        20,
        int,
        1,
        64,
        "H, hidden units",
        "How many numbers the hidden state h_t holds: the RNN's memory. The tutorial uses 20.",
    ),
    Setting(
        "lr",
        1e-4,
        float,
        1e-5,
        1e-1,
        "η, learning rate",
        "How far each update moves every parameter against its gradient, θ ← θ − η·∇θ "
        "(log scale). The tutorial's 0.0001 is slow but safe.",
    ),
    Setting(
        "epochs",
        2500,
        int,
        1,
        10_000,
        "Epochs",
        "How many times training walks through all the windows; the tutorial does 2500.",
    ),
    Setting(
        "clip_on",
        True,
        bool,
        label="Clip the gradients",
        help="Before each update, force every gradient entry into [−c, c], as the tutorial does "
        "with c = 1: no single step can then move a parameter by more than η·c.",
    ),
    Setting(
        "clip",
        1.0,
        float,
        0.01,
        100.0,
        "c, clipping value",
        "The bound of the clipping; the tutorial's clip_value is 1.0.",
    ),
    Setting(
        "seq",
        5,
        int,
        1,
        30,
        "T, window length (days read)",
        "How many days the RNN reads before predicting the next; the tutorial reads 5.",
    ),
    Setting(
        "wseed",
        0,
        int,
        0,
        2**31 - 1,
        "Weight seed",
        "The seed of the random start, weights randn·0.01 and biases randn: the same seed gives "
        "everyone the same training run.",
    ),
    Setting(
        "update",
        "per-sample",
        str,
        label="Update mode",
        help="Per-sample: one update after every window, as the tutorial. Mini-batch: one update "
        "per group of windows, on their mean loss. Full batch: one update per epoch.",
        choices=UPDATE_MODES,
    ),
    Setting(
        "batch",
        16,
        int,
        2,
        1000,
        "Batch size",
        "How many windows share one update in mini-batch mode.",
    ),
    Setting(
        "scaling",
        "raw",
        str,
        label="Input scaling",
        help="Raw: the temperatures as they are, as the tutorial. Standardised: (T − mean) / std "
        "of the training series, so inputs and targets are near 0 with spread 1.",
        choices=SCALINGS,
    ),
    Setting(
        "k",
        0,
        int,
        0,
        30,
        "k, truncated BPTT depth",
        "How many steps back from the last day the gradient is carried; full BPTT (the "
        "tutorial's) carries it through all T steps.",
    ),
    Setting(
        "look",
        1,
        int,
        1,
        1999,
        "Window to look inside",
        "Which window's hidden states to show: days w … w+T−1 are its input.",
    ),
    Setting(
        "cmp_n",
        3,
        int,
        2,
        MAX_COMPARE,
        "Runs to compare",
        "How many runs to train side by side; they share every setting above except the "
        "learning rate.",
    ),
    *(
        Setting(
            f"cmp_lr{i}",
            COMPARE_LR_DEFAULTS[i - 1],
            float,
            1e-5,
            1e-1,
            f"η of run {i}",
            f"The learning rate of compared run {i}.",
        )
        for i in range(1, MAX_COMPARE + 1)
    ),
)

# Every URL-bound setting of every page.
ALL: tuple[Setting, ...] = (*SERIES, WINDOW, *MODEL, *STEPPER, *BPTT, *GRADIENT_PANELS, *TRAINING)
