"""A step click as a student sees it: headless Chromium, click to the page's "notRunning".

    .venv/bin/python -m benchmarks.step_click_chromium [--clicks 30] [--pages stepper bptt]

Starts `streamlit run app.py` on a free port (as tests/e2e does), opens each page in Debian's
Chromium with benchmarks/step_click.js installed, and clicks the step buttons: Next and Back
alternately around the middle of the timeline (steps 2 and 3), after two warm-up clicks. Each
click is timed inside the page, from the click event to the app's script state turning
"notRunning" (the load benchmark's clock, benchmarks/classroom/chromium.py), so the time covers
the fragment rerun on the server, the messages, and the browser's work on them: what the
server-side `click_latency.py` cannot see, such as typesetting with KaTeX. Prints the median and
the 95th percentile per page. The driver's own wall time to seeing "Step k of 6" is printed
beside it, as a check.

Run before/after comparisons alternately on a quiet machine; a shared one adds noise to both.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from benchmarks.classroom.chromium import css_key
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server

LAST = 6  # both pages step 0 … T+1 with T = 5
SETTING = {"stepper": "fstep", "bptt": "bstep"}
# Its own page clock (click event, last "notRunning"), not the load benchmark's page.js, so that
# a before/after comparison runs the same measuring code on both trees.
PAGE_JS = Path(__file__).with_name("step_click.js")


def shows(page: Page, text: str) -> None:
    """Wait until the script is idle and the main area shows `text`."""
    page.wait_for_function(
        "(parts) => window.__rnnviz.shows(parts)", arg=[text], polling=20, timeout=60_000
    )


def click(page: Page, setting: str, move: str, step_after: int) -> tuple[float, float]:
    """(in-page seconds to notRunning, driver seconds to seeing the new step) for one click."""
    # Streamlit draws a button with help twice (one copy inside its tooltip target).
    button = page.locator(f".{css_key(f'{setting}:{move}')} button:visible").first
    started = time.perf_counter()
    button.click()
    page.wait_for_timeout(50)  # the script state flips to "running" shortly after the click
    shows(page, f"Step {step_after} of {LAST}")
    wall = time.perf_counter() - started
    in_page = page.evaluate("() => window.__rnnviz.clickLatency()")
    return (in_page if in_page is not None else wall), wall


def time_page(page: Page, url: str, path: str, clicks: int) -> tuple[list[float], list[float]]:
    setting = SETTING[path]
    page.goto(f"{url}/{path}")
    page.wait_for_function(
        "document.querySelector('.js-plotly-plot') !== null", polling=100, timeout=120_000
    )
    shows(page, f"Step 0 of {LAST}")
    click(page, setting, "next", 1)
    click(page, setting, "next", 2)  # warm up, and start mid-timeline
    in_page, wall = [], []
    for i in range(clicks):
        move, after = ("next", 3) if i % 2 == 0 else ("back", 2)
        seconds, driver = click(page, setting, move, after)
        in_page.append(seconds)
        wall.append(driver)
    return in_page, wall


def summary(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{name:<34} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--pages", nargs="+", choices=sorted(SETTING), default=["stepper", "bptt"])
    args = parser.parse_args()

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, Path(tmp) / "streamlit.log")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.add_init_script(path=str(PAGE_JS))
                page = context.new_page()
                for path in args.pages:
                    in_page, wall = time_page(page, f"http://127.0.0.1:{port}", path, args.clicks)
                    print(summary(f"{path}: click → notRunning", in_page))
                    print(summary(f"{path}: click → step shown (driver)", wall))
                browser.close()
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
