"""The figures a run published, saved beside its pages (``reports/<as-of>/figures.json``,
DATA_SPEC 6.10 and 8.3): what the index shows, and what a later run compares with.

    {"as_of", "lang", "is_sample",
     "units": [{"code", "name", "level", "parent_code", "page", "skipped"}, ...],  # the total last (code null)
     "attainment": [row of `attainment --format json`, ...],
     "warnings": [{"district_code", "rule", "first_date", "last_date", "accident_ids"}, ...],
     "stale": [{"district_code", "dataset", "latest"}, ...],
     "scores": [...], "statistics": {...}}          # filled by the outputs that compute them

A run for some units (``--district``) refreshes their entries and keeps the other units' from
the saved figures, so the index is always of every unit of its level.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from safetystats import atomic

FILE_NAME = "figures.json"
_PER_UNIT = ("attainment", "warnings", "stale")


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def rows_of(frame: pl.DataFrame, columns: list[str] | None = None) -> list[dict]:
    """A frame as JSON rows (dates as YYYY-MM-DD)."""
    frame = frame.select(columns) if columns else frame
    return [{k: _plain(v) for k, v in r.items()} for r in frame.iter_rows(named=True)]


@dataclass
class SavedFigures:
    as_of: str
    lang: str
    is_sample: bool = False
    units: list[dict] = field(default_factory=list)
    attainment: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    stale: list[dict] = field(default_factory=list)
    scores: list[dict] = field(default_factory=list)
    statistics: dict = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> SavedFigures | None:
        """The figures saved in ``folder``; None when there are none (or they are unreadable)."""
        try:
            data = json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def save(self, folder: Path) -> Path:
        """Written atomically: a reader sees the old figures or the new, never half."""
        text = json.dumps(self.__dict__, ensure_ascii=False, indent=1)
        return atomic.write_text(folder / FILE_NAME, text + "\n")

    def unit(self, code: str | None) -> dict | None:
        return next((u for u in self.units if u["code"] == code), None)

    def of(self, part: str, code: str | None) -> list[dict]:
        return [r for r in getattr(self, part) if r["district_code"] == code]

    def kept_from(self, earlier: SavedFigures | None, fresh: set[str | None]) -> SavedFigures:
        """These figures, with the entries of every unit not in ``fresh`` (codes; None: the
        total) taken from ``earlier`` where it has them (a run for some units)."""
        if earlier is None or (earlier.as_of, earlier.lang) != (self.as_of, self.lang):
            return self
        kept = {u["code"] for u in earlier.units} - fresh
        units = [earlier.unit(u["code"]) if u["code"] in kept else u for u in self.units]
        merged = {
            part: [r for r in getattr(self, part) if r["district_code"] not in kept]
            + [r for r in getattr(earlier, part) if r["district_code"] in kept]
            for part in _PER_UNIT
        }
        order = {u["code"]: i for i, u in enumerate(units)}
        for rows in merged.values():
            rows.sort(key=lambda r: order.get(r["district_code"], len(order)))
        return SavedFigures(
            self.as_of,
            self.lang,
            self.is_sample or earlier.is_sample,
            units,
            **merged,
            scores=self.scores,
            statistics=self.statistics,
        )
