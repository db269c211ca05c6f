"""One look for every figure: margins, the legend above the plot, the text sizes figures write,
and the few marks they share (a line series, an outlined marker).

Every figure starts from `layout(height)`, written into the figure's own layout rather than
registered as a Plotly template, because of how Streamlit shows a chart (1.67, theme="streamlit",
the default of `st.plotly_chart`): its frontend merges the app theme's fonts, colours, margins
and axis styling INTO `layout.template.layout` (lodash `merge`, theme values win), so a
template's margins and fonts would be overwritten in the browser; keys in the figure's own
layout win over any template. For the same reason nothing here sets a text or background
colour (the theme colours charts for light and dark mode), nor a font size for axes, ticks or
the legend: the theme sizes those in rem, which is what large-text mode scales
(`tables.enlarge` scales the sizes set here).

The template itself is "none": Streamlit's frontend builds the theme's template when a figure
has none, and every trace here names its own colours, so the template Plotly would otherwise
embed (Streamlit's colour placeholders in the app, about 3.4 KB of JSON per chart on every
rerun; Plotly's own look, 6.5 KB, elsewhere) draws nothing that is seen.
"""

from __future__ import annotations

from rnnviz.figures import palette

TEMPLATE = "none"
# Room above a chart for subplot titles. Whatever sits outside the plot pushes its margin out
# by itself in plotly.js (automargin): the legend row above, axis titles and tick labels, colour
# bars at the right; so these are minimums, and the same for every chart.
MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}
# The unrolled network: no axes, no legend, nodes use the whole height.
DIAGRAM_MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}
LEGEND_Y = 1.02  # just above the plot area, in a horizontal row from the left
LEGEND = {"orientation": "h", "yanchor": "bottom", "y": LEGEND_Y, "x": 0}

FONT_SIZE = 12  # the theme's base size (0.75 rem), for text a figure sizes itself
LABEL_SIZE = 11  # small labels: a reference line's name, the day under a box
TITLE_SIZE = 14  # a panel's title in a figure of several panels
LEDGER_SIZE = 13  # the animation's ledger, in monospace
BADGE_SIZE = 28  # a lesson's number on a first-page card without a picture of its own
TEXT_SIZES = (FONT_SIZE, LABEL_SIZE, TITLE_SIZE, LEDGER_SIZE, BADGE_SIZE)

LINE_WIDTH = 2  # a data series drawn as a line
OUTLINE = {"color": palette.BLACK, "width": 1}  # a highlighted marker's thin outline


def layout(height: int, *, diagram: bool = False, legend_y: float = LEGEND_Y) -> dict:
    """The layout every figure starts from: template, margins, legend and `height`.

    diagram : the unrolled network's tighter margins (`DIAGRAM_MARGIN`)
    legend_y : lift the legend above a panel title that sits on top of the plot
    A figure adds its own axes, shapes and annotations, never margins or fonts. The base font
    is left to the theme (0.75 rem, 12 px), so it grows with the page in large-text mode.
    """
    return {
        "template": TEMPLATE,
        "height": height,
        "margin": dict(DIAGRAM_MARGIN if diagram else MARGIN),  # copies: callers may add to them
        "legend": {**LEGEND, "y": legend_y},
    }


def outlined(color: str, size: float, symbol: str | None = None) -> dict:
    """A marker with the thin black outline that picks out a highlighted point."""
    marker = {"color": color, "size": size, "line": OUTLINE}
    if symbol is not None:
        marker["symbol"] = symbol
    return marker


def line(color: str, dash: str | None = None, width: float = LINE_WIDTH) -> dict:
    """A series' line: its colour, the house width, and a dash for a bound or a prediction."""
    drawn = {"color": color, "width": width}
    if dash is not None:
        drawn["dash"] = dash
    return drawn
