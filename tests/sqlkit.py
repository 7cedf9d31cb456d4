"""Tiny in-memory DuckDB stores for the SQL unit tests (tests/test_sql.py).

``build(enterprises=[...], drills=[...], ...)`` takes each dataset's valid rows as Python dicts
(the dataset's columns of config/datasets.toml without the ``<col>__raw`` ones, plus
``district_code``; bookkeeping columns ``_key``/``_file_id``/``_sheet``/``_row`` are filled in),
loads them as ``valid_<dataset>`` and then runs the package's own SQL exactly as
``safetystats.curate.curate`` does: the rule macros, ``sql/curated/curated_<dataset>.sql`` (or
``curated_default.sql``), then every ``sql/marts/*.sql``. Datasets not given are empty. No file
is read, no expectation suite runs: a store is built in a few milliseconds.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from safetystats import store
from safetystats.config import load_settings, sql_parameters
from safetystats.curate import _curated_sql, marts
from safetystats.ingest.spec import SQL_TYPES, load_specs
from safetystats.metrics import engine
from safetystats.metrics.targets import SCOPE_ATTRIBUTES, Target, metric_definitions, parse_targets
from safetystats.sql import bind

SETTINGS = load_settings()
SPECS = load_specs(SETTINGS)
# every dataset of the settings, the register first (the others read curated_enterprises), as
# curate builds them
DATASETS = sorted(SPECS, key=lambda name: name != "enterprises")
BOOKKEEPING = [
    ("_key", "VARCHAR"),
    ("_file_id", "BIGINT"),
    ("_sheet", "VARCHAR"),
    ("_row", "BIGINT"),
]
# the values curate binds into the curated and mart SQL (the same set as the engine)
CURATE_VALUES = sql_parameters(SETTINGS)


def D(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def valid_columns(dataset: str) -> list[tuple[str, str]]:
    """(name, SQL type) of valid_<dataset>: stored columns without the raw ones, bookkeeping,
    and the resolved district_code."""
    spec = SPECS[dataset]
    cols = [(c.name, SQL_TYPES[c.dtype]) for c in spec.columns]
    return cols + BOOKKEEPING + [("district_code", "VARCHAR")]


def _value(value, sql_type: str):
    if sql_type == "DATE" and isinstance(value, str):
        return D(value)
    return value


def load_valid(con, dataset: str, rows: list[dict], registry: dict[str, str]) -> None:
    """valid_<dataset> from dicts; a row without district_code takes its enterprise's (as the
    valid view does with the register)."""
    cols = valid_columns(dataset)
    names = {n for n, _ in cols}
    key = SPECS[dataset].key
    con.execute(f"DROP TABLE IF EXISTS valid_{dataset}")
    ddl = ", ".join(f'"{n}" {t}' for n, t in cols)
    con.execute(f"CREATE TEMP TABLE valid_{dataset} ({ddl})")
    data = []
    for i, row in enumerate(rows):
        unknown = set(row) - names
        assert not unknown, f"{dataset}: unknown columns {unknown}"
        row = dict(row)
        row.setdefault("_key", "/".join(str(row.get(k)) for k in key))
        row.setdefault("_file_id", 1)
        row.setdefault("_sheet", "")
        row.setdefault("_row", i + 2)
        if "district_code" not in row and row.get("enterprise_id") in registry:
            row["district_code"] = registry[row["enterprise_id"]]
        data.append([_value(row.get(n), t) for n, t in cols])
    if data:
        marks = ", ".join("?" for _ in cols)
        con.executemany(f"INSERT INTO valid_{dataset} VALUES ({marks})", data)


def run(con, text: str, values: dict) -> None:
    con.execute(text, bind(text, values))


def curate_in_memory(con, rows_by_dataset: dict[str, list[dict]]) -> None:
    """The curated tables and marts from valid rows, with the package's SQL."""
    registry = {
        r["enterprise_id"]: r.get("district_code") for r in rows_by_dataset.get("enterprises", [])
    }
    for dataset in DATASETS:
        load_valid(con, dataset, rows_by_dataset.get(dataset, []), registry)
        run(con, _curated_sql(dataset), CURATE_VALUES)
    build_marts(con)


def build_marts(con) -> None:
    marts.build(con, CURATE_VALUES)


def build(**rows_by_dataset: list[dict]) -> duckdb.DuckDBPyConnection:
    """An in-memory store with the bookkeeping tables, the rule macros, curated tables and marts."""
    unknown = set(rows_by_dataset) - set(DATASETS)
    assert not unknown, f"unknown datasets {unknown}"
    con = duckdb.connect()
    store.ensure_bookkeeping(con)
    curate_in_memory(con, rows_by_dataset)
    return con


def target(metric: str, window_start=None, deadline="2099-12-31", **values) -> Target:
    """A target of a metric (a metric id of config/metrics.toml), made from a targets-file entry
    by the package's own parser (so parameters take their defaults): keyword arguments named
    after a scope key (industry, hazchem, high_risk, category, source, level) are scope lists,
    the others the metric's parameters."""
    definition = metric_definitions()[metric]
    scope = {k: v for k, v in values.items() if k in SCOPE_ATTRIBUTES}
    entry = {
        "id": "t",
        "metric": metric,
        "threshold": 0 if definition.get("gap") == "count" else 1,
        "window_start": _value(window_start or "2024-01-01", "DATE"),
        "deadline": _value(deadline, "DATE"),
        "scope": scope,
    } | {k: v for k, v in values.items() if k not in SCOPE_ATTRIBUTES}
    (parsed,) = parse_targets({"targets": [entry]}, "test")
    return parsed


def counts(con, metric: str, window_start, eval_dates, **values) -> dict:
    """{(eval_date, district_code or None for the total): (numerator, denominator)} of a metric
    (an id of config/metrics.toml) through engine.metric_counts, for a target made by
    :func:`target` (scope lists and parameters as keyword arguments); also checks each date has
    at most one total row."""
    frame = engine.metric_counts(
        con,
        target(metric, window_start, **values),
        [_value(d, "DATE") for d in eval_dates],
        SETTINGS,
    )
    assert frame.columns[:5] == [
        "eval_date",
        "district_code",
        "is_total",
        "numerator",
        "denominator",
    ]
    assert set(frame.columns[5:]) <= set(engine.EXTRA_COLUMNS)
    out = {}
    for r in frame.iter_rows(named=True):
        key = (r["eval_date"].isoformat(), None if r["is_total"] else r["district_code"])
        assert key not in out, f"two rows for {key}"
        assert not r["is_total"] or r["district_code"] is None
        out[key] = (r["numerator"], r["denominator"])
    return out


def report(con, name: str, **values) -> list[dict]:
    """The rows of sql/report/<name>.sql run with the engine's defaults."""
    values = {
        k: _value(v, "DATE") if k == "as_of" or k == "window_start" else v
        for k, v in values.items()
    }
    return engine.query(con, f"report/{name}", SETTINGS, **values).to_dicts()
