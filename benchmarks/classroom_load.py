"""A room where everyone trains, on one server (issue 11): 30 sessions step through the stepper
and BPTT pages, each trains its own model on the teacher's series, and 7 of them first follow
the teacher's room. Prints each figure with its target, MET or NOT MET, and a summary line.

    .venv/bin/python -m benchmarks.classroom_load            # the room: 30 sessions, 4 Chromium
    .venv/bin/python -m benchmarks.classroom_load --quick    # 8 sessions, 300 epochs (~2 min)
    .venv/bin/python -m benchmarks.classroom_load --trainers 10 --followers 4 --lead 1 \\
        --clicks 20 --calibration 20                         # the older classroom (see below)

The parts are in benchmarks/classroom/ (its __init__ lists them); who does what is one frozen
`Scenario` in benchmarks/classroom/scenario.py, which the command line builds.

The room (the default)
- 30 sessions: 4 headless Chromium pages (session 0 the teacher, 3 followers) and 26 protocol
  clients (4 followers, 22 students). Session 0 arrives first, the others over `--ramp` 10 s.
- The teacher opens the stepper, opens a room (sidebar "Classroom"), waits for the 7 followers
  to join and leads `--lead` 7 moves (Next, Next, BPTT page, Next, Next, stepper page, Next): each
  move is announced to the followers before the click, and the next one waits until every
  follower has shown it. The followers then press "Explore on my own".
- Everyone (teacher and followers after the lead) then makes half of `--clicks` 12 stepping
  moves, opens the training page, presses Train, waits there until the page says the run has
  finished, goes back to where it was, and makes the other half. Each session trains its own
  model on the teacher's series (the default one): a weight seed and a learning rate drawn per
  student from `--seed` (seeds distinct, η from the slider's grid between 1e-4 and 1e-2),
  H = 8 for a third of the room and 20 for the others, 2,500 epochs (`--epochs`). Students
  bring their settings in their link; followers, whose screens took on the teacher's settings,
  set theirs on the training page (sliders and the seed box), as a student would. The teacher
  keeps its training page (the class experiment) open until the followers' runs are in.
- Think time between moves: uniform in 0.5–1.5 × `--think` 2 s.

The older classroom: `--trainers N` makes the last N protocol sessions trainers that only open
the training page (default model, seed 1000 + i), press Train and watch; every other session
only steps (`--clicks` moves), and followers follow `--lead` moves. Issue 11's "now" figures
came from `--trainers 10 --followers 4 --lead 1 --clicks 20` (at that time followers followed
only the teacher's first move); `--no-wait-training` stops when the stepping ends.

What is measured (benchmarks/classroom/targets.py has the targets)
- Errors: every timeout, exception element or error box on a page (a diverged run's box is its
  outcome, not an error), protocol error, a follower whose page stopped following by itself,
  and every traceback in the server log. Lost state: after each move the page must show the
  page title, "Step k of 6" with the k the session expects and its own window and seed; on the
  training page the URL must carry its training settings.
- Click → updated page, for the stepping clicks (stepper and BPTT buttons, page changes between
  them): protocol client, from sending the click to the `script_finished` of the run that
  serves it; Chromium, from the page's click event to the first moment the page is idle
  (`data-test-script-state` "notRunning": the app marks itself so only after drawing the run's
  elements) and shows the expected texts, both on the page's own clock (page.js), so
  Playwright's work around the click is left out. Page changes to and from the training page,
  training settings and the Train click itself are printed apart.
- Trainings: Train click → first epoch shown (the progress bar "Training: epoch …") and → the
  end shown ("Training: N epochs in S s."), on the page (Chromium: taken in the page at the DOM
  change; protocol: when the run that drew it finished).
- Teacher's move → follower's screen shows it, over every (move, follower) pair: from the
  teacher's click to the first moment the follower's page has finished its run and shows the
  teacher's page title, step and window and seed. One clock, this process's time.monotonic():
  a Chromium page's times are mapped onto it by an offset bounded by readings of both clocks
  (see benchmarks/classroom/chromium.py); a protocol client's are on it already.
- Memory: RSS of the server and its child processes (the training worker), sampled every
  0.5 s with psutil; PSS beside it. CPU over the room (after the idle baseline): the server,
  its training workers, Chromium and the Playwright driver, this process (the load generator:
  protocol clients and timing), and the rest of the machine (psutil.cpu_times()), which on a
  shared machine says how far the figures can be trusted; the load average is printed too.
- Idle baseline first: one protocol session alone on the server makes `--calibration` moves;
  its latency and the server CPU each move costs say what the server must do per click.

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
- `--server-flag` passes a `streamlit run` option to try a fix without editing the config, e.g.
  `--server-flag=--runner.postScriptGC=false`; `--workers` sets RNNVIZ_TRAINING_WORKERS.
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
    started = time.monotonic()
    try:
        bench = asyncio.run(room.run(settings, f"http://127.0.0.1:{port}", sampler))
    finally:
        stop_server(server)
    wall = time.monotonic() - started
    log = log_path.read_text(errors="replace")
    report(bench, sampler, wall, log)
    print(f"\nserver log: {log_path}")


if __name__ == "__main__":
    main()
