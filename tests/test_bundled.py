"""The bundled real series: it loads, looks like its station, uploads like a file, and installs."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import numpy as np
import pytest

from rnnviz.files import bundled
from rnnviz.files.upload import MAX_DAYS, read_table, series_of

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "rnnviz" / "files" / "data"


@pytest.mark.parametrize("name", list(bundled.BUNDLED))
def test_every_bundled_series_is_a_complete_daily_record(name):
    dates, values, unit = bundled.load(name)
    assert dates.dtype == np.dtype("datetime64[D]") and values.shape == dates.shape
    assert np.all(np.diff(dates) == np.timedelta64(1, "D"))  # consecutive: nothing missing
    assert np.all(np.isfinite(values)) and values.shape[0] <= MAX_DAYS
    assert unit == bundled.BUNDLED[name].units == "°C"


def test_seattle_looks_like_seattle():
    dates, highs, _ = bundled.load("seattle-max")
    _, lows, _ = bundled.load("seattle-min")
    assert (str(dates[0]), str(dates[-1]), highs.shape[0]) == ("2012-01-01", "2015-12-31", 1461)
    months = dates.astype("datetime64[M]").astype(int) % 12 + 1
    summer, winter = highs[np.isin(months, (7, 8))].mean(), highs[np.isin(months, (12, 1))].mean()
    assert 24 < summer < 28 and 6 < winter < 10  # a mild marine climate, in °C not °F
    assert np.all(lows <= highs)


def test_the_bundled_file_reads_as_an_upload_to_the_same_series():
    table = read_table((DATA / "seattle_2012_2015.csv").read_bytes())
    assert table.suggested == "temp_max" and table.date_column == "date"
    series = series_of(table, "temp_max", 5)
    dates, values, _ = bundled.load("seattle-max")
    np.testing.assert_array_equal(series.values, values)
    np.testing.assert_array_equal(series.dates, dates)
    assert series.notices == ()


def test_an_unknown_name_says_which_exist():
    with pytest.raises(ValueError, match="seattle-max"):
        bundled.load("paris")


def test_an_install_carries_the_data_files():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["rnnviz.files"]
    shipped = {p.relative_to(DATA.parent).as_posix() for p in DATA.iterdir()}
    assert {e.file for e in bundled.BUNDLED.values()} <= {Path(f).name for f in shipped}
    for path in shipped:
        assert any(fnmatch.fnmatch(path, pattern) for pattern in patterns), path
