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


def test_the_studys_summary_says_what_its_table_shows():
    learned = {(row.variant, row.lag, row.cell): row.learned for row in gates_study.STUDY}
    table = gates_study.table()
    assert len(table["k"]) == len(gates_study.STUDY) > 0
    assert table["learned"][table["k"].index(8) + 1] == "2 of 3"  # the LSTM's row at k = 8
    # "Up to k = 8 every cell learns ... all seeds but one of the LSTM's at k = 8"
    short = [n for (v, k, _), n in learned.items() if v == "1,200 epochs" and k <= 8]
    assert sorted(short)[:2] == [2, 3] and sum(n < 3 for n in short) == 1
    # "after 1,200 epochs one RNN seed of three, one LSTM seed and no GRU seed had learned"
    assert [learned[("1,200 epochs", 12, c)] for c in ("rnn", "lstm", "gru")] == [1, 1, 0]
    # "after 3,600 epochs all three RNN and LSTM seeds and one GRU seed"
    assert [learned[("3,600 epochs", 12, c)] for c in ("rnn", "lstm", "gru")] == [3, 3, 1]
    # "At k = 16 no cell learned in 3,600 epochs with PyTorch's default start"
    assert not any(learned[(v, 16, c)] for v in ("1,200 epochs", "3,600 epochs") for c in
                   ("rnn", "lstm", "gru"))  # fmt: skip
    # "an LSTM whose forget gate starts open ... learned k = 12 with every seed in 1,200 epochs
    # and k = 16 with every seed in 3,600"
    open_gate = "forget-gate bias 1"
    assert learned[(f"1,200 epochs, {open_gate}", 12, "lstm")] == 3
    assert learned[(f"3,600 epochs, {open_gate}", 16, "lstm")] == 3
    summary = gates_study.SUMMARY
    assert "one RNN seed of three, one LSTM seed and no GRU seed" in summary
    assert "all seeds but one of the LSTM's at $k = 8$" in summary
