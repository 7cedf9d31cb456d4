"""One number format for every output (CLI table, CSV, xlsx, HTML, PDF; DATA_SPEC 8.1):
percentages with one decimal, rounded down, so 99.96% shows 99.9% and a target shows
100.0% or 40.0% only when it is met."""

from __future__ import annotations

import math

MISSING = "—"


def truncated_percent(value: float | None, digits: int = 1) -> float | None:
    """The percentage, rounded down to ``digits`` decimals (for charts and spreadsheets)."""
    if value is None:
        return None
    scale = 10 ** (digits + 2)
    return math.floor(value * scale + 1e-9) / 10**digits


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage text, rounded down: 0.9996 -> '99.9%'; None -> '—'."""
    shown = truncated_percent(value, digits)
    return MISSING if shown is None else f"{shown:.{digits}f}%"


def figure(value: float | None, kind: str = "share", digits: int = 1) -> str:
    """A target's value as shown: a share as a percentage rounded down, a count as a number."""
    if kind == "count":
        return MISSING if value is None else f"{int(value):,}"
    return percent(value, digits)


def counts(numerator: int | None, denominator: int | None, missing: str = MISSING) -> str:
    """What a figure counts: numerator/denominator of a share, the count alone for a count;
    ``missing`` (— or the reason) when the ledgers give no count (missing, not false)."""
    if numerator is None:
        return missing
    if denominator is None:
        return f"{numerator:,}"
    return f"{numerator:,}/{denominator:,}"
