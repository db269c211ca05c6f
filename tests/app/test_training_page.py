"""AppTest: the training page trains through the shared pool, stops, caches, compares, explains.

Each test polls like the page's fragment does (one `at.run()` per poll) until its job ends. Every
test trains its own settings (a different weight seed), so the shared run cache cannot make one
test's result depend on another's.
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import core
from rnnviz.core.stacked import train_stacked
from rnnviz.files import export
from rnnviz.ui import state
from rnnviz.ui.training import fit, heldout, jobs
from rnnviz.ui.training import run as main_run

KEYS = {"run": jobs.RUN, "compare": jobs.COMPARE, "truncation": jobs.TRUNCATION}


def open_page(**query: str) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.query_params.update(query)
    at.switch_page("pages/training.py").run()  # a deep link: the page is the first thing run
    assert not at.exception
    return at


def button(at: AppTest, label: str, index: int = 0):
    return [b for b in at.button if b.label == label][index]


def finish(at: AppTest, what: str = "run", timeout: float = 240):
    """Rerun until the job under `what` has ended; returns its Tracked record."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = at.session_state[KEYS[what]]
        if not job.active:
            return job
        time.sleep(0.3)
        at.run()
    raise AssertionError(f"the {what} job did not finish in {timeout} s")


def windows():
    return core.make_windows(core.weather_series(), 5)


def spec_texts(at: AppTest) -> list[str]:
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def test_defaults_are_the_tutorials_and_say_train_equals_test():
    at = open_page()
    assert at.slider(key="w:hidden").value == 20
    assert at.select_slider(key="w:lr").value == 1e-4
    assert at.number_input(key="w:epochs").value == 2500
    assert at.toggle(key="w:clip_on").value is True
    assert at.number_input(key="w:clip").value == 1.0
    assert at.slider(key="w:seq").value == 5
    assert at.radio(key="w:update").value == "per-sample"
    assert at.radio(key="w:scaling").value == "raw"
    assert any("all 95 windows" in c.value and "same windows" in c.value for c in at.caption)
    assert any("tanh saturates" in c.value for c in at.caption)  # what raw inputs near 20 do
    assert any(r"at most $\eta$ per step" in c.value for c in at.caption)


def test_a_run_trains_in_the_pool_equals_core_train_and_is_handed_on():
    at = open_page(hidden="4", epochs="40", wseed="11")
    button(at, "Train").click().run()
    job = finish(at)
    assert job.state == "done" and not job.cached
    X, y = windows()
    params = core.init_params(4, seed=11)
    history = core.train(params, X, y, epochs=40)
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(job.result.params[name], params[name])
    np.testing.assert_array_equal(job.total_loss, history.total_loss)
    assert job.total_loss[-1] < job.total_loss[0]  # the loss fell

    assert any("40 epochs in" in s.value for s in at.success)
    # The honest measure: same windows for training and the tutorial's test, then fresh data.
    assert any("trains and tests on the same 95 windows" in m.value for m in at.markdown)
    assert any("decay from 20 towards 0" in c.value for c in at.caption)
    report = fit.fit_of(job.result)
    assert report.fresh_mse > report.baselines.noise_floor  # nothing beats the floor on 10,000 days
    fresh = " ".join(c.value for c in at.caption if "On fresh data" in c.value)
    assert f"{report.fresh_mse:.3f}" in fresh
    assert any(m.label == "Prediction for day 6" for m in at.metric)
    assert not at.exception

    trained = at.session_state[state.TRAINED_MODEL]
    assert "H = 4" in trained.label and trained.epochs_done == 40
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(trained.params[name], params[name])
    trained.params["W_hh"][0, 0] = 123.0  # a copy: the shared cached result is untouched
    assert job.result.params["W_hh"][0, 0] != 123.0


def test_a_new_session_with_the_same_link_gets_the_cached_run_at_once():
    first = open_page(hidden="3", epochs="30", wseed="12")
    button(first, "Train").click().run()
    trained = finish(first).result

    second = open_page(hidden="3", epochs="30", wseed="12")  # a reload, or another student
    job = second.session_state[jobs.RUN]
    assert job.cached and job.state == "done" and job.result is trained
    assert any("Already trained with these settings" in s.value for s in second.success)
    assert second.session_state[state.TRAINED_MODEL].epochs_done == 30

    button(second, "Train again live").click().run()
    again = finish(second)
    assert not again.cached
    for name in core.PARAM_NAMES:  # deterministic: the same numbers, trained again
        np.testing.assert_array_equal(again.result.params[name], trained.params[name])


def test_stop_keeps_the_partly_trained_model():
    at = open_page(hidden="48", epochs="10000", wseed="13")
    button(at, "Train").click().run()
    deadline = time.monotonic() + 240
    while at.session_state[jobs.RUN].epoch == 0:
        assert time.monotonic() < deadline, "training never reported progress"
        time.sleep(0.3)
        at.run()
    button(at, "Stop").click().run()
    job = at.session_state[jobs.RUN]
    assert job.state == "stopped" and 0 < job.epoch < 10_000
    assert any("partly trained model is kept" in w.value for w in at.warning)
    trained = at.session_state[state.TRAINED_MODEL]
    assert "stopped early" in trained.label
    assert trained.epochs_done == job.epoch
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(trained.params[name], job.params[name])
    assert any(m.label == "Prediction for day 6" for m in at.metric)  # the page shows it
    assert not at.exception
    at.run()  # polling has stopped: nothing changes any more
    assert at.session_state[jobs.RUN].epoch == job.epoch


def test_a_diverging_run_stops_cleanly_and_no_nan_reaches_a_chart():
    at = open_page(clip_on="0", lr="0.1", epochs="60", wseed="14")
    button(at, "Train").click().run()
    job = finish(at)
    assert job.result.diverged
    assert any("diverged" in e.value for e in at.error)
    explanation = " ".join(m.value for m in at.markdown if "What happened" in m.value)
    assert r"at most $\eta$" in explanation and "Without clipping" in explanation
    for spec in spec_texts(at):
        assert "NaN" not in spec and "Infinity" not in spec
    assert not at.exception


def test_compared_runs_each_equal_training_alone():
    at = open_page(hidden="3", epochs="15", wseed="15")
    button(at, "Train the compared runs").click().run()
    job = finish(at, "compare")
    assert [run.request.lr for run in job.result.runs] == [1e-4, 1e-3, 1e-2]
    X, y = windows()
    for run in job.result.runs:
        params = core.init_params(3, seed=15)
        core.train(params, X, y, epochs=15, lr=run.request.lr)
        for name in core.PARAM_NAMES:
            np.testing.assert_allclose(run.params[name], params[name], rtol=0, atol=1e-9)
    table = at.dataframe[0].value
    assert list(table["run"]) == ["η = 1e-4", "η = 1e-3", "η = 1e-2"]
    assert table["fresh-data MSE (°C²)"].notna().all()
    # the gradient-norm heatmap
    assert any(r"\lVert \partial L / \partial h_t \rVert" in c.value for c in at.caption)
    assert not at.exception


def test_truncation_experiment_reports_what_it_measured():
    at = open_page(hidden="3", epochs="10", wseed="16")
    button(at, "Run the experiment").click().run()
    job = finish(at, "truncation")
    assert [run.request.truncate for run in job.result.runs] == [1, 2, 3, None]
    X, y = windows()
    start = core.init_params(3, seed=16)
    alone = [core.copy_params(start) for _ in range(4)]
    train_stacked(alone, X, y, epochs=10, truncate=[1, 2, 3, None])
    for run, params in zip(job.result.runs, alone, strict=True):
        np.testing.assert_allclose(run.params["W_hh"], params["W_hh"], rtol=0, atol=1e-12)
    sentence = " ".join(c.value for c in at.caption if c.value.startswith("Measured on"))
    assert "k = 1" in sentence and "full BPTT" in sentence and "one-lag" in sentence
    assert not at.exception


def test_settings_travel_in_the_link_and_bad_links_fall_back():
    at = open_page()
    at.slider(key="w:hidden").set_value(8).run()
    assert at.query_params["hidden"] == "8"
    bad = open_page(hidden="999", update="sideways")
    assert bad.slider(key="w:hidden").value == 20
    assert bad.radio(key="w:update").value == "per-sample"
    assert sum("was ignored" in w.value for w in bad.warning) == 2


def test_a_window_longer_than_the_series_is_put_back_with_a_notice():
    at = open_page(n="8", seq="12")
    assert at.slider(key="w:seq").value == 5
    assert any("window length was set to 5" in w.value for w in at.warning)
    assert not at.exception


@pytest.mark.parametrize(("mode", "batch"), [("mini-batch", 10), ("full batch", 95)])
def test_update_modes_train_as_core_train_with_that_batch_size(mode, batch):
    at = open_page(update=mode, batch="10", hidden="3", epochs="6", wseed="17")
    button(at, "Train").click().run()
    job = finish(at)
    X, y = windows()
    params = core.init_params(3, seed=17)
    core.train(params, X, y, epochs=6, batch_size=batch)
    for name in core.PARAM_NAMES:
        np.testing.assert_array_equal(job.result.params[name], params[name])


def test_students_who_train_at_once_train_together_none_waits_for_another():
    first = open_page(hidden="48", epochs="10000", wseed="18")
    button(first, "Train").click().run()
    assert any("Starting" in i.value for i in first.info)  # joins at the next epoch
    deadline = time.monotonic() + 240
    while first.session_state[jobs.RUN].state != "running":  # the worker has it
        assert time.monotonic() < deadline, "the first training never started"
        time.sleep(0.3)
        first.run()
    second = open_page(hidden="2", epochs="5", wseed="18")
    button(second, "Train").click().run()
    third = open_page(hidden="2", epochs="5", wseed="19")
    button(third, "Train").click().run()
    # Both short runs end while the long one still trains: nobody waited in a queue.
    assert finish(second).state == "done" and finish(third).state == "done"
    first.run()
    assert first.session_state[jobs.RUN].state == "running"
    assert any("s left" in p.proto.text for p in first.get("progress"))  # an honest ETA
    button(first, "Stop").click().run()
    assert first.session_state[jobs.RUN].state == "stopped"


def test_the_exported_script_reproduces_the_stopped_model_the_page_shows(tmp_path):
    at = open_page(hidden="3", epochs="10000", wseed="19")
    button(at, "Train").click().run()
    deadline = time.monotonic() + 240
    while at.session_state[jobs.RUN].epoch == 0:
        assert time.monotonic() < deadline, "training never reported progress"
        time.sleep(0.2)
        at.run()
    button(at, "Stop").click().run()
    job = at.session_state[jobs.RUN]
    shown = main_run.main_result(job)
    settings = export.export_settings(shown)
    assert settings["epochs"] == job.epoch  # the script trains what was kept, not all 10,000
    assert [d.label for d in at.get("download_button")] == [
        "Settings (JSON)",
        "Loss history (CSV)",
        "Predictions (CSV)",
        "Standalone script (.zip)",
    ]
    with zipfile.ZipFile(io.BytesIO(export.run_bundle(settings))) as bundle:
        bundle.extractall(tmp_path)
    script = tmp_path / "rnn_run.py"
    out = tmp_path / "params.npz"
    subprocess.run([sys.executable, str(script), "--out", str(out)], check=True, cwd=tmp_path)
    saved = np.load(out)
    for name in core.PARAM_NAMES:
        np.testing.assert_allclose(saved[name], shown.params[name], rtol=0, atol=1e-12)
    np.testing.assert_allclose(saved["total_loss"], shown.total_loss, rtol=1e-12)


def test_a_standardised_run_shows_its_loss_in_degrees_squared():
    at = open_page(scaling="standardised", hidden="3", epochs="20", wseed="20")
    button(at, "Train").click().run()
    result = finish(at).result
    assert result.scaler.std > 1  # the tutorial's series spreads far more than 1 °C
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)  # the loss curve comes first
    y = spec["data"][0]["y"]
    if isinstance(y, dict):  # plotly ships numpy arrays base64-encoded
        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
    np.testing.assert_allclose(y, result.mean_loss * result.scaler.std**2)
    # The model reads (T − mean) / std: the pages it is handed to need to know.
    trained = at.session_state[state.TRAINED_MODEL]
    assert trained.request.scaling == "standardised"
    assert trained.scaler == result.scaler


def test_the_loss_curves_numbers_are_a_table_on_request():
    at = open_page(hidden="3", epochs="25", wseed="21")
    button(at, "Train").click().run()
    result = finish(at).result
    assert not any("trace" in d.value.columns for d in at.dataframe)  # off: no table is built
    at.toggle(key="numbers:training_loss").set_value(True).run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if "trace" in d.value.columns]
    assert len(tables) == 1
    loss = tables[0][tables[0]["trace"] == "mean loss per window"]
    assert list(loss["x"]) == list(range(1, 26))  # one row per plotted epoch
    assert np.isfinite(loss["y"]).all()
    np.testing.assert_allclose(loss["y"], result.mean_loss * result.scaler.std**2)


def test_real_weather_is_measured_on_a_held_out_tail_with_the_fast_settings():
    at = open_page(data="seattle-max", holdout="20", scaling="standardised", wseed="23")
    # The tutorial's 2,500 per-sample epochs on 1,165 windows: the page says how long, and
    # offers settings that give a first result in seconds.
    assert any("Expected: about" in i.value and "1,165 windows" in i.value for i in at.info)
    button(at, "Use the fast settings").click().run()
    v = at.session_state["settings"]
    assert (v["update"], v["batch"], v["lr"], v["epochs"]) == ("mini-batch", 32, 1e-2, 300)
    button(at, "Train").click().run()
    job = finish(at)
    assert job.state == "done" and not at.exception
    report = heldout.report_of(job.result)
    assert report.split.n_test == 291 and report.target.shape == (291,)
    text = " ".join(m.value for m in at.markdown)
    assert '"tomorrow = today"' in text and "held-out days" in text  # the one sentence
    assert "circular block bootstrap" in text
    assert "last 291 days" in text
    assert any("four simple rules" in c.value for c in at.caption)
    assert not any(r"\sigma^2" in c.value for c in at.caption)  # no noise floor: real weather
    assert not any("fresh, long series" in m.value for m in at.markdown)
