"""The figures of a run, computed once over the store: the only step of a run that reads it.

Attainment of every unit, monthly series, hazard figures, data freshness, accident warnings,
open major hazards, the enterprises short of evacuation drills and the store's provenance each
take one pass over the whole store, the same pass whichever unit is asked for (0.1–1 s each at
province scale). The frames of one page (its data quality, hazard ageing, drills by type,
training by category) are computed for each page of the run. ``bulletins`` computes them once,
writes them as Parquet into a folder of the run and hands each notebook that folder (its
``run_figures`` parameter); a notebook opened by hand computes the figures of its own page
with the same function (:meth:`RunFigures.for_pages`). Pages render the frames they are given
and never open the store.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from safetystats.config import Settings
from safetystats.followup.reporting import on_time
from safetystats.metrics import engine
from safetystats.metrics.assessment import assess, assessment, load_assessment
from safetystats.metrics.targets import load_targets, target_with_role
from safetystats.metrics.warnings import accident_warnings
from safetystats.stats import accident_statistics, enforcement_statistics

# name -> how to compute it for the units asked (None: every unit) and the total
_COMPUTE = {
    "attainment": engine.attainment,
    "series": engine.monthly_series,
    "hazards": engine.hazard_figures,
    "freshness": engine.data_freshness,
    "accident_warnings": accident_warnings,
}
# name -> the query of one page's unit and its descendants (sql/report/<query>.sql)
_PAGE_QUERIES = {
    "quality": "report/unit_quality",
    "ageing": "report/hazard_ageing",
    "drills": "report/drills_by_type",
    "training": "report/training_by_category",
}
_WHOLE = ["provenance", "open_major", "missing", "assessment", "reporting"]
PAGE_CODE = "page_code"  # the column of the page frames: the page's unit (None: the total's)


def missing_events(con, settings: Settings, as_of: dt.date, codes: list[str] | None):
    """Enterprises short of the events of the target with role ``evacuation_list``, with
    their unit (district_code); none when no target has that role."""
    target = target_with_role(load_targets(settings.targets), "evacuation_list", as_of)
    if target is None:
        return pl.DataFrame(
            schema={"enterprise_name": pl.String, "industry": pl.String, "district_code": pl.String}
        )
    return engine.short_of_events(con, settings, target, as_of, codes)


def drill_window(settings: Settings, as_of: dt.date) -> dt.date:
    """The start of the 四不 chart's window: that of the target with role
    ``drill_share_window`` (January 1 of the as-of year when no target has it)."""
    target = target_with_role(load_targets(settings.targets), "drill_share_window", as_of)
    return target.window_start if target else dt.date(as_of.year, 1, 1)


def reporting(con, settings: Settings, as_of: dt.date, units: list[str] | None) -> pl.DataFrame:
    """Who returned what on time (8.6), per unit (None: every unit) for the months up to the
    as-of date's, as of today."""
    codes = units if units is not None else [d.code for d in settings.registry.districts]
    frame = on_time(con, codes, dt.date.today())
    return frame.filter(pl.col("month") <= as_of.isoformat()[:7])


def _page_frames(con, settings: Settings, as_of: dt.date, pages: list[str | None]) -> dict:
    """The frames of each page (its unit and descendants; None: the total's page), stacked
    with the column ``page_code``."""
    registry = settings.registry
    values = {"as_of": as_of, "window_start": drill_window(settings, as_of)}
    out: dict[str, list[pl.DataFrame]] = {name: [] for name in _PAGE_QUERIES}
    for code in pages:
        codes = None
        if code is not None:
            codes = sorted([code, *(d.code for d in registry.descendants(code))])
        for name, sql in _PAGE_QUERIES.items():
            frame = engine.query(con, sql, settings, district_codes=codes, **values)
            out[name].append(frame.with_columns(pl.lit(code, pl.String).alias(PAGE_CODE)))
    return {name: pl.concat(frames, how="diagonal_relaxed") for name, frames in out.items()}


def scores(settings: Settings, as_of: dt.date, lang: str, con, frames: dict, units) -> pl.DataFrame:
    """Scores, grades and ranks (6.9): from the run's attainment and warnings when they are of
    every unit, else from the store (a rank is among all of a unit's siblings)."""
    if units is None:
        setup = load_assessment(settings)
        return assess(frames["attainment"], frames["accident_warnings"], setup, as_of)
    return assessment(settings, as_of, units, lang, con)


@dataclass
class RunFigures:
    """Frames keyed by name; each has the column ``district_code`` (None: the total), the
    page frames the column ``page_code``."""

    as_of: dt.date
    frames: dict[str, pl.DataFrame]
    # the rows of `stats accidents|enforcement --format json` (every unit), for figures.json
    statistics: dict[str, list[dict]] = field(default_factory=dict)

    @classmethod
    def compute(
        cls,
        settings: Settings,
        as_of: dt.date,
        lang: str,
        con,
        units: list[str] | None = None,
        pages: list[str | None] = (None,),
    ) -> RunFigures:
        """The figures of ``units`` (codes; None: every unit of the registry) and the total,
        and the page frames of ``pages`` (codes; None: the total's page)."""
        frames = {name: f(settings, as_of, units, lang, con) for name, f in _COMPUTE.items()}
        frames["provenance"] = engine.query(con, "report/provenance", settings)
        # the open major hazards of the units and their descendants, each with its unit
        codes = None
        if units is not None:
            places = engine.places(settings, units, lang)
            codes = sorted(set().union(*(p.codes for p in places if p.codes is not None)))
        frames["open_major"] = engine.query(
            con, "report/open_major_hazards", settings, as_of=as_of, district_codes=codes
        )
        frames["missing"] = missing_events(con, settings, as_of, codes)
        frames["assessment"] = scores(settings, as_of, lang, con, frames, units)
        frames["reporting"] = reporting(con, settings, as_of, units)
        frames |= _page_frames(con, settings, as_of, list(pages))
        statistics = {}
        if units is None:  # a run's figures (a page opened by hand does not show them)
            statistics = {
                "accidents": accident_statistics(settings, as_of, None, lang, con),
                "enforcement": enforcement_statistics(settings, as_of, None, lang, con),
            }
        return cls(as_of, frames, statistics)

    @classmethod
    def for_pages(
        cls, settings: Settings, as_of, lang: str, units: list[str], pages: list[str | None]
    ) -> RunFigures:
        """A notebook opened by hand: the figures of its own units, read from the store."""
        with engine.open_store(settings) as con:
            as_of = engine._as_date(as_of) or engine.latest_event_date(con)
            return cls.compute(settings, as_of, lang, con, units, pages)

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in self.frames.items():
            frame.write_parquet(folder / f"{name}.parquet")
        (folder / "as_of.txt").write_text(self.as_of.isoformat(), encoding="utf-8")
        text = json.dumps(self.statistics, ensure_ascii=False)
        (folder / "statistics.json").write_text(text, encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: Path | str) -> RunFigures:
        folder = Path(folder)
        as_of = dt.date.fromisoformat((folder / "as_of.txt").read_text(encoding="utf-8"))
        names = [*_COMPUTE, *_WHOLE, *_PAGE_QUERIES]
        statistics = json.loads((folder / "statistics.json").read_text(encoding="utf-8"))
        frames = {n: pl.read_parquet(folder / f"{n}.parquet") for n in names}
        if (folder / "previous.parquet").exists():  # the earlier run's figures (6.10)
            frames["previous"] = pl.read_parquet(folder / "previous.parquet")
        return cls(as_of, frames, statistics)

    def of(self, name: str, codes: list[str | None]) -> pl.DataFrame:
        """The rows of ``name`` for the unit codes given (None: the total), in their order."""
        frame = self.frames[name]
        if "district_code" not in frame.columns:  # nothing to show (no target in force)
            return frame
        return _rows_of(frame, "district_code", codes)

    def page(self, name: str, code: str | None) -> pl.DataFrame:
        """A page frame of the page of ``code`` (None: the total's page), without its key."""
        return _rows_of(self.frames[name], PAGE_CODE, [code]).drop(PAGE_CODE)


def _rows_of(frame: pl.DataFrame, key: str, codes: list[str | None]) -> pl.DataFrame:
    order = pl.DataFrame(
        {key: codes, "_order": range(len(codes))}, schema={key: pl.String, "_order": pl.Int64}
    )
    return (
        frame.join(order, on=key, how="inner", nulls_equal=True, maintain_order="left")
        .sort("_order", maintain_order=True)
        .drop("_order")
    )
