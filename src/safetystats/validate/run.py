"""validate: run the suites and the cross-dataset checks over the whole store, rebuild the
quarantine and the curated tables that metrics read (DATA_SPEC sections 4 and 5)."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from safetystats.config import Settings
from safetystats.ingest import store
from safetystats.ingest.spec import DatasetSpec, load_specs
from safetystats.sql import bind, load_sql, load_statements
from safetystats.validate.suites import INGESTED_ON, ROW_ID, columns_used, expectation_specs

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

log = logging.getLogger(__name__)
# bumped when validation builds new tables: a store validated by an older version is validated again
VALIDATION_VERSION = "2"
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
    registry = settings.registry
    parts = [
        f'SELECT DISTINCT district AS v FROM "{n}"'
        for n, s in specs.items()
        if any(c.name == "district" for c in s.columns)
    ]
    values = [r[0] for r in con.execute(" UNION ".join(parts)).fetchall() if r[0] is not None]
    rows = []
    for v in values:
        d = registry.resolve(v)
        rows.append((v, d.code if d else None, d.name if d else None))
    con.execute("DELETE FROM district_map")
    con.execute("DELETE FROM districts")
    if rows:
        con.executemany("INSERT INTO district_map VALUES (?, ?, ?)", rows)
    con.executemany(
        "INSERT INTO districts VALUES (?, ?, ?)",
        [(d.code, d.name, i) for i, d in enumerate(registry.districts)],
    )


def _records_view(con, specs: dict[str, DatasetSpec]) -> None:
    parts = []
    for name, spec in specs.items():
        if name == "enterprises":
            continue
        cols = {c.name: c for c in spec.columns}
        district = "district" if "district" in cols else "NULL::VARCHAR"
        required = "true" if "district" in cols and cols["district"].required else "false"
        enterprise = "enterprise_id" if "enterprise_id" in cols else "NULL::VARCHAR"
        parts.append(
            f"SELECT '{name}' AS dataset, _key, {enterprise} AS enterprise_id, {district} AS district, "
            f'{required} AS district_required FROM "{name}"'
        )
    con.execute("CREATE OR REPLACE TEMP VIEW records AS " + " UNION ALL ".join(parts))


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


def validate(settings: Settings) -> ValidationResult:
    """Rebuild the quarantine and the curated tables; write reports/quarantine.csv and the report page."""
    from safetystats.validate.gx_run import validate_frames

    specs = load_specs(settings)
    con = store.connect(settings.db)
    try:
        store.ensure_schema(con, specs)
        con.execute(load_sql("validation_tables"))
        _district_map(con, settings, specs)
        _records_view(con, specs)
        from concurrent.futures import ThreadPoolExecutor

        from safetystats.validate.suites import context

        gx_parts, expectation_summary = [], []
        # importing GX and opening its context takes seconds: do it while the first frame loads
        with ThreadPoolExecutor(max_workers=1) as loader:
            gx_context = loader.submit(context)
            sizes = {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchall()[0][0] for n in specs}
            # one dataset at a time, the largest first (its loading overlaps the GX import)
            for name, spec in sorted(specs.items(), key=lambda item: -sizes[item[0]]):
                started = time.perf_counter()
                frame = _frame(con, spec, settings)
                gx_frame = _gx_frame(frame)
                fetched = time.perf_counter()
                failures, summary = validate_frames({name: gx_frame}, gx_context.result())
                log.info(
                    "validate %s: %d rows, fetch %.2fs, gx %.2fs",
                    name,
                    frame.height,
                    fetched - started,
                    time.perf_counter() - fetched,
                )
                expectation_summary += summary
                if failures.height:
                    gx_parts.append(_value_text(frame, failures))
                del frame, gx_frame
        gx_rows = pl.concat(gx_parts, how="vertical_relaxed") if gx_parts else None

        started = time.perf_counter()
        locate = " UNION ALL ".join(
            f"SELECT '{n}' AS dataset, t._key, t._file_id, f.file_name AS _file_name, t._sheet, t._row "
            f'FROM "{n}" t JOIN ingest_files f ON f.file_id = t._file_id'
            for n in specs
        )
        sql_rows = store.fetch_frame(
            con,
            f"WITH found AS ({load_sql('check_cross_dataset')}), located AS ({locate}) "
            "SELECT found.*, l._file_id, l._file_name, l._sheet, l._row FROM found "
            "LEFT JOIN located l ON l.dataset = found.dataset AND l._key = found._key",
        )
        sql_rows = _as_quarantine(sql_rows, pl.col("raw_value"), "sql")
        held = store.fetch_frame(
            con,
            "SELECT h.dataset, NULL::VARCHAR AS record_key, h.file_id, f.file_name, h.sheet, h.row_no, h.column_name, "
            "h.raw_value, h.rule_id, 'ingest' AS source FROM held_rows h JOIN ingest_files f USING (file_id)",
        )
        all_rows = [held, sql_rows] + ([gx_rows] if gx_rows is not None else [])
        quarantine = pl.concat(
            [r.cast({"file_id": pl.Int64, "row_no": pl.Int64}) for r in all_rows],
            how="vertical_relaxed",
        )
        quarantine = (
            _messages(quarantine, settings, specs)
            .select(QUARANTINE_COLUMNS)
            .sort("dataset", "file_name", "sheet", "row_no", "rule_id", nulls_last=True)
        )

        log.info(
            "validate cross-dataset checks and quarantine: %.2fs", time.perf_counter() - started
        )
        started = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM quarantine")
        con.register("q_new", quarantine.to_arrow())
        con.execute("INSERT INTO quarantine SELECT * FROM q_new")
        con.unregister("q_new")
        voc = settings.vocab
        con.execute(
            load_sql("curated_enterprises"),
            [
                voc["high_risk_industries"],
                voc["hazchem_industry"],
                voc["default_enterprise_status"],
            ],
        )
        template = load_sql("curated_records")
        for name, spec in specs.items():
            if name == "enterprises":
                continue
            raw_cols = ", ".join(f'"{c.raw_name}"' for c in spec.columns if c.keeps_raw) or "_row"
            has_district = any(c.name == "district" for c in spec.columns)
            con.execute(
                template.format(
                    dataset=name,
                    raw_columns=raw_cols,
                    district_expr="t.district" if has_district else "NULL::VARCHAR",
                )
            )
        # marts: what the metrics sum over, aggregated once per validation
        con.execute(load_sql("mart_drills"))
        for statement in load_statements("mart_training"):
            con.execute(
                statement, bind(statement, {"cycle_start_default": voc["training_cycle_start"]})
            )
        changed = con.execute("SELECT value FROM store_state WHERE name = 'changed_at'").fetchall()
        now = datetime.now().isoformat(timespec="seconds")
        con.execute("INSERT OR REPLACE INTO store_state VALUES ('validated_at', ?)", [now])
        con.execute(
            "INSERT OR REPLACE INTO store_state VALUES ('validation_version', ?)",
            [VALIDATION_VERSION],
        )
        con.execute(
            "INSERT OR REPLACE INTO store_state VALUES ('validated_change', ?)",
            [changed[0][0] if changed else ""],
        )
        con.execute("COMMIT")
        log.info("validate curated tables: %.2fs", time.perf_counter() - started)
        summaries = summarize(con, specs)
    finally:
        con.close()
    result = ValidationResult(summaries, expectation_summary, now)
    from safetystats.validate.report import write_outputs

    write_outputs(settings, quarantine, result)
    return result


def summarize(con, specs: dict[str, DatasetSpec]) -> list[DatasetSummary]:
    out = []
    for name, spec in specs.items():
        checked = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
        valid = con.execute(f'SELECT count(*) FROM "curated_{name}"').fetchall()[0][0]
        q = con.execute(
            "SELECT count(*) FILTER (severity = 'error'), count(*) FILTER (severity = 'warning'), "
            "count(DISTINCT record_key) FILTER (severity = 'error' AND record_key IS NOT NULL), "
            "count(*) FILTER (source = 'ingest') FROM quarantine WHERE dataset = ?",
            [name],
        ).fetchall()[0]
        out.append(
            DatasetSummary(
                name,
                spec.label_zh,
                rows_checked=checked,
                errors=q[0],
                warnings=q[1],
                rows_quarantined=q[2],
                rows_held=q[3],
                rows_valid=valid,
            )
        )
    return out


def needs_validation(settings: Settings) -> bool:
    """True when the store changed since the last validation (or was never validated)."""
    if not settings.db.exists():
        return True
    con = store.connect(settings.db, read_only=True)
    try:
        state = dict(con.execute("SELECT name, value FROM store_state").fetchall())
    except Exception:
        return True
    finally:
        con.close()
    return (
        "validated_at" not in state
        or state.get("validation_version") != VALIDATION_VERSION
        or state.get("changed_at", "") != state.get("validated_change")
    )


def ensure_validated(settings: Settings) -> ValidationResult | None:
    """Validate first when the store changed since the last validation, so metrics never
    read unvalidated rows."""
    return validate(settings) if needs_validation(settings) else None
