"""The first page: the whole journey in one picture, a card with a picture for every lesson in
the app's registry (`ui.registry`), and the tutorial's defaults in one line.

The pictures show the tutorial's own setting (its series, the first window, the scalar RNN of
seed 0, the first epochs of its training), computed once per server and cached: the first page
is the one every student opens, so it costs a few string joins after that.
"""

from __future__ import annotations

import streamlit as st

from rnnviz import core
from rnnviz.figures import thumbnails
from rnnviz.figures.journey import journey
from rnnviz.figures.svg import Picture
from rnnviz.text.tex import number
from rnnviz.ui import registry

CARDS_PER_ROW = 3
THUMBNAIL_WINDOW = 40  # the weather card marks a window in the middle of the series, not at day 1
TRAINING_EPOCHS = 30  # the training card's curve: the first epochs of the tutorial's training


@st.cache_data(show_spinner=False)
def _tutorial_pictures() -> dict[str, Picture]:
    """The journey and the lessons' pictures, from the engine on the tutorial's defaults."""
    temps = core.weather_series()
    X, y = core.make_windows(temps, core.TUTORIAL_SEQ_LEN)  # (N, T), (N,)
    params = core.init_params(hidden_size=1, seed=0)  # the stepper's default model
    trace = core.forward(params, X[:1])
    result = core.backward(params, trace, y[:1])
    trained = core.init_params(seed=0)
    history = core.train(trained, X, y, epochs=TRAINING_EPOCHS)
    return {
        "": journey(trace, result, float(y[0])),
        "weather": thumbnails.weather(temps, THUMBNAIL_WINDOW, core.TUTORIAL_SEQ_LEN),
        "stepper": thumbnails.stepper(trace),
        "bptt": thumbnails.bptt(trace, result),
        "training": thumbnails.training(history.mean_loss),
        "memory": thumbnails.gates(),
    }


def _picture(lesson: registry.Lesson) -> Picture:
    """A lesson's picture; a lesson without one of its own gets its number and title."""
    found = _tutorial_pictures().get(lesson.url_path)
    if found is not None:
        return found
    number_text, _, title = lesson.title.partition(" · ")
    return thumbnails.numbered(number_text, title or lesson.title)


def show(picture: Picture) -> None:
    """A picture as an image with its alt text, as wide as its column."""
    st.image(picture.svg, alt=picture.alt, width="stretch")


def journey_picture() -> None:
    """The unrolled network with one window's numbers, forward and back."""
    show(_tutorial_pictures()[""])
    st.caption(
        "What the lessons take apart: the RNN reads a window of five days, carrying its memory "
        "$h_t$ from day to day, predicts the sixth day and measures the loss $L$; then "
        "backpropagation through time sends "
        r"$\frac{\partial L}{\partial h_t}$ back through every day. The numbers are the "
        "tutorial's first window and its scalar RNN; see how small the gradient is by the time "
        "it reaches day 1."
    )


def lesson_cards() -> None:
    """A card for every lesson of the registry: picture, link and what it shows."""
    lessons = registry.LESSONS
    for first in range(0, len(lessons), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, lesson in zip(columns, lessons[first : first + CARDS_PER_ROW], strict=False):
            with column, st.container(border=True):
                show(_picture(lesson))
                st.page_link(lesson.path, label=lesson.title, icon=lesson.icon)
                if lesson.blurb:
                    st.markdown(lesson.blurb)


def defaults_line() -> str:
    """The tutorial's defaults in one line (Markdown), from the engine's constants."""
    (phi1, phi2), (t0, t1) = core.TUTORIAL_PHI, core.TUTORIAL_START
    return (
        f"**The tutorial's defaults:** $n = {core.TUTORIAL_N}$ days of weather with "
        f"$\\varphi_1 = {phi1:g}$, $\\varphi_2 = {phi2:g}$, "
        f"$\\sigma = {core.TUTORIAL_SIGMA:g}$ from "
        f"$T_0 = {t0:g}$, $T_1 = {t1:g}$; {core.TUTORIAL_SEQ_LEN}-day windows; "
        f"$H = {core.TUTORIAL_HIDDEN_SIZE}$ hidden units; "
        f"$\\eta = {number(core.TUTORIAL_LR, '.0e')}$; {core.TUTORIAL_EPOCHS} epochs of "
        f"per-sample SGD; clipping at $\\pm {core.TUTORIAL_CLIP:g}$."
    )
