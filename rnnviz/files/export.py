"""Take a run home: its settings as JSON, its loss history and predictions as CSV, and a
standalone NumPy script that reproduces it without rnnviz.

Pure Python, NumPy and pandas (no streamlit). A run's settings are a plain dict of JSON-able
values, the fields of `rnnviz.runs.TrainRequest` (``dataclasses.asdict(request)`` is one)::

    {"series": {"n": 100, "phi1": 0.7, "phi2": 0.2, "sigma": 0.5, "t0": 20.0, "t1": 21.0,
                "seed": 0, "mu": 0.0},
     "seq_len": 5, "hidden_size": 20, "seed": 0, "lr": 0.0001, "clip": 1.0, "epochs": 2500,
     "batch_size": 1, "truncate": None, "scaling": "raw"}

batch_size 1 is the tutorial's per-sample SGD, 0 means full batch (all windows); clip None is no
clipping; truncate None is full BPTT; scaling is "raw" or "standardised".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from rnnviz import core
from rnnviz.core.validation import (
    as_finite_array,
    check_clip,
    check_finite_float,
    check_int,
    check_lr,
)

SERIES_DEFAULTS: dict[str, Any] = {
    "n": core.TUTORIAL_N,
    "phi1": core.TUTORIAL_PHI[0],
    "phi2": core.TUTORIAL_PHI[1],
    "sigma": core.TUTORIAL_SIGMA,
    "t0": core.TUTORIAL_START[0],
    "t1": core.TUTORIAL_START[1],
    "seed": 0,
    "mu": 0.0,
}
RUN_DEFAULTS: dict[str, Any] = {
    "seq_len": core.TUTORIAL_SEQ_LEN,
    "hidden_size": core.TUTORIAL_HIDDEN_SIZE,
    "seed": 0,
    "lr": core.TUTORIAL_LR,
    "clip": core.TUTORIAL_CLIP,
    "epochs": core.TUTORIAL_EPOCHS,
    "batch_size": 1,
    "truncate": None,
    "scaling": "raw",
}
_INT_SERIES = ("n", "seed")


def normalise_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A run's settings checked and completed with the tutorial's defaults.

    `settings["series"]` may be a dict or (name, value) pairs (as in `TrainRequest.series`).
    Unknown names raise ValueError, so a typo does not silently export the default.
    """
    unknown = set(settings) - {"series", *RUN_DEFAULTS}
    if unknown:
        raise ValueError(f"Unknown run setting(s): {', '.join(sorted(unknown))}.")
    series_in = dict(settings.get("series", {}))
    unknown = set(series_in) - set(SERIES_DEFAULTS)
    if unknown:
        raise ValueError(f"Unknown series setting(s): {', '.join(sorted(unknown))}.")
    series = {}
    for name, default in SERIES_DEFAULTS.items():
        value = series_in.get(name, default)
        series[name] = (
            check_int(value, name, 0) if name in _INT_SERIES else check_finite_float(value, name)
        )
    run = {name: settings.get(name, default) for name, default in RUN_DEFAULTS.items()}
    run["seq_len"] = check_int(run["seq_len"], "The window length", 1)
    run["hidden_size"] = check_int(run["hidden_size"], "The hidden size H", 1)
    run["seed"] = check_int(run["seed"], "The weight seed", 0)
    run["lr"] = check_lr(run["lr"])
    run["clip"] = check_clip(run["clip"])
    run["epochs"] = check_int(run["epochs"], "The number of epochs", 1)
    run["batch_size"] = check_int(run["batch_size"], "The batch size", 0)
    if run["truncate"] is not None:
        run["truncate"] = check_int(run["truncate"], "The truncation depth k", 1)
    if run["scaling"] not in core.SCALINGS:
        raise ValueError(f"Input scaling must be one of {', '.join(core.SCALINGS)}.")
    return {"series": series, **run}


def series_kwargs(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The run's series settings as keyword arguments of `core.weather_series`."""
    s = normalise_settings(settings)["series"]
    return {
        "n": s["n"],
        "phi": (s["phi1"], s["phi2"]),
        "sigma": s["sigma"],
        "start": (s["t0"], s["t1"]),
        "seed": s["seed"],
        "mean_level": s["mu"],
    }


def settings_json(settings: Mapping[str, Any]) -> str:
    """The run's settings as JSON text (floats written so they read back exactly)."""
    return json.dumps(normalise_settings(settings), indent=2) + "\n"


def history_csv(total_loss, n_windows: int) -> str:
    """The loss history as CSV text: epoch (from 1), total_loss (the tutorial's sum over the
    windows of each window's loss) and mean_loss = total_loss / N.

    total_loss : (E,) array_like, `History.total_loss`;  n_windows : N
    """
    total = np.asarray(total_loss, dtype=np.float64).reshape(-1)
    n_windows = check_int(n_windows, "The number of windows", 1)
    frame = pd.DataFrame(
        {
            "epoch": np.arange(1, total.shape[0] + 1),
            "total_loss": total,
            "mean_loss": total / n_windows,
        }
    )
    return frame.to_csv(index=False, float_format="%.17g")


def predictions_csv(series, y_pred, seq_len: int) -> str:
    """Predictions next to the truth as CSV, one row per window.

    Parameters
    ----------
    series : (n,) the raw temperatures the windows were cut from
    y_pred : (N,) predictions in temperature units, N = n − T
    seq_len : T

    Columns: window (from 1), first_day and target_day (days counted from 1, as on screen:
    window 1 is days 1–5 predicting day 6), target, prediction, error = prediction − target.
    """
    _, y = core.make_windows(series, seq_len)
    pred = as_finite_array(y_pred, "The predictions", 1)
    if pred.shape != y.shape:
        raise ValueError(f"Expected {y.shape[0]} predictions for {y.shape[0]} windows.")
    windows = np.arange(1, y.shape[0] + 1)
    frame = pd.DataFrame(
        {
            "window": windows,
            "first_day": windows,
            "target_day": windows + seq_len,
            "target": y,
            "prediction": pred,
            "error": pred - y,
        }
    )
    return frame.to_csv(index=False, float_format="%.17g")


def reproduce_script(settings: Mapping[str, Any]) -> str:
    """A standalone Python script (text) that reproduces the run with NumPy alone.

    It makes the same series (the same `numpy.random.default_rng(seed)` draws), the same
    initial weights, and trains with the same arithmetic in the same order as `core.train`
    (per-sample: its lean path; mini-batch: its readable `sgd_step`), so its final parameters
    equal the app's (a test holds them to 1e-12; in practice they are identical). Run it as
    ``python rnn_run.py [--out params.npz]``; it prints the final loss and the parameters.
    """
    normalised = normalise_settings(settings)
    text = json.dumps(normalised, indent=4)
    return _SCRIPT.replace("@SETTINGS@", text).replace("@NUMPY@", np.__version__)


_SCRIPT = r'''#!/usr/bin/env python3
"""Reproduce an rnnviz training run with NumPy alone (made with NumPy @NUMPY@).

The tutorial's RNN: h_t = tanh(W_xh·x_t + W_hh·h_(t-1) + b_h), y = W_hy·h_T + b_y, trained on
sliding windows of an AR(2) "weather" series by gradient descent on (y_pred - y)², with
backpropagation through time (BPTT) and element-wise gradient clipping.

    python rnn_run.py                    # train, print the final loss and the parameters
    python rnn_run.py --out params.npz   # also save the parameters and the loss history

With the same NumPy and BLAS it gives the app's numbers exactly; another version may differ in
the last digits (the random draws themselves are stable across NumPy versions).
"""

import argparse
import json
import math

import numpy as np

SETTINGS = json.loads(
    """
@SETTINGS@
"""
)


def weather_series(n, phi1, phi2, sigma, t0, t1, seed, mu):
    """T_t - mu = phi1·(T_(t-1) - mu) + phi2·(T_(t-2) - mu) + N(0, sigma), from T_0, T_1."""
    noise = np.random.default_rng(seed).normal(0.0, sigma, size=max(n - 2, 0))
    temps = np.empty(n)
    temps[0], temps[1] = t0, t1
    prev2, prev1 = t0 - mu, t1 - mu
    for t in range(2, n):
        current = phi1 * prev1 + phi2 * prev2 + noise[t - 2]
        temps[t] = current + mu
        prev2, prev1 = prev1, current
    return temps


def make_windows(temps, seq_len):
    """X[i] = temps[i : i+T] predicts y[i] = temps[i+T]."""
    X = np.array([temps[i : i + seq_len] for i in range(len(temps) - seq_len)])
    y = np.array(temps[seq_len:])
    return X, y


def init_params(hidden_size, seed):
    """Weights randn·0.01, biases randn, drawn in this order from one generator."""
    rng = np.random.default_rng(seed)
    return {
        "W_xh": rng.standard_normal((hidden_size, 1)) * 0.01,
        "W_hh": rng.standard_normal((hidden_size, hidden_size)) * 0.01,
        "b_h": rng.standard_normal(hidden_size),
        "W_hy": rng.standard_normal((1, hidden_size)) * 0.01,
        "b_y": rng.standard_normal(1),
    }


NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def all_finite(params):
    return all(np.all(np.isfinite(params[name])) for name in NAMES)


def clip_and_update(p, grads, lr, clip):
    """W ← W - lr·clip(dW, -clip, clip) for each parameter; returns the new parameters."""
    new = {}
    for name in NAMES:
        g = grads[name] if clip is None else np.clip(grads[name], -clip, clip)
        new[name] = p[name] - g * lr
    return new


def sample_step(p, x, target, lr, clip, k):
    """Per-sample SGD on one window x (T,) (the tutorial's train_step).

    Returns (loss, new parameters); new parameters are None when the loss is not finite.
    """
    T, H = len(x), p["b_h"].shape[0]
    h = np.zeros((T + 1, H))  # h[0] = h_0 = 0
    for t in range(1, T + 1):
        # a_t = W_xh·x_t + W_hh·h_(t-1) + b_h (summed in this order, as rnnviz does)
        a_t = p["W_hh"] @ h[t - 1] + (x[t - 1] * p["W_xh"][:, 0] + p["b_h"])
        h[t] = np.tanh(a_t)
    err = float(p["W_hy"][0] @ h[T]) + float(p["b_y"][0]) - target
    loss = err * err
    if not math.isfinite(loss):
        return loss, None
    # Step A, through the output.
    dL_dy = 2.0 * err
    grads = {"W_hy": (h[T] * dL_dy)[None, :], "b_y": np.array([dL_dy])}
    dh_next = p["W_hy"][0] * dL_dy
    # Step B, back through time (only k steps: truncated BPTT when k < T).
    da = np.zeros((T, H))
    for t in range(T, T - k, -1):
        da[t - 1] = (1.0 - h[t] * h[t]) * dh_next  # 1 - tanh(a_t)² = 1 - h_t²
        if t > T - k + 1:
            dh_next = da[t - 1] @ p["W_hh"]  # W_hhᵀ·da
    grads["W_xh"] = (x @ da)[:, None]  # Σ_t da·x_t
    grads["W_hh"] = da.T @ h[:T]  # Σ_t da·h_(t-1)ᵀ
    grads["b_h"] = da.sum(axis=0)
    return loss, clip_and_update(p, grads, lr, clip)


def batch_step(p, X, y, lr, clip, k):
    """Gradient descent on the batch mean of (y_pred - y)² over windows X (B, T).

    Returns (loss, new parameters); new parameters are None when the loss or the update is
    not finite (the step is then refused).
    """
    B, T = X.shape
    H = p["b_h"].shape[0]
    h = np.zeros((B, T + 1, H))
    for t in range(1, T + 1):
        a_t = X[:, t - 1][:, None] * p["W_xh"][:, 0] + h[:, t - 1] @ p["W_hh"].T + p["b_h"]
        h[:, t] = np.tanh(a_t)
    y_pred = h[:, T] @ p["W_hy"][0] + p["b_y"][0]
    err = y_pred - y
    loss = float(np.mean(err * err))
    dL_dy = 2.0 * err / B
    grads = {"W_hy": (dL_dy @ h[:, T])[None, :], "b_y": np.array([dL_dy.sum()])}
    dh_next = dL_dy[:, None] * p["W_hy"][0]
    c_xh, c_hh, c_bh = np.zeros((T, H, 1)), np.zeros((T, H, H)), np.zeros((T, H))
    for t in range(T, T - k, -1):
        da = (1.0 - h[:, t] ** 2) * dh_next  # 1 - tanh(a_t)² = 1 - h_t²
        c_xh[t - 1] = da.T @ X[:, t - 1 : t]
        c_hh[t - 1] = da.T @ h[:, t - 1]
        c_bh[t - 1] = da.sum(axis=0)
        dh_next = da @ p["W_hh"]
    grads["W_xh"], grads["W_hh"], grads["b_h"] = c_xh.sum(0), c_hh.sum(0), c_bh.sum(0)
    new = clip_and_update(p, grads, lr, clip)
    if not math.isfinite(loss) or not all_finite(new):
        return loss, None
    return loss, new


def main():
    parser = argparse.ArgumentParser(description="Reproduce an rnnviz training run.")
    parser.add_argument("--out", help="save the parameters and loss history to this .npz file")
    args = parser.parse_args()
    s, run = SETTINGS["series"], SETTINGS

    temps = weather_series(**s)
    X_raw, y_raw = make_windows(temps, run["seq_len"])
    if run["scaling"] == "standardised":  # z = (T - mean) / std of the training series
        mean, std = float(np.mean(temps)), float(np.std(temps))
        std = std if std > 0 else 1.0
    else:  # the tutorial's raw temperatures
        mean, std = 0.0, 1.0
    X, y = (X_raw - mean) / std, (y_raw - mean) / std

    p = init_params(run["hidden_size"], run["seed"])
    N, T = X.shape
    batch = N if run["batch_size"] == 0 else min(run["batch_size"], N)
    k = T if run["truncate"] is None else min(run["truncate"], T)
    lr, clip = run["lr"], run["clip"]
    total_loss, backup, message = [], p, ""
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported, not warned
        for epoch in range(run["epochs"]):
            total = 0.0
            for start in range(0, N, batch):
                if batch == 1:
                    loss, new = sample_step(p, X[start], float(y[start]), lr, clip, k)
                else:
                    Xb, yb = X[start : start + batch], y[start : start + batch]
                    loss, new = batch_step(p, Xb, yb, lr, clip, k)
                if new is None:
                    message = f"diverged in epoch {epoch + 1}: the loss became infinite or NaN"
                    break
                total += loss * (1 if batch == 1 else len(Xb))
                backup, p = p, new
            if message:
                break
            total_loss.append(total)
    if not all_finite(p):  # the last update broke the weights: keep the ones before it
        p = backup

    total_loss = np.array(total_loss)
    np.set_printoptions(precision=6, suppress=False, linewidth=100)
    print(f"epochs completed: {len(total_loss)} of {run['epochs']}")
    if message:
        print(f"{message}; the parameters from before the failing step are kept")
    if len(total_loss):
        last = float(total_loss[-1])
        print(f"final total_loss = {last!r} (mean per window {last / N!r})")
    y_pred = (p["W_hy"][0] @ forward_last(p, X[0]) + p["b_y"][0]) * std + mean
    print(f"days 1-5 -> day 6: predicted {y_pred:.4f}, actual {y_raw[0]:.4f}")
    for name in NAMES:
        print(f"{name} {p[name].shape}:\n{p[name]}")
    if args.out:
        np.savez(args.out, total_loss=total_loss, **p)
        print(f"saved to {args.out}")


def forward_last(p, x):
    """h_T for one window x (T,)."""
    h = np.zeros(p["b_h"].shape[0])
    for x_t in x:
        h = np.tanh(p["W_hh"] @ h + (x_t * p["W_xh"][:, 0] + p["b_h"]))
    return h


if __name__ == "__main__":
    main()
'''
