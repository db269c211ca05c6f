"""The cost of one training step, measured, for the training page's "about N s" before Train.

    .venv/bin/python -m benchmarks.step_cost

Times `core.train` for a few epochs at several window lengths T, hidden sizes H and batch sizes
B on a 400-day generated series, and fits the model the page uses (`rnnviz/runs/cost.py`):

    per-sample step (one window):  a1 + b1·T + c1·T·H²
    mini-batch step (B windows):   a2 + b2·T + c2·T·B·H²

by least squares in microseconds. Prints the measurements, the fitted constants and how far the
fit is from each measurement; copy the constants into runs/cost.py when they move.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from rnnviz import core
from rnnviz.runs import cost

SIZES_H = (8, 20, 48)
SIZES_T = (5, 15, 30)
BATCHES = (16, 64)


def seconds_per_step(T: int, H: int, B: int, epochs: int) -> float:
    temps = core.weather_series(n=400, mean_level=15.0)
    X, y = core.make_windows(temps, T)
    scaler = core.Scaling.fit(temps)
    Xs, ys = scaler.scale(X), scaler.scale(y)
    steps = epochs * (X.shape[0] if B == 1 else -(-X.shape[0] // B))
    best = float("inf")
    for _ in range(2):
        params = core.init_params(H, seed=0)
        started = time.perf_counter()
        core.train(params, Xs, ys, epochs=epochs, lr=1e-3, batch_size=B)
        best = min(best, time.perf_counter() - started)
    return best / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for B in (1, *BATCHES):
        for T in SIZES_T:
            for H in SIZES_H:
                us = 1e6 * seconds_per_step(T, H, B, args.epochs)
                rows.append((B, T, H, us))
                print(f"B = {B:3d}  T = {T:2d}  H = {H:2d}: {us:8.1f} µs a step", flush=True)
    for per_sample in (True, False):
        part = [r for r in rows if (r[0] == 1) == per_sample]
        A = np.array([[1.0, T, T * (H**2 if per_sample else B * H**2)] for B, T, H, _ in part])
        b = np.array([us for *_, us in part])
        coef, *_ = np.linalg.lstsq(A, b, rcond=None)
        fit = A @ coef
        worst = float(np.max(np.abs(fit - b) / b))
        name = "per-sample" if per_sample else "mini-batch"
        print(
            f"{name}: a = {coef[0]:.3g}, b = {coef[1]:.3g}, c = {coef[2]:.3g} µs "
            f"(largest miss {worst:.0%})"
        )
    print("runs/cost.py now says:", cost.PER_SAMPLE_US, cost.MINI_BATCH_US)


if __name__ == "__main__":
    main()
