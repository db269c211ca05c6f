"""RecallRequest: a recall run of any cell as a value (hashable, checked at the edge) whose
`execute()` is `core.train_cell_recall`; equal-parameter sizes; and the take-home .npz that the
standalone PyTorch script reads."""

from __future__ import annotations

import dataclasses
import io
import pickle

import numpy as np
import pytest

from rnnviz import core
from rnnviz.files import cell_export, torch_cell
from rnnviz.runs.recall import (
    HELD_OUT_WINDOWS,
    RecallRequest,
    cell_sizes,
    held_out_mse,
    matched_hidden_size,
)
from rnnviz.text import gates as text


def small(**changes) -> RecallRequest:
    base = RecallRequest(cell="lstm", hidden_size=3, lag=2, seq_len=5, n_windows=10, epochs=4)
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    "cell, init", [("rnn", "tutorial"), ("rnn", "pytorch"), ("gru", "pytorch")]
)
def test_execute_is_train_cell_recall_from_the_seeds_start(cell, init):
    request = small(cell=cell, init=init, seed=3, task_seed=8, lr=0.05, batch_size=4)
    result = request.execute()
    params = core.init_cell(cell, 3, seed=3, init=init)
    task = core.RecallTask(seq_len=5, lag=2, noise=0.1, n_windows=10, seed=8)
    history = core.train_cell_recall(cell, params, task, epochs=4, lr=0.05, batch_size=4)
    np.testing.assert_array_equal(result.total_loss, history.total_loss)
    np.testing.assert_array_equal(result.mean_loss, history.total_loss / 10)
    for name in core.param_names(cell):
        np.testing.assert_array_equal(result.params[name], params[name])
    X, y = task.held_out(HELD_OUT_WINDOWS)
    err = core.cell_forward(cell, params, X).y_pred - y
    assert result.held_out_mse == float(np.mean(err**2))
    assert result.epochs_done == 4 and not result.diverged


def test_requests_are_values_the_cache_and_the_worker_can_use():
    request = small()
    assert request == small() and hash(request) == hash(small())
    assert pickle.loads(pickle.dumps(request)) == request
    assert small(cell="gru") != request and small(task_seed=1) != request
    result = request.execute().frozen()
    with pytest.raises(ValueError):
        result.params["W_hh"][0, 0] = 1.0
    assert result.nbytes() > sum(v.nbytes for v in result.params.values())


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"cell": "transformer"}, "Unknown cell"),
        ({"lag": 6}, "at most 5"),
        ({"init": "tutorial"}, "initialises only its RNN"),
        ({"init": "xavier", "cell": "rnn"}, "Unknown initialisation"),
        ({"hidden_size": 0}, "at least 1"),
        ({"lr": 0.0}, "greater than 0"),
        ({"epochs": 0}, "at least 1"),
        ({"noise": -1.0}, "negative"),
        ({"batch_size": 0}, "at least 1"),
        ({"cell": "gru", "forget_bias": 1.0}, "Only the LSTM"),
        ({"forget_bias": float("nan")}, "finite"),
    ],
)
def test_bad_settings_are_refused_with_the_cores_sentence(changes, words):
    with pytest.raises(ValueError, match=words):
        small(**changes)


def test_a_run_that_overflows_has_an_infinite_held_out_error():
    params = core.init_cell("rnn", 2, seed=0, init="pytorch")
    params["W_hy"] = np.full((1, 2), 1e308)
    assert held_out_mse(small(cell="rnn"), params, 20) == float("inf")


def test_equal_parameters_gives_each_cell_the_closest_count():
    assert [core.parameter_count(c, 20) for c in core.CELLS] == [461, 1861, 1401]
    sizes = cell_sizes(20, matched=True)
    assert sizes == {"rnn": 42, "lstm": 20, "gru": 23}
    for cell, hidden in sizes.items():
        count = core.parameter_count(cell, hidden)
        for other in (hidden - 1, hidden + 1):
            assert abs(count - 1861) <= abs(core.parameter_count(cell, other) - 1861)
    assert cell_sizes(7, matched=False) == {"rnn": 7, "lstm": 7, "gru": 7}
    assert matched_hidden_size("lstm", core.parameter_count("lstm", 13)) == 13


@pytest.mark.parametrize("cell", core.CELLS)
def test_the_npz_holds_what_the_pytorch_script_loads(cell):
    params = core.init_cell(cell, 4, seed=1, init="pytorch")
    X = np.random.default_rng(0).normal(size=(3, 6))
    archive = np.load(io.BytesIO(cell_export.weights_npz(cell, params, X)))
    assert str(archive["cell"]) == cell
    np.testing.assert_array_equal(archive["X"], X)
    np.testing.assert_array_equal(archive["y_pred"], core.cell_forward(cell, params, X).y_pred)
    got, layer, head = torch_cell.state_dicts(archive)
    assert got == cell
    names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
    assert tuple(layer) == names
    if cell == "rnn":  # the tutorial's one bias b_h, and nn.RNN's second one at 0
        sources = (params["W_xh"], params["W_hh"], params["b_h"], np.zeros(4))
    else:  # PyTorch's own layout: the four matrices as they are
        sources = tuple(params[n] for n in ("W_ih", "W_hh", "b_ih", "b_hh"))
    for name, source in zip(names, sources, strict=True):
        np.testing.assert_array_equal(layer[name], source)
    np.testing.assert_array_equal(head["weight"], params["W_hy"])
    np.testing.assert_array_equal(head["bias"], params["b_y"])
    # The page's code block loads the same names, with this model's shapes.
    snippet = text.torch_snippet(cell, params, 6)
    assert all(f'"{name}"' in snippet for name in names)
    assert "hidden_size=4" in snippet and "nn.Linear(4, 1)" in snippet
    assert f"W_hh {params['W_hh'].shape}" in snippet
    assert cell_export.torch_script().startswith("#!/usr/bin/env python3")


def test_the_forget_gate_opens_at_the_start_and_nothing_else_moves():
    plain, opened = small(hidden_size=4).initial_params(), small(hidden_size=4, forget_bias=1.0)
    start = opened.initial_params()
    forget = slice(4, 8)  # gate blocks i, f, g, o
    np.testing.assert_array_equal(start["b_ih"][forget], 1.0)
    np.testing.assert_array_equal(start["b_hh"][forget], 0.0)
    for name in core.GATED_PARAM_NAMES:
        keep = np.ones(start[name].shape[0], bool)
        if name in ("b_ih", "b_hh"):
            keep[forget] = False
        np.testing.assert_array_equal(start[name][keep], plain[name][keep])
    result = opened.execute()
    np.testing.assert_array_equal(result.initial_params["b_ih"], start["b_ih"])
