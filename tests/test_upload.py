"""Uploaded CSVs: every bad file gets its own clear sentence; nothing else ever escapes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnviz import core
from rnnviz.files.upload import MAX_DAYS, UploadError, read_table, series_from
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


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"name\nmonday\ntuesday\n", "Every column holds text"),
        (b"t\n1\n2\nwarm\n4\n", "text among its numbers (row 4: 'warm')"),
        (b"t\n1\nnan\n3\n", "NaN or infinite"),
        (b"t\n1\ninf\n3\n", "NaN or infinite"),
        (b"t\n1\n\n3\n4,5\n", "could not be read"),
        ("t\n1\n2\nété\n".encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"x" * (6 * 2**20), "limit is 5 MB"),
    ],
)
def test_bad_files_get_a_clear_sentence(data, fragment):
    with pytest.raises(UploadError, match=None) as err:
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


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(
            alphabet=st.sampled_from(list("0123456789.,;-+eE \n\t\"'abcnaif")), max_size=300
        ).map(str.encode),
    )
)
def test_any_bytes_give_a_table_or_an_upload_error(data):
    try:
        table = read_table(data)
    except UploadError:
        return
    for column in table.frame.columns:
        values = table.frame[column].to_numpy()
        assert values.dtype == float and np.all(np.isfinite(values))
        try:
            series, _ = series_from(table, column, 5)
        except UploadError:
            continue
        assert np.all(np.isfinite(series)) and 8 <= series.shape[0] <= MAX_DAYS
