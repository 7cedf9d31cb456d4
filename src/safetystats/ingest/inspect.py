"""inspect: how each table of a file would be read, before anything is stored (DATA_SPEC 3.1).

For every table: the dataset it looks like and the runner-up, each header and the column it
maps to, unused headers, missing required columns with the closest headers, the values of
controlled columns it does not understand (up to 10, with counts), and how many rows would
be stored, quarantined and skipped. ``mapping_toml`` writes the safetystats.toml block that
would make the files load, its guesses marked for the user to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from safetystats.config import Settings
from safetystats.ingest.entries import unreadable
from safetystats.ingest.pipeline import dataset_from_folder, file_values
from safetystats.ingest.prepare import (
    MissingColumnsError,
    TableError,
    _mapped,
    _score,
    find_header,
    stage_table,
)
from safetystats.ingest.read import ReadError, read_file
from safetystats.ingest.spec import DatasetSpec, load_specs

SHOWN_VALUES = 10


@dataclass
class TableReport:
    file: Path
    sheet: str | None
    dataset: str | None = None
    runner_up: str | None = None
    headers: list[tuple[str, str | None]] = field(default_factory=list)  # (header, column)
    missing: dict[str, list[str]] = field(default_factory=dict)  # column -> closest headers
    unknown: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # column -> values
    rows_read: int = 0
    stored: int = 0
    quarantined: int = 0
    skipped: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def loads(self) -> bool:
        """The table would land: recognised, nothing required missing, some row stored."""
        return self.error is None and not self.missing and (self.stored > 0 or not self.rows_read)

    @property
    def label(self) -> str:
        return f"{self.file.name}[{self.sheet}]" if self.sheet else self.file.name


def _ranking(table, specs: dict[str, DatasetSpec], dataset: str | None) -> tuple[str, str | None]:
    """The dataset a table looks like and the runner-up, by the fit of its header row."""
    header = find_header(table, specs, dataset)
    scores = sorted(
        (
            (_score(s, m), n)
            for n, s in specs.items()
            if (m := _mapped(s, header.texts)) and not s.into
        ),
        reverse=True,
    )
    others = [n for _, n in scores if n != header.dataset]
    return header.dataset, (others[0] if others else None)


def _unknown_values(prep, spec: DatasetSpec, settings: Settings) -> dict[str, list]:
    out = {}
    for col in spec.columns:
        raw = col.raw_name
        if col.keeps_raw and raw in prep.staged.columns:
            counts = prep.staged[raw].drop_nulls().value_counts(sort=True)
            if counts.height:
                out[col.name] = [tuple(r) for r in counts.head(SHOWN_VALUES).rows()]
    if "district" in prep.staged.columns:
        registry = settings.registry
        values = prep.staged["district"].drop_nulls().value_counts(sort=True)
        bad = [(v, n) for v, n in values.rows() if registry.resolve(v) is None]
        if bad:
            out["district"] = bad[:SHOWN_VALUES]
    return out


def inspect_table(table, specs, settings: Settings, dataset: str | None, fixed) -> TableReport:
    report = TableReport(table.path, table.sheet)
    try:
        report.dataset, report.runner_up = _ranking(table, specs, dataset)
        prep = stage_table(table, specs, settings, dataset, fixed)
    except MissingColumnsError as exc:
        report.dataset = exc.dataset
        report.missing = exc.closest
        report.headers = [(h, None) for h in exc.found]
        return report
    except TableError as exc:
        report.error = str(exc)
        return report
    spec = specs[prep.dataset]
    report.dataset = prep.dataset
    mapped = {h: c for c, h in prep.headers.items()}
    report.headers = [(h, mapped.get(h)) for h in [*prep.headers.values(), *prep.ignored_headers]]
    report.unknown = _unknown_values(prep, specs.get(prep.dataset, spec), settings)
    bad = pl.lit(False)
    for col in spec.columns:
        if col.keeps_raw and col.unknown != "warning" and col.raw_name in prep.staged.columns:
            bad = bad | pl.col(col.raw_name).is_not_null()
    unreadable = prep.staged.filter(bad).height
    report.rows_read = prep.rows_read
    report.quarantined = len(prep.held) + unreadable
    report.stored = prep.staged.height - unreadable
    report.skipped = prep.skipped_footer + prep.skipped_duplicate
    if prep.persons:
        report.notes.append(f"{prep.persons} trainees counted into {prep.staged.height} rows")
    return report


def inspect_files(paths: list[Path], settings: Settings) -> list[TableReport]:
    """Reports for every table of the files; nothing is stored."""
    specs = load_specs(settings, variants=True)
    reports = []
    for path in paths:
        reason = unreadable(path)
        if reason:  # never open a pipe, nor follow a link to anything but a file
            reports.append(
                TableReport(path, None, error=f"{path}: 无法读取 / cannot be read: {reason}")
            )
            continue
        try:
            tables, notes = read_file(path)
        except ReadError as exc:
            reports.append(TableReport(path, None, error=str(exc)))
            continue
        dataset = dataset_from_folder(path, specs, settings.raw)
        fixed = file_values(path, settings)
        for table in tables:
            if table.frame.height:
                report = inspect_table(table, specs, settings, dataset, fixed)
                report.notes += notes
                reports.append(report)
    return reports


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _vocabulary_of(column, settings: Settings) -> list[str]:
    from safetystats.ingest.spec import vocabulary

    if column.type == "bool":
        return ["true", "false"]
    name = {"category": "training_categories", "industry": "industries"}.get(column.type)
    name = name or column.type.removeprefix("enum:")
    return list(vocabulary(settings, name))


def mapping_toml(reports: list[TableReport], settings: Settings) -> str:
    """The [datasets.*] block that would make the files load: missing columns mapped to their
    closest header (a guess to confirm), and for values not understood, one empty list per
    canonical value for the user to fill (values such as 1级 are never guessed)."""
    specs = load_specs(settings, variants=True)
    headers: dict[str, dict[str, str]] = {}
    values: dict[tuple[str, str], list[str]] = {}
    notes: list[str] = []
    for report in reports:
        spec = specs.get(report.dataset or "")
        if spec is None:
            continue
        for column, closest in report.missing.items():
            headers.setdefault(spec.name, {})[column] = (
                f"{column} = [{_quote(closest[0])}]  # guess from {report.label}: confirm"
                if closest
                else f"{column} = []  # {report.label}: no header looks like it; add the file's header"
            )
        for column, seen in report.unknown.items():
            listed = ", ".join(f"{v} ({n})" for v, n in seen)
            if column == "district":
                notes.append(f"# {report.label}: districts the registry does not know: {listed}")
                notes.append("#   add them as aliases of their units in the registry CSV")
                continue
            col = spec.column(column)
            if col.unknown == "warning" and column != "industry":
                continue
            values.setdefault((spec.name, column), []).append(
                f"# {report.label}: values not understood: {listed}"
            )
    lines = [
        "# safetystats inspect --write-mapping: add to safetystats.toml after checking each line.",
        "# 'guess' lines come from the closest header; empty lists are yours to fill.",
        *notes,
        "",
    ]
    for dataset, columns in headers.items():
        lines += [f"[datasets.{dataset}.headers]", *columns.values(), ""]
    for (dataset, column), comments in values.items():
        lines += [*comments, f"[datasets.{dataset}.values.{column}]"]
        for canonical in _vocabulary_of(specs[dataset].column(column), settings):
            lines.append(f"{canonical if canonical.isascii() else _quote(canonical)} = []")
        lines.append("")
    return "\n".join(lines) + "\n"
