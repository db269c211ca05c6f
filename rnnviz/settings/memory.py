"""Page 5's settings: the recall task, the three cells' sizes, and how each one is trained.

The defaults are the measured study's (benchmarks/memory_task.py): T = 16, k = 8, H = 20, 1,200
epochs of 96 fresh windows in mini-batches of 32, clipping at ±1, and each cell's learning rate
tuned on k = 8 (the RNN 0.03, the LSTM and the GRU 0.3), with one exception: the RNN starts
from the tutorial's initialisation, as everywhere else in the app (issue 13), where the study
gave all three cells PyTorch's; the page offers PyTorch's, and says so beside the study.
"""

from __future__ import annotations

from rnnviz import core
from rnnviz.settings.setting import Setting

# Fixed for every run of the page (the study's): σ_ε, windows per epoch, batch size, clipping.
MEMORY_NOISE = 0.1
MEMORY_WINDOWS = 96
MEMORY_BATCH = 32
MEMORY_CLIP = 1.0
# The windows the page looks inside (gradients per timestep, gates): a fixed probe batch.
PROBE_WINDOWS = 64
SIZE_MODES = ("equal H", "equal parameters")
# The learning-rate sliders' log grid; a link may hold any value in between (it is added).
MEMORY_LR_GRID = (1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0)
MEMORY_LRS = {"rnn": 0.03, "lstm": 0.3, "gru": 0.3}

MEMORY: tuple[Setting, ...] = (
    Setting(
        "mem_k",
        8,
        int,
        1,
        24,
        "$k$, how far back to recall",
        "The target is the input k steps before the end, $y = x_{T-k+1} + \\varepsilon$: "
        "$k = 1$ is the last input, $k = T$ the first. The gradient that teaches it must travel "
        "back $k - 1$ steps.",
        step=1,
    ),
    Setting(
        "mem_T",
        16,
        int,
        2,
        24,
        "$T$, window length",
        "How many inputs each window has; the inputs after $x_{T-k+1}$ are noise the cell "
        "must not let overwrite its memory.",
        step=1,
    ),
    Setting(
        "mem_h",
        core.TUTORIAL_HIDDEN_SIZE,
        int,
        1,
        40,
        "$H$, hidden units",
        "How many numbers each cell's hidden state $h_t$ holds (the tutorial's RNN has 20).",
        step=1,
    ),
    Setting(
        "mem_size",
        "equal H",
        str,
        label="Compare at",
        help="Equal $H$: every cell gets $H$ units, so the LSTM has about four times the RNN's "
        "parameters. Equal parameters: the RNN and the GRU get the $H$ that brings their "
        "parameter count closest to the LSTM's at $H$.",
        choices=SIZE_MODES,
    ),
    Setting(
        "mem_epochs",
        1200,
        int,
        10,
        4000,
        "Epochs",
        "Each epoch draws 96 fresh windows and makes 3 updates of 32 windows each. In the "
        "study, 1,200 epochs at $T = 16$ took the RNN about 5 s and the LSTM and the GRU "
        "15 to 30 s each, on a shared 2-core machine: more epochs take proportionally longer.",
        step=100,
    ),
    Setting(
        "mem_seed",
        0,
        int,
        0,
        2**31 - 1,
        "Seed",
        "Draws the three cells' initial weights and the windows they all train on.",
        step=1,
    ),
    *(
        Setting(
            f"mem_lr_{cell}",
            lr,
            float,
            1e-4,
            3.0,
            f"$\\eta$, {core.CELL_LABELS[cell]}",
            f"The learning rate of the {core.CELL_LABELS[cell]}; the default is the study's, "
            "the best of 0.03, 0.1, 0.3 and 1 on k = 8.",
        )
        for cell, lr in MEMORY_LRS.items()
    ),
    Setting(
        "mem_rnn_init",
        "tutorial",
        str,
        label="The RNN's initialisation",
        help="The tutorial's (weights $\\mathrm{randn}\\cdot 0.01$, biases randn) or PyTorch's "
        "(every parameter uniform in $\\pm 1/\\sqrt{H}$), which the LSTM and the GRU always use: "
        "choose PyTorch's to compare the three on equal terms.",
        choices=core.INITS,
    ),
    Setting(
        "mem_fbias",
        False,
        bool,
        label="Open the LSTM's forget gate at the start ($b_f = 1$)",
        help="PyTorch starts every bias uniform in $\\pm 1/\\sqrt{H}$, so the forget gate "
        "$f_t = \\sigma(\\cdot)$ starts near $0.5$ and roughly halves the cell state $c_t$ at "
        "every step. Setting the forget gate's bias to 1 ($f_t \\approx 0.73$ at the start) is "
        "the usual remedy (Gers et al. 2000; Jozefowicz et al. 2015).",
    ),
    Setting(
        "mem_look",
        1,
        int,
        1,
        PROBE_WINDOWS,
        "Window to look inside",
        "Which of the fixed probe windows to show the gates and states of.",
        step=1,
    ),
)
