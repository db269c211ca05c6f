"""The classroom's targets (issue 11), each measured over the whole run: a run that misses one
in a few samples misses it.

- errors 0: every timeout, exception or error box on a page, protocol error, and traceback in
  the server log;
- sessions that lost their state 0: a page that, after a move, showed another step, window,
  seed or training setting than its session had;
- stepping clicks, p95 ≤ 0.5 s: click → updated page for stepper and BPTT buttons and the page
  changes between them, Chromium and protocol sessions together;
- Train click → finished, p95 ≤ 90 s over every training (one that never ended counts as
  infinitely long);
- teacher's move → follower's screen shows it, p95 ≤ 1 s over every (move, follower) pair (a
  pair not shown within the follow limit counts as infinitely long);
- peak server memory (RSS of the server and its worker processes) ≤ 2 GB.
"""

from __future__ import annotations

from benchmarks.classroom.bench import STEPPING, Bench
from benchmarks.classroom.sampling import Sampler
from benchmarks.classroom.stats import Target, pct

MB = 2**20
MEMORY_TARGET = 2048 * MB
CLICK_P95_S = 0.5
TRAIN_P95_S = 90.0
FOLLOW_P95_S = 1.0
INF = float("inf")


def train_times(bench: Bench) -> tuple[list[float], list[float]]:
    """(Train click → first epoch shown, Train click → finished shown), seconds, one per
    training that was pressed; a run that never showed it counts as infinitely long (a run that
    ended before a progress bar was seen counts its end as its first epoch)."""
    to_first, to_end = [], []
    for t in bench.trainings:
        if t.pressed is None:
            to_first.append(INF)
            to_end.append(INF)
            continue
        first = t.first_epoch if t.first_epoch is not None else t.finished
        to_first.append(INF if first is None else first - t.pressed)
        ended = t.finished is not None and t.outcome in ("finished", "diverged")
        to_end.append(t.finished - t.pressed if ended else INF)
    return to_first, to_end


def _p95(values: list[float]) -> tuple[float, str]:
    p95 = pct(values, 95)
    return p95, ("-" if not values else "never" if p95 == INF else f"{p95:.3f} s")


def targets(bench: Bench, sampler: Sampler, n_errors: int) -> list[Target]:
    clicks = [c.latency for c in bench.clicks if c.action in STEPPING]
    click_p95, click_text = _p95(clicks)
    _, to_end = train_times(bench)
    train_p95, train_text = _p95(to_end)
    follows = [INF if f.latency is None else f.latency for f in bench.follow_pairs()]
    follow_p95, follow_text = _p95(follows)
    rows = [
        Target("errors 0", f"{n_errors}", n_errors == 0, "errors"),
        Target("sessions that lost their state 0", f"{len(bench.lost)}", not bench.lost, "lost"),
        Target(
            f"stepping click → updated page p95 ≤ {CLICK_P95_S} s",
            click_text,
            click_p95 <= CLICK_P95_S if clicks else None,
            "click p95",
        ),
        Target(
            f"Train click → finished p95 ≤ {TRAIN_P95_S:.0f} s",
            train_text,
            train_p95 <= TRAIN_P95_S if to_end else None,
            "training p95",
        ),
    ]
    if bench.scenario.presenter and bench.followers_expected:
        rows.append(
            Target(
                f"teacher's move → follower p95 ≤ {FOLLOW_P95_S:.0f} s",
                follow_text,
                follow_p95 <= FOLLOW_P95_S if follows else None,
                "follow p95",
            )
        )
    rows.append(
        Target(
            "peak server memory ≤ 2 GB",
            f"{sampler.peak_rss / MB:.0f} MB",
            sampler.peak_rss <= MEMORY_TARGET,
            "memory",
        )
    )
    return rows
