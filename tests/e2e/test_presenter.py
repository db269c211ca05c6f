"""Presenter mode against a real server: the student's screen follows the teacher's (two Chromium
sessions, or protocol clients where a test must send what a browser sends only in a race)."""

from __future__ import annotations

import asyncio
import re

from playwright.sync_api import expect

from benchmarks.classroom.protocol import ROOM_CODE_HTML
from benchmarks.stclient import StClient
from tests.e2e.conftest import no_exception, run_async, wait_idle

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


def test_a_timer_run_under_the_page_the_follower_left_gets_the_teachers_page_back(app_url):
    """The server switches a follower's page; a timer run the browser asked for just before
    that reached it carries the page it left. Streamlit runs the fragment under that page, and
    the browser empties its main area on it (clearAppState). The follower must get the
    teacher's page back by itself, not stay blank until the teacher's next move, and without a
    whole run under the page it left."""

    async def scenario() -> None:
        teacher, student = StClient(app_url, "teacher"), StClient(app_url, "student")
        try:
            await teacher.open("stepper")
            await teacher.click("Open a room (teacher)")
            (code,) = {m for t in teacher.texts() for m in ROOM_CODE_HTML.findall(t)}
            await student.open("stepper")
            await student.click("Join the room", set_values={"Room code": code})
            await student.wait_for(lambda c: c.has_text(f"Following room {code}"), 20)
            assert student.has_text("2 · The RNN, step by step")
            (status,) = [n for n, p in student.elements("alert") if "Following room" in p.body]

            # The stale timer request: the following fragment, under the BPTT page.
            sent = await student._rerun(
                student.widget_states(),
                page_hash=student.pages["bptt"],
                fragment_id=status.fragment_id,
                auto=True,
            )
            await student._wait(sent, status.fragment_id, 20)
            await student.wait_for(
                lambda c: not c.running and c.has_text("2 · The RNN, step by step", "Step 0 of 6"),
                20,
            )
            assert student.has_text(f"Following room {code}")
            # Straight back, never a whole run under the page left: the browser would take that
            # page on, and its timer would ask under it again.
            after = [run for run in student._runs if run.started >= sent]
            full_runs = [r.page_hash for r in after if not r.fragment_ids]
            assert full_runs and set(full_runs) == {student.pages["stepper"]}
            await asyncio.sleep(2.5)  # two more timer runs: under the stepper page, and no more
            assert {r.page_hash for r in student._runs if r.started >= sent} == {
                student.pages["bptt"],  # the stale request's own run
                student.pages["stepper"],
            }
            assert student.has_text("2 · The RNN, step by step", f"Following room {code}")
            assert student.errors == [] and teacher.errors == []
        finally:
            await student.close()
            await teacher.close()

    run_async(scenario())
