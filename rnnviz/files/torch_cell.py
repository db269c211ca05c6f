#!/usr/bin/env python3
"""Rebuild a cell trained on rnnviz's page 5 in PyTorch, and check it predicts what rnnviz did.

    python torch_cell.py rnnviz_lstm.npz

The .npz (page 5's download) holds the cell's name ("rnn", "lstm" or "gru"), its parameters in
rnnviz's names, a few probe windows X (B, T) and rnnviz's predictions y_pred (B,) for them.
rnnviz's LSTM and GRU keep PyTorch's layout, so W_ih, W_hh, b_ih, b_hh are nn.LSTM's and
nn.GRU's own weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 (gate blocks i, f, g, o and
r, z, n). The tutorial's RNN has one bias, b_h: it becomes nn.RNN's bias_ih_l0, with
bias_hh_l0 = 0. The head y = W_hy·h_T + b_y is an nn.Linear(H, 1). Everything in float64, so
PyTorch's predictions equal rnnviz's to about 1e-15.

This file is rnnviz/files/torch_cell.py in rnnviz; it needs NumPy and PyTorch, not rnnviz.
"""

import sys

import numpy as np

TORCH_NAMES = {
    "W_ih": "weight_ih_l0",
    "W_hh": "weight_hh_l0",
    "b_ih": "bias_ih_l0",
    "b_hh": "bias_hh_l0",
}


def state_dicts(weights):
    """(cell, the recurrent layer's state dict, the head's) from rnnviz's arrays, as float64."""
    cell = str(weights["cell"])
    arrays = {
        name: np.asarray(weights[name], dtype=np.float64) for name in weights if name != "cell"
    }
    if cell == "rnn":
        layer = {
            "weight_ih_l0": arrays["W_xh"],
            "weight_hh_l0": arrays["W_hh"],
            "bias_ih_l0": arrays["b_h"],
            "bias_hh_l0": np.zeros_like(arrays["b_h"]),
        }
    elif cell in ("lstm", "gru"):
        layer = {torch_name: arrays[name] for name, torch_name in TORCH_NAMES.items()}
    else:
        raise ValueError(f"Unknown cell {cell!r}: expected rnn, lstm or gru.")
    head = {"weight": arrays["W_hy"], "bias": arrays["b_y"]}
    return cell, layer, head


def build(weights):
    """The trained cell as (nn.RNN / nn.LSTM / nn.GRU, nn.Linear head), in float64."""
    import torch
    from torch import nn

    cell, layer, head = state_dicts(weights)
    hidden = head["weight"].shape[1]
    kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
    rnn = kind(input_size=1, hidden_size=hidden, batch_first=True).double()
    rnn.load_state_dict({name: torch.from_numpy(value) for name, value in layer.items()})
    linear = nn.Linear(hidden, 1).double()
    linear.load_state_dict({name: torch.from_numpy(value) for name, value in head.items()})
    return rnn, linear


def predict(rnn, linear, X):
    """y = W_hy·h_T + b_y for windows X (B, T), as a NumPy array (B,)."""
    import torch

    with torch.no_grad():
        out, _ = rnn(torch.from_numpy(np.asarray(X, dtype=np.float64))[:, :, None])  # (B, T, H)
        return linear(out[:, -1]).squeeze(-1).numpy()


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    weights = np.load(args[0] if args else "rnnviz_cell.npz")
    rnn, linear = build(weights)
    print(rnn)
    print(linear)
    y_pred = predict(rnn, linear, weights["X"])
    gap = float(np.max(np.abs(y_pred - weights["y_pred"])))
    print(f"PyTorch's predictions for the {len(y_pred)} probe windows differ from rnnviz's by")
    print(f"at most {gap:.3g}.")


if __name__ == "__main__":
    main()
