"""Command line: safetystats [--config FILE] COMMAND (DATA_SPEC section 7).

Exit codes: 0 success; 1 some input could not be read or a run partly failed (the rest
still done); 2 usage or configuration error. An error a user can cause is turned into its
message and exit code by the one map of :mod:`safetystats.errors`, for every command.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.exceptions import Exit
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from safetystats import allocator

allocator.configure()  # before polars loads: the modules below import it

from safetystats.cli_options import (  # noqa: E402
    PATH,
    App,
    AsOf,
    Compare,
    Force,
    Format,
    Jobs,
    Lang,
    Pdf,
    Scale,
    Units,
    checked,
    console,
    err,
    failed,
    listed,
    show_version,
    statistics_kind,
)
from safetystats.config import Settings, describe, labels_for, load_settings  # noqa: E402
from safetystats.errors import NothingToReportError, StoreNotReadyError, UsageError  # noqa: E402


class State:
    config: Path | None = None
    index: Path | None = None  # the index page of the last bulletins run


def settings(**overrides) -> Settings:
    """The settings of the command; says on stderr which file they come from."""
    s = load_settings(State.config, **overrides)
    err.print(f"[dim]{escape(describe(s))}[/dim]")
    return s


@click.group(cls=App, no_args_is_help=True)
@click.option(
    "--config",
    type=PATH,
    help="safetystats.toml to read; default: $SAFETYSTATS_CONFIG, else safetystats.toml in the "
    "working directory or a parent, else the packaged defaults",
)
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=checked(show_version),
    help="print the version and exit",
)
def app(config: Path | None):
    """District-by-district attainment of the work-safety campaign targets."""
    State.config = config


@app.command()
@click.option("--out", type=PATH, help="folder to write (default: the raw folder)")
@click.option(
    "--seed",
    type=int,
    default=2024,
    show_default=True,
    help="random seed; the same seed writes the same files, another seed other records",
)
@Scale("--scale", help="small | city | province | street")
@click.option(
    "--factor",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="N × the volumes of the scale in one sample (same registry, unique ids)",
)
@click.option(
    "--update-month",
    help="YYYY-MM (2025-01 or later): write only that month's new ledgers for the sample of "
    "the same --seed, --scale and --factor, in new files beside it",
)
@click.option(
    "--remove",
    is_flag=True,
    help="remove the sample files (names starting with 样例数据) from the raw folder (or --out), "
    "to start with your own ledgers",
)
def sample(
    out: Path | None, seed: int, scale: str, factor: int, update_month: str | None, remove: bool
):
    """Write realistic, messy sample ledgers (file names start with 样例数据), or remove them."""
    from safetystats.sample import parse_month, write_sample, write_update

    s = settings()
    target = out or s.raw
    if remove:
        remove_sample(target)
        return
    if update_month is None:
        files = write_sample(target, s, seed, scale, factor)
        what = "sample files"
    else:
        month = parse_month(update_month)
        files = write_update(target, s, month, seed, scale, factor)
        what = f"update files for {month:%Y-%m}"
    times = f", {factor}×" if factor > 1 else ""
    console.print(f"wrote {len(files)} {what} ({scale}{times}, seed {seed}) to {target}")


def remove_sample(folder: Path) -> None:
    from safetystats.ingest.sample_files import remove_samples

    removed = remove_samples(folder)
    console.print(
        f"removed {len(removed)} sample files (样例数据) from {folder}; the other files are "
        f"kept / 已删除 {len(removed)} 个样例数据文件，其他文件未动"
    )
    if removed:
        console.print(
            "a store that holds sample rows keeps them: `make clean` (or delete the store) "
            "before ingesting your own ledgers / 数据库中已导入的样例数据需先清除（make clean）"
        )


@app.command()
@click.argument("files", nargs=-1, required=True, type=PATH)
@click.option(
    "--write-mapping", type=PATH, help="write the safetystats.toml block that would make them load"
)
def inspect(files: tuple[Path, ...], write_mapping: Path | None):
    """Show how each file would be read, before anything is stored (exit 1 if a table would not load)."""
    from safetystats import atomic
    from safetystats.ingest.inspect import inspect_files, mapping_toml

    s = settings()
    reports = inspect_files(files, s)
    for r in reports:
        state = "[green]loads[/green]" if r.loads else "[red]does not load[/red]"
        console.rule(f"{escape(r.label)} · {r.dataset or '?'} · {state}")
        if r.error:
            console.print(f"[red]{escape(r.error)}[/red]")
            for row, cells in r.candidates:
                listed = "; ".join(f"{c} → {'/'.join(cols) or '?'}" for c, cols in cells)
                console.print(f"  header candidate, row {row}: {escape(listed)}")
            console.print(r.next_step)
            continue
        if r.runner_up:
            console.print(f"looks like [bold]{r.dataset}[/bold] (runner-up: {r.runner_up})")
        table = Table(show_header=True)
        table.add_column("header (表头)")
        table.add_column("column")
        for header, column in r.headers:
            table.add_row(escape(header), escape(column) if column else "[dim]— not used[/dim]")
        console.print(table)
        for column, closest in r.missing.items():
            console.print(
                f"[red]missing required column[/red] {column}"
                + (f"; closest headers: {escape('、'.join(closest))}" if closest else "")
            )
        for column, values in r.unknown.items():
            listed = ", ".join(f"{v} ({n})" for v, n in values)
            console.print(f"[yellow]{column}: values not understood:[/yellow] {listed}")
        if not r.missing:
            console.print(
                f"rows read {r.rows_read}: would store {r.stored}, quarantine {r.quarantined}, "
                f"skip {r.skipped} (cross-file checks such as unknown enterprises come at validate)"
            )
        for note in r.notes:
            err.print(f"[dim]note:[/dim] {escape(note)}")
        console.print(r.next_step)
    if write_mapping:
        atomic.write_text(write_mapping, mapping_toml(reports, s))
        console.print(f"wrote {write_mapping}")
    raise Exit(0 if reports and all(r.loads for r in reports) else 1)


def print_ingest(results) -> int:
    table = Table(title="ingest", show_lines=False)
    for col in ("file", "dataset", "status", "read", "stored", "held", "skipped", "title rows"):
        table.add_column(
            col,
            justify="right"
            if col in ("read", "stored", "held", "skipped", "title rows")
            else "left",
        )
    for r in results:
        colour = {"ingested": "green", "unchanged": "dim", "failed": "red"}[r.status]
        table.add_row(
            r.path.name,
            ",".join(r.datasets),
            f"[{colour}]{r.status}[/{colour}]",
            str(r.rows_read),
            str(r.rows_stored),
            str(r.rows_held),
            str(r.rows_skipped),
            str(r.title_rows),
        )
    console.print(table)
    for note in getattr(results, "notes", []):
        err.print(f"[dim]note:[/dim] {escape(note)}")
    for r in results:
        if r.status == "failed":
            err.print(f"[red]failed:[/red] {escape(r.message)}")
        for w in r.warnings:
            err.print(f"[yellow]note:[/yellow] {escape(w)}")
    return 1 if any(r.status == "failed" for r in results) else 0


@app.command()
@click.argument("paths", nargs=-1, type=PATH, callback=checked(listed))
@click.option(
    "--rebuild",
    is_flag=True,
    help="set the store aside (kept beside it) and build it again from the files it recorded "
    "and the raw folder (for a store an older or newer version wrote)",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="processes reading and preparing files while this one writes (default: one per core "
    "on 3+ cores for large files, else two threads preparing the next files while this one is "
    "stored: config/performance.toml); 1: one file after the other",
)
def ingest(paths: list[Path] | None, rebuild: bool, jobs: int | None):
    """Read ledgers into the store, one transaction per file."""
    from safetystats.ingest import ingest as run_ingest
    from safetystats.ingest.pipeline import rebuild as run_rebuild

    s = settings()
    if not paths and not s.raw.exists():
        raise UsageError(f"没有台账目录 / no raw folder at {s.raw}")
    if not rebuild:
        raise Exit(print_ingest(run_ingest(paths or None, s, jobs)))
    aside, results = run_rebuild(paths, s, jobs)
    code = print_ingest(results)
    if aside:
        console.print(f"the old store is kept as {aside} (旧数据库保留在此)")
    raise Exit(code)


def print_validation(result, out: Console | None = None) -> None:
    table = Table(title="validate")
    for col in (
        "dataset",
        "数据集",
        "rows",
        "held at ingest",
        "errors",
        "warnings",
        "quarantined",
        "valid",
        "status",
    ):
        table.add_column(
            col, justify="right" if col not in ("dataset", "数据集", "status") else "left"
        )
    colours = {"passed": "green", "warnings": "yellow", "quarantined": "red"}
    for d in result.datasets:
        c = colours[d.status]
        table.add_row(
            d.dataset,
            d.label_zh,
            str(d.rows_checked),
            str(d.rows_held),
            str(d.errors),
            str(d.warnings),
            str(d.rows_quarantined),
            str(d.rows_valid),
            f"[{c}]{d.status}[/{c}]",
        )
    (out or console).print(table)


@app.command()
@click.option(
    "--full",
    is_flag=True,
    help="run the expectation suites over every row, not only the rows of the files ingested "
    "since the last validation",
)
def validate(full: bool):
    """Run the expectation suites, rebuild the quarantine, write reports/quarantine.csv and the report page."""
    s = settings()
    require_store(s)
    refresh(s, force=True, full=full)


JSON_FIELDS = [  # DATA_SPEC 7
    "scope",
    "district_code",
    "district",
    "level",
    "parent_code",
    "target_id",
    "metric",
    "phase",
    "value",
    "threshold",
    "numerator",
    "denominator",
    "status",
    "gap_count",
    "projected",
    "window_start",
    "deadline",
]
STATUS_COLOUR = {"met": "green", "on_track": "cyan", "behind": "red", "no_data": "dim"}


def require_store(s: Settings) -> None:
    if not s.db.exists():
        raise StoreNotReadyError(
            f"no store at {s.db}: run `safetystats ingest` first (还没有数据库，请先导入台账)"
        )


def refresh(
    s: Settings, force: bool = False, out: Console | None = None, full: bool = False
) -> None:
    """Validate and curate first when the store changed (always with ``force``); the summary
    goes to ``out`` (stderr for commands whose stdout is data)."""
    from safetystats.pipeline import refresh as run_refresh

    out = out or console
    result = run_refresh(s, force=force, full=full)
    if result is not None:
        print_validation(result, out)
        out.print(
            f"quarantine: {s.reports / 'quarantine.csv'}   report: {s.reports / 'validation.html'}"
        )


def pl_records():
    """The number of records behind an attainment frame: denominators, and counts."""
    import polars as pl

    return pl.coalesce(pl.col("denominator"), pl.col("numerator")).fill_null(0).sum()


def json_rows(frame, fields: list[str]) -> list[dict]:
    """The rows of ``frame`` as JSON objects of ``fields`` (dates as YYYY-MM-DD)."""
    return [
        {
            k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in row.items()
            if k in fields
        }
        for row in frame.iter_rows(named=True)
    ]


def as_of_json(as_of, rows: list[dict]) -> str:
    """DATA_SPEC 7: one object, {"as_of": "YYYY-MM-DD", "rows": [...]}."""
    import json

    day = as_of.isoformat() if as_of else None
    return json.dumps({"as_of": day, "rows": rows}, ensure_ascii=False, indent=1)


def attainment_json(frame) -> str:
    return as_of_json(frame["as_of"][0] if frame.height else None, json_rows(frame, JSON_FIELDS))


def attainment_csv(frame) -> str:
    """The attainment table as `attainment --format csv` writes it."""
    from safetystats import inert

    return inert.csv_text(frame.select(JSON_FIELDS + ["name", "eval_date"]))


def emit(text: str, format: str, output: Path | None = None) -> None:
    """What --format csv or json made, to --output or stdout (CSV with a BOM, for Excel)."""
    from safetystats import atomic

    text = text if text.endswith("\n") else text + "\n"
    if output:
        atomic.write_text(output, text, bom=format == "csv")
        console.print(f"wrote {output}")
    else:
        sys.stdout.write(("\ufeff" if format == "csv" else "") + text)


@app.command()
@AsOf
@Units
@Format
@click.option("--output", type=PATH, help="write to this file instead of printing")
def attainment(as_of, district: list[str] | None, format: str, output: Path | None):
    """Print or write the attainment table: every target per district and for the whole city."""
    from safetystats.metrics import attainment as compute
    from safetystats.metrics.targets import load_targets
    from safetystats.numbers import counts, figure

    if output and format == "table":
        raise UsageError(
            "--output 需配合 --format csv 或 json / --output needs --format csv or json"
        )
    s = settings()
    require_store(s)
    load_targets(s.targets)  # a broken targets file fails before any work
    refresh(s, out=err)
    frame = compute(s, as_of, district)
    # nothing to report (an empty store, no record in any window): said, and exit 1
    records = frame.select(pl_records()).item() if frame.height else 0
    nothing = records == 0
    if nothing:
        err.print("[yellow]nothing to report: no record in the window of any target[/yellow]")
    if format == "json":
        emit(attainment_json(frame), format, output)
    elif format == "csv":
        emit(attainment_csv(frame), format, output)
    else:
        lab = labels_for(s)
        table = Table(title=f"{lab['cli_title']} · {lab['as_of']} {frame['as_of'][0]}")
        for i, col in enumerate(lab["cli_columns"]):
            table.add_column(col, justify="left" if i < 2 or i == 5 else "right")
        for r in frame.iter_rows(named=True):
            label, colour = lab[r["status"]], STATUS_COLOUR[r["status"]]
            table.add_row(
                r["district"],
                r["name"],
                figure(r["value"], r["kind"]),
                figure(r["threshold"], r["kind"]),
                counts(r["numerator"], r["denominator"]),
                f"[{colour}]{label}[/{colour}]",
                "—" if r["gap_count"] is None else str(r["gap_count"]),
                figure(r["projected"], r["kind"]),
            )
        console.print(table)
    raise Exit(1 if nothing else 0)


@app.command()
@AsOf
@click.option("--output", type=PATH, help="the .xlsx to write; default: beside the bulletins")
@Lang
def export(as_of, output: Path | None, lang: str | None):
    """The follow-up workbook (督办): attainment, to-do lists, data freshness, quarantine."""
    s = settings()
    require_store(s)
    refresh(s, out=err)
    latest = as_of_or_latest(s, None)  # an empty store: nothing to report (7, exit 1)
    path = export_workbook(s, as_of or latest, output, lang)
    console.print(f"workbook: {path}")


def export_workbook(s: Settings, as_of=None, output=None, lang=None, force=True) -> str:
    """The workbook's path, and "(unchanged, not redone)" when its inputs did not change."""
    from safetystats.report.workbook import export as write_export

    path, written = write_export(s, as_of, output, lang, force)
    return str(path) if written else f"{path} (unchanged, not redone / 未变化，沿用)"


@app.command()
@AsOf
@Units
@Format
def warnings(as_of, district: list[str] | None, format: str):
    """Accident early warnings (DATA_SPEC 6.5) per unit and for the total."""
    from safetystats.metrics.warnings import accident_warnings

    s = settings()
    require_store(s)
    refresh(s, out=err)
    day = as_of_or_latest(s, as_of)
    frame = accident_warnings(s, day, district)
    fields = ["district_code", "district", "rule", "first_date", "last_date", "accident_ids"]
    rows = json_rows(frame, fields)
    if format == "json":
        emit(as_of_json(day, rows), format)
    elif format == "csv":
        from safetystats import inert

        emit(inert.csv_text(frame.select(fields).with_columns(pl_join_ids())), format)
    else:
        lab = labels_for(s)
        table = Table(title=f"{lab['warnings_title']} · {lab['as_of']} {day or ''}")
        for col in lab["warnings_columns"]:
            table.add_column(col)
        for r in rows:
            table.add_row(
                r["district"],
                lab["warning_rules"][r["rule"]],
                f"{r['first_date']} – {r['last_date']}",
                "、".join(r["accident_ids"]),
            )
        console.print(table if rows else lab["no_warnings"])


def as_of_or_latest(s: Settings, as_of):
    """--as-of (a date, from its option), else the latest event date in the store."""
    from safetystats.metrics.engine import latest_event_date, open_store

    day = as_of
    if day is None:
        with open_store(s) as con:
            day = latest_event_date(con)
    if day is None:  # an empty store: nothing to report (7, exit 1)
        raise NothingToReportError("数据库中还没有记录 / the store holds no record")
    return day


def print_rows(format: str, as_of, rows: list[dict], table) -> None:
    """json / csv / a rich table (made only when asked) of statistic or assessment rows."""
    from safetystats.stats.present import to_csv, to_json

    if format == "json":
        sys.stdout.write(to_json(as_of, rows) + "\n")
    elif format == "csv":
        sys.stdout.write(to_csv(rows))
    else:
        console.print(table())


@app.command()
@click.argument("kind", callback=checked(statistics_kind))
@AsOf
@Units
@Format
def stats(kind: str, as_of, district: list[str] | None, format: str):
    """Accident (6.7), enforcement (6.8) and hazard (6.4) statistics per unit and the total.

    KIND: accidents | enforcement | hazards | reporting."""
    from safetystats.stats import present, statistics

    s = settings()
    require_store(s)
    refresh(s, out=err)
    day = as_of_or_latest(s, as_of)
    lab = labels_for(s)
    rows = statistics.KINDS[kind](s, day, district)
    table = present.reporting_table if kind == "reporting" else None
    print_rows(
        format,
        day,
        rows,
        lambda: table(day, rows, lab) if table else present.stats_table(kind, day, rows, lab),
    )
    if not statistics.any_figure(kind, rows):
        dataset = lab["datasets"][statistics.DATASETS[kind]]
        err.print(f"[yellow]{lab['stats_no_ledger'].format(dataset=dataset)}[/yellow]")
        raise Exit(1)


@app.command()
@AsOf
@click.option("--level", help="the registry level shown (default: below the top)")
@Format
@Compare
def assess(as_of, level: str | None, format: str, compare):
    """Scores, grades and ranks among siblings (DATA_SPEC 6.9)."""
    from safetystats.metrics.assessment import load_assessment
    from safetystats.stats import present, statistics

    s = settings()
    load_assessment(s)  # a broken [assessment] fails before any work
    chosen = parse_level(level, s)
    require_store(s)
    refresh(s, out=err)
    day, before = as_of_or_latest(s, as_of), compare
    if before is not None and before >= day:
        raise UsageError(
            f"--compare {before} 须早于 as-of {day} / must be before the as-of date {day}"
        )
    if chosen is None:
        from safetystats.report.plan import default_level

        chosen = default_level(s.registry)
    rows = statistics.assessment_rows(s, day, None if chosen == "all" else chosen, before)
    lab = labels_for(s)
    if before is not None and any(r["prev_recomputed"] for r in rows):
        err.print(f"[dim]{lab['assess_recomputed']} ({before})[/dim]")
    print_rows(format, day, rows, lambda: present.assess_table(day, rows, lab))
    raise Exit(0 if any(r["score"] is not None for r in rows) else 1)


def pl_join_ids():
    import polars as pl

    return pl.col("accident_ids").list.join("|")


def run_bulletins(
    s: Settings,
    as_of=None,
    districts=None,
    jobs=None,
    lang=None,
    level=None,
    pdf=False,
    force=False,
) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from safetystats.report.runner import EmptyStoreError, chosen_units
    from safetystats.report.runner import bulletins as run_all

    count = len(chosen_units(s, districts, level)) + 1
    with Progress(
        TextColumn("[bold]bulletins"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
    ) as progress:
        task = progress.add_task("", total=count)

        def advance(result):
            mark = "[green]✓[/green]" if result.ok else "[red]✗[/red]"
            if result.unchanged:
                mark = "[dim]= unchanged, not redone[/dim]"
            progress.update(
                task, advance=1, description=f"{mark} {result.job.name} ({result.seconds:.1f}s)"
            )

        try:
            result = run_all(
                s, as_of, districts, jobs, lang, progress=advance, level=level, pdf=pdf, force=force
            )
        except EmptyStoreError as exc:
            progress.stop()
            err.print(f"[red]{exc}[/red]")
            return 1
    for r in result.failed:
        err.print(
            f"[red]failed:[/red] {r.job.name}: {r.error.splitlines()[0] if r.error else ''}"
            + (f" (executed notebook kept: {r.notebook})" if r.notebook else "")
        )
    ok = len(result.results) - len(result.failed)
    console.print(f"{ok} of {len(result.results)} bulletins written to {result.folder}")
    if result.skipped:
        err.print(
            "[yellow]no bulletin for units without records in any target's window:[/yellow] "
            + "、".join(result.skipped)
        )
    console.print(f"index: {result.index}")
    State.index = result.index
    return 1 if result.failed or result.skipped else 0


@app.command()
@AsOf
@Units
@Jobs
@Lang
@click.option(
    "--level",
    help="bulletins for every unit of this registry level (1, 2, …) or of all levels (all); "
    "default: the level below the top",
)
@Pdf
@Force
def bulletins(as_of, district, jobs, lang, level: str | None, pdf: bool, force: bool):
    """Execute the notebooks with papermill into offline HTML bulletins and an index page."""
    s = settings()
    require_store(s)
    refresh(s)
    chosen = parse_level(level, s)
    raise Exit(run_bulletins(s, as_of, district, jobs, lang, chosen, pdf, force))


@app.command()
@AsOf
@Units
@click.option("--level", help="registry level (default: below the top)")
@click.option("--pdf", is_flag=True, help="the unit's bulletin PDF beside it")
def packages(as_of, district, level: str | None, pdf: bool):
    """One follow-up workbook (督办清单) per unit, to fill in and send back."""
    from safetystats.followup.packages import make_packages

    s = settings()
    require_store(s)
    refresh(s, out=err)
    written = make_packages(s, as_of, district, parse_level(level, s), pdf)
    console.print(
        f"{len(written)} packages written to {written[0].parent if written else s.reports}"
    )


@app.command()
@click.argument("dataset")
@click.option("--district", help="the unit: its name filled in, its enterprises offered")
@click.option("--period", help="the month it reports, YYYY-MM")
@click.option("--output", type=PATH, help="the .xlsx to write")
def template(dataset: str, district: str | None, period: str | None, output: Path | None):
    """A blank ledger (填报模板) for units to fill: headers, drop-downs, an example row.

    DATASET: hazards, drills, … (DATA_SPEC 2)."""
    from safetystats.followup.template import write_template

    s = settings()
    path = write_template(s, dataset, district, period, output)
    console.print(f"template: {path}")


def run_notice(s: Settings, day, compare, lang, pdf: bool, force: bool) -> int:
    """The 通报 of a run, after the bulletins (whose saved figures it compares with)."""
    from safetystats.report.notice import make_notice

    try:
        written = make_notice(s, day, compare or "auto", lang, pdf, force=force)
    except Exception as exc:  # noqa: BLE001 - the run goes on, and says it failed
        err.print(f"[red]notice failed:[/red] {type(exc).__name__}: {escape(str(exc))}")
        return 1
    for path in written:
        console.print(f"notice: {path}")
    return 0


@app.command()
@AsOf
@Compare
@Lang
@click.option("--pdf", is_flag=True, help="also a PDF made by LibreOffice")
@click.option("--output", type=PATH, help="the .docx to write")
def notice(as_of, compare, lang, pdf: bool, output: Path | None):
    """The 通报: a GB/T 9704 document from the figures, with the change since last time."""
    from safetystats.report.notice import make_notice

    s = settings()
    require_store(s)
    refresh(s, out=err)
    for path in make_notice(s, as_of, compare or "auto", lang, pdf, output):
        console.print(f"notice: {path}")


def parse_level(level: str | None, s: Settings) -> int | str | None:
    """--level: a level of the registry, or all (exit 2 otherwise)."""
    from safetystats.report.runner import ALL_LEVELS

    if level is None or level == ALL_LEVELS:
        return level
    levels = s.registry.levels()
    if not level.isdigit() or int(level) not in levels:
        raise UsageError(
            f"--level {level}: 单位名录的层级为 / the registry has levels {levels} (or all)"
        )
    return int(level)


@app.command()
@Scale(
    "--sample-scale",
    help="volumes of the sample written into an empty raw folder (for the configured registry)",
)
@Jobs
@AsOf
@Lang
@Pdf
@Force
@Compare
@click.option(
    "--data-only",
    is_flag=True,
    help="ingest, validate and write the attainment table (reports/attainment.csv) only: no "
    "bulletins, workbook or 通报",
)
def run(sample_scale: str, jobs, as_of, lang, pdf: bool, force: bool, compare, data_only: bool):
    """The one scheduled command: sample data if the raw folder is empty, then ingest,
    validate, bulletins, the follow-up workbook and the 通报. It does everything it can and
    exits 1 if anything failed."""
    from safetystats.ingest import ingest as run_ingest

    s = settings()
    if not s.raw.exists() or not any(p.is_file() and p.suffix != ".md" for p in s.raw.rglob("*")):
        from safetystats.sample import write_sample

        # the units of the configured registry, whichever registry the scale is written for
        files = write_sample(s.raw, s, scale_name=sample_scale, any_registry=True)
        console.print(
            f"the raw folder was empty: wrote {len(files)} sample files (样例数据) to {s.raw}"
        )
    code = print_ingest(run_ingest(None, s))
    refresh(s)
    day = as_of
    if data_only:  # the month's data in one process (the three commands start three)
        from safetystats.metrics import attainment as compute

        path = s.reports / "attainment.csv"
        emit(attainment_csv(compute(s, day, None)), "csv", path)
        raise Exit(code)
    code = max(code, run_bulletins(s, day, jobs=jobs, lang=lang, pdf=pdf, force=force))
    try:
        console.print(f"workbook: {export_workbook(s, day, lang=lang, force=force)}")
    except Exception as exc:  # noqa: BLE001 - the run goes on, and says it failed
        err.print(f"[red]export failed:[/red] {type(exc).__name__}: {exc}")
        code = 1
    code = max(code, run_notice(s, day, compare, lang, pdf, force))
    if State.index:  # the run ends with the page to open
        console.print(f"index: {State.index}")
    raise Exit(code)


def entry() -> None:
    """The console script. The commands answer the errors of errors.EXIT_CODES themselves;
    this catches those raised before a command starts."""
    try:
        app()
    except Exception as exc:
        code = failed(exc)
        if code is None:
            raise
        sys.exit(code)


if __name__ == "__main__":
    entry()
