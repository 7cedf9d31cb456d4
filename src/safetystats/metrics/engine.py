"""Attainment of every target, per district and for the whole city, as of any date.

Counts come from one SQL file per metric (sql/metrics/) over the curated store, opened
read-only: nothing here writes, and a store that changed since its last validation is
refused with a message (run `safetystats validate`, or any CLI command that reads);
values, gaps and projections are computed here with exact fractions (DATA_SPEC section 6).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from contextlib import contextmanager
from fractions import Fraction

import polars as pl

from safetystats import store
from safetystats.config import Settings, load_settings, sql_parameters
from safetystats.metrics.targets import Target, load_targets, metric_definitions
from safetystats.sql import bind, load_sql

PROJECTION_DAYS = 90


@contextmanager
def open_store(settings: Settings | None = None):
    """A read-only connection to the curated store. Raises StoreNotReadyError when the store
    changed since it was last validated, StoreBusyError while a writer is at work."""
    settings = settings or load_settings()
    with store.reader(settings.db) as con:
        yield con


def latest_event_date(con) -> dt.date | None:
    return con.execute(load_sql("metrics/latest_event_date")).fetchall()[0][0]


def query(con, name: str, settings: Settings, **values) -> pl.DataFrame:
    """Run sql/<name>.sql (e.g. "report/provenance"), binding the named parameters it uses
    from ``values`` and, for the rest, from the settings (:func:`sql_parameters`)."""
    sql = load_sql(name)
    return store.fetch_frame(con, sql, bind(sql, sql_parameters(settings) | values))


def metric_counts(con, target: Target, dates: list[dt.date], settings: Settings) -> pl.DataFrame:
    """(eval_date, district_code, is_total, numerator, denominator) for each evaluation date."""
    return query(
        con,
        "metrics/" + metric_definitions()[target.metric]["sql"],
        settings,
        window_start=target.window_start,
        eval_dates=dates,
        industry=target.scope.get("industry"),
        hazchem=target.scope.get("hazchem"),
        high_risk=target.scope.get("high_risk"),
    )


def gap_count(metric: str, threshold: Fraction, numerator: int, denominator: int) -> int | None:
    """What is still needed to reach the threshold, computed exactly."""
    kind = metric_definitions()[metric]["gap"]
    if kind == "add_both":
        if threshold == 1:
            return 0 if numerator >= denominator else None  # unreachable by adding only
        return max(0, math.ceil((threshold * denominator - numerator) / (1 - threshold)))
    return max(0, math.ceil(threshold * denominator - numerator))


def projection(
    value: Fraction | None, earlier: Fraction | None, eval_date: dt.date, deadline: dt.date
):
    """The value at the deadline, extrapolated linearly through the values at E - 90 days and E."""
    if value is None:
        return None
    if eval_date >= deadline or earlier is None:
        return value
    slope = (value - earlier) / PROJECTION_DAYS
    return min(Fraction(1), max(Fraction(0), value + slope * (deadline - eval_date).days))


def status_of(value, projected, threshold) -> str:
    if value is None:
        return "no_data"
    if value >= threshold:
        return "met"
    return "on_track" if projected is not None and projected >= threshold else "behind"


def _lookup(counts: pl.DataFrame) -> dict:
    return {
        (r["eval_date"], None if r["is_total"] else r["district_code"]): (
            int(r["numerator"]),
            int(r["denominator"]),
        )
        for r in counts.iter_rows(named=True)
    }


def _fraction(nd):
    n, d = nd
    return Fraction(n, d) if d else None


def _as_float(x):
    return None if x is None else float(x)


def _reads_store(function):
    """Give the function a validated store connection when the caller did not pass one."""

    @functools.wraps(function)
    def wrapper(settings=None, as_of=None, district=None, lang=None, con=None):
        settings = settings or load_settings()
        if con is not None:
            return function(settings, as_of, district, lang, con)
        with open_store(settings) as opened:
            return function(settings, as_of, district, lang, opened)

    return wrapper


def _places(settings: Settings, as_of, district, lang, con):
    """(lang, [(scope, district_code, name)] of the districts asked for plus the total, as-of date)."""
    lang = lang or settings.lang
    names = [district] if isinstance(district, str) else district
    districts = resolve_districts(settings, names)
    places = [("district", d.code, d.name) for d in districts] + [
        ("total", None, total_name(settings, lang))
    ]
    return lang, places, as_of or latest_event_date(con) or dt.date.today()


def total_name(settings: Settings, lang: str) -> str:
    """The total's name (DATA_SPEC 2.8): ``[registry] total_name``, else derived from the registry."""
    explicit = settings.registry_options.get("total_name")
    registry = settings.registry
    return registry.total_name(explicit) if lang == "zh" else registry.total_name_en(explicit)


def resolve_districts(settings: Settings, names: list[str] | None) -> list:
    """Registry districts for the names given (any spelling the registry resolves); all when None."""
    from safetystats.config import ConfigError

    registry = settings.registry
    if not names:
        return list(registry.districts)
    out = []
    for name in names:
        d = registry.resolve(name)
        if d is None:
            raise ConfigError(f"unknown district {name!r} (known: {', '.join(registry.names())})")
        if d not in out:
            out.append(d)
    return out


@_reads_store
def attainment(
    settings: Settings | None = None,
    as_of: dt.date | None = None,
    district: list[str] | str | None = None,
    lang: str | None = None,
    con=None,
) -> pl.DataFrame:
    """One row per target and district (every registry district, also one without data) plus
    one total row per target ("全市"), with value, threshold, numerator, denominator, status,
    gap_count, projected (all fractions as floats), window_start, deadline, eval_date.

    >>> attainment(as_of=date(2024, 12, 31), district="环翠区").to_pandas()
    """
    lang, places, as_of = _places(settings, as_of, district, lang, con)
    rows = []
    for target in load_targets(settings.targets):
        e = target.eval_date(as_of)
        earlier_date = e - dt.timedelta(days=PROJECTION_DAYS)
        counts = _lookup(metric_counts(con, target, [e, earlier_date], settings))
        for scope, code, name in places:
            n, d = counts.get((e, code), (0, 0))
            value = _fraction((n, d))
            earlier = _fraction(counts.get((earlier_date, code), (0, 0)))
            projected = projection(value, earlier, e, target.deadline)
            status = status_of(value, projected, target.threshold)
            rows.append(
                {
                    "scope": scope,
                    "district_code": code,
                    "district": name,
                    "target_id": target.id,
                    "metric": target.metric,
                    "name": target.name(lang),
                    "value": _as_float(value),
                    "threshold": float(target.threshold),
                    "numerator": n,
                    "denominator": d,
                    "status": status,
                    "gap_count": None
                    if status == "no_data"
                    else gap_count(target.metric, target.threshold, n, d),
                    "projected": _as_float(projected),
                    "window_start": target.window_start,
                    "deadline": target.deadline,
                    "eval_date": e,
                }
            )
    return pl.DataFrame(
        rows,
        schema_overrides={
            "value": pl.Float64,
            "projected": pl.Float64,
            "gap_count": pl.Int64,
            "district_code": pl.String,
        },
    ).with_columns(pl.lit(as_of).alias("as_of"))


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    out, year, month = [], start.year, start.month
    while True:
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        last = nxt - dt.timedelta(days=1)
        if last > end:
            break
        out.append(last)
        year, month = nxt.year, nxt.month
    return out


@_reads_store
def monthly_series(
    settings: Settings | None = None,
    as_of: dt.date | None = None,
    district: list[str] | str | None = None,
    lang: str | None = None,
    con=None,
) -> pl.DataFrame:
    """Each target's value at every month end of its window up to E (and at E itself), per
    district and total: target_id, scope, district_code, district, date, value, threshold."""
    lang, places, as_of = _places(settings, as_of, district, lang, con)
    rows = []
    for target in load_targets(settings.targets):
        e = target.eval_date(as_of)
        dates = [d for d in month_ends(target.window_start, e)] + [e]
        dates = sorted(set(d for d in dates if d >= target.window_start))
        counts = _lookup(metric_counts(con, target, dates, settings))
        for scope, code, name in places:
            for day in dates:
                n, d = counts.get((day, code), (0, 0))
                rows.append(
                    {
                        "target_id": target.id,
                        "name": target.name(lang),
                        "scope": scope,
                        "district_code": code,
                        "district": name,
                        "date": day,
                        "value": _as_float(_fraction((n, d))),
                        "numerator": n,
                        "denominator": d,
                        "threshold": float(target.threshold),
                    }
                )
    return pl.DataFrame(rows, schema_overrides={"value": pl.Float64, "district_code": pl.String})


@_reads_store
def hazard_figures(
    settings: Settings | None = None,
    as_of: dt.date | None = None,
    district: list[str] | str | None = None,
    lang: str | None = None,
    con=None,
) -> pl.DataFrame:
    """Major hazards open and overdue, on-time rectification rate, median days to rectify, open
    hazards under 挂牌督办 and the 五落实 completeness of open major hazards, per district and total."""
    lang, places, as_of = _places(settings, as_of, district, lang, con)
    frame = store.fetch_frame(
        con, load_sql("report/hazard_figures"), {"as_of": as_of, "none_supervision": ["none"]}
    )
    by = {(None if r["is_total"] else r["district_code"]): r for r in frame.iter_rows(named=True)}
    rows = []
    for scope, code, name in places:
        r = by.get(code, {})

        def get(key: str, r: dict = r) -> int:
            return int(r.get(key) or 0)

        with_deadline, open_major = get("rectified_with_deadline"), get("major_open")
        median = r.get("median_days_to_rectify")
        rows.append(
            {
                "scope": scope,
                "district_code": code,
                "district": name,
                "as_of": as_of,
                "major_found": get("major_found"),
                "major_open": open_major,
                "major_overdue": get("major_overdue"),
                "open_all": get("open_all"),
                "overdue_all": get("overdue_all"),
                "on_time_rate": get("rectified_on_time") / with_deadline if with_deadline else None,
                "median_days_to_rectify": None if median is None else float(median),
                "open_supervised": get("open_supervised"),
                "five_complete_rate": get("major_open_five_complete") / open_major
                if open_major
                else None,
            }
        )
    return pl.DataFrame(
        rows,
        schema_overrides={
            "on_time_rate": pl.Float64,
            "median_days_to_rectify": pl.Float64,
            "five_complete_rate": pl.Float64,
            "district_code": pl.String,
        },
    )
