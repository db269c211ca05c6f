"""Tuning of the server process itself, done once per process (not per session)."""

from __future__ import annotations

import functools
import gc


@functools.cache
def freeze_startup_objects() -> None:
    """Move every object alive now (the imported modules of numpy, pandas, plotly, streamlit
    and rnnviz) out of the garbage collector's reach, with `gc.freeze()`, once per process.

    They live as long as the process, yet each full collection walked them all: under
    benchmarks/classroom_load.py the server's full collections took 61–115 ms, and a click that
    met one waited for it; after the freeze they took 5–31 ms (median 11). Called first thing in
    app.py; functools.cache makes it happen once per process (not st.cache_resource, which a
    client can clear: a second freeze would also freeze every live session's objects).
    gc.get_freeze_count() is no guard: it walks every frozen object, about 10 ms a call.
    """
    gc.freeze()
