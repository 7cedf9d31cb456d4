"""Raw table -> staged frame: find the header row, decide the dataset, map headers,
normalise and type every value, skip footers, and set aside rows that cannot be keyed.

The staged frame has the dataset's columns (typed), ``<col>__raw`` with the original text
of every cell that could not be read, and ``_sheet``/``_row`` (the row as the spreadsheet
shows it)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import polars as pl

from safetystats import normalize as V
from safetystats.config import Settings
from safetystats.ingest.read import HEADER_SCAN_ROWS, RawTable
from safetystats.ingest.spec import DatasetSpec, parser_for


def footer_pattern(settings: Settings) -> str:
    """A regex for the first cell of a footer row (vocab.toml ``footer_prefixes``)."""
    return "^(?:" + "|".join(re.escape(p) for p in settings.vocab["footer_prefixes"]) + ")"


class TableError(Exception):
    """A table whose header or dataset cannot be determined; names the file and why."""


class NoHeaderError(TableError):
    """No row of the table looks like a dataset's header (e.g. a 填表说明 sheet)."""


@dataclass
class Prepared:
    dataset: str
    table: RawTable
    staged: pl.DataFrame
    held: list[dict] = field(default_factory=list)
    rows_read: int = 0
    skipped_footer: int = 0  # footer and empty rows
    skipped_empty: int = 0  # of which empty rows
    skipped_duplicate: int = 0
    title_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)


def _fits(spec: DatasetSpec, headers: list[str]) -> tuple[float, int]:
    mapped = {spec.header_map[h] for h in headers if h in spec.header_map}
    required = spec.required
    return sum(c in mapped for c in required) / len(required), len(mapped)


def find_header(table: RawTable, specs: dict[str, DatasetSpec], dataset: str | None):
    """(header row index, dataset name). Raises TableError naming the file."""
    candidates = {dataset: specs[dataset]} if dataset else specs
    head = table.frame.head(HEADER_SCAN_ROWS).rows()
    for idx, row in enumerate(head):
        headers = [V.normalize_header(c) for c in row]
        scores = {name: _fits(spec, headers) for name, spec in candidates.items()}
        fitting = {n: s for n, s in scores.items() if s[0] >= 0.5}
        if not fitting:
            continue
        best = max(fitting.values())
        winners = sorted(n for n, s in fitting.items() if s == best)
        if len(winners) > 1:
            raise TableError(
                f"{table.label}: the headers fit {winners[0]} and {winners[1]} equally; "
                f"put the file in a folder named after its dataset (e.g. {winners[0]}/)"
            )
        return idx, winners[0]
    if dataset:
        wanted = "、".join(specs[dataset].column(c).headers[0] for c in specs[dataset].required)
        raise NoHeaderError(
            f"{table.label}: no header row for {dataset} in the first {HEADER_SCAN_ROWS} rows "
            f"(expected columns such as {wanted})"
        )
    raise NoHeaderError(
        f"{table.label}: no header row of any dataset in the first {HEADER_SCAN_ROWS} rows; "
        "put the file in a folder named after its dataset"
    )


def _typed(text: pl.Series, parse, dtype, unknown_value=None) -> tuple[pl.Series, pl.Series]:
    """Map every distinct text through ``parse``: (typed values, raw text of failures)."""
    good_old, good_new, bad = [], [], []
    for value in text.drop_nulls().unique().to_list():
        parsed = parse(value)
        if parsed is V.INVALID:
            bad.append(value)
        else:
            good_old.append(value)
            good_new.append(parsed)
    if bad and unknown_value is not None:
        good_old += bad
        good_new += [unknown_value] * len(bad)
    typed = text.replace_strict(good_old, good_new, default=None, return_dtype=dtype)
    raw = pl.select(pl.when(text.is_in(bad)).then(text).otherwise(None)).to_series()
    return typed, raw


def _clean(expr: pl.Expr) -> pl.Expr:
    cleaned = expr.str.normalize("NFKC").str.strip_chars()
    return pl.when(cleaned == "").then(None).otherwise(cleaned)


def prepare(
    table: RawTable, specs: dict[str, DatasetSpec], settings: Settings, dataset: str | None = None
) -> Prepared:
    header_idx, dataset = find_header(table, specs, dataset)
    spec = specs[dataset]
    header_row = table.frame.row(header_idx)
    mapping: dict[str, str] = {}
    ignored = []
    for i, cell in enumerate(header_row):
        name = spec.header_map.get(V.normalize_header(cell))
        if name and name not in mapping.values():
            mapping[f"c{i}"] = name
        elif cell is not None and str(cell).strip():
            ignored.append(str(cell).strip())

    body = table.frame.slice(header_idx + 1)
    first_data_row = table.first_row + header_idx + 1
    text = body.select(
        [_clean(pl.col(src)).alias(dst) for src, dst in mapping.items()]
        + [pl.int_range(first_data_row, first_data_row + body.height, dtype=pl.Int64).alias("_row")]
    )
    prepared = Prepared(
        dataset, table, text, rows_read=body.height, title_rows=header_idx, ignored_headers=ignored
    )

    # footers: a row whose cells are all empty, or whose first non-empty cell starts with
    # 填报人/审核人/合计/说明... (DATA_SPEC 3). A row with data and an empty key is not a
    # footer: it is held for the quarantine (required_missing).
    stripped = [pl.col(c).str.strip_chars() for c in body.columns]
    first_cell = pl.coalesce([pl.when(c == "").then(None).otherwise(c) for c in stripped])
    starts = body.select(first_cell.alias("f"))["f"]
    empty = starts.is_null()
    footer_mask = (
        starts.fill_null("").str.replace_all(r"\s", "").str.contains(footer_pattern(settings))
    )
    skip = footer_mask | empty
    prepared.skipped_footer = int(skip.sum())
    prepared.skipped_empty = int(empty.sum())
    text = text.filter(~skip)

    # typed values; the raw text of every unreadable cell is kept beside them
    columns = {"_row": text["_row"]}
    for col in spec.columns:
        if col.name not in text.columns:
            continue
        series = text[col.name]
        if col.type == "id":
            columns[col.name] = series.str.to_uppercase()
        elif not col.keeps_raw:
            columns[col.name] = series
        else:
            typed, raw = _typed(series, parser_for(col, settings), col.dtype, col.unknown_value)
            columns[col.name] = typed.alias(col.name)
            columns[col.raw_name] = raw.alias(col.raw_name)
    for target, source in spec.fill_from.items():
        if target not in columns and source in columns:
            columns[target] = columns[source].alias(target)
    staged = pl.DataFrame(columns)
    # every column of the dataset, absent ones as nulls
    staged = staged.with_columns(
        [
            pl.lit(None, dtype=dt).alias(n)
            for n, dt in spec.stored_columns()
            if n not in staged.columns
        ]
    ).with_columns(pl.lit(table.sheet or "", dtype=pl.String).alias("_sheet"))
    prepared.staged = staged.select([n for n, _ in spec.stored_columns()] + ["_sheet", "_row"])
    return prepared


def hold_unkeyable(prep: Prepared, spec: DatasetSpec) -> None:
    """Rows with part of the key blank cannot be stored by key: held for the quarantine."""
    partial = pl.any_horizontal([pl.col(k).is_null() for k in spec.key])
    held = prep.staged.filter(partial)
    for row in held.iter_rows(named=True):
        column = next(k for k in spec.key if row[k] is None)
        raw = row.get(f"{column}__raw")
        rule = (
            "required_missing"
            if raw is None
            else f"invalid_{spec.column(column).type.split(':')[0]}"
        )
        prep.held.append(_held(prep, row, rule, column, raw))
    prep.staged = prep.staged.filter(~partial)


def _held(prep: Prepared, row: dict, rule: str, column: str | None, value) -> dict:
    return {
        "dataset": prep.dataset,
        "sheet": row["_sheet"],
        "row": row["_row"],
        "rule": rule,
        "column": column,
        "value": None if value is None else str(value),
        "record": json.dumps(
            {k: v for k, v in row.items() if not k.startswith("_") and v is not None},
            ensure_ascii=False,
            default=str,
        ),
    }


def resolve_duplicates(preps: list[Prepared], spec: DatasetSpec) -> pl.DataFrame:
    """Join the staged frames of one dataset from one file and settle repeated keys: identical
    repeats keep one row; a key repeated with different content holds every such row."""
    frame = pl.concat([p.staged for p in preps], how="vertical_relaxed")
    content = [c for c in frame.columns if not c.startswith("_")]
    counts = frame.group_by(spec.key).agg(
        pl.len().alias("_n"), pl.struct(content).n_unique().alias("_variants")
    )
    frame = frame.join(counts, on=spec.key, how="left")
    conflicts = frame.filter(pl.col("_variants") > 1)
    for row in conflicts.iter_rows(named=True):
        prep = next(p for p in preps if (p.table.sheet or "") == row["_sheet"])
        key_text = "/".join(str(row[k]) for k in spec.key)
        prep.held.append(_held(prep, row, "duplicate_conflict", spec.key[0], key_text))
    keep = frame.filter(pl.col("_variants") == 1)
    first = keep.unique(subset=spec.key, keep="first", maintain_order=True)
    for prep in preps:
        sheet = prep.table.sheet or ""
        prep.skipped_duplicate = (
            keep.filter(pl.col("_sheet") == sheet).height
            - first.filter(pl.col("_sheet") == sheet).height
        )
    return first.drop("_n", "_variants")
