"""Sentences about a held-out evaluation: how the series was split, and whether one forecaster
really beats another on the days it never saw (`core.heldout`, `core.comparison`)."""

from __future__ import annotations

from rnnviz.core.comparison import Comparison, Verdict
from rnnviz.core.heldout import Split


def split_sentence(split: Split) -> str:
    """Which days the model learns from and which are held out, days counted from 1."""
    val = f", the next {split.n_val} to decide when to stop" if split.n_val else ""
    return (
        f"The model learns from the windows whose target is one of days {split.seq_len + 1}–"
        f"{split.seq_len + split.n_fit}{val}; the last {split.n_test} days "
        f"({split.tail_start + 1}–{split.n_days}) are held out: nothing is fitted on them."
    )


def comparison_sentence(
    c: Comparison,
    names: tuple[str, str] = ("the model", '"tomorrow = today"'),
    unit: str = "",
) -> str:
    """One sentence: is forecaster a better than b on the held-out days, by how much, and how
    sure (the interval and how it was made). names: how to call a and b mid-sentence."""
    a, b = names
    first = a[:1].upper() + a[1:]  # a opens the sentence
    u = f" {unit}²" if unit else ""
    pct = f"{100 * c.level:g} %"
    how = f"circular block bootstrap, blocks of {c.block_length} days"
    m, mean, low, high = c.n_days, c.mean_diff, c.low, c.high
    if c.verdict is Verdict.BETTER:
        return (
            f"{first} is better than {b}: its squared error is {-mean:.3g}{u} lower on average "
            f"over the {m} held-out days ({pct} interval {-high:.3g} to {-low:.3g}; {how})."
        )
    if c.verdict is Verdict.WORSE:
        return (
            f"{first} is worse than {b}: its squared error is {mean:.3g}{u} higher on average "
            f"over the {m} held-out days ({pct} interval {low:.3g} to {high:.3g}; {how})."
        )
    return (
        f"Can't tell {a} from {b}: over the {m} held-out days the difference in squared error "
        f"is {mean:+.3g}{u} on average, and its {pct} interval ({low:+.3g} to {high:+.3g}; "
        f"{how}) includes zero."
    )
