"""The printed report of a classroom run: one function per section, the targets last (see
benchmarks.classroom.targets)."""

from __future__ import annotations

import os
from collections import Counter

from benchmarks.classroom.bench import OTHER_CLICKS, STEPPING, Bench, Click
from benchmarks.classroom.room import LAG_REPORTED
from benchmarks.classroom.sampling import Sampler
from benchmarks.classroom.scenario import SMALL_H, Client
from benchmarks.classroom.stats import line, verdict
from benchmarks.classroom.targets import MB, MEMORY_TARGET, targets, train_times
from rnnviz.server.jobs import APP_WORKERS

ACTIONS = (  # Click.action -> its label
    ("step", "stepper button (fragment rerun)"),
    ("fragment", "BPTT Back/Next (fragment rerun)"),
    ("page", "page change stepper ↔ BPTT"),
    ("training page", "page change to/from training"),
    ("setting", "training setting changed"),
    ("train", "Train button (→ page updated)"),
)
LABEL = dict(ACTIONS)


def report(bench: Bench, sampler: Sampler, wall: float, log: str) -> None:
    """Print every section. wall : seconds of the whole run, server start to stop."""
    header(bench, sampler, wall)
    calibration(bench)
    clicks(bench)
    presenter(bench)
    trainings(bench)
    n_errors = errors(bench, log)
    resources(bench, sampler)
    rows = targets(bench, sampler, n_errors)
    print("Targets:")
    for target in rows:
        print(target.row())
    met = sum(t.met is True for t in rows)
    figures = ", ".join(f"{t.short} {t.measured}" for t in rows)
    print(f"\nSUMMARY: {met}/{len(rows)} targets met ({figures})")


def stepping(bench: Bench) -> list[Click]:
    """The clicks the click target is about: stepper and BPTT buttons, page changes between
    them."""
    return [c for c in bench.clicks if c.action in STEPPING]


def header(bench: Bench, sampler: Sampler, wall: float) -> None:
    s = bench.scenario
    count = Counter(bench.seats)
    n_cpu = os.cpu_count() or 1

    def roles(client: Client) -> list[str]:
        return [
            f"{n} {seat.role}{'s' * (n > 1)}"
            for seat, n in sorted(count.items())
            if seat.client == client
        ]

    print(f"classroom_load: {s.sessions} sessions on one server ({n_cpu} CPUs), {wall:.0f} s")
    print(f"  Chromium pages: {s.browsers} ({', '.join(roles(Client.CHROMIUM)) or 'none'})")
    print(f"  protocol clients: {s.sessions - s.browsers} ({', '.join(roles(Client.PROTOCOL))})")
    print(
        "  why: a headless Chromium page renders every Plotly chart and takes a large share of "
        "a core while it does; 30 of them would saturate the 2 cores the server needs. Protocol "
        "clients send the same BackMsgs as a browser (benchmarks/stclient/) at a fraction of "
        "the CPU; the Chromium pages measure what a student sees, rendering included."
    )
    workers = (
        os.environ.get("RNNVIZ_TRAINING_WORKERS") or s.workers or f"{APP_WORKERS} (app default)"
    )
    print(
        f"  scenario: {s.describe()}; {s.clicks} moves per session, think time "
        f"{0.5 * s.think:.2f}–{1.5 * s.think:.2f} s, sessions opened over {s.ramp:.0f} s; "
        f"training workers: {workers}; "
        + (
            f"presenter mode: the teacher leads {s.lead} moves"
            if s.presenter
            else "presenter mode off"
        )
        + (f"; server flags: {' '.join(s.server_flags)}" if s.server_flags else "")
    )
    start, end = sampler.load_start, sampler.load_end
    print(
        f"  load average (1, 5, 15 min) when the room arrived: {start[0]:.2f} {start[1]:.2f} "
        f"{start[2]:.2f}; at the end: {end[0]:.2f} {end[1]:.2f} {end[2]:.2f}"
    )
    for note in bench.notes:
        print(f"  note: {note}")
    print()


def calibration(bench: Bench) -> None:
    if not bench.calibration:
        return
    print("Idle baseline: one session alone on the server before the room arrives")
    for what, label in ACTIONS[:3]:
        rows = [c for c in bench.calibration if c.action == what]
        if rows:
            cpu = sum(c.server_cpu for c in rows) / len(rows)
            latencies = [c.latency for c in rows]
            print(line(label, latencies) + f"   server CPU {1000 * cpu:.0f} ms each")
    print()


def clicks(bench: Bench) -> None:
    steps = stepping(bench)
    print("Click → updated page, stepping clicks (stepper and BPTT buttons, page changes):")
    print(line("all stepping clicks", [c.latency for c in steps]))
    for kind in (Client.PROTOCOL, Client.CHROMIUM):
        print(line(f"  {kind} clients", [c.latency for c in steps if c.client == kind]))
    for what, label in ACTIONS[:3]:
        print(line(f"  {label}", [c.latency for c in steps if c.action == what]))
    print(line("  while trainings ran", [c.latency for c in steps if c.training]))
    start = bench.stepping_start
    if start:
        slowest = sorted(steps, key=lambda c: c.latency, reverse=True)[:8]
        print(
            "  slowest: "
            + ", ".join(
                f"{c.latency:.2f} s ({c.client} s{c.session} {c.action} at {c.pressed - start:+.0f}"
                f" s{', training' if c.training else ''})"
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
        print(f"  sessions' phase {span:.1f} s, {len(steps) / span:.1f} stepping clicks/s")
    print("Other clicks (not in the click target):")
    for what in OTHER_CLICKS:
        rows = [c for c in bench.clicks if c.action == what]
        clients = ", ".join(sorted({c.client for c in rows}))
        print(line(f"  {LABEL[what]}", [c.latency for c in rows]) + f"   ({clients or '-'})")
    print(line("page opens (first load)", [t for _, t in bench.opens]))
    print()


def presenter(bench: Bench) -> None:
    if not (bench.scenario.presenter and bench.followers_expected):
        return
    print("Presenter mode:")
    room = bench.room_code
    code = room.result() if room.done() and not room.cancelled() else None
    follows = bench.follow_pairs()
    shown = [f.latency for f in follows if f.latency is not None]
    failed = [f for f in follows if f.latency is None]
    print(
        f"  room {code or '(not opened)'}: {bench.joined} of {bench.followers_expected} "
        f"followers joined; the teacher made {len(bench.lead.history)} moves; {len(follows)} "
        f"(move, follower) pairs, {len(shown)} shown"
        + (f", {len(failed)} not shown in time" if failed else "")
    )
    print(line("teacher's move → follower shows it", shown))
    for kind in (Client.PROTOCOL, Client.CHROMIUM):
        print(
            line(
                f"  {kind} followers",
                [f.latency for f in follows if f.client == kind and f.latency is not None],
            )
        )
    for kind, label in (("step", "step buttons"), ("page", "page changes")):
        print(
            line(
                f"  {label}",
                [f.latency for f in follows if f.kind == kind and f.latency is not None],
            )
        )
    for f in failed[:6]:
        print(f"    not shown: move {f.move + 1} ({f.kind}), session {f.follower} ({f.client})")
    print(
        "  'shows it': the follower's run has finished and its main area shows the teacher's "
        "page title, 'Step k of 6' with the teacher's k and the teacher's window and seed; "
        "from the teacher's click (Chromium: the click event in its page)."
    )
    if bench.clock_errors:
        print(
            "  Chromium pages' times mapped onto this process's clock to within "
            f"{1000 * max(bench.clock_errors):.1f} ms at worst (see chromium.py)"
        )
    if bench.class_summary:
        print(f"  the teacher's class experiment at the end: {bench.class_summary}")
    print()


def trainings(bench: Bench) -> None:
    results = bench.trainings
    if not results:
        return
    ended = [t for t in results if t.finished is not None]
    small = sum(t.settings.hidden == SMALL_H for t in results)
    print(
        f"Trainings: {len(results)} ({small} with H = {SMALL_H}), {len(ended)} ended on screen; "
        f"outcomes {dict(Counter(t.outcome for t in results))}"
    )
    to_first, to_end = train_times(bench)
    print(line("Train click → first epoch shown", to_first))
    print(line("Train click → finished shown", to_end))
    runs = [t.finished - t.first_epoch for t in ended if t.first_epoch is not None]
    print(line("first epoch → finished", runs))
    for hidden in sorted({t.settings.hidden for t in results}):
        done = [t.finished - t.pressed for t in ended if t.settings.hidden == hidden and t.pressed]
        print(line(f"  click → finished, H = {hidden}", done))
    for kind in (Client.PROTOCOL, Client.CHROMIUM):
        done = [t.finished - t.pressed for t in ended if t.client == kind and t.pressed]
        print(line(f"  click → finished, {kind}", done))
    pressed = sorted(t.pressed for t in results if t.pressed is not None)
    start = bench.stepping_start
    if pressed and start:
        print(
            f"  Train clicks from {pressed[0] - start:+.0f} s to {pressed[-1] - start:+.0f} s "
            f"after the sessions started; the last run ended at "
            f"{max((t.finished for t in ended), default=start) - start:+.0f} s"
        )
    missing = sum(t.first_epoch is None for t in ended)
    if missing:
        print(f"  {missing} run(s) ended before a progress bar was seen (counted at their end)")
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


def resources(bench: Bench, sampler: Sampler) -> None:
    n_cpu = os.cpu_count() or 1
    print(
        f"Server memory (server + its child processes, {sampler.samples} samples): peak RSS "
        f"{sampler.peak_rss / MB:.0f} MB (PSS {sampler.peak_pss / MB:.0f} MB), at start "
        f"{sampler.first_rss / MB:.0f} MB, up to {sampler.peak_procs} processes  "
        f"(target ≤ 2048 MB: {verdict(sampler.peak_rss <= MEMORY_TARGET)})"
    )
    span = max(sampler.span, 1e-9)
    received = sum(c.bytes_received for c in bench.clients)
    reruns = sum(c.reruns_sent for c in bench.clients)
    used = {group: sampler.cpu_seconds(group) for group in ("server", "training", "browsers")}
    used["load generator"] = sampler.cpu_seconds("load generator")

    def share(seconds: float) -> str:
        return f"{seconds:.0f} s ({seconds / span:.0%} of one core)"

    print(f"CPU over the room's {span:.0f} s ({n_cpu} cores = {n_cpu * span:.0f} core-s):")
    print(
        f"  priorities (nice, relative to the server and this script): training workers +10, "
        f"Chromium and its driver +{bench.scenario.load_nice}"
    )
    print(f"  server process {share(used['server'])}")
    print(f"  training workers (the server's child processes) {share(used['training'])}")
    print(f"  browsers (Chromium + Playwright driver) {share(used['browsers'])}")
    print(
        f"  load generator (this process: protocol clients, timing) {share(used['load generator'])}"
    )
    others = sampler.machine_seconds() - sum(used.values())
    print(
        f"  everything else on this machine {share(max(0.0, others))}"
        + ("  <- other work competed for the cores" if others > 0.1 * span else "")
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
