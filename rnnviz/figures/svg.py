"""Small static pictures as SVG, for the first page: the journey and each lesson's thumbnail.

Every chart a student works with is Plotly (the rest of this package). These few pictures are
SVG instead, drawn as an `<img>` with alt text: a Plotly chart cannot carry alt text, needs
Plotly's library in the browser (the first page would wait for it), and cannot animate without
script, while an SVG image can play a short CSS animation, one that the browser's reduced-motion
setting turns off. They keep the one look: the palette, the style's text sizes, black text on a
white card in light and dark mode alike (as the unrolled network is drawn on white).

Pure functions: numbers in, a `Picture` out; every number drawn comes from the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from rnnviz.figures import palette, style

FONT = "font-family:'Source Sans Pro','DejaVu Sans',Arial,sans-serif"
CARD = "#FFFFFF"
EDGE = "#DDDDDD"  # the card's border and anything not reached yet (as figures.unrolled's PENDING)
# The animation plays only for readers who have not asked their browser for less motion; the
# still picture is every element's own state, so it is what reduced motion shows.
REDUCED_MOTION = "@media (prefers-reduced-motion: reduce) { * { animation: none !important; } }"


@dataclass(frozen=True)
class Picture:
    """An SVG document and the sentence that says what it shows (its alt text)."""

    svg: str
    alt: str


def document(width: int, height: int, body: list[str], alt: str, css: str = "") -> Picture:
    """`body` (SVG elements) on a white rounded card of `width` × `height` user units."""
    style_block = f"<style>{css} {REDUCED_MOTION}</style>" if css else ""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(alt)}" style="{FONT}">'
        f"<title>{escape(alt)}</title>{style_block}"
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="10" '
        f'fill="{CARD}" stroke="{EDGE}"/>' + "".join(body) + "</svg>"
    )
    return Picture(svg, alt)


def text(
    x: float,
    y: float,
    words: str,
    *,
    size: int = style.FONT_SIZE,
    colour: str = palette.BLACK,
    anchor: str = "middle",
    weight: str = "normal",
    css_class: str = "",
) -> str:
    """A line of text centred (or anchored) at (x, y)."""
    extra = f' class="{css_class}"' if css_class else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{colour}" '
        f'text-anchor="{anchor}" dominant-baseline="central" font-weight="{weight}"{extra}>'
        f"{escape(words)}</text>"
    )


def circle(x: float, y: float, r: float, fill: str, stroke: str = palette.GREY, css_class=""):
    extra = f' class="{css_class}"' if css_class else ""
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="1.5"{extra}/>'
    )


def box(x: float, y: float, w: float, h: float, fill: str, stroke: str = palette.GREY) -> str:
    """A rectangle centred at (x, y)."""
    return (
        f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" rx="4" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
    )


def arrow(
    start: tuple[float, float],
    end: tuple[float, float],
    colour: str = palette.BLACK,
    width: float = 1.5,
    *,
    bend: float = 0.0,
    css_class: str = "",
) -> str:
    """A line from `start` to `end` with a head at `end`; `bend` lifts its middle (a curve)."""
    (x0, y0), (x1, y1) = start, end
    extra = f' class="{css_class}"' if css_class else ""
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2 - bend
    path = f"M{x0:.1f},{y0:.1f} Q{mid_x:.1f},{mid_y:.1f} {x1:.1f},{y1:.1f}"
    # The head: two short strokes back from the end, along the curve's last direction.
    dx, dy = x1 - mid_x, y1 - mid_y
    length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    ux, uy = dx / length, dy / length
    head = 5 + 1.5 * width
    left = (x1 - head * ux + head * 0.5 * uy, y1 - head * uy - head * 0.5 * ux)
    right = (x1 - head * ux - head * 0.5 * uy, y1 - head * uy + head * 0.5 * ux)
    return (
        f'<g{extra} stroke="{colour}" stroke-width="{width:.1f}" fill="none" '
        f'stroke-linecap="round"><path d="{path}"/>'
        f'<path d="M{left[0]:.1f},{left[1]:.1f} L{x1:.1f},{y1:.1f} '
        f'L{right[0]:.1f},{right[1]:.1f}"/></g>'
    )


def polyline(points: list[tuple[float, float]], colour: str, width: float = style.LINE_WIDTH):
    joined = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return (
        f'<polyline points="{joined}" fill="none" stroke="{colour}" stroke-width="{width}" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
    )
