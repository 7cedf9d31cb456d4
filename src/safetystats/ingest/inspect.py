"""inspect: how each table of a file would be read, before anything is stored (DATA_SPEC 3.1).

For every table: the dataset it looks like and the runner-up, each header and the column it
maps to, unused headers, missing required columns with the closest headers, the values of
controlled columns it does not understand (up to 10, with counts), and how many rows would
be stored, quarantined and skipped. ``mapping_toml`` writes the safetystats.toml block that
would make the files load, its guesses marked for the user to confirm.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from safetystats.config import Settings
from safetystats.ingest import entries, guess
from safetystats.ingest.pipeline import dataset_from_folder, file_values
from safetystats.ingest.prepare import (
    MissingColumnsError,
    NoHeaderError,
    TableError,
    _looks_like_data,
    _mapped,
    _score,
    find_header,
    stage_table,
    user_section,
)
from safetystats.ingest.read import HEADER_SCAN_ROWS, ReadError, read_file
from safetystats.ingest.spec import DatasetSpec, load_specs
from safetystats.normalize import normalize_header

SHOWN_VALUES = 10
ROW_NUMBER = "(row number 行号: the key is derived)"


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
    # no header row found: (spreadsheet row, [(cell, columns it could map to)]) per candidate
    candidates: list[tuple[int, list[tuple[str, list[str]]]]] = field(default_factory=list)
    spec: str | None = None  # the spec read (dataset is where the user writes its spellings)
    no_header: bool = False

    @property
    def next_step(self) -> str:
        """What to do next, in one line."""
        if self.loads and not self.unknown:
            return "下一步 next: safetystats ingest (or run) loads it"
        if self.loads:
            return (
                "下一步 next: it loads; map the values not understood with --write-mapping "
                "(paste the block into safetystats.toml), or they are quarantined/listed"
            )
        if self.missing or self.candidates or self.unknown:
            return (
                "下一步 next: safetystats inspect FILE --write-mapping mapping.toml, check each "
                "line, paste it into safetystats.toml and run inspect again"
            )
        return "下一步 next: fix the file as the message says, then run inspect again"

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
    """Per column, the values not understood with their counts: in the rows that would be
    stored, and in those held already (a trainee whose 职位 is no category)."""
    seen: dict[str, Counter] = {}
    for col in spec.columns:
        raw = col.raw_name
        if col.keeps_raw and raw in prep.staged.columns:
            seen[col.name] = Counter(dict(prep.staged[raw].drop_nulls().value_counts().rows()))
    for row in prep.held:
        if row["rule"].startswith("invalid_") and row["value"] is not None:
            seen.setdefault(row["column"], Counter())[row["value"]] += 1
    out = {c: counts.most_common(SHOWN_VALUES) for c, counts in seen.items() if counts}
    if "district" in prep.staged.columns:
        registry = settings.registry
        values = prep.staged["district"].drop_nulls().value_counts(sort=True)
        bad = [(v, n) for v, n in values.rows() if registry.resolve(v) is None]
        if bad:
            out["district"] = bad[:SHOWN_VALUES]
    return out


def _shown(header: str, column: str | None) -> tuple[str, str | None]:
    return header, column or (ROW_NUMBER if guess.is_row_number(header) else None)


def _candidates(table, specs: dict[str, DatasetSpec], dataset: str | None) -> list:
    """Rows of the first ones that could be a header (two or more text cells, no number or
    date), each cell with the columns it could map to (by spelling, then by its words)."""
    wanted = [s for n, s in specs.items() if n == dataset or s.into == dataset] if dataset else []
    wanted = wanted or list(specs.values())
    columns = list(dict.fromkeys(c.name for s in wanted for c in s.columns))
    out = []
    for idx, row in enumerate(table.frame.head(HEADER_SCAN_ROWS).rows()):
        cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
        if len(cells) < 2 or _looks_like_data(cells):
            continue
        mapped = []
        for cell in cells:
            exact = [
                s.header_map[k] for s in wanted if (k := normalize_header(cell)) in s.header_map
            ]
            mapped.append((cell, list(dict.fromkeys(exact + guess.could_be(cell, columns)))))
        out.append((table.first_row + idx, mapped))
    return out


def inspect_table(table, specs, settings: Settings, dataset: str | None, fixed) -> TableReport:
    report = TableReport(table.path, table.sheet)
    try:
        report.dataset, report.runner_up = _ranking(table, specs, dataset)
        prep = stage_table(table, specs, settings, dataset, fixed)
    except MissingColumnsError as exc:
        spec = specs[exc.dataset]
        report.spec, report.dataset = spec.name, user_section(spec)
        report.missing = {spec.substitute(c) or c: g for c, g in exc.closest.items()}
        report.headers = [_shown(h, exc.columns.get(h)) for h in exc.found]
        return report
    except NoHeaderError as exc:
        report.error = str(exc)
        report.spec = report.dataset = dataset
        report.candidates = _candidates(table, specs, dataset)
        report.no_header = True
        return report
    except TableError as exc:
        report.error = str(exc)
        return report
    spec = specs[prep.dataset]
    report.spec, report.dataset = prep.dataset, user_section(spec)
    mapped = {h: c for c, h in prep.headers.items()}
    report.headers = [
        _shown(h, mapped.get(h)) for h in [*prep.headers.values(), *prep.ignored_headers]
    ]
    report.unknown = _unknown_values(prep, specs.get(prep.dataset, spec), settings)
    bad = pl.lit(False)
    for col in spec.columns:
        if col.keeps_raw and col.unknown != "warning" and col.raw_name in prep.staged.columns:
            bad = bad | pl.col(col.raw_name).is_not_null()
    unreadable = prep.staged.filter(bad).height
    report.rows_read = prep.rows_read
    report.quarantined = len(prep.held) + unreadable
    report.stored = (prep.persons or prep.staged.height) - unreadable
    report.skipped = prep.skipped_footer + prep.skipped_duplicate
    if prep.persons:
        report.notes.append(f"{prep.persons} trainees counted into {prep.staged.height} rows")
    return report


def inspect_files(paths: list[Path], settings: Settings) -> list[TableReport]:
    """Reports for every table of the files; nothing is stored."""
    specs = load_specs(settings, variants=True)
    reports = []
    for path in paths:
        reason = entries.unreadable(path)
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


Guesses = dict[str, dict[str, list[tuple[str | None, str]]]]  # section -> column -> (header, why)


def _add_guesses(headers: Guesses, section: str, report: TableReport) -> None:
    """The lines of [datasets.X.headers] a table needs: a missing column mapped to the unused
    header that means it; for a table without a header row, each cell of the first candidate
    row that means a column (one cell a column)."""
    columns = headers.setdefault(section, {})
    for column, guesses in report.missing.items():
        columns.setdefault(column, []).append((guesses[0] if guesses else None, report.label))
    if report.candidates:
        taken: set[str] = set()
        for cell, could in report.candidates[0][1]:
            column = next((c for c in could if c not in taken), None)
            if column:
                taken.add(column)
                columns.setdefault(column, []).append((cell, report.label))


def _header_block(section: str, columns: dict[str, list[tuple[str | None, str]]]) -> list[str]:
    lines = [f"[datasets.{section}.headers]"]
    for column, found in columns.items():
        spellings = list(dict.fromkeys(h for h, _ in found if h))
        where = ", ".join(dict.fromkeys(label for _, label in found))
        lines.append(
            f"{column} = [{', '.join(map(_quote, spellings))}]  # guess from {where}: confirm"
            if spellings
            else f"{column} = []  # {where}: no header means it; add the file's header"
        )
    return [*lines, ""]


def _candidate_lines(report: TableReport) -> list[str]:
    """A table without a header row: every candidate row, each cell with what it could be."""
    lines = [f"# {report.label}: no header row found; the rows that could be one:"]
    for row, cells in report.candidates:
        listed = "; ".join(f"{c} → {' / '.join(cols) if cols else '?'}" for c, cols in cells)
        lines.append(f"#   row {row}: {listed}")
    if not report.candidates:
        lines.append("#   (none: no row of the first 15 has two or more text cells)")
    elif not report.dataset:
        lines.append("#   put the file in a folder named after its dataset (e.g. hazards/)")
    return lines


def mapping_toml(reports: list[TableReport], settings: Settings) -> str:
    """The [datasets.*] block that would make the files load: missing columns mapped to the
    unused header that means them (a guess to confirm), for values not understood one empty
    list per canonical value for the user to fill (values such as 1级 are never guessed), and
    for a table without a header row, its candidate rows with what each cell could be."""
    specs = load_specs(settings, variants=True)
    headers: Guesses = {}
    values: dict[tuple[str, str], list[str]] = {}
    vocabularies: dict[tuple[str, str], list[str]] = {}
    notes: list[str] = []
    for report in reports:
        if report.no_header:
            notes += _candidate_lines(report)
        spec = specs.get(report.spec or "")
        if spec is None:
            continue
        section = user_section(spec)
        _add_guesses(headers, section, report)
        for column, seen in report.unknown.items():
            listed = ", ".join(f"{v} ({n})" for v, n in seen)
            if column == "district":
                notes.append(f"# {report.label}: districts the registry does not know: {listed}")
                notes.append("#   add them as aliases of their units in the registry CSV")
                continue
            col = next((c for c in spec.columns if c.name == column), None)
            if col is None or (col.unknown == "warning" and column != "industry"):
                continue
            vocabularies[(section, column)] = _vocabulary_of(col, settings)
            values.setdefault((section, column), []).append(
                f"# {report.label}: values not understood: {listed}"
            )
    lines = [
        "# safetystats inspect --write-mapping: add to safetystats.toml after checking each line.",
        "# 'guess' lines come from the header's words; empty lists are yours to fill.",
        *notes,
        "",
    ]
    for section, columns in headers.items():
        if columns:
            lines += _header_block(section, columns)
    for (dataset, column), comments in values.items():
        lines += [*comments, f"[datasets.{dataset}.values.{column}]"]
        for canonical in vocabularies[(dataset, column)]:
            lines.append(f"{canonical if canonical.isascii() else _quote(canonical)} = []")
        lines.append("")
    return "\n".join(lines) + "\n"
