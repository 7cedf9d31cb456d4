"""Accident early warnings (DATA_SPEC 6.5, 青岛 若干措施), per unit at every level (from the
accidents of the unit and its descendants) and for the total, at as-of date A:

- ``two_within_60_days``: two accidents d1 ≤ d2 with d2 − d1 < 60 days, d2 in A's year up to A;
- ``yoy_rise_two_months``: in both of the last two complete months, the number of accidents and
  the number of deaths each exceed the same month a year earlier (a rise from 0 counts);
- ``serious_accident``: an accident of level 较大 or worse in A's year up to A (一票否决).

Accidents are few: the rules run on the rows of the unit, in plain Python, readably.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from safetystats.config import Settings
from safetystats.metrics import engine

RULES = ("two_within_60_days", "yoy_rise_two_months", "serious_accident")


@dataclass(frozen=True)
class Accident:
    id: str
    day: dt.date
    level: str
    deaths: int


def last_two_months(as_of: dt.date) -> tuple[tuple[int, int], tuple[int, int]]:
    """(year, month) of m−1 and m: m is A's month when A is its last day, else the month before."""
    last_day = (as_of + dt.timedelta(days=1)).month != as_of.month
    m = (as_of.year, as_of.month) if last_day else _previous((as_of.year, as_of.month))
    return _previous(m), m


def _previous(ym: tuple[int, int]) -> tuple[int, int]:
    year, month = ym
    return (year - 1, 12) if month == 1 else (year, month - 1)


def two_within_60_days(accidents: list[Accident], as_of: dt.date, limits: dict) -> list[Accident]:
    """Every accident of at least one qualifying pair, less than ``window_days`` (60) apart
    (d1 may lie in the year before). In date order, an accident is the later one of a pair when
    the one just before it is near enough and it lies in A's year up to A, and the earlier one
    of a pair when the next such accident after it is near enough: one pass, however many."""
    window = limits["window_days"]
    hits: dict[str, Accident] = {}
    later = None  # the first accident after the current one that lies in A's year up to A
    for i in range(len(accidents) - 1, -1, -1):
        first = accidents[i]
        if later is not None and (later.day - first.day).days < window:
            hits[first.id], hits[later.id] = first, later
        if first.day.year == as_of.year and first.day <= as_of:
            later = first
    return sorted(hits.values(), key=lambda a: (a.day, a.id))


def yoy_rise_two_months(accidents: list[Accident], as_of: dt.date, limits: dict) -> list[Accident]:
    """The accidents of months m−1 and m when both months rose in count and in deaths."""
    months = last_two_months(as_of)
    found = []
    for year, month in months:
        now = [a for a in accidents if (a.day.year, a.day.month) == (year, month)]
        before = [a for a in accidents if (a.day.year, a.day.month) == (year - 1, month)]
        rose = len(now) > len(before) and sum(a.deaths for a in now) > sum(a.deaths for a in before)
        if not rose:
            return []
        found += now
    return found


def serious_accident(accidents: list[Accident], as_of: dt.date, limits: dict) -> list[Accident]:
    """Accidents of a ``serious_levels`` level (较大 or worse) in A's year."""
    serious = limits["serious_levels"]
    return [a for a in accidents if a.level in serious and a.day.year == as_of.year]


CHECKS = {
    "two_within_60_days": two_within_60_days,
    "yoy_rise_two_months": yoy_rise_two_months,
    "serious_accident": serious_accident,
}


@engine._reads_store
def accident_warnings(
    settings: Settings | None = None,
    as_of: dt.date | str | None = None,
    district: list[str] | str | None = None,
    lang: str | None = None,
    con=None,
) -> pl.DataFrame:
    """One row per (unit, rule) triggered: district_code (None for the total), district, level,
    rule, first_date, last_date, accident_ids (DATA_SPEC 6.5)."""
    lang, places, as_of = engine._places(settings, as_of, district, lang, con)
    (year, month), _ = last_two_months(as_of)
    # from the first month compared a year earlier (and at least the year before, for pairs)
    since = min(dt.date(year - 1, month, 1), dt.date(as_of.year - 1, 1, 1))
    frame = engine.query(con, "report/accidents", settings, since=since, as_of=as_of)
    limits = settings.thresholds["accident_warnings"]  # thresholds.toml
    everyone = [  # in date order (report/accidents.sql), as every rule reads them
        Accident(r["accident_id"], r["accident_date"], r["level"], int(r["deaths"]))
        for r in frame.iter_rows(named=True)
    ]
    rows_of: dict[str, list[int]] = {}  # own unit -> its accidents' places in that order
    for i, code in enumerate(frame["district_code"]):
        rows_of.setdefault(code, []).append(i)
    rows = []
    for place in places:
        if place.codes is None:
            accidents = everyone
        else:
            mine = sorted(i for code in place.codes for i in rows_of.get(code, ()))
            accidents = [everyone[i] for i in mine]
        for rule, check in CHECKS.items():
            hits = check(accidents, as_of, limits)
            if hits:
                rows.append(
                    {
                        "district_code": place.code,
                        "district": place.name,
                        "level": place.level,
                        "rule": rule,
                        "first_date": min(a.day for a in hits),
                        "last_date": max(a.day for a in hits),
                        "accident_ids": [a.id for a in hits],
                    }
                )
    return pl.DataFrame(
        rows,
        schema={
            "district_code": pl.String,
            "district": pl.String,
            "level": pl.Int64,
            "rule": pl.String,
            "first_date": pl.Date,
            "last_date": pl.Date,
            "accident_ids": pl.List(pl.String),
        },
    ).with_columns(pl.lit(as_of).alias("as_of"))
