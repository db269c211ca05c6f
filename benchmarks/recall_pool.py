"""What a recall run pays for training in the pool's solo batch: ms per epoch of each cell through
`RecallRequest.execute()` (one `core.train_cell_recall` call) and through a `Batcher` holding
it as a `SoloBatch` (one `train_cell_recall(..., epochs=1, first_epoch=e)` call an epoch). Prints
only.

Page 5's defaults: T = 16, k = 8, H = 20, 96 fresh windows an epoch in batches of 32, clip ±1.
The two ways take turns for --repeat rounds (so they share the machine's background load) and
the median is printed; both give the same numbers bit for bit (tests/test_solo_batching.py).

    .venv/bin/python -m benchmarks.recall_pool
    .venv/bin/python -m benchmarks.recall_pool --epochs 30 --repeat 3   # quicker
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

from rnnviz import core
from rnnviz.runs.recall import RecallRequest
from rnnviz.server.batching import Batcher
from rnnviz.settings.memory import MEMORY_LRS


def execute(request: RecallRequest) -> float:
    start = time.perf_counter()
    request.execute()
    return time.perf_counter() - start


def solo(request: RecallRequest) -> float:
    batcher = Batcher()
    batcher.add("run", request)
    start = time.perf_counter()
    while len(batcher):
        batcher.step()
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"T = 16, k = 8, H = 20, {args.epochs} epochs of 96 windows, batch 32, clip ±1")
    requests = {
        cell: RecallRequest(cell=cell, epochs=args.epochs, lr=lr, init="pytorch")
        for cell, lr in MEMORY_LRS.items()
    }
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeat):
        for cell, request in requests.items():
            for way, run in (("execute", execute), ("solo batch", solo)):
                times.setdefault((cell, way), []).append(run(request) / args.epochs * 1e3)
    print(f"median ms per epoch of {args.repeat} rounds (the two ways alternating):")
    print(f"{'cell':<5} {'params':>6} {'execute':>9} {'solo batch':>11} {'overhead':>9}")
    for cell in core.CELLS:
        alone = statistics.median(times[cell, "execute"])
        pooled = statistics.median(times[cell, "solo batch"])
        print(
            f"{cell:<5} {core.parameter_count(cell, 20):>6} {alone:>9.2f} {pooled:>11.2f} "
            f"{pooled / alone - 1:>+8.0%}"
        )


if __name__ == "__main__":
    main()
