"""Rooms: only the teacher changes a room; followers are counted; rooms are bounded and expire."""

from __future__ import annotations

import threading
import time

import pytest

from rnnviz.server.rooms import FOLLOWER_TIMEOUT_S, InMemoryRooms, RoomError, normalise_code


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_publish_view_and_version():
    store = InMemoryRooms()
    code, token = store.open()
    store.publish(code, token, "weather", {"seed": "3"})
    store.publish(code, token, "weather", {"seed": "3"})  # same screen: no new version
    view = store.view(code.lower())  # typed in lower case still works
    assert (view.version, view.page, view.query) == (1, "weather", {"seed": "3"})
    store.publish(code, token, "stepper", {"seed": "3"})
    assert store.view(code).version == 2


def test_only_the_teacher_can_change_or_close():
    store = InMemoryRooms()
    code, token = store.open()
    with pytest.raises(RoomError, match="Only the teacher"):
        store.publish(code, "guess", "weather", {})
    with pytest.raises(RoomError, match="Only the teacher"):
        store.close(code, "guess")
    store.close(code, token)
    with pytest.raises(RoomError, match="no open room"):
        store.view(code)


def test_followers_are_counted_until_they_leave_or_go_quiet():
    clock = Clock()
    store = InMemoryRooms(clock=clock)
    code, _ = store.open()
    store.view(code, "ann")
    store.view(code, "bob")
    assert store.view(code).followers == 2
    store.leave(code, "ann")
    assert store.view(code).followers == 1
    clock.now += FOLLOWER_TIMEOUT_S + 1
    assert store.view(code).followers == 0


def test_rooms_are_bounded_and_expire_when_idle():
    clock = Clock()
    store = InMemoryRooms(max_rooms=2, idle_expiry_s=60, clock=clock)
    first, _ = store.open()
    store.open()
    with pytest.raises(RoomError, match="as many rooms"):
        store.open()
    clock.now += 61
    store.open()  # the idle ones expired
    with pytest.raises(RoomError, match="no open room"):
        store.view(first)


def test_codes_are_readable_and_validated():
    store = InMemoryRooms()
    code, _ = store.open()
    assert len(code) == 4 and not set(code) & set("0O1IL")
    for bad in ["", "ABC", "ABCDE", "AB0D", "<b>x"]:
        with pytest.raises(RoomError):
            normalise_code(bad)


def test_oversized_snapshots_are_refused():
    store = InMemoryRooms()
    code, token = store.open()
    with pytest.raises(RoomError, match="too large"):
        store.publish(code, token, "weather", {"x": "9" * 5000})


def test_concurrent_followers_and_publishes_stay_consistent():
    store = InMemoryRooms()
    code, token = store.open()

    def follower(i):
        for _ in range(200):
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


def test_a_follower_waiting_for_the_teacher_wakes_at_the_move():
    store = InMemoryRooms()
    code, token = store.open()
    since = store.changes(code)
    assert not store.wait_for_change(code, since, 0.05)  # nothing moved: the timeout
    threading.Timer(0.2, store.publish, (code, token, "stepper", {"fstep": "1"})).start()
    started = time.monotonic()
    assert store.wait_for_change(code, since, 5.0)
    assert time.monotonic() - started < 1.0  # woken by the move, not by the timeout
    assert store.changes(code) != since
    store.close(code, token)
    assert store.changes(code) == -1  # a closed room also wakes its followers
