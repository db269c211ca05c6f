"""The class as one experiment: every student's latest training, one point each, on the
teacher's screen: learning rate against the final training loss and the error on fresh data.

Pure function: the room's `RoomRun`s in, a `go.Figure` out. A run still training is an open
marker, a finished one filled, a stopped one a square; a diverged run has no finite loss, so it
is a cross on the top edge of each panel (drawn there, never as a number).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.figures import palette, style
from rnnviz.runs.score import RoomRun

# Marker per state; colour per hidden size H (the runs of a room mostly share one or two).
SYMBOLS = {"training": "circle-open", "finished": "circle", "stopped": "square", "diverged": "x"}
STATE_NAMES = {
    "training": "still training",
    "finished": "finished",
    "stopped": "stopped early",
    "diverged": "diverged",
}
H_COLOURS = (palette.BLUE, palette.ORANGE, palette.GREEN, palette.PURPLE, palette.VERMILLION)
PANELS = (("loss", "final training loss (°C²)"), ("fresh_mse", "error on fresh data (°C²)"))


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0


def class_experiment_figure(runs: Sequence[RoomRun]) -> go.Figure:
    """One point per student: learning rate η (log) against the final training loss and the
    error on fresh data (both log, °C²). Colour: the hidden size H; marker: the run's state.

    runs : the room's latest run of each student (`RoomStore.runs`)
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[title for _, title in PANELS],
        horizontal_spacing=0.12,
    )
    fig.update_annotations(font_size=style.TITLE_SIZE)  # the panel titles
    sizes = sorted({run.hidden_size for run in runs})
    colours = {h: H_COLOURS[i % len(H_COLOURS)] for i, h in enumerate(sizes)}
    tops = [
        max((getattr(run, field) for run in runs if _finite(getattr(run, field))), default=1.0)
        for field, _ in PANELS
    ]
    for h in sizes:
        for state, symbol in SYMBOLS.items():
            group = [run for run in runs if run.hidden_size == h and run.state == state]
            if not group:
                continue
            for col, ((field, _), top) in enumerate(zip(PANELS, tops, strict=True), start=1):
                shown = [run for run in group if _finite(getattr(run, field))]
                if state == "diverged":
                    shown = group  # no finite loss: a cross on the panel's top edge
                if not shown:
                    continue
                fig.add_trace(
                    go.Scatter(
                        x=[run.lr for run in shown],
                        y=[
                            top * 2 if state == "diverged" else getattr(run, field) for run in shown
                        ],
                        mode="markers",
                        name=f"H = {h}, {STATE_NAMES[state]}",
                        legendgroup=f"{h}-{state}",
                        showlegend=col == 1,
                        marker=style.outlined(colours[h], 11, symbol),
                        customdata=[
                            [run.student, run.seed, run.epoch, run.epochs] for run in shown
                        ],
                        hovertemplate=(
                            "student %{customdata[0]}: η = %{x:.1e}, seed %{customdata[1]}, "
                            "epoch %{customdata[2]:,} of %{customdata[3]:,}"
                            + ("" if state == "diverged" else "<br>%{y:.4g} °C²")
                            + f"<extra>{STATE_NAMES[state]}</extra>"
                        ),
                    ),
                    row=1,
                    col=col,
                )
    fig.update_layout(style.layout(380))
    fig.update_xaxes(type="log", title_text="learning rate η", exponentformat="power")
    fig.update_yaxes(type="log", exponentformat="power")
    return fig
