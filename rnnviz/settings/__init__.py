"""Every user-facing setting, declared once: name in the URL, default, bounds, and a sentence.

`Setting` and the URL round trip live in `setting.py`; each page's declarations in its own module.
"""

from rnnviz.settings.lessons import (
    BPTT,
    GRADIENT_PANELS,
    MODEL,
    MODEL_SOURCES,
    SCALAR_PARAM_HELP,
    STEPPER,
)
from rnnviz.settings.series import (
    BUNDLED_NAMES,
    GENERATED,
    SEQ_LEN,
    SERIES,
    SOURCE,
    WINDOW,
    weather_kwargs,
)
from rnnviz.settings.setting import Setting, from_query, to_query
from rnnviz.settings.training import (
    COMPARE_LR_DEFAULTS,
    LR_GRID,
    MAX_COMPARE,
    SCALINGS,
    TRAINING,
    UPDATE_MODES,
)

# Every URL-bound setting of every page, and the one map from a name to its setting.
ALL: tuple[Setting, ...] = (
    *SERIES,
    SOURCE,
    WINDOW,
    *MODEL,
    *STEPPER,
    *BPTT,
    *GRADIENT_PANELS,
    *TRAINING,
)
BY_NAME: dict[str, Setting] = {setting.name: setting for setting in ALL}
assert len(BY_NAME) == len(ALL), "two settings share a URL name"

__all__ = [
    "ALL",
    "BUNDLED_NAMES",
    "GENERATED",
    "SOURCE",
    "BY_NAME",
    "BPTT",
    "COMPARE_LR_DEFAULTS",
    "GRADIENT_PANELS",
    "LR_GRID",
    "MAX_COMPARE",
    "MODEL",
    "MODEL_SOURCES",
    "SCALAR_PARAM_HELP",
    "SCALINGS",
    "SEQ_LEN",
    "SERIES",
    "STEPPER",
    "TRAINING",
    "UPDATE_MODES",
    "WINDOW",
    "Setting",
    "from_query",
    "to_query",
    "weather_kwargs",
]
