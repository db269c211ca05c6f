"""Training speed of the three cells on the tutorial's data: epochs per second. Prints only.

The tutorial's 95 five-day windows (core.weather_series(seed=0)), H = 20, lr 1e-4, clip ±1, for
per-sample SGD (batch 1) and mini-batches of 32. Rows:

* rnn           `core.train_cell("rnn")`, which is `core.train`: the lean fast path
* rnn-readable  a loop of `core.sgd_step` (forward -> backward -> clip -> update through the
                readable functions the pages show), the same style as the gated cells' loop
* lstm, gru     `core.train_cell`: a loop of `core.cell_sgd_step`

Each configuration first runs 2 epochs to size itself to about `--seconds` a run; then the
configurations take turns for `--repeat` rounds (so they share the machine's background load) and
the median epochs/s is printed.

    .venv/bin/python -m benchmarks.cells_speed
    .venv/bin/python -m benchmarks.cells_speed --seconds 0.5 --repeat 3   # quicker
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

from rnnviz import core

ROWS = ("rnn", "rnn-readable", "lstm", "gru")
BATCHES = (1, 32)


def train_epochs(row: str, params, X, y, epochs: int, batch: int) -> None:
    if row == "rnn-readable":
        for _ in range(epochs):
            for start in range(0, X.shape[0], batch):
                core.sgd_step(params, X[start : start + batch], y[start : start + batch], 1e-4, 1.0)
        return
    core.train_cell(row, params, X, y, epochs=epochs, lr=1e-4, clip=1.0, batch_size=batch)


def timed(row, X, y, epochs, batch) -> float:
    cell = "rnn" if row.startswith("rnn") else row
    params = core.init_cell(cell, core.TUTORIAL_HIDDEN_SIZE, seed=0)
    start = time.perf_counter()
    train_epochs(row, params, X, y, epochs, batch)
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="target length of one run")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the median counts")
    args = parser.parse_args(argv)

    X, y = core.make_windows(core.weather_series(seed=0), seq_len=core.TUTORIAL_SEQ_LEN)
    hidden = core.TUTORIAL_HIDDEN_SIZE
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"data: {X.shape[0]} windows of {X.shape[1]} days, H = {hidden}, lr 1e-4, clip ±1")

    configs = [(row, batch) for batch in BATCHES for row in ROWS]
    epochs = {}
    for row, batch in configs:
        per_epoch = timed(row, X, y, 2, batch) / 2
        epochs[row, batch] = max(2, round(args.seconds / per_epoch))
    rates: dict[tuple[str, int], list[float]] = {config: [] for config in configs}
    for _ in range(args.repeat):
        for row, batch in configs:
            n = epochs[row, batch]
            rates[row, batch].append(n / timed(row, X, y, n, batch))

    print(f"median of {args.repeat} rounds (configurations alternating):")
    print(
        f"{'cell':<13} {'params':>6} {'batch':>5} {'epochs/s':>9} {'µs/window':>10} {'vs rnn':>7}"
    )
    for row, batch in configs:
        rate = statistics.median(rates[row, batch])
        base = statistics.median(rates["rnn", batch])
        cell = "rnn" if row.startswith("rnn") else row
        print(
            f"{row:<13} {core.parameter_count(cell, hidden):>6} {batch:>5} {rate:>9.1f} "
            f"{1e6 / (rate * X.shape[0]):>10.1f} {base / rate:>6.1f}x"
        )
    print("vs rnn: how many times longer an epoch takes than core.train's at the same batch size")


if __name__ == "__main__":
    main()
