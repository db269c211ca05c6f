"""Sentences about the class experiment: what the room's trainings show so far, from their
settings and scores alone."""

from __future__ import annotations

from collections.abc import Sequence

from rnnviz.runs.score import RoomRun
from rnnviz.text.numbers import lr_text


def class_summary(runs: Sequence[RoomRun]) -> str:
    """How many students trained, how many still train or diverged, and the best fresh error."""
    counts = {
        state: sum(run.state == state for run in runs)
        for state in ("training", "finished", "stopped", "diverged")
    }
    parts = [f"{len(runs)} student(s) trained"]
    if counts["training"]:
        parts.append(f"{counts['training']} still training")
    if counts["diverged"]:
        rates = sorted({run.lr for run in runs if run.state == "diverged"})
        parts.append(
            f"{counts['diverged']} diverged (η = {', '.join(lr_text(lr) for lr in rates)})"
        )
    text = "; ".join(parts) + "."
    scored = [run for run in runs if run.fresh_mse is not None]
    if scored:
        best = min(scored, key=lambda run: run.fresh_mse)
        text += (
            f" Lowest error on fresh data so far: {best.fresh_mse:.3f} °C², student "
            f"{best.student} (η = {lr_text(best.lr)}, seed {best.seed}, H = {best.hidden_size})."
        )
        same_lr = [run.fresh_mse for run in scored if run.lr == best.lr]
        if len(same_lr) > 1:
            text += (
                f" At that η the {len(same_lr)} seeds range from {min(same_lr):.3f} to "
                f"{max(same_lr):.3f}: that spread is what the seed alone does."
            )
    return text
