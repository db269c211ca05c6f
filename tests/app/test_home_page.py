"""AppTest: the first page draws the journey and a card with a picture for every lesson of the
registry (the one app.py navigates), each picture with its alt text."""

from __future__ import annotations

import base64
import dataclasses

from streamlit.testing.v1 import AppTest

from rnnviz import core
from rnnviz.ui import home, registry


def open_home() -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=60).run()
    assert not at.exception
    return at


def test_the_journey_and_a_card_for_every_lesson():
    at = open_home()
    images = [img for element in at.get("image") for img in element.proto.imgs]
    assert len(images) == 1 + len(registry.LESSONS)
    assert all(len(img.alt) > 20 for img in images)
    assert [link.proto.label for link in at.get("page_link")] == [
        lesson.title for lesson in registry.LESSONS
    ]
    svg = base64.b64decode(images[0].url.split(",", 1)[1]).decode()
    assert "<svg" in svg and "prefers-reduced-motion" in svg
    defaults = " ".join(m.value for m in at.markdown)
    assert "The tutorial's defaults:" in defaults
    assert f"$H = {core.TUTORIAL_HIDDEN_SIZE}$" in defaults and "10^{-4}" in defaults


def test_every_lesson_has_its_own_address_and_a_material_icon():
    paths = [lesson.url_path for lesson in registry.LESSONS]
    assert len(set(paths)) == len(paths) and "" not in paths  # "" is the first page's
    assert all(lesson.icon.startswith(":material/") for lesson in registry.LESSONS)


def test_a_lesson_added_later_gets_a_card_with_a_picture(monkeypatch):
    new = registry.Lesson(
        "pages/home.py", "5 · Longer memory: why gates", ":material/memory:", "memory"
    )
    later = registry.Lesson("pages/home.py", "6 · Something new", ":material/star:", "new")
    assert home._picture(new).alt.startswith("A gated cell")  # its picture is ready
    assert home._picture(later).alt == "Lesson 6: Something new."  # a numbered card meanwhile
    titled = dataclasses.replace(later, blurb="What it shows.")
    monkeypatch.setattr(registry, "LESSONS", (*registry.LESSONS, titled))
    at = open_home()  # app.py navigates the longer registry, and the first page shows it
    assert len(at.get("page_link")) == len(registry.LESSONS)
    assert any(m.value == "What it shows." for m in at.markdown)
    at.switch_page("pages/stepper.py").run()
    assert not at.exception
