"""AppTest: the class as one experiment. A student who joined the teacher's room trains; the
teacher's training page shows that run under the student's number, settings and scores only."""

from __future__ import annotations

import json
import time

from streamlit.testing.v1 import AppTest

from rnnviz.ui import presenter
from rnnviz.ui.training import jobs


def session(page: str = "pages/training.py", **query: str) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def click(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def test_a_students_training_reaches_the_teachers_class_experiment():
    teacher = session()
    click(teacher, "Open a room (teacher)")
    code = teacher.session_state[presenter.TEACHER].code
    assert any("No training in room" in i.value for i in teacher.info)

    student = session()
    student.text_input(key="room_code_input").set_value(code.lower()).run()  # Enter joins
    number = student.session_state[presenter.FOLLOW].number
    assert any(f"You are student {number}" in c.value for c in student.sidebar.caption)
    click(student, "Explore on my own")  # their own settings, still in the room
    student.slider(key="w:hidden").set_value(3).run()
    student.select_slider(key="w:lr").set_value(1e-3).run()
    student.number_input(key="w:epochs").set_value(40).run()
    student.number_input(key="w:wseed").set_value(77).run()
    click(student, "Train")
    deadline = time.monotonic() + 120
    while student.session_state[jobs.RUN].active:
        assert time.monotonic() < deadline
        time.sleep(0.3)
        student.run()

    deadline = time.monotonic() + 30
    while True:  # the pool reports to the room from its listener thread
        teacher.run()
        charts = [c for c in teacher.get("plotly_chart") if "class_experiment" in c.proto.id]
        if charts:
            spec = json.loads(charts[0].proto.spec)
            finished = [t for t in spec["data"] if t["name"] == "H = 3, finished"]
            if finished:
                break
        assert time.monotonic() < deadline, "the student's run never reached the teacher"
        time.sleep(0.3)
    assert finished[0]["x"] == [0.001] and finished[0]["customdata"][0][0] == number
    summary = " ".join(c.value for c in teacher.caption)
    assert "1 student(s) trained" in summary and "Lowest error on fresh data" in summary
    assert "77" in summary  # the seed: settings, never the model or the series
    assert not teacher.exception and not student.exception
