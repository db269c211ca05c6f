"""AppTest: guess, then see. A guess typed before Next is revealed beside the engine's number and
the slip it matches is named; guessing is optional, never blocks a step, stays in the session,
is off in play mode, and while following a room it is the teacher's switch that counts."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import core
from rnnviz.text import ledger
from rnnviz.text.tex import number
from rnnviz.ui import guess, presenter

T = 5
X, Y = core.make_windows(core.weather_series(), T)
PARAMS = core.init_params(1, 0)
TRACE = core.forward(PARAMS, X[:1])
RESULT = core.backward(PARAMS, TRACE, Y[:1])


def open_page(page: str, query: dict[str, str] | None = None, *, guessing=True) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.session_state[guess.ON] = guessing
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def boxes(at: AppTest) -> list:
    return [box for box in at.text_input if (box.key or "").startswith("guess:box:")]


def step_with_guess(at: AppTest, setting: str, typed: str) -> AppTest:
    at.text_input(key=f"guess:box:{setting}").input(typed)
    at.button(key=f"{setting}:next").click().run()
    assert not at.exception
    return at


def revealed(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.success, *at.warning, *at.info])


def test_a_guess_equal_to_a_t_is_named_as_tanh_left_out():
    at = open_page("pages/stepper.py", {"fstep": "2"})
    (box,) = boxes(at)
    assert "h_{3}" in box.label  # the number Next reveals
    a_3 = float(TRACE.a[0, 2, 0])
    step_with_guess(at, "fstep", ledger.num(a_3).replace("−", "-"))
    assert at.session_state["settings"]["fstep"] == 3
    words = revealed(at)
    assert "tanh is left out" in words and f"h_{{3}} = {number(TRACE.h[0, 3, 0])}" in words
    assert boxes(at)[0].value == ""  # the next number starts with an empty box
    assert "guess" not in " ".join(at.query_params)  # guesses stay in the session


def test_a_right_guess_and_a_far_one():
    at = open_page("pages/stepper.py", {"fstep": "1"})
    step_with_guess(at, "fstep", f"{TRACE.h[0, 2, 0]:.3f}")
    assert "**Right.**" in " ".join(s.value for s in at.success)
    step_with_guess(at, "fstep", "-3")
    assert "Off by" in " ".join(i.value for i in at.info)
    at.button(key="fstep:back").click().run()  # stepping elsewhere: the reveal is gone
    assert not revealed(at)


def test_guessing_is_optional_and_never_blocks_a_step():
    at = open_page("pages/stepper.py", guessing=False)
    assert not boxes(at)
    at.button(key="fstep:next").click().run()
    assert at.session_state["settings"]["fstep"] == 1 and not at.exception
    at.toggle(key=guess.SWITCH).set_value(True).run()
    at.button(key="fstep:next").click().run()  # an empty box: the step simply happens
    assert at.session_state["settings"]["fstep"] == 2 and not revealed(at)
    step_with_guess(at, "fstep", "twelve")  # not a number: said so, and the step happens
    assert at.session_state["settings"]["fstep"] == 3 and "not a number" in revealed(at)


def test_on_the_way_back_a_missing_tanh_slope_is_named():
    at = open_page("pages/bptt.py", {"bstep": "1"})  # Step A done: dL/dh_5 is known
    without_slope = float(PARAMS["W_hh"][0, 0] * RESULT.dh[0, T, 0])
    step_with_guess(at, "bstep", f"{without_slope:.4g}")
    words = revealed(at)
    assert "is left out" in words and r"\tanh'(a_{5})" in words
    assert number(RESULT.dh[0, T - 1, 0]) in words


def test_no_guessing_in_play_mode():
    at = open_page("pages/bptt.py", {"play": "1"})
    assert not boxes(at)


@pytest.mark.parametrize("teacher_says", [False, True])
def test_a_follower_guesses_exactly_when_the_teacher_turns_it_on(teacher_says):
    rooms = presenter.store()
    code, token = rooms.open()
    rooms.publish(code, token, "stepper", {"fstep": "2"}, guessing=teacher_says)
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.session_state[guess.ON] = True  # their own choice does not count while they follow
    at.session_state[presenter.FOLLOWER_ID] = "ann"
    at.session_state[presenter.FOLLOW] = presenter.Following(code)
    at.run()
    assert not at.exception and at.session_state["settings"]["fstep"] == 2
    assert bool(boxes(at)) is teacher_says
    assert not [t for t in at.toggle if t.key == guess.SWITCH]  # no switch of their own
    rooms.close(code, token)


def test_a_guess_typed_for_another_step_is_not_judged_against_this_one():
    at = open_page("pages/stepper.py", {"fstep": "3"})
    at.text_input(key="guess:box:fstep").input(f"{TRACE.h[0, 4, 0]:.3f}")  # for h_4, then Back
    at.button(key="fstep:back").click().run()
    assert boxes(at)[0].value == ""  # now asking for h_3: the box starts empty again
    at.button(key="fstep:next").click().run()
    assert at.session_state["settings"]["fstep"] == 3 and not revealed(at)


def test_the_switch_survives_a_page_without_it():
    at = open_page("pages/stepper.py", guessing=False)
    at.toggle(key=guess.SWITCH).set_value(True).run()
    at.switch_page("pages/training.py").run()  # no switch drawn here
    at.switch_page("pages/stepper.py").run()
    assert at.toggle(key=guess.SWITCH).value and boxes(at)


def test_y_is_asked_for_as_one_number_whatever_h():
    at = open_page("pages/stepper.py", {"model": "vector", "model_h": "3", "fstep": "5"})
    (box,) = boxes(at)
    assert "$y$" in box.label and "unit" not in box.label
