"""Uploading a CSV in the browser: a bad file is refused with a sentence, a good one is used."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import no_exception, wait_idle
from tests.e2e.test_pages import first_trace_y


def upload(page: Page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    wait_idle(page)


def test_bad_then_good_upload(page: Page, app_url: str):
    page.goto(f"{app_url}/weather")
    wait_idle(page)
    page.get_by_text("Use your own series").click()
    generated = first_trace_y(page)

    upload(page, "broken.csv", b"temperature\n12\n13\nwarm\n15\n")
    expect(page.get_by_text("text among its numbers").first).to_be_visible()
    expect(page.get_by_text("Your current series is unchanged").first).to_be_visible()
    assert first_trace_y(page) == generated
    no_exception(page)

    values = [10 + (i % 9) * 0.5 for i in range(40)]
    upload(
        page,
        "mine.csv",
        ("day,temperature\n" + "".join(f"{i + 1},{v}\n" for i, v in enumerate(values))).encode(),
    )
    page.get_by_role("button", name="Use this series").click()
    wait_idle(page)
    expect(page.get_by_text("In use: Your uploaded series: mine.csv").first).to_be_visible()
    assert first_trace_y(page) == values  # the window chart now shows the uploaded series
    no_exception(page)
