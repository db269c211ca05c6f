"""The printed report of a classroom run: one function per section, the targets last."""

from __future__ import annotations

import os
from collections import Counter

from benchmarks.classroom.bench import Bench, Click
from benchmarks.classroom.room import LAG_REPORTED
from benchmarks.classroom.sampling import Sampler
from benchmarks.classroom.scenario import Client, Role
from benchmarks.classroom.stats import Target, line, pct, verdict

MB = 2**20
MEMORY_TARGET = 2048 * MB
ACTIONS = (  # Click.action -> its label
    ("step", "stepper button (fragment rerun)"),
    ("fragment", "BPTT Back/Next (fragment rerun)"),
    ("page", "page change (sidebar link)"),
)


def report(bench: Bench, sampler: Sampler, wall: float, own_cpu: float, log: str) -> None:
    """Print every section. wall, own_cpu : seconds of the whole run, and this process's CPU."""
    header(bench)
    calibration(bench)
    clicks(bench)
    presenter(bench)
    trainings(bench)
    n_errors = errors(bench, log)
    resources(bench, sampler, wall, own_cpu)
    print("Targets:")
    for target in targets(bench, sampler, n_errors):
        print(target.row())


def not_training(bench: Bench) -> list[Click]:
    """The clicks the headline is about: those of sessions that are not training."""
    return [c for c in bench.clicks if c.role != Role.TRAINER]


def header(bench: Bench) -> None:
    s = bench.scenario
    count = Counter(bench.seats)
    n_cpu = os.cpu_count() or 1

    def roles(client: Client) -> list[str]:
        return [
            f"{n} {seat.role}{'s' * (n > 1)}"
            for seat, n in sorted(count.items())
            if seat.client == client
        ]

    print(f"classroom_load: {s.sessions} sessions on one server ({n_cpu} CPUs)")
    print(f"  Chromium pages: {s.browsers} ({', '.join(roles(Client.CHROMIUM)) or 'none'})")
    print(f"  protocol clients: {s.sessions - s.browsers} ({', '.join(roles(Client.PROTOCOL))})")
    print(
        "  why: a headless Chromium page renders every Plotly chart and takes a large share of "
        "a core while it does; 30 of them would saturate the 2 cores the server needs. Protocol "
        "clients send the same BackMsgs as a browser (benchmarks/stclient/) at a fraction of "
        "the CPU; the Chromium pages measure what a student sees, rendering included."
    )
    workers = os.environ.get("RNNVIZ_TRAINING_WORKERS") or s.workers or "1 (app default)"
    print(
        f"  scenario: {s.clicks} moves per stepping session, think time "
        f"{0.5 * s.think:.2f}–{1.5 * s.think:.2f} s, sessions opened over {s.ramp:.0f} s; "
        f"{s.trainers} trainers ({s.describe_trainers()}, training workers: {workers}); "
        f"presenter mode {'on' if s.presenter else 'off'}"
        + (f"; server flags: {' '.join(s.server_flags)}" if s.server_flags else "")
    )
    for note in bench.notes:
        print(f"  note: {note}")
    print()


def calibration(bench: Bench) -> None:
    if not bench.calibration:
        return
    print("Idle baseline: one session alone on the server before the room arrives")
    for what, label in ACTIONS:
        rows = [c for c in bench.calibration if c.action == what]
        if rows:
            cpu = sum(c.server_cpu for c in rows) / len(rows)
            latencies = [c.latency for c in rows]
            print(line(label, latencies) + f"   server CPU {1000 * cpu:.0f} ms each")
    print()


def clicks(bench: Bench) -> None:
    stepping = not_training(bench)
    print("Click → updated page, sessions not training:")
    print(line("while trainings queued or running", [c.latency for c in stepping if c.training]))
    print(line("all clicks", [c.latency for c in stepping]))
    for kind in (Client.PROTOCOL, Client.CHROMIUM):
        print(line(f"  {kind} clients", [c.latency for c in stepping if c.client == kind]))
    for what, label in ACTIONS:
        print(line(f"  {label}", [c.latency for c in stepping if c.action == what]))
    start = bench.stepping_start
    if start:
        slowest = sorted(stepping, key=lambda c: c.latency, reverse=True)[:8]
        print(
            "  slowest: "
            + ", ".join(
                f"{c.latency:.2f} s ({c.client} {c.action} at {c.pressed - start:+.0f} s)"
                for c in slowest
            )
        )
        lags = [(t - start, late) for t, late in bench.loop_lags]
        print(
            f"  load generator's event loop late by > {LAG_REPORTED:.1f} s: {len(lags)} time(s)"
            + (
                ": " + ", ".join(f"{late:.2f} s at {t:+.0f} s" for t, late in lags[:8])
                if lags
                else ""
            )
        )
    if start and bench.stepping_end and bench.stepping_end > start:
        span = bench.stepping_end - start
        print(f"  stepping phase {span:.1f} s, {len(stepping) / span:.1f} clicks/s server-wide")
    print(line("page opens (first load)", [t for _, t in bench.opens]))
    print()


def presenter(bench: Bench) -> None:
    if not (bench.scenario.presenter and bench.followers_expected):
        return
    print("Presenter mode:")
    room = bench.room_code
    code = room.result() if room.done() and not room.cancelled() else None
    print(
        f"  room {code or '(not opened)'}: {bench.joined} of {bench.followers_expected} "
        f"followers joined, {len(bench.follow)} followed the teacher's first move"
        + (f", failed: {bench.follow_failed}" if bench.follow_failed else "")
    )
    print(line("teacher's click → follower shows it", [t for _, t in bench.follow]))
    print("  (the student panel polls every 2 s, so up to ~2 s of this is the poll interval)")
    print()


def trainings(bench: Bench) -> None:
    if not bench.trainers:
        return
    trainers = bench.trainers
    done = [t for t in trainers if t.outcome == "finished"]
    print(f"Trainings: {len(trainers)} trainers, {len(done)} finished")
    clicked = [t.click_latency for t in trainers if t.click_latency is not None]
    print(line("Train click → page updated", clicked))
    waits = [t.started - t.submitted for t in trainers if t.started and t.submitted]
    runs = [t.finished - t.started for t in done if t.started]
    totals = [t.finished - t.submitted for t in done if t.submitted]
    print(line("queued (click → first epoch shown)", waits))
    print(line("training (first epoch → finished)", runs))
    print(line("click → finished", totals))
    print(f"  outcomes: {dict(Counter(t.outcome for t in trainers))}")
    positions = [t.first_position for t in trainers if t.first_position is not None]
    if positions:
        print(f"  queue positions shown on first view: {sorted(positions)}")
    print()


def _traceback_kinds(log: str) -> list[str]:
    """The final "Type: message" line of each traceback in the server log."""
    kinds = []
    for block in log.split("Traceback (most recent call last):")[1:]:
        lines = [ln for ln in block.splitlines() if ln and not ln.startswith((" ", "\t"))]
        kinds.append(lines[0][:160] if lines else "?")
    return kinds


def errors(bench: Bench, log: str) -> int:
    """The errors and lost sessions; returns the number of errors (tracebacks included)."""
    log_tracebacks = log.count("Traceback")
    n_errors = len(bench.errors) + log_tracebacks
    print(f"Errors: {n_errors}  (target 0: {verdict(n_errors == 0)})")
    for category, n in sorted(Counter(cat for _, cat, _ in bench.errors).items()):
        print(f"  {category}: {n}")
    if log_tracebacks:
        print(f"  tracebacks in the server log: {log_tracebacks}")
        for kind, n in Counter(_traceback_kinds(log)).most_common(5):
            print(f"    {n}× {kind}")
    for idx, category, text in bench.errors[:12]:
        print(f"    session {idx} [{category}] {text}")
    if len(bench.errors) > 12:
        print(f"    … and {len(bench.errors) - 12} more")
    lost = bench.lost
    print(f"Sessions that lost their state: {len(lost)}  (target 0: {verdict(not lost)})")
    for idx, details in list(lost.items())[:8]:
        print(f"    session {idx} ({len(details)}×): {details[0]}")
    print()
    return n_errors


def resources(bench: Bench, sampler: Sampler, wall: float, own_cpu: float) -> None:
    n_cpu = os.cpu_count() or 1
    print(
        f"Server memory (server + its child processes, {sampler.samples} samples): peak RSS "
        f"{sampler.peak_rss / MB:.0f} MB (PSS {sampler.peak_pss / MB:.0f} MB), at start "
        f"{sampler.first_rss / MB:.0f} MB, up to {sampler.peak_procs} processes  "
        f"(target ≤ 2048 MB: {verdict(sampler.peak_rss <= MEMORY_TARGET)})"
    )
    server_cpu = sampler.cpu_seconds("server")
    training_cpu = sampler.cpu_seconds("training")
    browsers_cpu = sampler.cpu_seconds("browsers")
    received = sum(c.bytes_received for c in bench.clients)
    reruns = sum(c.reruns_sent for c in bench.clients)
    handled = reruns + sum(c.client == Client.CHROMIUM for c in bench.clicks)

    def share(seconds: float) -> str:
        return f"{seconds:.0f} s ({seconds / wall:.0%} of one core)"

    print(f"CPU over {wall:.0f} s wall ({n_cpu} cores = {n_cpu * wall:.0f} core-s):")
    print(
        f"  priorities (nice, relative to the server and this script): training workers +10, "
        f"Chromium and its driver +{bench.scenario.load_nice}"
    )
    print(
        f"  server process {share(server_cpu)}, about {1000 * server_cpu / max(1, handled):.0f} "
        f"ms per rerun it served ({handled} reruns)"
    )
    print(f"  training processes (pool workers, manager) {share(training_cpu)}")
    print(
        f"  load generator: this Python process {share(own_cpu)}, Chromium + Playwright driver "
        f"{share(browsers_cpu)}"
    )
    others = sampler.machine_seconds() - server_cpu - training_cpu - browsers_cpu - own_cpu
    print(
        f"  everything else on this machine {share(max(0.0, others))}"
        + ("  <- other work competed for the cores" if others > 0.1 * wall else "")
    )
    early = sum(c.served_early for c in bench.clients)
    if early:
        print(
            f"  {early} protocol requests were served by a run the server reported as ended "
            "'early for rerun' after drawing it (counted as served)"
        )
    print(
        f"  protocol clients received {received / MB:.1f} MB in "
        f"{sum(c.messages_received for c in bench.clients)} messages and sent {reruns} reruns "
        "(clicks, page changes and fragment polls)"
    )
    print()


def targets(bench: Bench, sampler: Sampler, n_errors: int) -> list[Target]:
    during = [c.latency for c in not_training(bench) if c.training]
    p95 = pct(during, 95) if during else float("nan")
    return [
        Target("errors 0", f"{n_errors}", n_errors == 0),
        Target("lost sessions 0", f"{len(bench.lost)}", not bench.lost),
        Target(
            "p95 click latency ≤ 1 s in training",
            f"{p95:.3f} s",
            p95 <= 1.0 if during else None,
            "NOT MEASURED (no click while training)",
        ),
        Target(
            "peak server memory ≤ 2 GB",
            f"{sampler.peak_rss / MB:.0f} MB",
            sampler.peak_rss <= MEMORY_TARGET,
        ),
    ]
