"""AppTest: how a student joins a teacher's room from the sidebar. Enter in the Room code box
joins (as a student expects after typing a code); the Join button joins too; both at once join
once; a wrong code says why in a sentence."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from rnnviz.ui import presenter


def session() -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.run()
    assert not at.exception
    return at


def open_room() -> tuple[AppTest, str]:
    teacher = session()
    next(b for b in teacher.button if b.label == "Open a room (teacher)").click().run()
    return teacher, teacher.session_state[presenter.TEACHER].code


def room_box(at: AppTest):
    return at.text_input(key="room_code_input")


def test_enter_in_the_room_code_box_joins_the_room():
    teacher, code = open_room()
    student = session()
    room_box(student).set_value(f" {code.lower()} ").run()  # as typed: lower case, a stray space
    assert not student.exception
    follow = student.session_state[presenter.FOLLOW]
    assert (follow.code, follow.number) == (code, 1)
    assert "Join the room" not in [b.label for b in student.button]
    teacher.run()
    assert any("1 student(s) following" in c.value for c in teacher.sidebar.caption)


def test_typing_a_code_and_clicking_join_in_one_run_joins_once():
    _, code = open_room()
    first, second = session(), session()
    for student in (first, second):
        room_box(student).input(code)
        next(b for b in student.button if b.label == "Join the room").click().run()
        assert not student.exception
    assert first.session_state[presenter.FOLLOW].number == 1
    assert second.session_state[presenter.FOLLOW].number == 2


def test_a_wrong_code_is_refused_with_a_sentence_and_an_emptied_box_says_nothing():
    open_room()
    student = session()
    room_box(student).set_value("K7").run()
    assert not student.exception
    assert [e.value for e in student.sidebar.error] == [
        "'K7' is not a room code: codes are 4 letters/digits."
    ]
    assert presenter.FOLLOW not in student.session_state
    room_box(student).set_value("").run()
    assert not student.exception
    assert not student.sidebar.error
    assert presenter.FOLLOW not in student.session_state
