"""End-to-end fixtures: a real `streamlit run` server and Debian's headless Chromium.

Modelled on Streamlit's own e2e suite: start the server on a free port, poll
/_stcore/health, and wait for the app's script to finish before asserting.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    "--no-first-run",
]
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def run_async(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API holds this thread's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, log_path: Path, extra_env: dict | None = None) -> subprocess.Popen:
    """`streamlit run app.py` on 127.0.0.1:port, logging to `log_path`, ready when it returns."""
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(extra_env or {})},
        start_new_session=True,  # its own process group: stopping it stops its training workers
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"streamlit did not become healthy in 60 s:\n{log_path.read_text()}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server and everything it started (training pool workers and manager)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    proc = start_server(port, log_path)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)
    # A traceback in the server log is a failure even if the page looked fine.
    assert "Traceback" not in log_path.read_text(), log_path.read_text()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `bash tests/run.sh`, which installs it.")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def wait_idle(page: Page) -> None:
    """Wait until the app's script has finished running after a load or an interaction."""
    # The script state flips to "running" shortly after a click; give it a moment to start.
    page.wait_for_timeout(150)
    expect(page.locator(APP_IDLE)).to_be_visible(timeout=30_000)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=30_000)


def chart_trace_names(page: Page) -> list[list[str]]:
    """The trace names of every Plotly chart on the page, chart by chart, as the browser holds
    them."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".map(p => (p._fullData || []).map(t => t.name))"
    )


def no_exception(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
