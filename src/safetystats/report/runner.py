"""bulletins: execute the notebooks with papermill (in parallel, warm kernels), convert them
to self-contained offline HTML, and write an index page with a traffic-light table."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from safetystats import atomic, store
from safetystats.config import Settings, labels_for, settings_toml
from safetystats.numbers import figure
from safetystats.paths import NOTEBOOKS_DIR
from safetystats.report.html import PAGE_CSS, PRINT_SCRIPT, STATUS_COLOURS, esc, running_header
from safetystats.report.precomputed import RunFigures

DISTRICT_NOTEBOOK = NOTEBOOKS_DIR / "district_bulletin.ipynb"
CITY_NOTEBOOK = NOTEBOOKS_DIR / "city_overview.ipynb"
CITY_NAME = "city_overview"
_EXTERNAL = re.compile(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", re.IGNORECASE)


@dataclass
class Job:
    name: str  # file stem: the district name, or city_overview
    notebook: Path
    parameters: dict
    title: str


@dataclass
class JobResult:
    job: Job
    ok: bool
    html: Path | None = None
    notebook: Path | None = None
    error: str = ""
    seconds: float = 0.0
    size: int = 0
    unchanged: bool = False  # inputs as at the last run and files present: not redone


def _digest(*parts) -> str:
    import hashlib

    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\x1f")
    return h.hexdigest()


def inputs_fingerprint(settings: Settings, as_of, lang: str, pdf: bool, store_version: str) -> str:
    """What every page of a run depends on: the store's version, the as-of date, the targets,
    the registry, the settings, the notebooks, the package version, the language, PDFs."""
    import importlib.metadata

    try:
        version = importlib.metadata.version("safetystats")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    files = [settings.targets, settings.districts, DISTRICT_NOTEBOOK, CITY_NOTEBOOK]
    return _digest(
        store_version,
        as_of,
        lang,
        pdf,
        version,
        settings_toml(settings),
        *(f.read_bytes() for f in files),
    )


class Fingerprints:
    """The inputs each page of a run folder was made from (``.fingerprints.json``)."""

    def __init__(self, folder: Path, inputs: str):
        import json

        self.path = folder / ".fingerprints.json"
        self.inputs = inputs
        try:
            self.known = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}

    def _print(self, job: Job) -> str:
        return _digest(self.inputs, job.name, sorted(job.parameters.items()), job.title)

    def unchanged(self, job: Job, pdf: bool) -> bool:
        folder = self.path.parent
        present = (folder / f"{job.name}.html").exists() and (
            not pdf or (folder / f"{job.name}.pdf").exists()
        )
        return present and self.known.get(job.name) == self._print(job)

    def record(self, result: JobResult) -> None:
        if result.ok:
            self.known[result.job.name] = self._print(result.job)
        else:
            self.known.pop(result.job.name, None)

    def _index_print(self, units: list, city: bool) -> str:
        return _digest(self.inputs, [u.code for u in units], city)

    def record_index(
        self, units: list, city: bool, skipped: list[str], table: pl.DataFrame, flags: dict, sample
    ) -> None:
        """The units of the run, those without records (no page), and what the index shows,
        for a next run that has nothing else to do."""
        table.write_parquet(self.path.parent / INDEX_TABLE)
        self.known[INDEX_KEY] = {
            "print": self._index_print(units, city),
            "skipped": skipped,
            "flags": [[code, texts] for code, texts in flags.items()],
            "is_sample": bool(sample),
        }

    def skipped_as_before(self, units: list, city: bool) -> list[str] | None:
        """The units skipped by a run of the same inputs and units (None: no such run)."""
        known = self.known.get(INDEX_KEY)
        if not isinstance(known, dict) or not (self.path.parent / INDEX_TABLE).exists():
            return None
        return known["skipped"] if known.get("print") == self._index_print(units, city) else None

    def save(self) -> None:
        import json

        atomic.write_text(self.path, json.dumps(self.known, ensure_ascii=False, indent=0))


INDEX_KEY = "_index"  # in .fingerprints.json: the run's units and skipped units (not a page)
INDEX_TABLE = ".index.parquet"  # the index's traffic lights, to write it again unchanged


def _unchanged_run(settings, as_of, chosen, lang, city, pdf, prints) -> BulletinRun | None:
    """The run as it stands when the last run had the same inputs and units and every page is
    present and unchanged; None when anything must be done."""
    skipped = prints.skipped_as_before(chosen, city)
    if skipped is None:
        return None
    folder = prints.path.parent
    units = [u for u in chosen if u.code not in set(skipped)]
    job_list = plan_jobs(settings, as_of, units, lang, folder / ".run-config.toml", city)
    if not all(prints.unchanged(job, pdf) for job in job_list):
        return None
    run = BulletinRun(as_of, folder, folder / "index.html")
    run.skipped = [u.name for u in settings.registry.districts if u.code in set(skipped)]
    run.results = [
        JobResult(job, True, html=folder / f"{job.name}.html", unchanged=True) for job in job_list
    ]
    known = prints.known[INDEX_KEY]
    flags = {code: texts for code, texts in known["flags"]}
    table = pl.read_parquet(folder / INDEX_TABLE)
    write_index(run, table, settings, lang, known["is_sample"], flags)  # it says: all kept
    return run


class EmptyStoreError(RuntimeError):
    """The store holds no record at all: no bulletin is written (exit 1)."""


def without_records(table: pl.DataFrame, units: list) -> set[str]:
    """Codes of the units with no record in the window of any target in force: every share's
    denominator and every count is 0."""
    current = table.filter((pl.col("phase") == "in_force") & (pl.col("scope") == "district"))
    if not current.height:
        return set()
    counted = current.with_columns(
        pl.coalesce(pl.col("denominator"), pl.col("numerator")).fill_null(0).alias("_records")
    )
    active = set(counted.filter(pl.col("_records") > 0)["district_code"].to_list())
    return {u.code for u in units if u.code not in active}


@dataclass
class BulletinRun:
    as_of: dt.date
    folder: Path
    index: Path
    results: list[JobResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # units without records: no bulletin

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]


@functools.cache
def _exporter():
    """One exporter per process: its templates are compiled once, not for every page."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.require_js_url = ""
    exporter.mathjax_url = ""
    return exporter


def export_html(nb, title: str, lang: str, header: str = "") -> str:
    """The executed notebook as one offline page: outputs only, our stylesheet, no CDN."""
    body, _ = _exporter().from_notebook_node(nb)
    page = (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f"<style>{PAGE_CSS}</style>{running_header(header or title)}{PRINT_SCRIPT}</head>"
        f"<body>{body}</body></html>"
    )
    if _EXTERNAL.search(page):
        raise RuntimeError(f"{title}: the page references an external script or stylesheet")
    return page


def _run_job(
    job: Job, out_dir: Path, lang: str, pdf: bool = False, run_figures: Path | None = None
) -> JobResult:
    """Run in a worker process: execute, export, write atomically. ``run_figures``: the
    folder of the figures computed once for the run (report/precomputed.py)."""
    import nbformat
    import papermill as pm

    from safetystats.report import kernel_engine as engine

    started = time.perf_counter()
    engine.WarmKernelEngine.last_notebook = None
    try:
        # no output path: papermill would rewrite the whole notebook (plotly.js and all) after every cell
        nb = pm.execute_notebook(
            str(job.notebook),
            None,
            parameters={**job.parameters, "run_figures": str(run_figures or "")},
            engine_name=engine.ENGINE_NAME,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            report_mode=False,
        )
        page = export_html(nb, job.title, lang, f"{job.title} · {job.parameters['as_of']}")
        target = atomic.write_text(out_dir / f"{job.name}.html", page)
        if pdf:
            from safetystats.report.pdf import print_pdf

            print_pdf(target)
        (out_dir / "failed" / f"{job.name}.ipynb").unlink(
            missing_ok=True
        )  # an earlier failure is mended
        return JobResult(
            job, True, html=target, seconds=time.perf_counter() - started, size=len(page.encode())
        )
    except Exception as exc:  # one failing bulletin must not stop the others
        kept = None
        executed = engine.WarmKernelEngine.last_notebook
        if executed is not None:
            kept = atomic.write_text(
                out_dir / "failed" / f"{job.name}.ipynb", nbformat.writes(executed)
            )
        # papermill's own text starts with a blank line: say the notebook's error first
        reason = f"{exc.ename}: {exc.evalue}" if hasattr(exc, "ename") else str(exc).strip()
        message = f"{type(exc).__name__}: {reason}"
        if kept is None:
            message += "\n" + traceback.format_exc(limit=3)
        return JobResult(
            job, False, notebook=kept, error=message[:4000], seconds=time.perf_counter() - started
        )


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def unit_stems(units: list) -> dict[str, str]:
    """A safe, unique file name (stem) per unit code: the name with characters no file system
    accepts replaced; the code appended where two units share a name (济南 and 枣庄's 市中区)."""
    names = [_UNSAFE.sub("_", u.name).strip(". ") or u.code for u in units]
    repeated = {n for n in names if names.count(n) > 1}
    return {
        u.code: f"{n}-{u.code}" if n in repeated else n for u, n in zip(units, names, strict=True)
    }


def default_level(registry) -> int:
    """The level below the top: the first level with more than one unit (the districts of a
    city registry, the cities of a province, the 社区 of a single 街道)."""
    for level in registry.levels():
        if len(registry.units_at(level)) > 1:
            return level
    return 1


def plan_jobs(
    settings: Settings,
    as_of: dt.date,
    units: list,
    lang: str,
    config_path: Path,
    city: bool = True,
) -> list[Job]:
    labels = labels_for(settings, lang)
    common = {"as_of": as_of.isoformat(), "config": str(config_path), "lang": lang}
    jobs = [Job(CITY_NAME, CITY_NOTEBOOK, common, labels["city_overview"])] if city else []
    stems = unit_stems(settings.registry.districts)
    jobs += [
        Job(
            stems[u.code],
            DISTRICT_NOTEBOOK,
            {"district": u.code, **common},
            f"{u.name} · {labels['district_bulletin']}",
        )
        for u in units
    ]
    return jobs


def _index_link(run: BulletinRun, results: dict, stem: str, name: str, lab: dict) -> str:
    res = results.get(stem)
    if res is None and (run.folder / f"{stem}.html").exists():  # written by an earlier run
        return f'<a href="{esc(stem)}.html">{esc(name)}</a>'
    if res is None:
        return esc(name)
    if res.ok:
        return f'<a href="{esc(stem)}.html">{esc(name)}</a>'
    return (
        f'{esc(name)} <span class="pill" style="background:#cf222e" title="{esc(res.error)}">'
        f"{esc(lab['failed'])}</span>"
    )


def _index_head(attainment: pl.DataFrame, lab: dict) -> tuple[list[str], str]:
    """(target ids in order, header cells): each target's name, its threshold beneath, and its
    year when targets of several years are shown (DATA_SPEC 8.4)."""
    targets = attainment.unique("target_id", keep="first", maintain_order=True)
    years = {d.year for d in targets["deadline"].to_list()}
    cells = []
    for t in targets.iter_rows(named=True):
        year = lab["paren"].format(t["deadline"].year) if len(years) > 1 else ""
        threshold = figure(t["threshold"], t["kind"], 0)
        cells.append(
            f'<th class="target">{esc(t["name"])}{esc(year)}'
            f'<div class="small">{esc(lab["threshold"])} {esc(threshold)}</div></th>'
        )
    return targets["target_id"].to_list(), "".join(cells)


def write_index(
    run: BulletinRun,
    attainment: pl.DataFrame,
    settings: Settings,
    lang: str,
    is_sample: bool,
    flags: dict | None = None,
) -> Path:
    """Traffic lights of the total and the units of the run, grouped under their parents, with
    thresholds under the targets, a legend, and ⚠ for stale data and accident warnings."""
    lab = labels_for(settings, lang)
    registry = settings.registry
    stems = unit_stems(registry.districts)
    results = {r.job.name: r for r in run.results}
    targets, head = _index_head(attainment, lab)
    flags = flags or {}
    body, parent_shown = [], None
    for code in dict.fromkeys(attainment["district_code"].to_list()):
        rows = attainment.filter(pl.col("district_code").eq_missing(code))
        part = {r["target_id"]: r for r in rows.iter_rows(named=True)}
        first = next(iter(part.values()))
        if first["scope"] == "total":
            stem = CITY_NAME
        else:
            stem = stems[code]
            parent = first["parent_code"]
            if parent and parent != parent_shown:  # a heading row for each parent
                body.append(
                    f'<tr class="group"><th colspan="{len(targets) + 1}">'
                    f"{esc(registry.by_code[parent].name)}</th></tr>"
                )
                parent_shown = parent
        link = _index_link(run, results, stem, first["district"], lab)
        marks = "".join(
            f' <span class="flag" title="{esc(text)}">⚠</span>' for text in flags.get(code, [])
        )
        cells = "".join(
            f'<td style="background:{STATUS_COLOURS[part[t]["status"]]};color:#fff;text-align:center" '
            f'data-status="{part[t]["status"]}" title="{esc(lab[part[t]["status"]])}">{figure(part[t]["value"], part[t]["kind"])}</td>'
            if t in part
            else "<td></td>"
            for t in targets
        )
        body.append(f'<tr><td class="unit">{link}{marks}</td>{cells}</tr>')
    legend = " ".join(
        f'<span class="pill" style="background:{c}">{esc(lab[s])}</span>'
        for s, c in STATUS_COLOURS.items()
    )
    failures = "".join(
        f"<li>{esc(r.job.name)}: {esc(r.error.splitlines()[0] if r.error else '')}</li>"
        for r in run.failed
    )
    unchanged = sum(r.unchanged for r in run.results)
    notes = [lab["index_unchanged"].format(n=unchanged)] if unchanged else []
    skipped = lab["list_sep"].join(run.skipped)
    notes += [lab["index_skipped"].format(units=skipped)] if run.skipped else []
    page = (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f"<title>{esc(lab['index_title'])}</title><style>{PAGE_CSS}{INDEX_CSS}</style>"
        f"{running_header(lab['index_title'] + ' · ' + str(run.as_of))}</head><body>"
        + (f'<div class="banner">⚠ {esc(lab["sample_banner"])}</div>' if is_sample else "")
        + f'<h1>{esc(lab["index_title"])}</h1><p class="meta">{esc(lab["as_of"])} <b>{run.as_of}</b> · {legend}'
        f" · ⚠ {esc(lab['index_flag'])}"
        f' · <a href="validation.html">{esc(lab["validation_report"])}</a></p>'
        f'<table class="t index"><tr><th>{esc(lab["unit"])}</th>{head}</tr>{"".join(body)}</table>'
        + "".join(f'<p class="small">{esc(n)}</p>' for n in notes)
        + (f"<h2>{esc(lab['failed'])}</h2><ul>{failures}</ul>" if failures else "")
        + "</body></html>"
    )
    return atomic.write_text(run.index, page)


# the index stays readable with 12 targets and 100 units: no one-character-wide columns
INDEX_CSS = (
    "table.index th.target{min-width:5.5em;max-width:9em;font-size:12px;vertical-align:bottom}"
    "table.index td.unit{white-space:nowrap}table.index td{min-width:4em}"
    ".flag{color:#9a6700;font-weight:bold}tr.group th{background:#eaeef2;text-align:left}"
)


def index_flags(run_figures, codes: list, settings: Settings, lang: str) -> dict:
    """Per unit code (None: the total), what earns it a ⚠: stale ledgers, accident warnings."""
    lab = labels_for(settings, lang)
    flags: dict = {}
    fresh = run_figures.of("freshness", codes).filter(pl.col("stale"))
    for r in fresh.iter_rows(named=True):
        text = lab["stale"].format(dataset=lab["datasets"][r["dataset"]], date=r["latest"])
        flags.setdefault(r["district_code"], []).append(text)
    for r in run_figures.of("accident_warnings", codes).iter_rows(named=True):
        flags.setdefault(r["district_code"], []).append(lab["warning_rules"][r["rule"]])
    return flags


def bulletins(
    settings: Settings,
    as_of: dt.date | None = None,
    districts: list[str] | None = None,
    jobs: int | None = None,
    lang: str | None = None,
    progress=None,
    city: bool = True,
    level: int | None = None,
    pdf: bool = False,
    force: bool = False,
) -> BulletinRun:
    """Execute the bulletins of the units named (any level) or of every unit of one registry
    level (default: the level below the top), and the overview (the total's page)."""
    lang = lang or settings.lang
    # the readers' lock for the whole run: a writer waits until every bulletin is written
    with store.shared_lock(settings.db):
        return _bulletins(settings, as_of, districts, jobs, lang, progress, city, level, pdf, force)


ALL_LEVELS = "all"


def chosen_units(settings: Settings, districts: list[str] | None, level: int | str | None) -> list:
    """The units of a run: those named, else every unit of ``level`` (default: below the top;
    ``"all"``: every unit of the registry)."""
    from safetystats.metrics.engine import resolve_districts

    if districts:
        return resolve_districts(settings, districts)
    registry = settings.registry
    if level == ALL_LEVELS:
        return list(registry.districts)
    return registry.units_at(level or default_level(registry))


def _bulletins(
    settings, as_of, districts, jobs, lang, progress, city, level, pdf, force
) -> BulletinRun:
    from contextlib import ExitStack

    with ExitStack() as stack:
        return _bulletins_with(
            stack, settings, as_of, districts, jobs, lang, progress, city, level, pdf, force
        )


def _warm_up() -> None:
    """In a worker, while the run's figures are computed: start its kernel and import there
    what a page needs."""
    from jupyter_core.utils import run_sync

    from safetystats.report import kernel_engine

    _, kc = kernel_engine.WarmKernelEngine.client("python3")
    run_sync(kc.execute_interactive)(
        "import safetystats.report.bulletin", silent=True, store_history=False, timeout=120
    )


def _bulletins_with(
    stack, settings, as_of, districts, jobs, lang, progress, city, level, pdf, force
) -> BulletinRun:
    import multiprocessing
    import shutil
    import tempfile

    from safetystats.metrics import engine as metrics
    from safetystats.metrics.engine import open_store

    with open_store(settings) as con:
        latest = metrics.latest_event_date(con)
        if latest is None:
            raise EmptyStoreError(
                f"the store {settings.db} holds no records: no bulletin is written "
                "(数据库中没有任何记录，不生成通报)"
            )
        as_of = as_of or latest
        chosen = chosen_units(settings, districts, level)
        store_version = store.state(con).get("curated_change", "")
        # Chinese bulletins in reports/<as-of>/, English ones beside them in reports/<as-of>-en/
        out_dir = settings.reports / (as_of.isoformat() + ("" if lang == "zh" else f"-{lang}"))
        # nothing redone when nothing changed: a page whose inputs are as at its last run stays
        inputs = inputs_fingerprint(settings, as_of, lang, pdf, store_version)
        prints = Fingerprints(out_dir, inputs)
        kept = None if force else _unchanged_run(settings, as_of, chosen, lang, city, pdf, prints)
        if kept is not None:  # every page and the index as at the last run: nothing to compute
            for result in kept.results:
                if progress:
                    progress(result)
            if pdf:
                from safetystats.report.pdf import print_pdf

                print_pdf(kept.index)
            return kept
        # the workers start their kernels while the figures are computed
        workers = max(1, min(jobs or os.cpu_count() or 1, len(chosen) + city))
        pool = stack.enter_context(
            ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn")
            )
        )
        for _ in range(workers):
            pool.submit(_warm_up)
        # the figures of every unit, computed once: the index and every page read them
        run_figures = RunFigures.compute(settings, as_of, lang, con)
    # the index lists the units of the run under their parents, and the total
    codes = [*(u.code for u in chosen), None]
    table = run_figures.of("attainment", codes)
    is_sample = bool(run_figures.frames["provenance"]["is_sample"].any())
    flags = index_flags(run_figures, codes, settings, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    config_path = atomic.write_text(out_dir / ".run-config.toml", settings_toml(settings))
    # a unit with no record in the window of any target in force gets no bulletin (8.1)
    empty = without_records(table, chosen)
    planned, chosen = chosen, [u for u in chosen if u.code not in empty]
    job_list = plan_jobs(settings, as_of, chosen, lang, config_path, city)
    run = BulletinRun(as_of, out_dir, out_dir / "index.html")
    run.skipped = [u.name for u in settings.registry.districts if u.code in empty]
    # the run's own copy of the validation report, beside the bulletins that link to it
    report = settings.reports / "validation.html"
    if report.exists():
        atomic.write_bytes(out_dir / "validation.html", report.read_bytes())
    todo = []
    for job in job_list:
        if not force and prints.unchanged(job, pdf):
            result = JobResult(job, True, html=out_dir / f"{job.name}.html", unchanged=True)
            run.results.append(result)
            if progress:
                progress(result)
        else:
            todo.append(job)
    folder = Path(tempfile.mkdtemp(prefix=".figures-", dir=out_dir))
    try:
        run_figures.save(folder)
        futures = [pool.submit(_run_job, job, out_dir, lang, pdf, folder) for job in todo]
        for future in as_completed(futures):
            result = future.result()
            run.results.append(result)
            prints.record(result)
            if progress:
                progress(result)
        pool.shutdown()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    skipped_codes = [u.code for u in settings.registry.districts if u.code in empty]
    prints.record_index(planned, city, skipped_codes, table, flags, is_sample)
    prints.save()
    order = {j.name: i for i, j in enumerate(job_list)}
    run.results.sort(key=lambda r: order[r.job.name])
    write_index(run, table, settings, lang, is_sample, flags)
    if pdf:
        from safetystats.report.pdf import print_pdf

        print_pdf(run.index)
    return run
