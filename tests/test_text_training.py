"""The training page's sentences: a run's settings once as a plain label (a legend entry and a
model's name on pages 2 and 3) and once typeset, with the same values in both."""

from __future__ import annotations

import dataclasses

from rnnviz import settings as schema
from rnnviz.runs import TrainRequest
from rnnviz.text import training

SERIES = tuple(sorted({s.name: s.default for s in schema.SERIES}.items()))
TUTORIAL = TrainRequest(series=SERIES)


def test_a_runs_label_stays_plain_text():
    label = training.describe(dataclasses.replace(TUTORIAL, truncate=2))
    assert "$" not in label
    assert label.startswith("H = 20, η = 1e-4, 2,500 epochs, clip ±1, T = 5, per-sample SGD")
    assert label.endswith(", truncated BPTT k = 2")


def test_the_typeset_settings_say_the_same_in_tex():
    request = dataclasses.replace(TUTORIAL, lr=5e-3, clip=None, batch_size=16, truncate=3)
    assert training.describe(request, typeset=True) == (
        r"$H = 20$, $\eta = 5 \times 10^{-3}$, 2,500 epochs, no clipping, $T = 5$, "
        "mini-batches of 16, raw inputs, weight seed 0, truncated BPTT $k = 3$"
    )


def test_clipping_bounds_each_step_by_eta_times_c():
    assert r"$\eta \cdot c = 0.002$" in training.max_step(1e-3, 2.0)
    assert "Without clipping" in training.max_step(1e-3, None)
