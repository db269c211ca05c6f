"""Stepping sessions over the websocket (benchmarks.stclient): the teacher, followers and
steppers that are not Chromium pages, and the idle baseline before the room arrives."""

from __future__ import annotations

import asyncio
import re
import time

from benchmarks.classroom.bench import FAILURES, Bench, Calibration, category
from benchmarks.classroom.moves import (
    LABELS,
    STEPPER,
    Action,
    Expect,
    Plan,
    kind_of,
    on_screen,
    shown,
)
from benchmarks.classroom.scenario import Client, Role
from benchmarks.classroom.stepping import (
    CLICK_TIMEOUT,
    arrive,
    room_code,
    step_through,
    teacher_hand_over,
    teacher_waits_for_followers,
)
from benchmarks.processes import cpu_seconds
from benchmarks.stclient import ClickTimeout, ProtocolError, StClient

ROOM_CODE_HTML = re.compile(r">([A-Z2-9]{4})</div>")  # the teacher panel's large room code


class ProtocolPage:
    """The moves of a session, over the websocket."""

    kind = Client.PROTOCOL

    def __init__(self, client: StClient):
        self.client = client

    async def move(self, action: Action, before: Expect, after: Expect) -> float:
        kind, what = action
        if kind == "nav":
            return await self.client.navigate(what, CLICK_TIMEOUT)
        key, _ = LABELS[(before.page, what)]
        return await self.client.click(key=key, timeout=CLICK_TIMEOUT)

    async def text(self) -> str:
        return "\n".join(self.client.texts())

    async def settle(self) -> None:
        await self.client.wait_for(lambda c: not c.running, CLICK_TIMEOUT)


async def protocol_session(bench: Bench, idx: int, role: Role) -> None:
    """A teacher, follower or stepper over the websocket."""
    rng = bench.scenario.think_times(idx)
    await arrive(bench, idx)
    client = StClient(bench.url, f"s{idx}", on_error=bench.on_page_error(idx))
    bench.clients.append(client)
    win, seed = bench.scenario.window_and_seed(idx)
    expect = Expect(STEPPER, 0, 0, win=win, seed=seed)
    counted_open = False
    try:
        bench.opens.append((Client.PROTOCOL, await client.open(STEPPER, expect.query())))
        bench.opened()
        counted_open = True
        if not client.has_text(*expect.texts()):
            bench.mismatch(
                idx, f"on opening: expected {expect}, page shows {on_screen(client.texts())}"
            )
        after_first = None
        if role == Role.TEACHER:
            await client.click("Open a room (teacher)")
            found = [m for t in client.texts() for m in ROOM_CODE_HTML.findall(t)]
            if not found:
                raise ProtocolError("teacher: no room code on screen")
            bench.room_code.set_result(found[0])
            bench.notes.append(f"the teacher (session {idx}, a protocol client) opened {found[0]}")
            after_first = teacher_hand_over(bench)
        await bench.go.wait()
        if role == Role.TEACHER:
            await teacher_waits_for_followers(bench)
        if role == Role.FOLLOWER:
            expect = await protocol_follow(bench, client, idx) or expect
        await step_through(bench, idx, role, rng, expect, ProtocolPage(client), after_first)
    except FAILURES as err:
        bench.error(idx, category(err), f"{type(err).__name__}: {err}")
    finally:
        if not counted_open:
            bench.opened()
        if role == Role.TEACHER:
            bench.teacher_gone()
        bench.stepper_finished()


async def protocol_follow(bench: Bench, client: StClient, idx: int) -> Expect | None:
    """Join the teacher's room, follow its first move, then explore alone. Returns the state the
    page then shows (the teacher's), or None if following failed."""
    code = await room_code(bench, idx)
    if code is None:
        return None
    await client.click("Join the room", set_values={"Room code": code})
    await client.wait_for(lambda c: c.has_text(f"Following room {code}"), 20)
    bench.joined_one()
    moved = await asyncio.wait_for(asyncio.shield(bench.teacher_moved), 120)
    if moved is None:
        bench.notes.append(f"session {idx}: the teacher never moved; explores alone")
        await client.click("Explore on my own")
        return shown("\n".join(client.texts()), Expect(STEPPER, 0, 0, 0, 0))
    moved_at, teacher = moved
    try:
        await client.wait_for(lambda c: c.has_text(*teacher.texts()), 20)
        bench.follow.append((Client.PROTOCOL, time.monotonic() - moved_at))
    except ClickTimeout:
        bench.follow_failed.append(idx)
        bench.error(idx, "timeout", "did not follow the teacher's move within 20 s")
    await client.click("Explore on my own")
    bench.followed_one()
    return shown("\n".join(client.texts()), teacher)


async def calibrate(bench: Bench, server_pid: int, moves: int) -> None:
    """One session alone on the server before the room arrives: the idle latency of each kind
    of move and the server CPU it costs (CPU time is less disturbed by other load than wall
    time, so it says what the server must do per click)."""
    client = StClient(bench.url, "calibration", on_error=bench.on_page_error(-1))
    expect = Expect(STEPPER, 0, 0, win=50, seed=99)
    plan, page = Plan(), ProtocolPage(client)
    try:
        await client.open(STEPPER, expect.query())
        for _ in range(moves):
            action, after = plan.next(expect)
            before = cpu_seconds(server_pid)
            latency = await page.move(action, expect, after)
            await asyncio.sleep(0.3)  # the server's tail work (sending, cleanup) lands here
            cpu = cpu_seconds(server_pid) - before
            bench.calibration.append(Calibration(kind_of(action, expect), latency, cpu))
            if not client.has_text(*after.texts()):
                bench.mismatch(-1, f"calibration: after {action} expected {after}")
            expect = after
    except FAILURES as err:
        bench.error(-1, category(err), f"calibration: {type(err).__name__}: {err}")
    finally:
        await client.close()
