"""AppTest: the hidden state's dynamics. On page 2 the scalar RNN's cobweb shows the window's whole
path at every step, and the W_hh presets change the scalar model through its settings (so the
URL carries them); on the training page every window's h_T is drawn in its principal components,
with the chosen window's path."""

from __future__ import annotations

import base64
import json
import time

import numpy as np
from streamlit.testing.v1 import AppTest

from rnnviz import core
from rnnviz.ui import model
from rnnviz.ui.training import jobs

X, Y = core.make_windows(core.weather_series(), 5)


def open_page(page: str, **query: str) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.query_params.update(query)
    at.switch_page(page).run()
    assert not at.exception
    return at


def figure(at: AppTest, trace_name: str) -> dict:
    """The chart holding a trace of this name, as its JSON spec."""
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if any(trace.get("name") == trace_name for trace in spec["data"]):
            return spec
    raise AssertionError(f"no chart has a trace {trace_name!r}")


def values(data) -> np.ndarray:
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
    return np.asarray(data, dtype=float)


def path(at: AppTest) -> np.ndarray:
    spec = figure(at, "the window's path h_0 → h_1 → …")
    trace = next(t for t in spec["data"] if t["name"] == "the window's path h_0 → h_1 → …")
    return np.stack([values(trace["x"]), values(trace["y"])], axis=1)


def test_the_cobweb_shows_the_whole_window_at_every_step():
    at = open_page("pages/stepper.py")
    params = model.scalar_params(at.session_state["settings"])
    trace = core.forward(params, X[:1])
    full = core.cobweb_path(trace)  # (2T+1, 2): h_0, then up and across for each of the T days
    np.testing.assert_array_equal(path(at), full)
    for _ in range(3):
        at.button(key="fstep:next").click().run()
        np.testing.assert_array_equal(path(at), full)  # Next moves the ledger, not the map
    assert at.query_params["fstep"] == "3"
    slopes = figure(at, "|W_hh·(1 − h_t²)|")["data"][0]
    np.testing.assert_allclose(values(slopes["y"]), np.abs(core.map_slopes(params, trace)))
    assert not at.exception


def test_a_preset_sets_w_hh_keeps_the_other_numbers_and_travels_in_the_url():
    at = open_page("pages/stepper.py", fstep="3")
    before = model.scalar_params(at.session_state["settings"])
    at.button(key="cobweb_preset:1.5").click().run()
    assert not at.exception
    settings = at.session_state["settings"]
    assert settings["W_hh"] == 1.5 and settings["edited"] is True
    for name in ("W_xh", "b_h", "W_hy", "b_y"):
        assert settings[name] == float(before[name].ravel()[0])
    assert at.query_params["W_hh"] == "1.5" and at.query_params["edited"] == "1"
    params = model.scalar_params(settings)
    trace = core.forward(params, X[:1])
    np.testing.assert_array_equal(path(at), core.cobweb_path(trace))  # the new model's walk
    assert at.button(key="cobweb_preset:1.5").disabled  # the model on screen has it already
    slopes = figure(at, "|W_hh·(1 − h_t²)|")["data"][0]
    np.testing.assert_allclose(values(slopes["y"]), np.abs(core.map_slopes(params, trace)))


def test_a_vectorized_model_is_told_the_map_is_for_the_scalar_rnn():
    at = open_page("pages/stepper.py", model="vector", model_h="3")
    assert any("scalar RNN ($H = 1$) only" in i.value for i in at.info)
    assert not any(b.key and b.key.startswith("cobweb_preset") for b in at.button)


def test_the_training_page_draws_every_windows_final_state_and_the_chosen_path():
    at = open_page("pages/training.py", hidden="4", epochs="20", wseed="41", look="7")
    next(b for b in at.button if b.label == "Train").click().run()
    deadline = time.monotonic() + 180
    while at.session_state[jobs.RUN].active and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()
    at.run()
    assert not at.exception
    result = at.session_state[jobs.RUN].result
    h = core.forward(result.params, X).h  # raw inputs, as the tutorial
    pca = core.pca(h[:, -1])
    spec = figure(at, "h_T of each window")
    cloud, walk = spec["data"]
    np.testing.assert_allclose(values(cloud["x"]), pca.scores[:, 0], atol=1e-12)
    np.testing.assert_allclose(values(cloud["marker"]["color"]), np.arange(1, 96))
    np.testing.assert_allclose(values(walk["y"]), pca.project(h[6])[:, 1], atol=1e-12)
    assert "window 7" in walk["name"]
    at.radio(key="w:hcolour").set_value("target").run()
    cloud = figure(at, "h_T of each window")["data"][0]
    np.testing.assert_allclose(values(cloud["marker"]["color"]), Y)
    assert at.query_params["hcolour"] == "target"
