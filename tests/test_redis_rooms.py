"""Rooms in Redis behave exactly like rooms in one process, and are shared across replicas.

The behaviours of tests/test_rooms.py run against both stores (a real redis-server on a free
loopback port for the Redis one); then what only Redis has: several replicas sharing one room
and one bound, keys under `rnnviz:` that expire by TTL, and a clear sentence when Redis is down.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

from rnnviz.server.redis_client import RedisClient, RedisReplyError
from rnnviz.server.redis_rooms import UNAVAILABLE, RedisRooms
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
def redis(redis_url):
    """A client to an empty database."""
    client = RedisClient(redis_url)
    client.execute("FLUSHDB")
    yield client
    client.close()


@pytest.fixture(params=["memory", "redis"])
def make_store(request):
    """Builds a store of either kind with InMemoryRooms' keyword arguments."""
    if request.param == "memory":
        return InMemoryRooms
    client = request.getfixturevalue("redis")
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


# -- what only Redis has ------------------------------------------------------------------------
def test_two_replicas_share_one_room(redis_url, redis):
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


def test_the_bound_holds_when_many_replicas_open_at_once(redis_url, redis):
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


def test_keys_are_namespaced_hold_no_token_and_expire_by_ttl(redis):
    store = RedisRooms(redis, idle_expiry_s=0.5)  # Redis's own clock and TTLs
    code, token = store.open()
    store.publish(code, token, "weather", {"seed": "3"})
    store.view(code, "ann")
    keys = sorted(redis.execute("KEYS", "*"))
    assert keys == ["rnnviz:room:" + code, f"rnnviz:room:{code}:followers", "rnnviz:rooms"]
    for key in keys:
        assert 0 < redis.execute("PTTL", key) <= 500
    assert token not in str(redis.execute("HGETALL", "rnnviz:room:" + code))
    time.sleep(0.6)  # let Redis's TTLs run out: waiting for expiry, not timing anything
    assert redis.execute("KEYS", "*") == []
    with pytest.raises(RoomError, match="no open room"):
        store.view(code)


def test_a_dropped_connection_is_replaced(redis):
    store = RedisRooms(redis)
    code, _ = store.open()
    killer = RedisClient(f"redis://127.0.0.1:{redis.port}/0")
    killer.execute("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")  # as a Redis restart does
    assert store.view(code).version == 0
    killer.close()


def test_redis_down_or_misconfigured_is_a_sentence_not_a_traceback():
    down = RedisRooms.from_url(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(RoomError) as err:
        down.open()
    assert str(err.value) == UNAVAILABLE
    with pytest.raises(RoomError, match="not answering"):
        down.view("ABCD", "ann")
    down.leave("ABCD", "ann")  # leaving is best effort: never an error
    with pytest.raises(RoomError, match="not a Redis address"):
        RedisRooms.from_url("http://127.0.0.1:6379")


def test_the_app_uses_redis_when_configured(redis_url, redis, monkeypatch):
    from rnnviz.ui import presenter

    monkeypatch.setenv("RNNVIZ_ROOMS_REDIS", redis_url)
    presenter.store.clear()
    try:
        assert isinstance(presenter.store(), RedisRooms)
        code, _ = presenter.store().open()
        assert redis.execute("EXISTS", f"rnnviz:room:{code}") == 1
        monkeypatch.delenv("RNNVIZ_ROOMS_REDIS")
        presenter.store.clear()
        assert isinstance(presenter.store(), InMemoryRooms)
    finally:
        presenter.store.clear()
    assert "RNNVIZ_ROOMS_REDIS" not in os.environ


def test_the_client_speaks_resp(redis_url, redis):
    assert redis.execute("GET", "missing") is None
    assert redis.execute("SET", "k", "Wetter °C ✓") == "OK"
    assert redis.execute("GET", "k") == "Wetter °C ✓"
    assert redis.execute("RPUSH", "l", "a", "b") == 2
    assert redis.execute("LRANGE", "l", 0, -1) == ["a", "b"]
    with pytest.raises(RedisReplyError, match="WRONGTYPE"):
        redis.execute("GET", "l")
    assert redis.execute("PING") == "PONG"  # an error reply leaves the connection usable
    with pytest.raises(RoomError, match="not a number"):
        RedisRooms.from_url(redis_url.replace("/0", "/zero"))

    redis.execute("CONFIG", "SET", "requirepass", "s3cret")
    try:
        with_password = RedisClient(redis_url.replace("//", "//:s3cret@").replace("/0", "/1"))
        assert with_password.execute("SET", "in-db-1", "yes") == "OK"
        with pytest.raises(RedisReplyError):
            RedisClient(redis_url).execute("PING")  # no password: refused
    finally:
        with_password.execute("CONFIG", "SET", "requirepass", "")
    assert redis.execute("EXISTS", "in-db-1") == 0  # it went to database 1
    with_password.execute("FLUSHDB")
