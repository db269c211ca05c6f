"""What a stepping session does and what it expects to see after each move.

Both pages step 0 … T+1 with T = 5. A session cycles through `MACROS` (each skipped when it would
do nothing) and after every move checks the page title, "Step k of 6" with the k it expects,
and its own window and seed: a mismatch is a lost state (a reset to defaults, or another
session's settings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

STEPPER, BPTT, TRAINING = "stepper", "bptt", "training"
LAST = 6  # both pages step 0 … T+1 with T = 5
TITLES = {STEPPER: "2 · The RNN, step by step", BPTT: "3 · BPTT, step by step"}
TRAINING_TITLE = "4 · Training"
LABELS = {  # (page, move) -> (widget key, button label)
    (STEPPER, "next"): ("fstep:next", "Next"),
    (STEPPER, "back"): ("fstep:back", "Back"),
    (STEPPER, "reset"): ("fstep:reset", "Reset"),
    (STEPPER, "end"): ("fstep:end", "Run to end"),
    (BPTT, "next"): ("bstep:next", "Next"),
    (BPTT, "back"): ("bstep:back", "Back"),
}
Action = tuple[str, str]  # ("nav", page) or ("click", move)


@dataclass(frozen=True)
class Expect:
    """The state a session expects its page to show."""

    page: str
    fstep: int  # the stepper's step
    bstep: int  # the BPTT page's step
    win: int
    seed: int
    edited: bool = False  # the scalar model's numbers were changed (the summary then says so)

    @property
    def step(self) -> int:
        return self.fstep if self.page == STEPPER else self.bstep

    def with_step(self, step: int) -> Expect:
        return replace(self, **{"fstep" if self.page == STEPPER else "bstep": step})

    def query(self) -> str:
        return f"win={self.win}&model_seed={self.seed}"

    def texts(self) -> list[str]:
        w = self.win
        how = "edited by hand or by SGD steps" if self.edited else f"seed {self.seed})"
        return [
            TITLES[self.page],
            f"Step {self.step} of {LAST}",
            f"Window: days {w}–{w + 4} → day {w + 5}; model: the scalar RNN (H = 1, {how}",
        ]


STEP_RE = re.compile(rf"Step (\d+) of {LAST}")
SUMMARY_RE = re.compile(
    r"Window: days (\d+)–\d+ → day \d+; model: the scalar RNN \(H = 1, (?:seed (\d+)|edited)"
)


def shown(text: str, fallback: Expect) -> Expect:
    """What the page shows (for a resync after a mismatch), from its text."""
    page = next((p for p, title in TITLES.items() if title in text), fallback.page)
    step = STEP_RE.search(text)
    summary = SUMMARY_RE.search(text)
    out = replace(fallback, page=page)
    if summary:
        seed, edited = summary.group(2), summary.group(2) is None
        out = replace(out, win=int(summary.group(1)), edited=edited)
        out = out if edited else replace(out, seed=int(seed))
    return out.with_step(int(step.group(1))) if step else out


def on_screen(text: str) -> str:
    """The titles, steps and summaries in a page's text (to quote in a mismatch)."""
    found = [title for title in (*TITLES.values(), TRAINING_TITLE) if title in text]
    found += [m.group(0) for m in STEP_RE.finditer(text)]
    found += [text[m.start() : m.end() + 30] for m in SUMMARY_RE.finditer(text)]
    return " | ".join(found) or "(no step, title or summary)"


def kind_of(action: Action, before: Expect) -> str:
    """How the report groups a move: "page" (sidebar link), "fragment" (BPTT Next/Back) or "step"
    (a stepper button)."""
    if action[0] == "nav":
        return "page"
    return "fragment" if before.page == BPTT else "step"


# A cycle of moves through both pages; each macro is skipped when it would do nothing.
MACROS = (
    ("goto", STEPPER),
    ("next_to", LAST),
    ("back", 2),
    ("goto", BPTT),
    ("next_to", LAST),
    ("back", 1),
    ("goto", STEPPER),  # the stepper must still be where this session left it
    ("reset", 0),
    ("end", 0),
    ("goto", BPTT),  # and the BPTT page too
    ("back_to", 0),
    ("goto", STEPPER),
    ("back_to", 0),
)
# The teacher's lead: steps and page changes mixed, so that followers follow both kinds
# (from step 0 on the stepper: Next, Next, BPTT page, Next, Next, stepper page, Next, …).
LEAD = (("next_to", 2), ("goto", BPTT), ("next_to", 2), ("goto", STEPPER), ("next_to", LAST))


class Plan:
    """The next move from the current state: ("nav", page) or ("click", move), cycling
    through `macros`."""

    def __init__(self, macros: tuple[tuple[str, object], ...] = MACROS) -> None:
        self.macros = macros
        self.macro, self.done = 0, 0

    def _advance(self) -> None:
        self.macro, self.done = (self.macro + 1) % len(self.macros), 0

    def next(self, s: Expect) -> tuple[Action, Expect]:
        for _ in range(3 * len(self.macros)):
            name, arg = self.macros[self.macro]
            if name == "goto":
                self._advance()
                if s.page != arg:
                    return ("nav", arg), replace(s, page=arg)
            elif name == "next_to" and s.step < arg:
                return ("click", "next"), s.with_step(s.step + 1)
            elif name == "back" and self.done < arg and s.step > 0:
                self.done += 1
                return ("click", "back"), s.with_step(s.step - 1)
            elif name == "back_to" and s.step > arg:
                return ("click", "back"), s.with_step(s.step - 1)
            elif name == "reset" and s.page == STEPPER and s.step > 0:
                self._advance()
                return ("click", "reset"), s.with_step(0)
            elif name == "end" and s.page == STEPPER and s.step < LAST:
                self._advance()
                return ("click", "end"), s.with_step(LAST)
            else:
                self._advance()
        raise RuntimeError(f"no move from {s}")
