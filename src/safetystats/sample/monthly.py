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
from pathlib import Path

import numpy as np
import polars as pl

from safetystats.config import Settings
from safetystats.errors import ConfigError
from safetystats.sample.accidents import month_accidents
from safetystats.sample.activities import month_activities
from safetystats.sample.city import SampleCity
from safetystats.sample.common import END, FOOTERS, SampleFiles, _month_end, _title
from safetystats.sample.drills import _drill_out, _traditional_drill_out, drills, month_drills
from safetystats.sample.enterprises import _enterprise_out, enterprises, month_enterprises
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
    "rectified": (0.002, "hazards_per_year", 3),  # open hazards of the sample, rectified
    "drills": (0.006, "drills", 5),
    "training_counts": (0.0125, "enterprises", 5),
    "inspections": (0.01, "enterprises", 5),
    "video_sites": (0.005, "sites", 1),
    "accidents": (2 / 300 / 24, "enterprises", 1),  # the sample's rate: 2 per 300 in 2 years
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
    rows = update_rows(scale_name, factor)
    rng = np.random.default_rng([seed, 2, month.year, month.month])  # the month's own draws
    first, last = month, _month_end(month.year, month.month)
    ym, label = f"{month:%Y%m}", f"{month:%Y-%m}"
    filed = last + dt.timedelta(days=10)
    path = SampleFiles(out, scale.large_as_csv)

    def title(what: str) -> list[str]:
        return _title(city.area, f"{month.year}年{month.month}月{what}", filed)

    def ledger(dataset: str, name: str, frame: pl.DataFrame, what: str, sheet: str) -> None:
        path.ledger(dataset, name, frame, sheet, title(what), FOOTERS)

    new = month_enterprises(city, rng, rows["enterprises"], month)
    write_xlsx(
        path("enterprises", f"企业名录_{label}_新增.xlsx"),
        {"新增企业": _enterprise_out(new, city, rng)},
        title("新增安全生产重点企业名录"),
        FOOTERS,
    )
    everyone = pl.concat([ent.select(new.columns), new])
    active = everyone.filter(pl.col("status").is_in(["在营", ""]))

    hz = hazards(
        city,
        everyone,
        month.year,
        rng=rng,
        n=rows["hazards"],
        first=first,
        last=last,
        ids=[f"YH{ym}{city.tag}{i:06d}" for i in range(rows["hazards"])],
    )
    ledger(
        "hazards", f"隐患台账_{label}", _hazard_out(hz, city, rng), "隐患排查治理台账", "隐患台账"
    )
    fixed = month_rectifications(open_hz, rng, rows["rectified"], first, last)
    if fixed.height:
        write_xlsx(
            path("hazards", f"隐患台账_{label}_整改销号.xlsx"),
            {"整改销号": _hazard_out(fixed, city, rng)},
            title("隐患整改销号情况（此前未整改隐患）"),
            FOOTERS,
        )

    dr = month_drills(city, active, rng, rows["drills"], first, last, ym)
    ledger("drills", f"应急演练_{label}", _drill_out(dr, city, rng), "应急演练记录", "演练记录")
    write_csv(
        path("training_counts", f"培训台账_{label}.csv"),
        month_counts(plan, rng, rows["training_counts"], month),
        title("工伤预防培训台账"),
        FOOTERS,
    )
    write_xlsx(
        path("video_sites", f"高后果区视频监控_{label}_新增.xlsx"),
        {"视频监控": month_video_sites(city, active, rng, rows["video_sites"], first, last, ym)},
        title("新增高后果区智能视频监控台账"),
        FOOTERS[:1],
    )
    write_xlsx(
        path("accidents", f"生产安全事故台账_{label}.xlsx"),
        {
            f"{month.year}年{month.month}月": month_accidents(
                city, active, rng, rows["accidents"], first, last, ym
            )
        },
        title("生产安全事故统计台账"),
        FOOTERS,
    )
    ledger(
        "inspections",
        f"检查记录_{label}",
        month_inspections(city, active, rng, rows["inspections"], first, last, ym),
        "检查记录（带队检查、执法检查、督导检查）",
        "检查记录",
    )
    ledger(
        "tasks",
        f"八大行动重点工程进度_{label}",
        month_reports(city, month),
        "八大行动重点工程进度",
        "工程进度",
    )
    ledger(
        "activities",
        f"会议及工作开展记录_{label}",
        month_activities(city, month),
        "会议及工作开展记录",
        "会议",
    )
    return path.written
