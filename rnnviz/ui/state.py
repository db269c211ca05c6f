"""Per-session state: the canonical settings, widgets bound to them, and the URL.

All of a user's state lives in `st.session_state` under the keys named here. Settings are kept
in one canonical dict (`SETTINGS`), not in widget keys, because Streamlit forgets a widget's key
on any run where that widget is not drawn (another page): widgets are seeded from the canonical
dict each time they appear, and write back to it when changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from rnnviz import settings as schema
from rnnviz.text import numbers

# Session-state keys, named once.
SETTINGS = "settings"  # dict: setting name -> value, for every setting in schema.ALL
URL_NOTICES = "url_notices"  # list[str]: rejected query parameters, shown once
CHANGE_ERROR = "change_error"  # str | None: why the last widget change was refused
WIDGET_PREFIX = "w:"
# The model the training page produced, for the stepper and BPTT pages to show: a
# `rnnviz.runs.TrainedModel`. Written only by the training page.
TRAINED_MODEL = "trained_model"
# A series the student uploaded and chose to use: an `OwnSeries`. When present it replaces the
# generated series everywhere. It cannot travel in a link.
UPLOADED_SERIES = "uploaded_series"


@dataclass(frozen=True)
class OwnSeries:
    """A series the student uploaded: the file's name, the column used, values (n,), and what
    the file said about them: dates (n,) datetime64 or None, the unit ("" unknown), and the
    days filled by interpolation, (n,) bool (refilled around a held-out tail when training)."""

    name: str
    column: str
    values: np.ndarray
    dates: np.ndarray | None = None
    unit: str = ""
    filled: np.ndarray | None = None


def init_session() -> bool:
    """On a session's first run, read every setting from the URL (bad values: defaults + notice).

    Returns True on that first run.
    """
    st.session_state.setdefault(CHANGE_ERROR, None)
    if SETTINGS in st.session_state:
        return False
    values, notices = schema.from_query(st.query_params.to_dict(), schema.ALL)
    st.session_state[SETTINGS] = values
    st.session_state[URL_NOTICES] = notices
    return True


def values() -> dict[str, Any]:
    """The session's current settings (the canonical dict: edit only through `set_values`)."""
    return st.session_state[SETTINGS]


def stale_echo() -> bool:
    """In a widget's callback: True when the "change" is not the student's.

    A change to a widget outside every fragment starts a full run. In a run of fragments only
    (a follower's timer, a step button), such a widget can still report a change: the browser
    sends its copy of every widget with each request, and a copy taken before the last full run
    (which may have changed the widget from the server, as taking on a teacher's screen does)
    would put the old value back. Streamlit runs the callback with the fragment the widget was
    drawn in, so a widget drawn in none, called back in a fragment-only run, is such an echo.
    """
    ctx = get_script_run_ctx()
    if ctx is None or not ctx.fragment_ids_this_run:
        return False
    return ThreadState.get().fragment_id is None


def set_values(updates: dict[str, Any]) -> None:
    """Change settings and the widgets that show them (safe inside widget callbacks)."""
    st.session_state[SETTINGS].update(updates)
    for name, value in updates.items():
        st.session_state[WIDGET_PREFIX + name] = value


def bound_widget(
    setting: schema.Setting,
    widget: Callable[..., Any],
    validate: Callable[[dict[str, Any]], None] | None = None,
    on_set: Callable[[Any], None] | None = None,
    **kwargs: Any,
) -> Any:
    """Draw `widget` (st.slider, st.number_input, ...) for `setting`, bound to the settings.

    Label, help, bounds, step and a str setting's choices come from the `Setting`; `kwargs` add
    to them or override them (a bound that depends on the series, say). `validate(candidate)`
    may raise ValueError to refuse a change: the widget then snaps back to the previous value
    and `show_notices` prints the reason. `on_set(value)` runs after a change is taken (in the
    callback, so it may change other settings before anything is drawn).
    """
    key = WIDGET_PREFIX + setting.name
    if key not in st.session_state:
        st.session_state[key] = values()[setting.name]

    def on_change() -> None:
        if stale_echo():
            st.session_state[key] = values()[setting.name]
            return
        new = st.session_state[key]
        try:
            new = setting.parse(new)
            if validate is not None:
                validate({**values(), setting.name: new})
        except ValueError as err:
            st.session_state[key] = values()[setting.name]
            st.session_state[CHANGE_ERROR] = str(err)
            return
        values()[setting.name] = new
        st.session_state[CHANGE_ERROR] = None
        if on_set is not None:
            on_set(new)

    if widget in (st.slider, st.number_input):
        kwargs = {**setting.widget_args(), **kwargs}
    elif setting.choices and widget in (st.radio, st.select_slider, st.selectbox):
        kwargs.setdefault("options", setting.choices)
    return widget(setting.label, key=key, help=setting.help, on_change=on_change, **kwargs)


def lr_slider(setting: schema.Setting, grid: Iterable[float], disabled: bool = False) -> None:
    """A learning rate on the log `grid`, plus the current value if a link brought one between."""
    bound_widget(
        setting,
        st.select_slider,
        options=sorted({*grid, float(values()[setting.name])}),
        format_func=numbers.lr_text,
        disabled=disabled,
    )


def add_notice(text: str) -> None:
    """Queue a notice about the link for `show_notices`."""
    st.session_state[URL_NOTICES] = [*st.session_state.get(URL_NOTICES, []), text]


def show_notices() -> None:
    """Show, once, why link values were ignored and why the last change was refused."""
    for notice in st.session_state.get(URL_NOTICES, []):
        st.warning(notice, icon=":material/link:")
    st.session_state[URL_NOTICES] = []
    error = st.session_state.get(CHANGE_ERROR)
    if error:
        st.error(f"That change was not applied. {error}", icon=":material/warning:")
        st.session_state[CHANGE_ERROR] = None


def sync_url() -> None:
    """Write the non-default settings into the URL, so a link or a reload shows the same screen."""
    wanted = schema.to_query(values(), schema.ALL)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
