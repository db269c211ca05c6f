"""AppTest: the weather page's controls drive the session's series; bad changes are refused."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import core
from rnnviz.files import bundled


@pytest.fixture
def weather() -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=30).run()
    at.switch_page("pages/weather.py").run()
    assert not at.exception
    return at


def chart_y(at: AppTest) -> np.ndarray:
    """The first trace's y values of the page's first Plotly chart."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    y = spec["data"][0]["y"]
    if isinstance(y, dict):  # plotly ships numpy arrays base64-encoded
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
    return np.asarray(y)


def test_defaults_show_the_tutorials_series(weather):
    np.testing.assert_array_equal(chart_y(weather), core.weather_series())
    assert weather.session_state["settings"]["win"] == 1


def test_changing_phi1_regenerates_the_series(weather):
    weather.slider(key="w:phi1").set_value(0.5).run()
    np.testing.assert_allclose(chart_y(weather), core.weather_series(phi=(0.5, 0.2)))


def test_non_stationary_phi_is_explained(weather):
    weather.slider(key="w:phi1").set_value(1.0).run()
    assert any("Not stationary" in w.value for w in weather.warning)


def test_exploding_change_is_refused_and_the_series_kept(weather):
    weather.slider(key="w:phi1").set_value(1.5).run()
    weather.number_input(key="w:n").set_value(2000).run()
    assert weather.session_state["settings"]["n"] == 100  # refused
    assert weather.number_input(key="w:n").value == 100  # the widget snapped back
    assert any("not applied" in e.value and "floating-point" in e.value for e in weather.error)
    assert not weather.exception


def test_reset_restores_the_tutorial(weather):
    weather.slider(key="w:phi1").set_value(0.3).run()
    weather.number_input(key="w:seed").set_value(9).run()
    weather.button[0].click().run()
    np.testing.assert_array_equal(chart_y(weather), core.weather_series())
    assert weather.slider(key="w:phi1").value == 0.7


def test_window_is_clamped_when_the_series_shrinks(weather):
    weather.slider(key="w:win").set_value(95).run()
    weather.number_input(key="w:n").set_value(50).run()
    assert weather.session_state["settings"]["win"] == 45
    assert not weather.exception


def test_csv_text_round_trips_exactly():
    from rnnviz.ui.series import series_csv

    temps = core.weather_series(seed=5)
    frame = pd.read_csv(io.StringIO(series_csv(temps)))
    assert list(frame.columns) == ["day", "temperature"]
    np.testing.assert_array_equal(frame["temperature"].to_numpy(), temps)
    np.testing.assert_array_equal(frame["day"].to_numpy(), np.arange(1, 101))


def test_settings_survive_a_visit_to_another_page(weather):
    weather.number_input(key="w:seed").set_value(4).run()
    weather.switch_page("pages/home.py").run()
    weather.switch_page("pages/weather.py").run()
    assert weather.number_input(key="w:seed").value == 4
    np.testing.assert_array_equal(chart_y(weather), core.weather_series(seed=4))


def test_a_real_series_is_one_click_away_held_out_and_standardised(weather):
    weather.radio(key="w:data").set_value("seattle-max").run()
    assert not weather.exception
    _, values, _ = bundled.load("seattle-max")
    np.testing.assert_array_equal(chart_y(weather), values)
    v = weather.session_state["settings"]
    assert (v["holdout"], v["scaling"]) == (20, "standardised")  # a real series' defaults
    assert not weather.get("slider") or all(s.key != "w:phi1" for s in weather.slider)
    about = " ".join(m.value for m in weather.markdown)
    assert "USW00024233" in about and "public domain" in about
    assert weather.query_params["data"] == "seattle-max"  # it travels in a link
    weather.radio(key="w:data").set_value("generated").run()
    v = weather.session_state["settings"]
    assert (v["holdout"], v["scaling"]) == (0, "raw")  # back to the tutorial's
    np.testing.assert_array_equal(chart_y(weather), core.weather_series())


def test_a_link_to_the_real_series_opens_it():
    at = AppTest.from_file("../../app.py", default_timeout=30)
    at.query_params["data"] = "seattle-min"
    at.run()
    at.switch_page("pages/weather.py").run()
    _, values, _ = bundled.load("seattle-min")
    np.testing.assert_array_equal(chart_y(at), values)
    assert "Seattle, daily minimum" in at.sidebar.caption[0].value
