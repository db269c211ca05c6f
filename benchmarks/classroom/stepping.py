"""What every stepping session does, whatever its client: arrive, wait for the signal, make its
moves and check each one; and the teacher's hand-over to the followers.

A client is a `Page`: benchmarks.classroom.protocol and benchmarks.classroom.chromium each have one.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from benchmarks.classroom.bench import Bench, Click
from benchmarks.classroom.moves import Action, Expect, Plan, kind_of, shown
from benchmarks.classroom.scenario import Client, Role
from benchmarks.stclient import ClickTimeout

CLICK_TIMEOUT = 30.0
GIVE_UP = 3  # a session stops stepping after this many timeouts in a row

AfterFirst = Callable[[float, Expect], Awaitable[None]]


class Page(Protocol):
    """One session's page, as the stepping sees it."""

    kind: Client

    async def move(self, action: Action, before: Expect, after: Expect) -> float:
        """Make the move; returns its latency (click → updated page), seconds."""

    async def text(self) -> str:
        """Every text of the page's main area."""

    async def settle(self) -> None:
        """Wait until the page's script is idle (after a move that timed out)."""


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


def teacher_hand_over(bench: Bench) -> AfterFirst:
    """After the teacher's first move: tell the followers, wait until they have followed it."""

    async def after_first(pressed: float, now: Expect) -> None:
        bench.teacher_moved.set_result((pressed, now))
        if not await wait_flag(bench.followed_event, 60):
            bench.notes.append(
                f"only {bench.followed} of {bench.followers_expected} followers "
                "followed the teacher's first move within 60 s"
            )

    return after_first


async def teacher_waits_for_followers(bench: Bench) -> None:
    if not await wait_flag(bench.joined_event, 60):
        bench.notes.append(
            f"only {bench.joined} of {bench.followers_expected} followers joined in 60 s"
        )


async def room_code(bench: Bench, idx: int) -> str | None:
    """The teacher's room code for a follower, or None (with a note) if no room was opened."""
    try:
        code = await asyncio.wait_for(asyncio.shield(bench.room_code), 60)
    except TimeoutError:
        code = None
    if code is None:
        bench.notes.append(f"session {idx}: no room was opened, so this follower only steps")
    return code


async def step_through(
    bench: Bench,
    idx: int,
    role: Role,
    rng: random.Random,
    expect: Expect,
    page: Page,
    after_first: AfterFirst | None = None,
) -> None:
    """`--clicks` moves through both pages, each checked against what this session expects.

    after_first : an async callable run after the first move with the time it was pressed and
        the state it led to (the teacher's hand-over to the followers)."""
    plan = Plan()
    timeouts = 0
    for n in range(bench.scenario.clicks):
        if timeouts >= GIVE_UP:
            bench.error(idx, "gave up", f"{GIVE_UP} moves in a row timed out; stopped stepping")
            break
        action, after = plan.next(expect)
        await asyncio.sleep(bench.scenario.think_time(rng))
        training = bench.active_trainings > 0
        pressed = time.monotonic()
        try:
            latency = await page.move(action, expect, after)
        except ClickTimeout as err:
            bench.error(idx, "timeout", f"{action}: {err}")
            timeouts += 1
            try:
                await page.settle()
            except (ClickTimeout, TimeoutError):
                pass  # still busy: compare with what the page shows now
            latency = None
        else:
            timeouts = 0
        if latency is not None:
            what = kind_of(action, expect)
            bench.clicks.append(Click(idx, page.kind, role, what, latency, training, pressed))
        text = await page.text()
        if all(part in text for part in after.texts()):
            expect = after
        else:
            expect = shown(text, after)
            missing = [part for part in after.texts() if part not in text]
            near = [ln[:100] for ln in text.splitlines() if "Window: days" in ln or " of 6" in ln]
            bench.mismatch(
                idx,
                f"{page.kind}: after {action} expected {after}; missing {missing}; the page "
                f"says {near or '(none of it)'}",
            )
        if n == 0 and after_first is not None:
            await after_first(pressed, expect)
