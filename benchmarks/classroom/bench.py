"""What one run of the classroom records, and the signals its sessions wait on.

`Bench` is shared by every session task of a run (all on one asyncio loop): they append their
measurements to it and wait on its events (first page loaded, everyone loaded, go, the room's
code, the teacher's move, stepping done).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from benchmarks.classroom.scenario import Client, Role, Scenario, Seat
from benchmarks.stclient import ClickTimeout, ProtocolError, StClient


@dataclass(frozen=True)
class Click:
    session: int
    client: Client
    role: Role
    action: str  # "step" (stepper), "fragment" (BPTT Next/Back), "page" (sidebar link)
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
    trainers: list[TrainerResult] = field(default_factory=list)
    follow: list[tuple[Client, float]] = field(default_factory=list)  # client, latency
    follow_failed: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    active_trainings: int = 0
    clients: list[StClient] = field(default_factory=list)
    seats: tuple[Seat, ...] = ()
    calibration: list[Calibration] = field(default_factory=list)
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

    def seat(self, seats: tuple[Seat, ...]) -> None:
        """The sessions of this run: what the events below count down."""
        self.seats = seats
        self.sessions_total = len(seats)
        self.followers_expected = sum(s.role == Role.FOLLOWER for s in seats)
        if self.followers_expected == 0:
            self.joined_event.set()
            self.followed_event.set()
        self.steppers_left = sum(s.role != Role.TRAINER for s in seats)

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

    def teacher_gone(self) -> None:
        """The teacher stopped: followers still waiting for a room or a move step alone."""
        for future in (self.room_code, self.teacher_moved):
            if not future.done():
                future.set_result(None)

    def on_page_error(self, idx: int):
        """What a protocol client calls with each error it sees on session idx's page."""

        def report(text: str) -> None:
            category = "exception" if text.startswith("exception") else "error message"
            self.error(idx, category, text)

        return report


# What stops a session (reported as an error of that session, never raised).
FAILURES = (ProtocolError, ClickTimeout, LookupError, OSError)


def category(err: BaseException) -> str:
    """How the report counts an error that stopped a session."""
    if isinstance(err, (ClickTimeout, TimeoutError)):
        return "timeout"
    if isinstance(err, LookupError):
        return "missing widget"
    return "protocol"
