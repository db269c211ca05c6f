"""The app's pages, declared once: app.py builds its navigation from this list and the first page
draws a card for every lesson in it, so a lesson added here gets its place in the sidebar and its
card on the first page together."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Lesson:
    """One page of the app.

    path : the page's file, from the repository root;  title : its name in the sidebar
    icon : a Material symbol (`:material/...:`), which every browser draws
    url_path : its address ("" for the first page);  blurb : what the page shows, one or two
        sentences of Markdown with typeset symbols, for its card on the first page
    """

    path: str
    title: str
    icon: str
    url_path: str
    blurb: str = ""


HOME = Lesson("pages/home.py", "Start here", ":material/home:", "")
LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "pages/weather.py",
        "1 · The weather series",
        ":material/partly_cloudy_day:",
        "weather",
        r"A synthetic temperature series, $T_t = 0.7\,T_{t-1} + 0.2\,T_{t-2} + \varepsilon_t$, "
        "cut into 5-day windows: the first 5 days are the input, day 6 is what the RNN should "
        "predict.",
    ),
    Lesson(
        "pages/stepper.py",
        "2 · The RNN, step by step",
        ":material/arrow_forward:",
        "stepper",
        "One hidden unit, five parameters ($W_{xh}$, $W_{hh}$, $b_h$, $W_{hy}$, $b_y$): watch "
        r"$a_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h$ and $h_t = \tanh(a_t)$ computed day by day.",
    ),
    Lesson(
        "pages/bptt.py",
        "3 · BPTT, step by step",
        ":material/arrow_back:",
        "bptt",
        r"The gradient of the loss $(y - \text{target})^2$ flows backwards through time; see "
        "where it grows, where it vanishes, and check it against finite differences.",
    ),
    Lesson(
        "pages/training.py",
        "4 · Training",
        ":material/trending_down:",
        "training",
        "The tutorial's vectorized RNN ($H = 20$ hidden units, 2500 epochs of per-sample SGD) "
        "trained live, and compared with the best possible predictor of this series.",
    ),
    Lesson(
        "pages/memory.py",
        "5 · Longer memory: why gates",
        ":material/memory:",
        "memory",
        "The RNN, the LSTM and the GRU trained side by side on a task that needs nothing but "
        r"memory, recalling the input $k$ steps back: see where each one's gradient dies, and "
        "what the gates do.",
    ),
)


def navigation_pages() -> list[st.Page]:
    """Every page as an `st.Page`, the first page first (and the default)."""
    home = st.Page(HOME.path, title=HOME.title, icon=HOME.icon, default=True)
    return [
        home,
        *(
            st.Page(lesson.path, title=lesson.title, icon=lesson.icon, url_path=lesson.url_path)
            for lesson in LESSONS
        ),
    ]
