"""The measured study behind page 5's story: how far back each cell learned to recall x_(T−k+1).

Measured with benchmarks/memory_task.py on the project's 2-core machine (shared with other work,
which changes its timings, never its numbers: every run is seeded). Held-out MSE on 2,000
windows no training epoch saw; "learned" is MSE <= σ_ε² + 0.1 (at least 90% of the recalled
input's variance recovered). The page quotes these numbers; it does not assume the textbook.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnnviz.text.gates import LEARNED_MARGIN

NOISE_FLOOR = 0.01  # σ_ε² at σ_ε = 0.1


@dataclass(frozen=True)
class StudyRow:
    """One (variant, k, cell) of the study: the held-out MSE of seeds 0, 1, 2."""

    variant: str
    lag: int
    cell: str
    mses: tuple[float, ...]

    @property
    def learned(self) -> int:
        return sum(mse <= NOISE_FLOOR + LEARNED_MARGIN for mse in self.mses)


SETUP = "(filled in by the study)"
SUMMARY = "(filled in by the study)"
STUDY: tuple[StudyRow, ...] = ()
CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def table() -> dict[str, list]:
    """The study as columns: variant, k, cell, each seed's MSE, and the share that learned."""
    return {
        "training": [row.variant for row in STUDY],
        "k": [row.lag for row in STUDY],
        "cell": [CELL_NAMES[row.cell] for row in STUDY],
        "held-out MSE, seeds 0, 1, 2": [", ".join(f"{m:.3f}" for m in row.mses) for row in STUDY],
        "learned": [f"{row.learned} of {len(row.mses)}" for row in STUDY],
    }
