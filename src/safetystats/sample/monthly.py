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
from safetystats.sample.accidents import ACCIDENT_KINDS, _casualties
from safetystats.sample.activities import month_activities
from safetystats.sample.city import SampleCity
from safetystats.sample.common import (
    END,
    FOOTERS,
    SampleFiles,
    _bool_text,
    _dates,
    _days,
    _month_end,
    _title,
    enterprise_code,
)
from safetystats.sample.drills import _drill_out, _traditional_drill_out, drills
from safetystats.sample.enterprises import (
    INDUSTRY_WEIGHTS,
    NAME_HEADS,
    NAME_TAILS,
    _enterprise_out,
    enterprises,
)
from safetystats.sample.hazards import _hazard_ledgers, _hazard_out, _rectified_later, hazards
from safetystats.sample.inspections import enforcement_columns
from safetystats.sample.scales import SCALES, check_registry, hazard_part_rows, scaled
from safetystats.sample.tasks import month_reports
from safetystats.sample.training import training
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
# new enterprises of an update are numbered from here, a million a month: never the sample's
NEW_ENTERPRISE_NUMBERS = 500_000_000


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


def _new_enterprises(city: SampleCity, rng, n: int, month: dt.date) -> pl.DataFrame:
    """Enterprises registered in the month, numbered where the sample never numbers."""
    index = (month.year - END.year - 1) * 12 + month.month - 1
    d_idx = rng.integers(0, len(city.districts), n)
    industries = list(INDUSTRY_WEIGHTS)
    w = np.array(list(INDUSTRY_WEIGHTS.values()), dtype=float)
    ind = rng.choice(len(industries), n, p=w / w.sum())
    high_risk = set(city.settings.vocab["high_risk_industries"])
    first = NEW_ENTERPRISE_NUMBERS + index * 1_000_000
    return pl.DataFrame(
        {
            "enterprise_id": [
                enterprise_code(city.districts[d].code[:6], city.tag, first + i)
                for i, d in enumerate(d_idx)
            ],
            "enterprise_name": [
                f"{city.area.short}{NAME_HEADS[(i + 7) % 20]}{NAME_TAILS[industries[k]]}"
                f"有限公司{city.tag}{month:%Y%m}{i:04d}"
                for i, k in enumerate(ind)
            ],
            "d_idx": d_idx,
            "industry": [industries[k] for k in ind],
            "high_risk": [industries[k] in high_risk for k in ind],
            "employees": np.maximum(3, rng.lognormal(3.2, 0.9, n)).astype(int),
            "status": ["在营"] * n,
        }
    )


def _rectifications(open_hz: pl.DataFrame, rng, n: int, first: dt.date, last: dt.date):
    """``n`` open hazards of the sample rectified in the month, most of them closed too."""
    n = min(n, open_hz.height)
    picked = open_hz[np.sort(rng.choice(open_hz.height, n, replace=False))]
    rect = _days(rng, first, last, n)
    closed = np.minimum(rect + rng.integers(0, 8, n).astype("timedelta64[D]"), np.datetime64(last))
    closed_ok = rng.random(n) < 0.6
    return picked.with_columns(
        _dates(rect).alias("rectified_date"),
        pl.select(pl.when(pl.Series(closed_ok)).then(_dates(closed)))
        .to_series()
        .alias("closed_date"),
        pl.Series("status", np.where(closed_ok, "已销号", "已整改")),
    )


def _drills(city: SampleCity, active: pl.DataFrame, rng, n: int, first, last, ym: str):
    e = rng.integers(0, active.height, n)
    d_idx = active["d_idx"].to_numpy()[e]
    unannounced = rng.random(n) < 0.22 + 0.35 * city.diligence[d_idx]
    flags = np.where(unannounced[:, None], True, rng.random((n, 4)) < 0.5)
    dates = np.sort(_days(rng, first, last, n))
    return pl.DataFrame(
        {
            "drill_id": [f"YL{ym}{city.tag}{i:05d}" for i in range(n)],
            "enterprise_id": active["enterprise_id"].to_numpy()[e],
            "drill_date": _dates(dates),
            "drill_type": rng.choice(
                ["疏散逃生", "综合应急预案", "专项应急预案", "现场处置方案"],
                n,
                p=[0.4, 0.2, 0.2, 0.2],
            ),
            "f1": flags[:, 0],
            "f2": flags[:, 1],
            "f3": flags[:, 2],
            "f4": flags[:, 3],
            "participants": rng.integers(8, 300, n),
            "evaluated": rng.random(n) < 0.85,
            "d_idx": d_idx,
        }
    )


def _training_counts(plan: pl.DataFrame, rng, n: int, month: dt.date) -> pl.DataFrame:
    """The month's counts of ``n`` (enterprise, category) pairs of the training plan."""
    rows = plan[np.sort(rng.choice(plan.height, min(n, plan.height), replace=False))]
    trained = np.maximum(1, np.round(rows["task"].to_numpy() * rng.uniform(0.05, 0.3, rows.height)))
    passed = (trained * rng.uniform(0.85, 1.0, rows.height)).astype(int)
    y, m = month.year, month.month
    style = rng.integers(0, 4, rows.height)
    return pl.DataFrame(
        {
            "统一社会信用代码": rows["enterprise_id"],
            "培训类别": rows["category"],
            "统计月份": [
                (f"{y}-{m:02d}", f"{y}/{m}", f"{y}年{m}月", f"{y}{m:02d}")[s] for s in style
            ],
            "培训人数": trained.astype(int),
            "考核合格人数": passed,
        }
    )


def _video_sites(city: SampleCity, active: pl.DataFrame, rng, n: int, first, last, ym: str):
    """Sites newly listed in the month, most of them with their video installed."""
    e = rng.integers(0, active.height, n)
    d_idx = active["d_idx"].to_numpy()[e]
    installed = rng.random(n) < 0.8
    names = [city.districts[i].name for i in d_idx]
    return pl.DataFrame(
        {
            "点位编号": [f"GHQ{ym}{city.tag}{i:04d}" for i in range(n)],
            "统一社会信用代码": active["enterprise_id"].to_numpy()[e],
            "所属区市": names,
            "点位名称": [f"{nm}输油管道高后果区{ym}{k:03d}" for k, nm in enumerate(names)],
            "是否高后果区": _bool_text(rng.random(n) < 0.85),
            "是否安装智能视频监控": _bool_text(installed, "已安装", "未安装"),
            "安装日期": pl.select(
                pl.when(pl.Series(installed)).then(_dates(_days(rng, first, last, n)))
            ).to_series(),
            "在线状态": _bool_text(installed & (rng.random(n) < 0.9), "在线", "离线"),
        }
    )


def _accidents(city: SampleCity, active: pl.DataFrame, rng, n: int, first, last, ym: str):
    e = rng.integers(0, active.height, n)
    d_idx = active["d_idx"].to_numpy()[e]
    has_ent = rng.random(n) >= 0.15
    days = _dates(np.sort(_days(rng, first, last, n))).to_list()
    minutes = rng.integers(7 * 60, 20 * 60, n)
    when = [
        dt.datetime.combine(d, dt.time(m // 60, m % 60)) for d, m in zip(days, minutes, strict=True)
    ]
    level = np.where(rng.random(n) < 0.02, "较大", "一般")
    deaths = np.where(
        level == "较大", rng.integers(3, 7, n), rng.choice([0, 1, 2], n, p=[0.45, 0.45, 0.1])
    )
    injuries = rng.integers(0, 6, n)
    names = np.where(has_ent, active["enterprise_name"].to_numpy()[e], None)
    kinds = rng.choice(ACCIDENT_KINDS, n)
    return pl.DataFrame(
        {
            "事故编号": [f"SG{ym}{city.tag}{i + 1:04d}" for i in range(n)],
            "事故发生时间": [f"{w:%Y-%m-%d %H:%M}" for w in when],
            "所属区县": city.spellings.pick(d_idx, rng),
            "统一社会信用代码": np.where(has_ent, active["enterprise_id"].to_numpy()[e], None),
            "企业名称": names,
            "行业领域": active["industry"].to_numpy()[e],
            "事故等级": level,
            "死亡人数": deaths,
            "受伤人数": injuries,
            "直接经济损失（万元）": np.round(rng.gamma(2.0, 40.0, n), 1),
            "事故简况": [
                f"{w.month}月{w.day}日{w.hour}时许，{nm or '一处作业现场'}发生一起{k}事故，"
                f"{_casualties(d, i)}。"
                for w, nm, k, d, i in zip(when, names, kinds, deaths, injuries, strict=True)
            ],
        },
        strict=False,
    )


def _inspections(city: SampleCity, active: pl.DataFrame, rng, n: int, first, last, ym: str):
    e = rng.integers(0, active.height, n)
    d_idx = active["d_idx"].to_numpy()[e]
    kind = rng.choice(["负责人带队检查", "执法检查", "督导检查"], n, p=[0.7, 0.2, 0.1])
    frame = pl.DataFrame(
        {
            "被检查单位": active["enterprise_name"].to_numpy()[e],
            "统一社会信用代码": active["enterprise_id"].to_numpy()[e],
            "所属区市": city.spellings.pick(d_idx, rng),
            "检查时间": _dates(_days(rng, first, last, n)),
            "检查类型": kind,
            "检查单位": [city._department(i, k) for i, k in zip(d_idx, kind, strict=True)],
            "隐患数": rng.poisson(np.where(kind == "执法检查", 2.0, 0.8)),
        }
    )
    more = np.random.default_rng([city.seed, 4, first.year, first.month])  # a stream of its own
    columns = enforcement_columns(kind, frame["隐患数"].to_numpy(), city.diligence[d_idx], more)
    frame = frame.with_columns(pl.Series(k, v, strict=False) for k, v in columns.items())
    frame = frame.sort("检查时间", maintain_order=True)
    return frame.insert_column(
        0, pl.Series("检查编号", [f"JC{ym}{city.tag}{i + 1:06d}" for i in range(n)])
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
    rows = update_rows(scale_name, factor)
    rng = np.random.default_rng([seed, 2, month.year, month.month])  # the month's own draws
    first, last = month, _month_end(month.year, month.month)
    ym, label = f"{month:%Y%m}", f"{month:%Y-%m}"
    filed = last + dt.timedelta(days=10)
    path = SampleFiles(out)

    def title(what: str) -> list[str]:
        return _title(city.area, f"{month.year}年{month.month}月{what}", filed)

    def ledger(dataset: str, name: str, frame: pl.DataFrame, what: str, sheet: str) -> None:
        """Large scales send CSV, the others workbooks (as the sample does)."""
        if scale.large_as_csv:
            write_csv(path(dataset, f"{name}.csv"), frame, title(what), FOOTERS)
        else:
            write_xlsx(path(dataset, f"{name}.xlsx"), {sheet: frame}, title(what), FOOTERS)

    new = _new_enterprises(city, rng, rows["enterprises"], month)
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
    fixed = _rectifications(open_hz, rng, rows["rectified"], first, last)
    if fixed.height:
        write_xlsx(
            path("hazards", f"隐患台账_{label}_整改销号.xlsx"),
            {"整改销号": _hazard_out(fixed, city, rng)},
            title("隐患整改销号情况（此前未整改隐患）"),
            FOOTERS,
        )

    dr = _drills(city, active, rng, rows["drills"], first, last, ym)
    ledger("drills", f"应急演练_{label}", _drill_out(dr, city, rng), "应急演练记录", "演练记录")
    write_csv(
        path("training_counts", f"培训台账_{label}.csv"),
        _training_counts(plan, rng, rows["training_counts"], month),
        title("工伤预防培训台账"),
        FOOTERS,
    )
    write_xlsx(
        path("video_sites", f"高后果区视频监控_{label}_新增.xlsx"),
        {"视频监控": _video_sites(city, active, rng, rows["video_sites"], first, last, ym)},
        title("新增高后果区智能视频监控台账"),
        FOOTERS[:1],
    )
    write_xlsx(
        path("accidents", f"生产安全事故台账_{label}.xlsx"),
        {
            f"{month.year}年{month.month}月": _accidents(
                city, active, rng, rows["accidents"], first, last, ym
            )
        },
        title("生产安全事故统计台账"),
        FOOTERS,
    )
    ledger(
        "inspections",
        f"检查记录_{label}",
        _inspections(city, active, rng, rows["inspections"], first, last, ym),
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
