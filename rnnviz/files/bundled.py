"""Real series shipped with the app, one click away: dates, values and their unit.

Each entry names its station and source; `data/README.md` beside this module says how each file
was obtained and checked. The files are package data (pyproject.toml), read with
`importlib.resources`, so an installed app carries them. No streamlit, no core.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

import numpy as np


@dataclass(frozen=True)
class BundledSeries:
    """One column of a bundled CSV, with what a page says about it.

    name : the key in BUNDLED (also fit for a URL)
    title : a short title for a menu
    station, station_id : where it was measured (GHCN-Daily id)
    units : the values' unit
    source, licence : where it comes from, and on what terms
    file, column : the CSV in rnnviz/files/data/ and its column; the first column is the date
    """

    name: str
    title: str
    station: str
    station_id: str
    units: str
    source: str
    licence: str
    file: str
    column: str


_SEATTLE = {
    "station": "Seattle–Tacoma International Airport, WA, USA",
    "station_id": "USW00024233",
    "units": "°C",
    "source": "NOAA NCEI, GHCN-Daily (via the vega-datasets collection)",
    "licence": "public domain (U.S. Government work)",
    "file": "seattle_2012_2015.csv",
}
BUNDLED: dict[str, BundledSeries] = {
    s.name: s
    for s in (
        BundledSeries(
            name="seattle-max",
            title="Seattle, daily maximum temperature, 2012–2015",
            column="temp_max",
            **_SEATTLE,
        ),
        BundledSeries(
            name="seattle-min",
            title="Seattle, daily minimum temperature, 2012–2015",
            column="temp_min",
            **_SEATTLE,
        ),
    )
}


def load(name: str) -> tuple[np.ndarray, np.ndarray, str]:
    """A bundled series: dates (n,) datetime64[D], values (n,) float64, and the unit.

    Examples
    --------
    >>> dates, values, unit = load("seattle-max")
    >>> str(dates[0]), float(values[0]), unit, values.shape
    ('2012-01-01', 12.8, '°C', (1461,))
    """
    if name not in BUNDLED:
        raise ValueError(
            f"There is no bundled series {name!r}; choose one of {', '.join(BUNDLED)}."
        )
    entry = BUNDLED[name]
    text = resources.files(__package__).joinpath("data", entry.file).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    dates = np.array([row["date"] for row in rows], dtype="datetime64[D]")  # (n,)
    values = np.array([float(row[entry.column]) for row in rows])  # (n,)
    return dates, values, entry.units
