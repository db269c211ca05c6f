"""A timer's fragment run waits until the session's last script run has been fully handed over.

Under load (benchmarks/classroom_load.py, 30 sessions on 2 cores), a follower's or a training
student's page sometimes stayed blank or half updated after a full run: the page a follower
switched to never appeared, a Train click's run "started and never finished" on the client, and
buttons drawn by that run were missing (screenshots in the issue 11 note). The cause is in
Streamlit's AppSession (1.67): each script run's messages and its end reach the server's event
loop as callbacks, in order. A fragment's timer request (`st.fragment(run_every=...)`: a
follower's wait for the teacher, a training's live progress) that is handled after the
session's ScriptRunner has stopped, but before that runner's last callbacks have been handled,
makes AppSession start a new ScriptRunner at once; the old runner's remaining callbacks are
then dropped as coming from "a non-current ScriptRunner", and with them the end of the run the
browser was waiting for.

`install` makes AppSession hand such a fragment request back to the event loop until the old
runner's SHUTDOWN has been handled (AppSession then forgets it), so it starts after every
message of the run before it: a delay of a few callbacks. Full reruns, clicks and fragment
requests that an active runner accepts are not touched. It reads two private attributes of
Streamlit, pinned in requirements.txt; tests/test_run_order.py fails if they move.
"""

from __future__ import annotations

import functools
from typing import Any

from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

RETRY_S = 0.005  # how soon to look again whether the old runner has shut down
MAX_WAIT_S = 2.0  # then start the fragment run anyway, as Streamlit would have at once


def _runner_has_stopped(session: Any) -> bool:
    """The session still holds a ScriptRunner that will take no more requests."""
    runner = session._scriptrunner
    return runner is not None and runner._requests._state == ScriptRequestType.STOP


def ordered_request_rerun(original, session: Any, client_state: Any = None, *, waited: float = 0.0):
    """`AppSession.request_rerun`, except that a fragment's request arriving while a stopped
    runner's callbacks are still queued waits for them (at most MAX_WAIT_S)."""
    fragment = client_state is not None and bool(getattr(client_state, "fragment_id", ""))
    if fragment and waited < MAX_WAIT_S and _runner_has_stopped(session):
        session._event_loop.call_later(
            RETRY_S,
            functools.partial(
                ordered_request_rerun, original, session, client_state, waited=waited + RETRY_S
            ),
        )
        return None
    return original(session, client_state)


@functools.cache
def install() -> None:
    """Once per process: route AppSession.request_rerun through `ordered_request_rerun`."""
    original = AppSession.request_rerun

    def request_rerun(self: AppSession, client_state: Any = None) -> None:
        ordered_request_rerun(original, self, client_state)

    AppSession.request_rerun = request_rerun  # type: ignore[method-assign]
