"""The numbers behind a figure, as a table: for students who read tables better than charts
(screen readers, colour blindness, or just wanting the exact values)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rnnviz.figures import style


def _values(value) -> np.ndarray | None:
    if value is None:
        return None
    array = np.asarray(value)
    return array if array.size else None


def figure_table(fig: go.Figure) -> pd.DataFrame:
    """Every trace's data in long form: one row per plotted point or heatmap cell.

    Columns: trace (its legend name), x, y, and z for heatmaps. Traces without data (pure
    decoration) are left out; an empty figure gives an empty table with those columns.
    """
    frames = []
    for index, trace in enumerate(fig.data):
        name = trace.name or f"trace {index + 1}"
        z = _values(getattr(trace, "z", None))
        x, y = _values(getattr(trace, "x", None)), _values(getattr(trace, "y", None))
        if z is not None and z.ndim == 2:
            rows, cols = z.shape
            xs = x if x is not None and x.shape[0] == cols else np.arange(cols)
            ys = y if y is not None and y.shape[0] == rows else np.arange(rows)
            grid_y, grid_x = np.meshgrid(ys, xs, indexing="ij")
            frames.append(
                pd.DataFrame(
                    {"trace": name, "x": grid_x.ravel(), "y": grid_y.ravel(), "z": z.ravel()}
                )
            )
        elif y is not None:
            xs = x if x is not None and x.shape == y.shape else np.arange(1, y.shape[0] + 1)
            frames.append(pd.DataFrame({"trace": name, "x": xs, "y": y}))
    if not frames:
        return pd.DataFrame(columns=["trace", "x", "y"])
    return pd.concat(frames, ignore_index=True)


def enlarge(fig: go.Figure, scale: float) -> go.Figure:
    """A copy of `fig` with its text sizes scaled, for reading at projector distance.

    Scales the sizes a figure sets (the base font, each annotation's own size), so a panel title
    stays larger than a label. Axes, ticks and the legend take their sizes from Streamlit's chart
    theme, in rem: the page's larger root font scales those (see `figures.style`).
    """
    bigger = go.Figure(fig)
    bigger.update_layout(font_size=round((fig.layout.font.size or style.FONT_SIZE) * scale))
    bigger.for_each_annotation(
        lambda note: note.update(font_size=round((note.font.size or style.FONT_SIZE) * scale))
    )
    return bigger
