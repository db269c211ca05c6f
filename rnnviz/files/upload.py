"""Reading a student's own series from an uploaded CSV. Pure pandas/NumPy, no streamlit.

Every failure is an `UploadError` (a ValueError) with a sentence the page shows as-is; nothing
else escapes `read_table`, whatever bytes arrive (a test fuzzes it with hypothesis).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_BYTES = 5 * 2**20  # also the server's upload limit (.streamlit/config.toml, in MB)
MAX_DAYS = 2000  # the same cap as a generated series
MIN_DAYS = 8  # the smallest generated series: a few windows to learn from
PREFERRED_COLUMNS = ("temperature", "temp", "value", "y")
_NON_FINITE = {"nan", "-nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"}


class UploadError(ValueError):
    """A file that cannot become a series; the message says why, for a student."""


@dataclass(frozen=True)
class Table:
    """An uploaded CSV's numeric columns, ready for the student to pick one.

    frame : DataFrame with only the fully numeric, finite columns
    suggested : the column to offer first
    skipped : sentences about columns that were not usable (text, missing values)
    """

    frame: pd.DataFrame
    suggested: str
    skipped: tuple[str, ...]


def read_table(data: bytes, max_bytes: int = MAX_BYTES) -> Table:
    """Parse `data` as CSV text into its usable numeric columns, or raise UploadError."""
    if len(data) == 0 or not data.strip():
        raise UploadError("The file is empty: it needs a column of numbers, one per day.")
    if len(data) > max_bytes:
        raise UploadError(
            f"The file is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB. "
            f"A series of {MAX_DAYS} days fits in well under 100 KB."
        )
    if b"\x00" in data:
        raise UploadError("This is not a text CSV file (it contains binary data).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(
            "The file is not UTF-8 text. Save it as 'CSV UTF-8' from your spreadsheet program."
        ) from None
    frame = _parse(text)
    usable, skipped = {}, []
    for column in frame.columns:
        name = str(column).strip() or "(unnamed)"
        values = frame[column]
        cells = values.astype(str).str.strip()
        numbers = pd.to_numeric(cells, errors="coerce")
        special = cells.str.lower().isin(_NON_FINITE)
        if special.any():
            row = int(np.flatnonzero(special)[0])
            skipped.append(f"Column '{name}' has NaN or infinite values (first at row {row + 2}).")
            continue
        text_rows = np.flatnonzero(numbers.isna() & (cells != ""))
        if text_rows.size == numbers.shape[0]:
            continue  # a column of labels (dates, names): not a candidate, nothing to say
        if text_rows.size:
            row = int(text_rows[0])
            skipped.append(
                f"Column '{name}' has text among its numbers (row {row + 2}: "
                f"'{str(values.iloc[row])[:20]}')."
            )
            continue
        missing = np.flatnonzero(numbers.isna().to_numpy())
        if missing.size:
            skipped.append(
                f"Column '{name}' has {missing.size} empty cell(s) (first at row "
                f"{int(missing[0]) + 2}); fill or remove them."
            )
            continue
        infinite = np.flatnonzero(~np.isfinite(numbers.to_numpy(dtype=float)))
        if infinite.size:
            skipped.append(
                f"Column '{name}' has NaN or infinite values (first at row {int(infinite[0]) + 2})."
            )
            continue
        usable[name] = numbers.to_numpy(dtype=float)
    if not usable:
        reasons = " ".join(skipped) or "Every column holds text, not numbers."
        raise UploadError(f"No column of numbers could be used. {reasons}")
    table = pd.DataFrame(usable)
    lower = {name.lower(): name for name in table.columns}
    suggested = next((lower[p] for p in PREFERRED_COLUMNS if p in lower), None)
    if suggested is None:  # skip a day counter like 1, 2, 3, … if another column exists
        counters = [c for c in table.columns if _is_counter(table[c].to_numpy())]
        others = [c for c in table.columns if c not in counters]
        suggested = (others or list(table.columns))[0]
    return Table(frame=table, suggested=suggested, skipped=tuple(skipped))


def _parse(text: str) -> pd.DataFrame:
    """CSV text -> DataFrame of strings; a header row is detected, not assumed."""
    try:
        first_line = text.lstrip().splitlines()[0]
        # Spreadsheets in many countries write ";" (decimal commas) or tabs; commas otherwise.
        sep = next((s for s in (",", ";", "\t") if s in first_line), ",")
        has_header = any(
            _not_number(cell) for cell in next(csv.reader([first_line], delimiter=sep))
        )
        frame = pd.read_csv(
            io.StringIO(text),
            header=0 if has_header else None,
            dtype=str,
            skip_blank_lines=True,
            keep_default_na=False,
            sep=sep,
            engine="python",
        )
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        csv.Error,
        StopIteration,
        IndexError,
        ValueError,
        UnicodeError,
    ) as err:
        raise UploadError(
            f"The file could not be read as CSV ({str(err).splitlines()[0][:80]})."
        ) from None
    if not has_header:
        frame.columns = [f"column {i + 1}" for i in range(frame.shape[1])]
    if frame.shape[0] == 0:
        raise UploadError("The file has a header but no rows of numbers.")
    return frame


def _not_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return cell.strip() != ""
    return False


def _is_counter(values: np.ndarray) -> bool:
    return values.shape[0] > 1 and bool(np.all(np.diff(values) == 1))


def series_from(table: Table, column: str, seq_len: int) -> tuple[np.ndarray, list[str]]:
    """The chosen column as a series (n,), capped at MAX_DAYS, with notices; or UploadError."""
    if column not in table.frame.columns:
        raise UploadError(f"There is no usable column '{column}' in this file.")
    values = table.frame[column].to_numpy(dtype=float)
    notices = []
    needed = max(MIN_DAYS, seq_len + 1)
    if values.shape[0] < needed:
        raise UploadError(
            f"Column '{column}' has {values.shape[0]} value(s); at least {needed} days are "
            f"needed for {seq_len}-day windows and a few targets to learn from."
        )
    if values.shape[0] > MAX_DAYS:
        notices.append(f"The file has {values.shape[0]} days; only the first {MAX_DAYS} are used.")
        values = values[:MAX_DAYS]
    if np.max(np.abs(values)) > 1e6:
        raise UploadError(
            f"Column '{column}' has values as large as {np.max(np.abs(values)):.3g}; rescale them "
            "(for example to degrees) so the RNN's tanh units can work with them."
        )
    return values.copy(), notices
