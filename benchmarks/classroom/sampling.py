"""What the server and the load generator use while the room works: the server tree's memory
(RSS, and PSS at its peak) and the CPU time of the server, its training processes, the browsers
and the whole machine, sampled through psutil every `every` seconds."""

from __future__ import annotations

import asyncio

import psutil

from benchmarks.processes import others, tree


def _machine_busy() -> float:
    """Busy CPU seconds of the whole machine so far: every /proc/stat field but idle and iowait."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - times.iowait


class Sampler:
    """Peak memory of the server tree and CPU time of the server tree and of this script's
    other children (Chromium, the Playwright driver)."""

    def __init__(self, server_pid: int, every: float = 0.5):
        self.server_pid, self.every = server_pid, every
        self.peak_rss = 0
        self.peak_pss = 0
        self.first_rss = 0
        self.peak_procs = 0
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (group, last CPU seconds seen)
        self.samples = 0
        self.machine_start: float | None = None  # busy seconds of all CPUs
        self.machine_end = 0.0

    def processes(self) -> tuple[list[psutil.Process], list[psutil.Process]]:
        """(the server's tree, server first; this script's other descendants)."""
        return tree(self.server_pid), others(self.server_pid)

    def sample(self) -> None:
        server, mine = self.processes()
        used: dict[int, tuple[str, float, int]] = {}  # pid -> (group, CPU seconds, RSS bytes)
        groups = (("server", server[:1]), ("training", server[1:]), ("browsers", mine))
        for group, procs in groups:
            for proc in procs:
                try:
                    with proc.oneshot():
                        times, rss = proc.cpu_times(), proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue  # gone since the listing: its last sample stands
                used[proc.pid] = (group, times.user + times.system, rss)
        alive = [p for p in server if p.pid in used]
        rss = sum(used[p.pid][2] for p in alive)
        if self.samples == 0:
            self.first_rss = rss
        self.samples += 1
        if rss > self.peak_rss:
            self.peak_rss = rss
            self.peak_pss = sum(_pss(p) for p in alive)
        self.peak_procs = max(self.peak_procs, len(alive))
        for pid, (group, seconds, _) in used.items():
            self.cpu[pid] = (group, seconds)
        self.machine_end = _machine_busy()
        if self.machine_start is None:
            self.machine_start = self.machine_end

    def machine_seconds(self) -> float:
        """CPU seconds every process on the machine used between the first and last sample."""
        return self.machine_end - (self.machine_start or 0.0)

    def cpu_seconds(self, group: str) -> float:
        return sum(t for g, t in self.cpu.values() if g == group)

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
