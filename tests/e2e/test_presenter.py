"""Presenter mode in two real browser sessions: the student's screen follows the teacher's."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import no_exception, wait_idle

CODE = re.compile(r"^[A-Z2-9]{4}$")


def test_student_follows_teacher_and_can_explore_alone(browser, app_url):
    teacher_ctx, student_ctx = browser.new_context(), browser.new_context()
    teacher, student = teacher_ctx.new_page(), student_ctx.new_page()
    sent: list[object] = []  # what the student's page sends the server over its websocket
    student.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    try:
        teacher.goto(f"{app_url}/weather")
        wait_idle(teacher)
        teacher.get_by_test_id("stSidebar").get_by_text("Classroom").click()
        teacher.get_by_role("button", name="Open a room (teacher)").click()
        wait_idle(teacher)
        code_box = teacher.locator("[data-testid='stSidebar'] div").filter(has_text=CODE).last
        code = code_box.inner_text().strip()
        assert CODE.match(code), code

        student.goto(app_url)
        wait_idle(student)
        student.get_by_test_id("stSidebar").get_by_text("Classroom").click()
        room_code = student.get_by_role("textbox", name="Room code")
        room_code.fill(code.lower())
        room_code.press("Enter")  # Enter joins: no click on "Join the room" needed
        expect(student).to_have_url(re.compile(r"/weather"), timeout=15_000)
        expect(student.get_by_text(f"Following room {code}")).to_be_visible(timeout=15_000)
        expect(teacher.get_by_text("1 student(s) following")).to_be_visible(timeout=15_000)

        seed = teacher.get_by_role("spinbutton", name="Noise seed")
        seed.fill("5")
        seed.press("Enter")
        wait_idle(teacher)
        expect(student).to_have_url(re.compile(r"seed=5"), timeout=15_000)
        wait_idle(student)
        expect(student.get_by_role("spinbutton", name="Noise seed")).to_have_value("5")

        own = student.get_by_role("spinbutton", name="Noise seed")
        own.fill("9")
        own.press("Enter")
        expect(student.get_by_text("you are exploring on your own")).to_be_visible(timeout=15_000)
        # Exploring alone, the student's page sends the server nothing on a timer: no poll.
        wait_idle(student)
        before = len(sent)
        student.wait_for_timeout(5_000)
        assert len(sent) == before, f"{len(sent) - before} message(s) in 5 s exploring alone"

        student.get_by_role("button", name="Follow the teacher again").click()
        expect(student).to_have_url(re.compile(r"seed=5"), timeout=15_000)
        expect(student.get_by_text(f"Following room {code}")).to_be_visible(timeout=15_000)
        # ...while a following student polls (which also shows the listener above hears).
        before = len(sent)
        student.wait_for_timeout(5_000)
        assert len(sent) > before, "no poll in 5 s while following"

        # A step on the stepper reruns only its timeline; the poll then notices the move.
        teacher.get_by_test_id("stSidebarNav").get_by_text("2 · The RNN, step by step").click()
        expect(student).to_have_url(re.compile(r"/stepper"), timeout=15_000)
        wait_idle(student)
        # The teacher asks the room to guess first: the student's screen offers the guess box.
        expect(student.get_by_role("textbox", name=re.compile("Your guess for"))).to_have_count(0)
        teacher.get_by_test_id("stSidebar").get_by_text("Students guess first").click()
        expect(student.get_by_text("Your teacher asks the room to guess")).to_be_visible(
            timeout=15_000
        )
        expect(student.get_by_role("textbox", name=re.compile("Your guess for"))).to_be_visible()
        wait_idle(student)
        student.get_by_role("button", name="Next", exact=True).click()
        expect(student.get_by_text("you are exploring on your own")).to_be_visible(timeout=15_000)
        expect(teacher.get_by_text("0 student(s) following")).to_be_visible(timeout=15_000)
        no_exception(teacher)
        no_exception(student)
    finally:
        teacher_ctx.close()
        student_ctx.close()
