"""Process trees as the benchmarks see them (a server and its training workers; Chromium, its
renderers and the Playwright driver), through psutil.

CPU time is user + system of each process itself (not of its waited-for children), as in
/proc/<pid>/stat; a process that is gone counts as nothing from then on.
"""

from __future__ import annotations

import os

import psutil


def tree(pid: int) -> list[psutil.Process]:
    """The process and all its descendants, the process first; [] if it is gone."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def others(pid: int) -> list[psutil.Process]:
    """This script's descendants outside `pid`'s tree: the browser and its driver, when the
    other child is the server."""
    server = {p.pid for p in tree(pid)}
    return [p for p in psutil.Process().children(recursive=True) if p.pid not in server]


def cpu_seconds(process: psutil.Process | int) -> float:
    """CPU seconds (user + system) the process has used so far; 0 if it is gone."""
    try:
        proc = process if isinstance(process, psutil.Process) else psutil.Process(process)
        times = proc.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return times.user + times.system


def renice_threads(processes: list[psutil.Process], niceness: int) -> int:
    """Set the niceness of every thread of these processes; returns how many were changed.

    Every thread: Linux keeps a nice value per thread, and psutil's Process.nice() (like
    setpriority on a pid) changes only the main one. Threads and processes started later
    inherit it from the thread that starts them."""
    changed = 0
    for proc in processes:
        try:
            for thread in proc.threads():
                os.setpriority(os.PRIO_PROCESS, thread.id, niceness)
                changed += 1
        except (psutil.Error, OSError):
            pass  # gone meanwhile, or not allowed
    return changed
