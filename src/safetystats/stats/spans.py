"""The spans of the statistics (DATA_SPEC 6.7, 6.8) and their year-on-year change (同比).

At as-of A there are two spans, the year to date (January 1 to A) and the month of A (its
first day to A), each compared with the same span a year earlier, where A − 1 year maps
February 29 to February 28. The change is the difference and the percentage
(cur − prev) / prev with one decimal, rounded half away from zero; prev = 0 with cur > 0 is
"新增" (no percentage), both 0 is "持平".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import polars as pl

SPANS = ("ytd", "month")
NEW, FLAT, UP, DOWN = "新增", "持平", "上升", "下降"


def year_earlier(day: dt.date) -> dt.date:
    """The same day a year earlier; February 29 maps to February 28."""
    if (day.month, day.day) == (2, 29):
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class Span:
    name: str  # ytd, month
    start: dt.date
    end: dt.date
    prev_start: dt.date
    prev_end: dt.date


def spans(as_of: dt.date) -> list[Span]:
    """The year to date and the month of A, with the spans a year earlier."""
    before = year_earlier(as_of)
    return [
        Span("ytd", as_of.replace(month=1, day=1), as_of, before.replace(month=1, day=1), before),
        Span("month", as_of.replace(day=1), as_of, before.replace(day=1), before),
    ]


def span_frame(as_of: dt.date) -> pl.DataFrame:
    """The spans as the table ``stat_spans(span, period, start_date, end_date)`` that the
    statistics' SQL reads; period is cur or prev (a year earlier)."""
    rows = []
    for s in spans(as_of):
        rows += [(s.name, "cur", s.start, s.end), (s.name, "prev", s.prev_start, s.prev_end)]
    schema = {"span": pl.String, "period": pl.String, "start_date": pl.Date, "end_date": pl.Date}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _exact(x) -> Fraction:
    return Fraction(Decimal(str(x))) if isinstance(x, float) else Fraction(x)


def round_half_away(x: Fraction, digits: int = 1) -> float:
    """x rounded to ``digits`` decimals, halves away from zero (2.25 -> 2.3, -2.25 -> -2.3)."""
    scaled = abs(x) * 10**digits
    whole = math.floor(scaled + Fraction(1, 2))
    return math.copysign(whole / 10**digits, x) if whole else 0.0


def change(cur, prev) -> dict | None:
    """{difference, percent, trend} of a figure against a year earlier; None when either is
    unknown ("—"). percent is None for 新增 and 持平 (both 0)."""
    if cur is None or prev is None:
        return None
    now, before = _exact(cur), _exact(prev)
    difference = now - before
    if before == 0:
        trend = FLAT if now == 0 else NEW
        percent = None
    else:
        percent = round_half_away(difference / before * 100)
        trend = UP if difference > 0 else DOWN if difference < 0 else FLAT
    number = int(difference) if difference.denominator == 1 else round(float(difference), 4)
    return {"difference": number, "percent": percent, "trend": trend}


def change_text(c: dict | None) -> str:
    """同比 as a sentence uses it: 上升20.0%, 下降18.8%, 新增, 持平; "—" when unknown."""
    if c is None:
        return "—"
    if c["percent"] is None or c["trend"] == FLAT:
        return c["trend"]
    return f"{c['trend']}{abs(c['percent']):.1f}%"
