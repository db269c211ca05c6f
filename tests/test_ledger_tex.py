"""The typeset ledger shows exactly the numbers of the monospace ledger, as TeX KaTeX can read."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from rnnviz.text import ledger, ledger_tex, tex
from rnnviz.text.ledger_tex import backward_tex, forward_tex
from tests.test_ledger import T, window

# A shown number with a decimal point (indices such as a_3 have none), as each side writes it.
TEXT_NUMBER = re.compile(r"−?\d+\.\d+(?:e−?\d+)?")
TEX_NUMBER = re.compile(r"-?\d+\.\d+(?: \\times 10\^\{-?\d+\})?")


def text_numbers(lines: list[ledger.LedgerLine]) -> Counter:
    return Counter(
        m.replace("−", "-") for line in lines for m in TEXT_NUMBER.findall(line.text)
    )  # fmt: skip


def tex_numbers(text: str) -> Counter:
    found = Counter()
    for m in TEX_NUMBER.findall(text.replace(tex.ROW_STRETCH, "")):
        mantissa, _, exponent = m.partition(" \\times 10^{")
        found[mantissa + (f"e{exponent.rstrip('}')}" if exponent else "")] += 1
    return found


def balanced(text: str) -> bool:
    depth = 0
    for char in text.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.512, "0.5120"),
        (-0.0071, "-0.007100"),
        (12345.6, "1.235 \\times 10^{4}"),
        (-2.4861e-8, "-2.486 \\times 10^{-8}"),
        (0.0, "0"),
    ],
)
def test_numbers_keep_four_digits_with_a_tex_minus_and_powers_of_ten(value, text):
    assert tex.number(value) == text


def test_operands_and_vectors():
    assert tex.operand(-0.0071) == "(-0.007100)" and tex.operand(0.4417) == "0.4417"
    assert tex.vector([0.5, -0.25]) == "[0.5000,\\ -0.2500]"
    assert tex.vector([1, 2, 3, 4]) == "[1.000,\\ 2.000,\\ 3.000,\\ \\ldots]"
    assert tex.inline(" a_t ") == "$a_t$"
    with pytest.raises(ValueError):
        tex.inline("  ")


@pytest.mark.parametrize("hidden", [1, 3])
@pytest.mark.parametrize("step", range(T + 2))
def test_forward_typeset_shows_the_ledgers_numbers(hidden, step):
    params, trace, _, target = window(hidden, seed=1, start=7)
    typeset = forward_tex(params, trace, target, step)
    assert tex_numbers(typeset) == text_numbers(ledger.forward_lines(params, trace, target, step))
    assert balanced(typeset) and typeset.startswith(tex.ROW_STRETCH + "\n\\begin{aligned}")
    assert "^\\top^" not in typeset  # a double superscript is a KaTeX error


@pytest.mark.parametrize("hidden", [1, 3])
@pytest.mark.parametrize("step", range(T + 2))
def test_backward_typeset_shows_the_ledgers_numbers(hidden, step):
    params, trace, result, target = window(hidden, seed=2, start=3)
    typeset = backward_tex(params, trace, result, target, step)
    lines = ledger.backward_lines(params, trace, result, target, step)
    assert tex_numbers(typeset) == text_numbers(lines)
    assert balanced(typeset) and "^\\top^" not in typeset


def test_the_typeset_equations_are_the_tutorials():
    params, trace, result, target = window(1)
    assert "a_{3} &= W_{xh} x_{3} + W_{hh} h_{2} + b_h" in forward_tex(params, trace, target, 3)
    assert "h_{3} &= \\tanh(a_{3}) = \\tanh(" in forward_tex(params, trace, target, 3)
    step_a = backward_tex(params, trace, result, target, 1)
    assert "\\frac{\\partial L}{\\partial y} &= 2\\,(y - \\text{target})" in step_a
    step_b = backward_tex(params, trace, result, target, 2)  # t = T = 5
    assert "\\frac{\\partial L}{\\partial a_{5}} &= (1 - \\tanh^2 a_{5})" in step_b
    assert "\\frac{\\partial L}{\\partial h_{4}} &= W_{hh}^\\top" in step_b


def test_long_equations_go_on_to_rows_of_their_own():
    fraction = r"\frac{\partial L}{\partial a_{3}}"
    assert ledger_tex.width(fraction) == ledger_tex.width(r"\partial a_{3}") == 3
    assert ledger_tex.width(r"0.5 \cdot (-1.25) \quad \tanh") == len("0.5x(-1.25)tanh")
    short = ledger_tex.equation("h", "=", r"\tanh(a)", "= 0.5")
    assert short == [r"h &= \tanh(a) = 0.5"]
    long = ledger_tex.equation("a", "=", "W x + b", "= " + " + ".join(["0.1234"] * 8), "= 0.9872")
    assert long[0] == "a &= W x + b" and all(row.startswith("&= ") for row in long[1:])
    for hidden in (1, 3):
        params, trace, result, target = window(hidden)
        for step in range(T + 2):
            for typeset in (
                forward_tex(params, trace, target, step),
                backward_tex(params, trace, result, target, step),
            ):
                rows = typeset.split(" \\\\\n")
                # A row may only be too wide when one part of it is (a vector with its norm).
                assert all(ledger_tex.width(row) <= 2 * ledger_tex.ROW_CHARS for row in rows)


@pytest.mark.parametrize("hidden", [1, 3])
def test_every_day_has_the_same_rows_so_stepping_moves_nothing_below(hidden):
    # Day to day, only the numbers change: an equation that needs a second row on one day has
    # it on every day, so the ledger keeps its height and the page under it stays put.
    params, trace, result, target = window(hidden)

    def shape(typeset: str) -> list[bool]:  # for each row: does it continue an equation?
        return [row.startswith("&") for row in typeset.split(" \\\\\n")]

    forward = {tuple(shape(forward_tex(params, trace, target, s))) for s in range(1, T + 1)}
    back = {tuple(shape(backward_tex(params, trace, result, target, s))) for s in range(2, T + 2)}
    assert len(forward) == 1 and len(back) == 1
    # Still one row where every day fits on one: the loss's equation at the start.
    assert backward_tex(params, trace, result, target, 0).count("\\\\") == 1


@pytest.mark.parametrize("function", [forward_tex, backward_tex])
def test_steps_outside_the_timeline_are_refused(function):
    params, trace, result, target = window(1)
    args = (params, trace, target) if function is forward_tex else (params, trace, result, target)
    with pytest.raises(ValueError, match="step must be 0"):
        function(*args, T + 2)


@pytest.mark.parametrize("seq_len", [5, 12])
def test_headings_say_what_the_titles_say_with_their_symbols_typeset(seq_len):
    for step in range(seq_len + 2):
        for title, heading in (
            (ledger.forward_title, ledger_tex.forward_heading),
            (ledger.backward_title, ledger_tex.backward_heading),
        ):
            typeset = heading(step, seq_len)
            assert typeset.count("$") % 2 == 0
            assert re.sub(r"[${}]", "", typeset) == title(step, seq_len)
    assert "$h_{12}$" in ledger_tex.forward_heading(12, 12)  # a two-digit index stays one


def test_a_learning_rate_is_typeset_as_the_slider_reads_it():
    assert tex.rate(1e-4) == "10^{-4}"
    assert tex.rate(0.005) == "5 \\times 10^{-3}"
    assert tex.rate(2e-5) == "2 \\times 10^{-5}"
