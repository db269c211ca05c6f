"""The session's weather series: its controls, and the series and windows every page learns on."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from rnnviz import core
from rnnviz import settings as schema
from rnnviz.files import bundled
from rnnviz.text import tex
from rnnviz.ui import state


def validate_series(values: dict[str, Any]) -> None:
    """Raise ValueError if these settings give no usable series (it explodes, or is too short)."""
    core.make_windows(_series(**schema.weather_kwargs(values)), schema.SEQ_LEN)


@st.cache_data(max_entries=512, show_spinner=False)
def _series(n, phi, sigma, start, seed, mean_level) -> np.ndarray:
    # Deterministic in its scalar arguments; st.cache_data hands every caller its own copy.
    return core.weather_series(
        n=n, phi=phi, sigma=sigma, start=start, seed=seed, mean_level=mean_level
    )


def check_link_series() -> None:
    """Before any widget is drawn: if the link's series settings make no usable series (only a
    link can do that; widget changes are validated), fall back to the tutorial's with a notice."""
    try:
        validate_series(state.values())
    except ValueError as err:
        state.set_values({s.name: s.default for s in schema.SERIES})
        state.add_notice(f"The link's series could not be made ({err}) The tutorial's is shown.")


def uploaded() -> state.OwnSeries | None:
    """The student's uploaded series in use, or None (the generated or a bundled series)."""
    return st.session_state.get(state.UPLOADED_SERIES)


@st.cache_data(max_entries=8, show_spinner=False)
def _bundled(name: str) -> tuple[np.ndarray, np.ndarray, str]:
    # A file shipped with the app, read once; st.cache_data hands every caller its own copy.
    return bundled.load(name)


def bundled_entry() -> bundled.BundledSeries | None:
    """The bundled series the settings pick, unless an upload is in use or it is generated."""
    name = state.values()[schema.SOURCE.name]
    if uploaded() is not None or name == schema.GENERATED:
        return None
    return bundled.BUNDLED[name]


def is_measured() -> bool:
    """True for a real series (uploaded or bundled): no known process, no fresh data."""
    return uploaded() is not None or bundled_entry() is not None


def current_series() -> np.ndarray:
    """The session's series, (n,): the uploaded one if in use, else the bundled or generated
    one the settings pick (always valid: see `check_link_series`)."""
    own, entry = uploaded(), bundled_entry()
    if own is not None:
        return own.values.copy()
    if entry is not None:
        return _bundled(entry.name)[1]
    return _series(**schema.weather_kwargs(state.values()))


def current_dates() -> np.ndarray | None:
    """The dates of the session's series, (n,) datetime64, or None (generated, or no dates)."""
    own, entry = uploaded(), bundled_entry()
    if own is not None:
        return own.dates
    return None if entry is None else _bundled(entry.name)[0]


def current_unit() -> str:
    """The series' unit: °C for the tutorial's weather and the bundled stations, an upload's
    own (or "" when its file did not say)."""
    own = uploaded()
    return own.unit if own is not None else "°C"


def filled_days() -> tuple[int, ...]:
    """The days of an uploaded series that were filled by interpolation (0-based)."""
    own = uploaded()
    if own is None or own.filled is None:
        return ()
    return tuple(int(day) for day in np.flatnonzero(own.filled))


def current_windows() -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's sliding windows of the session's series: X (N, T), y (N,)."""
    return core.make_windows(current_series(), schema.SEQ_LEN)


def window_start() -> int:
    """The chosen window as a 0-based index into X (on screen: days w … w+T-1 with w = index+1)."""
    n_windows = current_windows()[0].shape[0]
    chosen = state.values()[schema.WINDOW.name]
    if chosen > n_windows:  # the series got shorter: keep the window on the page
        state.set_values({schema.WINDOW.name: n_windows})
        chosen = n_windows
    return chosen - 1


def window_slider() -> int:
    """A slider over the windows; returns the 0-based index of the chosen one."""
    n_windows = current_windows()[0].shape[0]
    window_start()  # clamps the stored choice before the slider is drawn
    state.bound_widget(
        schema.WINDOW, st.slider, max_value=max(n_windows, 2), disabled=n_windows < 2
    )
    return window_start()


def reset_series() -> None:
    """Back to the tutorial's series (a button callback)."""
    state.set_values({s.name: s.default for s in schema.SERIES})
    state.set_values({schema.WINDOW.name: schema.WINDOW.default})


def series_controls() -> None:
    """The sliders and inputs for the AR(2) process, each with its sentence of explanation."""
    widgets = {"phi1": st.slider, "phi2": st.slider, "sigma": st.slider}
    left, right = st.columns(2)
    for index, setting in enumerate(schema.SERIES):
        with left if index < len(schema.SERIES) // 2 else right:
            widget = widgets.get(setting.name, st.number_input)
            state.bound_widget(setting, widget, validate_series)
    st.button(
        "Reset to the tutorial's defaults",
        on_click=reset_series,
        help=r"$\varphi_1 = 0.7$, $\varphi_2 = 0.2$, $\sigma = 0.5$, $n = 100$ days from "
        "$T_0 = 20$ and $T_1 = 21$, seed 0, no mean level.",
    )


def series_summary() -> str:
    """One line describing the session's series, for other pages (Markdown, typeset)."""
    own, entry = uploaded(), bundled_entry()
    if entry is not None:
        return f"{entry.title} ({entry.station}), {current_series().shape[0]:,} days"
    if own is not None:
        return (
            f"Your uploaded series: {own.name}, column '{own.column}', {own.values.shape[0]} days"
        )
    v = state.values()
    tutorial = all(v[s.name] == s.default for s in schema.SERIES)
    phi1, phi2, sigma = (tex.number(v[name], "g") for name in ("phi1", "phi2", "sigma"))
    text = (
        f"{v['n']} days, $\\varphi = ({phi1}, {phi2})$, $\\sigma = {sigma}$, "
        f"start {v['t0']:g}, {v['t1']:g}, seed {v['seed']}"
    )
    if v["mu"]:
        text += f", mean level $\\mu = {tex.number(v['mu'], 'g')}$"
    return ("The tutorial's series: " if tutorial else "Your series: ") + text


def series_csv(temps: np.ndarray) -> str:
    """The series as CSV text: columns `day` (from 1) and `temperature`, full float precision."""
    frame = pd.DataFrame({"day": np.arange(1, temps.shape[0] + 1), "temperature": temps})
    return frame.to_csv(index=False, float_format="%.17g")
