"""Stepping through the shared window's pass: the stepper's forward timeline and the BPTT page's
backward timeline, with their step buttons and ledgers.

Each page runs its timeline as a fragment, so a step button reruns only the timeline (about
half the server time of a whole page) and not the page's controls and panels. The page hands
it the model, window and pass it computed (model.page_pass): a fragment rerun reuses them, as
only a step, never the model or window, changes inside it. A fragment rerun
skips what app.py does after the page, so each timeline keeps the URL, and a presenting
teacher's room, in step itself. A student may guess the number each step reveals first
(`ui.guess`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rnnviz.core.slips import backward_question, forward_question
from rnnviz.figures.backward import backward_animation, unrolled_backward
from rnnviz.figures.cache import cached_figure
from rnnviz.figures.stepper import hidden_heatmap, tanh_figure
from rnnviz.figures.unrolled import unrolled_forward
from rnnviz.text import ledger, ledger_tex
from rnnviz.ui import guess, layout, model, presenter, state

NEXT = ":material/chevron_right:"
RESET_HELP = "Back to $h_0 = 0$, before day 1."
END_HELP = "Every day, then $y$ and the loss $L$."


# --- Steps and ledgers ------------------------------------------------------------------------
def current_step(name: str, last: int) -> int:
    """The step stored in setting `name`, within 0 … last."""
    return int(min(max(state.values()[name], 0), last))


def _go(name: str, step: int) -> None:
    state.set_values({name: step})


def step_buttons(name: str, last: int, *, forward: bool) -> int:
    """The step buttons for setting `name` (0 … last); returns the current step.

    Forward: Back, Next, Reset, Run to end. Backward: Back and Next. Icons are Material symbols,
    which every browser draws (an emoji arrow can be an empty box). Each button only changes the
    step in the settings (callbacks), so Back after Next shows exactly the previous screen.
    """
    step = current_step(name, last)
    back = ":material/chevron_left:"
    if forward:
        buttons = [
            ("Back", back, "back", step - 1, step == 0, "One day back."),
            ("Next", NEXT, "next", step + 1, step == last, "Compute the next step."),
            ("Reset", ":material/restart_alt:", "reset", 0, step == 0, RESET_HELP),
            ("Run to end", ":material/skip_next:", "end", last, step == last, END_HELP),
        ]
    else:
        buttons = [
            ("Back", back, "back", step - 1, step == 0, "One backward step back."),
            ("Next", NEXT, "next", step + 1, step == last, "The next backward step."),
        ]
    # One row of buttons as wide as their labels, wrapping onto a second row rather than cutting
    # a label short (large-text mode).
    with st.container(horizontal=True, vertical_alignment="center"):
        for label, icon, suffix, target, disabled, help_text in buttons:
            st.button(
                label,
                icon=icon,
                icon_position="right" if icon == NEXT else "left",
                key=f"{name}:{suffix}",
                on_click=_go,
                args=(name, target),
                disabled=disabled,
                help=help_text,
                width="content",
            )
        st.caption(f"Step {step} of {last}")
    return step


def _exact_table(lines: list[ledger.LedgerLine]) -> pd.DataFrame:
    """The ledger's quantities at full precision (17 significant digits), one row each."""
    rows = {}
    for line in lines:
        for symbol, value in line.exact.items():
            rows[symbol] = (
                f"{value:.17g}"
                if isinstance(value, float)
                else "[" + ", ".join(f"{v:.17g}" for v in value) + "]"
            )
    return pd.DataFrame({"quantity": list(rows), "value": list(rows.values())})


def show_ledger(title: str, typeset: str, lines: list[ledger.LedgerLine], key: str) -> None:
    """The current step: its title (Markdown), its equations typeset with their numbers, the
    ledger lines as the tutorial's code names them, and their numbers at full precision on
    request."""
    st.markdown(f"**{title}**")
    st.latex(typeset)
    st.code("\n".join(line.text for line in lines), language=None, wrap_lines=True)
    if any(line.exact for line in lines):
        layout.numbers(lambda: _exact_table(lines), key, "These numbers at full precision")


# --- The stepper page's timeline --------------------------------------------------------------
def forward_timeline(chosen: model.Model, example: model.Example, run: model.Pass) -> None:
    """The forward pass of the shared window and model, one step at a time: Back / Next,
    the unrolled network, the step's ledger, and (after the last day) y and the loss, then the
    tanh curve and the memory heatmap up to this step."""
    T = example.x.shape[0]
    presenter.publish()  # a step changed in its callback: students follow while this draws

    step = step_buttons("fstep", T + 1, forward=True)
    hidden = chosen.hidden_size
    revealed = guess.take_reveal("fstep", step)
    if revealed is not None:
        guess.show_reveal(revealed, forward_question(chosen.params, run.trace, step - 1), hidden)
    guess.controls("fstep", forward_question(chosen.params, run.trace, step), hidden)
    st.plotly_chart(
        cached_figure(
            unrolled_forward,
            run.trace,
            example.target,
            run.result.loss,
            step,
            first_day=example.first_day,
        ),
        width="stretch",
        key="unrolled_forward",
    )
    st.caption(
        "The same cell, drawn once per day: blue boxes are the inputs $x_t$ (days counted from "
        "1), circles the hidden states $h_t$, filled once computed; a thick black outline marks "
        "this step. Every arrow into $h_t$ uses the same $W_{xh}$ and $W_{hh}$. Hover a node for "
        "its full precision."
        + (
            r" For $H > 1$ a node shows $\lVert h_t \rVert$, the vector's length."
            if hidden > 1
            else ""
        )
    )

    st.subheader("The chain-rule ledger")
    lines = ledger.forward_lines(chosen.params, run.trace, example.target, step)
    typeset = ledger_tex.forward_tex(chosen.params, run.trace, example.target, step)
    show_ledger(ledger_tex.forward_heading(step, T), typeset, lines, "forward_ledger")
    st.caption(
        "Above, the step's equations typeset; below, the same lines as the tutorial's code names "
        "them. Each number is the engine's value rounded to 4 significant digits, so the rounded "
        "terms need not add up to the rounded total in the last digit. Negative numbers are in "
        "parentheses." + (f" {ledger_tex.vector_note(hidden)}" if hidden > 1 else "")
    )

    if step == T + 1:
        y, loss = float(run.trace.y_pred[0]), run.result.loss
        cols = st.columns(3)
        cols[0].metric("Prediction $y$", ledger.num(y))
        cols[1].metric(f"Target (day {example.target_day})", ledger.num(example.target))
        cols[2].metric("Loss $L = (y - \\text{target})^2$", ledger.num(loss))
        st.info(
            "Look at the $y$ line: how much of $y$ comes from the memory, $W_{hy} h_T$, and how "
            "much from the bias $b_y$? Page 3 sends this loss back through time to find how each "
            "of the five parameters should change.",
            icon=":material/arrow_forward:",
        )

    left, right = st.columns(2)
    with left:
        layout.chart(
            cached_figure(tanh_figure, run.trace, step),
            r"$h_t = \tanh(a_t)$ squashes the pre-activation into $-1 \ldots 1$. Where the curve "
            "is flat ($|a_t|$ above about 2), $h_t$ barely changes with $a_t$: remember this on "
            "the BPTT page.",
            key="tanh",
        )
    with right:
        layout.chart(
            cached_figure(hidden_heatmap, run.trace, step),
            "The memory as a picture: one column $h_t$ per step, one row per hidden unit, filled "
            "as the days are read. Blue is negative, vermillion positive, white 0.",
            key="heatmap",
        )
    state.sync_url()
    presenter.publish()


# --- The BPTT page's timeline -----------------------------------------------------------------
def backward_timeline(chosen: model.Model, example: model.Example, run: model.Pass) -> None:
    """The backward pass of the shared window and model, in step mode or play mode.

    Step mode: Back and Next, a guess of the next dh_next if the student wants one, and the
    picture and ledger of one step, rendered here. Play mode: a Plotly animation that runs in
    the browser, each frame carrying its ledger lines (no guessing: nothing waits for a click).
    """
    T = example.x.shape[0]
    presenter.publish()  # a step changed in its callback: students follow while this draws
    state.bound_widget(model.BY_NAME["play"], st.toggle)

    def lines(step: int) -> list[ledger.LedgerLine]:
        return ledger.backward_lines(chosen.params, run.trace, run.result, example.target, step)

    def diagram(build, what, key: str) -> None:
        """The backward picture `build` draws of this pass, at a step or with every ledger."""
        figure = cached_figure(
            build, run.trace, run.result, example.target, what, first_day=example.first_day
        )
        st.plotly_chart(figure, width="stretch", key=key)

    if state.values()["play"]:
        ledgers = [
            (ledger.backward_title(s, T), [line.text for line in lines(s)]) for s in range(T + 2)
        ]
        diagram(backward_animation, ledgers, "backward_animation")
        st.caption(
            "Press Play: the animation runs in your browser, each frame with its own ledger "
            "lines. Drag the slider to any step; switch the toggle off to step with Back and "
            "Next instead."
        )
    else:
        step = step_buttons("bstep", T + 1, forward=False)
        hidden, params, result = chosen.hidden_size, chosen.params, run.result
        revealed = guess.take_reveal("bstep", step)
        if revealed is not None:
            asked = backward_question(params, run.trace, result, step - 1)
            guess.show_reveal(revealed, asked, hidden)
        guess.controls("bstep", backward_question(params, run.trace, result, step), hidden)
        diagram(unrolled_backward, step, "unrolled_backward")
        typeset = ledger_tex.backward_tex(params, run.trace, result, example.target, step)
        show_ledger(ledger_tex.backward_heading(step, T), typeset, lines(step), "backward_ledger")
        st.caption(
            r"Above, the step typeset: $\frac{\partial L}{\partial a_t}$ is the code's "
            r"`da`, $\frac{\partial L}{\partial h_t}$ its `dh_next`, and "
            r"$\frac{\partial L}{\partial W_{xh}} \mathrel{+}= \ldots$ its running sum "
            "`dW_xh += ...`; below, the tutorial's code line by line."
        )
    st.caption(
        r"Each arrow carries a gradient right to left: $\frac{\partial L}{\partial y}$ out "
        r"of the loss, then $\frac{\partial L}{\partial h_t}$ into each day's memory. Width "
        "and colour show its size on a log scale (one scale for the whole pass), so a gradient "
        "that shrinks at every step back thins and pales."
        + (f" {ledger_tex.vector_note(chosen.hidden_size)}" if chosen.hidden_size > 1 else "")
    )
    state.sync_url()
    presenter.publish()
