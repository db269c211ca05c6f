"""rnnviz.ui.run_order: a fragment timer's request waits until the session's stopped ScriptRunner
has been forgotten (its SHUTDOWN handled), so none of the last run's messages is dropped; other
requests go through at once. And the Streamlit internals it reads are where it expects them."""

from __future__ import annotations

import asyncio
import inspect
from types import SimpleNamespace

from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequests, ScriptRequestType

from rnnviz.ui import run_order


def runner(stopped: bool) -> SimpleNamespace:
    requests = ScriptRequests()
    if stopped:
        requests.request_stop()
    return SimpleNamespace(_requests=requests)


def session(loop, current) -> SimpleNamespace:
    return SimpleNamespace(_scriptrunner=current, _event_loop=loop)


def run(coroutine_factory):
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine_factory(loop))
    finally:
        loop.close()


def test_a_fragment_request_waits_for_the_stopped_runner_to_be_forgotten():
    async def scenario(loop):
        calls = []
        s = session(loop, runner(stopped=True))
        fragment = SimpleNamespace(fragment_id="abc")
        run_order.ordered_request_rerun(lambda *a: calls.append(a), s, fragment)
        await asyncio.sleep(0.05)
        assert calls == []  # the old runner's callbacks come first
        s._scriptrunner = None  # AppSession handled its SHUTDOWN
        await asyncio.sleep(0.05)
        return calls, s, fragment

    calls, s, fragment = run(scenario)
    assert calls == [(s, fragment)]


def test_other_requests_go_through_at_once():
    async def scenario(loop):
        calls = []
        stopped = session(loop, runner(stopped=True))
        running = session(loop, runner(stopped=False))
        full = SimpleNamespace(fragment_id="")
        run_order.ordered_request_rerun(lambda *a: calls.append(a), stopped, full)
        run_order.ordered_request_rerun(lambda *a: calls.append(a), stopped, None)
        tick = SimpleNamespace(fragment_id="abc")
        run_order.ordered_request_rerun(lambda *a: calls.append(a), running, tick)
        return calls, stopped, running, full, tick

    calls, stopped, running, full, tick = run(scenario)
    assert calls == [(stopped, full), (stopped, None), (running, tick)]


def test_it_gives_up_waiting_after_its_limit(monkeypatch):
    monkeypatch.setattr(run_order, "MAX_WAIT_S", 0.02)

    async def scenario(loop):
        calls = []
        s = session(loop, runner(stopped=True))  # never forgotten
        run_order.ordered_request_rerun(
            lambda *a: calls.append(a), s, SimpleNamespace(fragment_id="x")
        )
        await asyncio.sleep(0.2)
        return calls

    assert len(run(scenario)) == 1


def test_the_streamlit_internals_it_reads_are_still_there():
    assert ScriptRequests()._state == ScriptRequestType.CONTINUE
    source = inspect.getsource(AppSession)
    assert "self._scriptrunner: ScriptRunner | None" in source or "self._scriptrunner =" in source
    assert "self._event_loop = asyncio.get_running_loop()" in source
    handler = inspect.getsource(AppSession._handle_scriptrunner_event_on_event_loop)
    assert "sender is not self._scriptrunner" in handler  # the drop it works around
    assert "self._scriptrunner = None" in handler  # SHUTDOWN forgets the runner
    assert list(inspect.signature(AppSession.request_rerun).parameters) == ["self", "client_state"]


def test_install_routes_request_rerun_through_it_once():
    before = AppSession.request_rerun
    run_order.install()
    installed = AppSession.request_rerun
    run_order.install()
    assert AppSession.request_rerun is installed
    assert installed is before or "ordered_request_rerun" in inspect.getsource(installed)
