"""Real weather in the browser: pick the bundled station's series, train it with the page's
fast settings, and see it scored on its held-out tail against the simple rules."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import chart_trace_names, no_exception, wait_idle


def test_the_bundled_series_trains_fast_and_is_scored_on_days_it_never_saw(page: Page, app_url):
    page.goto(f"{app_url}/weather")
    wait_idle(page)
    page.get_by_text("Real: Seattle, daily maximum temperature, 2012–2015").click()
    wait_idle(page)
    expect(page.get_by_text("USW00024233")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("4 · Training").click()
    wait_idle(page)
    expect(page.get_by_text("Expected: about")).to_be_visible()
    page.get_by_role("button", name="Use the fast settings").click()
    wait_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("300 epochs in")).to_be_visible(timeout=180_000)
    wait_idle(page)
    expect(page.get_by_text('"tomorrow = today"').first).to_be_visible()
    expect(page.get_by_text("circular block bootstrap").first).to_be_visible()
    names = chart_trace_names(page)
    assert any("RNN's forecast" in chart for chart in names), names  # the held-out days
    no_exception(page)
