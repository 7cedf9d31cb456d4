"""The accident ledger (DATA_SPEC 2.9): 2023 and 2024, with early warnings planted."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from safetystats.sample.city import SampleCity
from safetystats.sample.common import END, FOOTERS, START, _dates, _datetime_text, _days, _title
from safetystats.sample.enterprises import INDUSTRIES
from safetystats.sample.writers import write_xlsx

ACCIDENT_KINDS = [
    "高处坠落",
    "物体打击",
    "机械伤害",
    "触电",
    "车辆伤害",
    "起重伤害",
    "中毒和窒息",
    "火灾",
    "坍塌",
]


def _casualties(deaths: int, injuries: int) -> str:
    parts = [f"{n}人{what}" for n, what in ((deaths, "死亡"), (injuries, "受伤")) if n]
    return "造成" + "、".join(parts) if parts else "未造成人员伤亡"


def accidents(city: SampleCity, ent: pl.DataFrame) -> pl.DataFrame:
    """Sparse (about 1 per 300 enterprises a year, 2023-2024), mostly 一般; a few leaf units
    are made to trip each early warning of DATA_SPEC 6.5 at the end of 2024."""
    rng = city.rng_more
    active = ent.filter(pl.col("status").is_in(["在营", ""]))
    pools = city._pools(active)
    order = rng.permutation(len(city.districts))
    two_a, two_b, yoy, serious = (int(order[k % len(order)]) for k in range(4))
    planted = [  # (leaf, when, level, deaths)
        # two accidents within 60 days in 2024 (44 and 46 days apart)
        (two_a, dt.datetime(2024, 3, 12, 9, 40), "一般", 1),
        (two_a, dt.datetime(2024, 4, 25, 15, 10), "一般", 0),
        (two_b, dt.datetime(2024, 8, 3, 10, 20), "一般", 0),
        (two_b, dt.datetime(2024, 9, 18, 16, 5), "一般", 1),
        # November and December 2024 each above the same month of 2023 (none), deaths too
        (yoy, dt.datetime(2024, 11, 14, 8, 30), "一般", 1),
        (yoy, dt.datetime(2024, 12, 9, 13, 50), "一般", 1),
        # 一票否决
        (serious, dt.datetime(2024, 6, 21, 11, 0), "较大", 3),
        # the year before: far from the others, so it trips nothing
        (two_a, dt.datetime(2023, 5, 16, 14, 25), "一般", 1),
    ]
    planted_leaves = {two_a, two_b, yoy, serious}
    # the rest at random, away from the planted units so that their warnings stay as meant
    others = np.flatnonzero(~np.isin(active["d_idx"].to_numpy(), list(planted_leaves)))
    n_bg = round(city.scale.enterprises * 2 / 300) if others.size else 0
    bg_ent = others[rng.integers(0, max(others.size, 1), n_bg)] if n_bg else np.array([], int)
    minutes = rng.integers(7 * 60, 20 * 60, n_bg)
    bg_when = [
        dt.datetime.combine(d, dt.time(m // 60, m % 60))
        for d, m in zip(_dates(_days(rng, START, END, n_bg)).to_list(), minutes, strict=True)
    ]
    bg_level = np.where(rng.random(n_bg) < 0.02, "较大", "一般")
    bg_deaths = np.where(
        bg_level == "较大",
        rng.integers(3, 7, n_bg),
        rng.choice([0, 1, 2], n_bg, p=[0.45, 0.45, 0.1]),
    )
    e_rows = [
        int(pools[leaf][rng.integers(0, pools[leaf].size)]) if pools[leaf].size else -1
        for leaf, *_ in planted
    ] + bg_ent.tolist()
    # some accidents (roads, sites without a registered operator) name no enterprise
    no_ent = np.concatenate([np.zeros(len(planted), bool), rng.random(n_bg) < 0.15])
    e_rows = np.where(no_ent, -1, e_rows)
    leaves = np.array(
        [leaf for leaf, *_ in planted] + active["d_idx"].to_numpy()[bg_ent].tolist(), dtype=int
    )
    when = [w for _, w, *_ in planted] + bg_when
    level = np.array([lv for _, _, lv, _ in planted] + bg_level.tolist())
    deaths = np.array([d for *_, d in planted] + bg_deaths.tolist(), dtype=int)
    n = len(when)
    has_ent = e_rows >= 0
    safe = np.where(has_ent, e_rows, 0)
    industry = np.where(has_ent, active["industry"].to_numpy()[safe], rng.choice(INDUSTRIES, n))
    names = np.where(has_ent, active["enterprise_name"].to_numpy()[safe], None)
    injuries = rng.integers(0, 6, n) + np.where(level == "较大", rng.integers(0, 8, n), 0)
    kinds = rng.choice(ACCIDENT_KINDS, n)
    loss = np.round(rng.gamma(2.0, 40.0, n) * np.where(level == "较大", 8, 1), 1)
    description = [
        f"{w.month}月{w.day}日{w.hour}时许，{nm or '一处作业现场'}发生一起{k}事故，"
        f"{_casualties(d, i)}。"
        for w, nm, k, d, i in zip(when, names, kinds, deaths, injuries, strict=True)
    ]
    frame = pl.DataFrame(
        {
            "when": pl.Series(when, dtype=pl.Datetime("us")),
            "d_idx": leaves,
            "enterprise_id": np.where(
                has_ent, active["enterprise_id"].to_numpy()[safe], None
            ).tolist(),
            "enterprise_name": names.tolist(),
            "industry": industry,
            "level": level,
            "deaths": deaths,
            "injuries": injuries,
            "direct_loss": loss,
            "description": description,
        },
        strict=False,
    ).sort("when", maintain_order=True)
    return frame.with_columns(  # numbered within each year: SG2024<tag>0001 …
        (
            pl.lit("SG")
            + pl.col("when").dt.year().cast(pl.String)
            + pl.lit(city.tag)
            + (pl.int_range(pl.len()).over(pl.col("when").dt.year()) + 1)
            .cast(pl.String)
            .str.zfill(4)
        ).alias("accident_id")
    )


def write_accidents(city: SampleCity, ent: pl.DataFrame, path) -> None:
    rng = city.rng_more
    acc = accidents(city, ent)
    n = acc.height
    has_ent = acc["enterprise_id"].is_not_null().to_numpy()
    district = city.spellings.pick(acc["d_idx"].to_numpy(), rng).to_numpy()
    # with an enterprise, some leave the district (and the industry) to the register
    district = np.where(has_ent & (rng.random(n) < 0.1), None, district)
    industry = np.where(has_ent & (rng.random(n) < 0.2), None, acc["industry"].to_numpy())
    level = np.where(rng.random(n) < 0.6, acc["level"].to_numpy() + "事故", acc["level"])
    out = pl.DataFrame(
        {
            "事故编号": acc["accident_id"],
            "事故发生时间": _datetime_text(acc["when"].to_list(), rng),
            "所属区县": district.tolist(),
            "统一社会信用代码": acc["enterprise_id"],
            "企业名称": acc["enterprise_name"],
            "行业领域": industry.tolist(),
            "事故等级": level.tolist(),
            "死亡人数": acc["deaths"],
            "受伤人数": acc["injuries"],
            "直接经济损失（万元）": acc["direct_loss"],
            "事故简况": acc["description"],
        },
        strict=False,
    )
    year = acc["when"].dt.year().to_numpy()
    write_xlsx(
        path("accidents", "生产安全事故台账.xlsx"),
        {f"{y}年": out.filter(pl.Series(year == y)) for y in (2023, 2024) if (year == y).any()},
        _title(city.area, "生产安全事故统计台账（2023—2024年）"),
        FOOTERS,
    )


def month_accidents(city: SampleCity, active: pl.DataFrame, rng, n: int, first, last, ym: str):
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
