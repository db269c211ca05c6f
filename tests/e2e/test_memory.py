"""Page 5 and the hidden state's map in a real browser: the three cells train through the pool,
the per-timestep gradient chart appears, and page 2's cobweb follows a preset."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import chart_trace_names, no_exception, wait_idle

GRADIENT_TRACE = "|∂L/∂x_t|, LSTM"


def test_page_5_trains_the_three_cells_and_shows_where_the_gradient_dies(page: Page, app_url):
    page.goto(f"{app_url}/memory?mem_epochs=60&mem_h=6&mem_T=8&mem_k=4&mem_seed=51")
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text("5 · Longer memory: why gates")
    page.get_by_role("button", name="Train the three cells").click()
    for cell in ("RNN", "LSTM", "GRU"):
        expect(page.get_by_text(re.compile(rf"^{cell}: 60 epochs in"))).to_be_visible(
            timeout=240_000
        )
    wait_idle(page)
    expect(page.get_by_role("heading", name="Where the gradient dies")).to_be_visible()
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.js-plotly-plot'))"
        f".some(p => (p._fullData || []).some(t => t.name === {GRADIENT_TRACE!r}))",
        timeout=30_000,
    )
    names = [name for chart in chart_trace_names(page) for name in chart]
    assert {"‖∂L/∂h_t‖, RNN", "‖∂L/∂h_t‖, GRU", "forget gate f_t"} <= set(names)
    expect(page.get_by_text("recovers").first).to_be_visible()
    no_exception(page)


def test_the_cobweb_takes_a_preset_and_stays_whole_through_next(page: Page, app_url):
    page.goto(f"{app_url}/stepper")
    wait_idle(page)
    page.get_by_role("button", name="1.5", exact=True).click()
    wait_idle(page)
    page.wait_for_url(re.compile(r"W_hh=1\.5"))
    expect(page.get_by_text("h_5 = 0.9714")).to_be_visible()  # the path's end, in the legend
    for _ in range(3):
        page.get_by_role("button", name="Next", exact=True).click()
        wait_idle(page)
    page.wait_for_url(re.compile(r"fstep=3"))
    expect(page.get_by_text("h_5 = 0.9714")).to_be_visible()  # the map is not the step's
    no_exception(page)
