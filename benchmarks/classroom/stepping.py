"""What every stepping session does, whatever its client: arrive, make its moves and check each
one against the state it expects.

A client is a `Page`: benchmarks.classroom.protocol and benchmarks.classroom.chromium each have
one; the sessions (benchmarks.classroom.sessions) drive it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable
from typing import Protocol

from benchmarks.classroom.bench import Bench, TrainingResult
from benchmarks.classroom.moves import STEPPER, Action, Expect, Plan, kind_of, on_screen, shown
from benchmarks.classroom.scenario import Client, Training
from benchmarks.stclient import ClickTimeout

CLICK_TIMEOUT = 30.0
GIVE_UP = 3  # a session stops stepping after this many timeouts in a row


class Page(Protocol):
    """One session's page, as the sessions see it. Times are the benchmark's clock."""

    kind: Client
    pressed: float  # when the last click was made

    async def open(self, path: str, query: str) -> float:
        """Load the page at this URL; returns the seconds until it had loaded."""

    async def move(self, action: Action, before: Expect, after: Expect) -> float:
        """Make the move; returns its latency (click → updated page), seconds."""

    async def goto(self, path: str, parts: list[str]) -> float:
        """Click the sidebar link to page `path`; returns the latency until it shows `parts`."""

    async def text(self) -> str:
        """Every text of the page's main area."""

    async def evidence(self, name: str) -> str:
        """For a failure's report: a screenshot saved under `name` (Chromium), or whether the
        script is running (protocol)."""

    async def settle(self) -> None:
        """Wait until the page's script is idle (after a move that timed out)."""

    async def watch(self, parts: list[str], idle: bool, timeout: float) -> Awaitable[float]:
        """Start watching for the main area to show every one of `parts` (and the script to be
        idle, if asked); the awaitable returned gives the moment it first did, or raises
        ClickTimeout after `timeout` seconds."""

    async def open_room(self) -> str:
        """Open a room as the teacher; returns its code."""

    async def join(self, code: str) -> None:
        """Join room `code` until the page says it follows."""

    async def explore(self) -> None:
        """Press "Explore on my own" until the page says so."""

    async def following(self) -> bool:
        """Whether the page says it follows the room."""

    async def set_training(self, training: Training) -> None:
        """Set the learning rate, weight seed and H on the training page, as a student does."""

    async def query(self) -> dict[str, str]:
        """The URL's query parameters now."""

    async def train(self, result: TrainingResult, timeout: float) -> None:
        """Press Train and watch the run to its end, filling in `result`."""

    async def close(self) -> None:
        """Close the page."""


async def arrive(bench: Bench, idx: int) -> None:
    """Session 0 is the first visitor (the teacher, in presenter mode); the others arrive over
    the ramp once its page has loaded, unless --cold sends everyone to the fresh server at once."""
    if idx != 0 and not bench.scenario.cold:
        await bench.first_open.wait()
    await asyncio.sleep(bench.scenario.delay(idx))


async def wait_flag(event: asyncio.Event, timeout: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), timeout)
        return True
    except TimeoutError:
        return False


def check_shows(bench: Bench, idx: int, page: Page, text: str, want: Expect, what: str) -> Expect:
    """`want` if the page's text shows it; else what the page shows, noted as a lost state."""
    if all(part in text for part in want.texts()):
        return want
    missing = [part for part in want.texts() if part not in text]
    says = on_screen(text)
    bench.mismatch(idx, f"{page.kind}: {what} expected {want}; missing {missing}; page: {says}")
    return shown(text, want)


async def make_move(
    bench: Bench, idx: int, page: Page, action: Action, expect: Expect, after: Expect
) -> tuple[Expect, bool]:
    """One move, timed and checked: (the state the page then shows, whether it timed out)."""
    timed_out = False
    try:
        latency = await page.move(action, expect, after)
    except ClickTimeout as err:
        bench.error(idx, "timeout", f"{action}: {err}")
        timed_out = True
        try:
            await page.settle()
        except (ClickTimeout, TimeoutError):
            pass  # still busy: compare with what the page shows now
    else:
        bench.click(idx, page.kind, kind_of(action, expect), latency, page.pressed)
    return check_shows(bench, idx, page, await page.text(), after, f"after {action}"), timed_out


async def step_through(
    bench: Bench,
    idx: int,
    rng: random.Random,
    expect: Expect,
    page: Page,
    plan: Plan,
    moves: int,
) -> Expect:
    """`moves` moves of `plan`, each after a think time and checked against what this session
    expects; returns the state the page then shows."""
    timeouts = 0
    for _ in range(moves):
        if timeouts >= GIVE_UP:
            bench.error(idx, "gave up", f"{GIVE_UP} moves in a row timed out; stopped stepping")
            break
        action, after = plan.next(expect)
        await asyncio.sleep(bench.scenario.think_time(rng))
        expect, timed_out = await make_move(bench, idx, page, action, expect, after)
        timeouts = timeouts + 1 if timed_out else 0
    return expect


def starting_state(bench: Bench, idx: int) -> Expect:
    """What session idx's stepper shows when it opens."""
    win, seed = bench.scenario.window_and_seed(idx)
    return Expect(STEPPER, 0, 0, win=win, seed=seed)
