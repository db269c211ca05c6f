"""Real weather, measured honestly: the bundled series with the training page's fast settings.

    .venv/bin/python -m benchmarks.real_data [--series seattle-max] [--seeds 3]

For each bundled series: 20 % of the windows held out, standardised inputs (the page's defaults
for a real series), and the page's fast settings (`rnnviz.ui.training.controls.FAST`:
mini-batches of 32, η = 0.01, 300 epochs, clipping ±1). Prints, per weight seed and H:
- the time to the first useful result (held-out MSE within 10 % of "tomorrow = today"'s,
  checked every 10 epochs), and the time for all 300 epochs, against the page's estimate;
- the held-out MSE of the RNN and of each baseline (fitted on the training part only), and the
  RNN against "tomorrow = today" with its block-bootstrap interval.
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.files import bundled
from rnnviz.runs import TrainRequest, cost, score
from rnnviz.runs.result import Progress
from rnnviz.text.heldout import comparison_sentence

FAST = dict(batch_size=32, lr=1e-2, epochs=300, clip=1.0, scaling="standardised", holdout=20)
USEFUL = 1.10  # within 10 % of "tomorrow = today"'s held-out MSE


def one_run(request: TrainRequest) -> None:
    temps = request.temperatures()
    split = request.split(temps.shape[0])
    _, X, y, scaler = request.data()
    Xall, yall = core.make_windows(temps, request.seq_len)
    X_test, y_test = Xall[split.test], yall[split.test]
    persistence = dict(core.heldout_baselines(temps, split).named())['"tomorrow = today"']
    useful_at = None

    def checkpoint(progress: Progress) -> bool:
        nonlocal useful_at
        if useful_at is None and progress.epoch % 10 == 0:
            pred = scaler.unscale(core.predict(progress.params, scaler.scale(X_test)))
            if np.mean((pred - y_test) ** 2) <= USEFUL * persistence:
                useful_at = (progress.epoch, progress.elapsed_s)
        return False

    # The page's own training call, unthrottled: it looks every max(1, epochs // 200) epochs,
    # every epoch at 300; the held-out check runs every 10.
    result = request.execute(checkpoint, report_every_s=0)
    total = result.elapsed_s
    report = score.heldout_report(request, result.params, result.scaler)
    first = "never" if useful_at is None else f"epoch {useful_at[0]} after {useful_at[1]:.2f} s"
    print(
        f"  seed {request.seed}, H = {request.hidden_size}: useful at {first}; all "
        f"{request.epochs} epochs {total:.2f} s (estimate "
        f"{cost.expected_seconds(request, X.shape[0]):.2f} s)"
    )
    for label, mse, _ in report.bars():
        print(f"    {label:36s} {mse:8.3f}")
    print("    " + comparison_sentence(report.versus_persistence, ("the RNN", "persistence"), "°C"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", choices=list(bundled.BUNDLED), action="append")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    series_items = tuple(sorted((s.name, s.default) for s in schema.SERIES))
    for name in args.series or list(bundled.BUNDLED):
        _, values, unit = bundled.load(name)
        base = TrainRequest(series=series_items, observed=tuple(map(float, values)), **FAST)
        tutorial = dataclasses.replace(base, batch_size=1, lr=1e-4, epochs=2500)
        n_train = base.data()[1].shape[0]
        print(
            f"{bundled.BUNDLED[name].title} ({values.shape[0]:,} days, {unit}); the tutorial's "
            f"settings would take {cost.duration_text(cost.expected_seconds(tutorial, n_train))}"
        )
        for seed in range(args.seeds):
            for hidden in (20, 8):
                one_run(dataclasses.replace(base, seed=seed, hidden_size=hidden))


if __name__ == "__main__":
    main()
