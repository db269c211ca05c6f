"""How a spreadsheet wrote a file: its encoding, separator, header, decimal mark, units and dates.

The pieces `upload.read_table` puts together. Each guess is made only where the file leaves no
doubt; where it does (day/month or month/day, decimal points and commas in one column), the
answer is a sentence saying what to change, never a silent pick. Everything here works on
strings; pandas parses the CSV and the numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd


class UploadError(ValueError):
    """A file that cannot become a series; the message says why, for a student."""


# Tab first: a tab in every line is never anything else. Then ";" (what a spreadsheet writes
# where the decimal mark is a comma) and "|"; "," last, as in "12,5;3" it is the decimal mark.
SEPARATORS = ("\t", ";", "|", ",")
SEPARATOR_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "bar"}
SNIFF_LINES = 1000  # lines read to choose the separator; pandas checks the rest
# What spreadsheets, R, pandas and NOAA's exports write for "no value that day".
MISSING = {"", "na", "n/a", "#n/a", "nan", "null", "none", "-", "--", "—", "missing", "m"}
_NUMBER = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"
# A unit right after the number: 12.5°C, 51 °F, 51F, 280 K, 12,5 ℃. Bare letters are only
# C, F and K in capitals (a lower-case "k" could mean thousands).
_UNIT = r"°\s*[CFKcfk]?|º\s*[CFKcfk]?|℃|℉|deg\s*[CFcf]|[CFK]"
CELL = re.compile(rf"\s*(?P<number>{_NUMBER})\s*(?P<unit>{_UNIT})?\s*")
# A unit in a header: "temp (°C)", "Tmax [F]", "temperature in °C".
HEADER_UNIT = re.compile(r"[(\[]\s*(°\s*[CFK]|º\s*[CFK]|℃|℉|°|[CFK])\s*[)\]]|\s(°\s*[CFK]|℃|℉)\s*$")
# Dates with the day, month and year in an order the cells can prove. ISO 8601 (2012-01-31,
# also with a time) first; the rest are what spreadsheets write in various countries.
DATE_FORMATS = (
    "ISO8601",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d.%m.%y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%b %d %Y",
)


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes -> text, and a sentence when the encoding was not UTF-8 (else None).

    UTF-8 (with or without a BOM); UTF-16 with a BOM (a spreadsheet's "Unicode text") or
    without one when every other byte is zero; otherwise Windows-1252, which reads the digits,
    separators and "°" of a Western spreadsheet's plain "CSV" the same as every Latin code page.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, name = _try(data, "utf-16"), "UTF-16"
    elif b"\x00" in data:
        text, name = _bomless_utf16(data), "UTF-16"
    else:
        text, name = _try(data, "utf-8-sig"), None
        if text is None:
            text, name = _try(data, "cp1252"), "Windows-1252"
            if text is None:
                raise UploadError(
                    "The file is not UTF-8 text. Save it as 'CSV UTF-8' from your spreadsheet "
                    "program."
                )
    if text is None or "\x00" in text:
        raise UploadError("This is not a text CSV file (it contains binary data).")
    note = None if name is None else f"The file is {name} text, not UTF-8; it was read as such."
    return text, note


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM, recognised by ASCII text's zero high bytes; None if not that."""
    if len(data) % 2:
        return None
    even, odd = np.frombuffer(data, dtype=np.uint8).reshape(-1, 2).T
    if not np.any(odd) and np.all(even):
        return _try(data, "utf-16-le")
    if not np.any(even) and np.all(odd):
        return _try(data, "utf-16-be")
    return None


def separator(text: str) -> str | None:
    """The separator that splits every line into as many fields (≥ 2) as the first line has;
    None for a file of one column.

    A separator that fits all lines but a few (at most one in ten) makes the file unreadable,
    with the first odd line's number: a row with a field too many or too few.
    """
    lines = text.splitlines()[:SNIFF_LINES]
    odd = None
    for sep in SEPARATORS:
        counts = _field_counts(lines, sep)
        width = counts[0][1] if counts else 0
        if width < 2:
            continue
        bad = [(i, c) for i, c in counts if c != width]
        if not bad:
            return sep
        if odd is None and len(bad) <= max(1, len(counts) // 10):
            odd = (sep, width, bad[0])
    if odd is not None:
        sep, width, (line, count) = odd
        raise UploadError(
            f"The file could not be read as CSV: line {line + 1} has {count} field(s) where the "
            f"first line has {width} ({SEPARATOR_NAMES[sep]}-separated)."
        )
    return None


def _field_counts(lines: list[str], sep: str) -> list[tuple[int, int]]:
    """(line index, number of fields) for the non-blank lines, quotes respected."""
    counts = []
    for i, line in enumerate(lines):
        if line.strip():
            try:
                fields = next(csv.reader([line], delimiter=sep, strict=False), [])
            except csv.Error:
                fields = line.split(sep)
            counts.append((i, len(fields)))
    return counts


def parse(text: str, sep: str | None) -> pd.DataFrame:
    """The table's cells as strings, header row included, a row per line (blank ones too, so
    row i is line i + 1)."""
    # Without a separator any character absent from the text keeps each line one field.
    sep = sep or next((s for s in SEPARATORS if s not in text), "\x1f")
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            index_col=False,
        )
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        csv.Error,
        ValueError,
        UnicodeError,
        IndexError,
    ) as err:
        raise UploadError(
            f"The file could not be read as CSV ({str(err).splitlines()[0][:80]})."
        ) from None


def is_missing(cells: pd.Series) -> np.ndarray:
    """(n,) bool: the cells that mean "no value that day" (empty, NA, nan, -, …)."""
    return cells.str.strip().str.lower().isin(MISSING).to_numpy()


@dataclass(frozen=True)
class Numbers:
    """A column of cells read as numbers.

    values : (n,) float, NaN where a cell is missing, text or infinite
    text : (n,) bool, cells that are neither a finite number nor missing
    infinite : (n,) bool, cells that say inf or overflow (1e999)
    unit : "°C", "°F", "K", "°" or "" (none written, or several: see units_seen)
    units_seen : every unit written in the cells
    comma_decimal : True when the column's decimal mark is a comma
    mixed_decimals : rows of a cell with a decimal point and of one with a comma, or None
    """

    values: np.ndarray
    text: np.ndarray
    infinite: np.ndarray
    unit: str
    units_seen: tuple[str, ...]
    comma_decimal: bool
    mixed_decimals: tuple[int, int] | None


def numbers(cells: pd.Series, sep: str | None) -> Numbers:
    """Read `cells` (strings) as numbers with an optional unit suffix and either decimal mark.

    A column uses one decimal mark: "12,5" is 12.5 unless the column also has "12.5" (then the
    column is refused), or the file is comma-separated (then a comma cannot be a decimal mark,
    and "1,5" is text).
    """
    clean = cells.str.replace("\u2212", "-", regex=False).str.replace("\u00a0", " ", regex=False)
    found = clean.str.extract(f"^{CELL.pattern}$")
    number, unit = found["number"], found["unit"].fillna("")
    missing = is_missing(cells)
    is_number = number.notna().to_numpy() & ~missing
    comma = is_number & number.str.contains(",", regex=False).to_numpy(dtype=bool, na_value=False)
    dot = is_number & number.str.contains(".", regex=False).to_numpy(dtype=bool, na_value=False)
    mixed = None
    if comma.any() and dot.any():
        mixed = (int(np.flatnonzero(dot)[0]), int(np.flatnonzero(comma)[0]))
    comma_decimal = bool(comma.any() and not dot.any() and sep != ",")
    if comma_decimal:
        number = number.str.replace(",", ".", regex=False)
    else:
        is_number &= ~comma
    parsed = pd.to_numeric(number.where(is_number), errors="coerce").to_numpy(dtype=float)
    said_inf = (
        clean.str.strip()
        .str.lower()
        .str.fullmatch(r"[+-]?inf(inity)?")
        .to_numpy(dtype=bool, na_value=False)
    )
    infinite = (is_number & np.isinf(parsed)) | said_inf
    is_number &= np.isfinite(parsed)
    seen = tuple(sorted({_unit_name(u) for u in unit[is_number] if u}))
    return Numbers(
        values=np.where(is_number, parsed, np.nan),
        text=~is_number & ~missing & ~infinite,
        infinite=infinite,
        unit=seen[0] if len(seen) == 1 else "",
        units_seen=seen,
        comma_decimal=comma_decimal,
        mixed_decimals=mixed,
    )


def _unit_name(raw: str) -> str:
    """ "°c", "º F", "deg C", "℃", "C" -> "°C"; "K" and "°K" -> "K"; a bare "°" stays "°"."""
    letter = re.sub(r"[^CFKcfk]", "", raw.replace("℃", "C").replace("℉", "F")).upper()
    if not letter:
        return "°"
    return "K" if letter == "K" else f"°{letter}"


def header_unit(name: str) -> str:
    """The unit a column header names, as in "temp (°C)" or "Tmax [F]"; "" if none."""
    match = HEADER_UNIT.search(name)
    if match is None:
        return ""
    return _unit_name(match.group(1) or match.group(2))


def dates(cells: pd.Series) -> tuple[np.ndarray | None, str]:
    """A column's cells as dates, or (None, why not).

    Returns (n,) datetime64[D] (datetime64[s] when a time of day is written), or None with a
    sentence when the cells are not all dates, or fit two formats that disagree (01/02/2012:
    January or February?) and the rows cannot settle which: the reading kept is the one whose
    dates run one way in the smallest steps (one day, for a daily series).
    """
    stripped = cells.str.strip()
    if (stripped == "").any() or stripped.shape[0] == 0:
        return None, ""
    if stripped.str.fullmatch(r"[+-]?\d+").all():
        return None, ""  # whole numbers (years, counters) are not dates here
    fits = []
    head = stripped.iloc[:20]
    for fmt in DATE_FORMATS:
        if pd.to_datetime(head, format=fmt, errors="coerce").isna().any():
            continue  # the first cells already rule this format out
        parsed = pd.to_datetime(stripped, format=fmt, errors="coerce")
        if not parsed.isna().any():
            fits.append(parsed.to_numpy(dtype="datetime64[s]"))
    distinct = _distinct(fits)
    if not distinct:
        return None, ""
    if len(distinct) > 1:  # 01/02/2012: keep the reading in which time runs one way, in the
        # smallest steps (a daily series read the wrong way round jumps a month a day)
        ordered = [d for d in distinct if _monotone(d)]
        steps = [float(np.median(np.abs(np.diff(d.astype("int64"))))) for d in ordered]
        if not ordered or steps.count(min(steps)) > 1:
            return None, (
                f"its dates fit both day/month and month/day (row 1: '{stripped.iloc[0]}'); "
                "write them as 2012-01-31 to get a date axis"
            )
        distinct = [ordered[int(np.argmin(steps))]]
    found = distinct[0]
    days = found.astype("datetime64[D]")
    return (days if np.all(days == found) else found), ""


def _distinct(candidates: list[np.ndarray]) -> list[np.ndarray]:
    out: list[np.ndarray] = []
    for c in candidates:
        if not any(np.array_equal(c, o) for o in out):
            out.append(c)
    return out


def _monotone(values: np.ndarray) -> bool:
    steps = np.diff(values.astype("int64"))
    return bool(np.all(steps > 0) or np.all(steps < 0))


MAX_CALENDAR_DAYS = 40_000  # dates spanning more (a century) are not laid on a daily calendar


def on_calendar(
    frame: pd.DataFrame, dates: np.ndarray, lines: np.ndarray, name: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, list[str]]:
    """Rows in time order and, for daily dates, one row per calendar day (a day the file skips
    becomes an empty day, line 0). Returns frame, dates, lines and sentences saying so."""
    steps = np.diff(dates)
    if np.any(steps == np.timedelta64(0)):
        first = int(np.flatnonzero(steps == np.timedelta64(0))[0])
        raise UploadError(
            f"Column '{name}' has the date {dates[first]} twice (rows {lines[first]} and "
            f"{lines[first + 1]}): a series needs one row per day. If the file holds several "
            "stations or sensors, keep one of them."
        )
    notes = []
    if not np.all(steps > np.timedelta64(0)):
        order = np.argsort(dates, kind="stable")
        frame = frame.iloc[order].reset_index(drop=True)
        dates, lines = dates[order], lines[order]
        backwards = bool(np.all(steps < np.timedelta64(0)))
        notes.append(
            "The file lists the newest day first; the rows were put in time order."
            if backwards
            else "The rows were put in date order."
        )
    notes.append(f"Dates from column '{name}': {dates[0]} to {dates[-1]}.")
    if dates.dtype != np.dtype("datetime64[D]") or dates.shape[0] < 2:
        return frame, dates, lines, notes
    days = (dates - dates[0]).astype(int)  # (n,) day numbers from the first date
    usual = int(np.median(np.diff(days)))
    if usual != 1 or days[-1] + 1 > MAX_CALENDAR_DAYS:
        notes.append(
            f"The dates are not one per day (the usual step is {usual} days); each row counts "
            "as one step."
        )
        return frame, dates, lines, notes
    if days[-1] + 1 > days.shape[0]:
        calendar = np.arange(dates[0], dates[-1] + np.timedelta64(1, "D"))  # (N,) every day
        full = pd.DataFrame(np.nan, index=range(calendar.shape[0]), columns=frame.columns)
        full.iloc[days] = frame.to_numpy()
        absent = np.setdiff1d(np.arange(calendar.shape[0]), days)
        new_lines = np.zeros(calendar.shape[0], dtype=int)
        new_lines[days] = lines
        notes.append(
            f"{absent.size} day(s) between the first and last date are not in the file (the "
            f"first: {calendar[absent[0]]}); they count as empty days."
        )
        return full, calendar, new_lines, notes
    return frame, dates, lines, notes
