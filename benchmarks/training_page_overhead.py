"""The training page's overhead on top of core.train, for the tutorial's default run. Prints only.

Drives a real `streamlit run app.py` server with Debian's headless Chromium (Playwright): opens
the training page with the defaults (H = 20, η = 1e-4, 2500 epochs, clip ±1, T = 5, per-sample,
all 95 windows), clicks Train, and times until the page shows the finished run ("… epochs in
… s."). That includes the worker process, the progress messages, the fragment that polls and
redraws the loss curve a few times a second, and the final rerun with every picture. The pool is
warmed first by a short run (the worker processes start once per server); repeat r uses weight
seed r (not yet in the server's cache, the same cost). The bare engine time is core.train with
the same settings and seed, in this process; the two alternate, so both see the same background
load.

Chromium runs at the lowest CPU priority (nice 19): in a classroom the browser renders on the
student's laptop, not on the server, and on a 2-core machine its ~0.5 core of rendering would
otherwise be charged to the page. Its CPU time is printed anyway, with the server's and the
training worker's, so nothing is hidden. `--same-priority` measures without that.

Streamlit's default `runner.postScriptGC = true` runs a full gc.collect() after every script run,
including each poll of the live fragment; `--no-post-script-gc` measures the server with it off
(the `[runner]` section of .streamlit/config.toml decides for the real server).

    .venv/bin/python -m benchmarks.training_page_overhead            # 3 repeats
    .venv/bin/python -m benchmarks.training_page_overhead --repeats 1 --same-priority
    .venv/bin/python -m benchmarks.training_page_overhead --no-post-script-gc
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.processes import cpu_seconds, others, renice_threads, tree
from rnnviz import core
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    start_server,
    wait_idle,
)

REPO = Path(__file__).resolve().parents[1]
FINISHED = "epochs in"  # the page's "Training: 2,500 epochs in 7.3 s." line


def cpu_seconds_by_group(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the server, its worker processes, and this script's browser."""
    server = tree(server_pid)
    return {
        "server": cpu_seconds(server[0]) if server else 0.0,
        "training processes": sum(cpu_seconds(p) for p in server[1:]),
        "browser": sum(cpu_seconds(p) for p in others(server_pid)),
    }


def lower_browser_priority(server_pid: int) -> None:
    """nice 19 for every thread of the browser: every process this script started (Playwright's
    driver and Chromium) except the server and its training processes."""
    renice_threads(others(server_pid), 19)


def bare_train(seed: int) -> tuple[float, float]:
    """(wall, CPU) seconds of core.train with the tutorial's settings on its 95 windows."""
    X, y = core.make_windows(core.weather_series(), 5)
    params = core.init_params(20, seed=seed)
    started, cpu = time.perf_counter(), time.process_time()
    core.train(params, X, y)
    return time.perf_counter() - started, time.process_time() - cpu


def page_train(page, button: str) -> tuple[float, float]:
    """Seconds from clicking `button` to the page showing the finished run, and the seconds the
    worker itself reports for the training (the page's "… epochs in 7.3 s")."""
    started = time.perf_counter()
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_timeout(200)  # the click's rerun replaces the previous run's message
    finished = page.get_by_text(FINISHED).first
    finished.wait_for(timeout=300_000)
    wall = time.perf_counter() - started
    worker = float(re.search(r"epochs in ([\d.]+) s", finished.inner_text()).group(1))
    return wall, worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--same-priority", action="store_true", help="do not renice Chromium")
    parser.add_argument(
        "--no-post-script-gc",
        action="store_true",
        help="run the server with runner.postScriptGC = false (no gc.collect() after every "
        "script or fragment run; the live fragment runs a few times a second)",
    )
    args = parser.parse_args()

    port = free_port()
    log = Path(tempfile.mkdtemp()) / "streamlit.log"
    env = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "false"} if args.no_post_script_gc else {}
    server = start_server(port, log, extra_env=env)
    url = f"http://127.0.0.1:{port}"
    page_times, bare_times, server_cpu, bare_cpu = [], [], [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(120_000)
            if not args.same_priority:
                lower_browser_priority(server.pid)

            # Warm-up: start the worker processes with a short run of other settings.
            page.goto(f"{url}/training?epochs=20&wseed=99")
            wait_idle(page)
            cold, _ = page_train(page, "Train")
            print(f"warm-up (starts the worker processes, 20 epochs): {cold:.2f} s")

            for repeat in range(args.repeats):
                wall, cpu = bare_train(repeat)
                bare_times.append(wall)
                bare_cpu.append(cpu)
                page.goto(f"{url}/training" + (f"?wseed={repeat}" if repeat else ""))
                wait_idle(page)
                if not args.same_priority:
                    lower_browser_priority(server.pid)  # renderer processes come and go
                before = cpu_seconds_by_group(server.pid)
                wall, worker = page_train(page, "Train")
                page_times.append(wall)
                after = cpu_seconds_by_group(server.pid)
                used = ", ".join(f"{k} {after[k] - before[k]:.1f} s" for k in after)
                server_cpu.append(sum(after[k] - before[k] for k in after if k != "browser"))
                print(
                    f"repeat {repeat + 1}: page {wall:.2f} s (of which training in the worker "
                    f"{worker:.2f} s), bare core.train {bare_times[-1]:.2f} s; CPU during the "
                    f"page's run: {used}"
                )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    page_s, bare_s = statistics.median(page_times), statistics.median(bare_times)
    priority = "same priority" if args.same_priority else "nice 19"
    gc = "runner.postScriptGC = false" if args.no_post_script_gc else "the project's config"
    print(
        f"driver: real `streamlit run` server ({gc}) + headless Chromium ({priority}, Playwright)"
    )
    print(
        f"default run, click → finished run on screen (median of {len(page_times)}): {page_s:.2f} s"
    )
    print(f"bare core.train, same settings, this process (median):             {bare_s:.2f} s")
    print(f"ratio page / bare: {page_s / bare_s:.2f}x  (target <= 1.3x)")
    cpu_ratio = statistics.median(server_cpu) / statistics.median(bare_cpu)
    print(
        f"server CPU (streamlit + training processes) / bare core.train CPU: {cpu_ratio:.2f}x "
        "(what the page costs the server, whatever else the machine is doing)"
    )
    print(f"load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
