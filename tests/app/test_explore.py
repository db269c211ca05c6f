"""AppTest: *Explore on my own* pressed just as the teacher moves. The follower's timer has
already queued the teacher's new screen for the next run, and the button's click is that run:
the student stays on the screen they chose to explore from (benchmarks/classroom_load.py saw
followers jump to the teacher's next step here, counted as lost state)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from rnnviz.ui import presenter


def test_explore_pressed_as_the_teacher_moves_keeps_the_students_screen():
    rooms = presenter.store()
    code, token = rooms.open()
    rooms.publish(code, token, "stepper", {"fstep": "3"})
    student = AppTest.from_file("../../app.py", default_timeout=60)
    student.session_state[presenter.FOLLOWER_ID] = "ben"
    student.session_state[presenter.FOLLOW] = presenter.Following(code)
    student.run()
    assert not student.exception and student.session_state["settings"]["fstep"] == 3

    rooms.publish(code, token, "stepper", {"fstep": "4"})  # the teacher steps on...
    # ...and the student's timer run saw it and queued it, as _check_room does.
    student.session_state[presenter.PENDING] = rooms.view(code)
    next(b for b in student.button if b.label == "Explore on my own").click().run()

    assert not student.exception
    assert student.session_state["settings"]["fstep"] == 3
    assert not student.session_state[presenter.FOLLOW].following
    assert presenter.PENDING not in student.session_state
    assert any("exploring on your own" in i.value for i in student.sidebar.info)
    rooms.close(code, token)


def test_a_queued_move_is_still_taken_while_following():
    rooms = presenter.store()
    code, token = rooms.open()
    rooms.publish(code, token, "stepper", {"fstep": "3"})
    student = AppTest.from_file("../../app.py", default_timeout=60)
    student.session_state[presenter.FOLLOWER_ID] = "cy"
    student.session_state[presenter.FOLLOW] = presenter.Following(code)
    student.run()
    rooms.publish(code, token, "stepper", {"fstep": "4"})
    student.session_state[presenter.PENDING] = rooms.view(code)
    student.run()
    assert not student.exception and student.session_state["settings"]["fstep"] == 4
    assert student.session_state[presenter.FOLLOW].following
    rooms.close(code, token)
