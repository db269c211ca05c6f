"""The training page's settings: the tutorial's RNNPredictor run, and the compared runs."""

from __future__ import annotations

from rnnviz import core
from rnnviz.settings.setting import Setting

UPDATE_MODES = ("per-sample", "mini-batch", "full batch")
SCALINGS = core.SCALINGS  # ("raw", "standardised")
# The learning-rate slider's log grid; a link may hold any value in between (it is added).
LR_GRID = (1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1)
MAX_COMPARE = 4  # runs compared side by side, trained together as one computation
COMPARE_LR_DEFAULTS = (1e-4, 1e-3, 1e-2, 1e-1)
TRAINING: tuple[Setting, ...] = (
    Setting(
        "hidden",
        core.TUTORIAL_HIDDEN_SIZE,
        int,
        1,
        64,
        "H, hidden units",
        "How many numbers the hidden state $h_t$ holds: the RNN's memory. The tutorial uses "
        "$H = 20$.",
        step=1,
    ),
    Setting(
        "lr",
        core.TUTORIAL_LR,
        float,
        1e-5,
        1e-1,
        "η, learning rate",
        "How far each update moves every parameter against its gradient, "
        r"$\theta \leftarrow \theta - \eta \frac{\partial L}{\partial \theta}$ (log scale). "
        r"The tutorial's $\eta = 10^{-4}$ is slow but safe.",
    ),
    Setting(
        "epochs",
        core.TUTORIAL_EPOCHS,
        int,
        1,
        10_000,
        "Epochs",
        "How many times training walks through all the windows; the tutorial does 2500.",
        step=100,
    ),
    Setting(
        "clip_on",
        True,
        bool,
        label="Clip the gradients",
        help="Before each update, force every gradient entry into $[-c, c]$, as the tutorial "
        r"does with $c = 1$: no single step can then move a parameter by more than $\eta \cdot c$.",
    ),
    Setting(
        "clip",
        core.TUTORIAL_CLIP,
        float,
        0.01,
        100.0,
        "c, clipping value",
        "The bound $c$ of the clipping; the tutorial's `clip_value` is 1.0.",
        step=0.5,
    ),
    Setting(
        "seq",
        core.TUTORIAL_SEQ_LEN,
        int,
        1,
        30,
        "T, window length (days read)",
        "How many days $x_1, \\ldots, x_T$ the RNN reads before predicting the next; the "
        "tutorial reads $T = 5$.",
    ),
    Setting(
        "wseed",
        0,
        int,
        0,
        2**31 - 1,
        "Weight seed",
        r"The seed of the random start, weights $0.01 \cdot \mathcal{N}(0, 1)$ and biases "
        r"$\mathcal{N}(0, 1)$ (the tutorial's `randn`): the same seed gives everyone the same "
        "training run.",
        step=1,
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
        step=1,
    ),
    Setting(
        "scaling",
        "raw",
        str,
        label="Input scaling",
        help="Raw: the temperatures as they are, as the tutorial. Standardised: $(x - m) / s$, "
        "with $m$ and $s$ the mean and standard deviation of the training series, so inputs and "
        "targets are near 0 with spread 1.",
        choices=SCALINGS,
    ),
    Setting(
        "k",
        None,
        int,
        1,
        30,
        "k, truncated BPTT depth",
        "How many steps back from the last day the gradient `dh_next` is carried; full BPTT "
        "(the tutorial's) carries it through all $T$ steps.",
        none_means="full BPTT",
    ),
    Setting(
        "holdout",
        0,
        int,
        0,
        50,
        "Held-out tail (% of the windows)",
        "The last part of the series is never trained on: the model is scored on those days, "
        "as a forecast of days it has never seen. 0 is the tutorial's: train on every window.",
        step=5,
    ),
    Setting(
        "look",
        1,
        int,
        1,
        1999,
        "Window to look inside",
        r"Which window's hidden states to show: days $w, \ldots, w+T-1$ are its input.",
    ),
    Setting(
        "cmp_n",
        3,
        int,
        2,
        MAX_COMPARE,
        "Runs to compare",
        "How many runs to train side by side; they share every setting above except the "
        "learning rate $\\eta$.",
    ),
    *(
        Setting(
            f"cmp_lr{i}",
            COMPARE_LR_DEFAULTS[i - 1],
            float,
            1e-5,
            1e-1,
            f"η of run {i}",
            f"The learning rate $\\eta$ of compared run {i}.",
        )
        for i in range(1, MAX_COMPARE + 1)
    ),
)
