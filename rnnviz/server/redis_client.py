"""A minimal Redis client: the RESP2 protocol over a TCP socket, enough for rnnviz's rooms.

rnnviz needs a handful of commands (EVALSHA/EVAL of a few Lua scripts, ZREM, KEYS in tests), so
this speaks RESP2 directly instead of adding a dependency: a command is an array of bulk
strings, `*<n>\\r\\n` then `$<len>\\r\\n<bytes>\\r\\n` per argument; a reply starts with one of
`+` (simple string), `-` (error), `:` (integer), `$` (bulk string, `$-1` is nil) or `*` (array).

Thread-safe: each command borrows a connection from a small pool of idle ones (a Streamlit
server answers every session on its own thread), so no two threads ever share a socket.
"""

from __future__ import annotations

import socket
import threading
from urllib.parse import unquote, urlsplit

Reply = str | int | None | list  # RESP2 replies; bulk strings are decoded as UTF-8


class RedisError(Exception):
    """Redis could not be reached, or answered with an error."""


class RedisReplyError(RedisError):
    """Redis answered a command with an error reply (e.g. `NOSCRIPT ...`)."""


def _encode(args: tuple) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, bytes):
            data = arg
        elif isinstance(arg, str):
            data = arg.encode()
        elif isinstance(arg, int | float):
            data = repr(arg).encode()
        else:
            raise TypeError(f"Redis arguments are str, bytes or numbers, not {type(arg).__name__}")
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class _Connection:
    def __init__(self, host: str, port: int, timeout: float):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")

    def call(self, *args) -> Reply:
        self.sock.sendall(_encode(args))
        return self._read()

    def _read(self) -> Reply:
        line = self.reader.readline()
        if not line.endswith(b"\r\n"):
            raise RedisError("Redis closed the connection.")
        kind, body = line[:1], line[1:-2]
        if kind == b"+":
            return body.decode()
        if kind == b"-":
            raise RedisReplyError(body.decode(errors="replace"))
        if kind == b":":
            return int(body)
        if kind == b"$":
            length = int(body)
            if length < 0:
                return None
            data = self.reader.read(length + 2)  # the bytes, then \r\n
            if len(data) != length + 2:
                raise RedisError("Redis closed the connection.")
            return data[:-2].decode()
        if kind == b"*":
            count = int(body)
            return None if count < 0 else [self._read() for _ in range(count)]
        raise RedisError(f"Redis sent something that is not RESP2: {line[:40]!r}")

    def close(self) -> None:
        try:
            self.reader.close()
            self.sock.close()
        except OSError:
            pass


class RedisClient:
    """Commands to one Redis server: `client.execute("SET", "k", "v")`.

    url : redis://[[user]:password@]host[:port][/db], e.g. redis://127.0.0.1:6379/0
    timeout : seconds to wait for a connection or a reply before raising RedisError
    """

    def __init__(self, url: str, timeout: float = 5.0):
        parts = urlsplit(url)
        if parts.scheme != "redis" or not parts.hostname:
            raise ValueError(f"'{url}' is not a Redis address like redis://127.0.0.1:6379/0.")
        try:
            port = parts.port or 6379
            db = int(parts.path.strip("/") or 0)
        except ValueError:
            raise ValueError(
                f"'{url}' has a port or database number that is not a number."
            ) from None
        self.host, self.port, self.db, self.timeout = parts.hostname, port, db, timeout
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._idle: list[_Connection] = []
        self._lock = threading.Lock()

    def execute(self, *args) -> Reply:
        """Send one command and return its reply; a dropped pooled connection is retried once."""
        for attempt in (0, 1):
            conn, reused = self._borrow()
            try:
                reply = conn.call(*args)
            except RedisReplyError:
                self._give_back(conn)  # the connection is fine; the command was refused
                raise
            except (OSError, RedisError) as err:
                conn.close()
                # A pooled connection may have been closed by a Redis restart: try a fresh one.
                if reused and attempt == 0:
                    continue
                raise RedisError(f"Redis at {self.host}:{self.port} did not answer: {err}") from err
            self._give_back(conn)
            return reply
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the idle connections (borrowed ones close when they come back)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _borrow(self) -> tuple[_Connection, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        try:
            conn = _Connection(self.host, self.port, self.timeout)
        except OSError as err:
            raise RedisError(f"Redis at {self.host}:{self.port} cannot be reached: {err}") from err
        try:
            if self._password is not None:
                auth = (self._username, self._password) if self._username else (self._password,)
                conn.call("AUTH", *auth)
            if self.db:
                conn.call("SELECT", self.db)
        except OSError as err:
            conn.close()
            raise RedisError(f"Redis at {self.host}:{self.port} did not answer: {err}") from err
        except RedisError:
            conn.close()
            raise
        return conn, False

    def _give_back(self, conn: _Connection) -> None:
        with self._lock:
            self._idle.append(conn)
