"""Rooms in Redis, shared by every rnnviz replica behind a load balancer (see deploy/).

Behaves exactly like rooms.InMemoryRooms (same bounds, expiry, follower counting, token check
and RoomError sentences); only where the rooms live differs. Every change is one Lua script,
which Redis runs atomically, so two replicas cannot both take the last free room, and a
publish checks the teacher's token and bumps the version in one step.

Keys (all under the prefix, `rnnviz:` by default):
    rooms                  sorted set: room code -> time the teacher last touched it
    room:<CODE>            hash: token_sha256, version, page, query (JSON), guessing ('1'/'0'),
                           touched
    room:<CODE>:followers  sorted set: follower id -> time last seen
    room:<CODE>:students   hash: follower id -> the student's number (the class experiment)
    room:<CODE>:runs       hash: student number -> that student's latest RoomRun as JSON
    rooms:changed          pub/sub channel: a room's code each time it moves or closes
Each key carries a TTL of the idle expiry, renewed when the teacher opens or publishes, so an
abandoned room disappears from Redis by itself. Times come from Redis's own clock (one clock
for all replicas), or from `clock` if one is given (tests move time by hand).
Only a SHA-256 of the teacher's token is stored: reading Redis does not let anyone take over.

redis-py speaks to Redis: its connection pool (thread-safe: a Streamlit server answers every
session on its own thread), URL parsing, and `register_script`, which runs a script by its SHA1
(EVALSHA) and loads it once when Redis does not know it yet (a restart, SCRIPT FLUSH).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.commands.core import Script
from redis.exceptions import RedisError
from redis.retry import Retry

from rnnviz.runs.score import RoomRun
from rnnviz.server.rooms import (
    CODE_ALPHABET,
    CODE_LENGTH,
    FOLLOWER_TIMEOUT_S,
    IDLE_EXPIRY_S,
    MAX_ROOMS,
    MAX_STUDENTS,
    RoomError,
    RoomView,
    _check_snapshot,
    normalise_code,
)

log = logging.getLogger(__name__)

UNAVAILABLE = "The classroom's room server (Redis) is not answering, so rooms are unavailable now."

# Shared by every script. KEYS: rooms index, the room's hash, its followers, students, runs.
# ARGV[1] now ('' = ask Redis), ARGV[2] idle expiry (s), ARGV[3] TTL (ms), ARGV[4] room code.
_PRELUDE = """
local function clock(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function stamp(x) return string.format('%.6f', x) end
-- Is the room open? One idle too long is gone (its TTL has normally removed it already; a test's
-- clock needs this check).
local function live(now)
  local touched = redis.call('HGET', KEYS[2], 'touched')
  if not touched then return false end
  if now - tonumber(touched) > tonumber(ARGV[2]) then
    redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
    redis.call('ZREM', KEYS[1], ARGV[4])
    return false
  end
  return true
end
local now = clock(ARGV[1])
"""

# ARGV[5] max rooms, ARGV[6] sha256 of the token. Count and create in one step: the bound holds
# however many replicas open rooms at once.
_OPEN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. stamp(now - tonumber(ARGV[2])))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then return 'full' end
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 'taken' end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('HSET', KEYS[2], 'token_sha256', ARGV[6], 'version', '0', 'page', '', 'query', '{}',
           'touched', stamp(now))
redis.call('ZADD', KEYS[1], stamp(now), ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 'ok'
"""

# ARGV[5] sha256 of the token, ARGV[6] page, ARGV[7] query as canonical JSON, ARGV[8] guessing
# ('1' or '0'). Comparing hashes leaks nothing useful by its timing, unlike comparing the tokens.
_PUBLISH = """
if not live(now) then return 'missing' end
if redis.call('HGET', KEYS[2], 'token_sha256') ~= ARGV[5] then return 'denied' end
redis.call('HSET', KEYS[2], 'touched', stamp(now))
redis.call('ZADD', KEYS[1], stamp(now), ARGV[4])
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ARGV[3]) end
local old = redis.call('HMGET', KEYS[2], 'page', 'query', 'guessing')
if old[1] ~= ARGV[6] or old[2] ~= ARGV[7] or (old[3] or '0') ~= ARGV[8] then
  redis.call('HSET', KEYS[2], 'page', ARGV[6], 'query', ARGV[7], 'guessing', ARGV[8])
  redis.call('HINCRBY', KEYS[2], 'version', 1)
  redis.call('PUBLISH', KEYS[1] .. ':changed', ARGV[4])
end
return 'ok'
"""

# ARGV[5] '1' to mark ARGV[6] as a follower seen now, ARGV[7] follower timeout (s).
_VIEW = """
if not live(now) then return {'missing'} end
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[3], stamp(now), ARGV[6])
  local ttl = redis.call('PTTL', KEYS[2])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[3], ttl) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. stamp(now - tonumber(ARGV[7])))
local room = redis.call('HMGET', KEYS[2], 'version', 'page', 'query', 'guessing')
return {'ok', room[1], room[2], room[3], redis.call('ZCARD', KEYS[3]), room[4] or '0'}
"""

# ARGV[5] sha256 of the token.
_CLOSE = """
if not live(now) then return 'missing' end
if redis.call('HGET', KEYS[2], 'token_sha256') ~= ARGV[5] then return 'denied' end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('ZREM', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[1] .. ':changed', ARGV[4])
return 'ok'
"""


# The class experiment. A student's number, given at the first ask: ARGV[5] follower id,
# ARGV[6] the most students a room numbers. Keys live as long as the room's hash.
_NUMBER = """
if not live(now) then return {'missing'} end
local number = redis.call('HGET', KEYS[4], ARGV[5])
if number then return {'ok', number} end
local count = redis.call('HLEN', KEYS[4])
if count >= tonumber(ARGV[6]) then return {'full'} end
redis.call('HSET', KEYS[4], ARGV[5], count + 1)
local ttl = redis.call('PTTL', KEYS[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[4], ttl) end
return {'ok', tostring(count + 1)}
"""

# ARGV[5] the student's number, ARGV[6] their latest run as JSON.
_REPORT = """
if not live(now) then return 'missing' end
redis.call('HSET', KEYS[5], ARGV[5], ARGV[6])
local ttl = redis.call('PTTL', KEYS[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[5], ttl) end
return 'ok'
"""

_RUNS = """
if not live(now) then return {'missing'} end
return {'ok', redis.call('HVALS', KEYS[5])}
"""


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def connect(url: str, timeout_s: float = 5.0) -> redis.Redis:
    """A client for the Redis at `url`; it connects on its first command, not here.

    url : redis://[[user]:password@]host[:port][/db] (or rediss://, unix://), as redis-py reads it
    timeout_s : seconds to wait for a connection or a reply before RedisError
    RoomError, with a sentence, if `url` is not a Redis address.
    """
    try:
        client = redis.Redis.from_url(
            url,
            decode_responses=True,  # the scripts' replies are text: 'ok', a version, JSON
            socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s,
            # No retries: a Redis that does not answer costs a click one timeout, not one per
            # try (5 s, against 10 s with one retry; measured with a socket that never answers).
            # A pooled connection that Redis dropped (a restart) is still replaced: the pool
            # checks each one before lending it (300 of 300 views after CLIENT KILL succeeded).
            retry=Retry(NoBackoff(), 0),
        )
    except ValueError as err:
        raise RoomError(_not_an_address(str(err))) from err
    # redis-py reads a database that is not a number (redis://host/zero) as database 0: say so.
    parts = urlsplit(url)
    database = parts.path.strip("/")
    if parts.scheme != "unix" and database and "db" not in client.connection_pool.connection_kwargs:
        raise RoomError(_not_an_address(f"the database '{database}' is not a number"))
    return client


def _not_an_address(reason: str) -> str:
    # The URL itself is not repeated: it may hold a password, and this sentence reaches pages.
    return (
        "Rooms are set up to live in Redis, but RNNVIZ_ROOMS_REDIS is not a Redis address "
        f"like redis://127.0.0.1:6379/0 ({reason})."
    )


class RedisRooms:
    """Rooms in one Redis database, shared by every server process that points at it.

    client : redis.Redis with decode_responses=True, e.g. from connect() (connections are made
        on first use, so a server starts without Redis)
    clock : None to use Redis's clock (seconds), or a callable for tests
    """

    def __init__(
        self,
        client: redis.Redis,
        max_rooms: int = MAX_ROOMS,
        idle_expiry_s: float = IDLE_EXPIRY_S,
        clock: Callable[[], float] | None = None,
        prefix: str = "rnnviz:",
    ):
        self.client, self.max_rooms, self.idle_expiry_s = client, max_rooms, idle_expiry_s
        self._clock, self.prefix = clock, prefix
        # Registering sends nothing: each script's SHA1 is computed here, its text sent to Redis
        # only when EVALSHA answers NOSCRIPT.
        self._open_script = client.register_script(_PRELUDE + _OPEN)
        self._publish_script = client.register_script(_PRELUDE + _PUBLISH)
        self._view_script = client.register_script(_PRELUDE + _VIEW)
        self._close_script = client.register_script(_PRELUDE + _CLOSE)
        self._number_script = client.register_script(_PRELUDE + _NUMBER)
        self._report_script = client.register_script(_PRELUDE + _REPORT)
        self._runs_script = client.register_script(_PRELUDE + _RUNS)
        # Waiting followers: one subscriber thread per server process counts the moves it hears
        # of, by room, and wakes the followers waiting on that room.
        self._moves: Counter[str] = Counter()
        self._changed = threading.Condition()
        self._listener: object | None = None

    @classmethod
    def from_url(cls, url: str, timeout_s: float = 5.0, **kwargs) -> RedisRooms:
        """Rooms in the Redis at `url`, e.g. redis://127.0.0.1:6379/0 (RNNVIZ_ROOMS_REDIS);
        RoomError if `url` is not a Redis address. Nothing is sent to Redis yet."""
        return cls(connect(url, timeout_s), **kwargs)

    def open(self) -> tuple[str, str]:
        """A new room: (code for students, secret token for the teacher)."""
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            token = secrets.token_urlsafe(16)
            outcome = self._run(self._open_script, code, self.max_rooms, _sha256(token))
            if outcome == "full":
                raise RoomError(
                    "This server has as many rooms open as it allows; close one "
                    "or wait for an idle one to expire."
                )
            if outcome == "ok":
                return code, token
            # "taken": another room has this code; draw again.

    def publish(
        self, code: str, token: str, page: str, query: dict[str, str], guessing: bool = False
    ) -> None:
        """The teacher's screen (and whether the room guesses first) changed: students follow."""
        page, query = _check_snapshot(page, query)
        canonical = json.dumps(query, sort_keys=True, separators=(",", ":"))
        outcome = self._run(
            self._publish_script,
            normalise_code(code),
            _sha256(token),
            page,
            canonical,
            "1" if guessing else "0",
        )
        self._raise_for(outcome, code, "change")

    def view(self, code: str, follower: str | None = None) -> RoomView:
        """The room now; a `follower` id marks that student as present."""
        reply = self._run(
            self._view_script,
            normalise_code(code),
            "0" if follower is None else "1",
            follower or "",
            FOLLOWER_TIMEOUT_S,
        )
        self._raise_for(reply[0], code, "view")
        _, version, page, query, followers, guessing = reply
        return RoomView(code, int(version), page, json.loads(query), followers, guessing == "1")

    def leave(self, code: str, follower: str) -> None:
        """Best effort: a follower who cannot be removed stops counting after FOLLOWER_TIMEOUT_S."""
        try:
            key = self._keys(normalise_code(code))[2]
            self.client.zrem(key, follower)
        except (RoomError, RedisError) as err:
            log.info("leaving room %r: %s", code, err)

    def close(self, code: str, token: str) -> None:
        outcome = self._run(self._close_script, normalise_code(code), _sha256(token))
        self._raise_for(outcome, code, "close")

    def changes(self, code: str) -> int:
        """How many moves of room `code` this process has heard of (from Redis's pub/sub)."""
        self._listen()
        with self._changed:
            return self._moves[code]

    def wait_for_change(self, code: str, since: int, timeout: float) -> bool:
        """Block until this process hears that room `code` moved or closed after `changes(code)`
        was `since` (True), or `timeout` seconds pass (False). Without Redis, only the timeout:
        the follower's next look at the room then finds the news."""
        self._listen()
        with self._changed:
            return self._changed.wait_for(lambda: self._moves[code] != since, timeout)

    def _listen(self) -> None:
        """Subscribe to the rooms' change channel once, in a daemon thread (redis-py's
        `run_in_thread`); it reconnects after Redis comes back, logging what went wrong."""
        if self._listener is not None:
            return
        with self._changed:
            if self._listener is not None:
                return
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(**{f"{self._keys('')[0]}:changed": self._heard})
                self._listener = pubsub.run_in_thread(
                    sleep_time=1.0, daemon=True, exception_handler=self._listener_failed
                )
            except RedisError as err:
                log.warning("rooms in Redis: cannot listen for changes: %s", err)

    def _heard(self, message: dict) -> None:
        with self._changed:
            self._moves[str(message["data"])] += 1
            self._changed.notify_all()

    def _listener_failed(self, error: BaseException, pubsub, thread) -> None:
        # redis-py calls this from the listener thread; waiting followers fall back to their
        # timeout until the connection is back (pubsub reconnects and resubscribes by itself).
        log.warning("rooms in Redis: change listener: %s", error)
        time.sleep(1.0)  # no busy loop while Redis is away

    def student_number(self, code: str, follower: str) -> int:
        """`follower`'s number in room `code`, given at the first ask (1, 2, ...)."""
        reply = self._run(self._number_script, normalise_code(code), follower, MAX_STUDENTS)
        self._raise_for(reply[0], code, "view")
        if reply[0] == "full":
            raise RoomError("This room has as many students as it can number.")
        return int(reply[1])

    def report_run(self, code: str, follower: str, run: RoomRun) -> None:
        """`follower`'s latest training (replacing the one before) under their number."""
        number = self.student_number(code, follower)
        outcome = self._run(
            self._report_script,
            normalise_code(code),
            number,
            replace(run, student=number).to_json(),
        )
        self._raise_for(outcome, code, "view")

    def runs(self, code: str) -> list[RoomRun]:
        """Every student's latest training, by student number."""
        reply = self._run(self._runs_script, normalise_code(code))
        self._raise_for(reply[0], code, "view")
        return sorted((RoomRun.from_json(text) for text in reply[1]), key=lambda r: r.student)

    def _keys(self, code: str) -> tuple[str, ...]:
        room = f"{self.prefix}room:{code}"
        index = f"{self.prefix}rooms"
        return index, room, f"{room}:followers", f"{room}:students", f"{room}:runs"

    def _run(self, script: Script, code: str, *args) -> object:
        now = "" if self._clock is None else repr(float(self._clock()))
        ttl_ms = max(1, round(self.idle_expiry_s * 1000))
        try:
            return script(self._keys(code), (now, self.idle_expiry_s, ttl_ms, code, *args))
        except RedisError as err:  # no answer, a refused password, a full memory: one sentence
            log.warning("rooms in Redis: %s", err)
            raise RoomError(UNAVAILABLE) from err

    @staticmethod
    def _raise_for(outcome: object, code: str, action: str) -> None:
        if outcome == "missing":
            raise RoomError(f"There is no open room {code}: it was closed or has expired.")
        if outcome == "denied":
            raise RoomError(f"Only the teacher who opened this room can {action} it.")
