"""How long a training will take, from a measured cost per step: the training page says it
before the student presses Train ("about 3 minutes for 1,165 windows × 2,500 epochs").

The constants are measured by `benchmarks/step_cost.py` on this project's 2-core machine, with
the server otherwise idle (the fit and its largest miss are printed there); on a busy server,
or with other trainings in the same batch, a run takes longer. Model, in microseconds:

    per-sample step (one window):  a + b·T + c·T·H²       (NumPy call overhead, then matmuls)
    mini-batch step (B windows):   a + b·T + c·T·B·H²
"""

from __future__ import annotations

import math

from rnnviz.runs.request import TrainRequest

# Per-sample: the fit of `python -m benchmarks.step_cost --epochs 10` on an idle machine
# (largest miss 34%; the default training measured 30 µs a step, the model says 37).
PER_SAMPLE_US = (23.0, 2.51, 0.000656)  # (a, b, c)
# Mini-batch: kept above that run's fit (a = −31, b = 20.7, c = 0.000346, largest miss 54%),
# which says 95 µs for the fast settings' 32 windows where 16 took 102 µs and 64 took 184 µs:
# the page should rather say a little too long than too short.
MINI_BATCH_US = (60.0, 12.0, 0.00075)


def step_us(seq_len: int, hidden_size: int, batch: int) -> float:
    """The measured model's time of one update on `batch` windows (1: per-sample), in µs."""
    if batch == 1:
        a, b, c = PER_SAMPLE_US
        return a + b * seq_len + c * seq_len * hidden_size**2
    a, b, c = MINI_BATCH_US
    return a + b * seq_len + c * seq_len * batch * hidden_size**2


def expected_seconds(request: TrainRequest, n_windows: int) -> float:
    """Seconds the request's training should take alone on an idle server: epochs × updates
    per epoch × one update's cost."""
    batch = n_windows if request.batch_size is None else min(request.batch_size, n_windows)
    steps = math.ceil(n_windows / batch)
    return request.epochs * steps * step_us(request.seq_len, request.hidden_size, batch) * 1e-6


def duration_text(seconds: float) -> str:
    """'under a second', 'about 40 s', 'about 3 minutes', 'about 1.5 hours'."""
    if seconds < 1:
        return "under a second"
    if seconds < 90:
        return f"about {seconds:.0f} s"
    if seconds < 90 * 60:
        return f"about {seconds / 60:.0f} minutes"
    return f"about {seconds / 3600:.1f} hours"
