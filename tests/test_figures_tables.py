"""The table behind a chart holds exactly the chart's numbers."""

import numpy as np
import plotly.graph_objects as go

from rnnviz import core
from rnnviz.figures import style
from rnnviz.figures.tables import enlarge, figure_table
from rnnviz.figures.weather import series_figure


def test_line_traces_become_rows_with_their_names():
    temps = core.weather_series()
    table = figure_table(series_figure(temps, window_start=0))
    line = table[table.trace == "T_t, temperature"]
    np.testing.assert_array_equal(line.y, temps)
    np.testing.assert_array_equal(line.x, np.arange(1, 101))
    assert (table.trace == "target: day 6").sum() == 1


def test_heatmap_cells_become_rows_with_their_coordinates():
    z = np.arange(6.0).reshape(2, 3)
    table = figure_table(go.Figure(go.Heatmap(z=z, x=["t1", "t2", "t3"], y=["u1", "u2"], name="h")))
    assert len(table) == 6
    row = table[(table.x == "t3") & (table.y == "u2")]
    assert row.z.item() == z[1, 2]


def test_empty_figure_gives_an_empty_table():
    assert figure_table(go.Figure()).empty


def test_enlarge_scales_fonts_without_touching_the_original():
    fig = series_figure(core.weather_series())
    big = enlarge(fig, 1.5)
    assert big.layout.font.size == 18 and fig.layout.font.size is None


def test_enlarge_keeps_each_annotation_in_proportion():
    fig = go.Figure()
    for size in (style.LABEL_SIZE, style.TITLE_SIZE, None):
        fig.add_annotation(text="a", x=0, y=0, font={"size": size})
    big = enlarge(fig, 1.5)
    assert [a.font.size for a in big.layout.annotations] == [16, 21, 18]
    assert [a.font.size for a in fig.layout.annotations] == [11, 14, None]
