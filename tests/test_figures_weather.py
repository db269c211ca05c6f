"""The weather figure plots the engine's numbers and highlights the chosen window."""

import numpy as np

from rnnviz import core
from rnnviz.figures.weather import series_figure


def test_series_and_window_traces_hold_the_engine_values():
    temps = core.weather_series(seed=3)
    fig = series_figure(temps, window_start=10, seq_len=5)
    line, inputs, target = fig.data
    np.testing.assert_array_equal(line.x, np.arange(1, 101))
    np.testing.assert_array_equal(line.y, temps)
    np.testing.assert_array_equal(inputs.x, [11, 12, 13, 14, 15])  # days counted from 1
    np.testing.assert_array_equal(inputs.y, temps[10:15])
    np.testing.assert_array_equal(target.x, [16])
    np.testing.assert_array_equal(target.y, [temps[15]])


def test_no_window_means_only_the_series():
    assert len(series_figure(core.weather_series(), window_start=None).data) == 1
