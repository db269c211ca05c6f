"""Take a run home: its settings, loss history, predictions and a standalone NumPy script."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import streamlit as st

from rnnviz.files import export as exporting
from rnnviz.runs import RunResult


def export_settings(result: RunResult) -> dict[str, Any]:
    """The run's settings for `rnnviz.files.export` (a stopped run: the epochs it completed, so
    the script reproduces exactly the model shown)."""
    request = result.request
    settings = {
        f.name: getattr(request, f.name)
        for f in dataclasses.fields(request)
        if f.name not in ("series", "uploaded")
    }
    settings["series"] = dict(request.series)
    if settings["batch_size"] is None:  # the export's spelling of the full batch
        settings["batch_size"] = 0
    if result.stopped_early and not result.diverged:
        settings["epochs"] = max(1, result.epochs_done)
    return settings


def downloads(result: RunResult) -> None:
    """Download buttons: settings JSON, loss history CSV, predictions CSV, standalone script."""
    request = result.request
    temps, X, _, _ = request.data()
    settings = export_settings(result)
    total_loss = np.asarray(result.total_loss)
    predictions = result.predict(X)
    columns = st.columns(4)
    columns[0].download_button(
        "Settings (JSON)",
        lambda: exporting.settings_json(settings),
        "rnnviz_run.json",
        "application/json",
        on_click="ignore",
        width="stretch",
        help="Every setting of this run, to keep or to share.",
    )
    columns[1].download_button(
        "Loss history (CSV)",
        lambda: exporting.history_csv(total_loss, X.shape[0]),
        "rnnviz_loss.csv",
        "text/csv",
        on_click="ignore",
        width="stretch",
        help="One row per epoch: the tutorial's total_loss and the mean loss per window.",
    )
    columns[2].download_button(
        "Predictions (CSV)",
        lambda: exporting.predictions_csv(temps, predictions, request.seq_len),
        "rnnviz_predictions.csv",
        "text/csv",
        on_click="ignore",
        width="stretch",
        help="One row per window: its days, the target, the prediction and the error.",
    )
    columns[3].download_button(
        "Standalone script (.py)",
        lambda: exporting.reproduce_script(settings),
        "rnn_run.py",
        "text/x-python",
        on_click="ignore",
        width="stretch",
        disabled=request.uploaded is not None,
        help="A NumPy-only Python script that trains this run again, number for number.",
    )
    note = (
        "The script needs only NumPy: `python rnn_run.py` makes the same series, the same "
        "initial weights and the same updates, and prints the final parameters."
    )
    if request.uploaded is not None:
        note = "The script regenerates the series, so it cannot reproduce an uploaded one."
    elif settings["epochs"] != request.epochs:
        note += f" This run stopped early, so the script trains the {settings['epochs']:,} "
        note += "epochs it completed."
    st.caption(note)
