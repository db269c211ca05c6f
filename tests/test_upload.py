"""Uploaded files: what spreadsheets export reads back to its numbers, dates and unit; every bad
file gets its own clear sentence; nothing else ever escapes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz import core
from rnnviz.files.upload import (
    MAX_DAYS,
    MAX_FILL_DAYS,
    Gaps,
    UploadError,
    read_table,
    series_from,
    series_of,
)
from rnnviz.ui.series import series_csv


def test_the_downloaded_csv_uploads_again_unchanged():
    temps = core.weather_series(seed=11, sigma=1.3)
    table = read_table(series_csv(temps).encode())
    assert table.suggested == "temperature"
    series, notices = series_from(table, table.suggested, 5)
    np.testing.assert_array_equal(series, temps)
    assert notices == []


def test_headerless_single_column_and_semicolons():
    values = np.linspace(10, 20, 30)
    table = read_table("\n".join(map(str, values)).encode())
    np.testing.assert_array_equal(series_from(table, table.suggested, 5)[0], values)
    table = read_table(
        b"day;temp\n" + b"".join(f"{i};{v}\n".encode() for i, v in enumerate(values))
    )
    assert table.suggested == "temp"


def test_day_counter_is_not_suggested():
    rows = "".join(f"{i + 1},{15 + np.sin(i):.3f}\n" for i in range(20))
    table = read_table(("n,reading\n" + rows).encode())
    assert table.suggested == "reading"


# --- Files as spreadsheets write them ------------------------------------------------------


def read(text: str, encoding: str = "utf-8"):
    return read_table(text.encode(encoding))


TEMPS = [12.8, 10.6, 11.7, 12.2, 8.9, 4.4, 7.2, 10.0, 9.4, 6.1, 6.1, 6.1]


def test_european_spreadsheet_semicolons_decimal_commas_and_day_first_dates():
    rows = "".join(
        f"{d + 1:02d}.01.2012;{str(t).replace('.', ',')};{d % 3}\n" for d, t in enumerate(TEMPS)
    )
    table = read("Datum;Tmax (°C);Wind\n" + rows)
    assert table.suggested == "Tmax (°C)" and table.units["Tmax (°C)"] == "°C"
    np.testing.assert_array_equal(table.frame["Tmax (°C)"], TEMPS)
    assert table.date_column == "Datum"
    assert table.dates[0] == np.datetime64("2012-01-01") and table.dates[-1] == np.datetime64(
        "2012-01-12"
    )
    assert "semicolon-separated values with decimal commas" in " ".join(table.notes)


def test_utf16_unicode_text_export_is_read():
    # A spreadsheet's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
    text = "date\ttemp\n" + "".join(f"2012-01-{d + 1:02d}\t{t}\n" for d, t in enumerate(TEMPS))
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):  # with a BOM, and without
        table = read_table(text.encode(encoding))
        np.testing.assert_array_equal(table.frame["temp"], TEMPS)
        assert "UTF-16" in table.notes[0]


def test_unit_suffixes_are_stripped_and_remembered():
    cells = ["51°F", "52 °F", "49F", "50.5 ºF", "48℉", "47", "46°F", "45°F"]
    table = read("high\n" + "\n".join(cells))
    np.testing.assert_array_equal(table.frame["high"], [51, 52, 49, 50.5, 48, 47, 46, 45])
    series = series_of(table, "high", 5)
    assert series.unit == "°F"
    # A Windows spreadsheet's plain "CSV" writes ° as one byte: read as Windows-1252.
    table = read("high\n" + "\n".join(f"{v}°C" for v in TEMPS), encoding="cp1252")
    assert table.units["high"] == "°C" and "Windows-1252" in table.notes[0]


def test_newest_first_and_shuffled_dates_are_put_in_time_order():
    rows = [f"2012-01-{d + 1:02d},{t}" for d, t in enumerate(TEMPS)]
    table = read("date,temp\n" + "\n".join(reversed(rows)))
    np.testing.assert_array_equal(table.frame["temp"], TEMPS)
    assert "newest day first" in " ".join(table.notes)
    shuffled = [rows[i] for i in np.random.default_rng(0).permutation(len(rows))]
    table = read("date,temp\n" + "\n".join(shuffled))
    np.testing.assert_array_equal(table.frame["temp"], TEMPS)
    assert table.lines.tolist() != list(range(2, 14))  # rows keep their own file line


def test_day_or_month_first_is_settled_by_the_order_of_the_rows_or_refused():
    # 01/02 … 12/02: only day/month runs one day at a time, so the dates are unambiguous.
    rows = "".join(f"{d + 1:02d}/02/2012,{t}\n" for d, t in enumerate(TEMPS))
    table = read("date,temp\n" + rows)
    assert table.dates[0] == np.datetime64("2012-02-01")
    # Two rows that fit either reading in time order: no date axis, and a sentence why.
    table = read("date,temp\n01/02/2012,3\n03/04/2012,4\n")
    assert table.dates is None and "day/month and month/day" in table.skipped[0]


def test_empty_days_are_filled_or_dropped_as_chosen():
    values = [str(t) for t in TEMPS]
    values[3] = values[4] = ""  # two empty days inside
    values[0] = "NA"  # an empty first day is left out either way
    table = read("temp\n" + "\n".join(values))
    filled = series_of(table, "temp", 5, Gaps.INTERPOLATE)
    np.testing.assert_allclose(filled.values[2:4], [11.7 - 7.3 / 3, 11.7 - 2 * 7.3 / 3])
    assert filled.filled.tolist() == [False, False, True, True] + [False] * 7
    assert "filled by a straight line" in filled.notices[1] and "row 5" in filled.notices[1]
    assert "first 1 day(s)" in filled.notices[0]
    dropped = series_of(table, "temp", 5, "drop")
    assert dropped.values.tolist() == [10.6, 11.7] + TEMPS[5:]
    assert "2 empty day(s)" in dropped.notices[1] and not dropped.filled.any()


def test_days_missing_from_the_dates_become_empty_days():
    rows = [f"2012-01-{d + 1:02d},{t}" for d, t in enumerate(TEMPS) if d not in (5, 6)]
    table = read("date,temp\n" + "\n".join(rows))
    assert table.frame.shape[0] == len(TEMPS) and table.lines[5] == 0
    assert "2 day(s)" in " ".join(table.notes) and "2012-01-06" in " ".join(table.notes)
    series = series_of(table, "temp", 5)
    assert series.filled.sum() == 2 and "2012-01-06, 2012-01-07" in series.notices[0]


def test_a_long_gap_is_not_invented():
    values = [str(v) for v in range(30)]
    values[10 : 11 + MAX_FILL_DAYS] = [""] * (MAX_FILL_DAYS + 1)
    table = read("t\n" + "\n".join(values))
    with pytest.raises(UploadError, match="8 empty days in a row.*drop the empty days"):
        series_of(table, "t", 5)
    assert series_of(table, "t", 5, Gaps.DROP).values.shape == (30 - MAX_FILL_DAYS - 1,)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"name\nmonday\ntuesday\n", "Every column holds text"),
        (b"t\n1\n2\nwarm\n4\n", "text among its numbers (row 4: 'warm')"),
        (b"t\n1\ninf\n3\n", "NaN or infinite"),
        (b"a,b\n1,2\n3,4,5\n", "could not be read as CSV: line 3 has 3 field(s)"),
        (b"t\n1,5\n2.5\n", "mixes decimal points and decimal commas (row 3: '2.5'"),
        (b"t\n1C\n2F\n3C\n", "mixes units (°C and °F)"),
        (b"date,t\n2012-01-01,1\n2012-01-01,2\n", "has the date 2012-01-01 twice (rows 2 and 3)"),
        ("t\n1\n2\n\x81\n".encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"x" * (6 * 2**20), "limit is 5 MB"),
    ],
)
def test_bad_files_get_a_clear_sentence(data, fragment):
    with pytest.raises(UploadError) as err:
        read_table(data)
    assert fragment in str(err.value)


def test_too_short_and_too_long():
    table = read_table(b"t\n1\n2\n3\n")
    with pytest.raises(UploadError, match="at least 8 days"):
        series_from(table, "t", 5)
    long = read_table(("t\n" + "\n".join(str(i % 7) for i in range(MAX_DAYS + 50))).encode())
    series, notices = series_from(long, "t", 5)
    assert series.shape == (MAX_DAYS,) and "only the first 2000" in notices[0]


def test_huge_values_are_refused():
    table = read_table(("t\n" + "\n".join(["1e300"] * 20)).encode())
    with pytest.raises(UploadError, match="rescale"):
        series_from(table, "t", 5)


# --- Properties ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(
            alphabet=st.sampled_from(list("0123456789.,;-+eE \n\t\"'abcnaifCF°/:NA|")),
            max_size=300,
        ).map(str.encode),
        st.text(max_size=100).map(lambda t: t.encode("utf-16")),
    )
)
def test_any_bytes_give_a_table_or_an_upload_error(data):
    try:
        table = read_table(data)
    except UploadError:
        return
    for column in table.frame.columns:
        values = table.frame[column].to_numpy()
        assert values.dtype == float and not np.any(np.isinf(values))
        for gaps in Gaps:
            try:
                series = series_of(table, column, 5, gaps)
            except UploadError:
                continue
            assert np.all(np.isfinite(series.values)) and 8 <= series.values.shape[0] <= MAX_DAYS


DIALECTS = st.fixed_dictionaries(
    {
        "sep": st.sampled_from([",", ";", "\t", "|"]),
        "comma": st.booleans(),
        "encoding": st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
        "unit": st.sampled_from(["", "°C", " °F", "K", "F"]),
        "header": st.booleans(),
        "dates": st.sampled_from([None, "%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y"]),
        "newline": st.sampled_from(["\n", "\r\n"]),
    }
)


@settings(max_examples=100, deadline=None)
@given(
    DIALECTS,
    st.lists(
        st.decimals(min_value=-60, max_value=60, places=2, allow_nan=False), min_size=8, max_size=40
    ),
    st.lists(st.integers(-50, 50), min_size=8, max_size=8),
)
def test_a_table_in_any_supported_dialect_reads_back_to_the_same_numbers(dialect, temps, other):
    if dialect["comma"] and dialect["sep"] == ",":
        dialect["comma"] = False  # a comma-separated file cannot use decimal commas
    n = len(temps)
    second = [other[i % len(other)] for i in range(n)]
    start = np.datetime64("2012-12-25")
    lines = []
    if dialect["header"]:
        lines.append(dialect["sep"].join((["date"] if dialect["dates"] else []) + ["t", "w"]))
    for i, (t, w) in enumerate(zip(temps, second, strict=True)):
        cell = f"{t}{dialect['unit']}"
        cell = cell.replace(".", ",") if dialect["comma"] else cell
        row = [cell, str(w)]
        if dialect["dates"]:
            day = (start + np.timedelta64(i, "D")).astype(object)
            row.insert(0, day.strftime(dialect["dates"]))
        lines.append(dialect["sep"].join(row))
    data = dialect["newline"].join(lines).encode(dialect["encoding"])

    table = read_table(data)
    first = table.frame.columns[0]
    np.testing.assert_array_equal(table.frame[first], [float(t) for t in temps])
    np.testing.assert_array_equal(table.frame[table.frame.columns[1]], second)
    unit = {"": "", "°C": "°C", " °F": "°F", "K": "K", "F": "°F"}[dialect["unit"]]
    assert table.units[first] == unit
    if dialect["dates"]:
        assert table.dates[0] == start and table.dates.shape == (n,)
    else:
        assert table.dates is None
