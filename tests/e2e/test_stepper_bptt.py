"""The stepper and BPTT pages in a real browser: every forward step, every backward step, and the
whole backward animation played in the browser, without an exception."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import no_exception, wait_idle

T = 5
TIMELINE = ".js-plotly-plot"  # the first chart on both pages is the unrolled network
# The typeset ledger: the first display equation in the main area, on both pages.
LEDGER_HEIGHT = (
    "document.querySelector('[data-testid=\"stMain\"] .katex-display')"
    ".getBoundingClientRect().height"
)


def settle(page: Page) -> None:
    """`wait_idle` after a page load, once a busy server has drawn the unrolled network (Plotly's
    library loads lazily, behind skeletons, which can take seconds on a loaded machine)."""
    page.wait_for_function(
        f"document.querySelector('{TIMELINE}') !== null && "
        "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=60_000,
    )
    wait_idle(page)


def test_forward_stepper_clicks_through_every_step_and_back(page: Page, app_url: str):
    page.goto(f"{app_url}/stepper")
    settle(page)
    expect(page.get_by_test_id("stCode").get_by_text("h_0 = 0")).to_be_visible()
    heights = []  # of the typeset ledger on days 1 … T
    for step in range(1, T + 2):
        page.get_by_role("button", name="Next", exact=True).click()
        wait_idle(page)
        expect(page.get_by_text(f"Step {step} of {T + 1}")).to_be_visible()
        page.wait_for_url(re.compile(rf"fstep={step}"))
        no_exception(page)
        heights.append(page.evaluate(LEDGER_HEIGHT))
    # Day to day the typeset ledger keeps its height to the pixel's fraction: nothing under it
    # moves, so the browser redraws only the ledger (text.ledger_tex.alike).
    assert len(set(heights[:T])) == 1, heights
    expect(page.get_by_text("L = (y − target)² = (").first).to_be_visible()
    expect(page.get_by_role("button", name="Next", exact=True)).to_be_disabled()
    page.get_by_role("button", name="Back", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text(f"Step {T} of {T + 1}")).to_be_visible()
    page.wait_for_url(re.compile(rf"fstep={T}"))

    page.reload()  # the link keeps the step
    settle(page)
    expect(page.get_by_text(f"Step {T} of {T + 1}")).to_be_visible()
    no_exception(page)


def test_bptt_steps_back_then_plays_the_whole_animation(page: Page, app_url: str):
    page.goto(f"{app_url}/bptt")
    settle(page)
    heights = []  # of the typeset ledger, on Step B's days from t = T back to 1
    for step in range(1, T + 2):
        page.get_by_role("button", name="Next", exact=True).click()
        wait_idle(page)
        expect(page.get_by_text(f"Step {step} of {T + 1}")).to_be_visible()
        page.wait_for_url(re.compile(rf"bstep={step}"))  # the fragment keeps the URL in step
        no_exception(page)
        if step >= 2:
            heights.append(page.evaluate(LEDGER_HEIGHT))
    assert len(set(heights)) == 1, heights
    expect(page.get_by_text("(now dL/dh_0)").first).to_be_visible()

    page.get_by_text("Play in the browser").click()
    wait_idle(page)
    page.wait_for_function(
        f"document.querySelector('{TIMELINE}')?._transitionData?._frames?.length === {T + 2}"
    )
    page.locator(".updatemenu-button", has_text="Play").click()
    # Plotly plays in the browser: wait until the slider reaches the last frame (t = 1).
    page.wait_for_function(
        f"document.querySelector('{TIMELINE}')._fullLayout.sliders[0].active === {T + 1}",
        timeout=30_000,
    )
    ledger = page.evaluate(
        f"""Array.from(document.querySelector('{TIMELINE}').layout.annotations)
            .filter(a => a.xref === 'paper').map(a => a.text).join('\\n')"""
    )
    assert "Step B at t = 1" in ledger and "(now dL/dh_0)" in ledger  # in step with the picture
    no_exception(page)
