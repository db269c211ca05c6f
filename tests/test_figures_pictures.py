"""The first page's pictures: well-formed SVG with alt text, the engine's numbers, the one look
(palette colours, the style's text sizes), and an animation short enough to need no pause button
that reduced motion turns off."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from rnnviz import core
from rnnviz.figures import journey, palette, style, svg, thumbnails
from rnnviz.text.numbers import num

T = 5
TEMPS = core.weather_series()
X, Y = core.make_windows(TEMPS, T)
PARAMS = core.init_params(1, seed=0)
TRACE = core.forward(PARAMS, X[:1])
RESULT = core.backward(PARAMS, TRACE, Y[:1])
SVG = "{http://www.w3.org/2000/svg}"
COLOURS = {
    value for name, value in vars(palette).items() if name.isupper() and isinstance(value, str)
} | {"white", "none", svg.CARD, svg.EDGE}


def pictures() -> dict[str, svg.Picture]:
    trained = core.init_params(3, seed=0)
    history = core.train(trained, X, Y, epochs=3)
    return {
        "journey": journey.journey(TRACE, RESULT, float(Y[0])),
        "weather": thumbnails.weather(TEMPS, 40, T),
        "stepper": thumbnails.stepper(TRACE),
        "stepper H = 3": thumbnails.stepper(core.forward(trained, X[:1])),
        "bptt": thumbnails.bptt(TRACE, RESULT),
        "training": thumbnails.training(history.mean_loss),
        "gates": thumbnails.gates(),
        "numbered": thumbnails.numbered("5", "Longer memory: why gates"),
    }


PICTURES = pictures()


def texts(picture: svg.Picture) -> list[str]:
    return [node.text or "" for node in ET.fromstring(picture.svg).iter(f"{SVG}text")]


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_each_picture_is_an_svg_image_with_alt_text_in_the_one_look(name):
    picture = PICTURES[name]
    root = ET.fromstring(picture.svg)  # well-formed XML, or an <img> shows nothing
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert len(picture.alt) > 20 and root.get("aria-label") == picture.alt
    assert root.find(f"{SVG}title").text == picture.alt
    for node in root.iter():
        for attribute in ("fill", "stroke"):
            assert node.get(attribute) in (None, *COLOURS), (node.tag, node.get(attribute))
        if node.get("font-size") is not None:
            assert int(node.get("font-size")) in style.TEXT_SIZES


def test_the_journey_shows_the_engines_numbers_forward_and_back():
    shown = texts(PICTURES["journey"])
    for value in [*TRACE.x[0], *TRACE.h[0, 1:, 0], TRACE.y_pred[0], Y[0], RESULT.loss]:
        assert num(value) in shown
    for t in range(1, T + 1):
        assert any(num(abs(RESULT.dh[0, t, 0])) in line for line in shown)
    alt = PICTURES["journey"].alt
    assert num(TRACE.y_pred[0]) in alt and num(RESULT.loss) in alt


def test_the_journey_plays_once_within_five_seconds_and_not_for_reduced_motion():
    text = PICTURES["journey"].svg
    delays = [float(d) for d in re.findall(r"animation-delay:([\d.]+)s", text)]
    assert len(delays) == 2 * T + 2  # every day forward, the output, and every gradient back
    assert delays == sorted(delays) and max(delays) + 0.3 < 5.0  # no pause button needed
    assert "infinite" not in text
    assert "prefers-reduced-motion: reduce" in text and "animation: none" in text


def test_the_journey_refuses_what_it_cannot_draw():
    wide = core.init_params(3, seed=0)
    trace = core.forward(wide, X[:1])
    with pytest.raises(ValueError, match="scalar RNN"):
        journey.journey(trace, core.backward(wide, trace, Y[:1]), float(Y[0]))


def test_the_thumbnails_draw_the_engines_numbers():
    shown = texts(PICTURES["stepper"])
    assert all(num(TRACE.h[0, t, 0]) in shown for t in range(1, T + 1))
    sizes = np.linalg.norm(RESULT.dh[0], axis=1)
    assert any(num(sizes[T]) in line for line in texts(PICTURES["bptt"]))
    line = ET.fromstring(PICTURES["weather"].svg).find(f"{SVG}polyline")
    assert len(line.get("points").split()) == TEMPS.shape[0]  # one point per day
    assert "Lesson 5" in PICTURES["numbered"].alt


def test_text_is_escaped():
    picture = thumbnails.numbered("6", "Less <than> & more")
    assert ET.fromstring(picture.svg).find(f".//{SVG}text[2]") is not None
    assert "Less <than> & more" in texts(picture)
