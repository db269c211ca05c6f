"""Debian's redis-server and nginx for the deploy tests: loopback only, free ports, temp dirs."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from redis.exceptions import RedisError

from rnnviz.server.redis_rooms import connect


def binary(name: str) -> str:
    """The path of a Debian binary (nginx lives in /usr/sbin, often not on a user's PATH)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        pytest.skip(f"Debian's {name} is not installed: `bash tests/run.sh` installs it.")
    return found


def start_redis(port: int, directory: Path) -> subprocess.Popen:
    """redis-server on 127.0.0.1:port, saving nothing to disk; answers PING when this returns."""
    proc = subprocess.Popen(
        [
            binary("redis-server"),
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(directory),
            "--logfile", str(directory / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    client = connect(f"redis://127.0.0.1:{port}/0", timeout_s=1.0)  # the app's own settings
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"redis-server exited early:\n{(directory / 'redis.log').read_text()}"
            )
        try:
            if client.ping():
                client.close()
                return proc
        except RedisError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("redis-server did not answer PING in 20 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
