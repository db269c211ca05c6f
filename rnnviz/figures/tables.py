"""The numbers behind a figure, as a table: for students who read tables better than charts
(screen readers, colour blindness, or just wanting the exact values)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go


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
    """A copy of `fig` with every font scaled, for reading at projector distance."""
    bigger = go.Figure(fig)
    bigger.update_layout(font={"size": round(12 * scale)}, title_font_size=round(16 * scale))
    bigger.update_annotations(font_size=round(12 * scale))
    return bigger
