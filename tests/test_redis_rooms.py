"""Rooms in Redis behave exactly like rooms in one process, and are shared across replicas.

The behaviours of tests/test_rooms.py run against both stores (a real redis-server on a free
loopback port for the Redis one); then what only Redis has: several replicas sharing one room
and one bound, keys under `rnnviz:` that expire by TTL, scripts run by their SHA1, and a clear
sentence when Redis is down or its address is wrong.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from rnnviz.runs.score import RoomRun
from rnnviz.server.redis_rooms import UNAVAILABLE, RedisRooms, connect
from rnnviz.server.rooms import FOLLOWER_TIMEOUT_S, InMemoryRooms, RoomError
from tests.deploy.servers import start_redis, stop
from tests.e2e.conftest import free_port


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    port = free_port()
    proc = start_redis(port, tmp_path_factory.mktemp("redis"))
    yield f"redis://127.0.0.1:{port}/0"
    stop(proc)


@pytest.fixture
def db(redis_url):
    """A client to an empty database, made as the app makes its own."""
    client = connect(redis_url)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture(params=["memory", "redis"])
def make_store(request):
    """Builds a store of either kind with InMemoryRooms' keyword arguments."""
    if request.param == "memory":
        return InMemoryRooms
    client = request.getfixturevalue("db")
    return lambda **kwargs: RedisRooms(client, **kwargs)


# -- the behaviours of tests/test_rooms.py, for both stores ------------------------------------
def test_publish_view_and_version(make_store):
    store = make_store()
    code, token = store.open()
    assert store.view(code).version == 0
    store.publish(code, token, "weather", {"seed": "3"})
    store.publish(code, token, "weather", {"seed": "3"})  # same screen: no new version
    view = store.view(code.lower())  # typed in lower case still works
    assert (view.version, view.page, view.query) == (1, "weather", {"seed": "3"})
    store.publish(code, token, "stepper", {"seed": "3"})
    assert store.view(code).version == 2


def test_only_the_teacher_can_change_or_close(make_store):
    store = make_store()
    code, token = store.open()
    with pytest.raises(RoomError, match="Only the teacher who opened this room can change it"):
        store.publish(code, "guess", "weather", {})
    with pytest.raises(RoomError, match="Only the teacher who opened this room can close it"):
        store.close(code, "guess")
    store.close(code, token)
    with pytest.raises(RoomError, match=f"There is no open room {code}: it was closed"):
        store.view(code)
    with pytest.raises(RoomError, match="no open room"):
        store.publish(code, token, "weather", {})


def test_followers_are_counted_until_they_leave_or_go_quiet(make_store):
    clock = Clock()
    store = make_store(clock=clock)
    code, _ = store.open()
    store.view(code, "ann")
    store.view(code, "bob")
    assert store.view(code).followers == 2
    store.leave(code, "ann")
    store.leave(code, "nobody")  # leaving twice or never joined: no error
    assert store.view(code).followers == 1
    clock.now += FOLLOWER_TIMEOUT_S - 1
    assert store.view(code).followers == 1  # quiet, but not yet for long enough
    clock.now += 2
    assert store.view(code).followers == 0


def test_rooms_are_bounded_and_expire_when_idle(make_store):
    clock = Clock()
    store = make_store(max_rooms=2, idle_expiry_s=60, clock=clock)
    first, _ = store.open()
    second, token = store.open()
    with pytest.raises(RoomError, match="as many rooms"):
        store.open()
    clock.now += 30
    store.publish(second, token, "weather", {})  # the teacher's activity keeps a room open
    clock.now += 31  # `first` has been idle for 61 s, `second` for 31 s
    store.open()  # in the place of the expired one
    with pytest.raises(RoomError, match="as many rooms"):
        store.open()
    with pytest.raises(RoomError, match="no open room"):
        store.view(first)
    assert store.view(second).version == 1


def test_codes_are_readable_and_validated(make_store):
    store = make_store()
    code, _ = store.open()
    assert len(code) == 4 and not set(code) & set("0O1IL")
    for bad in ["", "ABC", "ABCDE", "AB0D", "<b>x"]:
        with pytest.raises(RoomError, match="is not a room code"):
            store.view(bad)


def test_oversized_snapshots_are_refused(make_store):
    store = make_store()
    code, token = store.open()
    with pytest.raises(RoomError, match="too large"):
        store.publish(code, token, "weather", {"x": "9" * 5000})
    assert store.view(code).version == 0


def test_concurrent_followers_and_publishes_stay_consistent(make_store):
    store = make_store()
    code, token = store.open()

    def follower(i):
        for _ in range(100):
            store.view(code, f"s{i}")

    def teacher():
        for step in range(200):
            store.publish(code, token, "stepper", {"step": str(step)})

    threads = [threading.Thread(target=follower, args=(i,)) for i in range(30)]
    threads.append(threading.Thread(target=teacher))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    view = store.view(code)
    assert view.followers == 30 and view.version == 200 and view.query == {"step": "199"}


def test_the_teachers_guessing_switch_is_part_of_the_room(make_store):
    store = make_store()
    code, token = store.open()
    assert store.view(code).guessing is False  # off until the teacher turns it on
    store.publish(code, token, "stepper", {"fstep": "2"})
    version, since = store.view(code).version, store.changes(code)
    store.publish(code, token, "stepper", {"fstep": "2"}, guessing=True)
    view = store.view(code, "ann")
    # The same screen with the switch turned on is a move: followers take it on, woken at once.
    assert view.guessing is True and view.version == version + 1
    assert store.wait_for_change(code, since, 2.0)
    store.publish(code, token, "stepper", {"fstep": "3"}, guessing=True)
    assert store.view(code).guessing is True  # it stays on as the teacher steps
    store.publish(code, token, "stepper", {"fstep": "3"})
    view = store.view(code)
    assert view.guessing is False and view.version == version + 3


# -- what only Redis has ------------------------------------------------------------------------
def test_followers_wait_for_the_teachers_move_and_wake_at_it(make_store):
    store = make_store()
    code, token = store.open()
    since = store.changes(code)
    assert not store.wait_for_change(code, since, 0.2)  # nothing moved: the timeout
    threading.Timer(0.3, store.publish, (code, token, "stepper", {"fstep": "1"})).start()
    started = time.monotonic()
    assert store.wait_for_change(code, since, 5.0)
    assert time.monotonic() - started < 1.5  # woken by the move, not by the 5 s timeout
    moved = store.changes(code)
    assert moved != since
    threading.Timer(0.3, store.close, (code, token)).start()
    assert store.wait_for_change(code, moved, 5.0)  # closing wakes them too


def test_the_class_experiment_numbers_students_and_keeps_their_latest_run(make_store):
    store = make_store()
    code, _ = store.open()
    assert store.runs(code) == []
    assert store.student_number(code, "ann") == 1
    assert store.student_number(code, "bob") == 2
    assert store.student_number(code, "ann") == 1  # the same student keeps their number
    first = RoomRun(0, lr=1e-3, seed=1, hidden_size=20, epochs=2500, epoch=10, state="training")
    store.report_run(code, "bob", first)
    store.report_run(code, "cy", replace(first, lr=0.1, epoch=2500, state="diverged"))
    store.report_run(code, "bob", replace(first, epoch=2500, state="finished", fresh_mse=0.3))
    runs = store.runs(code)
    assert [(r.student, r.state, r.lr) for r in runs] == [
        (2, "finished", 1e-3),
        (3, "diverged", 0.1),
    ]
    assert runs[0].fresh_mse == 0.3 and runs[0].epoch == 2500  # the latest replaced the first
    assert "ann" not in RoomRun.to_json(runs[0])  # a number, never an id


def test_a_closed_room_keeps_no_runs(make_store):
    store = make_store()
    code, token = store.open()
    store.report_run(code, "ann", RoomRun(0, 1e-4, 0, 20, 10, 1, "training"))
    store.close(code, token)
    with pytest.raises(RoomError, match="no open room"):
        store.runs(code)


def test_a_move_on_one_replica_wakes_a_follower_on_another(redis_url, db):
    teacher_side, student_side = RedisRooms(connect(redis_url)), RedisRooms(connect(redis_url))
    code, token = teacher_side.open()
    since = student_side.changes(code)
    time.sleep(0.2)  # the student's replica has subscribed
    threading.Timer(0.2, teacher_side.publish, (code, token, "bptt", {})).start()
    started = time.monotonic()
    assert student_side.wait_for_change(code, since, 5.0)
    assert time.monotonic() - started < 1.5


def test_two_replicas_share_one_room(redis_url, db):
    teacher_side = RedisRooms.from_url(redis_url)  # two server processes, two connection pools
    student_side = RedisRooms.from_url(redis_url)
    code, token = teacher_side.open()
    student_side.view(code, "ann")
    teacher_side.publish(code, token, "bptt", {"seed": "5", "step": "3"})
    seen = student_side.view(code, "ann")
    assert (seen.version, seen.page, seen.query) == (1, "bptt", {"seed": "5", "step": "3"})
    assert teacher_side.view(code).followers == 1
    with pytest.raises(RoomError, match="Only the teacher"):
        student_side.publish(code, "guess", "weather", {})
    student_side.close(code, token)  # the token works on any replica
    with pytest.raises(RoomError, match="no open room"):
        teacher_side.view(code)


def test_the_bound_holds_when_many_replicas_open_at_once(redis_url, db):
    replicas = [RedisRooms.from_url(redis_url, max_rooms=5) for _ in range(20)]
    opened, refused = [], []
    barrier = threading.Barrier(len(replicas))

    def open_one(store):
        barrier.wait()
        try:
            opened.append(store.open())
        except RoomError:
            refused.append(store)

    threads = [threading.Thread(target=open_one, args=(s,)) for s in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (len(opened), len(refused)) == (5, 15)
    assert len({code for code, _ in opened}) == 5


def test_keys_are_namespaced_hold_no_token_and_expire_by_ttl(db):
    store = RedisRooms(db, idle_expiry_s=0.5)  # Redis's own clock and TTLs
    code, token = store.open()
    store.publish(code, token, "weather", {"seed": "3"})
    store.view(code, "ann")
    keys = sorted(db.keys("*"))
    assert keys == ["rnnviz:room:" + code, f"rnnviz:room:{code}:followers", "rnnviz:rooms"]
    for key in keys:
        assert 0 < db.pttl(key) <= 500
    assert token not in str(db.hgetall("rnnviz:room:" + code))
    time.sleep(0.6)  # let Redis's TTLs run out: waiting for expiry, not timing anything
    assert db.keys("*") == []
    with pytest.raises(RoomError, match="no open room"):
        store.view(code)


def test_scripts_run_by_their_sha1_and_come_back_after_a_flush(db):
    store = RedisRooms(db)
    code, token = store.open()
    store.publish(code, token, "weather", {})
    store.view(code)  # each script has now been sent to Redis once
    db.config_resetstat()
    store.publish(code, token, "stepper", {})
    store.view(code, "ann")
    store.view(code)
    stats = db.info("commandstats")
    assert stats["cmdstat_evalsha"]["calls"] == 3
    assert "cmdstat_eval" not in stats and "cmdstat_script|load" not in stats  # no script text

    db.script_flush()  # as a Redis restart forgets them: EVALSHA now answers NOSCRIPT
    db.config_resetstat()
    assert store.view(code).version == 2
    assert db.info("commandstats")["cmdstat_script|load"]["calls"] == 1  # loaded again, once


def test_a_dropped_connection_is_replaced(redis_url, db):
    store = RedisRooms(db)
    code, _ = store.open()
    killer = connect(redis_url)
    killer.client_kill_filter(_type="normal", skipme=True)  # as a Redis restart does
    assert store.view(code).version == 0
    killer.close()


def test_redis_down_is_a_sentence_not_a_traceback(caplog):
    refused = RedisRooms.from_url(f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="rnnviz.server.redis_rooms"):
        with pytest.raises(RoomError) as err:
            refused.open()
    assert str(err.value) == UNAVAILABLE
    assert "rooms in Redis" in caplog.text  # the reason goes to the server's log
    with pytest.raises(RoomError, match="not answering"):
        refused.view("ABCD", "ann")
    refused.leave("ABCD", "ann")  # leaving is best effort: never an error

    # Accepts connections (the kernel does, into the backlog) and never answers a command.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        mute = RedisRooms.from_url(f"redis://127.0.0.1:{silent.getsockname()[1]}/0", 0.2)
        with pytest.raises(RoomError) as err:
            mute.open()
    assert str(err.value) == UNAVAILABLE


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://127.0.0.1:6379", "must specify one of the following schemes"),
        ("127.0.0.1:6379", "must specify one of the following schemes"),
        ("redis://:s3cret@127.0.0.1:port/0", "Port could not be cast to integer"),
        ("redis://:s3cret@127.0.0.1:6379/zero", "the database 'zero' is not a number"),
    ],
)
def test_a_wrong_address_is_a_sentence(url, reason):
    with pytest.raises(RoomError) as err:
        RedisRooms.from_url(url)
    sentence = str(err.value)
    assert sentence.startswith("Rooms are set up to live in Redis, but RNNVIZ_ROOMS_REDIS is not")
    assert reason in sentence
    assert "s3cret" not in sentence  # pages show this sentence: never the password


def test_the_password_and_database_of_the_address_are_used(redis_url, db):
    admin = connect(redis_url)  # authenticated before the password is set
    admin.config_set("requirepass", "s3cret")
    try:
        with_password = RedisRooms.from_url(redis_url.replace("//", "//:s3cret@")[:-1] + "1")
        code, _ = with_password.open()
        with pytest.raises(RoomError) as err:
            RedisRooms.from_url(redis_url).view(code)  # no password: refused
        assert str(err.value) == UNAVAILABLE
    finally:
        admin.config_set("requirepass", "")
    admin.close()
    assert db.keys("*") == []  # the room went to database 1
    db1 = connect(redis_url[:-1] + "1")
    assert db1.exists(f"rnnviz:room:{code}") == 1
    db1.flushdb()
    db1.close()


def test_the_app_uses_redis_when_configured(redis_url, db, monkeypatch):
    from rnnviz.ui import presenter

    monkeypatch.setenv("RNNVIZ_ROOMS_REDIS", redis_url)
    presenter.store.clear()
    try:
        assert isinstance(presenter.store(), RedisRooms)
        code, _ = presenter.store().open()
        assert db.exists(f"rnnviz:room:{code}") == 1
        monkeypatch.delenv("RNNVIZ_ROOMS_REDIS")
        presenter.store.clear()
        assert isinstance(presenter.store(), InMemoryRooms)
    finally:
        presenter.store.clear()
    assert "RNNVIZ_ROOMS_REDIS" not in os.environ


@pytest.mark.parametrize("rooms_redis, loaded", [(None, False), ("redis://127.0.0.1:1/0", True)])
def test_redis_py_is_imported_only_when_rooms_live_in_redis(rooms_redis, loaded):
    """In a fresh process, as a server starts: the app's module, then its rooms."""
    env = {k: v for k, v in os.environ.items() if k != "RNNVIZ_ROOMS_REDIS"}
    if rooms_redis:
        env["RNNVIZ_ROOMS_REDIS"] = rooms_redis  # never contacted: nothing is called on it
    program = (
        "import sys\n"
        "from rnnviz.ui import presenter\n"
        "imported = 'redis' in sys.modules\n"
        "presenter.store()\n"
        "print(imported, 'redis' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["False", str(loaded)]
