#!/usr/bin/env python3
"""Train an rnnviz run again, with Python and NumPy alone.

The tutorial's RNN: a_t = W_xh·x_t + W_hh·h_(t-1) + b_h, h_t = tanh(a_t), y = W_hy·h_T + b_y,
trained on sliding windows of a temperature series by gradient descent on (y_pred - target)²,
with backpropagation through time (BPTT) and element-wise gradient clipping.

    python rnn_run.py                    # train, print the final loss and the parameters
    python rnn_run.py --out params.npz   # also save the parameters and the loss history

The run's settings come from settings.json beside this file (or --settings FILE). The series
comes from series.csv beside it when there is one (or --series FILE; one row per day, the
temperatures in a column named "temperature"); otherwise it is generated from the settings, the
tutorial's AR(2) "weather", from the same random draws as in the app.

It trains exactly as the app does: the same initial weights from the seed and the same updates in
the same order (per-sample, mini-batch or full batch; clipping or not; full or truncated BPTT; raw
or standardised inputs), each sum taken in the app's order. With the NumPy the app used it ends
at the app's parameters to the last digit; another NumPy or BLAS may differ in the last digits.

This file is rnnviz/files/rnn_run.py in rnnviz, whose tests hold it equal to the app's training.
It imports nothing but NumPy and the standard library, so it runs where rnnviz is not installed.
"""

import argparse
import csv
import json
import math
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
RUN_KEYS = ("seq_len", "hidden_size", "seed", "lr", "clip", "epochs", "batch_size", "truncate")
SERIES_KEYS = ("n", "phi1", "phi2", "sigma", "t0", "t1", "seed", "mu")
SCALINGS = ("raw", "standardised")


class InputError(ValueError):
    """A settings or series file this script cannot use; the message is one sentence."""


# --- The settings and the series ----------------------------------------------------------------
def whole(value, name, minimum):
    """`value` as an int >= minimum (20.0 counts as 20), or InputError."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(f"'{name}' must be a whole number of at least {minimum}, got {value!r}.")
    return value


def number(value, name, positive=False):
    """`value` as a finite float (> 0 if `positive`), or InputError."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)
    if not ok or (positive and value <= 0):
        kind = "a number greater than 0" if positive else "a finite number"
        raise InputError(f"'{name}' must be {kind}, got {value!r}.")
    return float(value)


def exact_keys(given, expected, where):
    """Refuse a missing or misspelt name: a typo must not silently train something else."""
    missing = [key for key in expected if key not in given]
    if missing:
        raise InputError(f"{where} has no '{missing[0]}' setting.")
    unknown = sorted(set(given) - set(expected))
    if unknown:
        raise InputError(f"{where} has an unknown setting '{unknown[0]}'.")


def read_settings(path):
    """The run's settings from a JSON file (as rnnviz exports them), checked."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"There is no settings file {path}: keep settings.json beside rnn_run.py, or name "
            "one with --settings."
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"Cannot read the settings file {path} ({err}).") from None
    except json.JSONDecodeError as err:
        raise InputError(
            f"The settings file {path} is not valid JSON ({err.msg}, line {err.lineno})."
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("series"), dict):
        raise InputError(
            f"The settings file {path} must hold an object of settings with a 'series' object."
        )
    raw.setdefault("holdout", 0)  # exports before the held-out tail existed hold none out
    exact_keys(raw, (*RUN_KEYS, "scaling", "holdout", "series"), f"The settings file {path}")
    exact_keys(raw["series"], SERIES_KEYS, f"The 'series' in {path}")
    s = raw["series"]
    series = {key: number(s[key], f"series.{key}") for key in ("phi1", "phi2", "t0", "t1", "mu")}
    series.update(n=whole(s["n"], "series.n", 2), seed=whole(s["seed"], "series.seed", 0))
    series["sigma"] = number(s["sigma"], "series.sigma")
    if series["sigma"] < 0:
        raise InputError(
            f"'series.sigma' is a standard deviation and cannot be negative, got {s['sigma']}."
        )
    batch_size, truncate, clip = raw["batch_size"], raw["truncate"], raw["clip"]
    run = {
        "series": series,
        "seq_len": whole(raw["seq_len"], "seq_len", 1),
        "hidden_size": whole(raw["hidden_size"], "hidden_size", 1),
        "seed": whole(raw["seed"], "seed", 0),
        "lr": number(raw["lr"], "lr", positive=True),
        "epochs": whole(raw["epochs"], "epochs", 1),
        # null is full batch (0 too: older exports wrote it so), full BPTT, no clipping.
        "batch_size": None if batch_size is None else whole(batch_size, "batch_size", 0) or None,
        "truncate": None if truncate is None else whole(truncate, "truncate", 1),
        "clip": None if clip is None else number(clip, "clip", positive=True),
        "scaling": raw["scaling"],
        "holdout": whole(raw["holdout"], "holdout", 0),
    }
    if run["holdout"] >= 100:
        raise InputError(f"'holdout' is a percent of the windows below 100, got {run['holdout']}.")
    if run["scaling"] not in SCALINGS:
        raise InputError(f'\'scaling\' must be "raw" or "standardised", got {raw["scaling"]!r}.')
    return run


def read_series(path):
    """The temperatures (n,) from a CSV file with a "temperature" column, one row per day."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(f"Cannot read the series file {path} ({err}).") from None
    if not rows or "temperature" not in rows[0]:
        raise InputError(
            f"The series file {path} needs a column named 'temperature', one row a day."
        )
    temps = np.empty(len(rows))
    for i, row in enumerate(rows):
        try:
            temps[i] = float(row["temperature"])
        except (TypeError, ValueError):
            temps[i] = math.nan
        if not math.isfinite(temps[i]):
            raise InputError(
                f"Line {i + 2} of {path} has no finite temperature: {row['temperature']!r}."
            )
    return temps


def weather_series(n, phi1, phi2, sigma, t0, t1, seed, mu):
    """T_t - mu = phi1·(T_(t-1) - mu) + phi2·(T_(t-2) - mu) + N(0, sigma), from T_0, T_1."""
    noise = np.random.default_rng(seed).normal(0.0, sigma, size=max(n - 2, 0))
    temps = np.empty(n)
    temps[0], temps[1] = t0, t1
    prev2, prev1 = t0 - mu, t1 - mu
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(2, n):
            current = phi1 * prev1 + phi2 * prev2 + noise[t - 2]
            temps[t] = current + mu
            prev2, prev1 = prev1, current
    if not np.all(np.isfinite(temps)):
        raise InputError(f"The series grows beyond floating-point range: φ = ({phi1}, {phi2}).")
    return temps


def held_out(n_days, seq_len, holdout):
    """(windows trained on, first held-out day): the last `holdout` percent of the N = n − T
    windows are held out, at least one when any is, as the app's chronological split does."""
    n_windows = n_days - seq_len
    if not holdout:
        return n_windows, n_days
    n_test = max(1, math.floor(holdout / 100 * n_windows + 0.5))
    if n_windows - n_test < 1:
        raise InputError(f"{n_days} days leave no window to train on after holding out {n_test}.")
    return n_windows - n_test, seq_len + n_windows - n_test


def make_windows(temps, seq_len):
    """The tutorial's make_dataset: X[i] = temps[i : i+T] (N, T) predicts y[i] = temps[i+T]."""
    if len(temps) <= seq_len:
        raise InputError(f"A series of {len(temps)} days is too short for {seq_len}-day windows.")
    X = np.array([temps[i : i + seq_len] for i in range(len(temps) - seq_len)])  # (N, T)
    y = np.array(temps[seq_len:])  # (N,)
    return X, y


def init_params(hidden_size, seed):
    """The tutorial's start: weights randn·0.01, biases randn, drawn in this order."""
    rng = np.random.default_rng(seed)
    return {
        "W_xh": rng.standard_normal((hidden_size, 1)) * 0.01,  # (H, 1)
        "W_hh": rng.standard_normal((hidden_size, hidden_size)) * 0.01,  # (H, H)
        "b_h": rng.standard_normal(hidden_size),  # (H,)
        "W_hy": rng.standard_normal((1, hidden_size)) * 0.01,  # (1, H)
        "b_y": rng.standard_normal(1),  # (1,)
    }


# --- One update ---------------------------------------------------------------------------------
# Two versions of the same step, because the app computes one window at a time (the tutorial's
# train_step) on a lean path and batches on its readable one, and floating-point sums depend on
# their order: each version below adds in the same order as the app's, so the numbers match to
# the last digit.


def all_finite(p):
    return all(np.all(np.isfinite(p[name])) for name in NAMES)


def clip_and_update(p, grads, lr, clip):
    """W ← W - lr·clip(dW, -clip, clip) for each of the five; returns the new parameters."""
    new = {}
    for name in NAMES:
        g = grads[name] if clip is None else np.clip(grads[name], -clip, clip)
        new[name] = p[name] - g * lr
    return new


def sample_step(p, x, target, lr, clip, k):
    """The tutorial's train_step on one window x (T,): returns (loss, new parameters).

    The new parameters are None when the loss is not finite (no update is made).
    """
    T, H = len(x), p["b_h"].shape[0]
    h = np.zeros((T + 1, H))  # h[0] = h_0 = 0, h[t] = h_t
    for t in range(1, T + 1):
        a_t = p["W_hh"] @ h[t - 1] + (x[t - 1] * p["W_xh"][:, 0] + p["b_h"])  # (H,)
        h[t] = np.tanh(a_t)
    err = float(p["W_hy"][0] @ h[T]) + float(p["b_y"][0]) - target  # y_pred - target
    loss = err * err
    if not math.isfinite(loss):
        return loss, None
    # Step A, through the output.
    dL_dy = 2.0 * err
    grads = {"W_hy": (h[T] * dL_dy)[None, :], "b_y": np.array([dL_dy])}
    dh_next = p["W_hy"][0] * dL_dy  # (H,)
    # Step B, back through time: only k steps from T (truncated BPTT when k < T).
    da = np.zeros((T, H))  # da[t-1], the tutorial's dtanh at step t; 0 where truncated
    for t in range(T, T - k, -1):
        da[t - 1] = (1.0 - h[t] * h[t]) * dh_next  # 1 - tanh(a_t)² = 1 - h_t²
        if t > T - k + 1:
            dh_next = da[t - 1] @ p["W_hh"]  # W_hhᵀ·da, now dL/dh_(t-1)
    grads["W_xh"] = (x @ da)[:, None]  # Σ_t da·x_t, (H, 1)
    grads["W_hh"] = da.T @ h[:T]  # Σ_t da·h_(t-1)ᵀ, (H, H)
    grads["b_h"] = da.sum(axis=0)  # Σ_t da, (H,)
    return loss, clip_and_update(p, grads, lr, clip)


def batch_step(p, X, y, lr, clip, k):
    """One step on the batch mean of (y_pred - y)² over the windows X (B, T), y (B,).

    Returns (loss, new parameters); the new parameters are None when the loss or the update is
    not finite (the step is refused).
    """
    B, T = X.shape
    H = p["b_h"].shape[0]
    h = np.zeros((B, T + 1, H))  # h[:, 0] = h_0 = 0
    for t in range(1, T + 1):
        a_t = X[:, t - 1][:, None] * p["W_xh"][:, 0] + h[:, t - 1] @ p["W_hh"].T + p["b_h"]
        h[:, t] = np.tanh(a_t)  # (B, H)
    y_pred = h[:, T] @ p["W_hy"][0] + p["b_y"][0]  # (B,)
    err = y_pred - y
    loss = float(np.mean(err * err))
    # Step A, through the output: dL_dy = 2·(y_pred - y) / B for the batch mean.
    dL_dy = 2.0 * err / B  # (B,)
    grads = {"W_hy": (dL_dy @ h[:, T])[None, :], "b_y": np.array([dL_dy.sum()])}
    dh_next = dL_dy[:, None] * p["W_hy"][0]  # (B, H)
    # Step B, back through time, each step's share kept apart and summed at the end.
    d_xh, d_hh, d_bh = np.zeros((T, H, 1)), np.zeros((T, H, H)), np.zeros((T, H))
    for t in range(T, T - k, -1):
        da = (1.0 - h[:, t] ** 2) * dh_next  # (B, H)
        d_xh[t - 1] = da.T @ X[:, t - 1 : t]  # da·x_t
        d_hh[t - 1] = da.T @ h[:, t - 1]  # da·h_(t-1)ᵀ
        d_bh[t - 1] = da.sum(axis=0)
        dh_next = da @ p["W_hh"]  # W_hhᵀ·da
    grads["W_xh"], grads["W_hh"], grads["b_h"] = d_xh.sum(0), d_hh.sum(0), d_bh.sum(0)
    new = clip_and_update(p, grads, lr, clip)
    if not math.isfinite(loss) or not all_finite(new):
        return loss, None
    return loss, new


# --- The run --------------------------------------------------------------------------------------
def train(p, X, y, run):
    """The tutorial's loop over epochs and windows (in order, no shuffling).

    Returns (parameters, total_loss per completed epoch, message); a diverged run keeps the
    parameters from before the failing step.
    """
    N, T = X.shape
    batch = N if run["batch_size"] is None else min(run["batch_size"], N)
    k = T if run["truncate"] is None else min(run["truncate"], T)
    lr, clip = run["lr"], run["clip"]
    total_loss, backup, message = [], p, ""
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported, not warned
        for epoch in range(run["epochs"]):
            total = 0.0
            for start in range(0, N, batch):
                if batch == 1:
                    loss, new = sample_step(p, X[start], float(y[start]), lr, clip, k)
                    size = 1
                else:
                    Xb, yb = X[start : start + batch], y[start : start + batch]
                    loss, new = batch_step(p, Xb, yb, lr, clip, k)
                    size = len(yb)
                if new is None:
                    message = f"diverged in epoch {epoch + 1}: the loss became infinite or NaN"
                    break
                total += loss * size  # the tutorial's total_loss sums each window's loss
                backup, p = p, new
            if message:
                break
            total_loss.append(total)
    if not all_finite(p):  # the last update broke the weights: keep the ones before it
        p = backup
    return p, np.array(total_loss), message


def predict(p, x):
    """y_pred for one window x (T,)."""
    h = np.zeros(p["b_h"].shape[0])  # h_0
    for x_t in x:
        h = np.tanh(p["W_hh"] @ h + (x_t * p["W_xh"][:, 0] + p["b_h"]))
    return float(p["W_hy"][0] @ h) + float(p["b_y"][0])


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train an rnnviz run again with NumPy alone.")
    parser.add_argument("--settings", default=HERE / "settings.json", help="the run's settings")
    parser.add_argument("--series", help="a CSV series (default: series.csv beside the script)")
    parser.add_argument("--out", help="save the parameters and loss history to this .npz file")
    args = parser.parse_args(argv)
    try:
        run = read_settings(args.settings)
        series_file = args.series or (HERE / "series.csv")
        if args.series or Path(series_file).exists():
            temps, source = read_series(series_file), f"read from {series_file}"
        else:
            temps, source = weather_series(**run["series"]), "generated from the settings"
        X_raw, y_raw = make_windows(temps, run["seq_len"])
        n_train, tail_start = held_out(len(temps), run["seq_len"], run["holdout"])
    except InputError as err:
        sys.exit(f"rnn_run.py: {err}")
    # Only the windows whose target lies before the held-out tail are trained on.
    X_raw, y_raw = X_raw[:n_train], y_raw[:n_train]

    if run["scaling"] == "standardised":  # z = (T - mean) / std of the days before the tail
        mean, std = float(np.mean(temps[:tail_start])), float(np.std(temps[:tail_start]))
        std = std if std > 0 else 1.0
    else:  # the tutorial's raw temperatures
        mean, std = 0.0, 1.0
    X, y = (X_raw - mean) / std, (y_raw - mean) / std
    p, total_loss, message = train(init_params(run["hidden_size"], run["seed"]), X, y, run)

    N, T = X.shape
    print(f"series: {len(temps)} days, {source}; {N} windows of {T} days")
    print(f"epochs completed: {len(total_loss)} of {run['epochs']}")
    if message:
        print(f"{message}; the parameters from before the failing step are kept")
    if len(total_loss):
        last = float(total_loss[-1])
        print(f"final total_loss = {last!r} (mean per window {last / N!r})")
    with np.errstate(over="ignore", invalid="ignore"):
        first = predict(p, X[0]) * std + mean
    print(f"days 1-{T} -> day {T + 1}: predicted {first:.4f}, actual {y_raw[0]:.4f}")
    np.set_printoptions(precision=6, linewidth=100)
    for name in NAMES:
        print(f"{name} {p[name].shape}:\n{p[name]}")
    if args.out:
        try:
            np.savez(args.out, total_loss=total_loss, **p)
        except OSError as err:
            sys.exit(f"rnn_run.py: cannot save to {args.out} ({err.strerror}).")
        print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
