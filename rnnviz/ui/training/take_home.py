"""Take a run home: its settings, loss history, predictions and a standalone NumPy script."""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz.files import export as exporting
from rnnviz.runs import RunResult


def downloads(result: RunResult) -> None:
    """Download buttons: settings JSON, loss history CSV, predictions CSV, and a ZIP with the
    standalone script, its settings.json and (for an uploaded series) series.csv."""
    request = result.request
    temps, X, _, _ = request.data()
    settings = exporting.export_settings(result)
    measured = None if request.observed is None else request.temperatures()  # gaps as filled
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
        help="One row per epoch: the tutorial's `total_loss` and the mean loss per window.",
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
        "Standalone script (.zip)",
        lambda: exporting.run_bundle(settings, series=measured),
        "rnn_run.zip",
        "application/zip",
        on_click="ignore",
        width="stretch",
        help="A NumPy-only Python script with this run's settings (and series): it trains this "
        "run again, number for number.",
    )
    note = (
        "Unzip it and run `python rnn_run.py` in that folder: it needs only NumPy, reads "
        "settings.json beside it, makes the same initial weights and the same updates, and "
        "prints the final parameters."
    )
    if request.observed is not None:
        note += " The series it trained on travels with it as series.csv."
    if settings["epochs"] != request.epochs:
        note += f" This run stopped early, so the script trains the {settings['epochs']:,} "
        note += "epochs it completed."
    st.caption(note)
