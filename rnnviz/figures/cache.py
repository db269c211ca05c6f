"""A process-wide cache of finished figures, shared by every session on purpose.

Building a Plotly figure in Python is most of a step click's server time: plotly checks every
property as it is set. py-spy on a loaded classroom server (benchmarks/classroom_load.py, 30
sessions) found about 40 % of the time the server held the GIL in building figures; the
stepper's unrolled network takes 24 ms to build and 2.5 ms to re-create, unchecked, from a copy
of its finished data. The lessons' figures are pure functions of the model, the window and the
step, and a room of students looks at the same few of them: so `cached_figure` keeps each
finished figure's data and hands out a new Figure built from a copy of it on the next call with
equal arguments.

Safe to share: one lock, bounded (least recently used first out, `MAX_ENTRIES`), and each call
gets its own Figure over its own copy of the data, so a session that changes its figure (large
text, for example) changes nobody else's. Arguments are compared by value (arrays by dtype,
shape and a SHA-1 of their bytes); a call with an argument it cannot compare is simply built.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import plotly.graph_objects as go

MAX_ENTRIES = 512  # a lesson figure's data is 1-60 kB: at most a few tens of MB


class _Uncomparable(Exception):
    """An argument `_key` cannot turn into a value to compare: build, do not cache."""


def _key(value: Any) -> Any:
    """A hashable value equal for equal arguments: the type is part of it, so 1, 1.0 and True
    differ, as they may draw differently."""
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        return ("ndarray", data.dtype.str, data.shape, hashlib.sha1(data.view(np.uint8)).digest())
    if isinstance(value, np.generic):
        return ("numpy", value.dtype.str, value.item())
    if value is None or isinstance(value, str | int | float | bool):
        return (type(value).__name__, value)
    if isinstance(value, tuple | list):
        return (type(value).__name__, tuple(_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _key(v)) for k, v in value.items())))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__qualname__, tuple(_key(getattr(value, f.name)) for f in fields))
    raise _Uncomparable(type(value).__qualname__)


def _raw_data(fig: go.Figure) -> dict:
    """A deep copy of the figure's data as plotly holds it, arrays as arrays.

    `Figure.to_dict` would do, but it also writes arrays as base64 text, which a Figure built
    back from it keeps: the "Show the numbers" tables read the arrays. These are the three
    attributes `to_dict` copies (plotly is pinned; tests/test_figure_cache.py checks the
    round trip)."""
    raw = {"data": fig._data, "layout": fig._layout}
    frames = [frame._props for frame in fig._frame_objs]
    if frames:
        raw["frames"] = frames
    return copy.deepcopy(raw)


class FigureCache:
    """Finished figures' data by (function, arguments), least recently used first out."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._max = max_entries
        self._data: OrderedDict[Any, dict] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def figure(self, build: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
        """`build(*args, **kwargs)`, or a new Figure over a copy of its data from an earlier call
        with equal arguments."""
        try:
            key = (build.__module__, build.__qualname__, _key(args), _key(kwargs))
        except _Uncomparable:
            return build(*args, **kwargs)
        with self._lock:
            data = self._data.get(key)
            if data is not None:
                self._data.move_to_end(key)
                self.hits += 1
        if data is None:
            data = _raw_data(build(*args, **kwargs))  # checked as it was built
            with self._lock:
                self.misses += 1
                self._data[key] = data
                self._data.move_to_end(key)
                while len(self._data) > self._max:
                    self._data.popitem(last=False)
        # Every call, the first too, gets a Figure over its own copy of the stored data, so
        # the same arguments always give the same figure to the byte (and Streamlit, which
        # names a chart by its content, keeps it on screen instead of drawing it again).
        # Checking the data again is what costs, and it was checked as it was built.
        return go.Figure(copy.deepcopy(data), _validate=False)

    def __len__(self) -> int:
        return len(self._data)


_SHARED = FigureCache()


def cached_figure(build: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """`build(*args, **kwargs)` through the process's one figure cache (see the module)."""
    return _SHARED.figure(build, *args, **kwargs)
