"""Hazard ledgers (DATA_SPEC 2.2): 2023 typed by hand, 2024, and a later update of 2024."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from safetystats.sample.bad_rows import _with_bad
from safetystats.sample.city import SampleCity, _spellings
from safetystats.sample.common import END, FOOTERS, _dates, _days, _fmt_dates, _title
from safetystats.sample.writers import CsvLedger, write_xlsx

HAZARD_TEXTS = [
    "安全出口堵塞",
    "消防设施失效",
    "危化品储存不规范",
    "特种作业人员无证上岗",
    "动火作业未审批",
    "有限空间作业未检测",
    "电气线路私拉乱接",
    "安全防护装置缺失",
    "应急预案未演练",
    "粉尘清扫不及时",
]


def hazards(
    city: SampleCity,
    ent: pl.DataFrame,
    year: int,
    *,
    rng=None,
    n: int | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    ids: list[str] | None = None,
    number_from: int = 0,
) -> pl.DataFrame:
    """The hazards found in ``year`` (or from ``first`` to ``last``, a monthly update's),
    as they stand at the end of the sample (``last``): nothing rectified or closed later.
    Numbered from ``number_from`` (a year written in parts) unless ``ids`` are given."""
    rng = city.rng if rng is None else rng
    n = city.scale.hazards_per_year if n is None else n
    first, found_last = first or dt.date(year, 1, 1), last or dt.date(year, 12, 31)
    horizon = np.datetime64(last or END)
    e = rng.integers(0, ent.height, n)
    d_idx = ent["d_idx"].to_numpy()[e]
    dil = city.diligence[d_idx]
    found = _days(rng, first, found_last, n)
    major = rng.random(n) < 0.04
    deadline = found + rng.integers(15, 120, n).astype("timedelta64[D]")
    p_fix = np.where(major, 0.80 + 0.22 * dil, 0.90 + 0.1 * dil)
    fixed = rng.random(n) < p_fix
    late = rng.random(n) < (0.35 - 0.3 * dil)
    rect = np.where(
        late,
        deadline + rng.integers(1, 60, n).astype("timedelta64[D]"),
        found + rng.integers(1, 90, n).astype("timedelta64[D]"),
    )
    rect = np.minimum(rect, deadline + np.timedelta64(90, "D"))
    # the most diligent districts close every major hazard before the year ends
    rect = np.where(major & (dil > 0.8), np.minimum(rect, horizon), rect)
    fixed &= rect <= horizon
    closed_ok = fixed & (rng.random(n) < 0.8)
    closed = rect + rng.integers(0, 20, n).astype("timedelta64[D]")
    closed_ok &= closed <= horizon
    status = np.where(
        closed_ok,
        "已销号",
        np.where(fixed, "已整改", np.where(rng.random(n) < 0.5, "整改中", "未整改")),
    )
    sup = np.where(major, rng.choice(["区级", "市级", "省级", "无"], n, p=[0.4, 0.3, 0.1, 0.2]), "")
    five = ~major | (rng.random(n) < 0.7 + 0.3 * dil)
    prefix = "YH" if year == 2024 else "HZ"
    return pl.DataFrame(
        {
            "hazard_id": ids
            or [f"{prefix}{year}{city.tag}{i:07d}" for i in range(number_from, number_from + n)],
            "enterprise_id": ent["enterprise_id"].to_numpy()[e],
            "district": [city.districts[i].name for i in d_idx],
            "level": np.where(
                major,
                rng.choice(["重大", "重大事故隐患", "重大隐患"], n),
                rng.choice(["一般", "一般隐患"], n),
            ),
            "description": rng.choice(HAZARD_TEXTS, n),
            "source": rng.choice(
                ["企业自查", "执法检查", "暗访检查", "举报", "第三方诊断"],
                n,
                p=[0.5, 0.3, 0.1, 0.05, 0.05],
            ),
            "found_date": _dates(found),
            "deadline": _dates(deadline),
            "rectified_date": pl.select(pl.when(pl.Series(fixed)).then(_dates(rect))).to_series(),
            "closed_date": pl.select(
                pl.when(pl.Series(closed_ok)).then(_dates(closed))
            ).to_series(),
            "status": status,
            "supervision": sup,
            "responsible_person": np.where(
                five, rng.choice(["张伟", "王芳", "李强", "刘洋", "陈静"], n), ""
            ),
            "measures": np.where(five, "立即整改并加强巡查", ""),
            "funds": pl.Series(np.where(five, np.round(rng.gamma(2, 2.5, n), 1), np.nan)).fill_nan(
                None
            ),
            "contingency_plan": np.where(five, "是", np.where(rng.random(n) < 0.5, "否", "")),
            "major": major,
            "d_idx": d_idx,
        }
    )


def _hazard_out(hz: pl.DataFrame, city: SampleCity, rng) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "隐患编号": hz["hazard_id"],
            "统一社会信用代码": hz["enterprise_id"],
            "所属区市": _spellings(hz, city, rng),
            "隐患等级": hz["level"],
            "隐患描述": hz["description"],
            "发现方式": hz["source"],
            "发现日期": hz["found_date"],
            "整改期限": hz["deadline"],
            "整改完成日期": hz["rectified_date"],
            "销号日期": hz["closed_date"],
            "整改状态": hz["status"],
            "挂牌督办": hz["supervision"],
            "整改责任人": hz["responsible_person"],
            "整改措施": hz["measures"],
            "整改资金（万元）": hz["funds"],
            "是否制定应急预案": hz["contingency_plan"],
        }
    )


def _hazard_ledgers(city: SampleCity, ent: pl.DataFrame, rng, part_rows: int | None = None):
    """(year, hazards, ledger, last part?) of 2023 and 2024, a part (``part_rows``) at a time;
    2023's ledger was typed by hand: text dates in mixed styles."""
    n = city.scale.hazards_per_year
    step = part_rows or n
    for year in (2023, 2024):
        for start in range(0, n, step):
            hz = hazards(city, ent, year, n=min(step, n - start), number_from=start)
            hz_out = _hazard_out(hz, city, rng)
            if year == 2023:
                hz_out = hz_out.with_columns(
                    [
                        pl.Series(c, _fmt_dates(hz_out[c], rng))
                        for c in ("发现日期", "整改期限", "整改完成日期", "销号日期")
                    ]
                )
            yield year, hz, hz_out, start + step >= n
            del hz, hz_out  # one part in memory at a time


def _rectified_later(hz: pl.DataFrame, hz_out: pl.DataFrame, seed: int) -> pl.DataFrame:
    """A later update of the 2024 ledger: some open major hazards reported rectified."""
    update = hz_out.filter(pl.Series(hz["major"].to_numpy()) & pl.col("整改完成日期").is_null())
    return update.sample(fraction=0.5, seed=seed).with_columns(
        (pl.col("发现日期").cast(pl.Date) + pl.duration(days=30))
        .clip(upper_bound=END)
        .alias("整改完成日期"),
        pl.lit("已整改").alias("整改状态"),
    )


def write_hazards(city: SampleCity, ent: pl.DataFrame, path, part_rows: int | None) -> None:
    """The hazard ledgers of 2023 and 2024, ``part_rows`` at a time, and the update of 2024."""
    rng, scale = city.rng, city.scale
    ledgers = {
        2023: CsvLedger(
            path("hazards", "隐患台账_2023.csv"),
            _title(city.area, "2023年隐患排查治理台账"),
            FOOTERS[:1],
            encoding="gb18030",
        )
    }
    if scale.large_as_csv:
        ledgers[2024] = CsvLedger(
            path("hazards", "隐患台账_2024.csv"),
            _title(city.area, "2024年隐患排查治理台账"),
            FOOTERS,
        )
    updates = []
    for year, hz, hz_out, last in _hazard_ledgers(city, ent, rng, part_rows):
        if year == 2023 and last:
            hz_out = _with_bad(hz_out, "hazards", scale, city)
        if year in ledgers:
            ledgers[year].write(hz_out)
            if last:
                ledgers[year].close()
        else:
            write_xlsx(
                path("hazards", "隐患台账_2024.xlsx"),
                {"隐患台账": hz_out},
                _title(city.area, "2024年隐患排查治理台账"),
                FOOTERS,
            )
        if year == 2024:
            updates.append(_rectified_later(hz, hz_out, city.seed))
        del hz, hz_out  # one part in memory at a time
    update = pl.concat(updates)
    if update.height:  # a small area may have no open major hazard to update
        write_xlsx(
            path("hazards", "隐患台账_2024_更新.xlsx"),
            {"更新": update},
            _title(city.area, "2024年重大事故隐患整改情况更新"),
            FOOTERS,
        )


def month_rectifications(open_hz: pl.DataFrame, rng, n: int, first: dt.date, last: dt.date):
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
