"""The values a browser holds for the widgets on screen, and the WidgetStates it sends.

A browser's widget manager sends the value of every widget on screen with each rerun (a
button's `trigger_value` set for a click); a widget takes its value from the proto when it first
appears or when the server sets it (`set_value`), and keeps what the user gave it otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.stclient.elements import Node


def initial_value(kind: str, proto: Any) -> tuple[str, Any] | None:
    """The (WidgetState field, value) a browser gives a widget when it first appears or when the
    server sets it: the server's value if it set one (`set_value`), else the default. None:
    nothing is sent (buttons send only a trigger)."""
    if kind == "checkbox":
        return "bool_value", proto.value if proto.set_value else proto.default
    if kind == "number_input":
        value = proto.value if proto.set_value else proto.default
        if proto.data_type == NumberInput.INT:
            return "int_value", int(value)
        return "double_value", float(value)
    if kind == "slider":
        if proto.type == Slider.SELECT_SLIDER or proto.options:
            if proto.set_value:
                return "string_array_value", list(proto.raw_value)
            return "string_array_value", [proto.options[int(i)] for i in proto.default]
        return "double_array_value", list(proto.value if proto.set_value else proto.default)
    if kind in ("radio", "selectbox"):
        if proto.set_value:
            return "string_value", proto.raw_value
        if proto.options and 0 <= proto.default < len(proto.options):
            return "string_value", proto.options[proto.default]
        return None
    if kind in ("text_input", "text_area"):
        return "string_value", proto.value if proto.set_value else proto.default
    if kind == "file_uploader":
        return "file_uploader_state_value", None  # an empty uploader's state
    if kind == "multiselect":
        if proto.set_value:
            return "string_array_value", list(proto.raw_values)
        return "string_array_value", [proto.options[i] for i in proto.default]
    return None  # buttons (triggers only) and widgets this app does not use


def _set_state(state: WidgetState, value_field: str, value: Any) -> None:
    if value is None:
        getattr(state, value_field).SetInParent()
    elif value_field in ("double_array_value", "string_array_value", "int_array_value"):
        getattr(state, value_field).data.extend(value)
    else:
        setattr(state, value_field, value)


class WidgetValues:
    """The frontend's widget manager: widget id → (WidgetState field, value)."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[str, Any]] = {}

    def drawn(self, kind: str, proto: Any) -> None:
        """A widget arrived in a delta: it takes the proto's value if it is new or the server
        set it (the proto's default is only the initial value)."""
        widget_id = getattr(proto, "id", "")
        if widget_id and (widget_id not in self._values or proto.set_value):
            value = initial_value(kind, proto)
            if value is not None:
                self._values[widget_id] = value

    def type_text(self, widget_id: str, text: str) -> None:
        """What a user typed into a text input (kept, as a browser keeps it)."""
        self._values[widget_id] = ("string_value", text)

    def set_by_user(self, kind: str, proto: Any, value: Any) -> None:
        """What a user set a widget to: a slider's number or a select slider's option label, a
        number input's number, a text input's text (kept, as a browser keeps it)."""
        if kind == "slider" and (proto.type == Slider.SELECT_SLIDER or proto.options):
            if str(value) not in proto.options:
                raise LookupError(f"{value!r} is not among the options {list(proto.options)}")
            entry = ("string_array_value", [str(value)])
        elif kind == "slider":
            entry = ("double_array_value", [float(value)])
        elif kind == "number_input":
            is_int = proto.data_type == NumberInput.INT
            entry = ("int_value", int(value)) if is_int else ("double_value", float(value))
        elif kind == "text_input":
            entry = ("string_value", str(value))
        else:
            raise LookupError(f"cannot set a {kind}")
        self._values[proto.id] = entry

    def keep_only(self, on_screen: set[str]) -> None:
        """The frontend's removeInactive after a full run: forget widgets no longer drawn."""
        self._values = {k: v for k, v in self._values.items() if k in on_screen}

    def states(
        self, elements: Iterable[tuple[Node, Any]], only_script: str | None = None
    ) -> list[WidgetState]:
        """The WidgetStates of the widgets among `elements` (of one script's, if given)."""
        states = []
        for node, proto in elements:
            if proto is None or not getattr(proto, "id", ""):
                continue
            if only_script is not None and node.script_hash != only_script:
                continue
            value = self._values.get(proto.id)
            if value is None:
                continue
            state = WidgetState(id=proto.id)
            _set_state(state, *value)
            states.append(state)
        return states
