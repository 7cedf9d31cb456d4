"""On time (DATA_SPEC 8.6): when each unit's returned package and filled template arrived
against ``[reporting] due_day``. ``record_arrival`` notes a marked file at its first ingest;
``reporting_rows`` gives, per unit and month, on time / late by N days / missing."""

from __future__ import annotations

import datetime as dt

import polars as pl

from safetystats.config import Settings
from safetystats.sql import load_sql

DEFAULT_DUE_DAY = 28


def due_date(month: str, due_day: int) -> dt.date:
    """``due_day`` of the month after ``month`` (YYYY-MM), or that month's last day."""
    year, m = (int(p) for p in month.split("-"))
    year, m = (year + 1, 1) if m == 12 else (year, m + 1)
    following = dt.date(year + (m == 12), m % 12 + 1, 1)
    return min(
        dt.date(year, m, 1) + dt.timedelta(days=int(due_day) - 1), following - dt.timedelta(days=1)
    )


def record_arrival(con, facts: dict, file_id: int, now: dt.datetime, settings: Settings) -> None:
    """Note a returned package or filled template of a unit (a template for no unit or no
    period cannot be placed: not noted)."""
    con.execute(load_sql("bookkeeping/arrivals"))
    unit = facts.get("unit_code")
    if facts.get("kind") == "package":
        month, due = (facts.get("as_of") or "")[:7], facts.get("due")
    else:
        month = facts.get("period") or ""
        due = (
            due_date(month, settings.reporting.get("due_day", DEFAULT_DUE_DAY)).isoformat()
            if month
            else None
        )
    if not unit or len(month) != 7 or not due:
        return
    con.execute(
        "INSERT INTO arrivals VALUES ($file_id, $kind, $unit, $month, $due::DATE, $now)",
        {
            "file_id": file_id,
            "kind": facts["kind"],
            "unit": unit,
            "month": month,
            "due": due,
            "now": now,
        },
    )


ON_TIME_SCHEMA = {
    "district_code": pl.String,
    "month": pl.String,
    "kind": pl.String,
    "due": pl.Date,
    "arrived": pl.Date,
    "status": pl.String,
    "days_late": pl.Int64,
}


def on_time(con, unit_codes: list[str], today: dt.date) -> pl.DataFrame:
    """Per unit of ``unit_codes`` × month × kind of return: due, first arrival, status
    (on_time / late / missing / pending as of ``today``) and days late; no rows when nothing
    has ever been returned."""
    from safetystats import store

    has = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'arrivals'"
    ).fetchall()[0][0]
    if not has:
        return pl.DataFrame(schema=ON_TIME_SCHEMA)
    frame = store.fetch_frame(
        con, load_sql("stats/reporting"), {"unit_codes": unit_codes, "today": today}
    )
    return frame.cast(ON_TIME_SCHEMA).select(list(ON_TIME_SCHEMA))


def reporting_rows(
    settings: Settings, as_of=None, district=None, level=None, today: dt.date | None = None
) -> list[dict]:
    """One row per unit of the level (or those named) × month × kind: due, arrived, status,
    days_late (the JSON of ``stats reporting``)."""
    from safetystats import store
    from safetystats.report.runner import chosen_units

    units = chosen_units(settings, district, level)
    names = {u.code: u.name for u in units}
    with store.reader(settings.db) as con:
        frame = on_time(con, list(names), today or dt.date.today())
    return [
        {
            "district_code": r["district_code"],
            "district": names[r["district_code"]],
            "month": r["month"],
            "kind": r["kind"],
            "due": r["due"].isoformat(),
            "arrived": r["arrived"].isoformat() if r["arrived"] else None,
            "status": r["status"],
            "days_late": r["days_late"],
        }  # fmt: skip
        for r in frame.iter_rows(named=True)
    ]
