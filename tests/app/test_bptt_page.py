"""AppTest: the BPTT page starts from the stepper's finished forward pass, steps back through the
engine's gradients, plays as an animation, and Apply turns the model into the stepped one."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import core
from rnnviz.text import ledger
from rnnviz.ui import model, state
from tests.app.models import trained_model

T = 5
X, Y = core.make_windows(core.weather_series(), T)


def open_bptt(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/bptt.py").run()
    assert not at.exception
    return at


@pytest.fixture
def bptt() -> AppTest:
    return open_bptt()


def ledger_text(at: AppTest) -> str:
    return at.code[0].value


def expected(params, window: int, step: int) -> str:
    trace = core.forward(params, X[window : window + 1])
    result = core.backward(params, trace, Y[window : window + 1])
    lines = ledger.backward_lines(params, trace, result, float(Y[window]), step)
    return "\n".join(line.text for line in lines)


def timeline_chart(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def click(at: AppTest, name: str) -> AppTest:
    at.button(key=f"bstep:{name}").click().run()
    assert not at.exception
    return at


def test_starts_from_the_finished_forward_pass(bptt):
    params = core.init_params(1, 0)
    trace = core.forward(params, X[:1])
    assert bptt.session_state["settings"]["bstep"] == 0
    assert ledger_text(bptt) == expected(params, 0, 0)
    assert ledger.num(trace.y_pred[0]) in ledger_text(bptt)
    assert any("pre-activation" in md.value for md in bptt.markdown)


def test_stepping_walks_back_through_the_engines_gradients(bptt):
    params = core.init_params(1, 0)
    for step in range(1, T + 2):
        click(bptt, "next")
        assert bptt.session_state["settings"]["bstep"] == step
        assert ledger_text(bptt) == expected(params, 0, step)
    assert ledger_text(bptt).startswith("da_1 = ")
    assert bptt.button(key="bstep:next").disabled


def test_back_after_next_returns_exactly_to_the_previous_screen(bptt):
    click(bptt, "next")
    click(bptt, "next")
    before = (ledger_text(bptt), timeline_chart(bptt))
    click(bptt, "next")
    assert ledger_text(bptt) != before[0]
    click(bptt, "back")
    assert bptt.session_state["settings"]["bstep"] == 2
    assert (ledger_text(bptt), timeline_chart(bptt)) == before


def test_same_window_and_model_as_the_stepper():
    at = AppTest.from_file("../../app.py", default_timeout=60).run()
    at.switch_page("pages/stepper.py").run()
    at.slider(key="w:win").set_value(30).run()
    at.radio(key="w:model").set_value("vector").run()
    at.switch_page("pages/bptt.py").run()
    assert not at.exception
    assert ledger_text(at) == expected(core.init_params(8, 0), 29, 0)
    assert any("days 30–34 → day 35" in c.value for c in at.caption)


def test_play_mode_is_one_animation_with_a_frame_per_step(bptt):
    bptt.toggle(key="w:play").set_value(True).run()
    assert not bptt.exception
    spec = timeline_chart(bptt)
    assert len(spec["frames"]) == T + 2
    labels = [b["label"] for b in spec["layout"]["updatemenus"][0]["buttons"]]
    assert labels == ["Play", "Pause"]
    assert not [b for b in bptt.button if (b.key or "").startswith("bstep:")]
    assert bptt.query_params["play"] == "1"


def test_step_comes_from_the_link():
    at = open_bptt({"bstep": "4", "win": "3"})
    assert ledger_text(at) == expected(core.init_params(1, 0), 2, 4)


def test_apply_one_sgd_step_makes_the_scalar_model_the_updated_one(bptt):
    params = core.init_params(1, 0)
    bptt.button(key="bptt_panels:apply").click().run()
    assert not bptt.exception
    core.sgd_step(params, X[:1], Y[:1], lr=core.TUTORIAL_LR, clip=core.TUTORIAL_CLIP)
    values = bptt.session_state["settings"]
    assert values["edited"]
    for name in core.PARAM_NAMES:
        assert values[name] == params[name].ravel()[0]
    assert ledger_text(bptt) == expected(params, 0, 0)
    assert bptt.query_params["edited"] == "1"  # the stepped model travels in the link


def test_apply_on_the_vector_model_is_kept_for_the_session():
    at = open_bptt({"model": "vector", "model_h": "3"})
    params = core.init_params(3, 0)
    for _ in range(2):
        at.button(key="bptt_panels:apply").click().run()
        core.sgd_step(params, X[:1], Y[:1], lr=core.TUTORIAL_LR, clip=core.TUTORIAL_CLIP)
    assert not at.exception
    assert at.session_state[model.APPLIED].steps == 2
    assert ledger_text(at) == expected(params, 0, 0)
    assert any("after 2 SGD step(s)" in c.value for c in at.caption)
    at.button(key="model:reinit").click().run()
    assert ledger_text(at) == expected(core.init_params(3, 0), 0, 0)


def test_a_different_model_does_not_inherit_applied_steps():
    at = open_bptt({"model": "vector", "model_h": "3"})
    at.button(key="bptt_panels:apply").click().run()
    at.number_input(key="w:model_h").set_value(4).run()
    assert ledger_text(at) == expected(core.init_params(4, 0), 0, 0)
    # Kept, but only for the H = 3 model it was applied to.
    assert at.session_state[model.APPLIED].params["W_hh"].shape == (3, 3)


def test_steps_applied_to_the_trained_model_end_when_it_is_retrained():
    trained = trained_model(core.init_params(2, 9), "trained H = 2")
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.query_params["model"] = "trained"
    at.session_state[state.TRAINED_MODEL] = trained
    at.run()
    at.switch_page("pages/bptt.py").run()
    at.button(key="bptt_panels:apply").click().run()
    stepped = core.init_params(2, 9)
    core.sgd_step(stepped, X[:1], Y[:1], lr=core.TUTORIAL_LR, clip=core.TUTORIAL_CLIP)
    assert ledger_text(at) == expected(stepped, 0, 0)
    assert trained.params["W_hh"][0, 0] == core.init_params(2, 9)["W_hh"][0, 0]  # untouched

    retrained = trained_model(core.init_params(2, 10), "retrained")
    at.session_state[state.TRAINED_MODEL] = retrained
    at.run()
    assert ledger_text(at) == expected(core.init_params(2, 10), 0, 0)
