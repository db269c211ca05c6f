"""Sessions over the websocket (benchmarks.stclient): a `Page` for every role, the trainers of
the older classroom, and the idle baseline before the room arrives.

A protocol client's times are this process's clock: a click is timed from sending its rerun
request to the `script_finished` of the run that served it, and a page "shows" texts from the
moment the run that drew them finished (the client keeps the element tree as the frontend does).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable
from urllib.parse import parse_qsl

from benchmarks.classroom.bench import FAILURES, Bench, Calibration, TrainingResult, category
from benchmarks.classroom.moves import LABELS, STEPPER, Action, Expect, Plan, kind_of
from benchmarks.classroom.scenario import Client, Training
from benchmarks.classroom.stepping import CLICK_TIMEOUT
from benchmarks.classroom.training import ENDINGS, FIRST_EPOCH, lr_label
from benchmarks.processes import cpu_seconds
from benchmarks.stclient import ClickTimeout, ProtocolError, StClient

ROOM_CODE_HTML = re.compile(r">([A-Z2-9]{4})</div>")  # the teacher panel's large room code
SETTING_KEYS = {"hidden": "w:hidden", "lr": "w:lr", "wseed": "w:wseed"}


class ProtocolPage:
    """One session over the websocket, as a `Page`."""

    kind = Client.PROTOCOL

    def __init__(self, bench: Bench, idx: int):
        self.bench, self.idx = bench, idx
        self.client = StClient(bench.url, f"s{idx}", on_error=bench.on_page_error(idx))
        bench.clients.append(self.client)
        self.pressed = 0.0

    async def open(self, path: str, query: str, title: str = "") -> float:
        return await self.client.open(path, query)

    async def move(self, action: Action, before: Expect, after: Expect) -> float:
        kind, what = action
        if kind == "nav":
            return await self.goto(what, after.texts())
        key, _ = LABELS[(before.page, what)]
        latency = await self.client.click(key=key, timeout=CLICK_TIMEOUT)
        self.pressed = self.client.last_sent
        return latency

    async def goto(self, path: str, parts: list[str]) -> float:
        latency = await self.client.navigate(path, CLICK_TIMEOUT)
        self.pressed = self.client.last_sent
        return latency

    async def text(self) -> str:
        return "\n".join(self.client.texts())

    async def evidence(self, name: str) -> str:
        """What a failure's report can say of a protocol page beyond its text: nothing to keep."""
        return "running" if self.client.running else "idle"

    async def settle(self) -> None:
        await self.client.wait_for(lambda c: not c.running, CLICK_TIMEOUT)

    async def watch(self, parts: list[str], idle: bool, timeout: float) -> Awaitable[float]:
        seen: list[float] = []

        def shows(c: StClient) -> bool:
            if c.has_text(*parts) and not (idle and c.running):
                seen.append(time.monotonic())
                return True
            return False

        task = asyncio.create_task(self.client.wait_for(shows, timeout))

        async def moment() -> float:
            await task
            return seen[0]

        return moment()

    async def open_room(self) -> str:
        await self.client.click("Open a room (teacher)")
        found = [m for t in self.client.texts() for m in ROOM_CODE_HTML.findall(t)]
        if not found:
            raise ProtocolError("teacher: no room code on screen")
        return found[0]

    async def join(self, code: str) -> None:
        await self.client.click("Join the room", set_values={"Room code": code})
        await self.client.wait_for(lambda c: c.has_text(f"Following room {code}"), 20)

    async def explore(self) -> None:
        await self.client.click("Explore on my own")
        await self.client.wait_for(lambda c: c.has_text("you are exploring on your own"), 20)

    async def following(self) -> bool:
        return self.client.has_text("Following room")

    async def set_training(self, training: Training) -> None:
        wanted = training.query()
        now = await self.query()
        for name, key in SETTING_KEYS.items():
            if now.get(name) == wanted.get(name):
                continue
            value = getattr(training, {"wseed": "seed"}.get(name, name))
            value = lr_label(value) if name == "lr" else value
            latency = await self.client.change(key, value, CLICK_TIMEOUT)
            self.bench.click(self.idx, self.kind, "setting", latency, self.client.last_sent)

    async def query(self) -> dict[str, str]:
        return dict(parse_qsl(self.client.query_string))

    async def train(self, result: TrainingResult, timeout: float) -> None:
        if self.client.widget("Train") is None:
            raise LookupError(f"s{self.idx}: the training page has no Train button")
        try:
            result.click_latency = await self.client.click("Train", timeout=CLICK_TIMEOUT)
        except ClickTimeout as err:  # the click may still land: keep watching
            self.bench.error(self.idx, "timeout", f"Train: {err}")
        result.pressed = self.client.last_sent
        result.outcome = "submitted"

        def progress(c: StClient) -> bool:
            texts = c.texts()
            if result.first_epoch is None and any(t.startswith(FIRST_EPOCH) for t in texts):
                result.first_epoch = time.monotonic()
            for outcome, text in ENDINGS.items():
                if any(text in t for t in texts):
                    result.finished, result.outcome = time.monotonic(), outcome
                    return True
            return False

        await self.client.wait_for(progress, timeout)

    async def close(self) -> None:
        await self.client.close()


async def calibrate(bench: Bench, server_pid: int, moves: int) -> None:
    """One session alone on the server before the room arrives: the idle latency of each kind
    of move and the server CPU it costs (CPU time is less disturbed by other load than wall
    time, so it says what the server must do per click)."""
    client = StClient(bench.url, "calibration", on_error=bench.on_page_error(-1))
    expect = Expect(STEPPER, 0, 0, win=50, seed=99)
    plan = Plan()
    try:
        await client.open(STEPPER, expect.query())
        for _ in range(moves):
            action, after = plan.next(expect)
            before = cpu_seconds(server_pid)
            if action[0] == "nav":
                latency = await client.navigate(action[1], CLICK_TIMEOUT)
            else:
                latency = await client.click(key=LABELS[(expect.page, action[1])][0])
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
