"""Counts of a target per evaluation date and own unit, rolled up to the places asked for
(a registry unit with its descendants, or the total), with "missing, not false" (DATA_SPEC 6.1):
the units whose ledgers leave a flag blank are unknown and left out of every place above them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import polars as pl


def _exact(x) -> int | Fraction:
    """A count from SQL as an exact number: an int, or a Fraction for a decimal quantity."""
    if x is None:
        return 0
    if isinstance(x, int):
        return x
    f = Fraction(Decimal(str(x)))
    return int(f) if f.denominator == 1 else f


@dataclass(frozen=True)
class Place:
    """A unit of the registry (its records include its descendants') or the total."""

    scope: str  # "district" for a registry unit, "total"
    code: str | None
    name: str
    level: int  # 0 for the total
    parent_code: str | None
    codes: frozenset[str] | None  # the unit and its descendants; None: every record


class Counts:
    """Numerator and denominator per evaluation date and own unit, rolled up to places.

    Missing, not false (DATA_SPEC 6.1): for a target whose condition reads a flag column, a unit
    of the deciding ``level`` or below whose records considered (its subtree's) have none with
    the flag filled is unknown (``at`` gives None); an unknown unit of the deciding level is left
    out of every place above it and of the total."""

    def __init__(self, frame: pl.DataFrame, registry=None, level: int | None = None):
        self.own: dict = {}
        self.total: dict = {}
        self.period_own: dict = {}
        self.period_total: dict = {}
        self.filled_own: dict = {}  # (date, code) -> (considered, filled)
        has_period = "period_numerator" in frame.columns
        has_filled = "considered" in frame.columns
        # a count of a ledger the store does not hold at all: unknown, never 0 (accident_count)
        self.no_ledger = "has_ledger" in frame.columns and not frame["has_ledger"].any()
        for r in frame.iter_rows(named=True):
            nd = (_exact(r["numerator"]), _exact(r["denominator"]))
            period = (
                (int(r["period_numerator"] or 0), int(r["period_denominator"] or 0))
                if has_period
                else None
            )
            if r["is_total"]:
                self.total[r["eval_date"]] = nd
                self.period_total[r["eval_date"]] = period
            else:
                key = (r["eval_date"], r["district_code"])
                self.own[key] = nd
                self.period_own[key] = period
                if has_filled:
                    self.filled_own[key] = (int(r["considered"] or 0), int(r["filled"] or 0))
        self.registry = registry
        self.level = level
        self._unknown: dict = {}

    def _subtree(self, code: str) -> list[str]:
        return [code, *(d.code for d in self.registry.descendants(code))]

    def unknown_units(self, day: dt.date) -> frozenset[str]:
        """Units of the deciding level or below with records considered but no flag filled."""
        if day not in self._unknown:
            out = set()
            if self.filled_own and self.level is not None:
                for unit in self.registry.districts:
                    if unit.level < self.level:
                        continue
                    considered = filled = 0
                    for code in self._subtree(unit.code):
                        c, f = self.filled_own.get((day, code), (0, 0))
                        considered, filled = considered + c, filled + f
                    if considered and not filled:
                        out.add(unit.code)
            self._unknown[day] = frozenset(out)
        return self._unknown[day]

    def _left_out(self, day: dt.date, place: Place) -> set[str]:
        """Own codes under the unknown units of the deciding level not at or below ``place``."""
        out = set()
        for code in self.unknown_units(day):
            unit = self.registry.by_code[code]
            if unit.level == self.level and (place.codes is None or code in place.codes):
                out.update(self._subtree(code))
        return out

    def is_unknown(self, day: dt.date, place: Place) -> bool:
        return self.no_ledger or place.code is not None and place.code in self.unknown_units(day)

    def _sum(self, table: dict, day: dt.date, place: Place, fallback: dict):
        left_out = self._left_out(day, place)
        if place.codes is None:
            first = fallback.get(day) or (0, 0)
            sign, codes = -1, left_out
        else:
            first, sign, codes = (0, 0), 1, place.codes - left_out
        n, d = first
        for code in codes:
            a, b = table.get((day, code)) or (0, 0)
            n, d = n + sign * a, d + sign * b
        return n, d

    def at(self, day: dt.date, place: Place) -> tuple[int, int] | None:
        """A place's counts: the sum over the units of its subtree (counts add up exactly), less
        the unknown units of the deciding level; None when the place itself is unknown."""
        if self.is_unknown(day, place):
            return None
        return self._sum(self.own, day, place, self.total)

    def period_at(self, day: dt.date, place: Place) -> tuple[int, int] | None:
        """(firms whose running period already holds its events, firms with a running period)."""
        if not any(v is not None for v in self.period_total.values()) or self.is_unknown(
            day, place
        ):
            return None
        return self._sum(self.period_own, day, place, self.period_total)
