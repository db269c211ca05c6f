"""The server process's own tuning (rnnviz/ui/server.py): a fragment's timer never takes back a
page change that is waiting to run."""

from __future__ import annotations

from streamlit.runtime.scriptrunner_utils.script_requests import (
    RerunData,
    ScriptRequests,
    ScriptRequestType,
)

from rnnviz.ui import server


class Requests(ScriptRequests):
    """Streamlit's requests with rnnviz's fold, in this test only (app.py installs it for the
    process: tests/app/test_server.py)."""

    _request_rerun_locked = server.keeping_the_page(ScriptRequests._request_rerun_locked)


def tick(page: str) -> RerunData:
    """What the browser sends when a `run_every` fragment's timer fires on `page`."""
    return RerunData(page_script_hash=page, fragment_id="panel", is_auto_rerun=True)


def test_a_timer_tick_does_not_take_a_waiting_page_change_back():
    requests = Requests()  # a run is going on
    requests.request_rerun(RerunData(page_script_hash="bptt"))  # a click on page 3's link
    requests.request_rerun(tick("stepper"))  # the panel's timer, before the rerun started
    request = requests.on_scriptrunner_yield()
    assert request.type == ScriptRequestType.RERUN
    assert request.rerun_data.page_script_hash == "bptt"  # Streamlit alone: "stepper"
    assert not request.rerun_data.fragment_id_queue  # the whole app, this fragment included


def test_timer_ticks_still_fold_as_streamlit_folds_them_otherwise():
    requests = Requests()
    requests.request_rerun(tick("stepper"))
    requests.request_rerun(RerunData(page_script_hash="stepper", fragment_id="timeline"))
    assert requests._rerun_data.fragment_id_queue == ["panel", "timeline"]
    # A tick first, then a page's link: the page change wins, as in Streamlit.
    requests.request_rerun(RerunData(page_script_hash="bptt"))
    request = requests.on_scriptrunner_yield()
    assert request.rerun_data.page_script_hash == "bptt"
    assert not request.rerun_data.fragment_id_queue
