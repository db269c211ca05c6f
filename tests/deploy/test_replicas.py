"""Two rnnviz replicas behind nginx with Redis, started by deploy/run_replicas.sh on loopback.

Proves correctness, not capacity: new browsers are spread over both replicas; each browser's
page, websocket and uploads all reach its own replica (its reruns and an upload work, and
nginx's log shows one upstream per browser); a teacher on one replica and a student on the
other share a room through Redis; Ctrl-C stops every process the script started.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.deploy.servers import binary
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, no_exception, wait_idle
from tests.e2e.test_pages import first_trace_y
from tests.e2e.test_upload import upload

REPO = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[A-Z2-9]{4}$")
# A line of nginx's access log (log_format rnnviz in deploy/nginx.conf.template).
ACCESS = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" .* affinity=(?P<key>\S+) upstream=(?P<up>\S+)'
)


@dataclass
class Cluster:
    url: str  # nginx: what students open
    replicas: set[str]  # "127.0.0.1:<port>" of each streamlit process, as nginx names them
    run_dir: Path
    group: int  # the process group of run_replicas.sh and everything it started


def _first_of_free_ports(count: int) -> int:
    """A port that is free on loopback with the count-1 ports after it."""
    for _ in range(50):
        first = free_port()
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError("no run of free ports on 127.0.0.1")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the script's own process group (see below)
    except ProcessLookupError:
        pass
    proc.wait()


@pytest.fixture(scope="module")
def cluster():
    binary("nginx"), binary("redis-server")  # skips, saying why, if either is missing
    # Not pytest's tmp_path (mode 700 above it): nginx's workers run as `nobody` under root.
    run_dir = Path(tempfile.mkdtemp(prefix="rnnviz-deploy-"))
    port, redis_port, first = free_port(), free_port(), _first_of_free_ports(2)
    log_path = run_dir / "run_replicas.log"
    # The script must be able to trap the Ctrl-C sent below. A shell cannot trap a signal that
    # was ignored when it started, and a test run started in the background (`cmd &` in a
    # script, nohup) ignores SIGINT and passes that on: so the script starts with the default.
    inherited = signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        with open(log_path, "w") as log:
            script = subprocess.Popen(
                ["bash", "deploy/run_replicas.sh", "-n", "2", "-p", str(port), "-a", "127.0.0.1",
                 "-b", str(first), "-r", f"start:{redis_port}", "-d", str(run_dir)],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHON": sys.executable},
                start_new_session=True,  # its own process group: nothing outlives a failed test
            )  # fmt: skip
    finally:
        signal.signal(signal.SIGINT, inherited)
    deadline = time.monotonic() + 90
    while "== rnnviz on" not in log_path.read_text():
        if script.poll() is not None or time.monotonic() > deadline:
            _kill_group(script)
            pytest.fail(f"run_replicas.sh did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    replicas = {f"127.0.0.1:{first + i}" for i in (0, 1)}
    yield Cluster(f"http://127.0.0.1:{port}", replicas, run_dir, os.getpgid(script.pid))

    script.send_signal(signal.SIGINT)  # Ctrl-C
    try:
        script.wait(timeout=30)
    except subprocess.TimeoutExpired:
        _kill_group(script)
        pytest.fail(f"Ctrl-C did not stop run_replicas.sh:\n{log_path.read_text()}")
    logs = {path.name: path.read_text() for path in run_dir.glob("*.log")}
    shutil.rmtree(run_dir, ignore_errors=True)
    assert script.returncode == 130, logs["run_replicas.log"]
    still = [p for p in (port, redis_port, first, first + 1) if _listening(p)]
    assert still == [], f"ports still served after Ctrl-C: {still}"
    for name, text in logs.items():
        assert "Traceback" not in text, f"{name}:\n{text}"


def _get(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """(the replica that answered, the rnnviz_replica cookie nginx set, if it set one)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
        match = re.search(r"rnnviz_replica=(\w+);", cookies)
        return response.headers["X-Rnnviz-Replica"], match and match.group(1)


def test_new_browsers_are_spread_over_both_replicas_and_stay_on_theirs(cluster):
    first_visits = [_get(f"{cluster.url}/_stcore/health") for _ in range(30)]
    # Each key is random, so all 30 on one replica has odds of 2 in 2**30.
    assert {replica for replica, _ in first_visits} == cluster.replicas
    assert len({key for _, key in first_visits if key}) == 30  # a key of its own for each
    for replica, key in first_visits[:6]:
        for path in ["/", "/weather", "/_stcore/health", "/_stcore/host-config"]:
            # Back with its cookie: the same replica, and no new cookie.
            assert _get(cluster.url + path, f"rnnviz_replica={key}") == (replica, None)


def test_the_proxy_keeps_xsrf_and_the_upload_cap(cluster):
    def put(size: int) -> int:
        request = urllib.request.Request(
            f"{cluster.url}/_stcore/upload_file/some-session/some-file", b"x" * size, method="PUT"
        )
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
        return err.value.code

    assert put(10) == 403  # no XSRF token: the replica refuses it, as without nginx
    assert put(7 * 2**20) == 413  # over the 5 MB cap (+1 MB of multipart): nginx refuses it


# -- real browsers --------------------------------------------------------------------------------
def _in_own_browser(scenario, *args):
    """Run scenario(browser, *args) with Chromium driven from a thread of its own: the e2e
    suite's session-wide sync Playwright may be alive in this thread, and two cannot share one."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `bash tests/run.sh`, which installs it.")

    def run():
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return scenario(browser, *args)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _one_browser_per_replica(browser: Browser, url: str) -> list[tuple[str, BrowserContext]]:
    """New browser profiles until one has landed on each replica (its first request gets the
    cookie, which the profile keeps); odds of needing more than 40: 1 in 2**39."""
    found: dict[str, BrowserContext] = {}
    for _ in range(40):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        replica = context.request.get(f"{url}/_stcore/health").headers["x-rnnviz-replica"]
        if replica in found:
            context.close()
            continue
        found[replica] = context
        if len(found) == 2:
            return list(found.items())
    raise AssertionError(f"40 new browsers all landed on {set(found)}")


def _open(page: Page, url: str, replica: str) -> None:
    response = page.goto(url)
    assert response.headers["x-rnnviz-replica"] == replica  # the cookie took the page there


def _upload_and_use(page: Page, name: str, values: list[float]) -> None:
    page.get_by_text("Use your own series").click()
    rows = "".join(f"{day + 1},{v}\n" for day, v in enumerate(values))
    upload(page, name, f"day,temperature\n{rows}".encode())
    page.get_by_role("button", name="Use this series").click()
    wait_idle(page)
    expect(page.get_by_text(f"In use: Your uploaded series: {name}").first).to_be_visible()
    assert first_trace_y(page) == values


def _room_across_replicas_then_uploads(browser: Browser, url: str) -> dict[str, str]:
    """A teacher on one replica, a student on the other; returns {replica: affinity key}."""
    (teacher_replica, teacher_ctx), (student_replica, student_ctx) = _one_browser_per_replica(
        browser, url
    )
    teacher, student = teacher_ctx.new_page(), student_ctx.new_page()
    for page in (teacher, student):
        page.set_default_timeout(30_000)

    # Both at once: each replica's first run imports the app, which takes a while.
    _open(teacher, f"{url}/weather", teacher_replica)
    _open(student, url, student_replica)
    wait_idle(teacher)
    teacher.get_by_test_id("stSidebar").get_by_text("Classroom").click()
    teacher.get_by_role("button", name="Open a room (teacher)").click()
    wait_idle(teacher)
    code = teacher.locator("[data-testid='stSidebar'] div").filter(has_text=CODE).last
    code = code.inner_text().strip()
    assert CODE.match(code), code

    wait_idle(student)
    student.get_by_test_id("stSidebar").get_by_text("Classroom").click()
    student.get_by_role("textbox", name="Room code").fill(code)
    student.get_by_role("textbox", name="Room code").press("Enter")  # Enter joins
    # The student's replica read the room the teacher's replica wrote, and the other way round.
    expect(student).to_have_url(re.compile(r"/weather"), timeout=15_000)
    expect(student.get_by_text(f"Following room {code}")).to_be_visible(timeout=15_000)
    expect(teacher.get_by_text("1 student(s) following")).to_be_visible(timeout=15_000)

    seed = teacher.get_by_role("spinbutton", name="Noise seed")
    seed.fill("5")
    seed.press("Enter")
    wait_idle(teacher)
    expect(teacher).to_have_url(re.compile(r"seed=5"))  # the teacher's websocket and rerun
    expect(student).to_have_url(re.compile(r"seed=5"), timeout=15_000)
    wait_idle(student)
    expect(student.get_by_role("spinbutton", name="Noise seed")).to_have_value("5")
    student.get_by_role("button", name="Leave the room").click()
    wait_idle(student)

    # Uploads go to /_stcore/upload_file/<session>/..., which only the session's replica knows
    # (another answers 400), and pass Streamlit's XSRF check through the proxy.
    _upload_and_use(teacher, "teacher.csv", [10 + (i % 9) * 0.5 for i in range(40)])
    _upload_and_use(student, "student.csv", [5 + (i % 7) * 0.25 for i in range(30)])
    no_exception(teacher)
    no_exception(student)

    keys = {}
    for replica, context in ((teacher_replica, teacher_ctx), (student_replica, student_ctx)):
        (key,) = [c["value"] for c in context.cookies() if c["name"] == "rnnviz_replica"]
        keys[replica] = key
        context.close()  # closes the websocket: nginx logs it now
    return keys


def test_each_browser_keeps_its_replica_and_a_room_spans_both(cluster):
    keys = _in_own_browser(_room_across_replicas_then_uploads, cluster.url)
    assert set(keys) == cluster.replicas

    # nginx's log: every request of each browser, websocket and uploads included, went to the
    # replica it started on. (A websocket is logged when it closes: give nginx a moment.)
    deadline = time.monotonic() + 10
    while True:
        requests = defaultdict(list)
        for line in (cluster.run_dir / "nginx-access.log").read_text().splitlines():
            if match := ACCESS.search(line):
                requests[match["key"]].append(match)
        seen = {key: {m["path"].split("?")[0] for m in requests[key]} for key in keys.values()}
        if all("/_stcore/stream" in paths for paths in seen.values()):
            break
        assert time.monotonic() < deadline, f"no websocket logged: {seen}"
        time.sleep(0.2)
    for replica, key in keys.items():
        assert {m["up"] for m in requests[key]} == {replica}
        puts = [m for m in requests[key] if m["method"] == "PUT"]
        assert puts and all(m["path"].startswith("/_stcore/upload_file/") for m in puts)


def test_when_a_replica_dies_the_other_serves_its_browsers(cluster):
    """Last in this file: it kills a replica (as a crash would)."""
    replica, key = _get(f"{cluster.url}/_stcore/health")
    port = replica.rsplit(":", 1)[1]
    found = subprocess.run(
        ["pgrep", "-g", str(cluster.group), "-f", f"streamlit run app.py --server.port {port} "],
        capture_output=True,
        text=True,
    )
    (pid,) = found.stdout.split()
    os.kill(int(pid), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while "1 left" not in (cluster.run_dir / "run_replicas.log").read_text():
        assert time.monotonic() < deadline, "run_replicas.sh did not notice"
        time.sleep(0.1)
    (other,) = cluster.replicas - {replica}
    # The browser keeps its cookie; its next page load (a fresh session) comes from the other
    # (nginx's header lists every replica it tried, the one that answered last).
    tried, new_key = _get(f"{cluster.url}/weather", f"rnnviz_replica={key}")
    assert (tried.split(", ")[-1], new_key) == (other, None)
    assert _get(f"{cluster.url}/_stcore/health")[0].split(", ")[-1] == other
