"""Tuning of the server process itself, done once per process (not per session)."""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Move every object alive now (the imported modules of numpy, pandas, plotly, streamlit
    and rnnviz) out of the garbage collector's reach, with `gc.freeze()`, once per process.

    They live as long as the process, yet each full collection walked them all: under
    benchmarks/classroom_load.py the server's full collections took 61–115 ms, and a click that
    met one waited for it; after the freeze they took 5–31 ms (median 11). Called first thing in
    app.py. The freeze count itself says whether it was done: no flag that a cleared cache
    could reset, so the sessions' own objects are never frozen (beyond the first session's
    few, alive at that moment).
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
