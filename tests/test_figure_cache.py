"""The process-wide figure cache: equal arguments give the same figure to the byte, built once;
different arguments (one array entry, 1 against 1.0) give their own; a session that changes its
figure changes nobody else's; it stays within its bound; what it cannot compare is built."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools

from rnnviz import core
from rnnviz.figures.cache import FigureCache
from rnnviz.figures.unrolled import unrolled_forward

BUILDS: list[tuple] = []


def line(values, title="") -> go.Figure:
    """A figure builder that counts its builds."""
    BUILDS.append((values, title))
    return go.Figure(go.Scatter(y=np.asarray(values, float)), layout={"title": str(title)})


@dataclass(frozen=True)
class Window:
    x: np.ndarray
    day: int


def window_figure(window: Window) -> go.Figure:
    BUILDS.append((window,))
    return go.Figure(go.Scatter(y=window.x), layout={"title": f"day {window.day}"})


def as_sent(fig: go.Figure) -> str:
    """The JSON Streamlit sends for a figure (st.plotly_chart's own two steps)."""
    return pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, True), validate=False)


def test_equal_arguments_give_the_same_figure_to_the_byte_and_build_once():
    X, y = core.make_windows(core.weather_series(), 5)
    trace = core.forward(core.init_params(3, 0), X[:1])
    cache = FigureCache()
    first = cache.figure(unrolled_forward, trace, float(y[0]), 1.5, 3, first_day=1)
    again = cache.figure(unrolled_forward, trace, float(y[0]), 1.5, 3, first_day=1)
    assert (cache.misses, cache.hits) == (1, 1)
    assert as_sent(first) == as_sent(again)
    fresh = unrolled_forward(trace, float(y[0]), 1.5, 3, first_day=1)
    assert first.to_plotly_json() == fresh.to_plotly_json()  # what the builder itself gives
    next_step = cache.figure(unrolled_forward, trace, float(y[0]), 1.5, 4, first_day=1)
    assert as_sent(next_step) != as_sent(first)


def test_one_array_entry_or_an_argument_s_type_makes_another_figure():
    cache, values = FigureCache(), np.arange(5.0)
    BUILDS.clear()
    cache.figure(line, values)
    changed = values.copy()
    changed[3] = np.nextafter(changed[3], 10.0)  # the last bit of one entry
    cache.figure(line, changed)
    cache.figure(line, values, title=1)
    cache.figure(line, values, title=1.0)
    cache.figure(line, values, title=True)
    cache.figure(line, values.astype(np.float32))  # same numbers, another dtype
    assert len(BUILDS) == 6 and cache.hits == 0
    cache.figure(line, values.copy())  # equal, though another array object
    assert len(BUILDS) == 6 and cache.hits == 1


def test_dataclass_arguments_are_compared_field_by_field():
    cache = FigureCache()
    BUILDS.clear()
    cache.figure(window_figure, Window(np.ones(3), 1))
    cache.figure(window_figure, Window(np.ones(3), 1))
    cache.figure(window_figure, Window(np.ones(3), 2))
    assert len(BUILDS) == 2


def test_a_session_changing_its_figure_changes_nobody_elses():
    cache = FigureCache()
    mine = cache.figure(line, [1, 2, 3], title="kept")
    mine.update_layout(title="large text")
    mine.data[0].y = (9, 9, 9)
    theirs = cache.figure(line, [1, 2, 3], title="kept")
    assert theirs.layout.title.text == "kept"
    np.testing.assert_array_equal(theirs.data[0].y, [1, 2, 3])


def test_it_keeps_at_most_its_bound_and_drops_the_least_recently_used():
    cache = FigureCache(max_entries=2)
    BUILDS.clear()
    cache.figure(line, [1])
    cache.figure(line, [2])
    cache.figure(line, [1])  # [1] is now the most recent
    cache.figure(line, [3])  # drops [2]
    assert len(cache) == 2
    cache.figure(line, [1])
    cache.figure(line, [2])
    assert [b[0] for b in BUILDS] == [[1], [2], [3], [2]]


def test_an_argument_it_cannot_compare_is_built_every_time_and_not_kept():
    cache, marker = FigureCache(), object()
    BUILDS.clear()
    cache.figure(line, [1, 2], title=marker)
    cache.figure(line, [1, 2], title=marker)
    assert len(BUILDS) == 2 and len(cache) == 0


def test_sessions_on_many_threads_get_equal_figures():
    cache, sent, errors = FigureCache(max_entries=4), [], []

    def session(i: int) -> None:
        try:
            for k in range(20):
                sent.append((k % 6, as_sent(cache.figure(line, [k % 6, i % 2 * 0]))))
        except Exception as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    by_value: dict[int, set[str]] = {}
    for k, text in sent:
        by_value.setdefault(k, set()).add(text)
    assert all(len(texts) == 1 for texts in by_value.values())
    assert len(cache) <= 4


def test_a_figure_from_the_cache_keeps_its_arrays_and_its_animation_frames():
    from rnnviz.figures.backward import backward_animation
    from rnnviz.figures.tables import figure_table

    X, y = core.make_windows(core.weather_series(), 5)
    params = core.init_params(1, 0)
    trace = core.forward(params, X[:1])
    result = core.backward(params, trace, y[:1])
    ledgers = [(f"step {s}", [f"line {s}"]) for s in range(7)]
    cache = FigureCache()
    for build, args in (
        (unrolled_forward, (trace, float(y[0]), 1.5, 3)),
        (backward_animation, (trace, result, float(y[0]), ledgers)),
        (line, (np.linspace(0, 1, 7),)),
    ):
        fresh = build(*args)
        cache.figure(build, *args)
        cached = cache.figure(build, *args)
        assert figure_table(cached).equals(figure_table(fresh))  # "Show the numbers"
        assert len(cached.frames) == len(fresh.frames)
        assert as_sent(cached) == as_sent(cache.figure(build, *args))
