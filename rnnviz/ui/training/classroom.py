"""The class as one experiment, on the presenting teacher's training page: every student's
latest training, one point each, live (students appear by number; only settings and scores
reach this screen, never a model or a series)."""

from __future__ import annotations

import streamlit as st

from rnnviz.figures.classroom import class_experiment_figure
from rnnviz.server.rooms import RoomError
from rnnviz.text.classroom import class_summary
from rnnviz.ui import layout, presenter

CLASS_POLL_S = 2.0  # the teacher's screen looks at the room's trainings this often


def class_experiment() -> None:
    """The section, for the teacher only (the projector): nothing for anyone else."""
    code = presenter.teacher_room()
    if code is None:
        return
    st.subheader("The class experiment")
    st.markdown(
        "Each student in your room who presses Train appears here as one point, under their "
        "number: their learning rate $\\eta$ against the loss they reached and their error on "
        "fresh days. Ask everyone to pick their own $\\eta$ and seed: together the class sees "
        "which learning rates diverge and how much the seed alone matters."
    )
    st.fragment(run_every=CLASS_POLL_S)(_draw)(code)


def _draw(code: str) -> None:
    try:
        runs = presenter.store().runs(code)
    except RoomError as err:
        st.info(str(err), icon=":material/info:")
        return
    if not runs:
        st.info(
            f"No training in room {code} yet: students who joined it and press Train on this "
            "page appear here as they train.",
            icon=":material/groups:",
        )
        return
    layout.chart(
        class_experiment_figure(runs),
        f"{class_summary(runs)} Open markers are still training; a cross on the top edge is a "
        "run that diverged (its loss has no finite value to draw). Colour is the hidden size $H$.",
        key="class_experiment",
    )
