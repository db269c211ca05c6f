"""Reading a student's own series from an uploaded file. Pure pandas/NumPy, no streamlit.

Files as spreadsheets and weather services export them: comma, semicolon, tab or bar separated;
decimal points or decimal commas; UTF-8, UTF-16 ("Unicode text") or Windows-1252; "51°F" cells;
a date column in any unambiguous format; a few empty days. `read_table` finds the usable
columns (`dialect` makes each guess), `series_of` turns one into a series, dropping or filling
its empty days as the student chooses and saying so in a sentence.

Every failure is an `UploadError` (a ValueError) with a sentence the page shows as-is; nothing
else escapes `read_table`, whatever bytes arrive (a test fuzzes it with hypothesis).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from . import dialect
from .dialect import UploadError

__all__ = [
    "MAX_BYTES",
    "MAX_DAYS",
    "MAX_FILL_DAYS",
    "MIN_DAYS",
    "Gaps",
    "Table",
    "UploadError",
    "UploadedSeries",
    "read_table",
    "series_from",
    "series_of",
]

MAX_BYTES = 5 * 2**20  # also the server's upload limit (.streamlit/config.toml, in MB)
MAX_DAYS = 2000  # the same cap as a generated series
MIN_DAYS = 8  # the smallest generated series: a few windows to learn from
MAX_FILL_DAYS = 7  # a straight line across more than a week of weather would be invention
PREFERRED_COLUMNS = ("temperature", "temp", "value", "y")
_TEMPERATURE_HINTS = ("temp", "tmax", "tavg", "tmin")


class Gaps(StrEnum):
    """What to do with the empty days inside a series."""

    DROP = "drop"  # leave them out: the days either side become neighbours
    INTERPOLATE = "interpolate"  # a straight line between the known days either side


@dataclass(frozen=True)
class Table:
    """An uploaded file's numeric columns, ready for the student to pick one.

    frame : DataFrame of the usable columns, float64 (n rows); NaN marks an empty day
    suggested : the column to offer first
    skipped : sentences about columns that were not usable (text, mixed marks or units)
    dates : (n,) datetime64 ndarray, one per row (daily dates: datetime64[D]), or None
    date_column : the column the dates came from, or None
    units : column -> unit written in its cells or header ("°C", "°F", "K", "°"; "" unknown)
    lines : (n,) int ndarray, the file line of each row; 0 for a day the dates skipped
    notes : sentences on how the file was read (encoding, separator, dates)
    """

    frame: pd.DataFrame
    suggested: str
    skipped: tuple[str, ...] = ()
    dates: np.ndarray | None = None
    date_column: str | None = None
    units: Mapping[str, str] = field(default_factory=dict)
    lines: np.ndarray | None = None
    notes: tuple[str, ...] = ()


def read_table(data: bytes, max_bytes: int = MAX_BYTES) -> Table:
    """Parse `data` (a CSV or text export) into its usable numeric columns, or UploadError."""
    if len(data) > max_bytes:
        raise UploadError(
            f"The file is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB. "
            f"A series of {MAX_DAYS} days fits in well under 100 KB."
        )
    if len(data) == 0 or not data.strip():
        raise UploadError("The file is empty: it needs a column of numbers, one per day.")
    text, encoding_note = dialect.decode(data)
    if not text.strip():
        raise UploadError("The file is empty: it needs a column of numbers, one per day.")
    sep = dialect.separator(text)
    cells = dialect.parse(text, sep).fillna("").astype(str)
    lines = np.arange(1, cells.shape[0] + 1)
    filled = (cells.apply(lambda col: col.str.strip()) != "").any(axis=1).to_numpy().copy()
    if sep is None and filled.any():  # one column: a blank line inside is an empty day
        filled[np.flatnonzero(filled)[0] : np.flatnonzero(filled)[-1]] = True
    cells, lines = cells[filled].reset_index(drop=True), lines[filled]
    if cells.shape[0] == 0:
        raise UploadError("The file is empty: it needs a column of numbers, one per day.")
    header = _has_header(cells)
    names = _names(cells.iloc[0] if header else None, cells.shape[1])
    if header:
        cells, lines = cells.iloc[1:].reset_index(drop=True), lines[1:]
    if cells.shape[0] == 0:
        raise UploadError("The file has a header but no rows of numbers.")

    usable, units, skipped, labels = {}, {}, [], []
    comma_decimal = False
    for j, name in enumerate(names):
        column = cells.iloc[:, j]
        read = dialect.numbers(column, sep)
        problem = _problem(name, column, read, lines)
        if problem == "labels":
            labels.append((name, column))
        elif problem:
            skipped.append(problem)
        else:
            usable[name] = read.values
            units[name] = read.unit or dialect.header_unit(name)
            comma_decimal |= read.comma_decimal
    if not usable:
        reasons = " ".join(skipped) or "Every column holds text, not numbers."
        raise UploadError(f"No column of numbers could be used. {reasons}")

    notes = [encoding_note] if encoding_note else []
    how = "one column" if sep is None else f"{dialect.SEPARATOR_NAMES[sep]}-separated values"
    notes.append(f"Read as {how}{' with decimal commas' if comma_decimal else ''}.")
    frame = pd.DataFrame(usable)
    dates, date_column = None, None
    for name, column in labels:
        found, why = dialect.dates(column)
        if found is not None:
            frame, dates, lines, date_notes = dialect.on_calendar(frame, found, lines, name)
            date_column = name
            notes.extend(date_notes)
            break
        if why:
            skipped.append(f"Column '{name}': {why}.")
    return Table(
        frame=frame,
        suggested=_suggest(frame),
        skipped=tuple(skipped),
        dates=dates,
        date_column=date_column,
        units=units,
        lines=lines,
        notes=tuple(notes),
    )


def _has_header(cells: pd.DataFrame) -> bool:
    """The first row is a header when one of its cells is a word above a column of numbers or
    dates (so "Seattle,12.5" as a first row is data: its word heads a column of words)."""
    first, body = cells.iloc[0], cells.iloc[1:51]
    for j in range(cells.shape[1]):
        top = first.iloc[j]
        if top.strip() == "" or dialect.CELL.fullmatch(top) or _is_date(top):
            continue
        below = body.iloc[:, j]
        below = below[~dialect.is_missing(below)]
        if below.shape[0] == 0 and cells.shape[0] == 1:
            return True
        numbers = dialect.numbers(below, None).values
        if np.any(~np.isnan(numbers)) or (
            below.shape[0] and dialect.dates(below.reset_index(drop=True))[0] is not None
        ):
            return True
    return False


def _is_date(cell: str) -> bool:
    return dialect.dates(pd.Series([cell], dtype=str))[0] is not None


def _names(header: pd.Series | None, width: int) -> list[str]:
    """Column names: the header's (stripped, made unique) or "column 1", "column 2", …"""
    if header is None:
        return [f"column {j + 1}" for j in range(width)]
    names: list[str] = []
    for j, raw in enumerate(header):
        name = str(raw).strip() or f"column {j + 1}"
        base, k = name, 2
        while name in names:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
    return names


def _problem(name: str, column: pd.Series, read: dialect.Numbers, lines: np.ndarray) -> str:
    """ "" for a usable column, "labels" for a column of words or dates, else a sentence."""
    known = ~np.isnan(read.values)
    if read.mixed_decimals is not None:
        dot, comma = read.mixed_decimals
        return (
            f"Column '{name}' mixes decimal points and decimal commas (row {lines[dot]}: "
            f"'{column.iloc[dot].strip()}', row {lines[comma]}: '{column.iloc[comma].strip()}'); "
            "save it with one decimal mark."
        )
    if read.infinite.any():
        row = int(np.flatnonzero(read.infinite)[0])
        return f"Column '{name}' has NaN or infinite values (first at row {lines[row]})."
    if read.text.any():
        if not known.any():
            return "labels"  # words or dates: not a candidate, nothing to say
        row = int(np.flatnonzero(read.text)[0])
        return (
            f"Column '{name}' has text among its numbers (row {lines[row]}: "
            f"'{column.iloc[row][:20]}')."
        )
    if not known.any():
        return f"Column '{name}' is empty."
    if len(read.units_seen) > 1:
        return f"Column '{name}' mixes units ({' and '.join(read.units_seen)}); use one."
    return ""


def _suggest(frame: pd.DataFrame) -> str:
    """The column to offer first: a temperature by name, else the first that is not a day
    counter (1, 2, 3, …)."""
    plain = {_strip_unit(c).lower(): c for c in frame.columns}
    for name in PREFERRED_COLUMNS:
        if name in plain:
            return plain[name]
    hinted = [c for key, c in plain.items() if any(key.startswith(h) for h in _TEMPERATURE_HINTS)]
    if hinted:
        return hinted[0]
    counters = [c for c in frame.columns if _is_counter(frame[c].to_numpy())]
    others = [c for c in frame.columns if c not in counters]
    return (others or list(frame.columns))[0]


def _strip_unit(name: str) -> str:
    return dialect.HEADER_UNIT.sub("", name).strip()


def _is_counter(values: np.ndarray) -> bool:
    return values.shape[0] > 1 and bool(np.all(np.diff(values) == 1))


@dataclass(frozen=True)
class UploadedSeries:
    """One column as the series to learn on.

    values : (n,) float ndarray, finite (gaps dropped or filled)
    dates : (n,) datetime64 ndarray, or None (no date column)
    unit : "°C", "°F", "K", "°" or "" (unknown)
    filled : (n,) bool ndarray, the days filled by interpolation (all False when dropped):
        `np.where(filled, np.nan, values)` gives the gaps back, for a split-aware refill
        (`core.fill_gaps`) that never draws a line across the held-out boundary
    column : the column's name
    notices : sentences the page shows: what was done with gaps, capping, trimming
    """

    values: np.ndarray
    dates: np.ndarray | None
    unit: str
    filled: np.ndarray
    column: str
    notices: tuple[str, ...]


def series_of(
    table: Table, column: str, seq_len: int, gaps: Gaps | str = Gaps.INTERPOLATE
) -> UploadedSeries:
    """The chosen column as a series of at most MAX_DAYS finite values, or UploadError.

    Empty days at the start and end are left out. Empty days inside are dropped or filled by
    a straight line between the known days either side (`gaps`); a run of more than
    MAX_FILL_DAYS empty days is not filled, and the sentence says to drop it instead.
    """
    if column not in table.frame.columns:
        raise UploadError(f"There is no usable column '{column}' in this file.")
    try:
        gaps = Gaps(gaps)
    except ValueError:
        raise UploadError(f"Gaps must be 'drop' or 'interpolate', got {gaps!r}.") from None
    values = table.frame[column].to_numpy(dtype=float)
    dates = table.dates
    notices = []
    known = np.flatnonzero(~np.isnan(values))
    first, last = int(known[0]), int(known[-1])
    ends = [f"{k} {n} day(s)" for k, n in (("first", first), ("last", len(values) - 1 - last)) if n]
    if ends:
        notices.append(f"Column '{column}' is empty on its {' and '.join(ends)}; left out.")
    if last + 1 - first > MAX_DAYS:
        notices.append(f"The file has {last + 1 - first} days; only the first {MAX_DAYS} are used.")
        last = first + MAX_DAYS - 1
        while np.isnan(values[last]):
            last -= 1
    values = values[first : last + 1]
    dates = None if dates is None else dates[first : last + 1]
    where = _day_names(dates, (table.lines if table.lines is not None else None), first)
    values, dates, filled, sentence = _close_gaps(values, dates, gaps, column, where)
    if sentence:
        notices.append(sentence)
    needed = max(MIN_DAYS, seq_len + 1)
    if values.shape[0] < needed:
        raise UploadError(
            f"Column '{column}' has {values.shape[0]} value(s); at least {needed} days are "
            f"needed for {seq_len}-day windows and a few targets to learn from."
        )
    if np.max(np.abs(values)) > 1e6:
        raise UploadError(
            f"Column '{column}' has values as large as {np.max(np.abs(values)):.3g}; rescale them "
            "(for example to degrees) so the RNN's tanh units can work with them."
        )
    unit = table.units.get(column, "")
    return UploadedSeries(values.copy(), dates, unit, filled, column, tuple(notices))


def _day_names(dates: np.ndarray | None, lines: np.ndarray | None, first: int):
    """A function: index i of the trimmed series -> "2013-03-04" or "row 12"."""
    if dates is not None:
        return lambda i: str(dates[i])
    if lines is not None:
        return lambda i: f"row {int(lines[first + i])}"
    return lambda i: f"day {first + i + 1}"


def _close_gaps(values, dates, gaps: Gaps, column: str, where):
    """values (n,) with NaN gaps inside -> (values, dates, filled (m,), sentence or "")."""
    missing = np.isnan(values)
    if not missing.any():
        return values, dates, np.zeros(values.shape[0], dtype=bool), ""
    idx = np.flatnonzero(missing)
    listed = ", ".join(where(int(i)) for i in idx[:3]) + (", …" if idx.size > 3 else "")
    if gaps is Gaps.DROP:
        kept = ~missing
        return (
            values[kept],
            None if dates is None else dates[kept],
            np.zeros(int(kept.sum()), dtype=bool),
            f"{idx.size} empty day(s) in '{column}' were dropped ({listed}); the days either "
            "side of each gap are now neighbours.",
        )
    # Runs of consecutive empty days: starts where a gap begins, ends where it stops.
    edges = np.diff(np.concatenate([[0], missing.astype(int), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    longest = int(np.argmax(stops - starts))
    if stops[longest] - starts[longest] > MAX_FILL_DAYS:
        raise UploadError(
            f"Column '{column}' has {stops[longest] - starts[longest]} empty days in a row (from "
            f"{where(int(starts[longest]))}); a straight line across more than "
            f"{MAX_FILL_DAYS} days would invent the weather. Choose to drop the empty days, or "
            "fill them in the file."
        )
    days = np.arange(values.shape[0])
    out = values.copy()
    out[missing] = np.interp(days[missing], days[~missing], values[~missing])
    return (
        out,
        dates,
        missing,
        f"{idx.size} empty day(s) in '{column}' were filled by a straight line between the "
        f"days either side ({listed}).",
    )


def series_from(table: Table, column: str, seq_len: int) -> tuple[np.ndarray, list[str]]:
    """The chosen column as a series (n,) with notices (gaps filled by interpolation); or
    UploadError. The page's first API; `series_of` also gives the dates, unit and gap choice."""
    series = series_of(table, column, seq_len, Gaps.INTERPOLATE)
    return series.values, list(series.notices)
