"""A full classroom on one server: 30 sessions step through the stepper and BPTT pages while 10 of
them train the default model, with a teacher's room followed by some of them. Prints only.

    .venv/bin/python -m benchmarks.classroom_load            # 30 sessions, 4 of them Chromium
    .venv/bin/python -m benchmarks.classroom_load --quick    # a short check (~1 minute)
    .venv/bin/python -m benchmarks.classroom_load --sessions 30 --browsers 4 --trainers 10 \\
        --followers 4 --clicks 20 --think 2

The parts are in benchmarks/classroom/ (its __init__ lists them); who does what is one frozen
`Scenario` in benchmarks/classroom/scenario.py, which the command line builds.

Design choices
- A real `streamlit run app.py` on a free loopback port, with the repository's config; all traffic
  goes to 127.0.0.1, everything is bounded (clicks per session, per-click and overall timeouts),
  and the server (with its training processes) and the browsers are killed at the end.
- Most sessions are protocol clients (benchmarks/stclient/), a few are headless Chromium pages:
  a Chromium page renders every Plotly chart and costs a large share of a core while it does,
  so 30 of them would saturate the same 2 cores the server needs and measure the browsers, not
  the server. A protocol client sends exactly the BackMsgs a browser sends (checked against the
  frames Chromium sends), keeps the element tree, answers the ForwardMsg cache and reruns
  `run_every` fragments on the frontend's timer, so the server does the same work for it. The
  Chromium pages keep the protocol clients honest: their latency includes the rendering.
- Priorities. In a classroom the browsers run on the students' laptops; here they share the
  server's 2 cores. So Chromium and its driver run at nice 5 (`--load-nice`), between the server
  (0) and its training workers (10): when the cores are busy, the server's work comes first,
  then the browsers', then training. This script (the protocol clients, and every timestamp)
  stays at 0, so that its clocks are not late. All of them stay in one session, since Linux's
  autogroup scheduling applies nice only within a session. `--load-nice 0` makes the browsers
  equals of the server.
- Roles. Teacher: session 0 (the first Chromium page, or a protocol client with --browsers 0)
  opens a room (sidebar "Classroom") and steps like everyone. Followers (the other Chromium
  pages and `--followers` protocol clients) join it, follow the teacher's first move (the
  student panel polls every 2 s), then press "Explore on my own" and step by themselves (the
  panel polls only while a student follows). Trainers: the last `--trainers`
  protocol sessions open the training page with a distinct weight seed in the URL (?wseed=),
  press Train, and watch their run (the page polls several times a second while it runs, once a
  second while it waits in the queue) until it finishes (or, with --no-wait-training, until the
  stepping ends). Everyone else steps. Session 0 arrives first and the others over `--ramp`
  seconds (`--cold`: all at once on the fresh server).
- Stepping: each session opens /stepper with its own window and model seed in the URL and makes
  `--clicks` moves with a random think time around `--think` s: Next/Back/Reset/Run to end on the
  stepper and on the BPTT page (both fragment reruns), and page changes through the sidebar.
  After every move the page must show the page title, "Step k of 6" with the k this client
  expects and its own window and seed; a mismatch is a lost state (e.g. a reset to defaults, or
  another session's settings).
- Latency: protocol client, from sending the click to the `script_finished` of the run that
  covers it (a run the server starts and then abandons for other runs is reported as such);
  Chromium, from the page's click event to the moment `data-test-script-state` last turned
  "notRunning" once the expected text is on the page, both on the page's own clock (so
  Playwright's work around the click is left out; the app marks itself "notRunning" only after
  it has drawn the run's elements). The headline is p95 over the clicks of sessions that are
  not training, made while at least one training was queued or running.
- Idle baseline first: one protocol session alone on the server makes `--calibration` moves;
  its latency and the server CPU each move costs say what the server must do per click.
- Memory: RSS of the server and all its child processes (training pool, its manager), sampled
  every 0.5 s with psutil; PSS beside it (RSS counts shared pages once per process).
  CPU: the server process's, its training processes', this script's own, the Chromium and
  Playwright driver processes', and whatever else ran on the machine (psutil.cpu_times()):
  on a shared machine the last one says how far the figures can be trusted.
- `--server-flag` passes a `streamlit run` option to try a fix without editing the config, e.g.
  `--server-flag=--runner.postScriptGC=false`.
"""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

from benchmarks.classroom import room, scenario
from benchmarks.classroom.report import report
from benchmarks.classroom.sampling import Sampler
from benchmarks.classroom.server import start_server, stop_server
from tests.e2e.conftest import free_port


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # so that the finally clauses stop the server and the browsers


def main() -> None:
    settings = scenario.from_command_line(description=__doc__.split("\n\n")[0])
    signal.signal(signal.SIGTERM, _interrupt)
    port = free_port()
    log_path = Path(f"/tmp/classroom_load_{port}.log")
    env = {"RNNVIZ_TRAINING_WORKERS": str(settings.workers)} if settings.workers else {}
    server = start_server(port, log_path, env, settings.server_flags)
    sampler = Sampler(server.pid)
    started, cpu0 = time.monotonic(), time.process_time()
    try:
        bench = asyncio.run(room.run(settings, f"http://127.0.0.1:{port}", sampler))
    finally:
        stop_server(server)
    wall = time.monotonic() - started
    own_cpu = time.process_time() - cpu0
    log = log_path.read_text(errors="replace")
    report(bench, sampler, wall, own_cpu, log)
    print(f"\nserver log: {log_path}")


if __name__ == "__main__":
    main()
