"""validate: the expectation suites and the cross-dataset checks over the whole store
(DATA_SPEC sections 4 and 5). Loads the staged rows, finds the rows that break a rule, and
saves the quarantine table and the report files. Curated tables are the next layer's."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from safetystats import store
from safetystats.config import Settings
from safetystats.ingest import staging
from safetystats.ingest.spec import DatasetSpec, load_specs
from safetystats.sql import bind, load_sql, names_in
from safetystats.validate.suites import INGESTED_ON, ROW_ID, columns_used, expectation_specs

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

log = logging.getLogger(__name__)
# files of sql/checks/ that are not a rule of their own
NOT_RULES = ("records", "locate", "registered", "held", "summary")
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
]


@dataclass
class DatasetSummary:
    dataset: str
    label_zh: str
    rows_checked: int = 0
    rows_held: int = 0
    errors: int = 0
    warnings: int = 0
    rows_quarantined: int = 0
    rows_valid: int = 0

    @property
    def status(self) -> str:
        if self.rows_quarantined or self.rows_held:
            return "quarantined"
        return "warnings" if self.warnings else "passed"


@dataclass
class ValidationResult:
    datasets: list[DatasetSummary]
    expectations: list[dict] = field(default_factory=list)
    validated_at: str = ""

    def as_frame(self) -> pl.DataFrame:
        return pl.DataFrame([{**d.__dict__, "status": d.status} for d in self.datasets])


def _district_map(con, settings: Settings, specs: dict[str, DatasetSpec]) -> None:
    """Resolve every distinct district value of the store once (registry rules, 2.8)."""
    registry = settings.registry
    parts = [
        f'SELECT DISTINCT district AS v FROM "{n}"'
        for n, s in specs.items()
        if any(c.name == "district" for c in s.columns)
    ]
    values = [r[0] for r in con.execute(" UNION ".join(parts)).fetchall() if r[0] is not None]
    resolved = {v: registry.resolve(v) for v in values}
    con.execute("DELETE FROM district_map")
    con.execute("DELETE FROM districts")
    if resolved:
        con.executemany(
            "INSERT INTO district_map VALUES (?, ?, ?)",
            [(v, d.code if d else None, d.name if d else None) for v, d in resolved.items()],
        )
    con.executemany(
        "INSERT INTO districts VALUES (?, ?, ?)",
        [(d.code, d.name, i) for i, d in enumerate(registry.districts)],
    )


def _spec_views(con, specs: dict[str, DatasetSpec]) -> None:
    """Temp views `records` (every dataset but the register) and `located` (every dataset)."""
    records, located = [], []
    for name, spec in specs.items():
        located.append(load_sql("checks/locate").format(dataset=name))
        if name == "enterprises":
            continue
        cols = {c.name: c for c in spec.columns}
        records.append(
            load_sql("checks/records").format(
                dataset=name,
                enterprise="enterprise_id" if "enterprise_id" in cols else "NULL::VARCHAR",
                district="district" if "district" in cols else "NULL::VARCHAR",
                district_required=str("district" in cols and cols["district"].required).lower(),
            )
        )
    con.execute("CREATE OR REPLACE TEMP VIEW records AS " + " UNION ALL ".join(records))
    con.execute("CREATE OR REPLACE TEMP VIEW located AS " + " UNION ALL ".join(located))
    con.execute(load_sql("checks/registered"))


def _cross_dataset_rows(con, settings: Settings) -> pl.DataFrame:
    """The rows that break a rule of checks/ (one SQL file per rule), located in their files."""
    booleans = settings.vocab["booleans"]  # a flag is shown as the first spelling: 是 / 否
    shown = {"yes": booleans["true"][0], "no": booleans["false"][0]}
    parts = []
    for name in names_in("checks"):
        if name.removeprefix("checks/") in NOT_RULES:
            continue
        sql = load_sql(name)
        found = store.fetch_frame(con, sql, bind(sql, shown))
        parts.append(found)
    found = pl.concat(parts, how="vertical_relaxed")
    con.register("found_rows", found.to_arrow())
    try:
        rows = store.fetch_frame(
            con,
            "SELECT f.*, l._file_id, l._file_name, l._sheet, l._row FROM found_rows f "
            "LEFT JOIN located l ON l.dataset = f.dataset AND l._key = f._key",
        )
    finally:
        con.unregister("found_rows")
    return _as_quarantine(rows, pl.col("raw_value"), "sql")


def _frame(con, spec: DatasetSpec, settings: Settings) -> pl.DataFrame:
    """The columns the dataset's suite reads, with the bookkeeping that locates each row."""
    checks = settings.datasets.get("checks", {}).get(spec.name, [])
    stored = [n for n, _ in spec.stored_columns()] + [INGESTED_ON]
    columns = [c for c in columns_used(expectation_specs(spec, checks), stored) if c != ROW_ID]
    select = ", ".join(
        f'f.ingested_on AS "{c}"' if c == INGESTED_ON else f't."{c}"' for c in columns
    )
    frame = store.fetch_frame(
        con,
        f"SELECT {select}, t._key, t._file_id, f.file_name AS _file_name, t._sheet, t._row "
        f'FROM "{spec.name}" t JOIN ingest_files f ON f.file_id = t._file_id',
    )
    return frame.with_columns(pl.int_range(0, frame.height, dtype=pl.Int64).alias(ROW_ID))


def _gx_frame(frame: pl.DataFrame):
    """The pandas frame GX validates: the suite's columns only, text as categories.

    GX filters the whole frame for every expectation (nulls, row conditions), so a narrow
    frame with dictionary-encoded text keeps validation of millions of rows in seconds.
    The values themselves are unchanged."""
    narrow = frame.drop("_key", "_file_id", "_file_name", "_sheet", "_row")
    return narrow.with_columns(pl.col(pl.String).cast(pl.Categorical)).to_pandas()


def _value_text(frame: pl.DataFrame, failures: pl.DataFrame) -> pl.DataFrame:
    """Attach file, row and the cell's raw text (the original text when it was unreadable)."""
    out = []
    for column, part in failures.group_by("column_name"):
        column = column[0]
        raw = f"{column}__raw"
        value = (
            pl.col(column).cast(pl.String) if column in frame.columns else pl.lit(None, pl.String)
        )
        if raw in frame.columns:
            value = pl.coalesce(pl.col(raw), value)
        looked = frame.select(
            ROW_ID, "_key", "_file_id", "_file_name", "_sheet", "_row", value.alias("_value")
        )
        out.append(part.join(looked, left_on="rid", right_on=ROW_ID, how="left"))
    if not out:
        return pl.DataFrame()
    return _as_quarantine(pl.concat(out), pl.coalesce("_value", "raw_value"), "gx")


def _as_quarantine(frame: pl.DataFrame, value: pl.Expr, source: str) -> pl.DataFrame:
    """Failures with their location (file, sheet, row) in the quarantine's column order."""
    return frame.select(
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
    known = "、".join(settings.registry.names())
    zh, en, sev = [], [], []
    for dataset, rule, column, value in frame.select(
        "dataset", "rule_id", "column_name", "raw_value"
    ).iter_rows():
        r = rules[rule]
        fill = {"column": column or "", "value": "" if value is None else value, "known": known}
        zh.append(
            r["zh"].format(**(fill | {"column": labels.get((dataset, column), column or "")}))
        )
        en.append(r["en"].format(**fill))
        sev.append(r["severity"])
    return frame.with_columns(
        pl.Series("severity", sev, pl.String),
        pl.Series("message_zh", zh, pl.String),
        pl.Series("message_en", en, pl.String),
    )


def _gx_rows(con, specs: dict[str, DatasetSpec], settings: Settings):
    """Run each dataset's suite; (failing rows in the quarantine's shape, expectation summary)."""
    from concurrent.futures import ThreadPoolExecutor

    from safetystats.validate.gx_run import validate_frames
    from safetystats.validate.suites import context

    parts, summary = [], []
    # importing GX and opening its context takes seconds: do it while the first frame loads
    with ThreadPoolExecutor(max_workers=1) as loader:
        gx_context = loader.submit(context, settings)
        sizes = {n: store.scalar(con, f'SELECT count(*) FROM "{n}"') for n in specs}
        # one dataset at a time, the largest first (its loading overlaps the GX import)
        for name, spec in sorted(specs.items(), key=lambda item: -sizes[item[0]]):
            started = time.perf_counter()
            frame = _frame(con, spec, settings)
            gx_frame = _gx_frame(frame)
            fetched = time.perf_counter()
            failures, expectations = validate_frames({name: gx_frame}, gx_context.result())
            log.info(
                "validate %s: %d rows, fetch %.2fs, gx %.2fs",
                name,
                frame.height,
                fetched - started,
                time.perf_counter() - fetched,
            )
            summary += expectations
            if failures.height:
                parts.append(_value_text(frame, failures))
            del frame, gx_frame
    return parts, summary


def validate(con, settings: Settings) -> ValidationResult:
    """Rebuild the quarantine of the whole store (one transaction) and write
    reports/quarantine.csv and the validation report. Needs a writer's connection."""
    specs = load_specs(settings)
    # load inputs
    staging.ensure_tables(con, specs)
    _district_map(con, settings, specs)
    _spec_views(con, specs)
    # process
    gx_parts, expectation_summary = _gx_rows(con, specs, settings)
    started = time.perf_counter()
    held = store.fetch_frame(con, load_sql("checks/held"))
    all_rows = [held, _cross_dataset_rows(con, settings), *gx_parts]
    quarantine = pl.concat(
        [r.cast({"file_id": pl.Int64, "row_no": pl.Int64}) for r in all_rows],
        how="vertical_relaxed",
    )
    quarantine = (
        _messages(quarantine, settings, specs)
        .select(QUARANTINE_COLUMNS)
        .sort("dataset", "file_name", "sheet", "row_no", "rule_id", nulls_last=True)
    )
    log.info("validate cross-dataset checks and quarantine: %.2fs", time.perf_counter() - started)
    # save outputs
    now = datetime.now().isoformat(timespec="seconds")
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM quarantine")
    con.register("q_new", quarantine.to_arrow())
    con.execute("INSERT INTO quarantine SELECT * FROM q_new")
    con.unregister("q_new")
    store.set_state(con, validated_at=now, validated_change=store.state(con).get("changed_at", ""))
    con.execute("COMMIT")
    result = ValidationResult(summarize(con, specs), expectation_summary, now)
    from safetystats.validate.report import write_outputs

    write_outputs(settings, quarantine, result)
    return result


def summarize(con, specs: dict[str, DatasetSpec]) -> list[DatasetSummary]:
    """Rows checked, held, quarantined and valid per dataset, from the staged rows and the quarantine."""
    out = []
    for name, spec in specs.items():
        checked = store.scalar(con, f'SELECT count(*) FROM "{name}"')
        q = con.execute(load_sql("checks/summary"), {"dataset": name}).fetchall()[0]
        out.append(
            DatasetSummary(
                name,
                spec.label_zh,
                rows_checked=checked,
                errors=q[0],
                warnings=q[1],
                rows_quarantined=q[2],
                rows_held=q[3],
                rows_valid=checked - q[2],
            )
        )
    return out
