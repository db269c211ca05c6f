"""The hidden state's dynamics on page 2: the scalar RNN as a map h_(t−1) → h_t, one curve per
day, the cobweb path the window's h_t takes over all its days, and the slope of each day's map
(how much of yesterday's memory survives into today's).

The map is drawn below the stepper's timeline, outside its fragment: it shows the whole window,
so a step click does not redraw it. Measured in Chromium (benchmarks/step_click_chromium.py), a
map that walked with *Next* made every step click redraw two more Plotly charts, which Streamlit
mounts afresh whenever a figure changes: medians of 30 clicks were 318–367 ms with it and
178–196 ms without it (188–202 ms before the map existed). The presets change the scalar
model's W_hh through the settings (a link carries them) and rerun the page.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz import core
from rnnviz.figures.cache import cached_figure
from rnnviz.figures.dynamics import cobweb_figure, slopes_figure
from rnnviz.text.numbers import num
from rnnviz.ui import layout, model, state

PRESETS = (0.5, 1.0, 1.5, -1.0)  # W_hh values that make the memory visible
GRID = np.linspace(-1.0, 1.0, 201)  # h_(t−1) along the maps' x axis: tanh's whole range


def _preset(w_hh: float) -> None:
    """Button callback: the scalar model with this W_hh, its other four numbers kept."""
    current = model.scalar_params(state.values())
    kept = {name: float(current[name].ravel()[0]) for name in model.SCALAR_NAMES}
    state.set_values({**kept, "W_hh": w_hh, "edited": True, "model": "scalar"})


def presets(chosen: model.Model) -> None:
    """W_hh = 0.5, 1, 1.5, −1 for the scalar RNN, as buttons."""
    columns = st.columns([1.3, 1, 1, 1, 1, 2])
    columns[0].markdown("Try $W_{hh} =$")
    current = float(chosen.params["W_hh"][0, 0])
    for column, value in zip(columns[1:], PRESETS, strict=False):
        column.button(
            f"{value:g}".replace("-", "−"),  # a real minus sign, as everywhere on screen
            key=f"cobweb_preset:{value}",
            on_click=_preset,
            args=(value,),
            disabled=chosen.source == "scalar" and current == value,
            width="stretch",
            help=f"Set the scalar RNN's W_hh to {value:g}; its other four numbers stay.",
        )


def hidden_map(chosen: model.Model, example: model.Example, run: model.Pass) -> None:
    """The map h_(t−1) → h_t of each day, the window's whole cobweb path, and the slopes."""
    st.subheader("The hidden state as a map")
    if chosen.hidden_size != 1:
        st.info(
            "This picture is drawn for the scalar RNN ($H = 1$) only: with "
            f"$H = {chosen.hidden_size}$ hidden units $h_t$ is a point in {chosen.hidden_size} "
            "dimensions, not a number on an axis. Choose *Scalar RNN (H = 1)* above to see it.",
            icon=":material/info:",
        )
        return
    params, T = chosen.params, example.x.shape[0]
    if chosen.source == "scalar":
        presets(chosen)
    maps = core.day_maps(params, example.x, GRID)  # (T, G)
    path = core.cobweb_path(run.trace)  # (2T+1, 2)
    slopes = core.map_slopes(params, run.trace)  # (T,)
    W_hh = float(params["W_hh"][0, 0])
    spread = float(np.max(np.ptp(maps, axis=0)))  # how far apart the days' curves lie
    apart = (
        f" The days' curves lie almost on top of each other: with $W_{{xh}} = "
        f"{num(params['W_xh'][0, 0])}$ the inputs move them apart by at most ${num(spread)}$."
        if spread < 0.05
        else ""
    )
    left, right = st.columns([3, 2])
    with left:
        layout.chart(
            cached_figure(cobweb_figure, GRID, maps, path, T, first_day=example.first_day),
            "Each curve is one day's map, $h_t = \\tanh(W_{hh} h_{t-1} + W_{xh} x_t + b_h)$: "
            "today's input $x_t$ shifts it, $W_{hh}$ tilts it. The path starts at $h_0 = 0$, "
            "goes up to day 1's curve (that is $h_1$), across to the diagonal (so $h_1$ becomes "
            "the next day's $h_{t-1}$), up to day 2's curve, and so on to the last day, $h_T$ "
            f"(the numbers of the ledger above). Here $W_{{hh}} = {num(W_hh)}$"
            + (
                ": the maps are almost flat, so $h_t$ hardly depends on $h_{t-1}$; try the presets."
                if abs(W_hh) < 0.1
                else "."
            )
            + apart,
            key="cobweb",
        )
    with right:
        layout.chart(
            cached_figure(slopes_figure, slopes, T, first_day=example.first_day),
            _slopes_caption(slopes, T),
            key="cobweb_slopes",
        )


def _slopes_caption(slopes: np.ndarray, reached: int) -> str:
    """What the slopes say: below 1 the memory shrinks; their product from day 2 to `reached`."""
    text = (
        "The slope of day $t$'s map where the path meets it, "
        "$\\partial h_t/\\partial h_{t-1} = W_{hh}(1 - h_t^2)$. Below 1 in size, a change in "
        "yesterday's memory $h_{t-1}$ shrinks by that factor into $h_t$ (and BPTT's "
        "$\\partial L/\\partial h_{t-1}$ shrinks by the same factor on the way back, page 3)."
    )
    if reached >= 2:
        kept = float(np.prod(slopes[1:reached]))
        text += (
            f" Over the window, a change in $h_1$ reaches $h_{{{reached}}}$ multiplied by "
            f"$\\prod_{{t=2}}^{{{reached}}} W_{{hh}}(1 - h_t^2) = {num(kept)}$."
        )
    return text
