"""The training worker processes of one server: started on first use, sent commands, watched.

Each worker runs `rnnviz.server.worker.serve` (a Batcher) at a lower CPU priority, with its own
command queue; all of them report on one event queue, which the pool's listener thread reads.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rnnviz.server import worker


@contextmanager
def _plain_main() -> Iterator[None]:
    """Start processes without re-running the server's main script in them.

    A spawned process imports the parent's `__main__` from its file; under `streamlit run` that
    file is app.py, which would then run (in Streamlit's bare mode) in every worker. Workers
    need only rnnviz.server.worker, so they are started while `__main__` is an empty module.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class Workers:
    """`count` worker processes (spawned: never a fork of a threaded server) and their queues.

    Not thread-safe on its own: the pool calls it under its lock.
    """

    def __init__(self, count: int, niceness: int):
        self.count, self.niceness = count, niceness
        self._context = mp.get_context("spawn")
        self._processes: list[Any] = [None] * count
        self._commands: list[Any] = [None] * count
        self.events: Any = None  # one queue for every worker's events, made on first start

    def start(self) -> bool:
        """Start any worker that is not running (the first use, or one that died). Returns
        True when the event queue was made just now (the caller starts its listener)."""
        fresh = self.events is None
        if fresh:
            self.events = self._context.Queue()
        for index, process in enumerate(self._processes):
            if process is not None and process.is_alive():
                continue
            commands = self._context.Queue()
            process = self._context.Process(
                target=worker.serve,
                args=(commands, self.events, self.niceness),
                name=f"rnnviz-worker-{index}",
                daemon=True,
            )
            with _plain_main():
                process.start()
            self._processes[index], self._commands[index] = process, commands
        return fresh

    def send(self, index: int, *command: Any) -> None:
        """("add", member id, request, record_every) or ("stop", member id) to worker `index`."""
        self._commands[index].put(command)

    def dead(self) -> set[int]:
        """The workers that were started and are no longer running."""
        return {
            index
            for index, process in enumerate(self._processes)
            if process is not None and not process.is_alive()
        }

    def pids(self) -> list[int]:
        return [p.pid for p in self._processes if p is not None and p.is_alive()]

    def stop(self) -> None:
        """Ask every worker to quit, then make sure they have."""
        for process, commands in zip(self._processes, self._commands, strict=True):
            if process is not None and process.is_alive():
                commands.put(("quit",))
        for process in self._processes:
            if process is not None:
                process.join(timeout=10)
                if process.is_alive():
                    process.terminate()
