"""K runs trained together (core.train_stacked) vs one core.train run; prints times and agreement.

    .venv/bin/python -m benchmarks.compare_runs              # the tutorial's run: 2500 epochs
    .venv/bin/python -m benchmarks.compare_runs --epochs 200 # a quick look

The K runs differ in learning rate, clipping, weight seed and truncation depth, all on the
tutorial's 95 windows with H = 20 and per-sample SGD. Target: K = 4 together <= 2x one run.
Times are wall-clock and CPU (process) seconds; on a busy machine the CPU ratio is the fairer
one. The last lines are the largest difference between a stacked run and the same run trained alone
(max abs over every parameter; max relative over History.total_loss): it should be <= 1e-9.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from rnnviz import core

# Four comparable settings: (lr, clip, seed, truncate). The first is the tutorial's run.
SETTINGS = [
    (core.TUTORIAL_LR, core.TUTORIAL_CLIP, 0, None),
    (1e-3, core.TUTORIAL_CLIP, 0, None),
    (1e-4, None, 1, None),
    (1e-4, core.TUTORIAL_CLIP, 2, 2),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=core.TUTORIAL_EPOCHS)
    parser.add_argument("--runs", type=int, default=len(SETTINGS), help="K, 1 to 4")
    args = parser.parse_args()
    settings = SETTINGS[: max(1, min(args.runs, len(SETTINGS)))]
    X, y = core.make_windows(core.weather_series(seed=0), core.TUTORIAL_SEQ_LEN)
    hidden = core.TUTORIAL_HIDDEN_SIZE

    one = core.init_params(hidden, seed=0)
    started, cpu = time.perf_counter(), time.process_time()
    core.train(one, X, y, epochs=args.epochs)
    t_one, c_one = time.perf_counter() - started, time.process_time() - cpu

    stacked = [core.init_params(hidden, seed=seed) for _, _, seed, _ in settings]
    started, cpu = time.perf_counter(), time.process_time()
    result = core.train_stacked(
        stacked,
        X,
        y,
        epochs=args.epochs,
        lr=[s[0] for s in settings],
        clip=[s[1] for s in settings],
        truncate=[s[3] for s in settings],
    )
    t_stacked, c_stacked = time.perf_counter() - started, time.process_time() - cpu

    worst_param, worst_loss = 0.0, 0.0
    for (lr, clip, seed, truncate), params, history in zip(
        settings, stacked, result.histories, strict=True
    ):
        alone = core.init_params(hidden, seed=seed)
        reference = core.train(alone, X, y, epochs=args.epochs, lr=lr, clip=clip, truncate=truncate)
        for name in core.PARAM_NAMES:
            worst_param = max(worst_param, float(np.abs(params[name] - alone[name]).max()))
        scale = np.maximum(np.abs(reference.total_loss), 1e-300)
        rel = np.abs(history.total_loss - reference.total_loss) / scale
        worst_loss = max(worst_loss, float(rel.max()))

    k = len(settings)
    print(f"epochs: {args.epochs}, windows: {X.shape[0]}, H = {hidden}, per-sample SGD")
    print("                               wall s    CPU s")
    print(f"one core.train run:          {t_one:8.2f} {c_one:8.2f}")
    print(f"K = {k} runs, train_stacked:   {t_stacked:8.2f} {c_stacked:8.2f}")
    print(
        f"ratio (K = {k} together / one): {t_stacked / t_one:8.2f} {c_stacked / c_one:8.2f}"
        "   (target <= 2)"
    )
    print(f"max |param difference| vs each run alone: {worst_param:.3g}")
    print(f"max relative total_loss difference:       {worst_loss:.3g}")


if __name__ == "__main__":
    main()
