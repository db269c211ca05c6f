"""Stepping sessions in headless Chromium pages (Playwright + Debian's Chromium, with the flags
of tests/e2e/conftest.py): a student's view, rendering included.

What a page measures runs inside it: page.js, installed before Streamlit loads, keeps the page's
own clock and answers the questions asked here through `window.__rnnviz`.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from benchmarks.classroom.bench import FAILURES, Bench, category
from benchmarks.classroom.moves import LABELS, LAST, STEPPER, TITLES, Action, Expect, shown
from benchmarks.classroom.sampling import Sampler
from benchmarks.classroom.scenario import Client, Role
from benchmarks.classroom.stepping import (
    CLICK_TIMEOUT,
    arrive,
    room_code,
    step_through,
    teacher_hand_over,
    teacher_waits_for_followers,
)
from benchmarks.processes import renice_threads
from benchmarks.stclient import ClickTimeout, ProtocolError
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # one set of browser flags

PAGE_JS = Path(__file__).with_name("page.js")
CODE = re.compile(r"^[A-Z2-9]{4}$")


def css_key(key: str) -> str:
    """Streamlit's class for a keyed element: st-key-<key>, other characters as '-'."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


async def launch(bench: Bench, sampler: Sampler):
    """(playwright, browser): Debian's Chromium, with it and its driver at `load_nice` before
    any page opens (the renderers it starts later inherit it); None, with a note, if it cannot
    start."""
    playwright = None
    try:
        from playwright.async_api import async_playwright

        if not Path(CHROMIUM).exists():
            raise FileNotFoundError(CHROMIUM)
        playwright = await async_playwright().start()
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        nice = bench.scenario.load_nice
        threads = renice_threads(sampler.processes()[1], nice)
        bench.notes.append(f"Chromium and its driver: {threads} threads at nice {nice}")
        return playwright, browser
    except Exception as err:  # noqa: BLE001 - degrade to protocol clients only
        bench.notes.append(
            f"COULD NOT start Chromium ({type(err).__name__}: {err}); all sessions are "
            "protocol clients"
        )
        if playwright is not None:
            await playwright.stop()
        return None


class ChromiumPage:
    """The moves of a session, clicked in a real headless Chromium page."""

    kind = Client.CHROMIUM

    def __init__(self, bench: Bench, idx: int, page):
        self.bench, self.idx, self.page = bench, idx, page
        self.seen_errors: set[tuple[str, str]] = set()

    async def wait_for(self, parts: list[str], timeout: float = CLICK_TIMEOUT) -> None:
        """Until the script is idle and the main area shows every one of `parts`."""
        try:
            await self.page.wait_for_function(
                "(parts) => window.__rnnviz.shows(parts)",
                arg=parts,
                polling=50,
                timeout=timeout * 1000,
            )
        except Exception as err:  # noqa: BLE001 - playwright's TimeoutError
            raise ClickTimeout(f"c{self.idx}: page did not show {parts}: {err}") from None

    async def idle(self) -> None:
        await self.page.wait_for_timeout(150)  # the script state flips shortly after a click
        await self.page.wait_for_function(
            "() => window.__rnnviz.idle()", polling=50, timeout=CLICK_TIMEOUT * 1000
        )

    async def move(self, action: Action, before: Expect, after: Expect) -> float:
        """Click, then wait for the new title and step: the sign that the page updated (the
        full check against `after` follows in step_through)."""
        kind, what = action
        if kind == "nav":
            target = self.page.locator(f'[data-testid="stSidebarNavLink"][href$="/{what}"]')
        else:
            key, _ = LABELS[(before.page, what)]
            # Streamlit draws a button with help twice (one copy inside its tooltip target).
            target = self.page.locator(f".{css_key(key)} button:visible").first
        started = time.monotonic()
        await target.click()
        await self.wait_for([TITLES[after.page], f"Step {after.step} of {LAST}"])
        latency = time.monotonic() - started  # the driver's view, if the page's clock is missing
        in_page = await self.page.evaluate("() => window.__rnnviz.clickLatency()")
        await self.check_errors()
        return in_page if in_page is not None else latency

    async def text(self) -> str:
        return await self.page.evaluate("() => window.__rnnviz.mainText()")

    async def settle(self) -> None:
        await self.idle()

    async def check_errors(self) -> None:
        found = await self.page.evaluate("() => window.__rnnviz.errors()")
        for kind, key in (("exception", "exceptions"), ("error message", "alerts")):
            for text in found[key]:
                if (kind, text) not in self.seen_errors:
                    self.seen_errors.add((kind, text))
                    self.bench.error(self.idx, kind, f"chromium: {text}")


async def chromium_session(bench: Bench, browser, idx: int, role: Role) -> None:
    rng = bench.scenario.think_times(idx)
    await arrive(bench, idx)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(path=PAGE_JS)
    page = await context.new_page()
    page.set_default_timeout(CLICK_TIMEOUT * 1000)
    page.on("pageerror", lambda err: bench.error(idx, "browser", f"page error: {err}"))
    chromium = ChromiumPage(bench, idx, page)
    win, seed = bench.scenario.window_and_seed(idx)
    expect = Expect(STEPPER, 0, 0, win=win, seed=seed)
    counted_open = False
    try:
        started = time.monotonic()
        await page.goto(f"{bench.url}/{STEPPER}?{expect.query()}")
        await chromium.wait_for(expect.texts(), 60)
        bench.opens.append((Client.CHROMIUM, time.monotonic() - started))
        bench.opened()
        counted_open = True
        after_first = None
        if role == Role.TEACHER:
            await page.get_by_test_id("stSidebar").get_by_text("Classroom").click()
            await page.get_by_role("button", name="Open a room (teacher)").click()
            await chromium.idle()
            box = page.locator("[data-testid='stSidebar'] div").filter(has_text=CODE).last
            code = (await box.inner_text()).strip()
            if not CODE.match(code):
                raise ProtocolError(f"teacher: no room code on screen ({code!r})")
            bench.room_code.set_result(code)
            bench.notes.append(f"the teacher (session {idx}, a Chromium page) opened room {code}")
            after_first = teacher_hand_over(bench)

        await bench.go.wait()
        if role == Role.TEACHER:
            await teacher_waits_for_followers(bench)
        if role == Role.FOLLOWER:
            expect = await chromium_follow(bench, chromium, idx) or expect
        await step_through(bench, idx, role, rng, expect, chromium, after_first)
    except FAILURES as err:
        bench.error(idx, category(err), f"chromium: {type(err).__name__}: {err}")
    except Exception as err:  # noqa: BLE001 - playwright errors: reported, never raised
        bench.error(idx, "browser", f"chromium: {type(err).__name__}: {str(err)[:200]}")
    finally:
        if not counted_open:
            bench.opened()
        if role == Role.TEACHER:
            bench.teacher_gone()
        bench.stepper_finished()
        await bench.stepping_done.wait()  # keep the tab open while the others work
        await context.close()


async def chromium_follow(bench: Bench, chromium: ChromiumPage, idx: int) -> Expect | None:
    """Join the teacher's room, follow its first move, then explore alone."""
    page = chromium.page
    code = await room_code(bench, idx)
    if code is None:
        return None
    await page.get_by_test_id("stSidebar").get_by_text("Classroom").click()
    box = page.get_by_role("textbox", name="Room code")
    await box.fill(code)
    await box.press("Enter")
    await chromium.idle()
    await page.get_by_role("button", name="Join the room").click()
    await page.get_by_text(f"Following room {code}").wait_for(timeout=20_000)
    bench.joined_one()
    moved = await asyncio.wait_for(asyncio.shield(bench.teacher_moved), 120)
    if moved is None:
        bench.notes.append(f"session {idx}: the teacher never moved; explores alone")
        await page.get_by_role("button", name="Explore on my own").click()
        await chromium.idle()
        return shown(await chromium.text(), Expect(STEPPER, 0, 0, 0, 0))
    moved_at, teacher = moved
    try:
        await chromium.wait_for(teacher.texts(), 20)
        bench.follow.append((Client.CHROMIUM, time.monotonic() - moved_at))
    except ClickTimeout:
        bench.follow_failed.append(idx)
        bench.error(idx, "timeout", "chromium: did not follow the teacher's move within 20 s")
    await page.get_by_role("button", name="Explore on my own").click()
    await page.get_by_text("you are exploring on your own").wait_for(timeout=20_000)
    bench.followed_one()
    return shown(await chromium.text(), teacher)
