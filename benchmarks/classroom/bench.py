"""What one run of the classroom records, and the signals its sessions wait on.

`Bench` is shared by every session task of a run (all on one asyncio loop): they append their
measurements to it and wait on its events (first page loaded, everyone loaded, go, the room's
code, the teacher's moves, stepping done). Every time in it is `time.monotonic()` of this
process: the benchmark's one clock (Chromium pages' own times are mapped onto it).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from benchmarks.classroom.follow import Lead
from benchmarks.classroom.scenario import Client, Role, Scenario, Seat, Training
from benchmarks.stclient import ClickTimeout, ProtocolError, StClient

# Click.action values: the stepping clicks the click target is about, then the others.
STEPPING = ("step", "fragment", "page")
OTHER_CLICKS = ("training page", "setting", "train")


@dataclass(frozen=True)
class Click:
    session: int
    client: Client
    role: Role
    # "step" (stepper button), "fragment" (BPTT Back/Next), "page" (sidebar link, stepper ↔ BPTT);
    # "training page" (sidebar link to or from the training page), "setting" (a training
    # setting changed), "train" (the Train button)
    action: str
    latency: float
    training: bool  # at least one training queued or running when it was made
    pressed: float = 0.0  # when it was clicked


@dataclass
class TrainingResult:
    """One session's training, from its Train click to its end."""

    session: int
    client: Client
    role: Role
    settings: Training
    pressed: float | None = None  # the Train click
    click_latency: float | None = None  # Train click → the page's run finished
    first_epoch: float | None = None  # the page first showed "Training: epoch …"
    finished: float | None = None  # the page first showed how the run ended
    outcome: str = "not submitted"  # "finished", "diverged", "running", … or why it failed


@dataclass(frozen=True)
class Follow:
    """One (teacher's move, follower) pair: how long after the teacher's click the follower's
    screen showed the teacher's new screen (None: it did not within the limit)."""

    move: int
    kind: str  # "step" or "page"
    follower: int
    client: Client
    latency: float | None


@dataclass(frozen=True)
class Calibration:
    action: str  # as Click.action
    latency: float
    server_cpu: float  # CPU seconds the server process used for it


@dataclass
class Bench:
    url: str
    scenario: Scenario  # browsers set to 0 if Chromium could not start
    t0: float = field(default_factory=time.monotonic)
    clicks: list[Click] = field(default_factory=list)
    opens: list[tuple[Client, float]] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # session, category, text
    lost: dict[int, list[str]] = field(default_factory=dict)
    trainings: list[TrainingResult] = field(default_factory=list)
    follows: list[Follow] = field(default_factory=list)
    clock_errors: list[float] = field(default_factory=list)  # each Chromium page's, seconds
    notes: list[str] = field(default_factory=list)
    active_trainings: int = 0
    clients: list[StClient] = field(default_factory=list)
    seats: tuple[Seat, ...] = ()
    calibration: list[Calibration] = field(default_factory=list)
    stepping_start: float | None = None
    stepping_end: float | None = None
    class_summary: str = ""  # the class experiment's sentence on the teacher's screen, at the end
    # (when, seconds) the load generator's own event loop was late by more than LAG_REPORTED:
    # every client's timestamps wait for the loop, so a late loop inflates their latencies.
    loop_lags: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        loop = asyncio.get_running_loop()
        self.first_open = asyncio.Event()
        self.all_open = asyncio.Event()
        self.go = asyncio.Event()  # everyone has opened: start
        self.stepping_done = asyncio.Event()
        self.room_code: asyncio.Future = loop.create_future()
        self.lead = Lead()
        self.joined = 0
        self.followers_expected = 0
        self.joined_event = asyncio.Event()
        self.followers_trained = asyncio.Event()
        self.followers_done: set[int] = set()
        self.opened_count = 0
        self.sessions_total = 0
        self.steppers_left = 0

    def seat(self, seats: tuple[Seat, ...]) -> None:
        """The sessions of this run: what the events below count down."""
        self.seats = seats
        self.sessions_total = len(seats)
        self.followers_expected = sum(s.role == Role.FOLLOWER for s in seats)
        if self.followers_expected == 0:
            self.joined_event.set()
            self.followers_trained.set()
        self.steppers_left = sum(s.role != Role.TRAINER for s in seats)

    def follow_pairs(self) -> list[Follow]:
        """Every (teacher's move, follower) pair: those measured, and, as not shown, those a
        follower that had stopped following never watched for."""
        seen = {(f.move, f.follower) for f in self.follows}
        missing = [
            Follow(move.index, move.kind, idx, self.seats[idx].client, None)
            for move in self.lead.history
            for idx in sorted(self.lead.joined)
            if (move.index, idx) not in seen
        ]
        return self.follows + missing

    def error(self, session: int, category: str, text: str) -> None:
        self.errors.append((session, category, text[:300]))

    def mismatch(self, session: int, text: str) -> None:
        self.lost.setdefault(session, []).append(text[:300])

    def click(self, idx: int, client: Client, action: str, latency: float, pressed: float):
        role = self.seats[idx].role if 0 <= idx < len(self.seats) else Role.STUDENT
        training = self.active_trainings > 0
        self.clicks.append(Click(idx, client, role, action, latency, training, pressed))

    def opened(self) -> None:
        self.first_open.set()
        self.opened_count += 1
        if self.opened_count >= self.sessions_total:
            self.all_open.set()

    def joined_one(self) -> None:
        self.joined += 1
        if self.joined >= self.followers_expected:
            self.joined_event.set()

    def follower_done(self, idx: int) -> None:
        """Follower idx has finished following and training (or given up)."""
        self.followers_done.add(idx)
        if len(self.followers_done) >= self.followers_expected:
            self.followers_trained.set()

    def stepper_finished(self) -> None:
        self.steppers_left -= 1
        if self.steppers_left <= 0 and not self.stepping_done.is_set():
            self.stepping_end = time.monotonic()
            self.stepping_done.set()

    def teacher_gone(self) -> None:
        """The teacher stopped: followers still waiting for a room or a move go on alone."""
        if not self.room_code.done():
            self.room_code.set_result(None)
        self.lead.finish()

    def on_page_error(self, idx: int):
        """What a protocol client calls with each error it sees on session idx's page."""

        def report(text: str) -> None:
            if DIVERGED in text:
                return  # a learning rate too large: the run's outcome, not the app's error
            category = "exception" if text.startswith("exception") else "error message"
            self.error(idx, category, text)

        return report


DIVERGED = "Training diverged"  # the training page's error box for a run that diverged

# What stops a session (reported as an error of that session, never raised).
FAILURES = (ProtocolError, ClickTimeout, LookupError, OSError)


def category(err: BaseException) -> str:
    """How the report counts an error that stopped a session."""
    if isinstance(err, (ClickTimeout, TimeoutError)):
        return "timeout"
    if isinstance(err, LookupError):
        return "missing widget"
    return "protocol"
