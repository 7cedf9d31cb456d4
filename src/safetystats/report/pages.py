"""The pages of a run: one papermill job per page, run in worker processes (a warm kernel and
one exporter each), exported to self-contained offline HTML; pages whose inputs did not change
since the last run are kept (``.fingerprints.json``)."""

from __future__ import annotations

import functools
import json
import re
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from safetystats import atomic
from safetystats.config import labels_for
from safetystats.report import plotlyjs
from safetystats.report.html import PAGE_CSS, PRINT_SCRIPT, esc, running_header
from safetystats.report.plan import (
    CITY_NAME,
    CITY_NOTEBOOK,
    DISTRICT_NOTEBOOK,
    RunPlan,
    digest,
    unit_stems,
)

_EXTERNAL = re.compile(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", re.IGNORECASE)


@dataclass
class Job:
    name: str  # file stem: the unit's safe name, or city_overview
    notebook: Path
    parameters: dict
    title: str
    code: str | None = None  # the unit of the page (None: the total's)


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


def plan_jobs(plan: RunPlan, units: list, config_path: Path, city: bool) -> list[Job]:
    """The overview (``city``) and one page per unit."""
    labels = labels_for(plan.settings, plan.lang)
    common = {"as_of": plan.as_of.isoformat(), "config": str(config_path), "lang": plan.lang}
    jobs = [Job(CITY_NAME, CITY_NOTEBOOK, common, labels["city_overview"])] if city else []
    stems = unit_stems(plan.settings.registry.districts)
    jobs += [
        Job(
            stems[u.code],
            DISTRICT_NOTEBOOK,
            {"district": u.code, **common},
            f"{u.name} · {labels['district_bulletin']}",
            u.code,
        )
        for u in units
    ]
    return jobs


class Fingerprints:
    """The inputs each page of a run folder was made from (``.fingerprints.json``)."""

    INDEX_KEY = "_index"  # the run's units and those without records (not a page)

    def __init__(self, folder: Path, inputs: str):
        self.path = folder / ".fingerprints.json"
        self.inputs = inputs
        try:
            self.known = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}

    def _print(self, job: Job) -> str:
        return digest(self.inputs, job.name, sorted(job.parameters.items()), job.title)

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

    def _run_print(self, units: list, city: bool) -> str:
        return digest(self.inputs, [u.code for u in units], city)

    def record_run(self, units: list, city: bool, skipped: list[str]) -> None:
        """The units of the run and those without records (no page), for a next run that
        has nothing else to do."""
        self.known[self.INDEX_KEY] = {"print": self._run_print(units, city), "skipped": skipped}

    def skipped_as_before(self, units: list, city: bool) -> list[str] | None:
        """The units skipped by a run of the same inputs and units (None: no such run)."""
        known = self.known.get(self.INDEX_KEY)
        if not isinstance(known, dict) or known.get("print") != self._run_print(units, city):
            return None
        return known["skipped"]

    def save(self) -> None:
        atomic.write_text(self.path, json.dumps(self.known, ensure_ascii=False, indent=0))


def _page_exporter_class():
    """nbconvert's HTMLExporter without its last step, a BeautifulSoup pass over the whole
    page that gives images without one an alt text and JupyterLab's cell classes a tabindex:
    the basic template has none of those classes and every image of a page has its alt, so the
    pass only parsed and wrote the page again (10 % of a run's CPU). The page is the same
    (tests/test_page_export.py compares it with HTMLExporter's)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter's own filters, as it registers them, then the template alone
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            self.register_filter(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("filter_data_type", data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return PageExporter


@functools.cache
def _exporter(exporter_class=None):
    """One exporter per process: its templates are compiled once, not for every page."""
    exporter = (exporter_class or _page_exporter_class())(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.require_js_url = ""
    exporter.mathjax_url = ""
    return exporter


# an image's data or a print chart (--pdf's SVG) in a page's outputs: set aside while the
# exporter parses the page (kept byte for byte, and not parsed)
_IMAGE_DATA = re.compile(
    r'data:image/png;base64,[A-Za-z0-9+/=]+|<svg class="print-chart".*?</svg>', re.S
)
_SET_ASIDE = re.compile(r"safetystats-set-aside-(\d+)")


def _set_aside(nb) -> list[str]:
    """The outputs' images' data replaced by numbered marks (the exporter parses and writes
    the whole page again with BeautifulSoup: 40 % of a worker's time when it held plotly.js
    and the print images); returns what was set aside."""
    kept: list[str] = []

    def mark(match) -> str:
        kept.append(match.group(0))
        return f"safetystats-set-aside-{len(kept) - 1}"

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if html:
                html = "".join(html) if isinstance(html, list) else html
                output["data"]["text/html"] = _IMAGE_DATA.sub(mark, html)
    return kept


def export_html(nb, title: str, lang: str, header: str = "") -> str:
    """The executed notebook as one offline page: outputs only, our stylesheet, no CDN;
    plotly.js where the first chart put its mark."""
    kept = _set_aside(nb)
    body, _ = _exporter().from_notebook_node(nb)
    body = _SET_ASIDE.sub(lambda m: kept[int(m.group(1))], body)
    body = body.replace(plotlyjs.MARK, plotlyjs.script_tag(), 1)
    page = (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f"<style>{PAGE_CSS}</style>{running_header(header or title)}{PRINT_SCRIPT}</head>"
        f"<body>{body}</body></html>"
    )
    if _EXTERNAL.search(page):
        raise RuntimeError(f"{title}: the page references an external script or stylesheet")
    return page


def worker_start() -> None:
    """First thing in a worker process (the pool's initializer): jsonschema, imported with
    nbformat, would compile rfc3987_syntax's IRI grammar (1.3 s of CPU a worker); neither
    nbformat's nor papermill's schema has an IRI format, so the worker goes without it."""
    sys.modules.setdefault("rfc3987_syntax", None)  # jsonschema skips what cannot be imported


def warm_up() -> None:
    """In a worker, while the run's figures are computed: start its kernel and import there
    what a page needs."""
    from jupyter_core.utils import run_sync

    from safetystats.report import kernel_engine

    _, kc = kernel_engine.WarmKernelEngine.client("python3")
    run_sync(kc.execute_interactive)(
        "import safetystats.report.bulletin", silent=True, store_history=False, timeout=120
    )


def run_job(job: Job, out_dir: Path, lang: str, pdf: bool, run_figures: Path) -> JobResult:
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
            # --pdf: each chart also drawn once as an image, so printing runs no plotly.js
            parameters={**job.parameters, "run_figures": str(run_figures), "print_charts": pdf},
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
        # an earlier failure is mended
        (out_dir / "failed" / f"{job.name}.ipynb").unlink(missing_ok=True)
        seconds = time.perf_counter() - started
        return JobResult(job, True, html=target, seconds=seconds, size=len(page.encode()))
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
