"""The quarantine (DATA_SPEC 5): the rows held at ingestion, the suites' failures and the
cross-dataset checks' findings put in one shape with their messages, and saved."""

from __future__ import annotations

import polars as pl

from safetystats import store
from safetystats.config import Settings, labels_for
from safetystats.ingest.spec import DatasetSpec
from safetystats.sql import load_sql

QUARANTINE_COLUMNS = [
    "dataset",
    "record_key",
    "file_id",
    "file_name",
    "sheet",
    "row_no",
    "column_name",
    "raw_value",
    "rule_id",
    "severity",
    "message_zh",
    "message_en",
    "source",
    "dataset_zh",
    "rule_zh",
    "severity_zh",
]


def as_quarantine(frame: pl.DataFrame, value: pl.Expr, source: str) -> pl.DataFrame:
    """Failures with their location (file, sheet, row) in the quarantine's column order."""
    for extra in ("detail", "detail_en", "held_district", "expectation"):
        if extra not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(extra))
    return frame.select(
        "expectation",
        "detail",
        "detail_en",
        "held_district",
        "dataset",
        pl.col("_key").alias("record_key"),
        pl.col("_file_id").alias("file_id"),
        pl.col("_file_name").alias("file_name"),
        pl.col("_sheet").alias("sheet"),
        pl.col("_row").alias("row_no"),
        "column_name",
        value.alias("raw_value"),
        "rule_id",
        pl.lit(source).alias("source"),
    )


def _messages(
    frame: pl.DataFrame, settings: Settings, specs: dict[str, DatasetSpec]
) -> pl.DataFrame:
    rules = settings.rules
    labels = {(n, c.name): c.headers[0] for n, s in specs.items() for c in s.columns}
    zh, en, sev = [], [], []
    for dataset, rule, column, value, detail, detail_en in frame.select(
        "dataset", "rule_id", "column_name", "raw_value", "detail", "detail_en"
    ).iter_rows():
        r = rules[rule]
        fill = {
            "column": column or "",
            "value": "" if value is None else value,
            "detail": detail or "",
            "detail_en": detail_en or detail or "",
        }
        zh.append(
            r["zh"].format(**(fill | {"column": labels.get((dataset, column), column or "")}))
        )
        en.append(r["en"].format(**fill))
        sev.append(r["severity"])
    datasets_zh = {n: s.label_zh for n, s in specs.items()}
    severity_zh = labels_for(settings, "zh")["severity"]
    return frame.with_columns(
        pl.Series("severity", sev, pl.String),
        pl.Series("message_zh", zh, pl.String),
        pl.Series("message_en", en, pl.String),
        pl.col("dataset").replace_strict(datasets_zh, default=None).alias("dataset_zh"),
        pl.col("rule_id")
        .replace_strict({r: v["title"] for r, v in rules.items()})
        .alias("rule_zh"),
        pl.Series("severity_zh", [severity_zh[v] for v in sev], pl.String),
    )


def assemble(
    parts: list[pl.DataFrame], settings: Settings, specs: dict[str, DatasetSpec]
) -> pl.DataFrame:
    """One quarantine frame from the parts (held rows, suite failures, check findings), with
    the messages of each rule, in the order the report lists them."""
    quarantine = pl.concat(
        [r.cast({"file_id": pl.Int64, "row_no": pl.Int64}) for r in parts],
        how="diagonal_relaxed",
    )
    return (
        _messages(quarantine, settings, specs)
        .select(QUARANTINE_COLUMNS + ["held_district"])
        .sort("dataset", "file_name", "sheet", "row_no", "rule_id", "column_name", nulls_last=True)
    )


def save(con, quarantine: pl.DataFrame, compare: bool) -> pl.DataFrame:
    """Replace the store's quarantine (inside the caller's transaction) and return it as
    stored, with each row's unit and header. ``compare``: note the rows whose errors changed
    since the errors_before taken at the start (for curate)."""
    con.execute(load_sql("checks/_quarantine_clear"))
    with store.registered(con, "q_new", quarantine):
        con.execute(load_sql("checks/_record_units"))
        con.execute(load_sql("checks/_quarantine_fill"))
    stored = store.fetch_frame(con, load_sql("checks/_quarantine_sorted"))
    if compare:
        con.execute(load_sql("checks/_quarantine_changed"))
    return stored
