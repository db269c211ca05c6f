"""rnnviz.files.export: settings as JSON, loss history and predictions as CSV, and the ZIP whose
`rnn_run.py` trains a run again without rnnviz (run here from the extracted ZIP, in a subprocess
where rnnviz cannot be imported).
"""

import ast
import dataclasses
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnnviz import core
from rnnviz.files import export, rnn_run
from rnnviz.runs import TrainRequest

NAMES = core.PARAM_NAMES
SCRIPT = Path(export.__file__).with_name("rnn_run.py")


# TrainRequest's full-batch batch_size. The lead is changing it from 0 to None; this line follows.
def train_like_the_app(settings, series=None):
    """core.train with the settings, on `series` or the generated one: (params, History)."""
    s = export.normalise_settings(settings)
    temps = core.weather_series(**export.series_kwargs(s)) if series is None else series
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
        batch_size=X.shape[0] if s["batch_size"] is None else s["batch_size"],
        truncate=s["truncate"],
    )
    return params, history


def request_for(settings, observed=None):
    """The app's TrainRequest for these settings (and an uploaded series, a tuple)."""
    s = export.normalise_settings(settings)
    run = {name: value for name, value in s.items() if name != "series"}
    return TrainRequest(series=tuple(sorted(s["series"].items())), observed=observed, **run)


def sine_with_noise(n):
    """A series the AR(2) generator cannot make: a 30-day cycle plus noise."""
    days = np.arange(n)
    return 12.0 + 8.0 * np.sin(2 * np.pi * days / 30) + np.random.default_rng(7).normal(0, 1, n)


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


def run_isolated(cwd, *args):
    """`python -I` (no PYTHONPATH, no user site, not even the script's directory on sys.path)
    running `args` behind the launcher that refuses rnnviz."""
    return subprocess.run(
        [sys.executable, "-I", "-c", BLOCK_RNNVIZ, *args],
        cwd=cwd,
        env=isolated_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def unzip(bundle, folder):
    """Extract the ZIP `bundle` (bytes) into `folder`; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        archive.extractall(folder)
    return folder


def run_script(tmp_path, folder, *options):
    """Run `folder`/rnn_run.py from another directory (it finds its files beside itself), where
    rnnviz cannot be imported: (saved parameters and total_loss, stdout)."""
    out = tmp_path / "params.npz"
    done = run_isolated(tmp_path, str(folder / "rnn_run.py"), *options, "--out", str(out))
    assert done.returncode == 0, done.stderr
    with np.load(out) as saved:
        return {name: saved[name] for name in saved.files}, done.stdout


def run_bundle(tmp_path, settings, series=None):
    """The exported ZIP, extracted into a folder of its own and run: (saved, stdout)."""
    folder = unzip(export.run_bundle(settings, series), tmp_path / "rnn_run")
    return run_script(tmp_path, folder)


def assert_same_run(saved, params, total_loss):
    """The script's numbers are the app's, to the last digit."""
    for name in NAMES:
        assert saved[name].shape == params[name].shape, name
        np.testing.assert_array_equal(saved[name], params[name], err_msg=name)
    np.testing.assert_array_equal(saved["total_loss"], total_loss)


# ---- the script reproduces the app's training ---------------------------------------------------


def test_rnnviz_is_not_importable_where_the_script_runs(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import numpy\nimport rnnviz\n")
    done = run_isolated(tmp_path, str(probe))
    assert done.returncode != 0 and "No module named 'rnnviz'" in done.stderr
    probe.write_text("import numpy\nprint('numpy is there')\n")
    assert run_isolated(tmp_path, str(probe)).stdout == "numpy is there\n"


def test_the_script_imports_only_numpy_and_the_standard_library():
    imported = set()
    for node in ast.walk(ast.parse(SCRIPT.read_text(), str(SCRIPT))):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add("." if node.level else node.module.split(".")[0])
    assert "numpy" in imported
    assert not imported - {"numpy"} - set(sys.stdlib_module_names), imported


MODES = {
    "per-sample": {"epochs": 20},  # the tutorial's run, shortened
    "mini-batch": {"epochs": 20, "batch_size": 8, "lr": 1e-3},
    "full batch": {"epochs": 10, "batch_size": None, "hidden_size": 5, "lr": 1e-3},
    "no clipping": {"epochs": 20, "clip": None, "hidden_size": 8},
    "truncated": {"epochs": 20, "truncate": 2},
    "truncated mini-batch": {"epochs": 20, "truncate": 1, "batch_size": 16, "lr": 1e-3},
    "standardised": {"epochs": 20, "scaling": "standardised", "lr": 1e-2},
    "all at once": {
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
}


@pytest.mark.parametrize("settings", MODES.values(), ids=MODES.keys())
def test_the_script_reproduces_the_run_without_rnnviz(tmp_path, settings):
    saved, stdout = run_bundle(tmp_path, settings)
    params, history = train_like_the_app(settings)
    assert_same_run(saved, params, history.total_loss)
    assert f"epochs completed: {history.epochs_completed} of" in stdout
    assert "generated from the settings" in stdout
    assert "final total_loss" in stdout and "W_hh" in stdout


@pytest.mark.parametrize("batch_size", [1, 8])
def test_the_script_reproduces_a_diverging_run(tmp_path, batch_size):
    settings = {"epochs": 30, "lr": 10.0, "clip": None, "batch_size": batch_size}
    saved, stdout = run_bundle(tmp_path, settings)
    params, history = train_like_the_app(settings)
    assert history.diverged and "diverged" in stdout
    assert_same_run(saved, params, history.total_loss)


@pytest.mark.parametrize(
    "n, settings",
    [
        (40, {"epochs": 15, "scaling": "standardised", "lr": 1e-2, "hidden_size": 4}),
        (250, {"epochs": 5, "batch_size": 16, "truncate": 3, "lr": 1e-3, "seq_len": 7}),
    ],
)
def test_an_uploaded_series_travels_as_series_csv_and_is_trained_on_exactly(tmp_path, n, settings):
    values = tuple(sine_with_noise(n).tolist())
    result = request_for(settings, observed=values).execute()  # the app's own path
    exported = export.export_settings(result)
    assert "observed" not in exported and exported["series"]["n"] == 100  # not this series's n
    saved, stdout = run_bundle(tmp_path, exported, series=result.request.observed)
    assert_same_run(saved, result.params, result.total_loss)
    assert f"series: {n} days, read from" in stdout and "series.csv" in stdout


def test_a_held_out_tail_and_filled_gaps_are_reproduced_exactly(tmp_path):
    """Gaps refilled on each side of the split, standardisation fitted before the tail, and
    only the windows before the tail trained on: the script does what the app did."""
    values = np.array(sine_with_noise(300))
    values[[40, 41, 250]] = 0.0  # placeholders for three empty days, refilled by the request
    request = dataclasses.replace(
        request_for({"epochs": 8, "scaling": "standardised", "lr": 1e-2, "hidden_size": 4}),
        observed=tuple(values.tolist()),
        filled=(40, 41, 250),
        holdout=20,
    )
    result = request.execute()
    exported = export.export_settings(result)
    assert exported["holdout"] == 20 and "filled" not in exported
    saved, stdout = run_bundle(tmp_path, exported, series=request.temperatures())
    assert_same_run(saved, result.params, result.total_loss)
    assert f"{len(result.request.data()[1])} windows" in stdout  # the training windows only


def test_a_stopped_run_exports_the_epochs_it_completed_and_the_script_ends_at_its_model(tmp_path):
    request = request_for({"epochs": 50, "hidden_size": 3, "seed": 4})
    result = request.execute(report=lambda progress: True)  # Stop at the first report
    assert result.stopped_early and 1 <= len(result.total_loss) < 50
    exported = export.export_settings(result)
    assert exported["epochs"] == len(result.total_loss)
    saved, _ = run_bundle(tmp_path, exported)
    assert_same_run(saved, result.params, result.total_loss)


def test_a_legacy_zero_batch_size_is_full_batch_like_null(tmp_path):
    settings = MODES["full batch"]
    folder = unzip(export.run_bundle(settings), tmp_path / "rnn_run")
    written = json.loads((folder / "settings.json").read_text())
    assert written["batch_size"] is None  # null in the file
    written["batch_size"] = 0  # as exports before the change wrote it
    (folder / "settings.json").write_text(json.dumps(written))
    saved, _ = run_script(tmp_path, folder)
    params, history = train_like_the_app(settings)
    assert_same_run(saved, params, history.total_loss)


def test_settings_and_series_can_be_named_on_the_command_line(tmp_path):
    n, settings = 60, {"epochs": 5, "hidden_size": 4, "batch_size": 10, "lr": 1e-3}
    temps = sine_with_noise(n)
    bundle = unzip(export.run_bundle(settings, temps), tmp_path / "bundle")
    alone = tmp_path / "script"  # the script alone: nothing beside it
    alone.mkdir()
    (alone / "rnn_run.py").write_bytes((bundle / "rnn_run.py").read_bytes())
    saved, stdout = run_script(
        tmp_path,
        alone,
        "--settings",
        str(bundle / "settings.json"),
        "--series",
        str(bundle / "series.csv"),
    )
    params, history = train_like_the_app(settings, temps)
    assert_same_run(saved, params, history.total_loss)
    assert f"series: {n} days, read from" in stdout


def test_bad_settings_end_the_script_with_one_sentence_not_a_traceback(tmp_path):
    folder = unzip(export.run_bundle({"epochs": 3}), tmp_path / "rnn_run")
    written = json.loads((folder / "settings.json").read_text())
    (folder / "settings.json").write_text(json.dumps({**written, "lr": -1}))
    done = run_isolated(tmp_path, str(folder / "rnn_run.py"))
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr == "rnn_run.py: 'lr' must be a number greater than 0, got -1.\n"


def settings_file(tmp_path, change):
    """A settings.json as exported, with `change` (dict -> dict) applied; its path."""
    settings = change(json.loads(export.settings_json({})))
    path = tmp_path / "settings.json"
    path.write_text(settings if isinstance(settings, str) else json.dumps(settings))
    return path


def without(name):
    return lambda s: {k: v for k, v in s.items() if k != name}


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda s: "{lr: 1", "is not valid JSON"),
        (lambda s: [1, 2], "must hold an object of settings"),
        (without("lr"), "has no 'lr' setting"),
        (lambda s: {**s, "learning_rate": 0.1}, "unknown setting 'learning_rate'"),
        (lambda s: {**s, "series": {**s["series"], "phi": 0.7}}, "unknown setting 'phi'"),
        (lambda s: {**s, "epochs": "many"}, "'epochs' must be a whole number"),
        (lambda s: {**s, "batch_size": 2.5}, "'batch_size' must be a whole number"),
        (lambda s: {**s, "batch_size": True}, "'batch_size' must be a whole number"),
        (lambda s: {**s, "clip": 0}, "'clip' must be a number greater than 0"),
        (lambda s: {**s, "scaling": "minmax"}, "'scaling' must be"),
        (lambda s: {**s, "series": {**s["series"], "sigma": -1}}, "cannot be negative"),
        (lambda s: {**s, "series": {**s["series"], "phi1": 3.0, "n": 2000}}, "floating-point"),
        (lambda s: {**s, "seq_len": 100}, "too short for 100-day windows"),
    ],
)
def test_every_bad_settings_file_is_one_sentence(tmp_path, change, fragment):
    path = settings_file(tmp_path, change)
    with pytest.raises(SystemExit) as stopped:
        rnn_run.main(["--settings", str(path)])
    message = str(stopped.value.code)
    assert message.startswith("rnn_run.py: ") and fragment in message
    assert message.endswith(".") and "\n" not in message


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("day,temp\n1,20\n2,21\n", "needs a column named 'temperature'"),
        ("", "needs a column named 'temperature'"),
        ("day,temperature\n1,20\n2,warm\n", "Line 3 of"),
        ("day,temperature\n1,20\n2,nan\n", "no finite temperature"),
        ("day,temperature\n1,20\n2,21\n3,22\n", "too short for 5-day windows"),
    ],
)
def test_a_bad_series_file_is_one_sentence(tmp_path, text, fragment):
    settings = settings_file(tmp_path, lambda s: s)
    series = tmp_path / "mine.csv"
    series.write_text(text)
    with pytest.raises(SystemExit) as stopped:
        rnn_run.main(["--settings", str(settings), "--series", str(series)])
    message = str(stopped.value.code)
    assert message.startswith("rnn_run.py: ") and fragment in message and "\n" not in message


def test_a_missing_settings_file_says_where_it_was_looked_for(tmp_path):
    with pytest.raises(SystemExit, match="There is no settings file .*nothing.json"):
        rnn_run.main(["--settings", str(tmp_path / "nothing.json")])


# ---- the ZIP ---------------------------------------------------------------------------------


def test_the_bundle_holds_the_package_script_the_settings_and_a_readme():
    settings = {"epochs": 7, "lr": 0.1 + 0.2}
    bundle = export.run_bundle(settings)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "rnn_run.py", "settings.json"]
        assert archive.read("rnn_run.py") == SCRIPT.read_bytes()  # shipped as it is, no template
        assert archive.read("settings.json").decode() == export.settings_json(settings)
        readme = archive.read("README.txt").decode()
    assert "python rnn_run.py" in readme and "series.csv" not in readme
    assert export.run_bundle(settings) == bundle  # the same run, the same bytes


def test_the_bundle_carries_a_given_series_exactly():
    temps = sine_with_noise(30) / 3  # floats that need all 17 digits
    with zipfile.ZipFile(io.BytesIO(export.run_bundle({}, temps))) as archive:
        assert "series.csv" in archive.namelist()
        frame = pd.read_csv(io.BytesIO(archive.read("series.csv")))
        assert "series.csv" in archive.read("README.txt").decode()
    assert list(frame.columns) == ["day", "temperature"]
    assert frame["day"].tolist() == list(range(1, 31))
    np.testing.assert_array_equal(frame["temperature"].to_numpy(), temps)


def test_the_bundle_refuses_a_series_without_windows():
    with pytest.raises(ValueError, match="too short for 5-day windows"):
        export.run_bundle({}, [20.0, 21.0, 19.5])
    with pytest.raises(ValueError, match="NaN or infinite"):
        export.run_bundle({}, [20.0, np.nan, *range(10)])


# ---- export_settings: a RunResult as settings -----------------------------------------------


def test_export_settings_gives_the_requests_settings_back():
    settings = {"epochs": 3, "hidden_size": 2, "truncate": 2, "clip": None, "seed": 6}
    result = request_for(settings).execute()
    assert export.export_settings(result) == export.normalise_settings(settings)
    full = request_for({"epochs": 2, "hidden_size": 2, "batch_size": None}).execute()
    assert export.export_settings(full)["batch_size"] is None  # full batch is written null


def test_export_settings_keeps_the_epochs_of_a_diverged_run():
    result = request_for({"epochs": 30, "lr": 10.0, "clip": None, "hidden_size": 3}).execute()
    assert result.diverged and len(result.total_loss) < 30
    assert export.export_settings(result)["epochs"] == 30  # the script diverges where it did
    stopped_too = dataclasses.replace(result, stopped_early=True)
    assert export.export_settings(stopped_too)["epochs"] == 30


def test_the_app_trains_what_the_export_describes():
    # The app's own path (TrainRequest) agrees with `train_like_the_app`, the oracle above.
    settings = {"epochs": 5, "scaling": "standardised", "batch_size": None, "hidden_size": 4}
    result = request_for(settings).execute()
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


@pytest.mark.parametrize("batch_size", [None, 0])
def test_full_batch_is_written_null_and_the_legacy_zero_is_read_as_null(batch_size):
    assert export.normalise_settings({"batch_size": batch_size})["batch_size"] is None
    assert '"batch_size": null' in export.settings_json({"batch_size": batch_size})
    assert export.normalise_settings({"batch_size": 8})["batch_size"] == 8


@pytest.mark.parametrize(
    "settings, fragment",
    [
        ({"learning_rate": 0.1}, "Unknown run setting"),
        ({"series": {"phi": 0.7}}, "Unknown series setting"),
        ({"lr": 0}, "learning rate"),
        ({"scaling": "minmax"}, "Input scaling"),
        ({"epochs": 2.5}, "whole number"),
        ({"batch_size": -1}, "batch size"),
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
