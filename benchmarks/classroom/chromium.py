"""Sessions in headless Chromium pages (Playwright + Debian's Chromium, with the flags of
tests/e2e/conftest.py): a student's view, rendering included.

What a page measures runs inside it: page.js, installed before Streamlit loads, takes every time
on the page's own clock (a click event, the first DOM change that shows some texts). Those times
are mapped onto the benchmark's clock (time.monotonic() of this process) by an offset: each
reading of the page's clock taken between two readings of ours bounds the offset to an interval,
and the offset is the middle of the intersection of all of them (five readings when the page
opens, one more before each click). Both clocks are the machine's monotonic clock, so the offset
does not drift and the intersection only narrows; the report prints the largest half-width a
time was mapped with.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Awaitable
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from benchmarks.classroom.bench import DIVERGED, Bench, TrainingResult
from benchmarks.classroom.moves import LABELS, Action, Expect
from benchmarks.classroom.sampling import Sampler
from benchmarks.classroom.scenario import Client, Training
from benchmarks.classroom.stepping import CLICK_TIMEOUT
from benchmarks.classroom.training import ENDINGS, FIRST_EPOCH
from benchmarks.processes import renice_threads
from benchmarks.stclient import ClickTimeout, ProtocolError
from rnnviz import settings as schema
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # one set of browser flags

PAGE_JS = Path(__file__).with_name("page.js")
CODE = re.compile(r"^[A-Z2-9]{4}$")
ALIGN_READINGS = 5
TRAIN_POLL_S = 0.5


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
    """One session in a real headless Chromium page, as a `Page`."""

    kind = Client.CHROMIUM

    def __init__(self, bench: Bench, idx: int, context, page):
        self.bench, self.idx, self.context, self.page = bench, idx, context, page
        self.seen_errors: set[tuple[str, str]] = set()
        self.offset = 0.0  # the page's clock minus the benchmark's, seconds
        self.bounds = (-float("inf"), float("inf"))  # what the readings allow for the offset
        self.pressed = 0.0
        self._ids = itertools.count()

    @classmethod
    async def create(cls, bench: Bench, idx: int, browser) -> ChromiumPage:
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        await context.add_init_script(path=PAGE_JS)
        page = await context.new_page()
        page.set_default_timeout(CLICK_TIMEOUT * 1000)
        page.on("pageerror", lambda err: bench.error(idx, "browser", f"page error: {err}"))
        return cls(bench, idx, context, page)

    # -- the page's clock ----------------------------------------------------------------------
    async def read_clock(self) -> None:
        """One reading of the page's clock between two of ours: it bounds the offset (the
        page's time minus ours) to an interval; the offset kept is the middle of the
        intersection of every such interval so far, its error half the intersection's width."""
        before = time.monotonic()
        in_page = await self.page.evaluate("() => performance.now()") / 1000
        after = time.monotonic()
        low, high = max(self.bounds[0], in_page - after), min(self.bounds[1], in_page - before)
        if low > high:  # cannot happen for two steady clocks; start again from this reading
            low, high = in_page - after, in_page - before
        self.bounds = (low, high)
        self.offset = (low + high) / 2

    async def align(self) -> None:
        """The offset between the page's clock and the benchmark's (see the module's doc)."""
        for _ in range(ALIGN_READINGS):
            await self.read_clock()

    @property
    def clock_error(self) -> float:
        """How far the offset may be off, seconds."""
        return (self.bounds[1] - self.bounds[0]) / 2

    def on_our_clock(self, page_ms: float) -> float:
        """A time of the page's clock on ours (the uncertainty it carries goes to the report)."""
        self.bench.clock_errors.append(self.clock_error)
        return page_ms / 1000 - self.offset

    async def _arm(self, parts: list[str], idle: bool) -> str:
        """Start a watch in the page (see page.js); returns its id."""
        watch_id = f"w{next(self._ids)}"
        await self.page.evaluate(
            "([id, parts, idle]) => window.__rnnviz.watch(id, parts, idle)",
            [watch_id, parts, idle],
        )
        return watch_id

    async def _seen(self, watch_id: str, timeout: float) -> float:
        """The page time (ms) at which watch `watch_id` saw its texts."""
        try:
            handle = await self.page.wait_for_function(
                "(id) => window.__rnnviz.seen(id)", arg=watch_id, polling=50, timeout=timeout * 1000
            )
        except Exception as err:  # noqa: BLE001 - Playwright's TimeoutError
            raise ClickTimeout(f"c{self.idx}: page did not show it: {err}") from None
        return await handle.json_value()

    async def watch(self, parts: list[str], idle: bool, timeout: float) -> Awaitable[float]:
        watch_id = await self._arm(parts, idle)

        async def moment() -> float:
            try:
                return self.on_our_clock(await self._seen(watch_id, timeout))
            finally:
                await self.page.evaluate("(id) => window.__rnnviz.forget(id)", watch_id)

        return moment()

    # -- moves ---------------------------------------------------------------------------------
    async def open(self, path: str, query: str, title: str = "") -> float:
        started = time.monotonic()
        await self.page.goto(f"{self.bench.url}/{path}?{query}")
        await self.align()
        await (await self.watch([title], True, 60))
        return time.monotonic() - started

    async def _click(self, target, parts: list[str]) -> float:
        """Click `target`; the page's time from the click event to the first moment it is idle
        and shows `parts` (the watch starts before the click)."""
        await self.read_clock()  # one more reading narrows the offset (see read_clock)
        shown = await self.watch(parts, True, CLICK_TIMEOUT)
        await target.click()
        at = await shown
        clicked = await self.page.evaluate("() => window.__rnnviz.lastClick()")
        self.pressed = self.on_our_clock(clicked)
        await self.check_errors()
        return at - self.pressed

    async def move(self, action: Action, before: Expect, after: Expect) -> float:
        """Click, then wait for the new title and step: the sign that the page updated (the
        full check against `after` follows, in stepping.make_move)."""
        kind, what = action
        if kind == "nav":
            return await self.goto(what, after.texts()[:2])
        key, _ = LABELS[(before.page, what)]
        # Streamlit draws a button with help twice (one copy inside its tooltip target).
        button = self.page.locator(f".{css_key(key)} button:visible").first
        return await self._click(button, after.texts()[:2])

    async def goto(self, path: str, parts: list[str]) -> float:
        link = self.page.locator(f'[data-testid="stSidebarNavLink"][href$="/{path}"]')
        return await self._click(link, parts)

    async def text(self) -> str:
        return await self.page.evaluate("() => window.__rnnviz.mainText()")

    async def evidence(self, name: str) -> str:
        """A screenshot of the page now, for a failure's report: where it was saved."""
        path = f"/tmp/{name}.png"
        await self.page.screenshot(path=path)
        return f"screenshot {path}"

    async def settle(self) -> None:
        await self.page.wait_for_timeout(150)  # the script state flips shortly after a click
        await self.page.wait_for_function(
            "() => window.__rnnviz.idle()", polling=50, timeout=CLICK_TIMEOUT * 1000
        )

    async def check_errors(self) -> None:
        found = await self.page.evaluate("() => window.__rnnviz.errors()")
        for kind, key in (("exception", "exceptions"), ("error message", "alerts")):
            for text in found[key]:
                if (kind, text) not in self.seen_errors and DIVERGED not in text:
                    self.seen_errors.add((kind, text))
                    self.bench.error(self.idx, kind, f"chromium: {text}")

    # -- the room ------------------------------------------------------------------------------
    async def open_room(self) -> str:
        page = self.page
        await page.get_by_test_id("stSidebar").get_by_text("Classroom").click()
        await page.get_by_role("button", name="Open a room (teacher)").click()
        await self.settle()
        box = page.locator("[data-testid='stSidebar'] div").filter(has_text=CODE).last
        code = (await box.inner_text()).strip()
        if not CODE.match(code):
            raise ProtocolError(f"teacher: no room code on screen ({code!r})")
        return code

    async def join(self, code: str) -> None:
        page = self.page
        await page.get_by_test_id("stSidebar").get_by_text("Classroom").click()
        box = page.get_by_role("textbox", name="Room code")
        await box.fill(code)
        await box.press("Enter")  # Enter joins
        await page.get_by_text(f"Following room {code}").wait_for(timeout=20_000)

    async def explore(self) -> None:
        await self.page.get_by_role("button", name="Explore on my own").click()
        await self.page.get_by_text("you are exploring on your own").wait_for(timeout=20_000)
        await self.settle()

    async def following(self) -> bool:
        return "Following room" in await self.page.get_by_test_id("stSidebar").inner_text()

    # -- training ------------------------------------------------------------------------------
    async def set_training(self, training: Training) -> None:
        """H and η by keyboard on their sliders, the seed typed into its box, as a student
        does; each until the URL carries the new value."""
        wanted = training.query()
        for name in ("hidden", "lr"):
            if (await self.query()).get(name) == wanted.get(name):
                continue
            thumb = self.page.locator(f".{css_key('w:' + name)} input[type=range]")
            now = int(await thumb.get_attribute("value"))
            target = training.hidden if name == "hidden" else schema.LR_GRID.index(training.lr)
            await thumb.focus()
            for _ in range(abs(target - now)):
                await self.page.keyboard.press("ArrowRight" if target > now else "ArrowLeft")
            await self._url_has(name, wanted.get(name))
        if (await self.query()).get("wseed") != wanted.get("wseed"):
            box = self.page.locator(f".{css_key('w:wseed')} input")
            await box.fill(str(training.seed))
            await box.press("Enter")
            await self._url_has("wseed", wanted.get("wseed"))

    async def _url_has(self, name: str, value: str | None) -> None:
        await self.page.wait_for_function(
            "([k, v]) => new URLSearchParams(location.search).get(k) === v"
            " && window.__rnnviz.idle()",
            arg=[name, value],
            polling=50,
            timeout=CLICK_TIMEOUT * 1000,
        )

    async def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.page.url).query))

    async def train(self, result: TrainingResult, timeout: float) -> None:
        """Train; the first epoch and the end are taken in the page (page.js), so looking at
        them every TRAIN_POLL_S costs no precision."""
        first = await self._arm([FIRST_EPOCH], False)
        endings = {outcome: await self._arm([text], False) for outcome, text in ENDINGS.items()}
        await self.page.get_by_role("button", name="Train", exact=True).click()
        clicked = await self.page.evaluate("() => window.__rnnviz.lastClick()")
        result.pressed = self.on_our_clock(clicked)
        result.outcome = "submitted"
        ids = [first, *endings.values()]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(TRAIN_POLL_S)
            seen = await self.page.evaluate("(ids) => ids.map(window.__rnnviz.seen)", ids)
            at_first, ended = seen[0], dict(zip(endings, seen[1:], strict=True))
            if at_first is not None and result.first_epoch is None:
                result.first_epoch = self.on_our_clock(at_first)
            over = {o: at for o, at in ended.items() if at is not None}
            if over:
                outcome = min(over, key=over.get)
                result.finished, result.outcome = self.on_our_clock(over[outcome]), outcome
                break
        else:
            raise ClickTimeout(f"c{self.idx}: the training did not end in {timeout:.0f} s")
        await self.page.evaluate("(ids) => ids.forEach(window.__rnnviz.forget)", ids)
        await self.check_errors()

    async def close(self) -> None:
        await self.context.close()
