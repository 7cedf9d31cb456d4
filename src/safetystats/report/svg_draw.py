"""The small drawing kit of the static print charts (report/svg_charts.py): SVG elements as
text, text widths estimated for the page's fonts, axis scales and their ticks.

No browser and no image library: a chart is a few hundred elements written in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from html import escape

INK = "#2a3f5f"  # plotly_white's text
GRID = "#ebf0f8"  # plotly_white's grid and zero lines
COLOURWAY = ("#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3")
DASHES = {"dash": "9,6", "dot": "2,4", "dashdot": "9,4,2,4", "longdash": "15,6"}
_TAG = re.compile(r"<[^>]+>")
_EPOCH = dt.date(1970, 1, 1)


def attrs(**values) -> str:
    """XML attributes from keywords (``class_`` for class, ``_`` for ``-``); None is left out."""
    out = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.1f}".rstrip("0").rstrip(".")
        out.append(f'{key.rstrip("_").replace("_", "-")}="{escape(str(value))}"')
    return " ".join(out)


def element(name: str, **values) -> str:
    return f"<{name} {attrs(**values)}/>"


def text_width(text: str, size: float) -> float:
    """The width of ``text`` in CSS pixels in a CJK sans-serif: a Chinese character is one em,
    a digit or Latin letter a little over half."""
    width = 0.0
    for ch in text:
        if ord(ch) >= 0x2E80 or ch in "%—":
            width += 1.0 if ord(ch) >= 0x2E80 else 0.8
        elif ch in "il.,:;|!'1 ()":
            width += 0.35
        else:
            width += 0.58
    return width * size


def lines_of(markup: str) -> list[tuple[str, bool]]:
    """plotly's text markup as lines: (plain text, set smaller as <sub>)."""
    return [
        (_TAG.sub("", part).strip(), "<sub>" in part)
        for part in re.split(r"<br\s*/?>", markup or "")
        if _TAG.sub("", part).strip()
    ]


def label(x, y, text, size, anchor="start", colour=INK, weight=None, baseline="middle") -> str:
    """One line of text at (x, y); ``baseline``: where ``y`` sits on the text (middle, hanging
    from its top, alphabetic)."""
    place = attrs(
        x=float(x),
        y=float(y),
        font_size=float(size),
        fill=colour,
        text_anchor=None if anchor == "start" else anchor,
        font_weight=weight,
        dominant_baseline={"middle": "central", "hanging": "hanging"}.get(baseline),
    )
    return f"<text {place}>{escape(text)}</text>"


def as_number(value) -> float | None:
    """A value on an axis as a number: dates as days since 1970 (plotly's date axes)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1970, 1, 1)).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - _EPOCH).days)
    if isinstance(value, str):
        try:
            return as_number(dt.datetime.fromisoformat(value.replace(" ", "T")))
        except ValueError:
            return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return float(value)


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Ticks at 1, 2 or 5 × a power of ten, at most ``most`` over [low, high]."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def tick_text(value: float, suffix: str = "") -> str:
    text = f"{value:.10g}" if abs(value) < 1e15 else f"{value:.3g}"
    return text + suffix


class Scale:
    """An axis as a map from data to pixels: ``lo``..``hi`` of the data onto ``start``..``end``
    of the drawing (``end`` < ``start`` for a y axis, whose pixels grow downwards).
    Categories are numbered 0, 1, ... in order."""

    def __init__(self, kind: str, lo: float, hi: float, start: float, end: float, cats=()):
        self.kind, self.lo, self.hi, self.start, self.end = kind, lo, hi, start, end
        self.categories = {c: i for i, c in enumerate(cats)}

    def value(self, v) -> float | None:
        if self.kind == "category":
            return None if v is None else self.categories.get(v)
        return as_number(v)

    def __call__(self, v) -> float | None:
        number = self.value(v)
        return None if number is None else self.at(number)

    def at(self, number: float) -> float:
        """The pixel of a position already in the axis's units (a category's number, days)."""
        return self.start + (number - self.lo) / (self.hi - self.lo) * (self.end - self.start)

    @property
    def pixels_per_unit(self) -> float:
        return abs(self.end - self.start) / abs(self.hi - self.lo)
