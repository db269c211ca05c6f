"""One run of the classroom on a running server: the idle baseline, then every session at once,
with the server sampled throughout."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from functools import partial

from benchmarks.classroom import chromium
from benchmarks.classroom.bench import Bench
from benchmarks.classroom.protocol import ProtocolPage, calibrate
from benchmarks.classroom.sampling import Sampler
from benchmarks.classroom.scenario import Client, Role, Scenario
from benchmarks.classroom.sessions import session, trainer_session

LAG_TICK, LAG_REPORTED = 0.02, 0.1


async def run(scenario: Scenario, url: str, sampler: Sampler) -> Bench:
    """The classroom against the server at `url`, within `scenario.timeout`."""
    bench = Bench(url, scenario)
    watcher = asyncio.create_task(watch_loop(bench))
    try:
        async with asyncio.timeout(scenario.timeout):
            await room(bench, sampler)
    except TimeoutError:
        bench.error(-1, "timeout", f"the whole benchmark hit its {scenario.timeout:.0f} s limit")
    finally:
        watcher.cancel()
    return bench


async def _protocol_page(bench: Bench, idx: int) -> ProtocolPage:
    return ProtocolPage(bench, idx)


async def watch_loop(bench: Bench) -> None:
    """Record when this process's event loop runs late (it parses every client's messages)."""
    while True:
        before = time.monotonic()
        await asyncio.sleep(LAG_TICK)
        late = time.monotonic() - before - LAG_TICK
        if late > LAG_REPORTED:
            bench.loop_lags.append((before, late))


async def room(bench: Bench, sampler: Sampler) -> None:
    await calibrate(bench, sampler.server_pid, bench.scenario.calibration)
    stop_sampling = asyncio.Event()
    sampling = asyncio.create_task(sampler.run(stop_sampling))
    launched = await chromium.launch(bench, sampler) if bench.scenario.browsers else None
    if launched is None:
        bench.scenario = replace(bench.scenario, browsers=0)
    playwright, browser = launched or (None, None)
    bench.seat(bench.scenario.seats())
    tasks = []
    for i, seat in enumerate(bench.seats):
        if seat.role == Role.TRAINER:
            tasks.append(asyncio.create_task(trainer_session(bench, i)))
            continue
        if seat.client == Client.CHROMIUM:
            make = partial(chromium.ChromiumPage.create, bench, i, browser)
        else:
            make = partial(_protocol_page, bench, i)
        tasks.append(asyncio.create_task(session(bench, i, seat.role, make)))

    async def release() -> None:
        await bench.all_open.wait()
        # The older classroom's trainers press Train in the next second; stepping starts once
        # they are queued.
        await asyncio.sleep(2.0 if bench.scenario.trainers else 0.0)
        bench.stepping_start = time.monotonic()
        bench.go.set()

    releaser = asyncio.create_task(release())
    if bench.steppers_left == 0:
        bench.stepping_done.set()
    try:
        await asyncio.gather(*tasks)
    finally:
        releaser.cancel()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*(c.close() for c in bench.clients), return_exceptions=True)
        sampler.sample()
        stop_sampling.set()
        await sampling
        if browser is not None:
            await browser.close()
        if playwright is not None:
            await playwright.stop()
