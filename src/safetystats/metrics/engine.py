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
from safetystats.errors import ConfigError
from safetystats.metrics.counts import Counts, Place
from safetystats.metrics.targets import (
    SCOPE_ATTRIBUTES,
    Target,
    load_targets,
    metric_definitions,
)
from safetystats.sql import bind, load_sql


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


UNIT_METRICS = ("event_quota", "activity_frequency")  # metrics whose subjects are registry units


@contextmanager
def target_inputs(con, target: Target, settings: Settings):
    """The tables a target's query reads beside the store: its metric's shared inputs
    (:func:`shared_inputs`) and, for the metrics of UNIT_METRICS, ``unit_tree`` and
    ``target_units(code, quota)`` (the units of its level, or of its quotas file, with their
    quota)."""
    with shared_inputs(con, [target]):
        if target.metric not in UNIT_METRICS:
            yield
            return
        frame = target_units(settings, target)
        with unit_tree(con, settings), store.registered(con, "target_units", frame):
            yield


REGISTER_MADE = "register"  # the comment of a shared table made with the register's columns


def register_scope(con) -> frozenset[str]:
    """The scope keys a target reads from its enterprise's register row: those that are
    columns of the register (industry, hazchem, high_risk)."""
    columns = con.execute(load_sql("store/column_types"), {"table": "curated_enterprises"})
    return frozenset(SCOPE_ATTRIBUTES) & {name for name, _ in columns.fetchall()}


@contextmanager
def shared_inputs(con, targets: list[Target]):
    """The temp tables that the queries of ``targets`` read (metrics.toml ``shared``; e.g.
    ``major_hazards``, which five metrics read) for the block: made once from
    sql/metrics/shared_<name>.sql when the connection does not hold them yet (or holds them
    without the register's columns that a target here scopes on: they are made again, with
    the comment REGISTER_MADE), dropped after by the block that made them: no state beside
    the connection's own tables. Inside, the store does not change: a reader's connection
    sees no writer."""
    keys = register_scope(con) if any(t.scope for t in targets) else frozenset()
    needs: dict[str, bool] = {}
    for t in targets:
        register = any(t.scope.get(key) is not None for key in keys)
        for name in metric_definitions()[t.metric].get("shared", ()):
            needs[name] = needs.get(name, False) or register
    made = []
    try:
        for name, register in sorted(needs.items()):
            held = con.execute(load_sql("store/temp_table_comment"), {"name": name}).fetchall()
            if held and (held[0][0] == REGISTER_MADE or not register):
                continue  # the caller's serves
            if not held:
                made.append(name)
            con.execute(load_sql(f"metrics/shared_{name}"), {"register": register})
            if register:
                mark = load_sql("store/comment_temp_table")
                con.execute(mark.format(name=name, comment=REGISTER_MADE))
        yield
    finally:
        for name in made:
            con.execute(load_sql("store/drop_temp_table").format(name=name))


def target_units(settings: Settings, target: Target) -> pl.DataFrame:
    """(code, quota) of the units a target is about: those of its quotas file (any spelling
    the registry resolves; a unit not in the file has no quota and is left out), else every
    unit of its level with ``quota`` (null for activity_frequency)."""
    registry = settings.registry
    rows = target.parameters.get("quota_rows")
    if rows is None:
        level = decision_level(settings, target)
        quota = target.parameters.get("quota") or None
        rows = [(u.code, quota) for u in registry.units_at(level)]
    else:
        resolved = []
        for name, quota in rows:
            found = registry.resolve_detail(name)
            if found.unit is None:
                raise ConfigError(
                    f"target {target.id}: quotas: {name!r}: {found.message_en} / {found.message_zh}"
                )
            resolved.append((found.unit.code, quota))
        rows = resolved
        codes = {code for code, _ in rows}
        for code, _ in rows:
            inside = [a.name for a in registry.ancestors(code) if a.code in codes]
            if inside:  # its events would count twice
                raise ConfigError(
                    f"target {target.id}: quotas: {registry.by_code[code].name} lies inside "
                    f"{inside[0]}, which has a quota too (one level of units per file)"
                )
    return pl.DataFrame(rows, schema={"code": pl.String, "quota": pl.Int64}, orient="row")


EXTRA_COLUMNS = ("considered", "filled", "period_numerator", "period_denominator", "has_ledger")


def metric_counts(con, target: Target, dates: list[dt.date], settings: Settings) -> pl.DataFrame:
    """(eval_date, district_code, is_total, numerator, denominator) for each evaluation date,
    per own unit (not rolled up) and for the total; then the optional columns of EXTRA_COLUMNS
    the metric's query gives (considered/filled: "missing, not false"; period_*: the running
    period of the period rule), DATA_SPEC 6.1."""
    definition = metric_definitions()[target.metric]
    with target_inputs(con, target, settings):
        frame = query(
            con,
            "metrics/" + definition["sql"],
            settings,
            eval_dates=dates,
            none_supervision=["none"],
            **target.sql_values(),
        )
    numerator = definition.get("numerator", "numerator")
    extra = [c for c in EXTRA_COLUMNS if c in frame.columns]
    return frame.select(
        "eval_date",
        "district_code",
        "is_total",
        pl.col(numerator).alias("numerator"),
        "denominator",
        *extra,
    )


def short_of_events(
    con, settings: Settings, target: Target, as_of: dt.date, district_codes: list[str] | None
) -> pl.DataFrame:
    """在营 enterprises in scope short of an event_frequency target's events at ``as_of`` (at its
    deadline when past): the period that lacks them, the events it had and the number needed."""
    return query(
        con,
        "report/short_of_events",
        settings,
        as_of=target.eval_date(as_of),
        district_codes=district_codes,
        **target.sql_values(),
    )


def gap_count(metric: str, threshold: Fraction, numerator: int, denominator: int) -> int | None:
    """What is still needed to reach the threshold, computed exactly."""
    kind = metric_definitions()[metric]["gap"]
    if kind == "add_both":
        if threshold == 1:
            return 0 if numerator >= denominator else None  # unreachable by adding only
        return max(0, math.ceil((threshold * denominator - numerator) / (1 - threshold)))
    if kind == "count":  # a count that must come down to the threshold
        return max(0, math.ceil(numerator - threshold))
    return max(0, math.ceil(threshold * denominator - numerator))


def projection_date(target: Target, eval_date: dt.date, days: int) -> dt.date:
    """P = max(W, E − ``days``): the start of the recent pace (DATA_SPEC 6.2: 90 days,
    thresholds.toml projection_days)."""
    return max(target.window_start, eval_date - dt.timedelta(days=days))


def projection(
    counts_at_e: tuple[int, int],
    counts_at_p: tuple[int, int],
    eval_date: dt.date,
    earlier_date: dt.date,
    deadline: dt.date,
    is_count: bool = False,
):
    """The value at the deadline D when the counts keep their recent pace: numerator and
    denominator each extrapolated through their values at P and E (DATA_SPEC 6.2),
    x_D = x_E + (x_E − x_P)·(D − E)/(E − P); the share n_D/d_D clipped to [0, 1], a count
    clipped at 0. It equals the value when E = D, E = P or d_D = 0."""
    (n_e, d_e), (n_p, d_p) = counts_at_e, counts_at_p
    value = _value((n_e, d_e), is_count)
    if value is None or eval_date >= deadline or eval_date <= earlier_date:
        return value
    ahead = Fraction((deadline - eval_date).days, (eval_date - earlier_date).days)
    n_d = n_e + (n_e - n_p) * ahead
    if is_count:
        return max(Fraction(0), n_d)
    d_d = d_e + (d_e - d_p) * ahead
    if d_d <= 0:
        return value
    return min(Fraction(1), max(Fraction(0), n_d / d_d))


def status_of(value, projected, threshold, is_count: bool = False) -> str:
    if value is None:
        return "no_data"
    if (value <= threshold) if is_count else (value >= threshold):
        return "met"
    reached = projected is not None and (
        projected <= threshold if is_count else projected >= threshold
    )
    return "on_track" if reached else "behind"


def phase_of(target: Target, as_of: dt.date) -> str:
    """in_force (W ≤ A ≤ D), final (D < A) or not_started (A < W) (DATA_SPEC 6.3)."""
    if as_of < target.window_start:
        return "not_started"
    return "final" if as_of > target.deadline else "in_force"


def _value(nd: tuple[int, int], is_count: bool = False):
    n, d = nd
    if is_count:
        return Fraction(n)
    return Fraction(n, d) if d else None


def _whole(x):
    """A numerator or denominator for the attainment table (whole numbers; a decimal quantity
    of task_progress is shown rounded down, its value and gap stay exact)."""
    return None if x is None else math.floor(x)


def _as_float(x):
    return None if x is None else float(x)


def _reads_store(function):
    """Give the function a read-only store connection when the caller did not pass one."""

    @functools.wraps(function)
    def wrapper(settings=None, as_of=None, district=None, lang=None, con=None):
        settings = settings or load_settings()
        as_of = _as_date(as_of)
        if con is not None:
            return function(settings, as_of, district, lang, con)
        with open_store(settings) as opened:
            return function(settings, as_of, district, lang, opened)

    return wrapper


def _as_date(value) -> dt.date | None:
    """An as-of date given as a date, a datetime or text (2024-06-30)."""
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    from safetystats.normalize import INVALID, clean_text, parse_date

    parsed = parse_date(clean_text(str(value)) or "")
    if parsed is INVALID:
        raise ConfigError(f"as_of {value!r} is not a date (YYYY-MM-DD)")
    return parsed


def _places(settings: Settings, as_of, district, lang, con):
    """(lang, places asked for plus the total, as-of date)."""
    lang = lang or settings.lang
    names = [district] if isinstance(district, str) else district
    return lang, places(settings, names, lang), as_of or latest_event_date(con) or dt.date.today()


def total_name(settings: Settings, lang: str) -> str:
    """The total's name (DATA_SPEC 2.8): ``[registry] total_name``, else derived from the registry."""
    explicit = settings.registry_options.get("total_name")
    registry = settings.registry
    return registry.total_name(explicit) if lang == "zh" else registry.total_name_en(explicit)


def unit_place(settings: Settings, unit) -> Place:
    registry = settings.registry
    codes = frozenset([unit.code, *(d.code for d in registry.descendants(unit.code))])
    return Place("district", unit.code, unit.name, unit.level, unit.parent, codes)


def total_place(settings: Settings, lang: str) -> Place:
    return Place("total", None, total_name(settings, lang), 0, None, None)


def places(settings: Settings, names: list[str] | None, lang: str | None = None) -> list[Place]:
    """Every unit of the registry at every level (or the units named, any spelling the
    registry resolves), then the total."""
    lang = lang or settings.lang
    units = resolve_districts(settings, names)
    return [unit_place(settings, u) for u in units] + [total_place(settings, lang)]


def resolve_districts(settings: Settings, names: list[str] | None) -> list:
    """Registry units for the names given (any spelling the registry resolves, at any level;
    the total's name is left to the caller); every unit when None."""
    registry = settings.registry
    if not names:
        return list(registry.districts)
    totals = {total_name(settings, "zh"), total_name(settings, "en")}
    out = []
    for name in names:
        if name in totals:
            continue
        found = registry.resolve_detail(name)
        if found.unit is None:
            raise ConfigError(f"{name!r}: {found.message_en} / {found.message_zh}")
        if found.unit not in out:
            out.append(found.unit)
    return out


def _rows_for(
    target: Target,
    as_of: dt.date,
    counts: Counts,
    place: Place,
    lang: str,
    projection_days: int | None,
) -> dict:
    """A target's row for one place; its projection starts ``projection_days`` before E (None:
    no projection, and a target not met is behind)."""
    is_count = target.is_count
    e = target.eval_date(as_of)
    nd = counts.at(e, place)
    if nd is None:  # missing, not false: the unit's ledgers leave the flag blank
        n = d = value = projected = None
        status, reason = "no_data", target.missing_reason(lang)
    else:
        n, d = nd
        value = _value((n, d), is_count)
        projected = None
        if projection_days is not None:
            p = projection_date(target, e, projection_days)
            at_p = counts.at(p, place) or (0, 0)
            projected = projection((n, d), at_p, e, p, target.deadline, is_count)
        status, reason = status_of(value, projected, target.threshold, is_count), None
    period = counts.period_at(e, place)
    return {
        "scope": place.scope,
        "district_code": place.code,
        "district": place.name,
        "level": place.level,
        "parent_code": place.parent_code,
        "target_id": target.id,
        "metric": target.metric,
        "kind": "count" if is_count else "share",
        "name": target.name(lang),
        "phase": phase_of(target, as_of),
        "value": _as_float(value),
        "threshold": float(target.threshold),
        "numerator": _whole(n),
        "denominator": None if is_count else _whole(d),
        "status": status,
        "gap_count": None
        if status == "no_data"
        else gap_count(target.metric, target.threshold, n, d),
        "projected": _as_float(projected),
        "window_start": target.window_start,
        "deadline": target.deadline,
        "eval_date": e,
        "reason": reason,
        "period_numerator": None if not period or not period[1] else period[0],
        "period_denominator": None if not period or not period[1] else period[1],
    }


def target_counts(con, target: Target, dates: list[dt.date], settings: Settings) -> Counts:
    """A target's counts at the dates, with the registry and the deciding level of "missing,
    not false" (DATA_SPEC 6.1) when its condition reads a flag."""
    frame = metric_counts(con, target, dates, settings)
    level = decision_level(settings, target) if target.flags else None
    return Counts(frame, settings.registry, level)


def decision_level(settings: Settings, target: Target) -> int:
    """The target's ``level``, else the level below the top (the top itself in a one-level
    registry)."""
    levels = settings.registry.levels()
    wanted = target.parameters.get("level") or 0
    if wanted and wanted not in levels:
        raise ConfigError(
            f"target {target.id}: level {wanted}: the registry has levels "
            f"{', '.join(map(str, levels))} (1: the top units)"
        )
    if wanted:
        return wanted
    return levels[1] if len(levels) > 1 else levels[0]


@_reads_store
def attainment(
    settings: Settings | None = None,
    as_of: dt.date | str | None = None,
    district: list[str] | str | None = None,
    lang: str | None = None,
    con=None,
) -> pl.DataFrame:
    """One row per target in force or final at ``as_of`` and per unit (every registry unit
    at every level, also one without data, or the units named) plus one total row per target:
    level, parent_code, phase, value, threshold, numerator, denominator, status, gap_count,
    projected (fractions as floats), window_start, deadline, eval_date. A unit's counts
    include its descendants'; gaps and statuses come from each unit's own counts.

    >>> attainment(as_of="2024-12-31", district="环翠区")
    """
    lang, where, as_of = _places(settings, as_of, district, lang, con)
    return attainment_of(settings, as_of, where, lang, con, projections=True)


def attainment_of(
    settings: Settings, as_of: dt.date, where: list[Place], lang: str, con, projections: bool
) -> pl.DataFrame:
    """:func:`attainment` for the places given; without ``projections`` the counts are taken at
    E alone (what a score needs): no projection, and a target not met is behind."""
    days = settings.thresholds["projection_days"] if projections else None
    rows = []
    targets = [t for t in load_targets(settings.targets) if phase_of(t, as_of) != "not_started"]
    with shared_inputs(con, targets):
        for target in targets:
            e = target.eval_date(as_of)
            dates = [e] if days is None else [e, projection_date(target, e, days)]
            counts = target_counts(con, target, dates, settings)
            rows += [_rows_for(target, as_of, counts, place, lang, days) for place in where]
    return pl.DataFrame(
        rows,
        schema=ATTAINMENT_SCHEMA,
    ).with_columns(pl.lit(as_of).alias("as_of"))


ATTAINMENT_SCHEMA = {
    "scope": pl.String,
    "district_code": pl.String,
    "district": pl.String,
    "level": pl.Int64,
    "parent_code": pl.String,
    "target_id": pl.String,
    "metric": pl.String,
    "kind": pl.String,
    "name": pl.String,
    "phase": pl.String,
    "value": pl.Float64,
    "threshold": pl.Float64,
    "numerator": pl.Int64,
    "denominator": pl.Int64,
    "status": pl.String,
    "gap_count": pl.Int64,
    "projected": pl.Float64,
    "window_start": pl.Date,
    "deadline": pl.Date,
    "eval_date": pl.Date,
    "reason": pl.String,  # why a target is no_data beyond a zero denominator (missing, not false)
    "period_numerator": pl.Int64,  # event_frequency: 本期已完成 x/y of the running period
    "period_denominator": pl.Int64,
}


@contextmanager
def unit_tree(con, settings: Settings):
    """The registry's tree as a table ``unit_tree(code, ancestor)`` (every unit with itself and
    each of its ancestors) for queries that roll records up to every level."""
    registry = settings.registry
    pairs = [(u.code, u.code) for u in registry.districts] + [
        (u.code, a.code) for u in registry.districts for a in registry.ancestors(u.code)
    ]
    frame = pl.DataFrame(pairs, schema={"code": pl.String, "ancestor": pl.String}, orient="row")
    with store.registered(con, "unit_tree", frame):
        yield


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
    lang, where, as_of = _places(settings, as_of, district, lang, con)
    rows = []
    targets = [t for t in load_targets(settings.targets) if phase_of(t, as_of) != "not_started"]
    with shared_inputs(con, targets):
        for target in targets:
            e = target.eval_date(as_of)
            dates = [d for d in month_ends(target.window_start, e)] + [e]
            dates = sorted(set(d for d in dates if d >= target.window_start))
            counts = target_counts(con, target, dates, settings)
            rows += _series_rows(target, counts, where, dates, lang)
    return pl.DataFrame(
        rows,
        schema_overrides={
            "value": pl.Float64,
            "district_code": pl.String,
            "numerator": pl.Int64,
            "denominator": pl.Int64,
        },
    )


def _series_rows(target: Target, counts: Counts, where: list[Place], dates, lang: str) -> list:
    """A target's rows of :func:`monthly_series`: each place at each date."""
    rows = []
    for place in where:
        for day in dates:
            n, d = counts.at(day, place) or (None, None)
            rows.append(
                {
                    "target_id": target.id,
                    "name": target.name(lang),
                    "scope": place.scope,
                    "district_code": place.code,
                    "district": place.name,
                    "date": day,
                    "value": None if n is None else _as_float(_value((n, d), target.is_count)),
                    "numerator": _whole(n),
                    "denominator": _whole(d),
                    "threshold": float(target.threshold),
                }
            )
    return rows


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
    lang, where, as_of = _places(settings, as_of, district, lang, con)
    with unit_tree(con, settings):
        frame = store.fetch_frame(
            con, load_sql("report/hazard_figures"), {"as_of": as_of, "none_supervision": ["none"]}
        )
    by = {(None if r["is_total"] else r["district_code"]): r for r in frame.iter_rows(named=True)}
    rows = []
    for place in where:
        scope, code, name = place.scope, place.code, place.name
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


def _by_place(frame: pl.DataFrame, where: list[Place]) -> pl.DataFrame:
    """Rows of a rolled-up report (district_code, is_total) for the places asked, with names."""
    names = pl.DataFrame(
        {
            "district_code": [p.code or "" for p in where],
            "district": [p.name for p in where],
            "level": [p.level for p in where],
        },
        schema={"district_code": pl.String, "district": pl.String, "level": pl.Int64},
    )
    keyed = frame.with_columns(pl.col("district_code").fill_null(""))
    out = keyed.join(names, on="district_code", how="inner").with_columns(
        pl.when(pl.col("is_total"))
        .then(None)
        .otherwise(pl.col("district_code"))
        .alias("district_code")
    )
    return out.drop("is_total")


@_reads_store
def hazard_statistics(
    settings: Settings | None = None,
    as_of: dt.date | str | None = None,
    district: list[str] | str | None = None,
    lang: str | None = None,
    con=None,
) -> pl.DataFrame:
    """Hazards found in A's calendar year up to A, per unit by industry (breakdown 'industry')
    and by source and level (breakdown 'source_level'): found, rectified, open, overdue (6.4)."""
    lang, where, as_of = _places(settings, as_of, district, lang, con)
    with unit_tree(con, settings):
        frame = query(con, "report/hazard_statistics", settings, as_of=as_of)
    return _by_place(frame, where)


@_reads_store
def data_freshness(
    settings: Settings | None = None,
    as_of: dt.date | str | None = None,
    district: list[str] | str | None = None,
    lang: str | None = None,
    con=None,
) -> pl.DataFrame:
    """Per unit and dataset: the latest record date up to A, the days since, and ``stale``
    when a hazard or drill ledger's latest record is more than ``stale_days`` (thresholds.toml,
    45) days before A (6.4)."""
    lang, where, as_of = _places(settings, as_of, district, lang, con)
    with unit_tree(con, settings):
        frame = query(con, "report/data_freshness", settings, as_of=as_of)
    days = (pl.lit(as_of) - pl.col("latest")).dt.total_days()
    limits = settings.thresholds
    stale = pl.col("dataset").is_in(limits["stale_datasets"]) & (days > limits["stale_days"])
    return _by_place(frame, where).with_columns(days.alias("days_since"), stale.alias("stale"))
