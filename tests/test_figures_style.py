"""Every figure has one look, `figures.style`'s: its template, margins and legend, and text sizes
from the style, with colours and axis fonts left to Streamlit's theme (light or dark, and large
text). Held twice: on every figure function's output, and on the source of every module."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import rnnviz.figures
from rnnviz import core
from rnnviz.core import memory
from rnnviz.figures import style
from rnnviz.runs.score import RoomRun

T, H = 5, 2
DIAGRAMS = {
    "unrolled.unrolled_forward",
    "backward.unrolled_backward",
    "backward.backward_animation",
}
NOT_FIGURES = {
    "tables.enlarge",  # takes a figure: it restyles, it does not draw
    "cache.cached_figure",  # hands out what another figure function draws
}


def figure_functions() -> dict[str, object]:
    """'module.function' → every public function of rnnviz.figures that returns a go.Figure,
    counted in the module that defines it."""
    found = {}
    for info in pkgutil.iter_modules(rnnviz.figures.__path__):
        module = importlib.import_module(f"rnnviz.figures.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            if inspect.get_annotations(fn).get("return") == "go.Figure":
                found[f"{info.name}.{name}"] = fn
    return {name: fn for name, fn in found.items() if name not in NOT_FIGURES}


def builders() -> dict[str, object]:
    """One call per figure function, on a small window of the engine's own numbers."""
    temps = core.weather_series()
    X, y = core.make_windows(temps, T)
    params = core.init_params(H, seed=0)
    trace = core.forward(params, X[:1])
    result = core.backward(params, trace, y[:1])
    target = float(y[0])
    ledgers = [(f"step {s}", [f"dL/dy = {s}"]) for s in range(T + 2)]
    report = memory.memory_report(params, X[0], target, 1.0)
    norms = np.abs(np.random.default_rng(0).normal(size=(4, T + 1)))
    return {
        "weather.series_figure": lambda f: f(temps, 3, T),
        "unrolled.unrolled_forward": lambda f: f(trace, target, result.loss, 3),
        "backward.unrolled_backward": lambda f: f(trace, result, target, 3),
        "backward.backward_animation": lambda f: f(trace, result, target, ledgers),
        "stepper.tanh_figure": lambda f: f(trace, 3),
        "stepper.hidden_heatmap": lambda f: f(trace, 3),
        "memory.gradient_memory_figure": lambda f: f(report),
        "clipping.clipping_figure": lambda f: f(memory.clip_effect(result.grads, 0.1, 1e-3), 0.1),
        "gradcheck.gradcheck_figure": lambda f: f(core.grad_check(params, X[:1], y[:1])),
        "training.loss_figure": lambda f: f([("a", np.geomspace(1, 0.1, 20))], noise_floor=0.2),
        "training.predictions_figure": lambda f: f(temps, core.predict(params, X), T),
        "training.tutorial_test_figure": lambda f: f(X[0], 20.0, target),
        "inside.hidden_state_figure": lambda f: f(trace.h[0], X[0]),
        "inside.weights_figure": lambda f: f("W_hh", params["W_hh"], 2 * params["W_hh"]),
        "inside.gradient_norm_figure": lambda f: f([("k = 1", np.arange(1, 5), norms)] * 2),
        "comparisons.generalisation_figure": lambda f: f([("RNN", 0.3, "rnn")], 0.25),
        "comparisons.truncation_figure": lambda f: f({"k = 1": 0.3}, noise_floor=0.25),
        "heldout.heldout_figure": lambda f: f(
            temps, 80, np.arange(80, 100), temps[80:] + 0.1, temps[79:99], unit="°C"
        ),
        "classroom.class_experiment_figure": lambda f: f(
            [RoomRun(1, 1e-3, 0, 20, 50, 50, "finished", 0.4, 0.5)]
        ),
        **gates_builders(),
    }


def gates_builders() -> dict[str, object]:
    """Page 5's figures and the hidden state's dynamics (issue 13)."""
    X, y = core.make_windows(core.weather_series(), T)
    scalar = core.init_params(1, seed=0)
    scalar_trace = core.forward(scalar, X[:1])
    grid = np.linspace(-1, 1, 5)
    lstm = core.init_cell("lstm", H, seed=0)
    lstm_trace = core.cell_forward("lstm", lstm, X[:1] / 20)
    profile = core.gradient_profile("lstm", lstm, X[:3] / 20, y[:3] / 20)
    pca = core.pca(core.forward(core.init_params(H, seed=0), X / 20).h[:, -1])
    curve = np.geomspace(1, 0.1, 20)
    return {
        "gates.recall_loss_figure": lambda f: f(
            [("lstm", "LSTM", curve)], baseline=1.01, floor=0.01
        ),
        "gates.held_out_figure": lambda f: f([("gru", "GRU", 0.5)], baseline=1.01, floor=0.01),
        "gates.connectivity_figure": lambda f: f([("lstm", "LSTM", profile)], 3),
        "gates.unit_heatmaps": lambda f: f(
            [("f_t", lstm_trace.f[0])], first_t=1, signed=False, units=["1", "2"], recall_t=2
        ),
        "dynamics.cobweb_figure": lambda f: f(
            grid, core.day_maps(scalar, X[0], grid), core.cobweb_path(scalar_trace), 3
        ),
        "dynamics.slopes_figure": lambda f: f(core.map_slopes(scalar, scalar_trace), 3),
        "dynamics.final_states_figure": lambda f: f(
            pca.scores, y, "target", pca.explained, trajectory=pca.scores[:3], picked=0
        ),
    }


@pytest.fixture(scope="module")
def figures(request) -> dict[str, go.Figure]:
    # Whatever Plotly's default template is (Streamlit sets its own on import), no figure
    # carries it: a dark, heavy default makes a figure that relies on it stand out.
    default = pio.templates.default
    pio.templates.default = "plotly_dark"
    request.addfinalizer(lambda: setattr(pio.templates, "default", default))
    functions, calls = figure_functions(), builders()
    return {name: calls[name](fn) for name, fn in functions.items()}


def test_every_figure_function_is_held_to_the_style():
    assert set(figure_functions()) == set(builders())


def annotations(fig: go.Figure) -> list:
    return [*fig.layout.annotations, *(a for frame in fig.frames for a in frame.layout.annotations)]


@pytest.mark.parametrize("name", sorted(builders()))
def test_figure_uses_the_styles_template_margins_and_legend(figures, name):
    fig = figures[name]
    assert fig.layout.template == pio.templates[style.TEMPLATE]
    expected = style.DIAGRAM_MARGIN if name in DIAGRAMS else style.MARGIN
    assert fig.layout.margin.to_plotly_json() == expected
    legend = fig.layout.legend.to_plotly_json()
    assert {k: v for k, v in legend.items() if k != "y"} == {
        k: v for k, v in style.LEGEND.items() if k != "y"
    }
    assert legend["y"] >= style.LEGEND_Y


@pytest.mark.parametrize("name", sorted(builders()))
def test_figure_leaves_colours_and_axis_fonts_to_the_theme(figures, name):
    fig = figures[name]
    layout = fig.layout.to_plotly_json()
    assert "font" not in layout and "paper_bgcolor" not in layout
    assert ("plot_bgcolor" in layout) == (name in DIAGRAMS)  # the diagram is drawn on white
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            assert "tickfont" not in axis and "font" not in axis.get("title", {}), key
    for note in annotations(fig):
        assert note.font.size is None or note.font.size in style.TEXT_SIZES, note.text
    for trace in fig.data:
        sizes = getattr(trace, "textfont", None) and trace.textfont.size
        for size in sizes if isinstance(sizes, tuple) else [sizes]:
            assert size is None or size in style.TEXT_SIZES, trace.name


def test_a_template_costs_no_bytes_on_the_wire(figures):
    for name, fig in figures.items():
        assert len(json.dumps(fig.to_dict()["layout"]["template"])) < 100, name


FIGURE_SOURCES = sorted(Path(rnnviz.figures.__file__).parent.glob("*.py"))
OWN_LOOK = {"margin", "legend", "template"}  # only style.layout writes these
FONTS = {"font", "textfont", "tickfont"}


def look_written_in(tree: ast.AST) -> list[str]:
    """Where a module writes margins, a legend or a template, or a font size as a number."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            pairs = [
                (k.value, v)
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ]
        elif isinstance(node, ast.Call):
            pairs = [(kw.arg, kw.value) for kw in node.keywords if kw.arg]
        else:
            continue
        for key, value in pairs:
            if key in OWN_LOOK:
                found.append(f"line {value.lineno}: {key}")
            sizes = []
            if key in FONTS and isinstance(value, ast.Dict):
                sizes = [v for k, v in zip(value.keys, value.values, strict=True) if _is(k, "size")]
            elif key.endswith("font_size"):
                sizes = [value]
            found += [f"line {v.lineno}: {key} size" for v in sizes if _number(v)]
    return found


def _is(node: ast.AST | None, text: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == text


def _number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, int | float)


@pytest.mark.parametrize("path", [p for p in FIGURE_SOURCES if p.name != "style.py"], ids=str)
def test_no_module_but_style_writes_the_look(path):
    assert look_written_in(ast.parse(path.read_text())) == []


def test_the_source_check_finds_a_figure_writing_its_own_look():
    tree = ast.parse(
        "fig.update_layout(margin={'t': 5}, legend=LEGEND)\n"
        "fig.add_annotation(text='x', font={'size': 9})\n"
        "fig.update_annotations(font_size=16)\n"
        "fig.update_layout(font_size=style.FONT_SIZE)\n"  # a style constant is the style's
    )
    assert look_written_in(tree) == [
        "line 1: margin",
        "line 1: legend",
        "line 2: font size",
        "line 3: font_size size",
    ]
