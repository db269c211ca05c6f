"""Presenter mode: a teacher opens a room; students who join follow the teacher's screen.

Per-session state (role, code, token, what was last applied) lives in st.session_state; the
rooms themselves are the server's one deliberate shared RoomStore (thread-safe, bounded,
expiring, holding only settings). Following works by waiting: while a student follows, a small
fragment looks at the room every second and in between waits on the room's change
(a condition in this process, Redis pub/sub across replicas), so the teacher's move reaches the
student at once; it then queues the new screen for app.py to apply before any widget is drawn
(widgets cannot be changed once drawn). A student exploring alone has no fragment at all.
"""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from rnnviz import settings as schema
from rnnviz.server import rooms
from rnnviz.ui import registry, state

TEACHER = "room_teacher"  # a Presenting while this session presents
FOLLOW = "room_follow"  # a Following once joined
PENDING = "room_pending"  # a RoomView to apply at the start of the next run
FOLLOWER_ID = "room_follower_id"
ROOM_ERROR = "room_error"
ROOM_GUESSING = "room_guessing"  # bool: the presenting teacher asks the room to guess first
# A following student's fragment runs every WAIT_S seconds and waits for the teacher's move for
# WAIT_S - MARGIN_S of them, in slices of SLICE_S: each slice ends at a Streamlit yield point, so
# the student's own click interrupts the wait within SLICE_S. The margin lets each run end before
# the browser's next timer tick, which would otherwise queue behind it. A
# full run (after each of the teacher's moves) does not wait, and the browser's timer starts
# over with it: so WAIT_S is also the longest a move just after another can go unseen (2 s made
# the follower's p95 2.0 s in benchmarks/classroom_load.py --quick).
WAIT_S = 1.0
MARGIN_S = 0.3
SLICE_S = 0.1
TEACHER_POLL_S = 4.0  # the teacher's panel: the count of followers


@dataclass(frozen=True)
class Presenting:
    """This session presents room `code`, holding its secret `token`; `page` is the url path
    its last full run published (a fragment's publish keeps it)."""

    code: str
    token: str
    page: str = ""


@dataclass(frozen=True)
class Following:
    """This session joined room `code`: `following` while its screen follows the teacher's
    (False: exploring alone), `version` the room version it last took on (-1: none yet),
    `guessing` whether the teacher asks the room to guess each number before it is revealed."""

    code: str
    following: bool = True
    version: int = -1
    number: int | None = None  # the student's number in the room's class experiment
    guessing: bool = False


def _follow(**changes: Any) -> Following:
    """Store this session's Following with `changes` applied, and return it."""
    follow = dataclasses.replace(st.session_state[FOLLOW], **changes)
    st.session_state[FOLLOW] = follow
    return follow


@st.cache_resource(show_spinner=False)
def store() -> rooms.RoomStore:
    """The server's rooms: in this process, or in Redis when RNNVIZ_ROOMS_REDIS names one
    (redis://host:port/db), so that replicas behind a load balancer share them (see deploy/)."""
    url = os.environ.get("RNNVIZ_ROOMS_REDIS")
    if not url:
        return rooms.InMemoryRooms()
    # Imported here, not at the top: redis-py loads only on a server whose rooms live in Redis.
    from rnnviz.server import redis_rooms

    return redis_rooms.RedisRooms.from_url(url)


def _screen(page_path: str) -> tuple[str, dict[str, str]]:
    return page_path, schema.to_query(state.values(), schema.ALL)


# -- run at fixed points of app.py ------------------------------------------------------------
def apply_pending() -> str | None:
    """Before any widget: take on the teacher's settings; returns the page to switch to.

    A screen queued while the student still followed is dropped if they no longer do: pressing
    *Explore on my own* just as the teacher moves runs that button's callback and the queued
    screen in the same run, and the student must stay on the screen they chose to explore from.
    """
    view = st.session_state.pop(PENDING, None)
    follow = st.session_state.get(FOLLOW)
    if view is None or follow is None or not follow.following:  # nothing queued, or left
        return None
    values, _ = schema.from_query(view.query, schema.ALL)
    state.set_values(values)
    _follow(version=view.version, guessing=view.guessing)
    return view.page


def publish(page_path: str | None = None) -> None:
    """After the page ran: if this session presents, the room shows what it shows now.

    page_path : the page's url path; None (from a page's fragment, after a step) keeps the page
        the last full run published.
    """
    teacher = st.session_state.get(TEACHER)
    if teacher is None:
        return
    if page_path is None:
        page_path = teacher.page
    st.session_state[TEACHER] = dataclasses.replace(teacher, page=page_path)
    try:
        store().publish(
            teacher.code,
            teacher.token,
            *_screen(page_path),
            guessing=bool(st.session_state.get(ROOM_GUESSING)),
        )
    except rooms.RoomError as err:  # expired or closed elsewhere
        st.session_state.pop(TEACHER, None)
        st.session_state[ROOM_ERROR] = str(err)


# -- the sidebar section ----------------------------------------------------------------------
def _open() -> None:
    try:
        code, token = store().open()
    except rooms.RoomError as err:
        st.session_state[ROOM_ERROR] = str(err)
        return
    st.session_state[TEACHER] = Presenting(code, token)
    st.session_state[ROOM_GUESSING] = False  # a new room starts without guessing
    st.session_state.pop(FOLLOW, None)
    st.session_state.pop(PENDING, None)


def _close() -> None:
    teacher = st.session_state.pop(TEACHER, None)
    if teacher is not None:
        try:
            store().close(teacher.code, teacher.token)
        except rooms.RoomError:
            pass  # already expired: nothing left to close


def _join_typed() -> None:
    """Enter in the Room code box joins, as a student expects; an emptied box does nothing."""
    if str(st.session_state.get("room_code_input", "")).strip():
        _join()


def _join() -> None:
    # Typing a code and then clicking "Join the room" runs both callbacks in one run: the second
    # finds the student already in that room and leaves their number as it is.
    try:
        code = rooms.normalise_code(st.session_state.get("room_code_input", ""))
        follow = st.session_state.get(FOLLOW)
        if follow is not None and follow.code == code:
            return
        store().view(code)
        number = store().student_number(code, st.session_state[FOLLOWER_ID])
    except rooms.RoomError as err:
        st.session_state[ROOM_ERROR] = str(err)
        return
    st.session_state[FOLLOW] = Following(code, number=number)


def _set_following(on: bool) -> None:
    if st.session_state.get(FOLLOW) is None:
        return
    if on:  # version -1: take on the teacher's screen at once
        _follow(following=True, version=-1)
    else:
        _stop_counting(_follow(following=False))


def _stop_counting(follow: Following) -> None:
    """The teacher counts students who follow: one exploring alone leaves the count at once
    rather than 15 s later (it stays in the room and may follow again). Best effort: leave()
    never raises."""
    store().leave(follow.code, st.session_state[FOLLOWER_ID])


def _leave() -> None:
    follow = st.session_state.pop(FOLLOW, None)
    st.session_state.pop(PENDING, None)
    if follow is not None:
        store().leave(follow.code, st.session_state[FOLLOWER_ID])


def classroom_sidebar(page_path: str) -> None:
    """Open/close a room as a teacher, or join/follow/leave one as a student."""
    st.session_state.setdefault(FOLLOWER_ID, uuid.uuid4().hex)
    _check_room(page_path)  # before drawing: the teacher may have moved, or the room closed
    with st.sidebar.expander(
        "Classroom", expanded=TEACHER in st.session_state or FOLLOW in st.session_state
    ):
        error = st.session_state.pop(ROOM_ERROR, None)
        if error:
            st.error(error)
        if TEACHER in st.session_state:
            _teacher_panel()
        elif FOLLOW in st.session_state:
            _student_panel(page_path)
        else:
            st.caption("Teachers: open a room and students' screens follow yours.")
            st.button("Open a room (teacher)", on_click=_open, width="stretch")
            st.text_input(
                "Room code",
                key="room_code_input",
                max_chars=8,
                placeholder="e.g. K7QM",
                on_change=_join_typed,
                help="The code your teacher shows; press Enter or Join, and your screen then "
                "follows theirs.",
            )
            st.button("Join the room", on_click=_join, width="stretch")


@st.fragment(run_every=TEACHER_POLL_S)
def _teacher_panel() -> None:
    teacher = st.session_state.get(TEACHER)
    if teacher is None:
        # The room closed or expired (a page fragment's publish found out): redraw the sidebar,
        # with the sentence and the open/join buttons, and without this poll.
        st.rerun(scope="app")
    try:
        view = store().view(teacher.code)
    except rooms.RoomError as err:
        st.session_state.pop(TEACHER, None)
        st.error(str(err))
        return
    st.markdown(
        f"<div style='font-size:3.5rem;font-weight:800;letter-spacing:0.25em;text-align:center;"
        f"line-height:1.1'>{view.code}</div>",  # the code's alphabet is letters and digits only
        unsafe_allow_html=True,
    )
    st.caption(
        f"Room code. {view.followers} student(s) following. Their screens follow yours: "
        "page, settings and step. Students exploring on their own are not counted until they "
        "follow again."
    )
    st.toggle(
        "Students guess first",
        key=ROOM_GUESSING,
        on_change=publish,
        help="On pages 2 and 3, each following student may type a guess of the next number "
        "(a new $h_t$, or $\\frac{\\partial L}{\\partial h_t}$ on the way back) before your "
        "step reveals it, and sees which slip it matches. Their guesses stay on their screens.",
    )
    st.button("Close the room", on_click=_close, width="stretch")


def _student_panel(page_path: str) -> None:
    """Following: a fragment waits for the teacher's moves. Exploring alone: nothing runs, so a
    student working on their own costs the server no timer runs and their clicks never queue
    behind one; the room is looked at again on their next full run."""
    follow = st.session_state[FOLLOW]
    if follow.following:
        ctx = get_script_run_ctx()
        _following_status(page_path, ctx.page_script_hash if ctx is not None else "")
        st.button("Explore on my own", on_click=_set_following, args=(False,), width="stretch")
    else:
        st.info(f"Room {follow.code}: you are exploring on your own.")
        st.button(
            "Follow the teacher again",
            on_click=_set_following,
            args=(True,),
            type="primary",
            width="stretch",
        )
    if follow.number is not None:
        st.caption(
            f"You are student {follow.number} in this room: when you train on page 4, your "
            "teacher's screen shows your learning rate, seed and scores under that number "
            "(never your name, model or data)."
        )
    st.button("Leave the room", on_click=_leave, width="stretch")


def _check_room(page_path: str) -> int | None:
    """Look at the followed room: queue the teacher's new screen (and rerun the app to show
    it), notice that the student moved away from it, or drop a room that has closed.

    Returns the room's `changes` as read just before looking, to wait for the next move from.
    """
    follow = st.session_state.get(FOLLOW)
    if follow is None:
        return None
    since = store().changes(follow.code)  # before the view: a move just after it still counts
    try:
        view = store().view(
            follow.code, st.session_state[FOLLOWER_ID] if follow.following else None
        )
    except rooms.RoomError as err:
        st.session_state.pop(FOLLOW, None)
        st.session_state[ROOM_ERROR] = f"{err} You are on your own now."
        return None
    if not follow.following:
        return since
    if view.version != follow.version:
        st.session_state[PENDING] = view
        st.rerun(scope="app")
    if (view.page, view.query) != _screen(page_path):
        _stop_counting(_follow(following=False))  # the student moved: exploring on their own
    return since


@st.fragment(run_every=WAIT_S)
def _following_status(page_path: str, page_hash: str) -> None:
    """Drawn only while the student follows (a full run without it stops the timer): look at
    the room, then wait for the teacher's next move until the next run is due.

    page_hash : Streamlit's hash of the page the full run drew this on. A timer run asked for
        just before the teacher's page reached the browser runs under the page the student
        left, and the browser then empties its main area (a Streamlit race: the server switched
        pages, the browser's timer did not know yet). Such a run switches straight back to the
        page it was drawn on, taking on the teacher's screen anew. Not `st.rerun`: that would
        run the whole app under the page left, the browser would take that page on, and its
        timer would ask under it again, over and over.
    """
    ctx = get_script_run_ctx()
    if _runs_under_another_page(ctx, page_hash) and st.session_state.get(FOLLOW) is not None:
        _follow(version=-1)
        st.switch_page(page_for(page_path, registry.navigation_pages()))
    since = _check_room(page_path)
    follow = st.session_state.get(FOLLOW)
    if follow is None or not follow.following:
        # The room closed, or the student moved on a page fragment (a BPTT or stepper click,
        # which reruns only that fragment): redraw the sidebar, without this fragment.
        st.rerun(scope="app")
    st.success(f"Following room {follow.code}.")
    if ctx is None or not ctx.fragment_ids_this_run:
        # A full run draws the page now: blocking it would keep the student's page "running"
        # for the whole wait, and the timer ticks during it would queue fragment runs behind it.
        # The fragment's own runs do the waiting.
        return
    if _wait_for_move(follow.code, since, WAIT_S - MARGIN_S):
        _check_room(page_path)  # queues the teacher's new screen and reruns the app


def _runs_under_another_page(ctx: Any, page_hash: str) -> bool:
    """Whether this is a fragment run under another of the app's pages than `page_hash`. Only
    the app's own pages count: a run asked for without a page (the main script's hash) is not
    taken for a page change."""
    if ctx is None or not ctx.fragment_ids_this_run:
        return False
    run_page = ctx.page_script_hash
    return run_page != page_hash and run_page in ctx.pages_manager.get_pages()


def _wait_for_move(code: str, since: int, seconds: float) -> bool:
    """Wait at most `seconds` for room `code` to move past `since`; True if it did.

    Streamlit cannot push to a session, and a script run that blocks holds back the student's
    own clicks: so the wait is bounded, and cut into slices. Reading session state between them
    is one of Streamlit's yield points, where a click's pending rerun (or this fragment's next
    timer tick) interrupts this run at once.
    """
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if store().wait_for_change(code, since, min(SLICE_S, left)):
            return True
        st.session_state.get(FOLLOW)  # the yield point: a pending rerun raises here
    return False


def room_tag() -> tuple[str, str] | None:
    """(room code, this student's id) once the session joined a room, following or not: their
    trainings then join the class experiment, under their number."""
    follow = st.session_state.get(FOLLOW)
    return None if follow is None else (follow.code, st.session_state[FOLLOWER_ID])


def room_guessing() -> bool | None:
    """While this session follows a room: whether the teacher asks the room to guess first.
    None when it follows no one (it then decides for itself)."""
    follow = st.session_state.get(FOLLOW)
    return follow.guessing if follow is not None and follow.following else None


def teacher_room() -> str | None:
    """The code of the room this session presents, if it does."""
    teacher = st.session_state.get(TEACHER)
    return None if teacher is None else teacher.code


def page_for(url_path: str, pages: list[Any]) -> Any | None:
    """The st.Page with this url path, if any."""
    return next((p for p in pages if p.url_path == url_path), None)
