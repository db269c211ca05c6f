"""What an axis can show honestly, shared by the figures: log axes never receive 0, NaN or inf;
their tick labels say which decade they belong to; exact zeros are marked at a floor; reference
lines carry labels at the right height; long histories show every k-th epoch.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures import palette, style

# Exact zeros are drawn this many times below the smallest positive value of their panel: a log
# axis has no 0, and a floor at the smallest float (1e-308) would squash every real value.
ZERO_DROP = 100.0
# A heatmap with more rows than this shows every k-th epoch (the rows shown are exact).
MAX_HEATMAP_ROWS = 400


def positive_finite(values: np.ndarray) -> np.ndarray:
    """Mask of the entries a log axis can show: finite and > 0."""
    values = np.asarray(values, float)
    return np.isfinite(values) & (values > 0)


def positive_or_none(values: np.ndarray) -> list[float | None]:
    """`values` for a log axis: zeros and NaNs become None (a gap), never log10(0)."""
    return [float(v) if v > 0 else None for v in np.asarray(values, float)]


def log10_or_none(values: np.ndarray) -> list[list[float | None]]:
    """log10 of each entry; entries that are 0 or not finite become None (drawn blank, not NaN)."""
    values = np.asarray(values, float)
    out = np.full(values.shape, np.nan)
    keep = positive_finite(values)
    out[keep] = np.log10(values[keep])
    return [[None if np.isnan(v) else float(v) for v in row] for row in out]


def log_ticks(values: np.ndarray) -> dict:
    """Tick values 1, 2, 5 × 10^k spanning `values` (> 0), labelled plainly: plotly's own minor
    labels on a log axis ("2", "5") do not say which decade they belong to."""
    values = np.asarray(values, float)
    values = values[positive_finite(values)]
    if values.size == 0:
        return {}
    low, high = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
    if high - low > 4:  # many decades (a run that blew up): powers of ten only, at most ~8
        every = int(np.ceil((high - low + 1) / 8))
        ticks = [10.0**e for e in np.arange(low, high + 1, every)]
    else:
        ticks = [m * 10.0**e for e in np.arange(low, high + 1) for m in (1, 2, 5)]
        ticks = [t for t in ticks if values.min() / 2.5 <= t <= values.max() * 2.5]
    return {"tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks]}


def decades(values: list[np.ndarray], always: float = 1.0) -> list[float]:
    """A log-axis range over whole decades holding every positive value and `always` (0: none),
    at least one decade wide, so at least two labels of a `dtick=1` axis show."""
    shown = np.concatenate([np.ravel(v) for v in values] + [[always]])
    shown = shown[shown > 0]
    if shown.size == 0:
        return [-1.05, 0.05]
    low, high = np.floor(np.log10(shown.min())), np.ceil(np.log10(shown.max()))
    if high - low < 1:
        low -= 1
    return [float(low) - 0.05, float(high) + 0.05]


def log_floor(*arrays: np.ndarray) -> float:
    """Where exact zeros are drawn on a log axis: the smallest positive value / ZERO_DROP.

    1.0 if nothing is positive (the panel then holds only "exactly 0" markers).
    """
    values = np.concatenate([np.ravel(np.asarray(a, float)) for a in arrays])
    positive = values[values > 0]
    return float(positive.min() / ZERO_DROP) if positive.size else 1.0


def zero_markers(
    x: np.ndarray, floor: float, name: str, colour: str, hovertemplate: str, **trace
) -> go.Scatter:
    """✕ marks at height `floor` for the entries that are exactly 0 (x: their positions).

    Kept, hidden, when there are none: a figure keeps a fixed set of traces.
    """
    x = np.asarray(x)
    return go.Scatter(
        x=x,
        y=np.full(x.shape[0], floor),
        mode="markers",
        name=name,
        marker={
            "symbol": "x-thin",
            "size": 10,
            "color": colour,
            "line": {"width": 2, "color": colour},  # an x-thin is drawn by its line
        },
        hovertemplate=hovertemplate,
        visible=bool(x.size),
        **trace,
    )


def hline(y: float, xaxis: str = "x", yaxis: str = "y") -> dict:
    """A dashed grey horizontal line across one subplot, as a layout shape (one dict, because
    `add_hline` validates a whole figure per call: tens of milliseconds on every rerun)."""
    return {
        "type": "line",
        "xref": f"{xaxis} domain",
        "x0": 0,
        "x1": 1,
        "yref": yaxis,
        "y0": y,
        "y1": y,
        "line": {"color": palette.GREY, "dash": "dash", "width": 1},
    }


def log_line_label(value: float, text: str, yref: str = "y") -> dict:
    """Keyword arguments of `add_annotation` for a label on a horizontal line at `value` of a log
    y axis (`yref`): annotation y on a log axis is log10 of the value, which add_hline's own
    label gets wrong."""
    return {
        "x": 0,
        "xref": "x domain" if yref == "y" else f"x{yref[1:]} domain",
        "xanchor": "left",
        "y": float(np.log10(value)),
        "yref": yref,
        "yanchor": "bottom",
        "text": text,
        "showarrow": False,
        "font": {"color": palette.GREY, "size": style.LABEL_SIZE},
    }


def epoch_rows(epochs: int, max_rows: int = MAX_HEATMAP_ROWS) -> np.ndarray:
    """The 0-based epochs a long history shows: all of them, or every k-th plus the last."""
    step = max(1, int(np.ceil(epochs / max_rows)))
    rows = np.arange(0, epochs, step)
    if epochs and rows[-1] != epochs - 1:
        rows = np.append(rows, epochs - 1)
    return rows
