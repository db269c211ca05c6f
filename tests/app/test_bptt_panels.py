"""AppTest: the BPTT page's gradient panels render, follow their settings, and Apply takes the
engine's SGD step."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import core
from rnnviz.core import memory

X, Y = core.make_windows(core.weather_series(), 5)


def gradcheck_tables(at):
    """The gradient check's tables (charts' "Show the numbers" tables have no parameter column)."""
    return [df.value for df in at.dataframe if "parameter" in df.value.columns]


def panels(hidden: int = 1, params: dict | None = None) -> AppTest:
    at = AppTest.from_file("bptt_panels_app.py", default_timeout=30)
    at.session_state["test_hidden"] = hidden
    if params is not None:
        at.session_state["test_params"] = params
    return at.run()


def decode(values) -> np.ndarray:
    if isinstance(values, dict):  # plotly ships numpy arrays base64-encoded
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def chart(at: AppTest, index: int) -> list[dict]:
    """The traces of the index-th Plotly chart (0: memory, 1: gradient check, 2: clipping)."""
    return json.loads(at.get("plotly_chart")[index].proto.spec)["data"]


def long_window(length: int) -> tuple[np.ndarray, float]:
    Xl, yl = core.make_windows(core.weather_series(n=length + 1), length)
    return Xl[0], float(yl[0])


@pytest.mark.parametrize("hidden", [1, 4])
def test_every_panel_renders_without_exception(hidden):
    at = panels(hidden)
    assert not at.exception and not at.error
    assert [h.value for h in at.subheader] == [
        "Vanishing and exploding gradients",
        "Check BPTT against finite differences",
        "Clipping and one SGD step",
    ]
    assert len(at.get("plotly_chart")) == 3


def test_memory_chart_follows_the_sequence_length_and_the_scale():
    at = panels(1)
    x, target = long_window(50)  # the defaults: T = 50, W_hh = 1
    report = memory.memory_report(core.init_params(1, seed=0), x, target, 1.0)
    np.testing.assert_array_equal(decode(chart(at, 0)[0]["y"]), report.norms)

    at.slider(key="w:vg_len").set_value(20).run()
    x, target = long_window(20)
    report = memory.memory_report(core.init_params(1, seed=0), x, target, 1.0)
    norms = decode(chart(at, 0)[0]["y"])
    assert norms.shape == (20,)
    np.testing.assert_array_equal(norms, report.norms)

    at.slider(key="w:vg_scale").set_value(3.0).run()
    report = memory.memory_report(core.init_params(1, seed=0), x, target, 3.0)
    np.testing.assert_array_equal(decode(chart(at, 0)[0]["y"]), report.norms)
    assert "Surprise" in " ".join(m.value for m in at.markdown)
    assert at.session_state["settings"]["vg_len"] == 20
    assert at.query_params["vg_scale"] == "3.0"  # the setting travels in the link


def test_gradcheck_table_is_core_grad_check():
    params = core.init_params(1, seed=0)
    at = panels(1)
    report = core.grad_check(params, X[:1], Y[:1])
    table = gradcheck_tables(at)[0]
    for name in core.PARAM_NAMES:
        row = table[table["parameter"] == name]
        assert row["BPTT gradient g"].item() == report.analytic[name].item()
        assert row["finite difference fd"].item() == report.numeric[name].item()
        assert row["error"].item() == report.error[name].item()
        assert row["pass"].item() == "✓"
    assert any("All 5 entries pass" in s.value for s in at.success)


def test_gradcheck_for_h_above_one_summarises_with_all_entries_in_an_expander():
    at = panels(3)
    summary = gradcheck_tables(at)[0]
    assert list(summary["parameter"]) == list(core.PARAM_NAMES)
    assert len(gradcheck_tables(at)[1]) == 3 * 3 + 3 * 3 + 1


def test_apply_calls_on_apply_with_core_sgd_step():
    params = core.init_params(1, seed=0)
    at = panels(1)
    at.button(key="bptt_panels:apply").click().run()
    expected = core.copy_params(params)
    loss_before = core.sgd_step(expected, X[0], [Y[0]], lr=1e-4, clip=1.0)
    applied = at.session_state["test_applied"]
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(applied[name], expected[name])
    loss_after = core.mse(expected, X[:1], Y[:1])
    (message,) = [s.value for s in at.success if "Step applied" in s.value]
    assert f"{loss_before:.8g}" in message and f"{loss_after:.8g}" in message
    # The panels now show the updated model: its loss is the next step's "now".
    assert at.metric[0].value == f"{loss_after:.8g}"


def test_learning_rate_and_clipping_settings_drive_the_step():
    params = core.init_params(2, seed=0)
    at = panels(2)
    at.number_input(key="w:sgd_lr").set_value(1e-3).run()
    at.toggle(key="w:sgd_clip_on").set_value(False).run()
    before, after = chart(at, 2)[:2]
    np.testing.assert_array_equal(decode(before["y"]), decode(after["y"]))  # nothing clipped
    at.button(key="bptt_panels:apply").click().run()
    expected = core.copy_params(params)
    core.sgd_step(expected, X[0], [Y[0]], lr=1e-3, clip=None)
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(at.session_state["test_applied"][name], expected[name])


def test_a_broken_model_shows_sentences_not_tracebacks():
    params = core.init_params(1, seed=0)
    params["W_hh"] = np.array([[np.nan]])
    at = panels(1, params)
    assert not at.exception
    assert len(at.error) == 3 and all("NaN" in e.value for e in at.error)


def test_a_refused_apply_is_a_sentence_and_keeps_the_model():
    at = panels(1)
    at.session_state["test_refuse"] = True
    at.button(key="bptt_panels:apply").click().run()
    assert not at.exception and "test_applied" not in at.session_state
    assert any("not applied" in e.value and "locked" in e.value for e in at.error)
