"""Tuning of the server process itself, done once per process (not per session)."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable

from streamlit.runtime.scriptrunner_utils import script_requests


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


@functools.cache
def keep_page_changes_over_fragment_timers() -> None:
    """Make Streamlit drop a fragment's timer tick that arrives while a rerun of the whole app
    is waiting to start, once per process, instead of letting the tick take that rerun's page.

    Streamlit (1.67, `ScriptRequests._request_rerun_locked`) folds a new rerun request into a
    pending one, and the folded request takes the page of the newer one. A page's sidebar link
    asks for a whole-app rerun of the new page; if a `run_every` fragment's timer fires before
    that rerun starts (a training's live progress every 0.5 s, the presenter's panels), its
    request still names the old page, and the whole app reruns the page just left: the student
    stays where they were, and a teacher's room never sees the move. The tick adds nothing to a
    whole-app rerun, which runs every fragment too, so dropping it is exact.
    tests/test_server_tuning.py shows the fold with and without this.
    """
    requests_class = script_requests.ScriptRequests
    requests_class._request_rerun_locked = keeping_the_page(requests_class._request_rerun_locked)


def keeping_the_page(fold: Callable[..., bool]) -> Callable[..., bool]:
    """`ScriptRequests._request_rerun_locked` (`fold`) that drops a fragment's timer tick while a
    whole-app rerun is pending (see keep_page_changes_over_fragment_timers)."""

    @functools.wraps(fold)
    def fold_keeping_the_page(
        self: script_requests.ScriptRequests, new_data: script_requests.RerunData
    ) -> bool:
        pending = self._state == script_requests.ScriptRequestType.RERUN
        tick = new_data.is_auto_rerun and (new_data.fragment_id or new_data.fragment_id_queue)
        if pending and tick and script_requests._is_full_app_rerun(self._rerun_data):
            return True  # taken: the pending whole-app rerun runs this fragment too
        return fold(self, new_data)

    return fold_keeping_the_page
