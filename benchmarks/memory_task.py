"""Pre-study: how far back can each cell recall? RNN, LSTM and GRU on core.RecallTask. Prints only.

Task: windows of T inputs x_t ~ N(0, 1), target ``y = x_(T−k+1) + ε``, ε ~ N(0, σ_ε²), fresh
windows every epoch. T is fixed (the largest k of the grid), so only the recall lag k changes
between rows: the cost of an epoch is the same for every k, and the table shows memory, not
sequence length. Reference levels: the no-memory baseline 1 + σ_ε² (always predicting 0, the
mean of y) and the noise floor σ_ε².

Protocol:

1. Learning rate per cell: a small grid (--lrs), one validation run each on k = --tune-lag with
   its own seed (1000, used nowhere else), scored by MSE on that task's held-out windows; the
   lowest wins. Same budget as the real runs.
2. For each k and each cell: --seeds runs (seed s initialises the model and draws the windows),
   mini-batch SGD (--batch), element-wise clipping ±--clip, PyTorch's init for all three cells
   (the RNN too, so the comparison is on equal terms; --rnn-init tutorial gives it the
   tutorial's), full BPTT. --forget-bias b starts the LSTM with its forget gate's bias at b
   (b_ih's f block = b, b_hh's = 0), the usual remedy for a forgetful start.
3. Held-out MSE on 2000 windows no training epoch sees. "Learned" means MSE <= σ_ε² + 0.1, i.e.
   at least 90% of x_(T−k+1)'s variance recovered.

    .venv/bin/python -m benchmarks.memory_task                          # the reported study
    .venv/bin/python -m benchmarks.memory_task --lags 1,5 --epochs 50   # a quick look
    .venv/bin/python -m benchmarks.memory_task --lags 12,16 --epochs 3600 \
        --lr rnn=0.03,lstm=0.3,gru=0.3                                  # 3x the budget
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

from rnnviz import core

TUNING_SEED = 1000
LEARNED_MARGIN = 0.1  # learned: held-out MSE <= noise floor + this (90% of Var(x) recovered)


def held_out_mse(cell: str, params, task: core.RecallTask, n: int) -> float:
    X, y = task.held_out(n)
    err = core.cell_forward(cell, params, X).y_pred - y
    return float(np.mean(err * err))


def first_params(cell: str, args, seed: int) -> core.Params:
    """The model's first parameters: PyTorch's init (the RNN's as --rnn-init says), and, with
    --forget-bias b, the LSTM's forget gate opened: b_ih's f block set to b, b_hh's to 0."""
    init = args.rnn_init if cell == "rnn" else "pytorch"
    params = core.init_cell(cell, args.hidden, seed=seed, init=init)
    if cell == "lstm" and args.forget_bias is not None:
        forget = slice(args.hidden, 2 * args.hidden)  # gate blocks i, f, g, o: f is the second
        params["b_ih"][forget], params["b_hh"][forget] = args.forget_bias, 0.0
    return params


def run(cell: str, task: core.RecallTask, args, lr: float, seed: int) -> tuple[float, float, bool]:
    """Train one model; return (held-out MSE, seconds, diverged)."""
    params = first_params(cell, args, seed)
    start = time.perf_counter()
    history = core.train_cell_recall(
        cell, params, task, epochs=args.epochs, lr=lr, clip=args.clip, batch_size=args.batch
    )
    seconds = time.perf_counter() - start
    return held_out_mse(cell, params, task, args.held_out), seconds, history.diverged


def task_for(args, lag: int, seed: int) -> core.RecallTask:
    return core.RecallTask(
        seq_len=args.seq_len, lag=lag, noise=args.noise, n_windows=args.windows, seed=seed
    )


def tune(cell: str, args) -> float:
    """The learning rate of the grid with the lowest validation MSE (ties: the smaller lr)."""
    task = task_for(args, args.tune_lag, TUNING_SEED)
    scores = {}
    for lr in args.lrs:
        mse, seconds, diverged = run(cell, task, args, lr, TUNING_SEED)
        scores[lr] = np.inf if diverged else mse
        note = " (diverged)" if diverged else ""
        print(f"  {cell:<4} lr {lr:<6g} validation MSE {mse:.4f}{note}  [{seconds:.1f} s]")
    return min(args.lrs, key=lambda lr: (scores[lr], lr))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lags", default="1,2,4,8,16", help="the k grid, comma-separated")
    parser.add_argument("--seq-len", type=int, default=None, help="T (default: the largest k)")
    parser.add_argument("--cells", default="rnn,lstm,gru")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=400)
    parser.add_argument("--windows", type=int, default=96, help="fresh windows per epoch")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=20)
    parser.add_argument("--noise", type=float, default=0.1, help="σ_ε")
    parser.add_argument("--clip", type=float, default=1.0)
    parser.add_argument("--lrs", default="0.03,0.1,0.3,1", help="the learning-rate grid")
    parser.add_argument(
        "--lr", default=None, help="skip tuning with fixed rates, e.g. rnn=0.03,lstm=0.3,gru=0.3"
    )
    parser.add_argument("--tune-lag", type=int, default=None, help="k for tuning (default: T/2)")
    parser.add_argument("--held-out", type=int, default=2000)
    parser.add_argument(
        "--rnn-init", default="pytorch", choices=core.INITS, help="the RNN's initialisation"
    )
    parser.add_argument(
        "--forget-bias", type=float, default=None, help="the LSTM's forget-gate bias b_f at start"
    )
    args = parser.parse_args(argv)
    lags = [int(v) for v in args.lags.split(",")]
    cells = args.cells.split(",")
    args.lrs = [float(v) for v in args.lrs.split(",")]
    args.seq_len = args.seq_len or max(lags)
    args.tune_lag = args.tune_lag or max(1, args.seq_len // 2)

    reference = task_for(args, 1, 0)
    floor, baseline = reference.noise_floor, reference.baseline_mse
    steps = args.epochs * -(-args.windows // args.batch)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(
        f"T = {args.seq_len}, H = {args.hidden}, σ_ε = {args.noise:g}: no-memory baseline "
        f"{baseline:.4f}, noise floor {floor:.4f}; learned: MSE <= {floor + LEARNED_MARGIN:.2f}"
    )
    print(
        f"{args.epochs} epochs x {args.windows} fresh windows, batch {args.batch} "
        f"({steps} SGD steps), clip ±{args.clip:g}, full BPTT; init: RNN {args.rnn_init}, "
        "gated cells PyTorch"
        + ("" if args.forget_bias is None else f", LSTM forget bias {args.forget_bias:g}")
    )

    if args.lr:
        lr_of = {cell: float(lr) for cell, lr in (pair.split("=") for pair in args.lr.split(","))}
        print("learning rates given: " + ", ".join(f"{cell} {lr_of[cell]:g}" for cell in cells))
    else:
        print(f"learning rates, tuned on k = {args.tune_lag} (seed {TUNING_SEED}):")
        lr_of = {cell: tune(cell, args) for cell in cells}
        print("  chosen: " + ", ".join(f"{cell} {lr_of[cell]:g}" for cell in cells))

    rows = []
    for lag in lags:
        for cell in cells:
            results = [
                run(cell, task_for(args, lag, seed), args, lr_of[cell], seed)
                for seed in range(args.seeds)
            ]
            mses = [mse for mse, _, _ in results]
            rows.append((lag, cell, mses, [s for _, s, _ in results], sum(d for *_, d in results)))
            print(f"  k = {lag:>2} {cell:<4} MSE " + " ".join(f"{m:.3f}" for m in mses), flush=True)

    print(f"\nheld-out MSE ({args.held_out} windows), {args.seeds} seeds; baseline {baseline:.3f}")
    print(f"{'k':>3} {'cell':<5} {'lr':>5} {'median':>7} {'min':>7} {'max':>7} "
          f"{'learned':>8} {'s/run':>6}")  # fmt: skip
    for lag, cell, mses, seconds, diverged in rows:
        learned = sum(m <= floor + LEARNED_MARGIN for m in mses)
        note = f"  ({diverged} diverged)" if diverged else ""
        print(
            f"{lag:>3} {cell:<5} {lr_of[cell]:>5g} {statistics.median(mses):>7.3f} "
            f"{min(mses):>7.3f} {max(mses):>7.3f} {learned:>4}/{len(mses):<3} "
            f"{statistics.median(seconds):>6.1f}{note}"
        )


if __name__ == "__main__":
    main()
