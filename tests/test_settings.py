"""The settings schema: URL values parse within bounds, bad ones fall back with a notice."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnnviz import settings as schema

BY_NAME = {s.name: s for s in schema.ALL}


def test_defaults_are_the_tutorials():
    v = {s.name: s.default for s in schema.SERIES}
    assert (v["phi1"], v["phi2"], v["sigma"], v["n"], v["t0"], v["t1"]) == (
        0.7,
        0.2,
        0.5,
        100,
        20.0,
        21.0,
    )


def test_round_trip_of_non_defaults_is_exact():
    values = {s.name: s.default for s in schema.ALL}
    values.update(phi1=0.1 + 0.2, n=250, seed=12345, mu=-3.25)
    query = schema.to_query(values, schema.ALL)
    assert set(query) == {"phi1", "n", "seed", "mu"}  # defaults stay out of the link
    parsed, notices = schema.from_query(query, schema.ALL)
    assert parsed == values and notices == []


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("phi1", "banana"),
        ("n", "999999"),
        ("n", "10.5"),
        ("sigma", "-1"),
        ("sigma", "nan"),
        ("seed", "inf"),
        ("phi2", ""),
    ],
)
def test_bad_values_fall_back_to_default_with_notice(name, raw):
    parsed, notices = schema.from_query({name: raw}, schema.ALL)
    assert parsed[name] == BY_NAME[name].default
    assert len(notices) == 1 and BY_NAME[name].label in notices[0]


@given(st.dictionaries(st.sampled_from([s.name for s in schema.ALL]), st.text(max_size=30)))
def test_any_query_gives_values_within_bounds(query):
    parsed, _ = schema.from_query(query, schema.ALL)
    for setting in schema.ALL:
        value = parsed[setting.name]
        assert isinstance(value, setting.kind) or (setting.kind is float and isinstance(value, int))
        if setting.kind is str:
            assert value in setting.choices
        elif setting.kind is not bool:
            assert math.isfinite(value) and setting.lo <= value <= setting.hi
