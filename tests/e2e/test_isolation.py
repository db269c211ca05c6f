"""Two students on one server: neither sees the other's series, model or step position."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import no_exception, wait_idle
from tests.e2e.test_pages import first_trace_y


def open_page(browser, url: str) -> Page:
    page = browser.new_context().new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    wait_idle(page)
    return page


def click(page: Page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    wait_idle(page)


def test_two_sessions_keep_their_own_series_model_and_step(browser, app_url):
    ann = open_page(browser, f"{app_url}/stepper?seed=3&model=vector&model_h=4&fstep=3")
    bob = open_page(browser, f"{app_url}/stepper?fstep=5")
    try:
        expect(ann.get_by_text("Step 3 of 6")).to_be_visible()
        expect(bob.get_by_text("Step 5 of 6")).to_be_visible()

        # Interleaved clicks: each session's step moves only with its own clicks.
        click(ann, "Next")
        click(bob, "Back")
        click(bob, "Back")
        click(ann, "Next")
        expect(ann.get_by_text("Step 5 of 6")).to_be_visible()
        expect(bob.get_by_text("Step 3 of 6")).to_be_visible()
        expect(ann.get_by_text(re.compile(r"model: the vectorized RNN \(H = 4"))).to_be_visible()
        expect(bob.get_by_text(re.compile(r"model: the scalar RNN \(H = 1"))).to_be_visible()

        # Each series is its own: Ann's seed 3, Bob's the tutorial's seed 0.
        ann.goto(re.sub(r"/stepper", "/weather", ann.url))
        bob.goto(re.sub(r"/stepper", "/weather", bob.url))
        wait_idle(ann)
        wait_idle(bob)
        expect(ann.get_by_role("spinbutton", name="Noise seed")).to_have_value("3")
        expect(bob.get_by_role("spinbutton", name="Noise seed")).to_have_value("0")
        assert first_trace_y(ann) != first_trace_y(bob)
        assert "seed=3" in ann.url and "seed" not in bob.url
        no_exception(ann)
        no_exception(bob)
    finally:
        ann.context.close()
        bob.context.close()
