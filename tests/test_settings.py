"""The settings schema: URL values parse within bounds, bad ones fall back with a notice."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnnviz import core
from rnnviz import settings as schema

BY_NAME = schema.BY_NAME


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
        if value is None:
            assert setting.none_means  # only "full" settings may be None
            continue
        assert isinstance(value, setting.kind) or (setting.kind is float and isinstance(value, int))
        if setting.kind is str:
            assert value in setting.choices
        elif setting.kind is not bool:
            assert math.isfinite(value) and setting.lo <= value <= setting.hi


def test_none_means_full_and_keeps_the_old_spelling_in_links():
    k = BY_NAME["k"]
    assert k.default is None and k.none_means == "full BPTT"
    assert k.parse("0") is None  # links shared when full BPTT was k = 0 keep working
    assert k.parse("3") == 3
    assert schema.to_query({"k": None}, [k]) == {}  # the default stays out of the link
    assert schema.to_query({"k": 2}, [k]) == {"k": "2"}
    assert k.format(None) == "0"
    with pytest.raises(ValueError, match="outside the allowed range"):
        BY_NAME["hidden"].parse("0")  # only a setting that may be None reads 0 as None


def test_defaults_come_from_the_engines_tutorial_constants():
    assert BY_NAME["hidden"].default == core.TUTORIAL_HIDDEN_SIZE
    assert BY_NAME["lr"].default == core.TUTORIAL_LR
    assert BY_NAME["epochs"].default == core.TUTORIAL_EPOCHS
    assert BY_NAME["clip"].default == core.TUTORIAL_CLIP
    assert BY_NAME["seq"].default == core.TUTORIAL_SEQ_LEN == schema.SEQ_LEN


def test_widget_bounds_come_from_the_setting():
    assert BY_NAME["hidden"].widget_args() == {"min_value": 1, "max_value": 64, "step": 1}
    assert BY_NAME["phi1"].widget_args() == {"min_value": -2.0, "max_value": 2.0, "step": 0.05}
    assert BY_NAME["update"].widget_args() == {}  # a choice, not a number
