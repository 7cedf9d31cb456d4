"""bulletins: execute the notebooks with papermill (in parallel, warm kernels), convert them
to self-contained offline HTML, and write an index page with a traffic-light table."""

from __future__ import annotations

import datetime as dt
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
from safetystats.paths import NOTEBOOKS_DIR
from safetystats.report.html import PAGE_CSS, STATUS_COLOURS, esc, pct

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


@dataclass
class BulletinRun:
    as_of: dt.date
    folder: Path
    index: Path
    results: list[JobResult] = field(default_factory=list)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]


def export_html(nb, title: str, lang: str) -> str:
    """The executed notebook as one offline page: outputs only, our stylesheet, no CDN."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.require_js_url = ""
    exporter.mathjax_url = ""
    body, _ = exporter.from_notebook_node(nb)
    page = (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f"<style>{PAGE_CSS}</style></head><body>{body}</body></html>"
    )
    if _EXTERNAL.search(page):
        raise RuntimeError(f"{title}: the page references an external script or stylesheet")
    return page


def _run_job(job: Job, out_dir: Path, lang: str) -> JobResult:
    """Run in a worker process: execute, export, write atomically."""
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
            parameters=job.parameters,
            engine_name=engine.ENGINE_NAME,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            report_mode=False,
        )
        page = export_html(nb, job.title, lang)
        target = atomic.write_text(out_dir / f"{job.name}.html", page)
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


def plan_jobs(
    settings: Settings,
    as_of: dt.date,
    districts: list,
    lang: str,
    config_path: Path,
    city: bool = True,
) -> list[Job]:
    labels = labels_for(settings, lang)
    common = {"as_of": as_of.isoformat(), "config": str(config_path), "lang": lang}
    jobs = [Job(CITY_NAME, CITY_NOTEBOOK, common, labels["city_overview"])] if city else []
    jobs += [
        Job(
            d.name,
            DISTRICT_NOTEBOOK,
            {"district": d.name, **common},
            f"{d.name} · {labels['district_bulletin']}",
        )
        for d in districts
    ]
    return jobs


def write_index(
    run: BulletinRun, attainment: pl.DataFrame, settings: Settings, lang: str, is_sample: bool
) -> Path:
    lab = labels_for(settings, lang)
    results = {r.job.name: r for r in run.results}
    targets = list(dict.fromkeys(attainment["name"].to_list()))
    head = "".join(f"<th>{esc(t)}</th>" for t in targets)
    body = []
    for name in list(dict.fromkeys(attainment["district"].to_list())):
        part = {
            r["name"]: r
            for r in attainment.filter(pl.col("district") == name).iter_rows(named=True)
        }
        scope = next(iter(part.values()))["scope"]
        stem = CITY_NAME if scope == "total" else name
        res = results.get(stem)
        if res is None and (run.folder / f"{stem}.html").exists():  # written by an earlier run
            link = f'<a href="{esc(stem)}.html">{esc(name)}</a>'
        elif res is None:
            link = esc(name)
        elif res.ok:
            link = f'<a href="{esc(stem)}.html">{esc(name)}</a>'
        else:
            link = f'{esc(name)} <span class="pill" style="background:#cf222e" title="{esc(res.error)}">{esc(lab["failed"])}</span>'
        cells = "".join(
            f'<td style="background:{STATUS_COLOURS[part[t]["status"]]};color:#fff;text-align:center" '
            f'data-status="{part[t]["status"]}" title="{esc(lab[part[t]["status"]])}">{pct(part[t]["value"])}</td>'
            for t in targets
        )
        body.append(f"<tr><td>{link}</td>{cells}</tr>")
    legend = " ".join(
        f'<span class="pill" style="background:{c}">{esc(lab[s])}</span>'
        for s, c in STATUS_COLOURS.items()
    )
    failures = "".join(
        f"<li>{esc(r.job.name)}: {esc(r.error.splitlines()[0] if r.error else '')}</li>"
        for r in run.failed
    )
    page = (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f"<title>{esc(lab['index_title'])}</title><style>{PAGE_CSS}</style></head><body>"
        + (f'<div class="banner">⚠ {esc(lab["sample_banner"])}</div>' if is_sample else "")
        + f'<h1>{esc(lab["index_title"])}</h1><p class="meta">{esc(lab["as_of"])} <b>{run.as_of}</b> · {legend}'
        f' · <a href="../validation.html">{esc(lab["validation_report"])}</a></p>'
        f'<table class="t"><tr><th>{esc(lab["district"])}</th>{head}</tr>{"".join(body)}</table>'
        + (f"<h2>{esc(lab['failed'])}</h2><ul>{failures}</ul>" if failures else "")
        + "</body></html>"
    )
    return atomic.write_text(run.index, page)


def bulletins(
    settings: Settings,
    as_of: dt.date | None = None,
    districts: list[str] | None = None,
    jobs: int | None = None,
    lang: str | None = None,
    progress=None,
    city: bool = True,
) -> BulletinRun:
    """Execute every bulletin (all districts, or those named, and the city overview)."""
    lang = lang or settings.lang
    # the readers' lock for the whole run: a writer waits until every bulletin is written
    with store.shared_lock(settings.db):
        return _bulletins(settings, as_of, districts, jobs, lang, progress, city)


def _bulletins(settings, as_of, districts, jobs, lang, progress, city) -> BulletinRun:
    from safetystats.metrics import engine as metrics
    from safetystats.metrics.engine import open_store

    with open_store(settings) as con:
        as_of = as_of or metrics.latest_event_date(con) or dt.date.today()
        chosen = metrics.resolve_districts(settings, districts)
        table = metrics.attainment(
            settings, as_of, None, lang, con
        )  # the index lists every district
        is_sample = bool(metrics.query(con, "report/provenance", settings)["is_sample"].any())
    # Chinese bulletins in reports/<as-of>/, English ones beside them in reports/<as-of>-en/
    out_dir = settings.reports / (as_of.isoformat() + ("" if lang == "zh" else f"-{lang}"))
    out_dir.mkdir(parents=True, exist_ok=True)
    config_path = atomic.write_text(out_dir / ".run-config.toml", settings_toml(settings))
    job_list = plan_jobs(settings, as_of, chosen, lang, config_path, city)
    run = BulletinRun(as_of, out_dir, out_dir / "index.html")
    workers = max(1, min(jobs or os.cpu_count() or 1, len(job_list)))
    import multiprocessing

    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        futures = [pool.submit(_run_job, job, out_dir, lang) for job in job_list]
        for future in as_completed(futures):
            result = future.result()
            run.results.append(result)
            if progress:
                progress(result)
    order = {j.name: i for i, j in enumerate(job_list)}
    run.results.sort(key=lambda r: order[r.job.name])
    write_index(run, table, settings, lang, is_sample)
    return run
