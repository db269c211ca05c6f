"""AppTest: the server process's own tuning is applied when the app runs."""

from __future__ import annotations

import gc

from streamlit.testing.v1 import AppTest


def test_the_app_freezes_its_startup_objects_out_of_the_collectors_reach():
    at = AppTest.from_file("../../app.py", default_timeout=30).run()
    assert not at.exception
    assert gc.get_freeze_count() > 1000  # the imported libraries' objects, not a handful


def test_the_app_keeps_page_changes_over_fragment_timers():
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequests

    at = AppTest.from_file("../../app.py", default_timeout=30).run()
    assert not at.exception
    # rnnviz/ui/server.py's fold, which tests/test_server_tuning.py checks, is the one in use.
    assert ScriptRequests._request_rerun_locked.__code__.co_name == "fold_keeping_the_page"
