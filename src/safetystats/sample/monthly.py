"""`safetystats sample --update-month YYYY-MM`: one month's new ledgers for a sample.

The real-world case: a store grows month by month as each office sends its month's ledgers
(a province by about 20,000 rows). The update is written for the sample of the same seed,
scale and factor — the same enterprises and units — and adds to it: new files (their names
carry the month, so they sort after the sample's and never replace one), ids that the sample
never uses (they carry the month), records dated in that month:

- enterprises newly registered;
- hazards found in the month (some already rectified), and open hazards of the sample
  reported rectified or closed in the month (the same hazard ids: a later ingestion wins);
- drills, training counts (the sample's training plan), new video sites, accidents and
  inspections of the month.

The sample ends on 2024-12-31 (`generate.END`), so 2025-01 is the first month an update can
have. The month's volumes are shares of the scale's (`UPDATE_SHARES`), about 20,000 rows for
the province scale. Nothing in the update is a deliberately broken row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from safetystats.config import Settings
from safetystats.errors import ConfigError
from safetystats.sample.accidents import month_accidents
from safetystats.sample.activities import month_activities
from safetystats.sample.city import SampleCity
from safetystats.sample.common import END, FOOTERS, SampleFiles, _month_end, _title
from safetystats.sample.drills import (
    _drill_out,
    _traditional_drill_out,
    drills,
    month_drills,
)
from safetystats.sample.enterprises import (
    _enterprise_out,
    enterprises,
    month_enterprises,
)
from safetystats.sample.hazards import (
    _hazard_ledgers,
    _hazard_out,
    _rectified_later,
    hazards,
    month_rectifications,
)
from safetystats.sample.inspections import month_inspections
from safetystats.sample.rosters import month_video_sites
from safetystats.sample.scales import SCALES, check_registry, hazard_part_rows, scaled
from safetystats.sample.tasks import month_reports
from safetystats.sample.training import month_counts, training
from safetystats.sample.writers import write_csv, write_xlsx

# rows of one month: (share of a scale volume, the volume, at least) per dataset
UPDATE_SHARES = {
    "enterprises": (0.002, "enterprises", 2),  # newly registered
    "hazards": (0.01, "hazards_per_year", 10),  # found in the month
    "rectified": (
        0.002,
        "hazards_per_year",
        3,
    ),  # open hazards of the sample, rectified
    "drills": (0.006, "drills", 5),
    "training_counts": (0.0125, "enterprises", 5),
    "inspections": (0.01, "enterprises", 5),
    "video_sites": (0.005, "sites", 1),
    "accidents": (
        2 / 300 / 24,
        "enterprises",
        1,
    ),  # the sample's rate: 2 per 300 in 2 years
}


def update_rows(scale_name: str, factor: int = 1) -> dict[str, int]:
    """How many rows each part of a monthly update holds (rectifications: at most this many,
    as many as the sample has open hazards)."""
    scale = scaled(SCALES[scale_name], factor)
    return {
        part: max(least, round(share * getattr(scale, volume)))
        for part, (share, volume, least) in UPDATE_SHARES.items()
    }


def parse_month(text: str, today: dt.date | None = None) -> dt.date:
    """The first day of the month ``YYYY-MM``; a ConfigError unless it comes after the sample
    (2025-01 or later) and has begun by ``today``."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    month = None
    if match and 1 <= int(match.group(2)) <= 12:
        month = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if month is None:
        raise ConfigError(
            f"更新月份应写作 YYYY-MM / the update month must be YYYY-MM, not {text!r}"
        )
    if month <= END:
        raise ConfigError(
            f"样例数据截至 {END}，更新月份须在其后 / the sample ends on {END}: an update month "
            f"must come after it (the first is {END.year + 1}-01), not {text}"
        )
    if month > (today or dt.date.today()):
        raise ConfigError(
            f"更新月份 {text} 尚未开始 / the update month {text} has not begun: its records "
            "would be dated in the future"
        )
    return month


def _base(city: SampleCity, seed: int, scale_name: str):
    """The sample's enterprises, its hazards still open at its end (after its own update
    file) and its training plan, drawn exactly as `write_sample` draws them."""
    rng = city.rng
    ent = enterprises(city)
    _enterprise_out(ent, city, rng)
    open_parts, later = [], []
    for year, hz, hz_out, _ in _hazard_ledgers(city, ent, rng, hazard_part_rows(scale_name)):
        open_parts.append(hz.filter(pl.col("rectified_date").is_null()))
        if year == 2024:
            later.append(_rectified_later(hz, hz_out, seed)["隐患编号"])
        del hz, hz_out
    open_hz = pl.concat(open_parts).filter(~pl.col("hazard_id").is_in(pl.concat(later).implode()))
    dr = drills(city, ent)
    half = dr.height // 2
    _drill_out(dr[:half], city, rng)
    _traditional_drill_out(dr[half:], city, rng)
    plan, _ = training(city, ent)
    return ent, open_hz, plan


@dataclass
class _Month:
    """One month's update: its draws, volumes, dates, and where its files go."""

    city: SampleCity
    month: dt.date
    rows: dict[str, int]
    path: SampleFiles

    def __post_init__(self):
        m = self.month
        self.rng = np.random.default_rng([self.city.seed, 2, m.year, m.month])  # its own draws
        self.first, self.last = m, _month_end(m.year, m.month)
        self.ym, self.label = f"{m:%Y%m}", f"{m:%Y-%m}"

    def title(self, what: str) -> list[str]:
        filed = self.last + dt.timedelta(days=10)
        return _title(self.city.area, f"{self.month.year}年{self.month.month}月{what}", filed)

    def ledger(self, dataset: str, name: str, frame: pl.DataFrame, what: str, sheet: str):
        """CSV at the large scales, else a workbook (as the sample does)."""
        self.path.ledger(dataset, f"{name}_{self.label}", frame, sheet, self.title(what), FOOTERS)

    def workbook(self, dataset: str, name: str, sheet: str, frame, what: str, footers=FOOTERS):
        write_xlsx(
            self.path(dataset, f"{name}.xlsx"),
            {sheet: frame},
            self.title(what),
            footers,
        )


def write_update(
    out: Path,
    settings: Settings,
    month: dt.date,
    seed: int = 2024,
    scale_name: str = "city",
    factor: int = 1,
) -> list[Path]:
    """Write the ledgers of ``month`` (its first day; see `parse_month`) for the sample of the
    same seed, scale and factor under ``out``, beside that sample's files; returns the files
    written."""
    check_registry(settings, scale_name)
    scale = scaled(SCALES[scale_name], factor)
    city = SampleCity(settings, seed, scale)
    ent, open_hz, plan = _base(city, seed, scale_name)
    m = _Month(
        city,
        month,
        update_rows(scale_name, factor),
        SampleFiles(out, scale.large_as_csv),
    )
    # the month's stream, in this order
    active = _register_and_hazards(m, ent, open_hz)
    _events(m, active, plan)
    # streams of their own
    m.ledger(
        "tasks",
        "八大行动重点工程进度",
        month_reports(city, month),
        "八大行动重点工程进度",
        "工程进度",
    )
    m.ledger(
        "activities",
        "会议及工作开展记录",
        month_activities(city, month),
        "会议及工作开展记录",
        "会议",
    )
    return m.path.written


def _register_and_hazards(m: _Month, ent: pl.DataFrame, open_hz: pl.DataFrame) -> pl.DataFrame:
    """New enterprises, the month's hazards and rectifications; returns the active register."""
    city, rng, rows, label = m.city, m.rng, m.rows, m.label
    new = month_enterprises(city, rng, rows["enterprises"], m.month)
    new_out = _enterprise_out(new, city, rng)
    m.workbook(
        "enterprises",
        f"企业名录_{label}_新增",
        "新增企业",
        new_out,
        "新增安全生产重点企业名录",
    )
    everyone = pl.concat([ent.select(new.columns), new])
    ids = [f"YH{m.ym}{city.tag}{i:06d}" for i in range(rows["hazards"])]
    hz = hazards(
        city,
        everyone,
        m.month.year,
        rng=rng,
        n=rows["hazards"],
        first=m.first,
        last=m.last,
        ids=ids,
    )
    m.ledger(
        "hazards",
        "隐患台账",
        _hazard_out(hz, city, rng),
        "隐患排查治理台账",
        "隐患台账",
    )
    fixed = month_rectifications(open_hz, rng, rows["rectified"], m.first, m.last)
    if fixed.height:
        what = "隐患整改销号情况（此前未整改隐患）"
        m.workbook(
            "hazards",
            f"隐患台账_{label}_整改销号",
            "整改销号",
            _hazard_out(fixed, city, rng),
            what,
        )
    return everyone.filter(pl.col("status").is_in(["在营", ""]))


def _events(m: _Month, active: pl.DataFrame, plan: pl.DataFrame) -> None:
    """The month's drills, training counts, new video sites, accidents and inspections."""
    city, rng, rows, label = m.city, m.rng, m.rows, m.label
    span = (m.first, m.last, m.ym)
    dr = month_drills(city, active, rng, rows["drills"], *span)
    m.ledger("drills", "应急演练", _drill_out(dr, city, rng), "应急演练记录", "演练记录")
    counts = month_counts(plan, rng, rows["training_counts"], m.month)
    write_csv(
        m.path("training_counts", f"培训台账_{label}.csv"),
        counts,
        m.title("工伤预防培训台账"),
        FOOTERS,
    )
    sites = month_video_sites(city, active, rng, rows["video_sites"], *span)
    what = "新增高后果区智能视频监控台账"
    m.workbook(
        "video_sites",
        f"高后果区视频监控_{label}_新增",
        "视频监控",
        sites,
        what,
        FOOTERS[:1],
    )
    acc = month_accidents(city, active, rng, rows["accidents"], *span)
    sheet = f"{m.month.year}年{m.month.month}月"
    m.workbook("accidents", f"生产安全事故台账_{label}", sheet, acc, "生产安全事故统计台账")
    ins = month_inspections(city, active, rng, rows["inspections"], *span)
    m.ledger(
        "inspections",
        "检查记录",
        ins,
        "检查记录（带队检查、执法检查、督导检查）",
        "检查记录",
    )
