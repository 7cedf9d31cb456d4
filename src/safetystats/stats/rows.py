"""Rows of a statistic: one per unit (every level, as attainment) and the total × span, each
figure beside its value a year earlier (``prev_``) and its change (DATA_SPEC 6.7, 6.8, 7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from safetystats import store
from safetystats.config import Settings
from safetystats.metrics import engine
from safetystats.metrics.engine import Place
from safetystats.stats.spans import change, span_frame, spans

Key = tuple[str | None, str, str]  # (district_code or None for the total, span, period)


def query(con, name: str, settings: Settings, as_of: dt.date, **values) -> pl.DataFrame:
    """sql/stats/<name>.sql over the registry's tree and the spans of ``as_of`` (the tables
    unit_tree and stat_spans; $as_of and $prev_ytd_start bound: the dates read)."""
    first = spans(as_of)[0].prev_start
    with engine.unit_tree(con, settings), store.registered(con, "stat_spans", span_frame(as_of)):
        return engine.query(
            con, f"stats/{name}", settings, as_of=as_of, prev_ytd_start=first, **values
        )


def ledger_loaded(con, dataset: str) -> bool:
    return bool(store.scalar(con, engine.load_sql("stats/ledger_loaded"), {"dataset": dataset}))


def keyed(frame: pl.DataFrame, breakdown: str = "all") -> dict[Key, dict]:
    """The rows of one breakdown by (district_code, span, period); the total's code is None."""
    rows = frame.filter(pl.col("breakdown") == breakdown).iter_rows(named=True)
    return {
        (None if r["is_total"] else r["district_code"], r["span"], r["period"]): r for r in rows
    }


def span_rows(
    places: list[Place],
    as_of: dt.date,
    counts: dict[Key, dict],
    fields: list[str],
    known: Callable[[Place, str], bool],
) -> list[dict]:
    """For each place and span: the fields of the span and a year earlier (0 when the place
    had no record in it, None when ``known(place, field)`` is false), and their changes."""
    out = []
    for place in places:
        for span in spans(as_of):
            row = {
                "district_code": place.code,
                "district": place.name,
                "level": place.level,
                "parent_code": place.parent_code,
                "span": span.name,
                "start": span.start.isoformat(),
                "end": span.end.isoformat(),
                "prev_start": span.prev_start.isoformat(),
                "prev_end": span.prev_end.isoformat(),
            }
            cur = counts.get((place.code, span.name, "cur"), {})
            prev = counts.get((place.code, span.name, "prev"), {})
            changes = {}
            for field in fields:
                now = before = None
                if known(place, field):
                    now, before = _number(cur.get(field)), _number(prev.get(field))
                row[field], row[f"prev_{field}"] = now, before
                changes[field] = change(now, before)
            row["change"] = changes
            out.append(row)
    return out


def breakdown(frame: pl.DataFrame, column: str, count: str, keys: list[str]) -> dict[Key, dict]:
    """(district_code, span, period) -> {value of ``column``: ``count``} for the rows of that
    breakdown: every key of ``keys`` (0 when absent), then any other value found."""
    out: dict[Key, dict] = {}
    for r in frame.filter(pl.col("breakdown") == column).iter_rows(named=True):
        key = (None if r["is_total"] else r["district_code"], r["span"], r["period"])
        out.setdefault(key, dict.fromkeys(keys, 0))[r[column]] = int(r[count])
    return out


def attach(rows: list[dict], name: str, parts: dict[Key, dict], keys: list[str], known) -> None:
    """Put each row's breakdown (cur and prev_) under ``name`` and ``prev_<name>``."""
    for row in rows:
        for period, field in (("cur", name), ("prev", f"prev_{name}")):
            if not known(row):
                row[field] = None
                continue
            row[field] = parts.get((row["district_code"], row["span"], period)) or dict.fromkeys(
                keys, 0
            )


def _number(value):
    if value is None:
        return 0
    if isinstance(value, float):
        return round(value, 4)
    return int(value)
