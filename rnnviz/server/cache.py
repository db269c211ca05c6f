"""The cache of finished runs, shared by every session on purpose: identical settings give
identical numbers (everything is seeded), so a run trained once is shown at once to the next
student who asks for it. Thread-safe, bounded in entries and bytes, and holding only read-only
results, so no session can change what another sees."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class RunCache:
    """Finished runs by request, least recently used evicted first, bounded in entries and bytes.

    Holds anything with `.request`, `.nbytes()` and `.frozen()` (a RunResult or CompareResult).
    """

    def __init__(self, max_entries: int = 256, max_bytes: int = 256 * 2**20):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._runs: OrderedDict[Any, Any] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, request: Any) -> Any | None:
        with self._lock:
            result = self._runs.get(request)
            if result is not None:
                self._runs.move_to_end(request)
            return result

    def put(self, result: Any) -> None:
        size = result.nbytes()
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._runs.pop(result.request, None)
            if old is not None:
                self._bytes -= old.nbytes()
            self._runs[result.request] = result.frozen()
            self._bytes += size
            while len(self._runs) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._runs.popitem(last=False)
                self._bytes -= evicted.nbytes()

    def stats(self) -> tuple[int, int]:
        """(entries, bytes) held now."""
        with self._lock:
            return len(self._runs), self._bytes
