"""Command line: safetystats [--config FILE] COMMAND (DATA_SPEC section 7).

Exit codes: 0 success; 1 some input could not be read or a run partly failed (the rest
still done); 2 usage or configuration error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from safetystats.config import ConfigError, Settings, labels_for, load_settings
from safetystats.errors import StoreBusyError, StoreNotReadyError, StoreVersionError, write_error

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="District-by-district attainment of the work-safety campaign targets.",
)
console = Console(width=None if Console().is_terminal else 160)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 160)


AsOf = Annotated[
    str | None, typer.Option("--as-of", help="YYYY-MM-DD; default: the latest event date")
]
Units = Annotated[
    list[str] | None,
    typer.Option(help="a unit (any spelling the registry resolves, or the total); repeat"),
]


class State:
    config: Path | None = None
    index: Path | None = None  # the index page of the last bulletins run


def settings(**overrides) -> Settings:
    try:
        return load_settings(State.config, **overrides)
    except ConfigError as exc:
        err.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


@app.callback()
def main(
    config: Annotated[
        Path | None, typer.Option("--config", help="safetystats.toml to read")
    ] = None,
):
    State.config = config


@app.command()
def sample(
    out: Annotated[
        Path | None, typer.Option(help="folder to write (default: the raw folder)")
    ] = None,
    seed: Annotated[
        int,
        typer.Option(
            help="random seed; the same seed writes the same files, another seed other records"
        ),
    ] = 2024,
    scale: Annotated[str, typer.Option(help="small | city | province | street")] = "city",
    factor: Annotated[
        int,
        typer.Option(
            min=1, help="N × the volumes of the scale in one sample (same registry, unique ids)"
        ),
    ] = 1,
    update_month: Annotated[
        str | None,
        typer.Option(
            "--update-month",
            help="YYYY-MM (2025-01 or later): write only that month's new ledgers for the "
            "sample of the same --seed, --scale and --factor, in new files beside it",
        ),
    ] = None,
):
    """Write realistic, messy sample ledgers (file names start with 样例数据)."""
    from safetystats.sample import SCALES, parse_month, write_sample, write_update

    if scale not in SCALES:
        err.print(f"[red]--scale must be one of {', '.join(SCALES)}[/red]")
        raise typer.Exit(2)
    s = settings()
    target = out or s.raw
    try:
        if update_month is None:
            files = write_sample(target, s, seed, scale, factor)
            what = "sample files"
        else:
            month = parse_month(update_month)
            files = write_update(target, s, month, seed, scale, factor)
            what = f"update files for {month:%Y-%m}"
    except ConfigError as exc:
        err.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    times = f", {factor}×" if factor > 1 else ""
    console.print(f"wrote {len(files)} {what} ({scale}{times}, seed {seed}) to {target}")


@app.command()
def inspect(
    files: Annotated[list[Path], typer.Argument(help="ledger files to look at")],
    write_mapping: Annotated[
        Path | None,
        typer.Option(
            "--write-mapping", help="write the safetystats.toml block that would make them load"
        ),
    ] = None,
):
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
    raise typer.Exit(0 if reports and all(r.loads for r in reports) else 1)


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
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="files or folders (default: the raw folder)")
    ] = None,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="set the store aside (kept beside it) and build it again from the files it "
            "recorded and the raw folder (for a store an older or newer version wrote)",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            min=1,
            help="processes reading and preparing files while this one writes (default: one "
            "per core on 3+ cores for large files, config/performance.toml); 1: all in this one",
        ),
    ] = None,
):
    """Read ledgers into the store, one transaction per file."""
    from safetystats.ingest import ingest as run_ingest
    from safetystats.ingest.pipeline import rebuild as run_rebuild

    s = settings()
    if not paths and not s.raw.exists():
        err.print(f"[red]no raw folder at {s.raw}[/red]")
        raise typer.Exit(2)
    if not rebuild:
        raise typer.Exit(print_ingest(run_ingest(paths or None, s, jobs)))
    aside, results = run_rebuild(paths, s, jobs)
    code = print_ingest(results)
    if aside:
        console.print(f"the old store is kept as {aside} (旧数据库保留在此)")
    raise typer.Exit(code)


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
def validate(
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="run the expectation suites over every row, not only the rows of the files "
            "ingested since the last validation",
        ),
    ] = False,
):
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
        err.print(f"[red]no store at {s.db}: run ingest first[/red]")
        raise typer.Exit(2)


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


def parse_date(value: str | None):
    import datetime as dt

    from safetystats.normalize import clean_text
    from safetystats.normalize import parse_date as parse

    if value is None:
        return None
    parsed = parse(clean_text(value) or "")
    if not isinstance(parsed, dt.date):
        err.print(f"[red]--as-of {value!r} is not a date (YYYY-MM-DD)[/red]")
        raise typer.Exit(2)
    if parsed > dt.date.today():
        err.print(f"[red]--as-of {parsed} is after today: there is nothing to report yet[/red]")
        raise typer.Exit(2)
    return parsed


def pl_records():
    """The number of records behind an attainment frame: denominators, and counts."""
    import polars as pl

    return pl.coalesce(pl.col("denominator"), pl.col("numerator")).fill_null(0).sum()


def attainment_json(frame) -> str:
    import json

    as_of = frame["as_of"][0].isoformat() if frame.height else None
    rows = [
        {
            k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in row.items()
            if k in JSON_FIELDS
        }
        for row in frame.iter_rows(named=True)
    ]
    return json.dumps({"as_of": as_of, "rows": rows}, ensure_ascii=False, indent=1)


@app.command()
def attainment(
    as_of: AsOf = None,
    district: Units = None,
    format: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
    output: Annotated[
        Path | None, typer.Option(help="write to this file instead of printing")
    ] = None,
):
    """Print or write the attainment table: every target per district and for the whole city."""
    from safetystats import atomic
    from safetystats.metrics import attainment as compute
    from safetystats.metrics.targets import load_targets
    from safetystats.numbers import figure

    if format not in ("table", "csv", "json"):
        err.print("[red]--format must be table, csv or json[/red]")
        raise typer.Exit(2)
    s = settings()
    require_store(s)
    load_targets(s.targets)  # a broken targets file fails before any work
    refresh(s, out=err)
    try:
        frame = compute(s, parse_date(as_of), district)
    except ConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    # nothing to report (an empty store, no record in any window): said, and exit 1
    records = frame.select(pl_records()).item() if frame.height else 0
    nothing = records == 0
    if nothing:
        err.print("[yellow]nothing to report: no record in the window of any target[/yellow]")
    if format == "json":
        text = attainment_json(frame)
    elif format == "csv":
        text = frame.select(JSON_FIELDS + ["name", "eval_date"]).write_csv()
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
                "—" if r["numerator"] is None else f"{r['numerator']}/{r['denominator']}",
                f"[{colour}]{label}[/{colour}]",
                "—" if r["gap_count"] is None else str(r["gap_count"]),
                figure(r["projected"], r["kind"]),
            )
        if output:
            err.print("[red]--output needs --format csv or json[/red]")
            raise typer.Exit(2)
        console.print(table)
        raise typer.Exit(1 if nothing else 0)
    if output:
        atomic.write_text(output, text + ("" if text.endswith("\n") else "\n"), bom=format == "csv")
        console.print(f"wrote {output}")
    elif format == "csv":
        sys.stdout.write("\ufeff" + text)
    else:
        sys.stdout.write(text + "\n")
    raise typer.Exit(1 if nothing else 0)


@app.command()
def export(
    as_of: AsOf = None,
    output: Annotated[
        Path | None, typer.Option(help="the .xlsx to write; default: beside the bulletins")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="zh | en")] = None,
):
    """The follow-up workbook (督办): attainment, to-do lists, data freshness, quarantine."""
    s = settings()
    require_store(s)
    refresh(s, out=err)
    path = export_workbook(s, parse_date(as_of), output, lang)
    console.print(f"workbook: {path}")


def export_workbook(s: Settings, as_of=None, output=None, lang=None, force=True) -> str:
    """The workbook's path, and "(unchanged, not redone)" when its inputs did not change."""
    from safetystats.report.workbook import export as write_export

    path, written = write_export(s, as_of, output, lang, force)
    return str(path) if written else f"{path} (unchanged, not redone / 未变化，沿用)"


@app.command()
def warnings(
    as_of: AsOf = None,
    district: Units = None,
    format: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
):
    """Accident early warnings (DATA_SPEC 6.5) per unit and for the total."""
    import json

    from safetystats.metrics.warnings import accident_warnings

    if format not in ("table", "csv", "json"):
        err.print("[red]--format must be table, csv or json[/red]")
        raise typer.Exit(2)
    s = settings()
    require_store(s)
    refresh(s, out=err)
    from safetystats.metrics.engine import latest_event_date, open_store

    day = parse_date(as_of)
    if day is None:
        with open_store(s) as con:
            day = latest_event_date(con)
    frame = accident_warnings(s, day, district)
    as_of_text = day.isoformat() if day else ""
    fields = ["district_code", "district", "rule", "first_date", "last_date", "accident_ids"]
    rows = [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items() if k in fields}
        for r in frame.iter_rows(named=True)
    ]
    if format == "json":
        sys.stdout.write(
            json.dumps({"as_of": as_of_text, "rows": rows}, ensure_ascii=False, indent=1) + "\n"
        )
    elif format == "csv":
        flat = frame.select(fields).with_columns(pl_join_ids())
        sys.stdout.write("\ufeff" + flat.write_csv())
    else:
        lab = labels_for(s)
        table = Table(title=f"{lab['warnings_title']} · {lab['as_of']} {as_of_text}")
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


def as_of_or_latest(s: Settings, as_of: str | None):
    """--as-of, else the latest event date in the store."""
    from safetystats.metrics.engine import latest_event_date, open_store

    day = parse_date(as_of)
    if day is None:
        with open_store(s) as con:
            day = latest_event_date(con)
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
def stats(
    kind: Annotated[str, typer.Argument(help="accidents | enforcement | hazards | reporting")],
    as_of: AsOf = None,
    district: Units = None,
    format: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
):
    """Accident (6.7), enforcement (6.8) and hazard (6.4) statistics per unit and the total."""
    from safetystats.stats import present, statistics

    if kind not in statistics.KINDS or format not in ("table", "csv", "json"):
        err.print(f"[red]stats {'|'.join(statistics.KINDS)} [--format table|csv|json][/red]")
        raise typer.Exit(2)
    s = settings()
    require_store(s)
    refresh(s, out=err)
    day = as_of_or_latest(s, as_of)
    lab = labels_for(s)
    try:
        rows = statistics.KINDS[kind](s, day, district)
    except ConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
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
        raise typer.Exit(1)


@app.command()
def assess(
    as_of: AsOf = None,
    level: Annotated[
        str | None, typer.Option(help="the registry level shown (default: below the top)")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
    compare: Annotated[
        str | None, typer.Option("--compare", help="YYYY-MM-DD: also the score and rank then")
    ] = None,
):
    """Scores, grades and ranks among siblings (DATA_SPEC 6.9)."""
    from safetystats.metrics.assessment import load_assessment
    from safetystats.stats import present, statistics

    if format not in ("table", "csv", "json"):
        err.print("[red]--format must be table, csv or json[/red]")
        raise typer.Exit(2)
    s = settings()
    try:
        load_assessment(s)  # a broken [assessment] fails before any work
    except ConfigError as exc:
        err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
    chosen = parse_level(level, s)
    require_store(s)
    refresh(s, out=err)
    day, before = as_of_or_latest(s, as_of), parse_date(compare)
    if before is not None and before >= day:
        err.print(f"[red]--compare {before} must be before the as-of date {day}[/red]")
        raise typer.Exit(2)
    rows = statistics.assessment_rows(s, day, chosen, before)
    lab = labels_for(s)
    if before is not None:
        err.print(f"[dim]{lab['assess_recomputed']} ({before})[/dim]")
    print_rows(format, day, rows, lambda: present.assess_table(day, rows, lab))
    raise typer.Exit(0 if any(r["score"] is not None for r in rows) else 1)


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

    try:
        count = len(chosen_units(s, districts, level)) + 1
    except ConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
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
def bulletins(
    as_of: AsOf = None,
    district: Units = None,
    jobs: Annotated[
        int | None, typer.Option(help="notebooks run in parallel; default: the core count")
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="zh | en; default: report.lang of the config")
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(
            help="bulletins for every unit of this registry level (1, 2, …) or of all levels "
            "(all); default: the level below the top"
        ),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="also print each page to A4 PDF")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="redo bulletins whose inputs did not change")
    ] = False,
):
    """Execute the notebooks with papermill into offline HTML bulletins and an index page."""
    if lang not in (None, "zh", "en"):
        err.print("[red]--lang must be zh or en[/red]")
        raise typer.Exit(2)
    if jobs is not None and jobs < 1:
        err.print("[red]--jobs must be at least 1[/red]")
        raise typer.Exit(2)
    s = settings()
    require_store(s)
    refresh(s)
    chosen = parse_level(level, s)
    raise typer.Exit(run_bulletins(s, parse_date(as_of), district, jobs, lang, chosen, pdf, force))


@app.command()
def packages(
    as_of: AsOf = None,
    district: Units = None,
    level: Annotated[
        str | None, typer.Option(help="registry level (default: below the top)")
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="the unit's bulletin PDF beside it")] = False,
):
    """One follow-up workbook (督办清单) per unit, to fill in and send back."""
    from safetystats.followup.packages import make_packages

    s = settings()
    require_store(s)
    refresh(s, out=err)
    try:
        written = make_packages(s, parse_date(as_of), district, parse_level(level, s), pdf)
    except ConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(
        f"{len(written)} packages written to {written[0].parent if written else s.reports}"
    )


@app.command()
def template(
    dataset: Annotated[str, typer.Argument(help="the dataset: hazards, drills, … (DATA_SPEC 2)")],
    district: Annotated[
        str | None, typer.Option(help="the unit: its name filled in, its enterprises offered")
    ] = None,
    period: Annotated[str | None, typer.Option(help="the month it reports, YYYY-MM")] = None,
    output: Annotated[Path | None, typer.Option(help="the .xlsx to write")] = None,
):
    """A blank ledger (填报模板) for units to fill: headers, drop-downs, an example row."""
    from safetystats.followup.template import write_template

    s = settings()
    try:
        path = write_template(s, dataset, district, period, output)
    except ConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"template: {path}")


@app.command()
def notice(
    as_of: AsOf = None,
    compare: Annotated[
        str | None,
        typer.Option(help="compare with this date (default: the latest earlier run's as-of)"),
    ] = None,
    lang: Annotated[str | None, typer.Option(help="zh | en")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="also a PDF made by LibreOffice")] = False,
    output: Annotated[Path | None, typer.Option(help="the .docx to write")] = None,
):
    """The 通报: a GB/T 9704 document from the figures, with the change since last time."""
    from safetystats.report.notice import NoticeError, make_notice

    s = settings()
    require_store(s)
    refresh(s, out=err)
    try:
        written = make_notice(
            s, parse_date(as_of), parse_date(compare) if compare else "auto", lang, pdf, output
        )
    except NoticeError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    for path in written:
        console.print(f"notice: {path}")


def parse_level(level: str | None, s: Settings) -> int | str | None:
    """--level: a level of the registry, or all (exit 2 otherwise)."""
    from safetystats.report.runner import ALL_LEVELS

    if level is None or level == ALL_LEVELS:
        return level
    levels = s.registry.levels()
    if not level.isdigit() or int(level) not in levels:
        err.print(f"[red]--level {level}: the registry has levels {levels} (or all)[/red]")
        raise typer.Exit(2)
    return int(level)


@app.command()
def run(
    sample_scale: Annotated[
        str,
        typer.Option("--sample-scale", help="scale of the sample written into an empty raw folder"),
    ] = "city",
    jobs: Annotated[
        int | None, typer.Option(help="bulletins run in parallel; default: the core count")
    ] = None,
    as_of: AsOf = None,
    lang: Annotated[str | None, typer.Option(help="zh | en")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="also print each page to A4 PDF")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="redo bulletins whose inputs did not change")
    ] = False,
):
    """The one scheduled command: sample data if the raw folder is empty, then ingest,
    validate, bulletins and the follow-up workbook. It does everything it can and exits 1
    if anything failed."""
    from safetystats.ingest import ingest as run_ingest
    from safetystats.sample import SCALES, write_sample

    if sample_scale not in SCALES:
        err.print(f"[red]--sample-scale must be one of {', '.join(SCALES)}[/red]")
        raise typer.Exit(2)
    s = settings()
    if not s.raw.exists() or not any(p.is_file() and p.suffix != ".md" for p in s.raw.rglob("*")):
        files = write_sample(s.raw, s, scale_name=sample_scale)
        console.print(
            f"the raw folder was empty: wrote {len(files)} sample files (样例数据) to {s.raw}"
        )
    code = print_ingest(run_ingest(None, s))
    refresh(s)
    day = parse_date(as_of)
    code = max(code, run_bulletins(s, day, jobs=jobs, lang=lang, pdf=pdf, force=force))
    try:
        console.print(f"workbook: {export_workbook(s, day, lang=lang, force=force)}")
    except Exception as exc:  # noqa: BLE001 - the run goes on, and says it failed
        err.print(f"[red]export failed:[/red] {type(exc).__name__}: {exc}")
        code = 1
    if State.index:  # the run ends with the page to open
        console.print(f"index: {State.index}")
    raise typer.Exit(code)


def entry() -> None:
    """The console script: what a user can cause is a clear message and an exit code, never a
    traceback (2: configuration or usage; 1: the store or a folder could not be used)."""
    try:
        app()
    except ConfigError as exc:
        err.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        sys.exit(2)
    except StoreNotReadyError as exc:
        err.print(f"[red]{exc}[/red]")
        sys.exit(2)
    except (StoreBusyError, StoreVersionError) as exc:
        err.print(f"[red]{exc}[/red]")
        sys.exit(1)
    except PermissionError as exc:
        err.print(f"[red]permission denied: {exc.filename or exc} (只读或无权限的文件或目录)[/red]")
        sys.exit(1)
    except OSError as exc:  # a full disk or another write error: said plainly
        message = write_error(exc)
        if message is None:
            raise
        err.print(f"[red]{message}[/red]")
        sys.exit(1)


if __name__ == "__main__":
    entry()
