"""Every page in a real browser against a real server: loads, reacts, never shows a traceback."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import no_exception, wait_idle

PAGES = ["", "weather", "stepper", "bptt", "training", "memory"]


def first_trace_y(page: Page) -> list[float]:
    """The y values of the first trace of the first Plotly chart, as the browser holds them
    (`_fullData`: plotly ships numpy arrays base64-encoded, decoded there)."""
    page.wait_for_function("document.querySelector('.js-plotly-plot')?._fullData?.length > 0")
    return page.evaluate("Array.from(document.querySelector('.js-plotly-plot')._fullData[0].y)")


def test_every_page_loads_without_exception(page: Page, app_url: str):
    for path in PAGES:
        page.goto(f"{app_url}/{path}")
        wait_idle(page)
        expect(page.locator("h1").first).to_be_visible()
        no_exception(page)


def test_weather_seed_changes_chart_and_url_and_survives_reload(page: Page, app_url: str):
    page.goto(f"{app_url}/weather")
    wait_idle(page)
    before = first_trace_y(page)
    assert len(before) == 100 and before[:2] == [20, 21]

    seed = page.get_by_role("spinbutton", name="Noise seed")
    seed.fill("7")
    seed.press("Enter")
    wait_idle(page)
    page.wait_for_url(re.compile(r"seed=7"))
    after = first_trace_y(page)
    assert after[:2] == [20, 21] and after != before
    no_exception(page)

    page.reload()
    wait_idle(page)
    assert first_trace_y(page) == after
    no_exception(page)


def test_bad_link_falls_back_with_notice(page: Page, app_url: str):
    page.goto(f"{app_url}/weather?phi1=banana&n=999999")
    wait_idle(page)
    expect(page.get_by_text("was ignored").first).to_be_visible()
    assert len(first_trace_y(page)) == 100
    no_exception(page)


def test_a_deep_link_as_a_fresh_servers_first_visit_works(browser, tmp_path):
    """Streamlit picks its multipage mode on a server's first session: a first visit straight
    to /weather must still run through app.py (session set-up, navigation, URL settings)."""
    from tests.e2e.conftest import free_port, start_server, stop_server

    port = free_port()
    log = tmp_path / "fresh.log"
    proc = start_server(port, log)
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/weather?seed=3")
        wait_idle(page)
        expect(page.locator("h1").first).to_have_text("1 · The weather series")
        expect(page.get_by_role("spinbutton", name="Noise seed")).to_have_value("3")
        no_exception(page)
        page.close()
    finally:
        stop_server(proc)
    assert "Traceback" not in log.read_text(), log.read_text()
