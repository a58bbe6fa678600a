"""Colours on the maps and their legends: a county's name is written in the colour that reads best on its fill.

The contrast of two colours is WCAG 2.x's ratio of their relative luminances, (L1 + 0.05) / (L2 + 0.05), from 1
(the same) to 21 (black on white). A label needs at least 4.5 (WCAG AA for normal text). The page's ink or white is
taken when one of them reaches it; otherwise black or white, whichever is higher, and one of those two always reaches
4.58 (at the luminance where they are equal, √(1.05 × 0.05) − 0.05, both give 4.58), so no fill is left unreadable.
"""

from __future__ import annotations

MIN_CONTRAST = 4.5
INK = "#1f2933"  # the page's text colour (app.css --ink)
WHITE = "#ffffff"
BLACK = "#000000"
MISSING = "#bdbdbd"  # a county with no report for the day (未报送) or no power readings (数据未到): never a colour of data


def _channels(colour: str) -> tuple[float, float, float]:
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    r, g, b = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour ``#rrggbb`` (0 black … 1 white)."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two colours, 1 … 21, the same whichever comes first."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_colour(fill: str) -> str:
    """The colour to write a label in on ``fill``: the page's ink or white when one reaches ``MIN_CONTRAST``
    (the higher of the two), else black or white, whichever is higher (always at least 4.58)."""
    best = max((INK, WHITE), key=lambda c: contrast_ratio(c, fill))
    if contrast_ratio(best, fill) >= MIN_CONTRAST:
        return best
    return max((BLACK, WHITE), key=lambda c: contrast_ratio(c, fill))
