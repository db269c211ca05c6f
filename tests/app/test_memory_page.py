"""AppTest: page 5 trains the RNN, the LSTM and the GRU through the shared pool, each exactly
`RecallRequest.execute()`, and shows their curves, held-out errors, gradients per timestep and
gates; its settings live in the URL, bad links fall back with a notice."""

from __future__ import annotations

import base64
import json
import time

import numpy as np
from streamlit.testing.v1 import AppTest

from rnnviz import core
from rnnviz.runs.recall import RecallRequest, RecallResult
from rnnviz.text import gates as text_gates
from rnnviz.ui import presenter
from rnnviz.ui.memory import live

KEYS = live.KEYS


def open_page(**query: str) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.query_params.update(query)
    at.switch_page("pages/memory.py").run()
    assert not at.exception
    return at


def train(at: AppTest, timeout: float = 240) -> dict:
    """Press Train and rerun (as the page's fragment polls) until the three jobs end."""
    next(b for b in at.button if b.label == "Train the three cells").click().run()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = {cell: at.session_state[key] for cell, key in KEYS.items()}
        if not any(job.active for job in jobs.values()):
            return jobs
        time.sleep(0.3)
        at.run()
    raise AssertionError("the three cells did not finish")


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def trace_names(at: AppTest) -> set[str]:
    return {trace.get("name") for spec in charts(at) for trace in spec["data"]}


def test_the_defaults_are_the_studys_and_say_what_is_measured():
    at = open_page()
    assert at.slider(key="w:mem_T").value == 16
    assert at.slider(key="w:mem_k").value == 8
    assert at.slider(key="w:mem_h").value == 20
    assert at.number_input(key="w:mem_epochs").value == 1200
    assert at.select_slider(key="w:mem_lr_lstm").value == 0.3
    sizes = at.dataframe[0].value
    assert list(sizes["parameters"]) == ["461", "1,861", "1,401"]
    assert any("What the study measured" == s.value for s in at.subheader)
    assert not at.get("plotly_chart")  # nothing trained yet, nothing drawn


def test_the_three_cells_train_in_the_pool_and_the_page_shows_their_gradients():
    at = open_page(mem_epochs="12", mem_h="3", mem_T="6", mem_k="4", mem_seed="31")
    jobs = train(at)
    for cell, job in jobs.items():
        assert job.state == "done" and isinstance(job.result, RecallResult)
        request = job.request
        assert request == RecallRequest(
            cell=cell,
            hidden_size=3,
            lag=4,
            seq_len=6,
            epochs=12,
            lr={"rnn": 0.03}.get(cell, 0.3),
            seed=31,
            task_seed=31,
            init="tutorial" if cell == "rnn" else "pytorch",
        )
        alone = request.execute()
        for name in core.param_names(cell):
            np.testing.assert_array_equal(job.result.params[name], alone.params[name])
        np.testing.assert_array_equal(job.result.total_loss, alone.total_loss)
    at.run()
    assert not at.exception
    names = trace_names(at)
    assert {"|∂L/∂x_t|, LSTM", "‖∂L/∂h_t‖, RNN", "‖∂L/∂c_t‖ (the LSTM's cell), LSTM"} <= names
    assert "no memory: 1 + σ_ε² = 1.01" in names
    assert {"forget gate f_t", "update gate z_t", "cell state c_t"} <= names
    subheaders = [s.value for s in at.subheader]
    assert "Where the gradient dies" in subheaders and "The same model in PyTorch" in subheaders
    assert any("nn.LSTM(input_size=1, hidden_size=3" in code.value for code in at.code)
    verdict = next(m.value for m in at.markdown if m.value.startswith("- **RNN**"))
    mse = jobs["rnn"].result.held_out_mse
    assert f"held-out MSE ${mse:#.4g}$" in verdict.replace("−", "-")


def plotted(values) -> np.ndarray:
    """A trace's values from a chart's JSON spec (plotly ships arrays base64-encoded)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def test_the_loss_chart_is_each_cells_history_per_window():
    at = open_page(mem_epochs="10", mem_h="2", mem_T="5", mem_k="2", mem_seed="32")
    jobs = train(at)
    at.run()
    spec = next(c for c in charts(at) if any(t.get("name") == "RNN" for t in c["data"]))
    lines = {trace["name"]: trace for trace in spec["data"]}
    for cell, label in text_gates.NAMES.items():
        result = jobs[cell].result
        np.testing.assert_array_equal(plotted(lines[label]["y"]), result.total_loss / 96)
        np.testing.assert_array_equal(plotted(lines[label]["x"]), np.arange(1, 11))


def test_equal_parameters_and_the_rnns_initialisation_travel_in_the_url():
    at = open_page(mem_h="10")
    at.radio(key="w:mem_size").set_value("equal parameters").run()
    at.radio(key="w:mem_rnn_init").set_value("pytorch").run()
    sizes = at.dataframe[0].value
    counts = [int(c.replace(",", "")) for c in sizes["parameters"]]
    assert list(sizes["H"]) == [22, 10, 12]  # the RNN and the GRU grown to the LSTM's count
    assert max(counts) - min(counts) < 0.1 * counts[1]
    assert list(sizes["initialisation"]) == ["PyTorch's"] * 3
    assert at.query_params["mem_size"] == "equal parameters"
    assert at.query_params["mem_rnn_init"] == "pytorch" and at.query_params["mem_h"] == "10"


def test_a_link_that_reaches_before_the_window_is_mended_with_a_notice():
    at = open_page(mem_T="6", mem_k="20")
    assert at.slider(key="w:mem_k").value == 6
    assert any("$k$ was set to 6" in w.value for w in at.warning)
    bad = open_page(mem_h="banana", mem_epochs="999999")
    assert bad.slider(key="w:mem_h").value == 20
    assert bad.number_input(key="w:mem_epochs").value == 1200
    assert sum("was ignored" in w.value for w in bad.warning) == 2


def test_a_session_reopening_the_link_gets_the_cached_runs_at_once():
    query = {"mem_epochs": "10", "mem_h": "2", "mem_T": "4", "mem_k": "3", "mem_seed": "33"}
    first = open_page(**query)
    train(first)
    again = open_page(**query)
    jobs = {cell: again.session_state[key] for cell, key in KEYS.items()}
    assert all(job.cached and job.state == "done" for job in jobs.values())
    assert any(b.label == "Train again live" for b in again.button)


def test_a_student_follows_the_teacher_onto_page_5_and_its_settings():
    teacher = open_page()
    next(b for b in teacher.button if b.label == "Open a room (teacher)").click().run()
    code = teacher.session_state[presenter.TEACHER].code
    student = AppTest.from_file("../../app.py", default_timeout=60)
    student.run()
    next(t for t in student.text_input if t.label == "Room code").set_value(code).run()
    assert student.title[0].value == "5 · Longer memory: why gates"
    teacher.slider(key="w:mem_k").set_value(3).run()
    teacher.radio(key="w:mem_size").set_value("equal parameters").run()
    student.run()
    assert student.slider(key="w:mem_k").value == 3
    assert student.radio(key="w:mem_size").value == "equal parameters"
    assert not student.exception
