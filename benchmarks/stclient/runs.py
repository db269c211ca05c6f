"""Script runs as the client sees them, and which run served a request.

A request (a click, a page change, a fragment poll) is served by the first run that started
after it was sent, covers it (a full run, or a run of the clicked widget's fragment) and
finished. A covering run that ended "early for rerun" still counts once the server has moved on
to a run that does not cover the request: the request was served by it (a fragment run reports
"early" when another fragment's poll is queued behind it, after drawing everything).
"""

from __future__ import annotations

from dataclasses import dataclass

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED_OK = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
FINISHED_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
FINISHED_EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FINISHED_FRAGMENT_OK = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


@dataclass
class Run:
    run_id: str
    fragment_ids: tuple[str, ...]
    started: float  # time.monotonic() of its new_session message
    status: int | None = None  # a ScriptFinishedStatus once finished
    finished: float | None = None
    page_hash: str = ""  # the page it ran under, as its new_session message says

    def covers(self, fragment_id: str | None) -> bool:
        """A full run serves every request; a fragment run, those of its fragments."""
        return not self.fragment_ids or bool(fragment_id and fragment_id in self.fragment_ids)


def served_by(runs: list[Run], sent: float, fragment_id: str | None) -> tuple[Run | None, bool]:
    """(the run that served a request sent at `sent`, or None yet; whether it ended early)."""
    later = [r for r in runs if r.started >= sent]
    for run, after in zip(later, [*later[1:], None]):  # noqa: B905 - one shorter
        if not run.covers(fragment_id):
            continue
        if run.status is None:
            continue  # still running (a fragment run may start meanwhile)
        if run.status != FINISHED_EARLY:
            return run, False
        if after is None or after.covers(fragment_id):
            continue  # rerun: wait for that one
        return run, True
    return None, False


def why_not_served(runs: list[Run], sent: float, fragment_id: str | None, timeout: float) -> str:
    """A sentence for a request no run served in time, with the runs since it was sent."""
    since = [
        f"{'fragment' if r.fragment_ids else 'full'}:"
        f"{'running' if r.status is None else int(r.status)}@{r.started - sent:+.1f}s"
        for r in runs
        if r.started >= sent - 5
    ]
    later = [r for r in runs if r.started >= sent]
    abandoned = any(
        r.covers(fragment_id) and r.status is None and any(o.started > r.started for o in later)
        for r in later
    )
    what = (
        "the server started the run and then went on to other runs without finishing "
        "it (the page stays half updated)"
        if abandoned
        else "no finished run"
    )
    return f"{what} within {timeout:.0f} s (runs since: {', '.join(since) or 'none'})"
