"""The teacher's moves as signals between the teacher's session and its followers.

A move is announced before the teacher clicks: every follower then arms a watch on its own page
for the teacher's next screen, and the teacher clicks only once all have armed (or a few seconds
passed). So the moment a follower's screen shows the move is taken where it happens, and no
follower can have moved before its watch began. The teacher then waits until every follower has
shown the move (or given up on it) before its next one, as a teacher waits for the room. After
the lead, the teacher waits until every follower has pressed *Explore on my own* before it steps
on alone: the room still shows the teacher's screen, so a move made earlier would (rightly) move
a follower's screen that the benchmark then expects to show the lead's last move.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from benchmarks.classroom.moves import Expect

ARM_TIMEOUT = 10.0  # seconds the teacher waits for the followers to arm their watches


@dataclass
class Move:
    """One move of the teacher: what the followers should then show, and when it was made."""

    index: int
    kind: str  # "step" (a step button) or "page" (a page change)
    expect: Expect  # the teacher's screen after the move
    armed: set[int] = field(default_factory=set)
    answered: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.pressed: asyncio.Future = asyncio.get_running_loop().create_future()
        self.all_armed = asyncio.Event()
        self.all_answered = asyncio.Event()

    def press(self, when: float | None) -> None:
        """The teacher clicked at `when` (None: the click failed)."""
        if not self.pressed.done():
            self.pressed.set_result(when)


class Lead:
    """The followers currently following, and the teacher's move they are watching for."""

    def __init__(self) -> None:
        self.members: dict[int, asyncio.Queue] = {}
        self.current: Move | None = None
        self.screen: Expect | None = None  # the teacher's screen now (what a joiner must show)
        self.finished = False
        self.history: list[Move] = []  # every move the teacher announced
        self.joined: set[int] = set()  # every follower that took part
        self.all_left = asyncio.Event()  # the lead is over and no follower follows any more

    def join(self, idx: int) -> asyncio.Queue:
        """Follower idx takes part from the next move on; its queue yields moves, then None."""
        queue: asyncio.Queue = asyncio.Queue()
        if self.finished:
            queue.put_nowait(None)
        self.members[idx] = queue
        self.joined.add(idx)
        return queue

    def leave(self, idx: int) -> None:
        """Follower idx stopped following (finished, or failed): no move waits for it."""
        self.members.pop(idx, None)
        self._check()
        if self.finished and not self.members:
            self.all_left.set()

    def arm(self, move: Move, idx: int) -> None:
        move.armed.add(idx)
        self._check()

    def answer(self, move: Move, idx: int) -> None:
        move.answered.add(idx)
        self._check()

    def _check(self) -> None:
        move = self.current
        if move is None:
            return
        if set(self.members) <= move.armed:
            move.all_armed.set()
        if set(self.members) <= move.answered:
            move.all_answered.set()

    async def announce(self, move: Move) -> None:
        """Tell every follower of the coming move; return once all have armed their watch."""
        self.current = move
        self.history.append(move)
        for queue in self.members.values():
            queue.put_nowait(move)
        self._check()
        try:
            await asyncio.wait_for(move.all_armed.wait(), ARM_TIMEOUT)
        except TimeoutError:
            pass  # a follower busy elsewhere: it will show the move late or not at all

    async def settled(self, move: Move, timeout: float) -> None:
        """Until every follower has shown the move or given up on it (at most `timeout`)."""
        try:
            await asyncio.wait_for(move.all_answered.wait(), timeout)
        except TimeoutError:
            pass

    def finish(self) -> None:
        """The teacher's lead is over: the followers explore on their own."""
        if self.current is not None:
            self.current.press(None)
        if self.finished:
            return
        self.finished = True
        for queue in self.members.values():
            queue.put_nowait(None)
        if not self.members:
            self.all_left.set()

    async def until_all_left(self, timeout: float) -> None:
        """After `finish`: until every follower has left the lead (at most `timeout`)."""
        try:
            await asyncio.wait_for(self.all_left.wait(), timeout)
        except TimeoutError:
            pass
