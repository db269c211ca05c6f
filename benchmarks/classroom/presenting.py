"""Presenter mode, whatever the clients: the teacher opens a room and leads, followers join it,
follow every move of the lead, then explore on their own.

Teacher's move → follower's screen shows it: from the teacher's click (the click event on the
teacher's page, or the moment a protocol teacher sent it) to the first moment the follower's
page has finished its run and its main area shows the teacher's new screen: the page title,
"Step k of 6" with the teacher's k, and the teacher's window and seed (after a page change, the
title of the teacher's new page with that page's step). One clock: Chromium pages' own times are
mapped onto the benchmark's (benchmarks.classroom.chromium).
"""

from __future__ import annotations

import asyncio
import random

from benchmarks.classroom.bench import Bench, Follow
from benchmarks.classroom.follow import Move
from benchmarks.classroom.moves import LEAD, Expect, Plan, on_screen, shown
from benchmarks.classroom.stepping import Page, check_shows, make_move, wait_flag
from benchmarks.stclient import ClickTimeout

FOLLOW_TIMEOUT = 15.0  # a follower that has not shown a move by then failed it (an error)
JOIN_TIMEOUT = 60.0  # the teacher waits this long for the followers to join


async def open_room(bench: Bench, idx: int, page: Page, screen: Expect) -> None:
    code = await page.open_room()
    bench.room_code.set_result(code)
    bench.lead.screen = screen
    bench.notes.append(f"the teacher (session {idx}, a {page.kind} page) opened room {code}")


async def room_code(bench: Bench, idx: int) -> str | None:
    """The teacher's room code for a follower, or None (with a note) if no room was opened."""
    try:
        code = await asyncio.wait_for(asyncio.shield(bench.room_code), JOIN_TIMEOUT)
    except TimeoutError:
        code = None
    if code is None:
        bench.notes.append(f"session {idx}: no room was opened, so this follower only steps")
    return code


async def lead(bench: Bench, idx: int, rng: random.Random, page: Page, expect: Expect) -> Expect:
    """The teacher's `lead` moves, each announced to the followers before the click and
    followed by all of them before the next; returns the state the teacher's page then shows."""
    if not await wait_flag(bench.joined_event, JOIN_TIMEOUT):
        bench.notes.append(
            f"only {bench.joined} of {bench.followers_expected} followers joined in "
            f"{JOIN_TIMEOUT:.0f} s"
        )
    plan = Plan(LEAD)
    try:
        for i in range(bench.scenario.lead):
            action, after = plan.next(expect)
            await asyncio.sleep(bench.scenario.think_time(rng))
            move = Move(i, "page" if action[0] == "nav" else "step", after)
            await bench.lead.announce(move)
            expect, timed_out = await make_move(bench, idx, page, action, expect, after)
            move.press(None if timed_out else page.pressed)
            bench.lead.screen = expect
            await bench.lead.settled(move, FOLLOW_TIMEOUT + 5)
    finally:
        bench.lead.finish()
    await bench.lead.until_all_left(FOLLOW_TIMEOUT + 5)  # "now explore": the room presses it
    return expect


async def follow(bench: Bench, idx: int, page: Page, expect: Expect) -> Expect:
    """Join the room, show the teacher's screen, follow each move of the lead, then explore on
    its own; returns the state the page then shows."""
    code = await room_code(bench, idx)
    if code is None:
        return expect
    await page.join(code)
    screen, missed = bench.lead.screen, False
    if screen is not None:
        try:
            await (await page.watch(screen.texts(), True, FOLLOW_TIMEOUT))
            expect = screen
        except ClickTimeout:
            missed = True
            what = f"{page.kind}: did not show the teacher's screen on joining"
            bench.error(idx, "timeout", what)
    queue = bench.lead.join(idx)
    bench.joined_one()
    following = True
    try:
        while following and (move := await queue.get()) is not None:
            shown_it, following = await _follow_move(bench, idx, page, move)
            expect, missed = (move.expect, missed) if shown_it else (expect, True)
        if following:
            await page.explore()
    finally:
        bench.lead.leave(idx)  # after Explore: the teacher steps on alone only then
    if missed or not following:  # an error already: go on from whatever the page shows now
        await page.settle()
        return shown(await page.text(), expect)
    return check_shows(bench, idx, page, await page.text(), expect, "exploring on its own:")


async def _follow_move(bench: Bench, idx: int, page: Page, move: Move) -> tuple[bool, bool]:
    """Watch for the move, then time it against the teacher's click: (whether the page showed
    it in time, whether it still follows)."""
    shown = await page.watch(move.expect.texts(), True, FOLLOW_TIMEOUT)
    bench.lead.arm(move, idx)
    following = True
    try:
        at: float | None = await shown
    except ClickTimeout:
        at = None
        following = await page.following()
        if following:
            text = await page.text()
            missing = [part for part in move.expect.texts() if part not in text]
            seen = await page.evidence(f"classroom-s{idx}-move{move.index + 1}")
            what = (
                f"did not show the teacher's move {move.index + 1} ({move.kind}) in time: "
                f"missing {missing}; page: {on_screen(text)} ({seen})"
            )
        else:
            what = (
                f"by the teacher's move {move.index + 1}, the page had stopped following the "
                "room by itself (it says the student explores on their own)"
            )
        bench.error(idx, "timeout" if following else "stopped following", f"{page.kind}: {what}")
    try:
        pressed = await asyncio.wait_for(asyncio.shield(move.pressed), FOLLOW_TIMEOUT)
    except TimeoutError:
        pressed = None
    latency = at - pressed if at is not None and pressed is not None else None
    bench.follows.append(Follow(move.index, move.kind, idx, page.kind, latency))
    bench.lead.answer(move, idx)
    return at is not None, following
