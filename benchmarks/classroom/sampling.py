"""What the server and the load generator use while the room works: the server tree's memory
(RSS, and PSS at its peak) and the CPU time of the server, its training processes, the browsers,
this process and the whole machine, sampled through psutil every `every` seconds.

CPU is counted over the sampled span only (the room, after the idle baseline): a process alive
at the first sample counts from what it had used by then, one started later from zero.
"""

from __future__ import annotations

import asyncio
import os
import time

import psutil

from benchmarks.processes import others, tree

GROUPS = ("server", "training", "browsers", "load generator")


def _machine_busy() -> float:
    """Busy CPU seconds of the whole machine so far: every /proc/stat field but idle and iowait."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - times.iowait


def _cpu(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


class Sampler:
    """Peak memory of the server tree and CPU time of the server tree, of this script's other
    children (Chromium, the Playwright driver) and of this script."""

    def __init__(self, server_pid: int, every: float = 0.5):
        self.server_pid, self.every = server_pid, every
        self.me = psutil.Process()
        self.peak_rss = 0
        self.peak_pss = 0
        self.first_rss = 0
        self.peak_procs = 0
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (group, last CPU seconds seen)
        self.cpu_start: dict[int, float] = {}  # pid -> CPU seconds at the first sample
        self.samples = 0
        self.started = self.ended = 0.0  # time.monotonic() of the first and last samples
        self.machine_start: float | None = None  # busy seconds of all CPUs
        self.machine_end = 0.0
        self.load_start = self.load_end = (0.0, 0.0, 0.0)

    def processes(self) -> tuple[list[psutil.Process], list[psutil.Process]]:
        """(the server's tree, server first; this script's other descendants)."""
        return tree(self.server_pid), others(self.server_pid)

    def sample(self) -> None:
        server, mine = self.processes()
        used: dict[int, tuple[str, float, int]] = {}  # pid -> (group, CPU seconds, RSS bytes)
        groups = (
            ("server", server[:1]),
            ("training", server[1:]),
            ("browsers", mine),
            ("load generator", [self.me]),
        )
        for group, procs in groups:
            for proc in procs:
                try:
                    with proc.oneshot():
                        seconds, rss = _cpu(proc), proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue  # gone since the listing: its last sample stands
                used[proc.pid] = (group, seconds, rss)
        alive = [p for p in server if p.pid in used]
        rss = sum(used[p.pid][2] for p in alive)
        first = self.samples == 0
        if first:
            self.first_rss = rss
            self.started = time.monotonic()
            self.load_start = os.getloadavg()
            self.cpu_start = {pid: seconds for pid, (_, seconds, _) in used.items()}
        self.samples += 1
        self.ended = time.monotonic()
        self.load_end = os.getloadavg()
        if rss > self.peak_rss:
            self.peak_rss = rss
            self.peak_pss = sum(_pss(p) for p in alive)
        self.peak_procs = max(self.peak_procs, len(alive))
        for pid, (group, seconds, _) in used.items():
            self.cpu[pid] = (group, seconds)
        self.machine_end = _machine_busy()
        if self.machine_start is None:
            self.machine_start = self.machine_end

    @property
    def span(self) -> float:
        """Seconds between the first and the last sample."""
        return self.ended - self.started

    def machine_seconds(self) -> float:
        """CPU seconds every process on the machine used between the first and last sample."""
        return self.machine_end - (self.machine_start or 0.0)

    def cpu_seconds(self, group: str) -> float:
        """CPU seconds a group used between the first and the last sample."""
        return sum(
            t - self.cpu_start.get(pid, 0.0) for pid, (g, t) in self.cpu.items() if g == group
        )

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample()
            try:
                await asyncio.wait_for(stop.wait(), self.every)
            except TimeoutError:
                pass


def _pss(proc: psutil.Process) -> int:
    """Proportional set size, bytes (shared pages split between the processes sharing them)."""
    try:
        return proc.memory_full_info().pss
    except psutil.Error:
        return 0
