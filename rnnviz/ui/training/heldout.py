"""How good the fit is on days the model never saw: a held-out tail of the series, the run's
forecasts of it against simple rules fitted on the training part, and whether it really beats
"tomorrow = today" (an interval that respects the weather's spells)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz import core
from rnnviz.figures.comparisons import generalisation_figure
from rnnviz.figures.heldout import heldout_figure
from rnnviz.runs import RunResult, TrainRequest, score
from rnnviz.text.heldout import comparison_sentence, split_sentence
from rnnviz.ui import layout, series


@st.cache_data(max_entries=64, show_spinner=False)
def _report(
    request: TrainRequest, params: dict[str, np.ndarray], mean: float, std: float
) -> score.HeldOutReport | None:
    # Keyed by the request and the parameters' values: the forecasts and a 2,000-resample
    # bootstrap, once per model.
    return score.heldout_report(request, params, core.Scaling(mean, std))


def report_of(result: RunResult) -> score.HeldOutReport | None:
    """The run's held-out report (cached), None when nothing is held out."""
    params = {name: np.asarray(result.params[name]) for name in core.PARAM_NAMES}
    return _report(result.request, params, result.scaler.mean, result.scaler.std)


def section(result: RunResult) -> None:
    """The held-out evaluation, or why there is none."""
    request = result.request
    report = report_of(result)
    if report is None:
        if request.observed is not None:
            st.info(
                "This run trained on every window of the series, so every day it could be "
                "scored on is a day it learned from. Set a held-out tail above (20 % is usual) "
                "and train again to see how it forecasts days it has never seen.",
                icon=":material/info:",
            )
        return
    unit = series.current_unit() if request.observed is not None else "°C"
    squared = f"{unit}²" if unit else "units²"
    st.markdown(split_sentence(report.split))
    if request.observed is None:
        st.caption(
            "On the generated series the held-out tail lies in another regime than its start: "
            "the series decays from its start values towards its level and then hovers there, "
            "so the tail asks the model to forecast a stretch unlike most of what it trained on."
        )
    if report.versus_persistence is not None:
        sentence = comparison_sentence(
            report.versus_persistence, ("the RNN", '"tomorrow = today"'), unit
        )
        st.markdown(f"**{sentence}**")
        if report.versus_persistence.verdict != core.Verdict.BETTER:
            st.caption(
                'That is the lesson of real weather: tomorrow is mostly today, so "tomorrow = '
                'today" is a hard rule to beat, and a few hundred days cannot tell small '
                "differences apart. The interval says how sure the measurement is, not only "
                "which mean is lower."
            )
    layout.chart(
        generalisation_figure(report.bars(), None),
        f"Mean squared error in {squared}: the RNN on the windows it trained on (orange), then "
        f"the RNN and four simple rules on the same {report.target.shape[0]} held-out days. "
        "The rules are fitted on the training part only: its mean, and least squares for "
        "AR(1) and AR(2). A filled day is never scored.",
        key="heldout_bars",
    )
    temps = request.temperatures()
    dates = series.current_dates() if request.observed is not None else None
    if dates is not None and dates.shape[0] != temps.shape[0]:
        dates = None  # the session's series changed since this run: days, not dates
    layout.chart(
        heldout_figure(
            temps,
            report.split.tail_start,
            report.days,
            report.rnn,
            report.baselines.persistence,
            dates=dates,
            unit=unit,
        ),
        "Grey: the days the model trained on. In the shaded tail: the measured days (blue), "
        'the RNN\'s forecast of each from the days before it (orange), and "tomorrow = today" '
        "(dotted), the rule to beat.",
        key="heldout_days",
    )
