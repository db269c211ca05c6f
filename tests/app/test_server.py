"""AppTest: the server process's own tuning is applied when the app runs."""

from __future__ import annotations

import gc

from streamlit.testing.v1 import AppTest


def test_the_app_freezes_its_startup_objects_out_of_the_collectors_reach():
    at = AppTest.from_file("../../app.py", default_timeout=30).run()
    assert not at.exception
    assert gc.get_freeze_count() > 1000  # the imported libraries' objects, not a handful
