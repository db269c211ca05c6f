"""Guess, then see (pages 2 and 3): before a step reveals the next number, the student may type
a guess; once the step is shown, the guess sits beside the engine's number, with the known slip
it matches named (`core.slips`, `text.guess`).

Optional (a toggle, off by default), not in play mode, and for a student following a room on
exactly when the teacher turns it on for the room. It never blocks a step: Next works with or
without a guess. Guesses stay in this session: never in the URL, never in the room.

Which guess a step reveals: each timeline remembers the step it drew last. When it draws the step
right after that one (the student's Next, or for a follower the teacher's) while a guess is
typed, that guess is this step's. So the step buttons need no extra callback, and a follower's
guess is revealed by the teacher's click as well as by their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from rnnviz.core.slips import Question, judge
from rnnviz.text.guess import prompt, read_guess, verdict_sentence
from rnnviz.ui import presenter

ON = "guess:on"  # bool: the student's own choice (session only)
SWITCH = "guess:switch"  # the toggle's own key, which Streamlit drops on runs that do not draw it
SEEN = "guess:seen"  # dict: timeline setting ("fstep", "bstep") -> the step drawn last
REVEALED = "guess:revealed"  # dict: timeline setting -> the Revealed guess of its current step


@dataclass(frozen=True)
class Revealed:
    """A guess typed before `step` was shown, as the student typed it."""

    step: int
    typed: str


def _box(setting: str) -> str:
    return f"guess:box:{setting}"


def _keep_switch() -> None:
    st.session_state[ON] = st.session_state[SWITCH]


def enabled() -> bool:
    """Guessing is on: the room's switch while following a teacher, else the student's own."""
    room = presenter.room_guessing()
    return room if room is not None else bool(st.session_state.get(ON))


def take_reveal(setting: str, step: int) -> Revealed | None:
    """Call first in a timeline: the guess this draw of `step` reveals, if any (see above)."""
    seen = st.session_state.setdefault(SEEN, {})
    revealed = st.session_state.setdefault(REVEALED, {})
    last, seen[setting] = seen.get(setting), step
    box = _box(setting)
    typed = str(st.session_state.get(box) or "").strip()
    if last is not None and step != last:
        if step == last + 1 and typed and enabled():
            revealed[setting] = Revealed(step, typed)
        # The next number starts with an empty box: after Back, Reset, Run to end or a
        # teacher's jump, a guess typed for another step would be judged against this one.
        st.session_state[box] = ""
    current = revealed.get(setting)
    if current is not None and current.step != step:
        revealed.pop(setting)  # stepped elsewhere: the reveal belonged to another screen
        return None
    return current


def controls(setting: str, next_question: Question | None, hidden: int) -> None:
    """The switch, and the box for a guess of the number the next step reveals."""
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    with left:
        room = presenter.room_guessing()
        if room is None:
            # The choice lives under ON; the toggle gets it back each time it is drawn, since
            # Streamlit forgets a widget's key on a run without it (page 4, play mode).
            st.session_state[SWITCH] = bool(st.session_state.get(ON))
            st.toggle(
                "Guess before I see",
                key=SWITCH,
                on_change=_keep_switch,
                help="Type what you expect the next number to be before you step; the page "
                "then shows your guess beside the engine's and names the slip it matches, if "
                "it matches a known one. Guessing never holds a step back.",
            )
        else:
            st.caption(
                "Your teacher asks the room to guess each number first."
                if room
                else "While you follow, your teacher decides whether the room guesses first."
            )
    if next_question is None or not enabled():
        return
    with right:
        st.text_input(
            prompt(next_question, hidden),
            key=_box(setting),
            placeholder="a number, e.g. 0.25, then step on",
            help="Type it to the digits you are sure of: 0.4 is checked to one decimal, 0.412 "
            "to three. Leave it empty to step without guessing.",
        )


def show_reveal(revealed: Revealed | None, question: Question | None, hidden: int) -> None:
    """The guess beside the engine's number, with the slip it matches or how far off it was."""
    if revealed is None or question is None:
        return
    try:
        guess = read_guess(revealed.typed)
    except ValueError as err:
        st.info(str(err), icon=":material/help:")
        return
    verdict = judge(question, guess.value, guess.tol)
    sentence = verdict_sentence(question, verdict, guess, hidden)
    if verdict.correct:
        st.success(sentence, icon=":material/check_circle:")
    elif verdict.slip is not None:
        st.warning(sentence, icon=":material/lightbulb:")
    else:
        st.info(sentence, icon=":material/straighten:")
