"""The numbers the report prints: percentiles, a latency row, a target met or not."""

from __future__ import annotations

import math
from dataclasses import dataclass


def pct(values: list[float], q: float) -> float:
    """The q-th percentile by nearest rank (a value that occurred); nan for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def line(label: str, values: list[float]) -> str:
    """One latency row: count, p50, p95 and max, seconds."""
    if not values:
        return f"  {label:<34} n=0"
    return (
        f"  {label:<34} n={len(values):<4} p50 {pct(values, 50):6.3f} s   "
        f"p95 {pct(values, 95):6.3f} s   max {max(values):6.3f} s"
    )


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


@dataclass(frozen=True)
class Target:
    """One of the classroom's targets and what this run measured against it."""

    name: str  # e.g. "errors 0"
    measured: str  # the measurement as printed, e.g. "0" or "1.528 s"
    met: bool | None  # None: not measured in this run
    short: str = ""  # its name in the summary line, e.g. "errors"
    unmeasured: str = "NOT MEASURED"  # the verdict printed when `met` is None

    def row(self) -> str:
        dots = "." * max(1, 44 - len(self.name))
        outcome = self.unmeasured if self.met is None else verdict(self.met)
        return f"  {self.name} {dots} {self.measured}  {outcome}"
