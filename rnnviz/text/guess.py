"""Guess, then see: reading a student's typed guess, and the sentence that compares it with the
engine's number and names a known slip (`core.slips`), in Markdown with typeset symbols."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rnnviz.core.slips import Quantity, Question, Slip, Verdict, tolerance
from rnnviz.text.numbers import MINUS
from rnnviz.text.tex import number, partial

TYPED = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?")  # what a guess may look like
LARGEST = 1e300  # a guess beyond this is refused: no number on these pages comes near it


@dataclass(frozen=True)
class Guess:
    """A typed guess: `text` as the student wrote it (cleaned), its `value`, and `tol`, half a
    unit of its last typed digit (`core.slips.tolerance`)."""

    text: str
    value: float
    tol: float


def read_guess(typed: str) -> Guess:
    """The guess in `typed` ('0.36', '−0,4', '9e-6'); ValueError with a sentence if it is none."""
    text = "".join(str(typed).split()).replace(MINUS, "-")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma
    text = text.lower()
    if not TYPED.fullmatch(text):
        raise ValueError(f"“{typed}” is not a number, so there was nothing to compare.")
    value = float(text)
    if not abs(value) <= LARGEST:  # '1e400' or 400 digits read as infinity
        raise ValueError(f"“{typed}” is too large to compare: the numbers here are far smaller.")
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2]) - int(exponent or 0)
    # Past 300 digits either way the tolerance would overflow or vanish: 300 is exact enough.
    return Guess(text, value, tolerance(max(-300, min(300, decimals))))


def typed_tex(guess: Guess) -> str:
    """The guess as the student typed it, as TeX: '0.36', '-9 \\times 10^{-6}'."""
    mantissa, _, exponent = guess.text.lstrip("+").partition("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}" if exponent else mantissa


def symbol(question: Question, hidden: int = 1) -> str:
    """The TeX symbol of what the question asks for: h_{3}, y, or ∂L/∂h_{4}; for H > 1 its unit."""
    if question.quantity == Quantity.Y:
        return "y"
    base = f"h_{{{question.t}}}"
    if question.quantity == Quantity.DH:
        base = partial("L", base)
    return base if hidden == 1 else f"({base})_{{{question.unit + 1}}}"


def prompt(question: Question, hidden: int = 1) -> str:
    """The guess box's label (Markdown; Streamlit typesets math in labels)."""
    unit = f"unit {question.unit + 1} of " if hidden > 1 and question.quantity != Quantity.Y else ""
    return f"Your guess for {unit}${symbol(question, hidden)}$"


def _slip(question: Question, slip: Slip) -> tuple[str, str, str]:
    """(what was left out or went wrong, the expression the guess computed, why it matters)."""
    t = question.t
    if slip == Slip.NO_TANH:
        return (
            "tanh is left out.",
            f"a_{{{t}}}",
            f", the pre-activation; the memory is $h_{{{t}}} = \\tanh(a_{{{t}}})$, which "
            "squashes it into $-1 \\ldots 1$",
        )
    if slip == Slip.NO_MEMORY:
        return (
            f"The memory term $W_{{hh}} h_{{{t - 1}}}$ is left out.",
            f"\\tanh(W_{{xh}} x_{{{t}}} + b_h)",
            ": yesterday's memory enters every day",
        )
    if slip == Slip.NO_BIAS and question.quantity == Quantity.Y:
        return ("$b_y$ is left out.", f"W_{{hy}} h_{{{t}}}", "; the output bias is added to it")
    if slip == Slip.NO_BIAS:
        return (
            "$b_h$ is left out.",
            f"\\tanh(W_{{xh}} x_{{{t}}} + W_{{hh}} h_{{{t - 1}}})",
            "; the bias is added every day",
        )
    if slip == Slip.NO_DTANH:
        return (
            f"The factor $\\tanh'(a_{{{t + 1}}}) = 1 - h_{{{t + 1}}}^2$ is left out.",
            f"W_{{hh}}^\\top {partial('L', f'h_{{{t + 1}}}')}",
            ": on the way back through a day the gradient is first multiplied by the slope of tanh",
        )
    if slip == Slip.NO_TWO:
        return (
            "The 2 is left out.",
            r"W_{hy}^\top (y - \text{target})",
            ", half the answer: the derivative of $(y - \\text{target})^2$ is "
            "$2\\,(y - \\text{target})$",
        )
    return ("The sign is flipped.", f"-{symbol(question)}", ": the right size, the wrong way")


def verdict_sentence(question: Question, verdict: Verdict, guess: Guess, hidden: int = 1) -> str:
    """What the reveal says: the guess beside the engine's number, and the slip or the distance."""
    answer = f"${symbol(question, hidden)} = {number(verdict.truth)}$"
    typed = f"${typed_tex(guess)}$"
    if verdict.correct:
        return (
            f"**Right.** Your guess {typed} and the engine's {answer} agree to the digits you "
            "typed."
        )
    if verdict.slip is not None:
        title, expression, why = _slip(question, verdict.slip)
        if hidden > 1 and question.quantity != Quantity.Y:  # y is one number whatever H is
            expression = f"({expression})_{{{question.unit + 1}}}"
        value = number(dict(question.slips)[verdict.slip])
        return (
            f"**{title}** Your guess {typed} is ${expression} = {value}${why}. "
            f"The engine: {answer}."
        )
    direction = "high" if verdict.error > 0 else "low"
    relative = (
        f" ({abs(verdict.error) / abs(verdict.truth):.0%} of its size)" if verdict.truth else ""
    )
    return (
        f"Your guess {typed}; the engine: {answer}. Off by ${number(abs(verdict.error))}$"
        f"{relative}, too {direction}."
    )
