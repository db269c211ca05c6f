"""The frontend's ForwardMsg cache.

The server marks large messages cacheable; the client keeps them by hash and lists the hashes
with every rerun, so the server sends a `ref_hash` reference instead of the message again. An
entry unused for more than `max_age` finished runs goes (for a fragment run, only that
fragment's entries age).
"""

from __future__ import annotations

from dataclasses import dataclass

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.stclient.errors import ProtocolError


@dataclass
class _Entry:
    msg: ForwardMsg
    used: int  # the run count when it was last sent or referenced
    fragment_id: str


class MessageCache:
    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._run_count = 0
        self.max_age = 2  # until the server's new_session says otherwise

    def hashes(self) -> list[str]:
        """What the next rerun lists in `cached_message_hashes`."""
        return list(self._entries)

    def resolve(self, msg: ForwardMsg) -> ForwardMsg:
        """The message itself: a reference is replaced by the cached message (placed where the
        reference says), a cacheable message is kept."""
        if msg.WhichOneof("type") == "ref_hash":
            entry = self._entries.get(msg.ref_hash)
            if entry is None:
                raise ProtocolError(f"cached ForwardMsg miss {msg.ref_hash}")
            entry.used = self._run_count
            cached = ForwardMsg()
            cached.CopyFrom(entry.msg)
            cached.metadata.CopyFrom(msg.metadata)  # the reference says where it goes now
            return cached
        if msg.metadata.cacheable and msg.hash:
            fragment = msg.delta.fragment_id if msg.WhichOneof("type") == "delta" else ""
            self._entries[msg.hash] = _Entry(msg, self._run_count, fragment)
        return msg

    def age(self, fragments: tuple[str, ...]) -> None:
        """A run finished (not early): entries unused for more than max age runs go."""
        self._run_count += 1
        for key, entry in list(self._entries.items()):
            if fragments and entry.fragment_id not in fragments:
                continue
            if self._run_count - entry.used > self.max_age:
                del self._entries[key]
