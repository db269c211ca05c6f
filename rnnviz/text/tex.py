"""Mathematics typeset on screen: numbers and vectors as TeX, for KaTeX in Streamlit's Markdown.

Streamlit (1.67) typesets TeX between `$…$` (inline) and `$$…$$` in `st.markdown`, captions,
help texts, notices, headings and widget labels, and in `st.latex`; Plotly charts, tables and the
monospace ledger cannot, so they keep the Unicode spelling of `text.numbers`. The house rules:

* Symbols are the tutorial's names as TeX: ``$W_{xh}$``, ``$h_{t-1}$``, ``$a_t$``,
  ``$\\frac{\\partial L}{\\partial h_t}$``; a product of a weight and a vector is written by
  juxtaposition (``$W_{xh} x_t$``), a product of two numbers with ``\\cdot``, an element-wise one
  with ``\\odot``, a transpose as ``^\\top``.
* Numbers inside math use the ASCII hyphen for minus (KaTeX draws a true minus sign), keep
  `numbers.num`'s 4 significant digits, go in parentheses as operands when negative, and write a
  power of ten as ``\\times 10^{k}``. Outside math a minus is U+2212, as before.
* A `$` span never starts or ends with a space and is never followed by a digit (Streamlit
  leaves such text as it is); a literal dollar sign is written ``\\$``.
"""

from __future__ import annotations

import numpy as np

from rnnviz.text.numbers import MINUS, lr_text, num

UNITS_SHOWN = 3  # for H > 1, how many entries of a vector are spelled out (as in the ledger)


def number(value: float, spec: str | None = None) -> str:
    """`numbers.num(value)` as TeX: '-0.007100', '20.41', '1.235 \\times 10^{4}'; or `value` in
    the format `spec` (".3g", "g"), as TeX: number(1e-5, "g") is '1 \\times 10^{-5}'."""
    text = num(value) if spec is None else format(float(value), spec)
    text = text.replace(MINUS, "-")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


def rate(lr: float) -> str:
    """A learning rate as a power of ten, as the slider reads it (`numbers.lr_text`), in TeX:
    0.0001 is '10^{-4}', 0.005 is '5 \\times 10^{-3}'."""
    mantissa, exponent = lr_text(lr).split("e")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else f"{mantissa} \\times {power}"


def operand(value: float) -> str:
    """`number(value)` as an operand: negatives and powers of ten in parentheses, '(-0.0071)'
    never '+ -0.0071', '(1.2 \\times 10^{-6}) \\cdot 3' never '1.2 \\times 10^{-6} \\cdot 3'."""
    text = number(value)
    return f"({text})" if text.startswith("-") or "\\times" in text else text


def vector(values, shown: int = UNITS_SHOWN) -> str:
    """A vector's first `shown` entries as a row: '[0.5974,\\ -0.1230,\\ 0.3000,\\ \\ldots]'."""
    values = np.asarray(values, dtype=float).ravel()
    entries = [number(v) for v in values[:shown]]
    if values.size > shown:
        entries.append("\\ldots")
    return "[" + ",\\ ".join(entries) + "]"


def inline(body: str) -> str:
    """`body` as inline math, `$body$`, trimmed so that Streamlit typesets it."""
    body = body.strip()
    if not body:
        raise ValueError("Inline math needs something to typeset.")
    return f"${body}$"


# Rows a little taller than KaTeX's least (1.0): each row then takes the same height whatever its
# numbers (a square's 2 or a power of ten no longer sticks out of the row by a fraction of a
# pixel), so a ledger with the same rows keeps its height to the pixel from step to step.
ROW_STRETCH = "\\def\\arraystretch{1.15}"


def aligned(rows: list[str]) -> str:
    """Rows of equations aligned at their first '&', for `st.latex` (with ROW_STRETCH)."""
    return f"{ROW_STRETCH}\n\\begin{{aligned}}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def partial(of: str, by: str) -> str:
    """The derivative of `of` by `by`, as a fraction: partial("L", "h_t") is
    '\\frac{\\partial L}{\\partial h_t}'."""
    return f"\\frac{{\\partial {of}}}{{\\partial {by}}}"
