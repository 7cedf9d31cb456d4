"""`safetystats notice`: the office's 通报 as a GB/T 9704 .docx (DATA_SPEC 8.5, 6.10).

figures (the run's, computed once) → :class:`NoticeFigures` → blocks (``notice_text``) →
.docx (``docx_gbt9704``) → optionally a PDF made by LibreOffice. The comparison date's figures
are the ones its run saved (``reports/<B>/figures.json``) or, when absent, recomputed from the
current store and said so.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import polars as pl

from safetystats import atomic
from safetystats.config import Settings, labels_for
from safetystats.errors import NothingToReportError
from safetystats.report.docx_gbt9704 import render
from safetystats.report.notice_text import NoticeFigures, Previous, blocks
from safetystats.report.plan import default_level


class NoticeError(NothingToReportError):
    """The notice could not be written (says why; exit 1 through the CLI's error map)."""


def notice_path(settings: Settings, as_of: dt.date, lang: str) -> Path:
    name = f"通报_{as_of.isoformat()}.docx" if lang == "zh" else f"brief_{as_of.isoformat()}.docx"
    return settings.reports / as_of.isoformat() / name


def saved_runs(reports: Path) -> list[dt.date]:
    """The as-of dates of earlier runs that saved their figures, oldest first."""
    found = []
    for folder in reports.glob("????-??-??"):
        try:
            day = dt.date.fromisoformat(folder.name)
        except ValueError:
            continue
        if (folder / "figures.json").is_file():
            found.append(day)
    return sorted(found)


def default_compare(reports: Path, as_of: dt.date) -> dt.date | None:
    """The as-of of the latest earlier run (6.10), if any."""
    earlier = [d for d in saved_runs(reports) if d < as_of]
    return earlier[-1] if earlier else None


def saved_figures(reports: Path, as_of: dt.date) -> dict | None:
    path = reports / as_of.isoformat() / "figures.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _rows(frame: pl.DataFrame | None) -> list[dict]:
    if frame is None:
        return []
    return [
        {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}
        for row in frame.iter_rows(named=True)
    ]


def _measures(settings: Settings, lang: str) -> dict[str, str]:
    from safetystats.metrics.targets import load_targets, metric_definitions

    specs = metric_definitions()
    return {
        t.id: specs.get(t.metric, {}).get(f"unit_{lang}", "")
        for t in load_targets(settings.targets)
    }


def chart_images(
    rows: pl.DataFrame, total: pl.DataFrame, labels: dict, names: tuple[str, str]
) -> list:
    """The same plotly figures as the overview, as PNG at print resolution (≈ 200 dpi at 150
    mm wide), drawn by one browser (``images.renderer``)."""
    from safetystats.report import figures
    from safetystats.report.images import renderer

    wanted = []
    if rows.height:
        wanted.append((names[0], figures.heatmap(rows, labels, "")))
    shares = total.filter(pl.col("kind") == "share")
    if shares.height:
        wanted.append((names[1], figures.targets_chart(shares, labels, "")))
    if not wanted:
        return []
    with renderer() as draw:
        return [(title, draw(fig)) for title, fig in wanted]


def figures_for(settings: Settings, run, as_of: dt.date, lang: str, level: int, previous: Previous | None,
                statistics: dict | None = None, assess: list[dict] | None = None,
                charts: bool = True, sample: bool = False) -> NoticeFigures:  # fmt: skip
    """The notice's figures from the run's figures (``RunFigures``) and, when given, the
    statistics (``{"accidents": rows, "enforcement": rows}``) and the assessment rows."""
    labels = labels_for(settings, lang)
    attainment = run.frames["attainment"]
    units = attainment.filter(pl.col("level") == level).unique("district_code", maintain_order=True)
    unit_list = list(
        zip(units["district_code"].to_list(), units["district"].to_list(), strict=True)
    )
    codes = [c for c, _ in unit_list]
    shown = attainment.filter(
        pl.col("district_code").is_in(codes) | pl.col("district_code").is_null()
    )
    hazards = _rows(run.frames["hazards"])
    open_major = run.frames["open_major"]
    five_missing = _five_missing(open_major, settings, codes)
    for h in hazards:
        h["open_five_missing"] = (
            five_missing.get(h["district_code"], 0) if h["district_code"] else None
        )
    missing = run.frames["missing"]
    short = _enterprises_short(missing, settings, codes)
    total_name = shown.filter(pl.col("district_code").is_null())["district"].first() or ""
    names = (
        labels["notice"]["chart_units"],
        labels["notice"]["chart_total"].format(total=total_name),
    )
    in_force = shown.filter(pl.col("phase") == "in_force")
    if not in_force.height:
        in_force = shown.filter(pl.col("phase") == "final")
    images = (
        chart_images(
            in_force.filter(pl.col("district_code").is_in(codes)),
            in_force.filter(pl.col("district_code").is_null()),
            labels,
            names,
        )
        if charts
        else []
    )
    requirements = None
    if settings.notice.get("requirements"):
        text = Path(settings.notice["requirements"]).read_text(encoding="utf-8-sig")
        requirements = [p.strip().lstrip("#").strip() for p in text.split("\n\n") if p.strip()]
    return NoticeFigures(
        as_of=as_of,
        total_name=total_name,
        units=unit_list,
        attainment=_rows(shown),
        hazards=hazards,
        warnings=_rows(run.frames["accident_warnings"]),
        measures=_measures(settings, lang),
        accidents=(statistics or {}).get("accidents"),
        enforcement=(statistics or {}).get("enforcement"),
        assess=assess,
        missing=short,
        previous=previous,
        sample=sample,
        requirements=requirements,
        level_name=labels["notice"].get("level_name", ""),
        charts=images,
    )


def _descendants(settings: Settings, codes: list[str]) -> dict[str, str]:
    """unit code (any level) -> the code among ``codes`` it lies under."""
    registry = settings.registry
    out = {}
    for code in codes:
        out[code] = code
        for unit in registry.descendants(code):
            out[unit.code] = code
    return out


def _five_missing(open_major: pl.DataFrame, settings: Settings, codes: list[str]) -> dict:
    up = _descendants(settings, codes)
    counts: dict[str, int] = {}
    for row in open_major.filter(~pl.col("five_complete").fill_null(False)).iter_rows(named=True):
        top = up.get(row["district_code"])
        if top:
            counts[top] = counts.get(top, 0) + 1
    return counts


def _enterprises_short(missing: pl.DataFrame, settings: Settings, codes: list[str]) -> dict:
    """Enterprises (each once) short of the drills of the evacuation list, per unit."""
    up = _descendants(settings, codes)
    seen: dict[str, set] = {}
    for row in missing.select("district_code", "enterprise_id").unique().iter_rows(named=True):
        top = up.get(row["district_code"])
        if top:
            seen.setdefault(top, set()).add(row["enterprise_id"])
    return {code: len(ids) for code, ids in seen.items()}


def write_notice(
    settings: Settings, figures: NoticeFigures, lang: str, output: Path | None = None
) -> Path:
    """Write the .docx atomically; returns its path."""
    labels = labels_for(settings, lang)
    options = settings.notice
    issuer = options.get("issuer") or labels["notice"]["issuer"]
    recipients = options.get("recipients") or labels["notice"]["recipients"]
    number = options.get("number", "").format(year=figures.as_of.year, n="  ")
    content = blocks(figures, labels, lang, issuer, recipients, number)
    template = options.get("template") if lang == "zh" else None
    data = render(content, Path(template) if template else None, typeset=lang == "zh")
    path = output or notice_path(settings, figures.as_of, lang)
    atomic.write_bytes(Path(path), data)
    return Path(path)


def to_pdf(docx: Path, timeout: float = 180) -> Path:
    """The document converted by LibreOffice (headless, its own profile so runs may overlap)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise NoticeError("--pdf needs LibreOffice Writer: apt-get install libreoffice-writer")
    with tempfile.TemporaryDirectory(prefix="safetystats-lo-") as tmp:
        profile = Path(tmp) / "profile"
        result = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(docx),
            ],  # fmt: skip
            capture_output=True,
            timeout=timeout,
        )
        made = Path(tmp) / (docx.stem + ".pdf")
        if result.returncode != 0 or not made.is_file():
            raise NoticeError(
                f"LibreOffice could not convert {docx.name}: {result.stderr.decode(errors='replace')[-300:]}"
            )
        pdf = docx.with_suffix(".pdf")
        atomic.write_bytes(pdf, made.read_bytes())
    return pdf


def previous_figures(settings: Settings, con, compare: dt.date, lang: str) -> Previous:
    """The figures at B (6.10): B's saved figures when its run saved them, else recomputed
    from the current store (and the notice says so)."""
    from safetystats.metrics import engine
    from safetystats.metrics.assessment import assess, load_assessment
    from safetystats.metrics.warnings import accident_warnings

    saved = saved_figures(settings.reports, compare)
    if saved and saved.get("attainment"):
        return Previous(compare, saved["attainment"], saved.get("scores") or None, recomputed=False)
    frame = engine.attainment(settings, compare, None, lang, con)
    warnings = accident_warnings(settings, compare, None, lang, con)
    scores = assess(frame, warnings, load_assessment(settings), compare)
    return Previous(compare, _rows(frame), _rows(scores.drop("targets")), recomputed=True)


def make_notice(
    settings: Settings,
    as_of: dt.date | None = None,
    compare: dt.date | str | None = "auto",
    lang: str | None = None,
    pdf: bool = False,
    output: Path | None = None,
    level: int | None = None,
    charts: bool = True,
    force: bool = True,
) -> list[Path]:
    """Compute the figures once, write the 通报 (and its PDF); returns the files written.
    ``compare``: a date, None for no comparison, "auto" for the latest earlier run's. Without
    ``force`` a document whose inputs (store version, dates, settings, version, language, the
    comparison's saved figures) are those it was made from is kept (returned as is)."""
    from safetystats.metrics import engine
    from safetystats.metrics.assessment import assess, load_assessment
    from safetystats.report.precomputed import RunFigures
    from safetystats.stats.accidents import accident_statistics
    from safetystats.stats.enforcement import enforcement_statistics

    lang = lang or settings.lang
    with engine.open_store(settings) as con:
        as_of = as_of or engine.latest_event_date(con)
        if as_of is None:
            raise NoticeError("the store holds no record: nothing to report (库中没有记录)")
        if compare == "auto":
            compare = default_compare(settings.reports, as_of)
        if compare is not None and compare >= as_of:
            raise NoticeError(f"--compare {compare} is not before the as-of date {as_of}")
        path = Path(output or notice_path(settings, as_of, lang))
        made_from = path.with_name(f".{path.name}.inputs")
        inputs = _inputs(settings, con, as_of, lang, pdf, compare)
        if not force and path.exists() and made_from.exists():
            if made_from.read_text(encoding="utf-8") == inputs:
                return [path, path.with_suffix(".pdf")] if pdf else [path]
        level = level or default_level(settings.registry)
        run = RunFigures.compute(settings, as_of, lang, con)
        if not run.frames["attainment"].height:
            raise NoticeError(f"no target is in force or final at {as_of}: nothing to report")
        previous = previous_figures(settings, con, compare, lang) if compare else None
        sample = bool(run.frames["provenance"]["is_sample"].any())
        statistics = {
            "accidents": accident_statistics(settings, as_of, None, lang, con),
            "enforcement": enforcement_statistics(settings, as_of, None, lang, con),
        }
    scores = assess(
        run.frames["attainment"], run.frames["accident_warnings"], load_assessment(settings), as_of
    )
    figures = figures_for(
        settings, run, as_of, lang, level, previous, statistics, _rows(scores.drop("targets")),
        charts=charts, sample=sample,
    )  # fmt: skip
    path = write_notice(settings, figures, lang, path)
    written = [path, to_pdf(path)] if pdf else [path]
    atomic.write_text(made_from, inputs)
    return written


def _inputs(settings: Settings, con, as_of: dt.date, lang: str, pdf: bool, compare) -> str:
    """What the document depends on: the bulletins' inputs, the comparison date and the
    figures saved at it."""
    from safetystats import store
    from safetystats.report.plan import digest, inputs_fingerprint

    version = store.state(con).get("curated_change", "")
    saved = settings.reports / str(compare) / "figures.json" if compare else None
    return digest(
        inputs_fingerprint(settings, as_of, lang, pdf, version),
        str(compare),
        saved.read_bytes() if saved and saved.is_file() else b"",
        str(settings.notice),
    )
