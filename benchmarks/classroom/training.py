"""A session's training, whatever its client: to the training page, its own settings (a
follower sets them there, as a student would), Train, the run watched to its end on the page,
and back to where it was stepping.

What the page shows is the measure: "Training: epoch …" (the progress bar) for the first epoch,
and one of `ENDINGS` for the end ("Training: N epochs in S s." once finished).
"""

from __future__ import annotations

import asyncio
import re

from benchmarks.classroom.bench import Bench, TrainingResult
from benchmarks.classroom.moves import TRAINING, TRAINING_TITLE, Expect
from benchmarks.classroom.scenario import Role, Training
from benchmarks.classroom.stepping import Page, check_shows, wait_flag
from benchmarks.stclient import ClickTimeout
from rnnviz.text.numbers import lr_text

FIRST_EPOCH = "Training: epoch"  # the progress bar's text once the first epoch is done
ENDINGS = {  # outcome -> the text that shows it on the training page
    "finished": "epochs in",  # "Training: 2,500 epochs in 41.2 s."
    "diverged": "Training diverged",
    "failed": "Training failed",
    "forgotten": "no longer knows this training",
    "cached": "Already trained with these settings",
}
CLASS_SUMMARY = re.compile(r"\d+ student\(s\) trained[^\n]*?\.(?= |$)")


def lr_label(lr: float) -> str:
    """A learning rate as the slider's option shows it (e.g. '1e-3')."""
    return lr_text(lr)


def check_settings(bench: Bench, idx: int, query: dict[str, str], training: Training) -> None:
    """The training page's URL must carry this session's settings (a lost state otherwise)."""
    wanted = training.query()
    keys = ("lr", "wseed", "hidden", "epochs")
    got = {k: query.get(k) for k in keys}
    if got != {k: wanted.get(k) for k in keys}:
        bench.mismatch(idx, f"training page: expected {training.describe()}, the URL has {got}")


async def press_train(bench: Bench, page: Page, result: TrainingResult, timeout: float) -> None:
    """Train, watched to the end; counted as an active training meanwhile."""
    bench.active_trainings += 1
    try:
        await page.train(result, timeout)
    finally:
        bench.active_trainings -= 1
    if result.click_latency is not None and result.pressed is not None:
        bench.click(result.session, page.kind, "train", result.click_latency, result.pressed)


async def train_here(bench: Bench, idx: int, role: Role, page: Page, expect: Expect) -> Expect:
    """The training page and back; returns the state the page then shows."""
    scenario = bench.scenario
    rng = scenario.think_times(1000 + idx)
    training = scenario.training(idx)
    result = TrainingResult(idx, page.kind, role, training)
    bench.trainings.append(result)
    await asyncio.sleep(scenario.think_time(rng))
    latency = await page.goto(TRAINING, [TRAINING_TITLE])
    bench.click(idx, page.kind, "training page", latency, page.pressed)
    if role == Role.FOLLOWER:
        await page.set_training(training)
    check_settings(bench, idx, await page.query(), training)
    await asyncio.sleep(scenario.think_time(rng))
    try:
        await press_train(bench, page, result, scenario.timeout)
    except ClickTimeout as err:
        result.outcome = "running" if result.first_epoch else "not started"
        bench.error(idx, "timeout", f"{page.kind}: training did not end: {err}")
    if role == Role.TEACHER:
        # The projector: the class experiment, until the followers' trainings are in.
        await wait_flag(bench.followers_trained, scenario.timeout)
        await asyncio.sleep(3.0)  # the chart's next poll (every 2 s) draws the last of them
        found = CLASS_SUMMARY.findall(await page.text())
        bench.class_summary = found[-1] if found else "(no class experiment on screen)"
    if role == Role.FOLLOWER:
        bench.follower_done(idx)
    await asyncio.sleep(scenario.think_time(rng))
    try:
        latency = await page.goto(expect.page, expect.texts()[:2])
        bench.click(idx, page.kind, "training page", latency, page.pressed)
    except ClickTimeout as err:
        bench.error(idx, "timeout", f"{page.kind}: back from the training page: {err}")
        await page.settle()
    return check_shows(bench, idx, page, await page.text(), expect, "back from training:")
