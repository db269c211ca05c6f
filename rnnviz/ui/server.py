"""Tuning of the server process itself, done once per process (not per session)."""

from __future__ import annotations

import gc

import streamlit as st


@st.cache_resource(show_spinner=False)
def freeze_startup_objects() -> bool:
    """Move every object alive now (the imported modules of numpy, pandas, plotly, streamlit
    and rnnviz) out of the garbage collector's reach, with `gc.freeze()`.

    They live as long as the process, yet each full collection walked them all: under
    benchmarks/classroom_load.py the server's full collections took 61–115 ms, and a click that
    met one waited for it; after the freeze they took 5–31 ms (median 11). Called first thing in
    app.py; st.cache_resource makes it happen once per process. Returns True (nothing to share).
    """
    gc.freeze()
    return True
