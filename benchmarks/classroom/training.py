"""Trainer sessions: open the training page with their own settings, press Train, and watch the
run (queued, then epochs, then finished) over the websocket."""

from __future__ import annotations

import asyncio
import random
import re
import time

from benchmarks.classroom.bench import FAILURES, Bench, TrainerResult, category
from benchmarks.classroom.scenario import Client
from benchmarks.classroom.stepping import CLICK_TIMEOUT, arrive
from benchmarks.stclient import ClickTimeout, StClient

QUEUE_RE = re.compile(r"about (\d+) training")


def _watch(result: TrainerResult):
    """A wait_for predicate that notes the first queue position and the first epoch shown, and
    holds once the run ended (finished, already trained, failed or forgotten)."""

    def progress(c: StClient) -> bool:
        texts = c.texts()
        for t in texts:
            match = QUEUE_RE.search(t)
            if match and result.first_position is None and "Waiting" in t:
                result.first_position = int(match.group(1))
            if t.startswith("Training: epoch") and result.started is None:
                result.started = time.monotonic()
        return any("epochs in" in t or "Already trained" in t for t in texts) or any(
            "Training failed" in t or "no longer knows" in t for t in texts
        )

    return progress


async def trainer_session(bench: Bench, idx: int) -> None:
    seed = bench.scenario.trainer_seed(idx)
    result = TrainerResult(idx, seed)
    bench.trainers.append(result)
    await arrive(bench, idx)
    client = StClient(bench.url, f"t{idx}", on_error=bench.on_page_error(idx))
    bench.clients.append(client)
    counted_open = False
    submitted = False
    try:
        opened = await client.open("training", bench.scenario.trainer_query(idx))
        bench.opens.append((Client.PROTOCOL, opened))
        bench.opened()
        counted_open = True
        await bench.all_open.wait()
        await asyncio.sleep(random.Random(seed).uniform(0, 1.0))
        if client.widget("Train") is None:
            result.outcome = "the training page has no Train button"
            bench.error(idx, "missing widget", result.outcome)
            return
        bench.active_trainings += 1
        submitted = True
        result.submitted = time.monotonic()
        try:
            result.click_latency = await client.click("Train", timeout=CLICK_TIMEOUT)
        except ClickTimeout as err:  # the click may still land: keep watching
            bench.error(idx, "timeout", f"trainer: Train: {err}")
        result.outcome = "submitted"

        watch = asyncio.create_task(client.wait_for(_watch(result), bench.scenario.timeout))
        stop = asyncio.create_task(bench.stepping_done.wait())
        await asyncio.wait({watch, stop}, return_when=asyncio.FIRST_COMPLETED)
        if not watch.done() and bench.scenario.wait_training:
            await asyncio.wait({watch})  # the stepping is over: watch the training to its end
        if watch.done():
            watch.result()
            result.finished = time.monotonic()
            if result.started is None:
                result.started = result.finished  # finished between two polls
            texts = "\n".join(client.texts())
            result.outcome = "finished" if "epochs in" in texts else "ended: " + texts[-120:]
        else:
            watch.cancel()
            result.outcome = "running" if result.started else "queued"
        stop.cancel()
    except FAILURES as err:
        bench.error(idx, category(err), f"trainer: {type(err).__name__}: {err}")
        result.outcome = f"failed: {err}"
    finally:
        if not counted_open:
            bench.opened()
        if submitted:
            bench.active_trainings -= 1
