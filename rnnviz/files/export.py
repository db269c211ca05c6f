"""Take a run home: its settings as JSON, its loss history and predictions as CSV, and a ZIP
with `rnn_run.py`, a NumPy-only program that trains the run again without rnnviz.

Pure Python, NumPy and pandas (no streamlit). A run's settings are a plain dict of JSON-able
values, the fields of `rnnviz.runs.TrainRequest` (`export_settings(result)` makes one)::

    {"series": {"n": 100, "phi1": 0.7, "phi2": 0.2, "sigma": 0.5, "t0": 20.0, "t1": 21.0,
                "seed": 0, "mu": 0.0},
     "seq_len": 5, "hidden_size": 20, "seed": 0, "lr": 0.0001, "clip": 1.0, "epochs": 2500,
     "batch_size": 1, "truncate": None, "scaling": "raw"}

batch_size 1 is the tutorial's per-sample SGD, None is full batch (all windows; 0, which older
exports wrote, reads as None); clip None is no clipping; truncate None is full BPTT; scaling is
"raw" or "standardised".

`rnn_run.py` is a module of this package (rnnviz/files/rnn_run.py), linted and tested like the
rest; `run_bundle` ships it as it is, with the run's settings.json and, for a series that was not
generated from the settings (uploaded, bundled), series.csv beside it.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from rnnviz import core
from rnnviz.core.validation import (
    as_finite_array,
    check_clip,
    check_finite_float,
    check_int,
    check_lr,
)
from rnnviz.runs import RunResult
from rnnviz.settings import weather_kwargs

SERIES_DEFAULTS: dict[str, Any] = {
    "n": core.TUTORIAL_N,
    "phi1": core.TUTORIAL_PHI[0],
    "phi2": core.TUTORIAL_PHI[1],
    "sigma": core.TUTORIAL_SIGMA,
    "t0": core.TUTORIAL_START[0],
    "t1": core.TUTORIAL_START[1],
    "seed": 0,
    "mu": 0.0,
}
RUN_DEFAULTS: dict[str, Any] = {
    "seq_len": core.TUTORIAL_SEQ_LEN,
    "hidden_size": core.TUTORIAL_HIDDEN_SIZE,
    "seed": 0,
    "lr": core.TUTORIAL_LR,
    "clip": core.TUTORIAL_CLIP,
    "epochs": core.TUTORIAL_EPOCHS,
    "batch_size": 1,
    "truncate": None,
    "scaling": "raw",
    "holdout": 0,
}
_INT_SERIES = ("n", "seed")


def normalise_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A run's settings checked and completed with the tutorial's defaults.

    `settings["series"]` may be a dict or (name, value) pairs (as in `TrainRequest.series`).
    Unknown names raise ValueError, so a typo does not silently export the default.
    """
    unknown = set(settings) - {"series", *RUN_DEFAULTS}
    if unknown:
        raise ValueError(f"Unknown run setting(s): {', '.join(sorted(unknown))}.")
    series_in = dict(settings.get("series", {}))
    unknown = set(series_in) - set(SERIES_DEFAULTS)
    if unknown:
        raise ValueError(f"Unknown series setting(s): {', '.join(sorted(unknown))}.")
    series = {}
    for name, default in SERIES_DEFAULTS.items():
        value = series_in.get(name, default)
        series[name] = (
            check_int(value, name, 0) if name in _INT_SERIES else check_finite_float(value, name)
        )
    run = {name: settings.get(name, default) for name, default in RUN_DEFAULTS.items()}
    run["seq_len"] = check_int(run["seq_len"], "The window length", 1)
    run["hidden_size"] = check_int(run["hidden_size"], "The hidden size H", 1)
    run["seed"] = check_int(run["seed"], "The weight seed", 0)
    run["lr"] = check_lr(run["lr"])
    run["clip"] = check_clip(run["clip"])
    run["epochs"] = check_int(run["epochs"], "The number of epochs", 1)
    if run["batch_size"] is not None:  # 0 is the legacy spelling of full batch
        run["batch_size"] = check_int(run["batch_size"], "The batch size", 0) or None
    if run["truncate"] is not None:
        run["truncate"] = check_int(run["truncate"], "The truncation depth k", 1)
    if run["scaling"] not in core.SCALINGS:
        raise ValueError(f"Input scaling must be one of {', '.join(core.SCALINGS)}.")
    run["holdout"] = check_int(run["holdout"], "The held-out percent", 0)
    if run["holdout"] >= 100:
        raise ValueError(f"The held-out percent must be below 100, got {run['holdout']}.")
    return {"series": series, **run}


def series_kwargs(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The run's series settings as keyword arguments of `core.weather_series`."""
    return weather_kwargs(normalise_settings(settings)["series"])


def settings_json(settings: Mapping[str, Any]) -> str:
    """The run's settings as JSON text (floats written so they read back exactly)."""
    return json.dumps(normalise_settings(settings), indent=2) + "\n"


def history_csv(total_loss, n_windows: int) -> str:
    """The loss history as CSV text: epoch (from 1), total_loss (the tutorial's sum over the
    windows of each window's loss) and mean_loss = total_loss / N.

    total_loss : (E,) array_like, `History.total_loss`;  n_windows : N
    """
    total = np.asarray(total_loss, dtype=np.float64).reshape(-1)
    n_windows = check_int(n_windows, "The number of windows", 1)
    frame = pd.DataFrame(
        {
            "epoch": np.arange(1, total.shape[0] + 1),
            "total_loss": total,
            "mean_loss": total / n_windows,
        }
    )
    return frame.to_csv(index=False, float_format="%.17g")


def predictions_csv(series, y_pred, seq_len: int) -> str:
    """Predictions next to the truth as CSV, one row per window.

    Parameters
    ----------
    series : (n,) the raw temperatures the windows were cut from
    y_pred : (N,) predictions in temperature units, N = n − T
    seq_len : T

    Columns: window (from 1), first_day and target_day (days counted from 1, as on screen:
    window 1 is days 1–5 predicting day 6), target, prediction, error = prediction − target.
    """
    _, y = core.make_windows(series, seq_len)
    pred = as_finite_array(y_pred, "The predictions", 1)
    if pred.shape != y.shape:
        raise ValueError(f"Expected {y.shape[0]} predictions for {y.shape[0]} windows.")
    windows = np.arange(1, y.shape[0] + 1)
    frame = pd.DataFrame(
        {
            "window": windows,
            "first_day": windows,
            "target_day": windows + seq_len,
            "target": y,
            "prediction": pred,
            "error": pred - y,
        }
    )
    return frame.to_csv(index=False, float_format="%.17g")


def series_csv(series) -> str:
    """The series as CSV text for `rnn_run.py`: columns day (from 1, as on screen) and
    temperature, one row per day, written so every float reads back exactly.

    series : (n,) array_like of finite numbers
    """
    temps = as_finite_array(series, "The series", 1)
    rows = (f"{day},{value:.17g}" for day, value in enumerate(temps.tolist(), start=1))
    return "day,temperature\n" + "\n".join(rows) + "\n"


def script_text() -> str:
    """The text of `rnn_run.py`, the NumPy-only program that trains a run again."""
    return resources.files("rnnviz.files").joinpath("rnn_run.py").read_text(encoding="utf-8")


def run_bundle(settings: Mapping[str, Any], series=None) -> bytes:
    """A ZIP (bytes) that trains the run again without rnnviz: `rnn_run.py`, `settings.json`,
    `README.txt` and, when `series` is given, `series.csv`.

    settings : the run's settings (see the module docstring; checked by `normalise_settings`)
    series : (n,) array_like or None. Give it for every series that `settings["series"]` does
        not generate (an uploaded or bundled one): the script trains on series.csv when it is
        there, and on the generated AR(2) series otherwise.

    The same arguments always give the same bytes (the entries carry a fixed date).
    """
    normalised = normalise_settings(settings)
    files = {"README.txt": _readme(series is not None), "rnn_run.py": script_text()}
    files["settings.json"] = settings_json(normalised)
    if series is not None:
        core.make_windows(series, normalised["seq_len"])  # refuse a series without windows
        files["series.csv"] = series_csv(series)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in files.items():
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            # rw-r--r--, and the script executable (it starts with #!/usr/bin/env python3).
            entry.external_attr = (0o755 if name.endswith(".py") else 0o644) << 16
            bundle.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()


def _readme(with_series: bool) -> str:
    series = (
        "  series.csv     the series it trained on, one row per day (day, temperature); the\n"
        "                 script trains on it instead of generating the series from the settings\n"
        if with_series
        else ""
    )
    return (
        "An rnnviz training run, to train again with Python 3 and NumPy alone.\n\n"
        "  rnn_run.py     the program: the tutorial's RNN, trained with BPTT as in the app\n"
        "  settings.json  the run's settings (change them to try another run)\n"
        f"{series}\n"
        "Unzip the download and, in a terminal inside the folder with these files, run\n\n"
        "    python rnn_run.py                    (trains; prints the loss and the parameters)\n"
        "    python rnn_run.py --out params.npz   (also saves them: numpy.load reads the file)\n"
        "    python rnn_run.py --help             (every option)\n\n"
        f"The app used NumPy {np.__version__}. With that version the script ends at the app's\n"
        "parameters to the last digit; another version may differ in the last digits.\n"
    )


def export_settings(result: RunResult) -> dict[str, Any]:
    """The settings (checked, see `normalise_settings`) that train `result` again.

    A run stopped early (and not diverged) exports the epochs it completed, so the script ends at
    the model the page shows; a diverged run exports all its epochs and diverges at the same step.
    A measured series is not a setting: pass `result.request.temperatures()` (its gaps filled
    as trained on) to `run_bundle` as `series`.
    """
    request = result.request
    settings = {
        f.name: getattr(request, f.name)
        for f in dataclasses.fields(request)
        if f.name not in ("series", "observed", "filled")
    }
    settings["series"] = dict(request.series)
    if result.stopped_early and not result.diverged:
        settings["epochs"] = max(1, int(np.asarray(result.total_loss).shape[0]))
    return normalise_settings(settings)
