"""One user-facing setting: its name in the URL, default, bounds, and a sentence for a beginner.

Pure Python (no streamlit): the UI binds widgets and query parameters to these declarations, and
the same bounds are enforced whatever a URL or a crafted request says. Values outside the bounds
or that do not parse fall back to the default with a notice a page shows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# How a URL spells None, for settings where None means "all of it" (full BPTT): links shared
# before None existed wrote 0 for it, and keep working.
NONE_IN_URL = "0"


@dataclass(frozen=True)
class Setting:
    """One setting: `name` is its URL key and session-state suffix.

    kind : int, float, bool or str;  lo, hi : inclusive bounds (numbers only)
    step : the widget's step (numbers only);  choices : the allowed values of a str setting
    none_means : for a setting that may be None, what None means ("full BPTT"); "" if it may not
    label : the widget's label;  help : one sentence for a beginner
    """

    name: str
    default: Any
    kind: type
    lo: float | None = None
    hi: float | None = None
    label: str = ""
    help: str = ""
    choices: tuple[str, ...] = ()
    step: float | None = None
    none_means: str = ""

    def widget_args(self) -> dict[str, Any]:
        """The bounds and step of a slider or number input for this setting, in its kind."""
        if self.kind not in (int, float) or self.lo is None or self.hi is None:
            return {}
        args = {"min_value": self.kind(self.lo), "max_value": self.kind(self.hi)}
        if self.step is not None:
            args["step"] = self.kind(self.step)
        return args

    def parse(self, raw: Any) -> Any:
        """`raw` (a URL string or a widget value) as a valid value, or ValueError."""
        if self.none_means and (raw is None or str(raw).strip() == NONE_IN_URL):
            return None
        if self.kind is str:
            if str(raw) not in self.choices:
                allowed = ", ".join(self.choices)
                raise ValueError(f"{self.label or self.name}: {raw!r} is not one of {allowed}.")
            return str(raw)
        if self.kind is bool:
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"{self.label or self.name}: expected true or false, got {raw!r}.")
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"{self.label or self.name}: {raw!r} is not a number.") from None
        if not math.isfinite(number):
            raise ValueError(f"{self.label or self.name}: {raw!r} is not a finite number.")
        if self.kind is int:
            if not number.is_integer():
                raise ValueError(f"{self.label or self.name}: {raw!r} is not a whole number.")
            number = int(number)
        if (self.lo is not None and number < self.lo) or (self.hi is not None and number > self.hi):
            raise ValueError(
                f"{self.label or self.name}: {raw} is outside the allowed range "
                f"{self.format(self.lo)} … {self.format(self.hi)}."
            )
        return number

    def format(self, value: Any) -> str:
        """The URL spelling of `value`; floats use repr so they round-trip exactly."""
        if value is None and self.none_means:
            return NONE_IN_URL
        if self.kind is bool:
            return "1" if value else "0"
        if self.kind is int:
            return str(int(value))
        if self.kind is str:
            return str(value)
        return repr(float(value))


def from_query(
    query: Mapping[str, Any], settings: Iterable[Setting]
) -> tuple[dict[str, Any], list[str]]:
    """Values for `settings` read from URL query parameters, and notices for rejected ones.

    Missing keys take their defaults silently; present but invalid ones take their defaults and
    add a notice ("… was ignored: …"). Keys that belong to no setting are left alone.
    """
    values, notices = {}, []
    for setting in settings:
        raw = query.get(setting.name)
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else None
        if raw is None:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as err:
            values[setting.name] = setting.default
            notices.append(
                f"The link's value for {setting.label or setting.name} was ignored: {err}"
            )
    return values, notices


def to_query(values: Mapping[str, Any], settings: Iterable[Setting]) -> dict[str, str]:
    """The URL query parameters for `values`: only settings that differ from their defaults."""
    return {
        s.name: s.format(values[s.name])
        for s in settings
        if s.name in values and values[s.name] != s.default
    }
