"""The LSTM and the GRU against PyTorch's own numbers (nn.LSTM, nn.GRU, their cells, float64),
stored in tests/fixtures/torch_cells.npz by tests/fixtures/make_torch_cells.py: every gate, h_t,
c_t, y_pred, the loss, every gradient, dL/dh_t, dL/dc_t and dL/dx_t, full and truncated BPTT.
torch is not needed here."""

from pathlib import Path

import numpy as np
import pytest

from rnnviz import core

FIXTURE = Path(__file__).parent / "fixtures" / "torch_cells.npz"
# Measured largest differences: 2e-15 forward, 8e-15 for any gradient (float64 rounding in a
# different order); 1e-12 is the "exact".
ATOL = 1e-12


def load_cases():
    data = np.load(FIXTURE)
    names = sorted({key.split("__")[0] for key in data.files})
    return [
        {key.split("__")[1]: data[key] for key in data.files if key.startswith(n + "__")}
        for n in names
    ]


CASES = load_cases()


def test_the_fixture_has_both_cells_truncation_and_saturation():
    cells = [str(case["cell"]) for case in CASES]
    assert cells.count("lstm") >= 3 and cells.count("gru") >= 3
    assert {str(c["cell"]) for c in CASES if int(c["truncate"]) > 0} == {"lstm", "gru"}
    # σ′ = σ(1 − σ) below 1e-3 somewhere: saturated gates are among the cases
    for cell, gate in (("lstm", "f"), ("gru", "z")):
        assert min(np.min(c[gate] * (1 - c[gate])) for c in CASES if str(c["cell"]) == cell) < 1e-3


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['cell']}-T{c['X'].shape[1]}")
def test_forward_and_bptt_equal_pytorchs(case):
    cell = str(case["cell"])
    truncate = int(case["truncate"]) if int(case["truncate"]) > 0 else None
    params = {name: case["param_" + name] for name in core.GATED_PARAM_NAMES}
    trace = core.cell_forward(cell, params, case["X"])
    gates = ["i", "f", "g", "o", "c"] if cell == "lstm" else ["r", "z", "n", "hn"]
    for field in ["y_pred", "h", *gates]:
        np.testing.assert_allclose(getattr(trace, field), case[field], rtol=0, atol=ATOL)

    result = core.cell_backward(cell, params, trace, case["y"], truncate=truncate)
    assert result.loss == pytest.approx(float(case["loss"]), abs=ATOL)
    for name in core.GATED_PARAM_NAMES:
        np.testing.assert_allclose(result.grads[name], case["grad_" + name], rtol=0, atol=ATOL)
    for field in ["dh", "dx"] + (["dc"] if cell == "lstm" else []):
        np.testing.assert_allclose(getattr(result, field), case[field], rtol=0, atol=ATOL)
