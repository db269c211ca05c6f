"""Presenter mode: a teacher opens a room; students who join follow the teacher's screen.

Per-session state (role, code, token, what was last applied) lives in st.session_state; the
rooms themselves are the server's one deliberate shared RoomStore (thread-safe, bounded,
expiring, holding only settings). Following works by polling: a small fragment asks the room
for its version every couple of seconds and, when the teacher has moved, queues the new screen
for app.py to apply before any widget is drawn (widgets cannot be changed once drawn).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import streamlit as st

from rnnviz import redis_rooms, rooms
from rnnviz import settings as schema
from rnnviz.ui import state

TEACHER = "room_teacher"  # {"code", "token"} while this session presents
FOLLOW = "room_follow"  # {"code", "following": bool, "version": int} once joined
PENDING = "room_pending"  # a RoomView to apply at the start of the next run
FOLLOWER_ID = "room_follower_id"
ROOM_ERROR = "room_error"
POLL_SECONDS = 2.0


@st.cache_resource(show_spinner=False)
def store() -> rooms.RoomStore:
    """The server's rooms: in this process, or in Redis when RNNVIZ_ROOMS_REDIS names one
    (redis://host:port/db), so that replicas behind a load balancer share them (see deploy/)."""
    url = os.environ.get("RNNVIZ_ROOMS_REDIS")
    return redis_rooms.RedisRooms.from_url(url) if url else rooms.InMemoryRooms()


def _screen(page_path: str) -> tuple[str, dict[str, str]]:
    return page_path, schema.to_query(state.values(), state.ALL_SETTINGS)


# -- run at fixed points of app.py ------------------------------------------------------------
def apply_pending() -> str | None:
    """Before any widget: take on the teacher's settings; returns the page to switch to."""
    view = st.session_state.pop(PENDING, None)
    if view is None:
        return None
    values, _ = schema.from_query(view.query, state.ALL_SETTINGS)
    state.set_values(values)
    st.session_state[FOLLOW]["version"] = view.version
    return view.page


def publish(page_path: str) -> None:
    """After the page ran: if this session presents, the room shows what it shows now."""
    teacher = st.session_state.get(TEACHER)
    if teacher is None:
        return
    try:
        store().publish(teacher["code"], teacher["token"], *_screen(page_path))
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
    st.session_state[TEACHER] = {"code": code, "token": token}
    st.session_state.pop(FOLLOW, None)


def _close() -> None:
    teacher = st.session_state.pop(TEACHER, None)
    if teacher is not None:
        try:
            store().close(teacher["code"], teacher["token"])
        except rooms.RoomError:
            pass  # already expired: nothing left to close


def _join() -> None:
    try:
        code = rooms.normalise_code(st.session_state.get("room_code_input", ""))
        store().view(code)
    except rooms.RoomError as err:
        st.session_state[ROOM_ERROR] = str(err)
        return
    st.session_state[FOLLOW] = {"code": code, "following": True, "version": -1}


def _set_following(on: bool) -> None:
    follow = st.session_state.get(FOLLOW)
    if follow is not None:
        follow["following"] = on
        follow["version"] = -1 if on else follow["version"]


def _leave() -> None:
    follow = st.session_state.pop(FOLLOW, None)
    if follow is not None:
        store().leave(follow["code"], st.session_state[FOLLOWER_ID])


def classroom_sidebar(page_path: str) -> None:
    """Open/close a room as a teacher, or join/follow/leave one as a student."""
    st.session_state.setdefault(FOLLOWER_ID, uuid.uuid4().hex)
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
                help="The code your teacher shows; your screen then follows theirs.",
            )
            st.button("Join the room", on_click=_join, width="stretch")


@st.fragment(run_every=POLL_SECONDS * 2)
def _teacher_panel() -> None:
    teacher = st.session_state.get(TEACHER)
    if teacher is None:
        return
    try:
        view = store().view(teacher["code"])
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
        "page, settings and step."
    )
    st.button("Close the room", on_click=_close, width="stretch")


@st.fragment(run_every=POLL_SECONDS)
def _student_panel(page_path: str) -> None:
    follow = st.session_state.get(FOLLOW)
    if follow is None:
        return
    try:
        view = store().view(follow["code"], st.session_state[FOLLOWER_ID])
    except rooms.RoomError as err:
        st.session_state.pop(FOLLOW, None)
        st.warning(f"{err} You are on your own now.")
        return
    if follow["following"]:
        if view.version != follow["version"]:
            st.session_state[PENDING] = view
            st.rerun(scope="app")
        if (view.page, view.query) != _screen(page_path):
            follow["following"] = False  # the student moved: exploring on their own
    if follow["following"]:
        st.success(f"Following room {view.code}.")
        st.button("Explore on my own", on_click=_set_following, args=(False,), width="stretch")
    else:
        st.info(f"Room {view.code}: you are exploring on your own.")
        st.button(
            "Follow the teacher again",
            on_click=_set_following,
            args=(True,),
            type="primary",
            width="stretch",
        )
    st.button("Leave the room", on_click=_leave, width="stretch")


def page_for(url_path: str, pages: list[Any]) -> Any | None:
    """The st.Page with this url path, if any."""
    return next((p for p in pages if p.url_path == url_path), None)
