"""Page 5's sentences, written from the engine's numbers: the recall task's reference levels,
what each cell's held-out error says, how far back each gradient reaches, and the PyTorch code
that rebuilds a trained cell. Streamlit typesets the LaTeX between $…$.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from rnnviz import core
from rnnviz.runs.recall import HELD_OUT_WINDOWS
from rnnviz.settings.memory import PROBE_WINDOWS
from rnnviz.text.numbers import num

LEARNED_MARGIN = 0.1  # "recalls": held-out MSE within this of the noise floor (the study's rule)
NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
TORCH_CLASSES = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}


def recall_target(task: core.RecallTask) -> str:
    """$x_{T-k+1}$ with this task's numbers, e.g. '$x_{9}$ ($T = 16$, $k = 8$)'."""
    return f"$x_{{{task.seq_len - task.lag + 1}}}$ ($T = {task.seq_len}$, $k = {task.lag}$)"


def loss_caption(task: core.RecallTask) -> str:
    return (
        "Each epoch's mean loss per window, $(\\hat y - y)^2$, on log scale. Every epoch draws "
        f"{task.n_windows} fresh windows and each window's loss is taken before the update it "
        "leads to, so these are windows the cell had never seen: the curve is already an "
        "error on new data. Dashed: $1 + \\sigma_\\varepsilon^2 = "
        f"{task.baseline_mse:g}$, what predicting $0$ costs (no memory of {recall_target(task)}); "
        f"dotted: the noise floor $\\sigma_\\varepsilon^2 = {task.noise_floor:g}$ (perfect recall)."
    )


def recovered(mse: float, task: core.RecallTask) -> float:
    """The share of x_(T−k+1)'s variance (1) a model with held-out MSE `mse` recovers."""
    return 1.0 - (mse - task.noise_floor)


def held_out_caption(task: core.RecallTask) -> str:
    return (
        f"Each cell's mean squared error on {HELD_OUT_WINDOWS:,} held-out windows (never used "
        "for training), "
        "for its latest parameters, between the no-memory level (dashed) and the noise floor "
        f"(dotted). A cell recalls {recall_target(task)} when its error is within "
        f"${LEARNED_MARGIN:g}$ of the floor: then it recovers at least 90% of the input's "
        "variance."
    )


def held_out_verdict(errors: Sequence[tuple[str, str, float]], task: core.RecallTask) -> str:
    """One line per cell: does it recall x_(T−k+1), and how much of it?"""
    lines = []
    for _, label, mse in errors:
        if not math.isfinite(mse):
            lines.append(f"- **{label}**: its predictions overflow; it diverged.")
            continue
        share = recovered(mse, task)
        if mse <= task.noise_floor + LEARNED_MARGIN:
            verdict = "recalls it"
        elif share > 0.1:
            verdict = "recalls part of it"
        elif mse > task.baseline_mse + LEARNED_MARGIN:
            verdict = "does worse than always predicting 0"
        else:
            verdict = "has no memory of it"
        lines.append(
            f"- **{label}** {verdict}: held-out MSE ${num(mse)}$, so it recovers "
            f"{max(share, 0.0):.0%} of the variance of {recall_target(task)}."
        )
    return "\n".join(lines)


def reach(profile: core.GradientProfile, task: core.RecallTask) -> float:
    """‖∂L/∂h_t‖ at t = T−k+1 over its value at t = T: how much of the gradient arriving at the
    last step is left where the recalled input entered (0 if none arrives)."""
    first, last = profile.dh[task.seq_len - task.lag + 1], profile.dh[task.seq_len]
    return float(first / last) if last > 0 else 0.0


def connectivity_caption(
    task: core.RecallTask, profiles: Sequence[tuple[str, str, core.GradientProfile]]
) -> str:
    t = task.seq_len - task.lag + 1
    ratios = ", ".join(
        f"{NAMES[cell]} ${num(reach(profile, task))}$" for cell, _, profile in profiles
    )
    return (
        f"Per timestep, the mean over the {PROBE_WINDOWS} probe windows of "
        "$|\\partial L/\\partial x_t|$ (a line with dots, in the cell's colour) and "
        "$\\lVert \\partial L/\\partial h_t \\rVert$ (grey; dotted: "
        "the LSTM's cell state, $\\lVert \\partial L/\\partial c_t \\rVert$), on one log scale, "
        "for each cell's latest parameters. The dashed line marks "
        f"$t = T - k + 1 = {t}$, the input the target recalls: to learn it, a cell needs "
        "gradient there. Of the gradient reaching $h_T$, this share is left at "
        f"$h_{{{t}}}$: {ratios}. Page 3's RNN showed the same quantity shrinking step by step."
    )


def inside_captions(cell: str, recall_t: int) -> tuple[str, str]:
    """The captions of a gated cell's heatmaps of one probe window: its gates, then its states.

    recall_t : t = T − k + 1, the step whose input the target recalls (outlined in them)
    """
    if cell == "lstm":
        return (
            "The LSTM's gates at every step of this window, one row per hidden unit (the units "
            "the prediction reads most first), from 0 (dark) to 1 (light). "
            "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$: where the forget gate $f_t$ stays near "
            "1 the cell keeps $c_{t-1}$, its memory; where the input gate $i_t$ is near 0 nothing "
            f"new is written. The outlined column is $t = {recall_t}$, the input to recall.",
            "The LSTM's two states, $c_0 = h_0 = 0$ on the left. The cell state $c_t$ is the "
            "memory the forget gate keeps; $h_t = o_t \\odot \\tanh(c_t)$ is what the output gate "
            "shows of it, and what the prediction reads at $t = T$.",
        )
    if cell == "gru":
        return (
            "The GRU's gates, 0 (dark) to 1 (light). In PyTorch's equations, which rnnviz "
            "follows, $h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}$: an update gate $z_t$ "
            "near **1 keeps** the memory $h_{t-1}$, near 0 replaces it by the candidate $n_t$. "
            "Some textbooks (and the original paper) swap the roles of $z_t$ and $1 - z_t$; read "
            "the equation, not the name.",
            "The GRU's hidden state $h_t$, its only memory, $h_0 = 0$ on the left.",
        )
    raise ValueError(f"Only the gated cells have gates to show, not {cell!r}.")


def torch_snippet(cell: str, params: core.Params, seq_len: int) -> str:
    """Python that rebuilds the trained `cell` in PyTorch from page 5's .npz (display text: the
    same steps as rnnviz/files/torch_cell.py, with this model's shapes in the comments)."""
    hidden = int(np.shape(params["W_hy"])[-1])
    shapes = ", ".join(f"{name} {tuple(np.shape(params[name]))}" for name in params)
    if cell == "rnn":
        state = (
            '    "weight_ih_l0": w["W_xh"], "weight_hh_l0": w["W_hh"],\n'
            '    "bias_ih_l0": w["b_h"], "bias_hh_l0": np.zeros_like(w["b_h"]),  # one bias: b_h\n'
        )
    else:
        state = (
            '    "weight_ih_l0": w["W_ih"], "weight_hh_l0": w["W_hh"],\n'
            '    "bias_ih_l0": w["b_ih"], "bias_hh_l0": w["b_hh"],\n'
        )
    name = {"rnn": "rnn", "lstm": "lstm", "gru": "gru"}[cell]
    return (
        "import numpy as np\n"
        "import torch\n"
        "from torch import nn\n\n"
        f'w = np.load("rnnviz_{name}.npz")  # {shapes}\n'
        f"{name} = {TORCH_CLASSES[cell]}(input_size=1, hidden_size={hidden}, "
        "batch_first=True).double()\n"
        f"{name}.load_state_dict({{k: torch.from_numpy(v) for k, v in {{\n"
        f"{state}"
        "}.items()})\n"
        f"head = nn.Linear({hidden}, 1).double()  # y = W_hy·h_T + b_y\n"
        'head.load_state_dict({"weight": torch.from_numpy(w["W_hy"]), '
        '"bias": torch.from_numpy(w["b_y"])})\n\n'
        f'X = torch.from_numpy(w["X"])[:, :, None]  # (B, {seq_len}, 1): the probe windows\n'
        f"out, _ = {name}(X)  # (B, {seq_len}, {hidden}): h_1 … h_T\n"
        "y_pred = head(out[:, -1]).squeeze(-1)  # equals w['y_pred'], rnnviz's predictions\n"
    )
