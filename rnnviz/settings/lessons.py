"""The stepper and BPTT pages' settings: the model on screen, the steps, the gradient panels."""

from __future__ import annotations

from rnnviz import core
from rnnviz.settings.series import SEQ_LEN
from rnnviz.settings.setting import Setting

# The model the stepper and BPTT pages look at (rnnviz/ui/model.py). The five scalar parameters
# are overrides: they count only while `edited` is on, so a link carries hand-edited values exactly
# and an unedited model is known by its seed alone.
MODEL_SOURCES = ("scalar", "vector", "trained")
# Help texts are Markdown with typeset symbols (Streamlit's tooltips render KaTeX, see
# rnnviz/text/tex.py); labels stay plain text, as notices about a link's values quote them.
SCALAR_PARAM_HELP = {
    "W_xh": "$W_{xh}$, input → hidden: how strongly today's temperature $x_t$ pushes the "
    "pre-activation $a_t$.",
    "W_hh": "$W_{hh}$, hidden → hidden, the recurrent weight: how much of yesterday's memory "
    "$h_{t-1}$ carries into $a_t$.",
    "b_h": "$b_h$, the hidden bias, added to $a_t$ every day.",
    "W_hy": "$W_{hy}$, hidden → output: how the last memory $h_T$ becomes the prediction $y$.",
    "b_y": "$b_y$, the output bias, added to $y$.",
}
MODEL: tuple[Setting, ...] = (
    Setting(
        "model",
        "scalar",
        str,
        label="Model",
        help="The scalar RNN has one hidden unit and the tutorial's five numbers; the vectorized "
        "RNN has $H$ hidden units; the trained model is the one trained on page 4 in this "
        "session.",
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
        step=1,
    ),
    Setting(
        "model_seed",
        0,
        int,
        0,
        2**31 - 1,
        "Initialisation seed",
        r"The tutorial's random start, weights $0.01 \cdot \mathcal{N}(0, 1)$ and biases "
        r"$\mathcal{N}(0, 1)$ (its `randn`), drawn from this seed: the same seed gives every "
        "student the same model.",
        step=1,
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
        Setting(name, 0.0, float, -100.0, 100.0, name, text, step=0.01)
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
        "0: nothing computed yet, $h_0 = 0$; $t = 1, \\ldots, 5$: day $t$ has been read; 6: the "
        "output $y$ and the loss $L$.",
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
        "$t = 5$ down to 1.",
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
        "How many days the long sequence has: BPTT walks back through all of them, from $h_T$ "
        "to $h_1$. The sequence is new, generated from the weather page's AR(2) settings and "
        "seed.",
        step=1,
    ),
    Setting(
        "vg_scale",
        1.0,
        float,
        0.0,
        4.0,
        "W_hh (its spectral radius ρ for H > 1)",
        "How strongly yesterday's memory $h_{t-1}$ feeds into $a_t$. For the scalar RNN this is "
        "$W_{hh}$ itself; for $H > 1$ the model's $W_{hh}$ is rescaled so that its largest "
        r"eigenvalue in size, $\rho(W_{hh})$, is this.",
        step=0.05,
    ),
    Setting(
        "sgd_lr",
        core.TUTORIAL_LR,
        float,
        1e-7,
        1.0,
        "η, learning rate",
        "How far one step moves each parameter against its gradient: "
        r"$\theta \leftarrow \theta - \eta \frac{\partial L}{\partial \theta}$. The "
        r"tutorial's is $\eta = 10^{-4}$.",
        step=1e-4,
    ),
    Setting(
        "sgd_clip_on",
        True,
        bool,
        label="Clip the gradients",
        help="The tutorial clips every gradient entry into $[-1, 1]$ before the update.",
    ),
    Setting(
        "sgd_clip",
        core.TUTORIAL_CLIP,
        float,
        0.01,
        100.0,
        "Clipping value",
        "Each gradient entry is forced into $[-c, c]$ for this value $c$; the tutorial's "
        "`clip_value` is 1.0.",
        step=0.5,
    ),
)
