"""rnnviz.files.export: settings as JSON, loss history and predictions as CSV, and a standalone
script that reproduces the run without rnnviz (run here in a subprocess where rnnviz cannot be
imported).
"""

import io
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from rnnviz import core
from rnnviz.files import export
from rnnviz.runs import TrainRequest

NAMES = core.PARAM_NAMES


def train_like_the_app(settings):
    """core.train with the settings, as the app trains: (params, History)."""
    s = export.normalise_settings(settings)
    temps = core.weather_series(**export.series_kwargs(s))
    X, y = core.make_windows(temps, s["seq_len"])
    scaling = core.Scaling.named(s["scaling"], temps)
    params = core.init_params(s["hidden_size"], seed=s["seed"])
    history = core.train(
        params,
        scaling.scale(X),
        scaling.scale(y),
        epochs=s["epochs"],
        lr=s["lr"],
        clip=s["clip"],
        batch_size=X.shape[0] if s["batch_size"] == 0 else s["batch_size"],
        truncate=s["truncate"],
    )
    return params, history


# rnnviz is installed in the test environment (editable), so the script runs behind a launcher
# that refuses any import of rnnviz: the script must need nothing but NumPy and the stdlib.
BLOCK_RNNVIZ = """
import runpy, sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "rnnviz":
            raise ModuleNotFoundError("No module named 'rnnviz'")

sys.meta_path.insert(0, Refuse())
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def isolated_env():
    """The environment minus anything that could add to the import path."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def run_isolated(tmp_path, *args):
    """`python -I` (no PYTHONPATH, no user site, not even the script's directory on sys.path)
    running `args` behind the launcher that refuses rnnviz."""
    return subprocess.run(
        [sys.executable, "-I", "-c", BLOCK_RNNVIZ, *args],
        cwd=tmp_path,
        env=isolated_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_script(tmp_path, settings):
    """Write the exported script to a temp dir and run it there, where rnnviz cannot be
    imported."""
    text = export.reproduce_script(settings)
    assert "import rnnviz" not in text and "from rnnviz" not in text
    script = tmp_path / "rnn_run.py"
    script.write_text(text)
    done = run_isolated(tmp_path, str(script), "--out", "params.npz")
    assert done.returncode == 0, done.stderr
    with np.load(tmp_path / "params.npz") as saved:
        return {name: saved[name] for name in saved.files}, done.stdout


def test_rnnviz_is_not_importable_where_the_script_runs(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import numpy\nimport rnnviz\n")
    done = run_isolated(tmp_path, str(probe))
    assert done.returncode != 0 and "No module named 'rnnviz'" in done.stderr
    probe.write_text("import numpy\nprint('numpy is there')\n")
    assert run_isolated(tmp_path, str(probe)).stdout == "numpy is there\n"


@pytest.mark.parametrize(
    "settings",
    [
        {"epochs": 20},  # the tutorial's run, shortened
        {  # mini-batches, standardised inputs, truncation, no clipping, another series
            "epochs": 20,
            "batch_size": 8,
            "scaling": "standardised",
            "truncate": 2,
            "clip": None,
            "lr": 1e-2,
            "hidden_size": 6,
            "seq_len": 4,
            "seed": 3,
            "series": {"seed": 5, "mu": 15.0, "n": 80, "phi1": 0.5, "phi2": 0.3},
        },
        {"epochs": 10, "batch_size": 0, "hidden_size": 5, "lr": 1e-3},  # full batch
    ],
)
def test_the_script_reproduces_the_run_without_rnnviz(tmp_path, settings):
    saved, stdout = run_script(tmp_path, settings)
    params, history = train_like_the_app(settings)
    for name in NAMES:
        assert saved[name].shape == params[name].shape
        assert np.abs(saved[name] - params[name]).max() <= 1e-12, name
    np.testing.assert_allclose(saved["total_loss"], history.total_loss, rtol=1e-12)
    assert f"epochs completed: {history.epochs_completed} of" in stdout
    assert "final total_loss" in stdout and "W_hh" in stdout


@pytest.mark.parametrize("batch_size", [1, 8])
def test_the_script_reproduces_a_diverging_run(tmp_path, batch_size):
    settings = {"epochs": 30, "lr": 10.0, "clip": None, "batch_size": batch_size}
    saved, stdout = run_script(tmp_path, settings)
    params, history = train_like_the_app(settings)
    assert history.diverged and "diverged" in stdout
    for name in NAMES:
        np.testing.assert_allclose(saved[name], params[name], rtol=1e-12, atol=0)
    assert len(saved["total_loss"]) == history.epochs_completed


def test_the_app_trains_what_the_export_describes():
    # The app's own path (rnnviz.runs.TrainRequest) agrees with `train_like_the_app`, so the
    # script matches what the app shows.
    settings = {"epochs": 5, "scaling": "standardised", "batch_size": 0, "hidden_size": 4}
    s = export.normalise_settings(settings)
    run_settings = {k: v for k, v in s.items() if k != "series"}
    run_settings["batch_size"] = run_settings["batch_size"] or None  # the export spells it 0
    request = TrainRequest(series=tuple(sorted(s["series"].items())), **run_settings)
    result = request.execute()
    params, history = train_like_the_app(settings)
    for name in NAMES:
        np.testing.assert_array_equal(result.params[name], params[name])
    np.testing.assert_array_equal(result.total_loss, history.total_loss)


# ---- settings, history and predictions as text -------------------------------------------------


def test_settings_json_round_trips_exactly():
    settings = {"lr": 0.1 + 0.2, "clip": None, "series": [("sigma", 0.3), ("seed", 9)]}
    text = export.settings_json(settings)
    back = json.loads(text)
    assert back == export.normalise_settings(settings)
    assert back["lr"] == 0.1 + 0.2 and back["clip"] is None and back["series"]["seed"] == 9
    assert back["series"]["phi1"] == 0.7 and back["epochs"] == 2500  # defaults filled in
    assert export.normalise_settings(back) == back


@pytest.mark.parametrize(
    "settings, fragment",
    [
        ({"learning_rate": 0.1}, "Unknown run setting"),
        ({"series": {"phi": 0.7}}, "Unknown series setting"),
        ({"lr": 0}, "learning rate"),
        ({"scaling": "minmax"}, "Input scaling"),
        ({"epochs": 2.5}, "whole number"),
    ],
)
def test_bad_settings_are_refused_with_a_sentence(settings, fragment):
    with pytest.raises(ValueError, match=fragment):
        export.normalise_settings(settings)


def test_history_csv_reads_back_exactly():
    X, y = core.make_windows(core.weather_series(), 5)
    params = core.init_params(4, seed=0)
    history = core.train(params, X, y, epochs=4)
    frame = pd.read_csv(io.StringIO(export.history_csv(history.total_loss, 95)))
    assert list(frame.columns) == ["epoch", "total_loss", "mean_loss"]
    assert frame["epoch"].tolist() == [1, 2, 3, 4]
    np.testing.assert_array_equal(frame["total_loss"], history.total_loss)
    np.testing.assert_array_equal(frame["mean_loss"], history.mean_loss)


def test_predictions_csv_lines_up_windows_days_and_targets():
    temps = core.weather_series()
    X, y = core.make_windows(temps, 5)
    pred = core.predict(core.init_params(3, seed=0), X)
    frame = pd.read_csv(io.StringIO(export.predictions_csv(temps, pred, 5)))
    assert list(frame.columns) == [
        "window",
        "first_day",
        "target_day",
        "target",
        "prediction",
        "error",
    ]
    first = frame.iloc[0]
    assert (first["window"], first["first_day"], first["target_day"]) == (1, 1, 6)
    assert first["target"] == temps[5]  # days 1-5 predict day 6
    np.testing.assert_array_equal(frame["prediction"], pred)
    np.testing.assert_array_equal(frame["error"], pred - y)
    with pytest.raises(ValueError, match="95 predictions"):
        export.predictions_csv(temps, pred[:-1], 5)
