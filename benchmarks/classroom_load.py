"""A full classroom on one server: 30 sessions step through the stepper and BPTT pages while 10 of
them train the default model, with a teacher's room followed by some of them. Prints only.

    .venv/bin/python -m benchmarks.classroom_load            # 30 sessions, 4 of them Chromium
    .venv/bin/python -m benchmarks.classroom_load --quick    # a short check (~1 minute)
    .venv/bin/python -m benchmarks.classroom_load --sessions 30 --browsers 4 --trainers 10 \\
        --followers 4 --clicks 20 --think 2

Design choices
- A real `streamlit run app.py` on a free loopback port, with the repository's config; all traffic
  goes to 127.0.0.1, everything is bounded (clicks per session, per-click and overall timeouts),
  and the server (with its training processes) and the browsers are killed at the end.
- Most sessions are protocol clients (benchmarks/stclient.py), a few are headless Chromium pages:
  a Chromium page renders every Plotly chart and costs a large share of a core while it does,
  so 30 of them would saturate the same 2 cores the server needs and measure the browsers, not
  the server. A protocol client sends exactly the BackMsgs a browser sends (checked against the
  frames Chromium sends), keeps the element tree, answers the ForwardMsg cache and reruns
  `run_every` fragments on the frontend's timer, so the server does the same work for it. The
  Chromium pages keep the protocol clients honest: their latency includes the rendering.
- Priorities. In a classroom the browsers run on the students' laptops; here they share the
  server's 2 cores. So Chromium and its driver run at nice 5 (`--load-nice`), between the server
  (0) and its training workers (10): when the cores are busy, the server's work comes first,
  then the browsers', then training. This script (the protocol clients, and every timestamp)
  stays at 0, so that its clocks are not late. All of them stay in one session, since Linux's
  autogroup scheduling applies nice only within a session. `--load-nice 0` makes the browsers
  equals of the server.
- Roles. Teacher: session 0 (the first Chromium page, or a protocol client with --browsers 0)
  opens a room (sidebar "Classroom") and steps like everyone. Followers (the other Chromium
  pages and `--followers` protocol clients) join it, follow the teacher's first move (the
  student panel polls every 2 s), then press "Explore on my own" and step by themselves (the
  panel polls only while a student follows). Trainers: the last `--trainers`
  protocol sessions open the training page with a distinct weight seed in the URL (?wseed=),
  press Train, and watch their run (the page polls several times a second while it runs, once a
  second while it waits in the queue) until it finishes (or, with --no-wait-training, until the
  stepping ends). Everyone else steps. Session 0 arrives first and the others over `--ramp`
  seconds (`--cold`: all at once on the fresh server).
- Stepping: each session opens /stepper with its own window and model seed in the URL and makes
  `--clicks` moves with a random think time around `--think` s: Next/Back/Reset/Run to end on the
  stepper and ▶/◀ on the BPTT page (both fragment reruns), and page changes through the sidebar.
  After every move the page must show the page title, "Step k of 6" with the k this client
  expects and its own window and seed; a mismatch is a lost state (e.g. a reset to defaults, or
  another session's settings).
- Latency: protocol client, from sending the click to the `script_finished` of the run that
  covers it (a run the server starts and then abandons for other runs is reported as such);
  Chromium, from the page's click event to the moment `data-test-script-state` last turned
  "notRunning" once the expected text is on the page, both on the page's own clock (so
  Playwright's work around the click is left out; the app marks itself "notRunning" only after
  it has drawn the run's elements). The headline is p95 over the clicks of sessions that are
  not training, made while at least one training was queued or running.
- Idle baseline first: one protocol session alone on the server makes `--calibration` moves;
  its latency and the server CPU each move costs say what the server must do per click.
- Memory: RSS of the server and all its child processes (training pool, its manager), sampled
  every 0.5 s from /proc; PSS beside it (RSS counts shared pages once per process).
  CPU: the server process's, its training processes', this script's own, the Chromium and
  Playwright driver processes', and whatever else ran on the machine meanwhile (from /proc/stat):
  on a shared machine the last one says how far the figures can be trusted.
- `--server-flag` passes a `streamlit run` option to try a fix without editing the config, e.g.
  `--server-flag=--runner.postScriptGC=false`.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from benchmarks.stclient import ClickTimeout, ProtocolError, StClient
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # one set of browser flags

REPO = Path(__file__).resolve().parents[1]

STEPPER, BPTT = "stepper", "bptt"
LAST = 6  # both pages step 0 … T+1 with T = 5
TITLES = {STEPPER: "2 · The RNN, step by step", BPTT: "3 · BPTT, step by step"}
LABELS = {  # (page, move) -> (widget key, button label)
    (STEPPER, "next"): ("fstep:next", "Next ▶"),
    (STEPPER, "back"): ("fstep:back", "◀ Back"),
    (STEPPER, "reset"): ("fstep:reset", "Reset"),
    (STEPPER, "end"): ("fstep:end", "Run to end"),
    (BPTT, "next"): ("bstep:next", "▶"),
    (BPTT, "back"): ("bstep:back", "◀"),
}
CLICK_TIMEOUT = 30.0
GIVE_UP = 3  # a session stops stepping after this many timeouts in a row
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
CODE = re.compile(r"^[A-Z2-9]{4}$")


# --- What a session expects to see -------------------------------------------------------------
@dataclass(frozen=True)
class Expect:
    page: str
    fstep: int
    bstep: int
    win: int
    seed: int

    @property
    def step(self) -> int:
        return self.fstep if self.page == STEPPER else self.bstep

    def with_step(self, step: int) -> Expect:
        return replace(self, **{"fstep" if self.page == STEPPER else "bstep": step})

    def query(self) -> str:
        return f"win={self.win}&model_seed={self.seed}"

    def texts(self) -> list[str]:
        w = self.win
        return [
            TITLES[self.page],
            f"Step {self.step} of {LAST}",
            f"Window: days {w}–{w + 4} → day {w + 5}; model: the scalar RNN (H = 1, seed "
            f"{self.seed})",
        ]


STEP_RE = re.compile(rf"Step (\d+) of {LAST}")
SUMMARY_RE = re.compile(
    r"Window: days (\d+)–\d+ → day \d+; model: the scalar RNN \(H = 1, seed (\d+)"
)


def shown(text: str, fallback: Expect) -> Expect:
    """What the page shows (for a resync after a mismatch), from its text."""
    page = next((p for p, title in TITLES.items() if title in text), fallback.page)
    step = STEP_RE.search(text)
    summary = SUMMARY_RE.search(text)
    out = replace(fallback, page=page)
    if summary:
        out = replace(out, win=int(summary.group(1)), seed=int(summary.group(2)))
    return out.with_step(int(step.group(1))) if step else out


# A cycle of moves through both pages; each macro is skipped when it would do nothing.
MACROS = (
    ("goto", STEPPER),
    ("next_to", LAST),
    ("back", 2),
    ("goto", BPTT),
    ("next_to", LAST),
    ("back", 1),
    ("goto", STEPPER),  # the stepper must still be where this session left it
    ("reset", 0),
    ("end", 0),
    ("goto", BPTT),  # and the BPTT page too
    ("back_to", 0),
    ("goto", STEPPER),
    ("back_to", 0),
)


class Plan:
    """The next move from the current state: ("nav", page) or ("click", move)."""

    def __init__(self) -> None:
        self.macro, self.done = 0, 0

    def _advance(self) -> None:
        self.macro, self.done = (self.macro + 1) % len(MACROS), 0

    def next(self, s: Expect) -> tuple[tuple[str, str], Expect]:
        for _ in range(3 * len(MACROS)):
            name, arg = MACROS[self.macro]
            if name == "goto":
                self._advance()
                if s.page != arg:
                    return ("nav", arg), replace(s, page=arg)
            elif name == "next_to" and s.step < arg:
                return ("click", "next"), s.with_step(s.step + 1)
            elif name == "back" and self.done < arg and s.step > 0:
                self.done += 1
                return ("click", "back"), s.with_step(s.step - 1)
            elif name == "back_to" and s.step > arg:
                return ("click", "back"), s.with_step(s.step - 1)
            elif name == "reset" and s.page == STEPPER and s.step > 0:
                self._advance()
                return ("click", "reset"), s.with_step(0)
            elif name == "end" and s.page == STEPPER and s.step < LAST:
                self._advance()
                return ("click", "end"), s.with_step(LAST)
            else:
                self._advance()
        raise RuntimeError(f"no move from {s}")


# --- Results ----------------------------------------------------------------------------------
@dataclass
class Click:
    session: int
    client: str  # "chromium" or "protocol"
    role: str
    action: str  # "step" (stepper), "fragment" (BPTT ▶/◀), "page" (sidebar link)
    latency: float
    training: bool  # at least one training queued or running when it was made
    pressed: float = 0.0  # time.monotonic() of the click


@dataclass
class TrainerResult:
    session: int
    seed: int
    click_latency: float | None = None
    submitted: float | None = None
    started: float | None = None
    finished: float | None = None
    first_position: int | None = None
    outcome: str = "not submitted"


@dataclass
class Bench:
    url: str
    args: argparse.Namespace
    t0: float = field(default_factory=time.monotonic)
    clicks: list[Click] = field(default_factory=list)
    opens: list[tuple[str, float]] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # session, category, text
    lost: dict[int, list[str]] = field(default_factory=dict)
    trainers: list[TrainerResult] = field(default_factory=list)
    follow: list[tuple[str, float]] = field(default_factory=list)  # client, latency
    follow_failed: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    active_trainings: int = 0
    clients: list[StClient] = field(default_factory=list)
    roles: list[tuple[str, str]] = field(default_factory=list)  # (client kind, role)
    calibration: list[tuple[str, float, float]] = field(default_factory=list)  # kind, s, cpu s
    stepping_start: float | None = None
    stepping_end: float | None = None
    # (when, seconds) the load generator's own event loop was late by more than LAG_REPORTED:
    # every client's timestamps wait for the loop, so a late loop inflates their latencies.
    loop_lags: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.first_open = asyncio.Event()
        self.all_open = asyncio.Event()
        self.go = asyncio.Event()  # trainings submitted: start stepping
        self.stepping_done = asyncio.Event()
        self.room_code: asyncio.Future = asyncio.get_running_loop().create_future()
        self.joined = 0
        self.followed = 0
        self.followers_expected = 0
        self.joined_event = asyncio.Event()
        self.followed_event = asyncio.Event()
        self.teacher_moved: asyncio.Future = asyncio.get_running_loop().create_future()
        self.opened_count = 0
        self.sessions_total = 0
        self.steppers_left = 0

    def error(self, session: int, category: str, text: str) -> None:
        self.errors.append((session, category, text[:300]))

    def mismatch(self, session: int, text: str) -> None:
        self.lost.setdefault(session, []).append(text[:300])

    def opened(self) -> None:
        self.first_open.set()
        self.opened_count += 1
        if self.opened_count >= self.sessions_total:
            self.all_open.set()

    def joined_one(self) -> None:
        self.joined += 1
        if self.joined >= self.followers_expected:
            self.joined_event.set()

    def followed_one(self) -> None:
        self.followed += 1
        if self.followed >= self.followers_expected:
            self.followed_event.set()

    def stepper_finished(self) -> None:
        self.steppers_left -= 1
        if self.steppers_left <= 0 and not self.stepping_done.is_set():
            self.stepping_end = time.monotonic()
            self.stepping_done.set()


def on_page_error(bench: Bench, idx: int):
    def report(text: str) -> None:
        category = "exception" if text.startswith("exception") else "error message"
        bench.error(idx, category, text)

    return report


async def arrive(bench: Bench, idx: int, delay: float) -> None:
    """Session 0 is the first visitor (the teacher, in presenter mode); the others arrive over
    the ramp once its page has loaded, unless --cold sends everyone to the fresh server at once."""
    if idx != 0 and not bench.args.cold:
        await bench.first_open.wait()
    await asyncio.sleep(delay)


async def _wait_flag(event: asyncio.Event, timeout: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), timeout)
        return True
    except TimeoutError:
        return False


# --- Protocol sessions ------------------------------------------------------------------------
async def protocol_session(bench: Bench, idx: int, role: str, delay: float) -> None:
    """A stepper or a follower over the websocket."""
    rng = random.Random(bench.args.seed * 1000 + idx)
    await arrive(bench, idx, delay)
    client = StClient(bench.url, f"s{idx}", on_error=on_page_error(bench, idx))
    bench.clients.append(client)
    expect = Expect(STEPPER, 0, 0, win=1 + (7 * idx) % 90, seed=idx)
    counted_open = False
    try:
        bench.opens.append(("protocol", await client.open(STEPPER, expect.query())))
        bench.opened()
        counted_open = True
        if not client.has_text(*expect.texts()):
            bench.mismatch(idx, f"on opening: expected {expect}, page shows {_summary(client)}")
        after_first = None
        if role == "teacher":
            await client.click("Open a room (teacher)")
            found = [m for t in client.texts() for m in ROOM_CODE_HTML.findall(t)]
            if not found:
                raise ProtocolError("teacher: no room code on screen")
            bench.room_code.set_result(found[0])
            bench.notes.append(f"the teacher (session {idx}, a protocol client) opened {found[0]}")
            after_first = teacher_hand_over(bench)
        await bench.go.wait()
        if role == "teacher":
            await teacher_waits_for_followers(bench)
        if role == "follower":
            expect = await protocol_follow(bench, client, idx) or expect
        await step_through(bench, idx, role, rng, expect, ProtocolPage(client), after_first)
    except (ProtocolError, ClickTimeout, LookupError, OSError) as err:
        bench.error(idx, _category(err), f"{type(err).__name__}: {err}")
    finally:
        if not counted_open:
            bench.opened()
        if role == "teacher":
            for future in (bench.room_code, bench.teacher_moved):
                if not future.done():
                    future.set_result(None)  # followers then step alone
        bench.stepper_finished()


ROOM_CODE_HTML = re.compile(r">([A-Z2-9]{4})</div>")  # the teacher panel's large room code


def teacher_hand_over(bench: Bench):
    """After the teacher's first move: tell the followers, wait until they have followed it."""

    async def after_first(pressed: float, now: Expect) -> None:
        bench.teacher_moved.set_result((pressed, now))
        if not await _wait_flag(bench.followed_event, 60):
            bench.notes.append(
                f"only {bench.followed} of {bench.followers_expected} followers "
                "followed the teacher's first move within 60 s"
            )

    return after_first


async def teacher_waits_for_followers(bench: Bench) -> None:
    if not await _wait_flag(bench.joined_event, 60):
        bench.notes.append(
            f"only {bench.joined} of {bench.followers_expected} followers joined in 60 s"
        )


def _category(err: BaseException) -> str:
    if isinstance(err, (ClickTimeout, TimeoutError)):
        return "timeout"
    if isinstance(err, LookupError):
        return "missing widget"
    return "protocol"


def _summary(client: StClient) -> str:
    texts = client.texts()
    keep = [t for t in texts if STEP_RE.search(t) or SUMMARY_RE.search(t) or t in TITLES.values()]
    return " | ".join(t[:90] for t in keep) or "(no step, title or summary on screen)"


async def protocol_follow(bench: Bench, client: StClient, idx: int) -> Expect | None:
    """Join the teacher's room, follow its first move, then explore alone. Returns the state the
    page then shows (the teacher's), or None if following failed."""
    try:
        code = await asyncio.wait_for(asyncio.shield(bench.room_code), 60)
    except TimeoutError:
        code = None
    if code is None:
        bench.notes.append(f"session {idx}: no room was opened, so this follower only steps")
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
        bench.follow.append(("protocol", time.monotonic() - moved_at))
    except ClickTimeout:
        bench.follow_failed.append(idx)
        bench.error(idx, "timeout", "did not follow the teacher's move within 20 s")
    await client.click("Explore on my own")
    bench.followed_one()
    return shown("\n".join(client.texts()), teacher)


class ProtocolPage:
    """The moves of a session, over the websocket."""

    kind = "protocol"

    def __init__(self, client: StClient):
        self.client = client

    async def move(self, action: tuple[str, str], before: Expect, after: Expect) -> float:
        kind, what = action
        if kind == "nav":
            return await self.client.navigate(what, CLICK_TIMEOUT)
        key, _ = LABELS[(before.page, what)]
        return await self.client.click(key=key, timeout=CLICK_TIMEOUT)

    async def text(self) -> str:
        return "\n".join(self.client.texts())

    async def settle(self) -> None:
        await self.client.wait_for(lambda c: not c.running, CLICK_TIMEOUT)


async def step_through(
    bench: Bench,
    idx: int,
    role: str,
    rng: random.Random,
    expect: Expect,
    page: ProtocolPage | ChromiumPage,
    after_first=None,
) -> None:
    """`--clicks` moves through both pages, each checked against what this session expects.

    after_first : an async callable run after the first move with the time it was pressed and
        the state it led to (the teacher's hand-over to the followers)."""
    plan = Plan()
    think = bench.args.think
    timeouts = 0
    for n in range(bench.args.clicks):
        if timeouts >= GIVE_UP:
            bench.error(idx, "gave up", f"{GIVE_UP} moves in a row timed out; stopped stepping")
            break
        action, after = plan.next(expect)
        await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
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
            what = "page" if action[0] == "nav" else ("fragment" if expect.page == BPTT else "step")
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


# --- Trainers ---------------------------------------------------------------------------------
QUEUE_RE = re.compile(r"about (\d+) training")


async def trainer_session(bench: Bench, idx: int, seed: int, delay: float) -> None:
    result = TrainerResult(idx, seed)
    bench.trainers.append(result)
    await arrive(bench, idx, delay)
    client = StClient(bench.url, f"t{idx}", on_error=on_page_error(bench, idx))
    bench.clients.append(client)
    counted_open = False
    submitted = False
    try:
        bench.opens.append(("protocol", await client.open("training", f"wseed={seed}")))
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

        watch = asyncio.create_task(client.wait_for(progress, bench.args.timeout))
        stop = asyncio.create_task(bench.stepping_done.wait())
        await asyncio.wait({watch, stop}, return_when=asyncio.FIRST_COMPLETED)
        if not watch.done() and bench.args.wait_training:
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
    except (ProtocolError, ClickTimeout, LookupError, OSError) as err:
        bench.error(idx, _category(err), f"trainer: {type(err).__name__}: {err}")
        result.outcome = f"failed: {err}"
    finally:
        if not counted_open:
            bench.opened()
        if submitted:
            bench.active_trainings -= 1


# --- Chromium pages ---------------------------------------------------------------------------
WAIT_JS = """(parts) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  const text = main ? main.textContent : '';
  return parts.every((p) => text.includes(p));
}"""
ERRORS_JS = """() => ({
  exceptions: Array.from(document.querySelectorAll('[data-testid="stException"]'))
    .map((e) => e.textContent.slice(0, 200)),
  alerts: Array.from(document.querySelectorAll('[data-testid="stAlertContentError"]'))
    .map((e) => e.textContent.slice(0, 200)),
})"""
# In every Chromium page, before Streamlit loads: the page's own clock at each click (the click
# event, as a student's click) and at each moment the app's script state turns "notRunning".
# A click's latency is the second minus the first, in the page, so it leaves out Playwright's
# own work before it dispatches the click and its polling after the page has updated.
CLOCK_JS = """(() => {
  const clock = (window.__rnnvizClock = { click: 0, idle: 0 });
  document.addEventListener('click', () => { clock.click = performance.now(); clock.idle = 0; },
    true);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.getAttribute('data-test-script-state') === 'notRunning') {
        clock.idle = performance.now();
      }
    }
  }).observe(document, { subtree: true, attributes: true,
    attributeFilter: ['data-test-script-state'] });
})();"""
CLOCK_READ_JS = """() => {
  const c = window.__rnnvizClock;
  return c && c.click && c.idle > c.click ? (c.idle - c.click) / 1000 : null;
}"""
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


def css_key(key: str) -> str:
    """Streamlit's class for a keyed element: st-key-<key>, other characters as '-'."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


class ChromiumPage:
    """The moves of a session, clicked in a real headless Chromium page."""

    kind = "chromium"

    def __init__(self, bench: Bench, idx: int, page):
        self.bench, self.idx, self.page = bench, idx, page
        self.seen_errors: set[tuple[str, str]] = set()

    async def wait_for(self, parts: list[str], timeout: float = CLICK_TIMEOUT) -> None:
        """Until the script is idle and the main area shows every one of `parts`."""
        try:
            await self.page.wait_for_function(
                WAIT_JS, arg=parts, polling=50, timeout=timeout * 1000
            )
        except Exception as err:  # noqa: BLE001 - playwright's TimeoutError
            raise ClickTimeout(f"c{self.idx}: page did not show {parts}: {err}") from None

    async def idle(self) -> None:
        await self.page.wait_for_timeout(150)  # the script state flips shortly after a click
        await self.page.wait_for_function(IDLE_JS, polling=50, timeout=CLICK_TIMEOUT * 1000)

    async def move(self, action: tuple[str, str], before: Expect, after: Expect) -> float:
        """Click, then wait for the new title and step: the sign that the page updated (the
        full check against `after` follows in step_through)."""
        kind, what = action
        if kind == "nav":
            target = self.page.locator(f'[data-testid="stSidebarNavLink"][href$="/{what}"]')
        else:
            key, _ = LABELS[(before.page, what)]
            # Streamlit draws a button with help twice (one copy inside its tooltip target).
            target = self.page.locator(f".{css_key(key)} button:visible").first
        started = time.monotonic()
        await target.click()
        await self.wait_for([TITLES[after.page], f"Step {after.step} of {LAST}"])
        latency = time.monotonic() - started  # the driver's view, if the page's clock is missing
        in_page = await self.page.evaluate(CLOCK_READ_JS)
        await self.check_errors()
        return in_page if in_page is not None else latency

    async def text(self) -> str:
        return await self.page.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]')?.textContent || ''"
        )

    async def settle(self) -> None:
        await self.idle()

    async def check_errors(self) -> None:
        found = await self.page.evaluate(ERRORS_JS)
        for category, key in (("exception", "exceptions"), ("error message", "alerts")):
            for text in found[key]:
                if (category, text) not in self.seen_errors:
                    self.seen_errors.add((category, text))
                    self.bench.error(self.idx, category, f"chromium: {text}")


async def chromium_session(bench: Bench, browser, idx: int, role: str, delay: float) -> None:
    rng = random.Random(bench.args.seed * 1000 + idx)
    await arrive(bench, idx, delay)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(CLOCK_JS)
    page = await context.new_page()
    page.set_default_timeout(CLICK_TIMEOUT * 1000)
    page.on("pageerror", lambda err: bench.error(idx, "browser", f"page error: {err}"))
    chromium = ChromiumPage(bench, idx, page)
    expect = Expect(STEPPER, 0, 0, win=1 + (7 * idx) % 90, seed=idx)
    counted_open = False
    try:
        started = time.monotonic()
        await page.goto(f"{bench.url}/{STEPPER}?{expect.query()}")
        await chromium.wait_for(expect.texts(), 60)
        bench.opens.append(("chromium", time.monotonic() - started))
        bench.opened()
        counted_open = True
        after_first = None
        if role == "teacher":
            await page.get_by_test_id("stSidebar").get_by_text("Classroom").click()
            await page.get_by_role("button", name="Open a room (teacher)").click()
            await chromium.idle()
            box = page.locator("[data-testid='stSidebar'] div").filter(has_text=CODE).last
            code = (await box.inner_text()).strip()
            if not CODE.match(code):
                raise ProtocolError(f"teacher: no room code on screen ({code!r})")
            bench.room_code.set_result(code)
            bench.notes.append(f"the teacher (session {idx}, a Chromium page) opened room {code}")
            after_first = teacher_hand_over(bench)

        await bench.go.wait()
        if role == "teacher":
            await teacher_waits_for_followers(bench)
        if role == "follower":
            expect = await chromium_follow(bench, chromium, idx) or expect
        await step_through(bench, idx, role, rng, expect, chromium, after_first)
    except (ProtocolError, ClickTimeout, LookupError, OSError) as err:
        bench.error(idx, _category(err), f"chromium: {type(err).__name__}: {err}")
    except Exception as err:  # noqa: BLE001 - playwright errors: reported, never raised
        bench.error(idx, "browser", f"chromium: {type(err).__name__}: {str(err)[:200]}")
    finally:
        if not counted_open:
            bench.opened()
        if role == "teacher":
            for future in (bench.room_code, bench.teacher_moved):
                if not future.done():
                    future.set_result(None)  # followers then step alone
        bench.stepper_finished()
        await bench.stepping_done.wait()  # keep the tab open while the others work
        await context.close()


async def chromium_follow(bench: Bench, chromium: ChromiumPage, idx: int) -> Expect | None:
    """Join the teacher's room, follow its first move, then explore alone."""
    page = chromium.page
    try:
        code = await asyncio.wait_for(asyncio.shield(bench.room_code), 60)
    except TimeoutError:
        code = None
    if code is None:
        bench.notes.append(f"session {idx}: no room was opened, so this follower only steps")
        return None
    await page.get_by_test_id("stSidebar").get_by_text("Classroom").click()
    box = page.get_by_role("textbox", name="Room code")
    await box.fill(code)
    await box.press("Enter")
    await chromium.idle()
    await page.get_by_role("button", name="Join the room").click()
    await page.get_by_text(f"Following room {code}").wait_for(timeout=20_000)
    bench.joined_one()
    moved = await asyncio.wait_for(asyncio.shield(bench.teacher_moved), 120)
    if moved is None:
        bench.notes.append(f"session {idx}: the teacher never moved; explores alone")
        await page.get_by_role("button", name="Explore on my own").click()
        await chromium.idle()
        return shown(await chromium.text(), Expect(STEPPER, 0, 0, 0, 0))
    moved_at, teacher = moved
    try:
        await chromium.wait_for(teacher.texts(), 20)
        bench.follow.append(("chromium", time.monotonic() - moved_at))
    except ClickTimeout:
        bench.follow_failed.append(idx)
        bench.error(idx, "timeout", "chromium: did not follow the teacher's move within 20 s")
    await page.get_by_role("button", name="Explore on my own").click()
    await page.get_by_text("you are exploring on your own").wait_for(timeout=20_000)
    bench.followed_one()
    return shown(await chromium.text(), teacher)


# --- The server and /proc ---------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    port: int, log_path: Path, env: dict[str, str], flags: list[str] | None = None
) -> subprocess.Popen:
    """`streamlit run app.py` on 127.0.0.1:port in its own process group (so that it and its
    training processes can be stopped together), ready when this returns.

    A process group, not a session: Linux's autogroup scheduling shares the CPU between
    sessions first and applies nice only inside one, so the server stays in this session for
    the priorities (server, then load generator, then training) to hold between them."""
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
        + ["--server.address", "127.0.0.1", "--server.headless", "true", *(flags or [])],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
        process_group=0,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"streamlit did not become healthy in 60 s:\n{log_path.read_text()}")


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever is left of it."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGTERM:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # pool workers left behind, if any
            except ProcessLookupError:
                pass
        return


def _stat(pid: int) -> tuple[int, int, int] | None:
    """(ppid, cpu ticks user+system, rss pages) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            raw = fh.read()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) "
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[21])


def _machine_busy() -> int:
    """Busy CPU ticks of the whole machine (user, nice, system, irq, softirq, steal)."""
    with open("/proc/stat") as fh:
        fields = [int(v) for v in fh.readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # minus idle and iowait


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler:
    """Peak memory of the server tree and CPU time of the server tree and of this script's
    other children (Chromium, the Playwright driver), from /proc every `every` seconds."""

    def __init__(self, server_pid: int, every: float = 0.5):
        self.server_pid, self.every = server_pid, every
        self.me = os.getpid()
        self.peak_rss = 0
        self.peak_pss = 0
        self.first_rss = 0
        self.peak_procs = 0
        self.cpu: dict[int, tuple[str, int]] = {}  # pid -> (group, last ticks)
        self.samples = 0
        self.machine_start: int | None = None  # busy ticks of all CPUs, from /proc/stat
        self.machine_end = 0

    def processes(self) -> tuple[dict[int, tuple[int, int, int]], list[int], list[int]]:
        """(/proc stats by pid, the server's tree, this script's other descendants)."""
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (st := _stat(int(entry))) is not None:
                stats[int(entry)] = st
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in stats.items():
            children.setdefault(ppid, []).append(pid)

        def tree(root: int) -> list[int]:
            out, todo = [], [root]
            while todo:
                pid = todo.pop()
                if pid in stats:
                    out.append(pid)
                    todo.extend(children.get(pid, []))
            return out

        server = tree(self.server_pid)
        return stats, server, [p for p in tree(self.me) if p not in server and p != self.me]

    def renice_browsers(self, niceness: int) -> int:
        """Lower the CPU priority of every thread of the Playwright driver and Chromium (this
        script's descendants other than the server); processes they start later inherit it.
        Returns how many threads were changed."""
        changed = 0
        for pid in self.processes()[2]:
            try:
                for tid in os.listdir(f"/proc/{pid}/task"):
                    os.setpriority(os.PRIO_PROCESS, int(tid), niceness)
                    changed += 1
            except OSError:
                pass  # gone meanwhile, or not allowed
        return changed

    def sample(self) -> None:
        stats, server, mine = self.processes()
        rss = sum(stats[p][2] for p in server) * PAGE
        if self.samples == 0:
            self.first_rss = rss
        self.samples += 1
        if rss > self.peak_rss:
            self.peak_rss = rss
            self.peak_pss = sum(_pss_kb(p) for p in server) * 1024
        self.peak_procs = max(self.peak_procs, len(server))
        groups = (("server", server[:1]), ("training", server[1:]), ("browsers", mine))
        for group, pids in groups:
            for pid in pids:
                self.cpu[pid] = (group, stats[pid][1])
        self.machine_end = _machine_busy()
        if self.machine_start is None:
            self.machine_start = self.machine_end

    def machine_seconds(self) -> float:
        """CPU seconds every process on the machine used between the first and last sample."""
        return (self.machine_end - (self.machine_start or 0)) / TICK

    def cpu_seconds(self, group: str) -> float:
        return sum(t for g, t in self.cpu.values() if g == group) / TICK

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample()
            try:
                await asyncio.wait_for(stop.wait(), self.every)
            except TimeoutError:
                pass


# --- The scenario -----------------------------------------------------------------------------
def _process_ticks(pid: int) -> int:
    stat = _stat(pid)
    return stat[1] if stat else 0


async def calibrate(bench: Bench, server_pid: int, moves: int) -> None:
    """One session alone on the server before the room arrives: the idle latency of each kind
    of move and the server CPU it costs (CPU time is less disturbed by other load than wall
    time, so it says what the server must do per click)."""
    client = StClient(bench.url, "calibration", on_error=on_page_error(bench, -1))
    expect = Expect(STEPPER, 0, 0, win=50, seed=99)
    plan, page = Plan(), ProtocolPage(client)
    try:
        await client.open(STEPPER, expect.query())
        for _ in range(moves):
            action, after = plan.next(expect)
            before = _process_ticks(server_pid)
            latency = await page.move(action, expect, after)
            await asyncio.sleep(0.3)  # the server's tail work (sending, cleanup) lands here
            cpu = (_process_ticks(server_pid) - before) / TICK
            what = "page" if action[0] == "nav" else ("fragment" if expect.page == BPTT else "step")
            bench.calibration.append((what, latency, cpu))
            if not client.has_text(*after.texts()):
                bench.mismatch(-1, f"calibration: after {action} expected {after}")
            expect = after
    except (ProtocolError, ClickTimeout, LookupError, OSError) as err:
        bench.error(-1, _category(err), f"calibration: {type(err).__name__}: {err}")
    finally:
        await client.close()


async def scenario(bench: Bench, sampler: Sampler) -> None:
    args = bench.args
    await calibrate(bench, sampler.server_pid, args.calibration)
    n_browsers, n_trainers, n_followers = args.browsers, args.trainers, args.followers
    stop_sampling = asyncio.Event()
    sampling = asyncio.create_task(sampler.run(stop_sampling))
    playwright = browser = None
    if n_browsers:
        try:
            from playwright.async_api import async_playwright

            if not Path(CHROMIUM).exists():
                raise FileNotFoundError(CHROMIUM)
            playwright = await async_playwright().start()
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            # Before any page is opened: the renderers Chromium starts later inherit it.
            threads = sampler.renice_browsers(args.load_nice)
            bench.notes.append(
                f"Chromium and its driver: {threads} threads at nice {args.load_nice}"
            )
        except Exception as err:  # noqa: BLE001 - degrade to protocol clients only
            bench.notes.append(
                f"COULD NOT start Chromium ({type(err).__name__}: {err}); all sessions are "
                "protocol clients"
            )
            n_browsers = 0
            if playwright is not None:
                await playwright.stop()
                playwright = None
    args.browsers = n_browsers
    # Roles by session number: Chromium first (teacher, then followers), trainers last.
    roles: list[tuple[str, str]] = []  # (client, role)
    # Session 0 is the teacher (a Chromium page if there is one); followers come next.
    for i in range(args.sessions):
        client = "chromium" if i < n_browsers else "protocol"
        if i >= args.sessions - n_trainers and client == "protocol":
            roles.append((client, "trainer"))
        elif args.presenter and i == 0:
            roles.append((client, "teacher"))
        elif args.presenter and (i < n_browsers or i < n_browsers + n_followers):
            roles.append((client, "follower"))
        else:
            roles.append((client, "stepper"))
    bench.followers_expected = sum(r == "follower" for _, r in roles)
    if bench.followers_expected == 0:
        bench.joined_event.set()
        bench.followed_event.set()
    bench.sessions_total = args.sessions
    bench.steppers_left = sum(r != "trainer" for _, r in roles)
    bench.roles = roles
    ramp = args.ramp
    tasks = []
    for i, (client, role) in enumerate(roles):
        delay = ramp * i / max(1, args.sessions - 1)
        if role == "trainer":
            seed = 1000 + i
            tasks.append(asyncio.create_task(trainer_session(bench, i, seed, delay)))
        elif client == "chromium":
            tasks.append(asyncio.create_task(chromium_session(bench, browser, i, role, delay)))
        else:
            tasks.append(asyncio.create_task(protocol_session(bench, i, role, delay)))

    async def release() -> None:
        await bench.all_open.wait()
        # Trainers press Train in the next second; stepping starts once they are queued.
        await asyncio.sleep(2.0 if n_trainers else 0.0)
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


# --- Report -----------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]  # nearest rank


def line(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label:<34} n=0"
    return (
        f"  {label:<34} n={len(values):<4} p50 {pct(values, 50):6.3f} s   "
        f"p95 {pct(values, 95):6.3f} s   max {max(values):6.3f} s"
    )


def _traceback_kinds(log: str) -> list[str]:
    """The final "Type: message" line of each traceback in the server log."""
    kinds = []
    for block in log.split("Traceback (most recent call last):")[1:]:
        lines = [ln for ln in block.splitlines() if ln and not ln.startswith((" ", "\t"))]
        kinds.append(lines[0][:160] if lines else "?")
    return kinds


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def report(bench: Bench, sampler: Sampler, wall: float, own_cpu: float, log: str) -> None:
    args = bench.args
    roles = bench.roles
    count = Counter(roles)
    n_cpu = os.cpu_count() or 1
    print(f"classroom_load: {args.sessions} sessions on one server ({n_cpu} CPUs)")
    chromium = [f"{n} {r}{'s' * (n > 1)}" for (c, r), n in sorted(count.items()) if c == "chromium"]
    protocol = [f"{n} {r}{'s' * (n > 1)}" for (c, r), n in sorted(count.items()) if c == "protocol"]
    print(f"  Chromium pages: {args.browsers} ({', '.join(chromium) or 'none'})")
    print(f"  protocol clients: {args.sessions - args.browsers} ({', '.join(protocol)})")
    print(
        "  why: a headless Chromium page renders every Plotly chart and takes a large share of "
        "a core while it does; 30 of them would saturate the 2 cores the server needs. Protocol "
        "clients send the same BackMsgs as a browser (benchmarks/stclient.py) at a fraction of "
        "the CPU; the Chromium pages measure what a student sees, rendering included."
    )
    workers = os.environ.get("RNNVIZ_TRAINING_WORKERS") or args.workers or "1 (app default)"
    print(
        f"  scenario: {args.clicks} moves per stepping session, think time "
        f"{0.5 * args.think:.2f}–{1.5 * args.think:.2f} s, sessions opened over {args.ramp:.0f} s; "
        f"{args.trainers} trainers (default model, seeds 1000+i, training workers: {workers}); "
        f"presenter mode {'on' if args.presenter else 'off'}"
        + (f"; server flags: {' '.join(args.server_flag)}" if args.server_flag else "")
    )
    for note in bench.notes:
        print(f"  note: {note}")
    print()

    if bench.calibration:
        print("Idle baseline: one session alone on the server before the room arrives")
        for what, label in (
            ("step", "stepper button (fragment rerun)"),
            ("fragment", "BPTT ◀/▶ (fragment rerun)"),
            ("page", "page change (sidebar link)"),
        ):
            rows = [(t, c) for w, t, c in bench.calibration if w == what]
            if rows:
                cpu = sum(c for _, c in rows) / len(rows)
                print(line(label, [t for t, _ in rows]) + f"   server CPU {1000 * cpu:.0f} ms each")
        print()

    not_training = [c for c in bench.clicks if c.role != "trainer"]
    during = [c.latency for c in not_training if c.training]
    print("Click → updated page, sessions not training:")
    print(line("while trainings queued or running", during))
    print(line("all clicks", [c.latency for c in not_training]))
    for kind in ("protocol", "chromium"):
        print(line(f"  {kind} clients", [c.latency for c in not_training if c.client == kind]))
    for what, label in (
        ("step", "  stepper button (fragment rerun)"),
        ("fragment", "  BPTT ◀/▶ (fragment rerun)"),
        ("page", "  page change (sidebar link)"),
    ):
        print(line(label, [c.latency for c in not_training if c.action == what]))
    if bench.stepping_start:
        slowest = sorted(not_training, key=lambda c: c.latency, reverse=True)[:8]
        print(
            "  slowest: "
            + ", ".join(
                f"{c.latency:.2f} s ({c.client} {c.action} at "
                f"{c.pressed - bench.stepping_start:+.0f} s)"
                for c in slowest
            )
        )
    if bench.stepping_start:
        lags = [(t - bench.stepping_start, late) for t, late in bench.loop_lags]
        print(
            f"  load generator's event loop late by > {LAG_REPORTED:.1f} s: {len(lags)} time(s)"
            + (
                ": " + ", ".join(f"{late:.2f} s at {t:+.0f} s" for t, late in lags[:8])
                if lags
                else ""
            )
        )
    if bench.stepping_start and bench.stepping_end and bench.stepping_end > bench.stepping_start:
        span = bench.stepping_end - bench.stepping_start
        print(f"  stepping phase {span:.1f} s, {len(not_training) / span:.1f} clicks/s server-wide")
    print(line("page opens (first load)", [t for _, t in bench.opens]))
    print()

    if args.presenter and bench.followers_expected:
        print("Presenter mode:")
        code = (
            bench.room_code.result()
            if bench.room_code.done() and not bench.room_code.cancelled()
            else None
        )
        print(
            f"  room {code or '(not opened)'}: {bench.joined} of {bench.followers_expected} "
            f"followers joined, {len(bench.follow)} followed the teacher's first move"
            + (f", failed: {bench.follow_failed}" if bench.follow_failed else "")
        )
        print(line("teacher's click → follower shows it", [t for _, t in bench.follow]))
        print("  (the student panel polls every 2 s, so up to ~2 s of this is the poll interval)")
        print()

    if bench.trainers:
        done = [t for t in bench.trainers if t.outcome == "finished"]
        print(f"Trainings: {len(bench.trainers)} trainers, {len(done)} finished")
        print(
            line(
                "Train click → page updated",
                [t.click_latency for t in bench.trainers if t.click_latency is not None],
            )
        )
        waits = [t.started - t.submitted for t in bench.trainers if t.started and t.submitted]
        runs = [t.finished - t.started for t in done if t.started]
        totals = [t.finished - t.submitted for t in done if t.submitted]
        print(line("queued (click → first epoch shown)", waits))
        print(line("training (first epoch → finished)", runs))
        print(line("click → finished", totals))
        outcomes = Counter(t.outcome for t in bench.trainers)
        print(f"  outcomes: {dict(outcomes)}")
        positions = [t.first_position for t in bench.trainers if t.first_position is not None]
        if positions:
            print(f"  queue positions shown on first view: {sorted(positions)}")
        print()

    log_tracebacks = log.count("Traceback")
    categories = Counter(cat for _, cat, _ in bench.errors)
    n_errors = len(bench.errors) + log_tracebacks
    print(f"Errors: {n_errors}  (target 0: {verdict(n_errors == 0)})")
    for category, n in sorted(categories.items()):
        print(f"  {category}: {n}")
    if log_tracebacks:
        print(f"  tracebacks in the server log: {log_tracebacks}")
        for kind, n in Counter(_traceback_kinds(log)).most_common(5):
            print(f"    {n}× {kind}")
    for idx, category, text in bench.errors[:12]:
        print(f"    session {idx} [{category}] {text}")
    if len(bench.errors) > 12:
        print(f"    … and {len(bench.errors) - 12} more")
    print(
        f"Sessions that lost their state: {len(bench.lost)}  (target 0: {verdict(not bench.lost)})"
    )
    for idx, details in list(bench.lost.items())[:8]:
        print(f"    session {idx} ({len(details)}×): {details[0]}")
    print()

    mb = 2**20
    print(
        f"Server memory (server + its child processes, {sampler.samples} samples): peak RSS "
        f"{sampler.peak_rss / mb:.0f} MB (PSS {sampler.peak_pss / mb:.0f} MB), at start "
        f"{sampler.first_rss / mb:.0f} MB, up to {sampler.peak_procs} processes  "
        f"(target ≤ 2048 MB: {verdict(sampler.peak_rss <= 2048 * mb)})"
    )
    server_cpu = sampler.cpu_seconds("server")
    training_cpu = sampler.cpu_seconds("training")
    browsers_cpu = sampler.cpu_seconds("browsers")
    received = sum(c.bytes_received for c in bench.clients)
    reruns = sum(c.reruns_sent for c in bench.clients)
    handled = reruns + sum(c.client == "chromium" for c in bench.clicks)

    def share(seconds: float) -> str:
        return f"{seconds:.0f} s ({seconds / wall:.0%} of one core)"

    print(f"CPU over {wall:.0f} s wall ({n_cpu} cores = {n_cpu * wall:.0f} core-s):")
    print(
        f"  priorities (nice, relative to the server and this script): training workers +10, "
        f"Chromium and its driver +{args.load_nice}"
    )
    print(
        f"  server process {share(server_cpu)}, about {1000 * server_cpu / max(1, handled):.0f} "
        f"ms per rerun it served ({handled} reruns)"
    )
    print(f"  training processes (pool workers, manager) {share(training_cpu)}")
    print(
        f"  load generator: this Python process {share(own_cpu)}, Chromium + Playwright driver "
        f"{share(browsers_cpu)}"
    )
    others = sampler.machine_seconds() - server_cpu - training_cpu - browsers_cpu - own_cpu
    print(
        f"  everything else on this machine {share(max(0.0, others))}"
        + ("  <- other work competed for the cores" if others > 0.1 * wall else "")
    )
    early = sum(c.served_early for c in bench.clients)
    if early:
        print(
            f"  {early} protocol requests were served by a run the server reported as ended "
            "'early for rerun' after drawing it (counted as served)"
        )
    print(
        f"  protocol clients received {received / mb:.1f} MB in "
        f"{sum(c.messages_received for c in bench.clients)} messages and sent {reruns} reruns "
        "(clicks, page changes and fragment polls)"
    )
    print()
    p95 = pct(during, 95) if during else float("nan")
    print("Targets:")
    print(f"  errors 0 ............................ {n_errors}  {verdict(n_errors == 0)}")
    print(f"  lost sessions 0 ..................... {len(bench.lost)}  {verdict(not bench.lost)}")
    print(
        f"  p95 click latency ≤ 1 s in training . {p95:.3f} s  "
        + (verdict(p95 <= 1.0) if during else "NOT MEASURED (no click while training)")
    )
    print(
        f"  peak server memory ≤ 2 GB ........... {sampler.peak_rss / mb:.0f} MB  "
        f"{verdict(sampler.peak_rss <= 2048 * mb)}"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--browsers", type=int, default=4, help="headless Chromium pages")
    parser.add_argument("--trainers", type=int, default=10)
    parser.add_argument("--followers", type=int, default=4, help="protocol clients in the room")
    parser.add_argument("--clicks", type=int, default=20, help="moves per stepping session")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between moves")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to open all sessions")
    parser.add_argument("--timeout", type=float, default=900.0, help="overall limit, seconds")
    parser.add_argument(
        "--no-wait-training",
        dest="wait_training",
        action="store_false",
        help="stop when the stepping ends instead of waiting for every training to finish",
    )
    parser.add_argument("--no-presenter", dest="presenter", action="store_false")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="every session hits the fresh server at once (default: session 0 first)",
    )
    parser.add_argument("--workers", type=int, help="RNNVIZ_TRAINING_WORKERS for the server")
    parser.add_argument(
        "--server-flag",
        action="append",
        default=[],
        metavar="--OPTION=VALUE",
        help="an extra `streamlit run` flag to try, e.g. --server-flag=--runner.postScriptGC=false",
    )
    parser.add_argument(
        "--load-nice",
        type=int,
        default=5,
        choices=range(20),
        metavar="0-19",
        help="CPU niceness of Chromium and the Playwright driver; the server and this process "
        "(the protocol clients and every timestamp) run at 0, the training workers at 10. "
        "0: the browsers compete with the server as equals",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the think times")
    parser.add_argument(
        "--calibration", type=int, default=20, help="moves of the idle baseline (0: none)"
    )
    parser.add_argument("--quick", action="store_true", help="a short check: 8 sessions")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.browsers, args.trainers, args.followers = 8, 2, 2, 1
        args.clicks, args.think, args.ramp, args.wait_training = 6, 0.5, 2.0, False
        args.timeout = min(args.timeout, 180.0)
        args.calibration = min(args.calibration, 8)
    args.browsers = max(0, min(args.browsers, args.sessions))
    args.trainers = max(0, min(args.trainers, args.sessions - args.browsers))
    args.followers = max(0, min(args.followers, args.sessions - args.browsers - args.trainers))
    return args


LAG_TICK, LAG_REPORTED = 0.02, 0.1


async def watch_loop(bench: Bench) -> None:
    """Record when this process's event loop runs late (it parses every client's messages)."""
    while True:
        before = time.monotonic()
        await asyncio.sleep(LAG_TICK)
        late = time.monotonic() - before - LAG_TICK
        if late > LAG_REPORTED:
            bench.loop_lags.append((before, late))


async def amain(args: argparse.Namespace, url: str, sampler: Sampler) -> Bench:
    bench = Bench(url, args)
    watcher = asyncio.create_task(watch_loop(bench))
    try:
        async with asyncio.timeout(args.timeout):
            await scenario(bench, sampler)
    except TimeoutError:
        bench.error(-1, "timeout", f"the whole benchmark hit its {args.timeout:.0f} s limit")
    finally:
        watcher.cancel()
    return bench


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # so that the finally clauses stop the server and the browsers


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, _interrupt)
    port = free_port()
    log_path = Path(f"/tmp/classroom_load_{port}.log")
    env = {"RNNVIZ_TRAINING_WORKERS": str(args.workers)} if args.workers else {}
    server = start_server(port, log_path, env, args.server_flag)
    sampler = Sampler(server.pid)
    started, cpu0 = time.monotonic(), time.process_time()
    try:
        bench = asyncio.run(amain(args, f"http://127.0.0.1:{port}", sampler))
    finally:
        stop_server(server)
    wall = time.monotonic() - started
    own_cpu = time.process_time() - cpu0
    log = log_path.read_text(errors="replace")
    report(bench, sampler, wall, own_cpu, log)
    print(f"\nserver log: {log_path}")


if __name__ == "__main__":
    main()
