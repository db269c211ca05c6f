"""What each session does from arrival to the end, whatever its client.

- Teacher: opens the stepper, opens a room, waits for the followers to join, leads its moves;
  then as a student.
- Follower: opens the stepper, joins the room, follows the lead, explores on its own; then as
  a student (on the teacher's window and seed, with its own training settings set on the
  training page).
- Student (the room where everyone trains): half its moves, then its training (the training
  page and back), then the other half. A stepper (the older classroom) only steps.
- Trainer (the older classroom, protocol only): opens the training page with its own seed,
  presses Train and watches the run.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

from benchmarks.classroom.bench import FAILURES, Bench, TrainingResult, category
from benchmarks.classroom.moves import STEPPER, TITLES, TRAINING, Plan
from benchmarks.classroom.presenting import follow, lead, open_room
from benchmarks.classroom.protocol import ProtocolPage
from benchmarks.classroom.scenario import Client, Role
from benchmarks.classroom.stepping import Page, arrive, check_shows, starting_state, step_through
from benchmarks.classroom.training import check_settings, press_train, train_here

MakePage = Callable[[], Awaitable[Page]]


async def session(bench: Bench, idx: int, role: Role, make_page: MakePage) -> None:
    """A teacher, follower, student or stepper; every failure is reported, never raised."""
    scenario = bench.scenario
    rng = scenario.think_times(idx)
    expect = starting_state(bench, idx)
    page: Page | None = None
    counted_open = False
    try:
        await arrive(bench, idx)
        page = await make_page()
        opened = await page.open(STEPPER, scenario.start_query(idx, role), TITLES[STEPPER])
        bench.opens.append((page.kind, opened))
        bench.opened()
        counted_open = True
        expect = check_shows(bench, idx, page, await page.text(), expect, "on opening:")
        if role == Role.TEACHER:
            await open_room(bench, idx, page, expect)
        await bench.go.wait()
        if role == Role.TEACHER:
            expect = await lead(bench, idx, rng, page, expect)
        elif role == Role.FOLLOWER:
            expect = await follow(bench, idx, page, expect)
        plan = Plan()
        expect = await step_through(
            bench, idx, rng, expect, page, plan, scenario.clicks_before_training()
        )
        if scenario.trains(role):
            expect = await train_here(bench, idx, role, page, expect)
            after = scenario.clicks - scenario.clicks_before_training()
            expect = await step_through(bench, idx, rng, expect, page, plan, after)
    except FAILURES as err:
        bench.error(idx, category(err), f"{type(err).__name__}: {err}")
    except Exception as err:  # noqa: BLE001 - Playwright's errors: reported, never raised
        bench.error(idx, "browser", f"{type(err).__name__}: {str(err)[:200]}")
    finally:
        if not counted_open:
            bench.opened()
        if role == Role.TEACHER:
            bench.teacher_gone()
        if role == Role.FOLLOWER:
            bench.lead.leave(idx)
            bench.follower_done(idx)
        bench.stepper_finished()
        if page is not None and page.kind == Client.CHROMIUM:
            await bench.stepping_done.wait()  # a student's laptop stays open until the end
            await page.close()


async def trainer_session(bench: Bench, idx: int) -> None:
    """The older classroom's trainer: the training page with its own seed, Train once everyone
    has opened, then the run watched to its end (or, with --no-wait-training, until the
    stepping is over)."""
    scenario = bench.scenario
    training = scenario.training(idx)
    result = TrainingResult(idx, Client.PROTOCOL, Role.TRAINER, training)
    bench.trainings.append(result)
    counted_open = False
    try:
        await arrive(bench, idx)
        page = ProtocolPage(bench, idx)
        query = "&".join(f"{k}={v}" for k, v in training.query().items())
        bench.opens.append((Client.PROTOCOL, await page.open(TRAINING, query)))
        bench.opened()
        counted_open = True
        check_settings(bench, idx, await page.query(), training)
        await bench.all_open.wait()
        await asyncio.sleep(random.Random(training.seed).uniform(0, 1.0))
        watch = asyncio.create_task(press_train(bench, page, result, scenario.timeout))
        stop = asyncio.create_task(bench.stepping_done.wait())
        await asyncio.wait({watch, stop}, return_when=asyncio.FIRST_COMPLETED)
        if not watch.done() and scenario.wait_training:
            await asyncio.wait({watch})  # the stepping is over: watch the training to its end
        stop.cancel()
        if watch.done():
            watch.result()
        else:
            watch.cancel()
            result.outcome = "running" if result.first_epoch else "not started"
    except FAILURES as err:
        bench.error(idx, category(err), f"trainer: {type(err).__name__}: {err}")
        result.outcome = f"failed: {err}"
    finally:
        if not counted_open:
            bench.opened()
