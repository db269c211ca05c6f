"""The clipping figure shows BPTT's gradients and exactly core.clip_grads' result, with the band."""

import numpy as np
import pytest

from rnnviz import core
from rnnviz.core import memory
from rnnviz.figures import palette
from rnnviz.figures.clipping import clipping_figure, update_table


def grads_for(hidden: int) -> tuple[dict, np.ndarray, float, dict]:
    X, y = core.make_windows(core.weather_series(), 5)
    params = core.init_params(hidden, seed=0)
    result = core.backward(params, core.forward(params, X[:1]), y[:1])
    return params, X[0], float(y[0]), result.grads


def flat(part: dict) -> np.ndarray:
    return np.concatenate([np.ravel(part[name]) for name in core.PARAM_NAMES])


@pytest.mark.parametrize(("hidden", "clip"), [(1, 1.0), (4, 1.0), (4, 5.0)])
def test_bars_are_the_gradients_before_and_after_clip_grads(hidden, clip):
    _, _, _, grads = grads_for(hidden)
    fig = clipping_figure(memory.clip_effect(grads, clip, 1e-4), clip)
    before, after = fig.data[0], fig.data[1]
    np.testing.assert_array_equal(before.y, flat(grads))
    np.testing.assert_array_equal(after.y, flat(core.clip_grads(grads, clip)))
    assert np.all(np.abs(after.y) <= clip)
    changed = np.abs(flat(grads)) > clip
    assert changed.any()
    np.testing.assert_array_equal(np.array(after.marker.color) == palette.VERMILLION, changed)
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(bands) == 2 and all((s.y0, s.y1) == (-clip, clip) for s in bands)


def test_without_clipping_both_rows_are_the_raw_gradient_and_there_is_no_band():
    _, _, _, grads = grads_for(1)
    fig = clipping_figure(memory.clip_effect(grads, None, 1e-4), None)
    np.testing.assert_array_equal(fig.data[0].y, fig.data[1].y)
    assert not [s for s in fig.layout.shapes if s.type == "rect"]


def test_update_table_is_the_sgd_step_of_the_engine():
    params, x, target, grads = grads_for(2)
    new = core.copy_params(params)
    core.sgd_step(new, x, [target], lr=1e-4, clip=1.0)
    table = update_table(params, new, grads, 1.0)
    np.testing.assert_array_equal(table["θ"], flat(params))
    np.testing.assert_array_equal(table["θ after"], flat(new))
    np.testing.assert_array_equal(table["clipped ∇θ"], flat(core.clip_grads(grads, 1.0)))
    np.testing.assert_allclose(table["Δθ = −η·clipped ∇θ"], -1e-4 * table["clipped ∇θ"], atol=1e-15)
    assert np.abs(table["Δθ = −η·clipped ∇θ"]).max() <= 1e-4 * (1 + 1e-9)
