"""How every number is written on screen: one formatter for the ledger, the captions and the
figures' labels, and the learning rate as a power of ten."""

from __future__ import annotations

MINUS = "−"  # U+2212: a real minus sign, as in the tutorial's typeset equations


def num(value: float) -> str:
    """`value` to 4 significant digits, with a real minus sign: 0.512 -> '0.5120', -38.3 ->
    '−38.30', 1e150 -> '1.000e150' (a run that blew up can predict that); exact zero is '0'
    (h_0 is zero by definition, not by rounding)."""
    value = float(value)
    if value == 0.0:
        return "0"
    text = f"{value:#.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa.rstrip('.')}e{int(exponent)}"
    else:
        text = text.rstrip(".")  # '1235.' -> '1235'
    return text.replace("-", MINUS)


def signed(value: float) -> str:
    """`num(value)` with its sign always written: '+0.4100', '−0.0400' (a difference)."""
    text = num(value)
    return text if text.startswith(MINUS) else "+" + text


def term(value: float) -> str:
    """`num(value)` as an operand: negatives in parentheses, so '+ (−0.0071)', never '+ −0.0071'."""
    text = num(value)
    return f"({text})" if text.startswith(MINUS) else text


def lr_text(lr: float) -> str:
    """A learning rate as the slider reads it, in powers of ten: 0.0001 -> '1e-4', 0.005 ->
    '5e-3'."""
    mantissa, exponent = f"{lr:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"
