"""core.train against the tutorial's own training loop: time, agreement and memory. Prints only.

The tutorial's settings: core.weather_series(seed=0), 5-day windows (95 of them), H = 20,
init_params(20, seed=0), per-sample SGD with lr 1e-4 and element-wise clipping at ±1.

    .venv/bin/python -m benchmarks.train_speed              # the tutorial's 2500 epochs
    .venv/bin/python -m benchmarks.train_speed --epochs 50  # a quick run
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
import tracemalloc

import numpy as np

from rnnviz import core
from tests import tutorial_oracle as oracle


def tutorial_run(params, X, y, epochs):
    """The tutorial's RNNPredictor and loop; returns (final params, per-epoch total_loss)."""
    model = oracle.predictor_from(params)
    totals = oracle.tutorial_train(model, X, y, epochs)
    return oracle.predictor_params(model), np.array(totals)


def core_run(params, X, y, epochs):
    """core.train with the tutorial's settings; returns (final params, per-epoch total_loss)."""
    trained = core.copy_params(params)
    history = core.train(trained, X, y, epochs=epochs, lr=1e-4, clip=1.0, batch_size=1)
    return trained, history.total_loss


def timed(run, *args):
    start = time.perf_counter()
    result = run(*args)
    return result, time.perf_counter() - start


def best_of(repeat, runs, *args):
    """Each run's result and its fastest time over `repeat` rounds, the runs taking turns so that
    both see the same background load."""
    results, seconds = {}, {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            results[name], took = timed(run, *args)
            seconds[name].append(took)
    return results, {name: min(times) for name, times in seconds.items()}


def peak_bytes(run, *args):
    """tracemalloc's peak of Python-level allocations during `run` (NumPy buffers included)."""
    tracemalloc.start()
    try:
        run(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=core.TUTORIAL_EPOCHS)
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds; the best counts")
    parser.add_argument(
        "--memory-epochs",
        type=int,
        default=None,
        help="epochs for the tracemalloc runs (default: --epochs; tracing slows runs ~2-3x)",
    )
    args = parser.parse_args(argv)
    memory_epochs = args.memory_epochs or args.epochs

    X, y = core.make_windows(core.weather_series(seed=0), seq_len=core.TUTORIAL_SEQ_LEN)
    params = core.init_params(core.TUTORIAL_HIDDEN_SIZE, seed=0)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(
        f"data: {X.shape[0]} windows of {X.shape[1]} days, H = {params['W_hh'].shape[0]}, "
        f"{args.epochs} epochs, lr 1e-4, clip ±1, per-sample SGD "
        f"({X.shape[0] * args.epochs:,} steps)"
    )

    runs = {"tutorial": tutorial_run, "core": core_run}
    results, seconds = best_of(args.repeat, runs, params, X, y, args.epochs)
    (tut_params, tut_totals), tut_seconds = results["tutorial"], seconds["tutorial"]
    (core_params, core_totals), core_seconds = results["core"], seconds["core"]
    steps = X.shape[0] * args.epochs
    print(f"time, best of {args.repeat}:")
    print(f"  tutorial loop : {tut_seconds:8.2f} s  ({1e6 * tut_seconds / steps:6.1f} µs/step)")
    print(f"  core.train    : {core_seconds:8.2f} s  ({1e6 * core_seconds / steps:6.1f} µs/step)")
    print(
        f"  ratio         : {core_seconds / tut_seconds:8.2f}x core.train / tutorial "
        f"(target <= 0.4); the tutorial loop takes {tut_seconds / core_seconds:.2f}x as long"
    )

    diffs = {n: float(np.abs(core_params[n] - tut_params[n]).max()) for n in core.PARAM_NAMES}
    worst = max(diffs, key=diffs.get)
    print(f"max |Δθ|      : {diffs[worst]:.3e} (in {worst}); per parameter: ", end="")
    print(", ".join(f"{n} {d:.1e}" for n, d in diffs.items()))
    loss_gap = float(np.max(np.abs(core_totals - tut_totals) / np.abs(tut_totals)))
    print(
        f"total_loss    : first epoch {tut_totals[0]:.6g}, last {tut_totals[-1]:.6g}; "
        f"max relative difference {loss_gap:.3e}"
    )

    tut_peak = peak_bytes(tutorial_run, params, X, y, memory_epochs)
    core_peak = peak_bytes(core_run, params, X, y, memory_epochs)
    print(f"tracemalloc peak over {memory_epochs} epochs:")
    print(f"  tutorial loop : {tut_peak / 1024:8.1f} KiB")
    print(f"  core.train    : {core_peak / 1024:8.1f} KiB")
    maxrss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"process ru_maxrss: {maxrss_kib / 1024:.1f} MiB (interpreter + NumPy + both runs)")


if __name__ == "__main__":
    main()
