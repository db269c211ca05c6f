"""Classroom rooms: a teacher publishes what is on the projector, students follow. No streamlit.

A room holds only settings: the page and its URL query (the same text a shared link carries), and
whether the teacher asks the room to guess each number before it is revealed (pages 2 and 3);
never a user's model or data; and, for the class's shared experiment, each student's latest
training as settings and scores under an anonymous number (`RoomRun`, reported by the training
pool's hook `room_reporter`). Rooms are bounded in number, expire when idle, and every change
goes through one lock (in-process) or one Redis script (across replicas), so no session can
change another's room except the teacher holding its secret token.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from rnnviz.runs import TrainRequest
from rnnviz.runs.score import RoomRun
from rnnviz.server.records import JobState, JobView

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read from the back row
CODE_LENGTH = 4
MAX_ROOMS = 50
IDLE_EXPIRY_S = 3 * 3600.0
FOLLOWER_TIMEOUT_S = 15.0  # a follower not seen for this long no longer counts as joined
MAX_QUERY_CHARS = 4000
MAX_STUDENTS = 200  # numbered students (and so reported runs) per room


class RoomError(ValueError):
    """A room action that cannot be done; the message says why, for a person."""


@dataclass(frozen=True)
class RoomView:
    """What a follower or the teacher sees of a room at one moment.

    version : increases with every publish;  page : url path of the teacher's page
    query : the teacher's URL query parameters;  followers : students seen recently
    guessing : followers guess each number before it is revealed (the teacher's switch)
    """

    code: str
    version: int
    page: str
    query: dict[str, str]
    followers: int
    guessing: bool = False


class RoomStore(Protocol):
    def open(self) -> tuple[str, str]: ...
    def publish(
        self, code: str, token: str, page: str, query: dict[str, str], guessing: bool = False
    ) -> None: ...
    def view(self, code: str, follower: str | None = None) -> RoomView: ...
    def leave(self, code: str, follower: str) -> None: ...
    def close(self, code: str, token: str) -> None: ...

    # A follower waits for the teacher's next move instead of asking again and again: read
    # `changes(code)` before looking at the room, then `wait_for_change(code, that, timeout)`
    # returns True as soon as the room changed since (or closed), False after `timeout` s.
    def changes(self, code: str) -> int: ...
    def wait_for_change(self, code: str, since: int, timeout: float) -> bool: ...

    # The class experiment: each student who joined has a number; their trainings are reported
    # (the latest replaces the earlier) and the teacher's screen draws them all.
    def student_number(self, code: str, follower: str) -> int: ...
    def report_run(self, code: str, follower: str, run: RoomRun) -> None: ...
    def runs(self, code: str) -> list[RoomRun]: ...


def room_state(view: JobView) -> str:
    """A job's state in the class experiment's words (`RoomRun.state`): "training" while it is
    queued or running; once it ended, "diverged" when its result did, else "stopped" or
    "finished". A failed job has no word: it is not reported."""
    if view.state.active:
        return "training"
    if view.result is not None and view.result.diverged:
        return "diverged"
    return "stopped" if view.state == JobState.STOPPED else "finished"


def room_reporter(store: RoomStore) -> Callable[[str, Any, JobView, set[Hashable]], None]:
    """The training pool's `on_change` hook: a tagged single run's settings and scores go to
    each (room code, follower id) it is tagged with, under the student's number. It runs on the
    pool's listener thread, and swallows a room that has gone."""

    def report(job_id: str, request: Any, view: JobView, tags: set[Hashable]) -> None:
        if not isinstance(request, TrainRequest) or view.state == JobState.FAILED:
            return
        run = RoomRun.of_training(request, room_state(view), view.total_loss, view.result)
        for code, follower in tags:
            try:
                store.report_run(code, follower, run)
            except RoomError:  # the room closed meanwhile: nobody to tell
                pass

    return report


def normalise_code(code: str) -> str:
    """A typed room code, upper-cased and trimmed; RoomError if it cannot be one."""
    cleaned = "".join(str(code).split()).upper()
    if len(cleaned) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in cleaned):
        raise RoomError(f"'{code}' is not a room code: codes are {CODE_LENGTH} letters/digits.")
    return cleaned


def _check_snapshot(page: str, query: dict[str, str]) -> tuple[str, dict[str, str]]:
    query = {str(k): str(v) for k, v in query.items()}
    if len(page) > 100 or len(json.dumps(query)) > MAX_QUERY_CHARS:
        raise RoomError("That screen's settings are too large to share.")
    return page, query


@dataclass
class _Room:
    token: str
    version: int = 0
    page: str = ""
    query: dict[str, str] = field(default_factory=dict)
    guessing: bool = False
    touched: float = field(default_factory=time.monotonic)
    followers: dict[str, float] = field(default_factory=dict)
    students: dict[str, int] = field(default_factory=dict)  # follower id -> number
    runs: dict[int, RoomRun] = field(default_factory=dict)  # number -> latest run


class InMemoryRooms:
    """Rooms in this server process (the default: one server, one room of students)."""

    def __init__(
        self, max_rooms: int = MAX_ROOMS, idle_expiry_s: float = IDLE_EXPIRY_S, clock=time.monotonic
    ):
        self.max_rooms, self.idle_expiry_s, self._clock = max_rooms, idle_expiry_s, clock
        self._rooms: dict[str, _Room] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # notified when any room moves or closes

    def open(self) -> tuple[str, str]:
        """A new room: (code for students, secret token for the teacher)."""
        with self._lock:
            self._expire()
            if len(self._rooms) >= self.max_rooms:
                raise RoomError(
                    "This server has as many rooms open as it allows; close one "
                    "or wait for an idle one to expire."
                )
            code = self._new_code()
            token = secrets.token_urlsafe(16)
            self._rooms[code] = _Room(token=token, touched=self._clock())
            return code, token

    def publish(
        self, code: str, token: str, page: str, query: dict[str, str], guessing: bool = False
    ) -> None:
        """The teacher's screen (and whether the room guesses first) changed: students follow."""
        page, query = _check_snapshot(page, query)
        with self._lock:
            room = self._room(code)
            if not secrets.compare_digest(room.token, token):
                raise RoomError("Only the teacher who opened this room can change it.")
            room.touched = self._clock()
            if (room.page, room.query, room.guessing) != (page, query, bool(guessing)):
                room.page, room.query, room.guessing = page, query, bool(guessing)
                room.version += 1
                self._changed.notify_all()

    def view(self, code: str, follower: str | None = None) -> RoomView:
        """The room now; a `follower` id marks that student as present."""
        with self._lock:
            room = self._room(code)
            now = self._clock()
            if follower is not None:
                room.followers[follower] = now
            for fid in [f for f, seen in room.followers.items() if now - seen > FOLLOWER_TIMEOUT_S]:
                del room.followers[fid]
            return RoomView(
                code, room.version, room.page, dict(room.query), len(room.followers), room.guessing
            )

    def leave(self, code: str, follower: str) -> None:
        with self._lock:
            room = self._rooms.get(code)
            if room is not None:
                room.followers.pop(follower, None)

    def close(self, code: str, token: str) -> None:
        with self._lock:
            room = self._room(code)
            if not secrets.compare_digest(room.token, token):
                raise RoomError("Only the teacher who opened this room can close it.")
            del self._rooms[code]
            self._changed.notify_all()

    def changes(self, code: str) -> int:
        """How often room `code` has moved: its version (-1 once it is gone)."""
        with self._lock:
            return self._version(code)

    def wait_for_change(self, code: str, since: int, timeout: float) -> bool:
        """Block until room `code` has moved since `changes(code)` was `since`, or has closed
        (True), or `timeout` seconds have passed (False)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._version(code) != since, timeout)

    def student_number(self, code: str, follower: str) -> int:
        """`follower`'s number in room `code`, given at the first ask (1, 2, ...)."""
        with self._lock:
            room = self._room(code)
            if follower not in room.students:
                if len(room.students) >= MAX_STUDENTS:
                    raise RoomError("This room has as many students as it can number.")
                room.students[follower] = len(room.students) + 1
            return room.students[follower]

    def report_run(self, code: str, follower: str, run: RoomRun) -> None:
        """`follower`'s latest training (replacing the one before) under their number."""
        number = self.student_number(code, follower)
        with self._lock:
            self._room(code).runs[number] = replace(run, student=number)

    def runs(self, code: str) -> list[RoomRun]:
        """Every student's latest training, by student number."""
        with self._lock:
            room = self._room(code)
            return [room.runs[number] for number in sorted(room.runs)]

    def _version(self, code: str) -> int:
        room = self._rooms.get(code)
        return -1 if room is None else room.version

    def _room(self, code: str) -> _Room:
        self._expire()
        room = self._rooms.get(normalise_code(code))
        if room is None:
            raise RoomError(f"There is no open room {code}: it was closed or has expired.")
        return room

    def _expire(self) -> None:
        now = self._clock()
        for code in [c for c, r in self._rooms.items() if now - r.touched > self.idle_expiry_s]:
            del self._rooms[code]

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._rooms:
                return code
