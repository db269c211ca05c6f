"""Page 5's sentences say what the numbers say: which cell recalls, how much of the gradient is
left where the recalled input entered, and the measured study's counts."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz import core
from rnnviz.text import gates, gates_study

TASK = core.RecallTask(seq_len=16, lag=8, noise=0.1)


@pytest.mark.parametrize(
    "mse, words",
    [
        (0.012, "recalls it"),
        (0.11, "recalls it"),  # the study's rule: within 0.1 of the noise floor
        (0.5, "recalls part of it"),
        (1.0, "has no memory of it"),
        (8.0, "does worse than always predicting 0"),
        (float("inf"), "overflow"),
    ],
)
def test_the_verdict_follows_the_studys_rule(mse, words):
    line = gates.held_out_verdict([("gru", "GRU", mse)], TASK)
    assert line.startswith("- **GRU**") and words in line


def test_the_recovered_share_is_of_the_recalled_inputs_unit_variance():
    assert gates.recovered(0.01, TASK) == pytest.approx(1.0)
    assert gates.recovered(1.01, TASK) == pytest.approx(0.0)
    assert "recovers 50%" in gates.held_out_verdict([("rnn", "RNN", 0.51)], TASK)


def test_the_reach_is_the_gradient_left_at_the_recalled_step():
    dh = np.geomspace(1e-8, 1.0, 17)  # t = 0..16, shrinking tenfold per two steps back
    profile = core.GradientProfile(dx=np.ones(16), dh=dh, dc=None, loss=1.0)
    assert gates.reach(profile, TASK) == pytest.approx(dh[9] / dh[16])
    caption = gates.connectivity_caption(TASK, [("rnn", "RNN", profile)])
    assert "$t = T - k + 1 = 9$" in caption and "RNN $" in caption
    silent = core.GradientProfile(dx=np.zeros(16), dh=np.zeros(17), dc=None, loss=1.0)
    assert gates.reach(silent, TASK) == 0.0


def test_the_studys_table_counts_the_seeds_that_learned():
    table = gates_study.table()
    assert len(table["k"]) == len(gates_study.STUDY) > 0
    for row, learned in zip(gates_study.STUDY, table["learned"], strict=True):
        count = sum(m <= gates_study.NOISE_FLOOR + gates.LEARNED_MARGIN for m in row.mses)
        assert learned == f"{count} of {len(row.mses)}"
