"""Drill records (DATA_SPEC 2.3): one ledger with the four 四不 flags, one in traditional
characters with a single 四不 column."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from safetystats.sample.bad_rows import _bad_rows, _with_bad
from safetystats.sample.city import SampleCity, _spellings
from safetystats.sample.common import (
    END,
    FOOTERS,
    TITLE_NOTE,
    _bool_text,
    _dates,
    _days,
    _fmt_dates,
    _title,
    _traditional,
)
from safetystats.sample.writers import write_csv, write_xlsx


def drills(city: SampleCity, ent: pl.DataFrame) -> pl.DataFrame:
    rng = city.rng
    active = ent.filter(pl.col("status").is_in(["在营", ""]))
    dil_e = city.diligence[active["d_idx"].to_numpy()]
    hr = active["high_risk"].to_numpy()
    # evacuation drills: most enterprises one; high-risk ones two (one per half year)
    has_first = rng.random(active.height) < 0.80 + 0.25 * dil_e
    has_second = hr & has_first & (rng.random(active.height) < 0.6 + 0.45 * dil_e)
    e1 = np.flatnonzero(has_first)
    e2 = np.flatnonzero(has_second)
    ev_dates = np.concatenate(
        [
            _days(rng, dt.date(2024, 1, 1), dt.date(2024, 6, 30), len(e1)),
            _days(rng, dt.date(2024, 7, 1), dt.date(2024, 12, 31), len(e2)),
        ]
    )
    ev_ent = np.concatenate([e1, e2])
    n_other = max(0, city.scale.drills - len(ev_ent))
    o_ent = rng.integers(0, active.height, n_other)
    o_dates = _days(rng, dt.date(2023, 7, 1), END, n_other)
    ent_idx = np.concatenate([ev_ent, o_ent])
    dates = np.concatenate([ev_dates, o_dates])
    types = np.concatenate(
        [
            np.full(len(ev_ent), "疏散逃生"),
            rng.choice(
                ["综合应急预案", "专项应急预案", "现场处置方案", "专项", "现场处置"], n_other
            ),
        ]
    )
    n = len(ent_idx)
    d_idx = active["d_idx"].to_numpy()[ent_idx]
    unannounced = rng.random(n) < 0.22 + 0.35 * city.diligence[d_idx]
    flags = np.where(unannounced[:, None], True, rng.random((n, 4)) < 0.5)
    order = np.argsort(dates, kind="stable")
    return pl.DataFrame(
        {
            "drill_id": [f"YL{city.tag}{i:07d}" for i in range(n)],
            "enterprise_id": active["enterprise_id"].to_numpy()[ent_idx],
            "district": [city.districts[i].name for i in d_idx],
            "drill_date": _dates(dates),
            "drill_type": types,
            **_flags_and_more(flags, rng, n),
            "d_idx": d_idx,
        }
    )[order]


def _flags_and_more(flags: np.ndarray, rng, n: int) -> dict:
    """The four 四不 flags (f1..f4), then participants and evaluation, drawn in this order."""
    return {
        **{f"f{k + 1}": flags[:, k] for k in range(4)},
        "participants": rng.integers(8, 300, n),
        "evaluated": rng.random(n) < 0.85,
    }


DRILL_FLAGS = {"不提前通知": "f1", "不设定脚本": "f2", "不预设场景": "f3", "不预设地点": "f4"}


def _drill_out(four: pl.DataFrame, city: SampleCity, rng) -> pl.DataFrame:
    """Drills in the ledger with the four flags."""
    return pl.DataFrame(
        {
            "演练编号": four["drill_id"],
            "统一社会信用代码": four["enterprise_id"],
            "所属区市": _spellings(four, city, rng),
            "演练日期": four["drill_date"],
            "演练类型": four["drill_type"],
            **{k: _bool_text(four[v].to_numpy(), "√", "×") for k, v in DRILL_FLAGS.items()},
            "参演人数": four["participants"],
            "是否评估": _bool_text(four["evaluated"].to_numpy()),
        }
    )


def _traditional_drill_out(single: pl.DataFrame, city: SampleCity, rng) -> pl.DataFrame:
    """Drills in a ledger kept in traditional characters, one 四不 column for the four flags."""
    single_un = single["f1"] & single["f2"] & single["f3"] & single["f4"]
    return pl.DataFrame(
        {
            "演練編號": single["drill_id"],
            "統一社會信用代碼": single["enterprise_id"],
            "所屬區市": _spellings(single, city, rng, traditional=True),
            "演練日期": _fmt_dates(single["drill_date"], rng, ("%Y年%-m月%-d日",)),
            "演練類型": single["drill_type"],
            "是否四不演練": _bool_text(single_un.to_numpy()),
            "參演人數": single["participants"],
        }
    )


def write_drills(city: SampleCity, ent: pl.DataFrame, path) -> None:
    rng, scale = city.rng, city.scale
    dr = drills(city, ent)
    half = dr.height // 2
    four_out = _drill_out(dr[:half], city, rng)
    single_out = _traditional_drill_out(dr[half:], city, rng)
    if scale.large_as_csv:
        write_csv(
            path("drills", "应急演练_四项标志.csv"),
            _with_bad(four_out, "drills", scale, city),
            _title(city.area, "应急演练记录"),
        )
    else:
        write_xlsx(
            path("drills", "应急演练_四项标志.xlsx"),
            {"演练记录": four_out},
            _title(city.area, "应急演练记录"),
            FOOTERS,
            extra={"演练记录": _bad_rows(four_out.columns, "drills", scale, city)},
        )
    write_csv(
        path("drills", "應急演練記錄_繁體.csv"),
        single_out,
        [_traditional(f"{city.area.name}应急演练记录") + TITLE_NOTE],
        FOOTERS[:1],
        encoding="utf-8",
        bom=True,
    )


def month_drills(city: SampleCity, active: pl.DataFrame, rng, n: int, first, last, ym: str):
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
            **_flags_and_more(flags, rng, n),
            "d_idx": d_idx,
        }
    )
