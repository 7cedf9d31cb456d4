"""The figures every page of a bulletin run needs, computed once over the store.

A page's attainment (its unit and children), monthly series, hazard figures, data freshness,
accident warnings, open major hazards, the enterprises short of evacuation drills and the
store's provenance each take one pass over the
whole store, the same pass whichever unit is asked for (0.1–1 s each at province scale). ``bulletins``
computes them once for every unit, writes them as Parquet into a folder of the run, and
hands each notebook that folder (its ``figures`` parameter); a notebook opened by hand
computes them for its own units. Either way a page shows the rows of the same functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from safetystats.config import Settings
from safetystats.metrics import engine
from safetystats.metrics.warnings import accident_warnings

# name -> how to compute it for the units asked (None: every unit) and the total
_COMPUTE = {
    "attainment": engine.attainment,
    "series": engine.monthly_series,
    "hazards": engine.hazard_figures,
    "freshness": engine.data_freshness,
    "accident_warnings": accident_warnings,
}


def missing_events(con, settings: Settings, as_of: dt.date, codes: list[str] | None):
    """Enterprises short of the events of the first event_frequency target (evacuation
    drills), with their unit (district_code); none when there is no such target."""
    from safetystats.metrics.targets import load_targets

    frequency = [t for t in load_targets(settings.targets) if t.metric == "event_frequency"]
    if not frequency:
        return pl.DataFrame(
            schema={"enterprise_name": pl.String, "industry": pl.String, "district_code": pl.String}
        )
    return engine.short_of_events(con, settings, frequency[0], as_of, codes)


@dataclass
class RunFigures:
    """Frames keyed by name; each has the column ``district_code`` (None: the total)."""

    as_of: dt.date
    frames: dict[str, pl.DataFrame]

    @classmethod
    def compute(
        cls, settings: Settings, as_of: dt.date, lang: str, con, units: list[str] | None = None
    ) -> RunFigures:
        """The figures of ``units`` (codes; None: every unit of the registry) and the total."""
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
        return cls(as_of, frames)

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in self.frames.items():
            frame.write_parquet(folder / f"{name}.parquet")
        (folder / "as_of.txt").write_text(self.as_of.isoformat(), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: Path | str) -> RunFigures:
        folder = Path(folder)
        as_of = dt.date.fromisoformat((folder / "as_of.txt").read_text(encoding="utf-8"))
        names = [*_COMPUTE, "provenance", "open_major", "missing"]
        return cls(as_of, {n: pl.read_parquet(folder / f"{n}.parquet") for n in names})

    def of(self, name: str, codes: list[str | None]) -> pl.DataFrame:
        """The rows of ``name`` for the unit codes given (None: the total), in their order."""
        frame = self.frames[name]
        if "district_code" not in frame.columns:  # nothing to show (no target in force)
            return frame
        order = pl.DataFrame(
            {"district_code": codes, "_order": range(len(codes))},
            schema={"district_code": pl.String, "_order": pl.Int64},
        )
        return (
            frame.join(order, on="district_code", how="inner", nulls_equal=True)
            .sort("_order", maintain_order=True)
            .drop("_order")
        )
