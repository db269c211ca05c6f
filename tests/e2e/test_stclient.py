"""The load benchmark's protocol client (benchmarks/stclient/) against a real server: it must
drive the app the way a browser does, or the benchmark measures something else."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from playwright.sync_api import Page
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.stclient import StClient
from tests.e2e.conftest import run_async, wait_idle

SUMMARY = "Window: days 7–11 → day 12; model: the scalar RNN (H = 1, seed 3)"


def test_protocol_client_steps_both_pages_and_keeps_its_state(app_url: str):
    async def scenario() -> None:
        client = StClient(app_url, "test")
        try:
            await client.open("stepper", "win=7&model_seed=3")
            assert client.has_text("2 · The RNN, step by step", "Step 0 of 6", SUMMARY)

            assert await client.click(key="fstep:next") > 0
            assert client.has_text("Step 1 of 6", SUMMARY)
            assert "fstep=1" in client.query_string and "win=7" in client.query_string

            await client.navigate("bptt")
            assert client.has_text("3 · BPTT, step by step", "Step 0 of 6", SUMMARY)
            await client.click(label="Next")  # inside a fragment: a fragment rerun
            assert client.has_text("Step 1 of 6")
            assert client.last_run.fragment_ids, "the Next click should rerun only its fragment"

            await client.navigate("stepper")  # the stepper kept its step
            assert client.has_text("2 · The RNN, step by step", "Step 1 of 6", SUMMARY)
            assert client.errors == []
        finally:
            await client.close()

    run_async(scenario())


def test_a_fragment_run_does_not_put_back_a_widget_value_from_before_the_last_full_run(
    app_url: str,
):
    """A browser sends its copy of every widget with each request; a follower's timer (or a
    step click) sent just before a full run that changed a setting from the server, as taking on
    a teacher's screen does, carries the old value. It must not undo the change: that made a
    follower's page differ from the teacher's and stop following by itself."""

    async def scenario() -> None:
        client = StClient(app_url, "stale")
        try:
            await client.open("stepper", "model_seed=3")
            stale = client.widget_states()  # the copy a request sent now would carry
            await client.change("w:model_seed", 5)
            assert client.has_text("seed 5")
            node, proto = client.widget(key="fstep:next")
            states = [s for s in stale if s.id != proto.id]
            states.append(WidgetState(id=proto.id, trigger_value=True))
            await client._request(states, node.fragment_id, 30.0)  # a fragment run, stale copy
            assert client.last_run.fragment_ids
            await client.navigate("bptt")  # a full run shows the settings the server kept
            assert client.has_text("seed 5") and "model_seed=5" in client.query_string
            assert client.errors == []
        finally:
            await client.close()

    run_async(scenario())


def test_protocol_client_sends_the_widget_states_chromium_sends(page: Page, app_url: str):
    """The same click from Chromium and from the client: the same widgets, the same values."""
    sent: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(f"{app_url}/stepper?win=7&model_seed=3")
    wait_idle(page)
    before = len(sent)
    page.locator(".st-key-fstep-next button:visible").first.click()
    wait_idle(page)
    browser = BackMsg()
    browser.ParseFromString(sent[before])

    def by_key(states) -> dict[str, str]:
        # Widget ids hash the page; the user key after the hash is what both sides share.
        return {s.id.split("-", 2)[-1]: str(s).split("\n", 1)[1] for s in states}

    async def client_states():
        client = StClient(app_url, "compare")
        try:
            await client.open("stepper", "win=7&model_seed=3")
            return client.widget_states()
        finally:
            await client.close()

    theirs = by_key(browser.rerun_script.widget_states.widgets)
    assert theirs.pop("fstep:next") == "trigger_value: true\n"
    assert by_key(run_async(client_states())) == theirs


def test_protocol_client_changes_settings_as_chromium_does(page: Page, app_url: str):
    """A follower of the load benchmark sets its own η, seed and H on the training page: the
    client must send what Chromium sends for a moved slider, and the server must take it."""
    sent: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(f"{app_url}/training")
    wait_idle(page)
    before = len(sent)
    page.locator(".st-key-w-lr input[type=range]").focus()
    page.keyboard.press("ArrowRight")  # 1e-4 → 2e-4 on the slider's grid
    page.wait_for_url(re.compile(r"lr=0\.0002"))
    browser = BackMsg()
    browser.ParseFromString(sent[before])
    lr_state = next(s for s in browser.rerun_script.widget_states.widgets if s.id.endswith("w:lr"))

    async def scenario() -> tuple[str, str]:
        client = StClient(app_url, "settings")
        try:
            await client.open("training")
            await client.change("w:lr", "2e-4")
            ours = next(s for s in client.widget_states() if s.id.endswith("w:lr"))
            await client.change("w:wseed", 7)
            await client.change("w:hidden", 8)
            assert client.errors == []
            return str(ours), client.query_string
        finally:
            await client.close()

    ours, query = run_async(scenario())
    assert ours.split("\n", 1)[1] == str(lr_state).split("\n", 1)[1]
    assert dict(parse_qsl(query)) == {"lr": "0.0002", "wseed": "7", "hidden": "8"}
