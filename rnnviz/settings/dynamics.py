"""The hidden state's dynamics on the training page: what colours each window's final state."""

from __future__ import annotations

from rnnviz.settings.setting import Setting

COLOUR_BY = ("day", "target")
DYNAMICS: tuple[Setting, ...] = (
    Setting(
        "hcolour",
        "day",
        str,
        label="Colour each window by",
        help="Day: the window's first day in the series. Target: the temperature it predicts.",
        choices=COLOUR_BY,
    ),
)
