"""A TrainedModel as the training page hands it on, for tests of the pages that show it."""

from __future__ import annotations

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.runs import TrainedModel, TrainRequest

TUTORIAL_SERIES = tuple(sorted((s.name, s.default) for s in schema.SERIES))


def trained_model(
    params: core.Params,
    label: str,
    *,
    scaler: core.Scaling | None = None,
    seq_len: int = core.TUTORIAL_SEQ_LEN,
    epochs_done: int = 10,
) -> TrainedModel:
    scaling = "raw" if scaler is None or scaler == core.Scaling.raw() else "standardised"
    request = TrainRequest(
        series=TUTORIAL_SERIES,
        seq_len=seq_len,
        hidden_size=params["W_hh"].shape[0],
        scaling=scaling,
    )
    return TrainedModel(params, request, epochs_done, scaler or core.Scaling.raw(), label)
