"""BPTT's gradients next to their finite differences: tables and the error per entry."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rnnviz.core import PARAM_NAMES, GradCheckReport
from rnnviz.figures import palette, style
from rnnviz.figures.axes import hline, log_floor, log_line_label, positive_or_none, zero_markers

PASS, FAIL = "✓", "✗"


def entry_labels(shapes: Mapping[str, tuple[int, ...]]) -> list[tuple[str, str]]:
    """(parameter, entry label) for every entry, flattened in PARAM_NAMES order (C order).

    A one-entry parameter is labelled by its name ("W_hh" for H = 1); otherwise by its NumPy
    index, 0-based as in the tutorial's code ("W_hh[2, 0]", "b_h[3]").
    """
    labels = []
    for name in PARAM_NAMES:
        shape = tuple(shapes[name])
        if int(np.prod(shape)) == 1:
            labels.append((name, name))
            continue
        for index in np.ndindex(*shape):
            if shape[0] == 1 and len(shape) == 2:  # W_hy (1, H): a row, name the column only
                index = index[1:]
            labels.append((name, f"{name}[{', '.join(map(str, index))}]"))
    return labels


def _flat(report_part: Mapping[str, np.ndarray]) -> np.ndarray:
    return np.concatenate([np.ravel(report_part[name]) for name in PARAM_NAMES])


def gradcheck_entries(report: GradCheckReport) -> pd.DataFrame:
    """One row per parameter entry: g (BPTT), fd (finite difference), |g − fd|, error, pass.

    Every number is the report's own (`analytic`, `numeric`, `error`); pass is
    error <= report.tolerance.
    """
    labels = entry_labels({name: report.analytic[name].shape for name in PARAM_NAMES})
    g, fd, error = _flat(report.analytic), _flat(report.numeric), _flat(report.error)
    return pd.DataFrame(
        {
            "parameter": [name for name, _ in labels],
            "entry": [label for _, label in labels],
            "BPTT gradient g": g,
            "finite difference fd": fd,
            "|g − fd|": np.abs(g - fd),
            "error": error,
            "pass": [PASS if e <= report.tolerance else FAIL for e in error],
        }
    )


def gradcheck_summary(report: GradCheckReport) -> pd.DataFrame:
    """One row per parameter: its entry count, largest |g|, largest error, pass mark."""
    return pd.DataFrame(
        {
            "parameter": list(PARAM_NAMES),
            "entries": [report.analytic[name].size for name in PARAM_NAMES],
            "largest |g|": [float(np.abs(report.analytic[name]).max()) for name in PARAM_NAMES],
            "max error": [report.max_error[name] for name in PARAM_NAMES],
            "pass": [PASS if report.passed_for(name) else FAIL for name in PARAM_NAMES],
        }
    )


def gradcheck_figure(report: GradCheckReport) -> go.Figure:
    """The error of every entry on a log axis, with the tolerance as a line.

    Points below the line pass. An error of exactly 0 (g and fd agree to the last bit) is drawn
    as ✕ at `log_floor`, since a log axis has no 0.
    """
    table = gradcheck_entries(report)
    error = table["error"].to_numpy()
    entries = table["entry"].to_numpy()
    index = np.arange(error.shape[0])
    passed = error <= report.tolerance
    floor = log_floor(error, np.array([report.tolerance]))
    traces = []
    for mask, name, colour in (
        (passed, f"{PASS} passes", palette.BLUE),
        (~passed, f"{FAIL} fails", palette.VERMILLION),
    ):
        shown = mask & (error > 0)
        traces.append(
            go.Scatter(
                x=index[shown],
                y=positive_or_none(error[shown]),
                mode="markers",
                name=name,
                marker={"color": colour, "size": 8},
                customdata=entries[shown],
                hovertemplate="%{customdata}: error %{y:.2e}<extra></extra>",
            )
        )
    zero = error == 0
    traces.append(
        zero_markers(
            index[zero],
            floor,
            "error exactly 0",
            palette.GREEN,
            "%{customdata}: error exactly 0<extra></extra>",
            customdata=entries[zero],
        )
    )
    parameters = table["parameter"].tolist()
    ticks = group_ticks(parameters)
    layout = {
        **style.layout(300),
        "xaxis": {
            "tickvals": [position for position, _ in ticks],
            "ticktext": [name for _, name in ticks],
            "title": {"text": "parameter entry"},
        },
        "yaxis": {"type": "log", "exponentformat": "power", "title": {"text": "error"}},
        "shapes": [hline(report.tolerance), *group_separators(parameters)],
        "annotations": [log_line_label(report.tolerance, f"tolerance {report.tolerance:g}")],
    }
    return go.Figure(data=traces, layout=layout)


def group_separators(parameters: list[str], xaxis: str = "x") -> list[dict]:
    """Faint vertical lines (layout shapes) between the entries of consecutive parameters,
    spanning the whole height of the figure (below `xaxis`)."""
    return [
        {
            "type": "line",
            "xref": xaxis,
            "x0": i - 0.5,
            "x1": i - 0.5,
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": {"color": palette.GREY, "width": 1},
            "opacity": 0.4,
            "layer": "below",
        }
        for i in range(1, len(parameters))
        if parameters[i] != parameters[i - 1]
    ]


def group_ticks(parameters: list[str]) -> list[tuple[float, str]]:
    """(centre position, name) of each run of entries belonging to one parameter."""
    ticks, start = [], 0
    for i in range(1, len(parameters) + 1):
        if i == len(parameters) or parameters[i] != parameters[start]:
            ticks.append(((start + i - 1) / 2, parameters[start]))
            start = i
    return ticks
