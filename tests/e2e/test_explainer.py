"""Read like the best explainers, held in a real browser: typeset mathematics (KaTeX rendered, no
TeX left raw, none that fails to parse), no emoji (which a plain Linux laptop may draw as an empty
box), a first page of pictures with alt text, and guess-then-see on page 2."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import Page, expect

from rnnviz import core
from rnnviz.ui import registry
from tests.e2e.conftest import no_exception, wait_idle

PATHS = ["", *(lesson.url_path for lesson in registry.LESSONS)]
# Inline TeX left on screen: $...$ around something that is not a space at either end.
RAW_TEX = re.compile(r"\$[^\s$](?:[^$]*[^\s$])?\$")
EMOJI = "/\\p{Extended_Pictographic}/u"
KATEX_PROBLEMS = (
    'document.querySelectorAll(\'.katex-error, .katex [style*="color:#cc0000"], '
    '.katex [style*="color: rgb(204, 0, 0)"]\').length'
)


def load(page: Page, url: str) -> None:
    page.goto(url)
    wait_idle(page)
    # Plotly and KaTeX load lazily, behind skeletons, on a busy machine.
    page.wait_for_timeout(300)
    wait_idle(page)


def screen_text(page: Page) -> str:
    return page.evaluate("document.querySelector('[data-testid=\"stApp\"]').innerText")


def emoji_on(page: Page) -> list[str]:
    """Every emoji code point in the page: its text (the figures' SVG text too), the images' alt
    text, the title, and each picture's own SVG."""
    return page.evaluate(
        f"""() => {{
            const found = [];
            const look = (where, text) => {{
                for (const ch of text || '') if ({EMOJI}.test(ch)) found.push(where + ': ' + ch);
            }};
            look('text', document.body.textContent);
            look('title', document.title);
            for (const img of document.querySelectorAll('img')) {{
                look('alt', img.alt);
                const src = img.getAttribute('src') || '';
                if (src.startsWith('data:image/svg+xml;base64,')) look('svg', atob(src.slice(26)));
            }}
            return found;
        }}"""
    )


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "home")
def test_every_page_typesets_its_mathematics(page: Page, app_url: str, path: str):
    load(page, f"{app_url}/{path}")
    assert page.locator("[data-testid='stMain'] .katex").count() > 0


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "home")
def test_no_raw_tex_no_katex_error_and_no_emoji(page: Page, app_url: str, path: str):
    load(page, f"{app_url}/{path}")
    assert RAW_TEX.findall(screen_text(page)) == []
    assert page.evaluate(KATEX_PROBLEMS) == 0
    assert emoji_on(page) == []
    no_exception(page)


@pytest.mark.parametrize("query", ["", "?model=vector&model_h=3"], ids=["scalar", "vector"])
def test_every_step_of_both_ledgers_typesets_cleanly(page: Page, app_url: str, query: str):
    for path, setting in (("stepper", "fstep"), ("bptt", "bstep")):
        load(page, f"{app_url}/{path}{query}")
        for step in range(7):
            if step:
                page.locator(f".st-key-{setting}-next button:visible").first.click()
                wait_idle(page)
                expect(page.get_by_text(f"Step {step} of 6")).to_be_visible()
            assert page.locator("[data-testid='stMain'] .katex-display").count() >= 1
            assert page.evaluate(KATEX_PROBLEMS) == 0, f"{path} step {step}"
            assert RAW_TEX.findall(screen_text(page)) == [], f"{path} step {step}"
        no_exception(page)


def assert_help_texts_typeset(page: Page, at_least: int) -> None:
    """Hover every visible help icon: each tooltip typesets, with no raw TeX and no KaTeX error."""
    targets = page.locator(
        "[data-testid='stTooltipIcon'] [data-testid='stTooltipHoverTarget']:visible"
    )
    assert targets.count() >= at_least
    for i in range(targets.count()):
        # Centred, clear of the sticky header, before the mouse goes there.
        targets.nth(i).evaluate("e => e.scrollIntoView({block: 'center'})")
        targets.nth(i).hover()
        tooltip = page.locator("[data-testid='stTooltipContent']").last
        expect(tooltip).to_be_visible()
        assert RAW_TEX.findall(tooltip.inner_text()) == [], tooltip.inner_text()
        assert page.evaluate(KATEX_PROBLEMS) == 0, tooltip.inner_text()
        page.mouse.move(0, 0)


@pytest.mark.parametrize("path", ["stepper", "bptt"])
def test_help_texts_typeset_cleanly(page: Page, app_url: str, path: str):
    load(page, f"{app_url}/{path}")
    page.get_by_text("The window and the model").click()  # its settings' help icons too
    wait_idle(page)
    assert_help_texts_typeset(page, 5)


def test_the_weather_pages_help_texts_typeset_cleanly(page: Page, app_url: str):
    load(page, f"{app_url}/weather")
    assert_help_texts_typeset(page, 8)


def test_a_trained_run_typesets_cleanly_on_the_training_page(page: Page, app_url: str):
    """What only a trained run shows: its captions and sentences, the weights' tabs, and the help
    texts of the controls below them (a seed of its own: no other test trains these settings)."""
    load(page, f"{app_url}/training?epochs=30&hidden=4&wseed=23")
    before = page.locator("[data-testid='stMain'] .katex").count()
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("30 epochs in")).to_be_visible(timeout=120_000)
    wait_idle(page)
    page.wait_for_timeout(300)  # the pictures below, behind skeletons on a busy machine
    wait_idle(page)
    expect(page.get_by_text("Inside the model")).to_be_visible()
    assert page.locator("[data-testid='stMain'] .katex").count() > before
    assert RAW_TEX.findall(screen_text(page)) == []
    assert page.evaluate(KATEX_PROBLEMS) == 0
    assert_help_texts_typeset(page, 15)
    no_exception(page)


def test_the_first_page_shows_the_journey_and_a_card_for_every_lesson(page: Page, app_url: str):
    load(page, app_url)
    main = page.get_by_test_id("stMain")
    images = main.locator("img")
    expect(images).to_have_count(1 + len(registry.LESSONS))  # the journey, and one per lesson
    for i in range(images.count()):
        alt = images.nth(i).get_attribute("alt") or ""
        assert len(alt) > 30, alt  # a sentence, not a placeholder
    for lesson in registry.LESSONS:
        link = main.get_by_test_id("stPageLink").filter(has_text=lesson.title)
        expect(link).to_have_count(1)
    expect(main.get_by_text("The tutorial's defaults:")).to_be_visible()
    main.get_by_test_id("stPageLink").filter(has_text=registry.LESSONS[1].title).click()
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text(registry.LESSONS[1].title)


@pytest.mark.parametrize(("motion", "animation"), [("reduce", "none"), ("no-preference", "show")])
def test_the_journey_moves_only_for_readers_who_have_not_asked_for_less(
    browser, app_url: str, motion: str, animation: str
):
    context = browser.new_context(reduced_motion=motion)
    try:
        page = context.new_page()
        load(page, app_url)
        src = page.get_by_test_id("stMain").locator("img").first.get_attribute("src")
        svg = base64.b64decode(src.split(",", 1)[1]).decode()
        page.set_content(svg)
        names = page.evaluate(
            "Array.from(document.querySelectorAll('.fwd, .bwd'), e => getComputedStyle(e)"
            ".animationName)"
        )
        assert names and set(names) == {animation}
    finally:
        context.close()


def test_guess_then_see_names_tanh_left_out(page: Page, app_url: str):
    load(page, f"{app_url}/stepper?fstep=2")
    page.locator(".st-key-guess-switch label").first.click()  # the toggle, not the intro
    wait_idle(page)
    # The page's default window and model are the tutorial's: a_3 from the engine, to 4 digits.
    X, _ = core.make_windows(core.weather_series(), core.TUTORIAL_SEQ_LEN)
    value = float(core.forward(core.init_params(1, seed=0), X[:1]).a[0, 2, 0])
    box = page.get_by_role("textbox", name=re.compile("Your guess for"))
    box.fill(f"{value:.4g}")
    box.press("Enter")
    wait_idle(page)
    page.locator(".st-key-fstep-next button:visible").first.click()
    wait_idle(page)
    expect(page.get_by_text("Step 3 of 6")).to_be_visible()
    expect(page.get_by_text("tanh is left out")).to_be_visible()
    no_exception(page)
