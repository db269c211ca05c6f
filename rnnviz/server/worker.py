"""The training worker process: a `Batcher` fed by a command queue, reporting on an event queue.

Started with the "spawn" method (never a fork of a threaded server) by `rnnviz.server.jobs`;
it runs at a lower CPU priority than the server, so on a busy machine the scheduler serves a
click before a training step. Commands: ("add", member id, TrainRequest or RecallRequest,
record_every), ("stop", member id), ("quit",). Events: the Batcher's `Update`s and `Finished`s,
and ("failed", member id, sentence) if a run cannot start (say, its series is refused).
"""

from __future__ import annotations

import os
import queue

from rnnviz.server.batching import Batcher

IDLE_WAIT_S = 1.0  # an idle worker waits this long for a command before looking again


def lower_priority(niceness: int) -> None:
    """Step back for the server's threads when the cores are busy. Best effort: where the
    priority cannot be changed (no os.nice, or a sandbox forbids it) the worker trains at the
    server's priority; a worker that failed here would train nothing at all."""
    try:
        os.nice(niceness)
    except (AttributeError, OSError):
        pass


def serve(commands, events, niceness: int) -> None:
    """The worker's loop: take every waiting command, then give one batch its turn."""
    lower_priority(niceness)
    batcher = Batcher()
    while True:
        idle = len(batcher) == 0
        while True:
            try:
                command = commands.get(timeout=IDLE_WAIT_S) if idle else commands.get_nowait()
            except queue.Empty:
                break
            idle = False
            kind, *args = command
            if kind == "quit":
                return
            if kind == "stop":
                batcher.stop(*args)
                continue
            member_id, request, record_every = args
            try:
                batcher.add(member_id, request, record_every)
            except ValueError as err:  # the request's data is refused: say so, train nothing
                events.put(("failed", member_id, str(err)))
        for event in batcher.step():
            events.put(event)
