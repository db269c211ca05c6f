"""The training page in a real browser: a short run's loss falls, a reload finds it again, and
Stop keeps the partly trained model."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import no_exception, wait_idle


def loss_curve(page: Page) -> list[float]:
    """The loss curve as the browser holds it (the page's first chart, its first trace)."""
    page.wait_for_function("document.querySelector('.js-plotly-plot')?._fullData?.length > 0")
    return page.evaluate("Array.from(document.querySelector('.js-plotly-plot')._fullData[0].y)")


def test_a_short_run_trains_live_and_a_reload_finds_it_again(page: Page, app_url: str):
    page.goto(f"{app_url}/training?epochs=200&wseed=21")
    wait_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("200 epochs in")).to_be_visible(timeout=180_000)
    wait_idle(page)
    loss = loss_curve(page)
    assert len(loss) == 200 and loss[-1] < 0.8 * loss[0]  # the loss fell
    expect(page.get_by_text("Prediction for day 6", exact=True)).to_be_visible()
    no_exception(page)

    page.reload()  # the same link: the server's cache answers at once
    wait_idle(page)
    expect(page.get_by_text("Already trained with these settings")).to_be_visible()
    expect(page.get_by_role("button", name="Train again live")).to_be_visible()
    assert loss_curve(page) == loss
    no_exception(page)


def test_stop_keeps_the_partly_trained_model(page: Page, app_url: str):
    page.goto(f"{app_url}/training?epochs=10000&hidden=48&wseed=22")
    wait_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("s left")).to_be_visible(timeout=180_000)  # training, live, an ETA
    # The page's own Stop (the toolbar has one too, which stops the script, not the training).
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("button", name="Stop", exact=True).first.click()
    expect(page.get_by_text("the partly trained model is kept")).to_be_visible()
    wait_idle(page)
    expect(page.get_by_text("Prediction for day 6", exact=True)).to_be_visible()
    assert 0 < len(loss_curve(page)) < 10_000
    no_exception(page)
