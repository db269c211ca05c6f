"""The unrolled-network figures (forward and backward) draw the engine's numbers; arrows grow with
the gradient."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnnviz import core
from rnnviz.figures import backward, unrolled
from rnnviz.text import ledger

T = 5


def window(hidden: int = 1, seed: int = 0, w_hh: float | None = None):
    temps = core.weather_series()
    X, y = core.make_windows(temps, T)
    params = core.init_params(hidden, seed)
    if w_hh is not None:
        params["W_hh"] = np.full((hidden, hidden), w_hh)
    trace = core.forward(params, X[:1])
    return params, trace, core.backward(params, trace, y[:1]), float(y[0])


def by_name(fig, name):
    return next(trace for trace in fig.data if trace.name == name)


def shafts(fig):
    return [s for s in fig.layout.shapes if s.name == unrolled.ARROW_NAME]


def gradient_arrows(fig):
    """The shafts of the arrows between hidden/output nodes on the h row, i.e. the gradient
    arrows (the x → h arrows are vertical), in the order drawn."""
    return [s for s in shafts(fig) if s.y0 == s.y1 == unrolled.ROW_H]


def labels(fig) -> list[str]:
    return list(by_name(fig, unrolled.LABELS).text)


def test_every_arrow_has_its_head_pointing_from_its_start_to_its_end():
    _, trace, result, target = window(w_hh=0.5)
    for fig in (
        unrolled.unrolled_forward(trace, target, result.loss, 3),
        backward.unrolled_backward(trace, result, target, T + 1),
    ):
        (heads,) = [t for t in fig.data if t.name == unrolled.ARROW_HEADS]
        assert len(heads.x) == len(shafts(fig))
        for shaft, x, y, angle, colour in zip(
            shafts(fig), heads.x, heads.y, heads.marker.angle, heads.marker.color, strict=True
        ):
            dx, dy = x - shaft.x0, y - shaft.y0
            assert (dx == 0) != (dy == 0)  # horizontal or vertical, from a node to a node
            assert (
                angle
                == {(0, 1): 0, (1, 0): 90, (0, -1): 180, (-1, 0): -90}[
                    (int(np.sign(dx)), int(np.sign(dy)))
                ]
            )
            assert colour == shaft.line.color
        # Drawn under the nodes, so a shaft that reaches a node's centre hides behind it.
        assert {s.layer for s in shafts(fig)} == {"below"}
        names = [t.name for t in fig.data]
        assert names.index(unrolled.ARROW_HEADS) < names.index("hidden states h_t")


@pytest.mark.parametrize("step", range(T + 2))
def test_forward_fills_the_computed_nodes_with_the_engines_values(step):
    params, trace, result, target = window()
    fig = unrolled.unrolled_forward(trace, target, result.loss, step, first_day=11)
    hidden = by_name(fig, "hidden states h_t")
    filled = [c == unrolled.palette.GREEN for c in hidden.marker.color]
    assert filled == [t <= min(step, T) for t in range(T + 1)]
    for t in range(min(step, T) + 1):
        assert hidden.text[t].endswith(ledger.num(trace.h[0, t, 0]))
        assert f"{trace.h[0, t, 0]:.17g}" in hidden.hovertext[t]  # full precision on hover
    inputs = by_name(fig, "inputs x_t")
    assert [text.split("<br>")[1] for text in inputs.text] == [ledger.num(v) for v in trace.x[0]]
    output = by_name(fig, "output y and loss L")
    assert (output.text[0] == f"y<br>{ledger.num(trace.y_pred[0])}") == (step == T + 1)
    days = [text for text in labels(fig) if text.startswith("day ")]
    assert days == ["day 11", "day 12", "day 13", "day 14", "day 15", "day 16"]


def test_forward_highlights_the_current_hidden_state_and_input():
    _, trace, result, target = window()
    fig = unrolled.unrolled_forward(trace, target, result.loss, 3)
    widths = by_name(fig, "hidden states h_t").marker.line.width
    assert [t for t, w in enumerate(widths) if w == unrolled.CURRENT_WIDTH] == [3]
    x_widths = by_name(fig, "inputs x_t").marker.line.width
    assert [t + 1 for t, w in enumerate(x_widths) if w == unrolled.CURRENT_WIDTH] == [3]


def test_vector_nodes_show_the_norm():
    _, trace, result, target = window(hidden=5)
    fig = unrolled.unrolled_forward(trace, target, result.loss, T)
    text = by_name(fig, "hidden states h_t").text[2]
    assert text.endswith(f"‖{ledger.num(np.linalg.norm(trace.h[0, 2]))}‖")


def test_backward_arrows_carry_the_engines_gradients_with_ordered_widths():
    # W_hh = 0.5 keeps every gradient distinct and non-zero.
    _, trace, result, target = window(w_hh=0.5)
    fig = backward.unrolled_backward(trace, result, target, T + 1)
    arrows = gradient_arrows(fig)
    assert len(arrows) == T + 2  # L → y, y → h_T, then h_t → h_(t-1) for t = T … 1
    magnitudes = [abs(result.dL_dy[0]), *np.abs(result.dh[0, ::-1, 0])]
    widths = [a.line.width for a in arrows]
    # Widths ordered exactly as the gradient magnitudes.
    assert np.array_equal(np.argsort(widths, kind="stable"), np.argsort(magnitudes, kind="stable"))
    assert min(widths) == backward.WIDTH_MIN and max(widths) == backward.WIDTH_MAX
    gradients = [text for text in labels(fig) if "dL/d" in text]
    assert f"dL/dy = {ledger.num(result.dL_dy[0])}" in gradients[0]
    assert any(ledger.num(result.dh[0, 0, 0]) in label for label in gradients)


@pytest.mark.parametrize("step", range(T + 2))
def test_backward_reaches_one_more_arrow_per_step(step):
    _, trace, result, target = window(w_hh=0.5)
    fig = backward.unrolled_backward(trace, result, target, step)
    reached = [a for a in gradient_arrows(fig) if a.line.color != unrolled.PENDING]
    assert len(reached) == (0 if step == 0 else step + 1)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=30))
def test_gradient_widths_never_invert_the_order_of_magnitudes(magnitudes):
    widths = backward.gradient_widths(magnitudes)
    order = np.argsort(magnitudes, kind="stable")
    assert np.all(np.diff(widths[order]) >= 0)
    assert np.all((widths >= backward.WIDTH_MIN) & (widths <= backward.WIDTH_MAX))


def test_vanished_gradients_still_get_a_visible_width():
    widths = backward.gradient_widths([30.0, 1e-17, 0.0])
    assert widths[0] == backward.WIDTH_MAX and widths[1] == widths[2] == backward.WIDTH_MIN


def animation(hidden=1):
    params, trace, result, target = window(hidden=hidden)
    ledgers = [
        (
            ledger.backward_title(s, T),
            [line.text for line in ledger.backward_lines(params, trace, result, target, s)],
        )
        for s in range(T + 2)
    ]
    return backward.backward_animation(trace, result, target, ledgers), ledgers


def ledger_text(annotations) -> str:
    return next(a.text for a in annotations if a.xref == "paper" and a.text.startswith("<b>"))


def test_animation_has_one_frame_per_backward_step_with_its_ledger_inside():
    fig, ledgers = animation()
    assert len(fig.frames) == T + 2
    assert [s.label for s in fig.layout.sliders[0].steps] == [
        "start", "A", "t=5", "t=4", "t=3", "t=2", "t=1",
    ]  # fmt: skip
    for frame, (title, lines) in zip(fig.frames, ledgers, strict=True):
        text = ledger_text(frame.layout.annotations)
        assert text.startswith(f"<b>{title}</b>")
        for line in lines:
            assert line.replace("&", "&amp;").replace("<", "&lt;") in text
        assert len(frame.data) == len(fig.data)  # every frame updates every trace
        assert len(frame.layout.shapes) == len(fig.layout.shapes)  # and every shaft
    assert ledger_text(fig.layout.annotations) == ledger_text(fig.frames[0].layout.annotations)
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels == ["Play", "Pause"]


def test_animation_wraps_long_vector_lines_instead_of_cutting_them():
    fig, ledgers = animation(hidden=6)
    text = ledger_text(fig.frames[2].layout.annotations)
    assert all(len(part) <= backward.LEDGER_WIDTH + 10 for part in text.split("<br>")[1:])
    joined = text.replace("<br>      = ", " = ")
    for line in ledgers[2][1]:
        assert line in joined


def test_animation_refuses_a_wrong_number_of_ledgers():
    _, trace, result, target = window()
    with pytest.raises(ValueError, match="Expected 7 ledger entries"):
        backward.backward_animation(trace, result, target, [("x", [])])
