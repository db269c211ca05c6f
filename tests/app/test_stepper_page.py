"""AppTest: the forward stepper steps through the engine's numbers, back and forth, and its window,
model and step live in the settings (hence the URL)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import core
from rnnviz.runs import TrainedModel
from rnnviz.text import ledger
from rnnviz.ui import state
from tests.app.models import trained_model

T = 5
X, Y = core.make_windows(core.weather_series(), T)


def open_stepper(
    query: dict[str, str] | None = None, trained: TrainedModel | None = None
) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=30)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if trained is not None:
        at.session_state[state.TRAINED_MODEL] = trained
    at.run()
    at.switch_page("pages/stepper.py").run()
    assert not at.exception
    return at


@pytest.fixture
def stepper() -> AppTest:
    return open_stepper()


def ledger_text(at: AppTest) -> str:
    return at.code[0].value


def screen(at: AppTest) -> tuple:
    """What the student sees that depends on the step: ledger, charts, metrics."""
    charts = tuple(
        json.dumps(json.loads(c.proto.spec), sort_keys=True) for c in at.get("plotly_chart")
    )
    return ledger_text(at), charts, tuple(m.value for m in at.metric)


def click(at: AppTest, name: str) -> AppTest:
    at.button(key=f"fstep:{name}").click().run()
    assert not at.exception
    return at


def expected_lines(params, window: int, step: int) -> str:
    trace = core.forward(params, X[window : window + 1])
    lines = ledger.forward_lines(params, trace, float(Y[window]), step)
    return "\n".join(line.text for line in lines)


def test_opens_before_day_one_with_the_tutorials_scalar_model(stepper):
    assert stepper.session_state["settings"]["fstep"] == 0
    assert ledger_text(stepper).startswith("h_0 = 0")
    assert stepper.number_input(key="w:W_hh").value == core.init_params(1, 0)["W_hh"][0, 0]
    assert any("pre-activation" in md.value for md in stepper.markdown)


def test_next_shows_the_engines_numbers_for_each_day(stepper):
    params = core.init_params(1, 0)
    trace = core.forward(params, X[:1])
    for t in range(1, T + 1):
        click(stepper, "next")
        assert stepper.session_state["settings"]["fstep"] == t
        assert ledger_text(stepper) == expected_lines(params, 0, t)
        assert f"= {ledger.num(trace.a[0, t - 1, 0])}\n" in ledger_text(stepper)


def test_back_after_next_returns_exactly_to_the_previous_screen(stepper):
    click(stepper, "next")
    click(stepper, "next")
    before = screen(stepper)
    click(stepper, "next")
    assert screen(stepper) != before
    click(stepper, "back")
    assert stepper.session_state["settings"]["fstep"] == 2
    assert screen(stepper) == before


def test_run_to_end_shows_y_target_and_loss_then_reset(stepper):
    click(stepper, "end")
    assert stepper.session_state["settings"]["fstep"] == T + 1
    params = core.init_params(1, 0)
    trace = core.forward(params, X[:1])
    loss = float((trace.y_pred[0] - Y[0]) ** 2)
    assert [m.value for m in stepper.metric] == [
        ledger.num(trace.y_pred[0]),
        ledger.num(Y[0]),
        ledger.num(loss),
    ]
    assert stepper.button(key="fstep:next").disabled
    click(stepper, "reset")
    assert stepper.session_state["settings"]["fstep"] == 0
    assert stepper.button(key="fstep:back").disabled


def test_editing_a_parameter_changes_the_numbers_and_travels_in_the_link(stepper):
    click(stepper, "next")
    stepper.number_input(key="w:W_hh").set_value(0.5).run()
    values = stepper.session_state["settings"]
    assert values["edited"] and values["W_hh"] == 0.5
    params = core.init_params(1, 0)
    params["W_hh"] = np.array([[0.5]])
    assert ledger_text(stepper) == expected_lines(params, 0, 1)
    assert stepper.query_params["W_hh"] == "0.5" and stepper.query_params["edited"] == "1"
    # The other four keep the seeded values exactly, so the link reproduces this screen.
    assert values["b_h"] == params["b_h"][0]

    relinked = open_stepper(dict(stepper.query_params))
    assert ledger_text(relinked) == ledger_text(stepper)

    stepper.button(key="model:reinit").click().run()
    assert not stepper.session_state["settings"]["edited"]
    assert ledger_text(stepper) == expected_lines(core.init_params(1, 0), 0, 1)


def test_a_new_seed_draws_a_new_model_and_drops_edits(stepper):
    stepper.number_input(key="w:W_xh").set_value(0.2).run()
    stepper.number_input(key="w:model_seed").set_value(7).run()
    assert not stepper.session_state["settings"]["edited"]
    click(stepper, "next")
    assert ledger_text(stepper) == expected_lines(core.init_params(1, 7), 0, 1)


def test_window_and_step_come_from_the_link():
    at = open_stepper({"win": "12", "fstep": "4"})
    assert at.session_state["settings"]["fstep"] == 4
    assert ledger_text(at) == expected_lines(core.init_params(1, 0), 11, 4)
    assert any("days 12–16 → day 17" in c.value for c in at.caption)


def test_vector_model_shows_units_and_the_heatmap():
    at = open_stepper({"model": "vector", "model_h": "6", "fstep": "2"})
    params = core.init_params(6, 0)
    assert ledger_text(at) == expected_lines(params, 0, 2)
    assert "unit by unit" in ledger_text(at)
    heatmap = json.loads(at.get("plotly_chart")[2].proto.spec)["data"][0]
    assert heatmap["type"] == "heatmap" and len(heatmap["z"]) == 6


def test_trained_source_without_a_trained_model_says_so_and_shows_the_scalar():
    at = open_stepper({"model": "trained", "fstep": "1"})
    assert any("No model has been trained" in w.value for w in at.warning)
    assert ledger_text(at) == expected_lines(core.init_params(1, 0), 0, 1)


def test_trained_model_from_the_training_page_is_stepped_through():
    params = core.init_params(3, 42)
    trained = trained_model(params, "H = 3 after 10 epochs")
    at = open_stepper({"model": "trained", "fstep": "3"}, trained=trained)
    assert not at.warning
    assert ledger_text(at) == expected_lines(params, 0, 3)
    assert any("H = 3 after 10 epochs" in c.value for c in at.caption)


def test_a_standardised_trained_model_reads_standardised_inputs():
    params = core.init_params(3, 42)
    scaling = core.Scaling.fit(core.weather_series())
    trained = trained_model(params, "H = 3, standardised", scaler=scaling, seq_len=7)
    at = open_stepper({"model": "trained", "fstep": "3"}, trained=trained)
    trace = core.forward(params, scaling.scale(X[0:1]))
    lines = ledger.forward_lines(params, trace, float(scaling.scale(Y[0])), 3)
    assert ledger_text(at) == "\n".join(line.text for line in lines)
    notice = " ".join(w.value for w in at.warning)
    assert "standardised temperatures" in notice and "7-day windows" in notice


def test_numbers_behind_the_ledger_and_charts_are_built_only_on_request(stepper):
    click(stepper, "next")
    click(stepper, "next")
    assert len(stepper.dataframe) == 0  # toggles off: no table is built or sent
    stepper.toggle(key="numbers:forward_ledger").set_value(True).run()
    table = stepper.dataframe[0].value
    trace = core.forward(core.init_params(1, 0), X[:1])
    exact = dict(zip(table["quantity"], table["value"], strict=True))
    assert float(exact["a_2"]) == trace.a[0, 1, 0]  # 17 digits: the engine's value, exactly
    assert float(exact["h_2"]) == trace.h[0, 2, 0]
    stepper.toggle(key="numbers:heatmap").set_value(True).run()
    heat = stepper.dataframe[1].value
    assert len(heat) == T + 1 and set(heat.columns) >= {"x", "y", "z"}  # h_0 … h_5, H = 1
    click(stepper, "next")
    assert len(stepper.dataframe) == 2  # a student's open tables stay open as they step
