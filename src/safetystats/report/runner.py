"""bulletins: a run is plan → figures → render → publish.

1. **plan** (report/plan.py): the units, the as-of date, the language and options, the folder,
   the fingerprint of the inputs — built once, read by every later step;
2. **figures** (report/precomputed.py): everything the outputs show, computed once over the
   store — the only step that reads it;
3. **render and publish** (:data:`OUTPUTS`): each output renders the figures it is given and
   writes its files: the pages (report/pages.py, papermill in warm worker kernels), the run's
   saved figures (report/saved.py, ``figures.json``), the index (report/index.py).

Adding an output is one module with a ``publish(p: Publishing)`` function and one line in
:data:`OUTPUTS`.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from safetystats import atomic, store
from safetystats.config import Settings, labels_for, settings_toml
from safetystats.metrics.engine import open_store
from safetystats.report import index as index_page
from safetystats.report.pages import (
    Fingerprints,
    JobResult,
    plan_jobs,
    run_job,
    warm_up,
    worker_start,
)
from safetystats.report.plan import (
    ALL_LEVELS,
    CITY_NAME,
    EmptyStoreError,
    RunOptions,
    RunPlan,
    chosen_units,
    default_level,
    digest,
    inputs_fingerprint,
    unit_stems,
)
from safetystats.report.precomputed import RunFigures
from safetystats.report.saved import SavedFigures, rows_of

__all__ = [
    "ALL_LEVELS",
    "EmptyStoreError",
    "bulletins",
    "chosen_units",
    "default_level",
    "inputs_fingerprint",
]


@dataclass
class BulletinRun:
    as_of: object
    folder: Path
    index: Path
    results: list[JobResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # units without records: no bulletin
    saved: SavedFigures | None = None  # what the run published (figures.json)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]


@dataclass
class Publishing:
    """What every output is given: the plan, the run's figures, and the run so far."""

    plan: RunPlan
    figures: RunFigures
    run: BulletinRun
    prints: Fingerprints
    pool: ProcessPoolExecutor | None = None
    progress: Callable | None = None
    without_records: set[str] = field(default_factory=set)  # codes of units given no page


def without_records(table: pl.DataFrame, codes: list[str | None]) -> set[str | None]:
    """The unit codes (None: the total) with no record in the window of any target in force:
    every share's denominator and every count is 0."""
    current = table.filter(pl.col("phase") == "in_force").with_columns(
        pl.coalesce(pl.col("denominator"), pl.col("numerator")).fill_null(0).alias("_records")
    )
    active = set(current.filter(pl.col("_records") > 0)["district_code"].to_list())
    return {code for code in codes if code not in active}


def _report(p: Publishing, result: JobResult) -> None:
    p.run.results.append(result)
    if p.progress:
        p.progress(result)


def publish_pages(p: Publishing) -> None:
    """The overview and a page per unit with records (8.1), in the workers; unchanged pages
    are kept."""
    plan, run = p.plan, p.run
    codes = [*(u.code for u in plan.units), None]
    empty = p.without_records = without_records(p.figures.of("attainment", codes), codes)
    if set(codes[:-1]) <= empty and (None in empty or not plan.options.city):
        raise EmptyStoreError(
            f"no unit has a record in the window of a target in force at {plan.as_of}: "
            "no bulletin is written (截至该日期各单位在生效目标期限内均无记录，不生成通报)"
        )
    run.skipped = [u.name for u in plan.units if u.code in empty]
    plan.folder.mkdir(parents=True, exist_ok=True)
    config_path = atomic.write_text(plan.folder / ".run-config.toml", settings_toml(plan.settings))
    # the run's own copy of the validation report, beside the bulletins that link to it
    report = plan.settings.reports / "validation.html"
    if report.exists():
        atomic.write_bytes(plan.folder / "validation.html", report.read_bytes())
    city = plan.options.city and None not in empty  # the overview, when the total has records
    jobs = plan_jobs(plan, [u for u in plan.units if u.code not in empty], config_path, city)
    todo = []
    for job in jobs:
        if not plan.options.force and p.prints.unchanged(job, plan.options.pdf):
            _report(p, JobResult(job, True, html=plan.folder / f"{job.name}.html", unchanged=True))
        else:
            todo.append(job)
    folder = Path(tempfile.mkdtemp(prefix=".figures-", dir=plan.folder))
    try:
        p.figures.save(folder)
        args = (plan.folder, plan.lang, plan.options.pdf, folder)
        for future in as_completed([p.pool.submit(run_job, job, *args) for job in todo]):
            result = future.result()
            p.prints.record(result)
            _report(p, result)
        p.pool.shutdown()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    p.prints.record_run(plan.units, plan.options.city, [c for c in codes if c in empty])
    p.prints.save()
    order = {j.name: i for i, j in enumerate(jobs)}
    run.results.sort(key=lambda r: order.get(r.job.name, len(order)))


def run_figures_saved(p: Publishing) -> SavedFigures:
    """The figures of every unit of the index's level and the total, as published: the
    units of this run fresh, the others as the last run of this folder saved them."""
    plan, figures = p.plan, p.figures
    units = plan.index_units
    codes = [*(u.code for u in units), None]
    stems = unit_stems(plan.settings.registry.districts)
    written = {r.job.name for r in p.run.results if r.ok}
    failed = {r.job.name for r in p.run.failed}

    def entry(code, name, level, parent, stem):
        page = stem in written or (plan.folder / f"{stem}.html").exists()
        return {
            "code": code,
            "name": name,
            "level": level,
            "parent_code": parent,
            "stem": stem,
            "page": stem if page and stem not in failed else None,
            "skipped": code in p.without_records,
        }

    total = figures.of("attainment", [None])
    total_name = total["district"][0] if total.height else ""
    entries = [entry(u.code, u.name, u.level, u.parent, stems[u.code]) for u in units]
    entries.append(entry(None, total_name, 0, None, CITY_NAME))
    stale = figures.of("freshness", codes).filter(pl.col("stale"))
    fresh = SavedFigures(
        plan.as_of.isoformat(),
        plan.lang,
        bool(figures.frames["provenance"]["is_sample"].any()),
        entries,
        rows_of(figures.of("attainment", codes)),
        rows_of(
            figures.of("accident_warnings", codes),
            ["district_code", "rule", "first_date", "last_date", "accident_ids"],
        ),
        rows_of(stale, ["district_code", "dataset", "latest"]),
        rows_of(figures.of("assessment", codes).drop("as_of")),
        figures.statistics,
    )
    ran = {u.code for u in plan.units} | ({None} if plan.options.city else set())
    return fresh.kept_from(SavedFigures.load(plan.folder), ran)


def publish_figures(p: Publishing) -> None:
    """``figures.json``: what the index shows and a later run compares with (6.10)."""
    p.run.saved = run_figures_saved(p)
    p.run.saved.save(p.plan.folder)


def publish_index(p: Publishing) -> None:
    """The index of every unit of its level, from the saved figures; with --pdf its PDF."""
    plan, run = p.plan, p.run
    lab = labels_for(plan.settings, plan.lang)
    unchanged = sum(r.unchanged for r in run.results)
    notes = [lab["index_unchanged"].format(n=unchanged)] if unchanged else []
    notes += [lab["index_skipped"].format(units=lab["list_sep"].join(run.skipped))] * bool(
        run.skipped
    )
    ran = {u.code for u in plan.units}
    if any(u["code"] not in ran and u["code"] is not None for u in run.saved.units):
        notes.append(lab["index_kept"])
    failed = {
        r.job.name: (lab["failed"], r.error.splitlines()[0] if r.error else "") for r in run.failed
    }
    notes += [f"{lab['failed']}: {name}: {error}" for name, (_, error) in failed.items()]
    earlier = SavedFigures.latest_before(plan.folder.parent, run.saved.as_of, plan.lang)
    page = index_page.render(run.saved, plan.settings, lab, notes, failed, earlier)
    atomic.write_text(run.index, page)
    if plan.options.pdf:
        from safetystats.report.pdf import print_pdf

        print_pdf(run.index)


# what a run publishes, in order: each renders the figures it is given
OUTPUTS = (publish_pages, publish_figures, publish_index)


def _unchanged_run(plan: RunPlan, prints: Fingerprints, progress) -> BulletinRun | None:
    """The run as it stands when the last run had the same inputs and units and every page is
    present and unchanged (the index is written again from its saved figures); None when
    anything must be done."""
    skipped = prints.skipped_as_before(plan.units, plan.options.city)
    saved = SavedFigures.load(plan.folder)
    if skipped is None or saved is None:
        return None
    units = [u for u in plan.units if u.code not in set(skipped)]
    city = plan.options.city and None not in skipped
    jobs = plan_jobs(plan, units, plan.folder / ".run-config.toml", city)
    if not all(prints.unchanged(job, plan.options.pdf) for job in jobs):
        return None
    run = BulletinRun(plan.as_of, plan.folder, plan.folder / "index.html", saved=saved)
    run.skipped = [u.name for u in plan.units if u.code in set(skipped)]
    p = Publishing(plan, None, run, prints, progress=progress)
    for job in jobs:
        _report(p, JobResult(job, True, html=plan.folder / f"{job.name}.html", unchanged=True))
    publish_index(p)  # it says: all kept
    return run


def bulletins(
    settings: Settings,
    as_of=None,
    districts: list[str] | None = None,
    jobs: int | None = None,
    lang: str | None = None,
    progress=None,
    city: bool = True,
    level: int | str | None = None,
    pdf: bool = False,
    force: bool = False,
) -> BulletinRun:
    """The bulletins of the units named (any level) or of every unit of one registry level
    (default: the level below the top), the overview (the total's page), figures.json and
    the index."""
    options = RunOptions(lang or settings.lang, jobs, city, pdf, force)
    # the readers' lock for the whole run: a writer waits until every bulletin is written
    with store.shared_lock(settings.db), ExitStack() as stack:
        with open_store(settings) as con:
            plan = RunPlan.build(settings, con, as_of, districts, level, options)
            # the cards show the change since the latest earlier run (6.10): its figures are an
            # input of every page
            earlier = SavedFigures.latest_before(
                plan.folder.parent, plan.as_of.isoformat(), plan.lang
            )
            prints = Fingerprints(
                plan.folder, digest(plan.inputs, earlier.as_of if earlier else "")
            )
            if not force and (kept := _unchanged_run(plan, prints, progress)) is not None:
                return kept
            pool = _start_workers(stack, plan)  # their kernels start while figures are computed
            pages = [*(u.code for u in plan.units), None]
            figures = RunFigures.compute(settings, plan.as_of, plan.lang, con, pages=pages)
            figures.frames["previous"] = previous_frame(earlier)
        run = BulletinRun(plan.as_of, plan.folder, plan.folder / "index.html")
        publishing = Publishing(plan, figures, run, prints, pool, progress)
        for publish in OUTPUTS:
            publish(publishing)
        return run


def previous_frame(earlier: SavedFigures | None) -> pl.DataFrame:
    """The attainment rows an earlier run published (value, status), for the change on the
    cards; empty without an earlier run."""
    schema = {"district_code": pl.String, "target_id": pl.String, "phase": pl.String,
              "value": pl.Float64, "status": pl.String, "as_of": pl.String}  # fmt: skip
    rows = [
        {k: r.get(k) for k in schema} | {"as_of": earlier.as_of}
        for r in (earlier.attainment if earlier else [])
    ]
    return pl.DataFrame(rows, schema=schema)


def _start_workers(stack: ExitStack, plan: RunPlan) -> ProcessPoolExecutor:
    workers = max(1, min(plan.options.jobs or os.cpu_count() or 1, len(plan.units) + 1))
    pool = stack.enter_context(
        ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=worker_start,
        )
    )
    for _ in range(workers):
        pool.submit(warm_up)
    return pool
