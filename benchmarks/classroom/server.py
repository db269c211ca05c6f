"""The server under load: `streamlit run app.py` on a free loopback port, with the repository's
config, started and stopped with its training processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def start_server(
    port: int, log_path: Path, env: dict[str, str], flags: tuple[str, ...] = ()
) -> subprocess.Popen:
    """`streamlit run app.py` on 127.0.0.1:port in its own process group (so that it and its
    training processes can be stopped together), ready when this returns.

    A process group, not a session: Linux's autogroup scheduling shares the CPU between
    sessions first and applies nice only inside one, so the server stays in this session for
    the priorities (server, then load generator, then training) to hold between them."""
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
        + ["--server.address", "127.0.0.1", "--server.headless", "true", *flags],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
        process_group=0,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"streamlit did not become healthy in 60 s:\n{log_path.read_text()}")


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever is left of it."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGTERM:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # pool workers left behind, if any
            except ProcessLookupError:
                pass
        return
