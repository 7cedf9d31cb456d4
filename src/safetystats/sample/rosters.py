"""Lists of objects to get done: video monitoring sites (DATA_SPEC 2.6) and the rosters of 2.11
(电梯应急处置平台 in its folder, 变型拖拉机复查 with a 名单 column)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from safetystats.sample.bad_rows import _with_bad
from safetystats.sample.city import SampleCity, _spellings
from safetystats.sample.common import (
    END,
    FOOTERS,
    _bool_text,
    _dates,
    _days,
    _fmt_dates,
    _share_done,
    _title,
)
from safetystats.sample.writers import write_csv, write_xls, write_xlsx

ELEVATOR_ROSTER = "电梯应急处置平台"
TRACTOR_ROSTER = "变型拖拉机复查"


def video_sites(city: SampleCity, ent: pl.DataFrame) -> pl.DataFrame:
    rng, n = city.rng, city.scale.sites
    d_idx = rng.integers(0, len(city.districts), n)
    dil = city.diligence[d_idx]
    hc = rng.random(n) < 0.85
    installed = rng.random(n) < np.where(dil > 0.8, 1.01, 0.7 + 0.3 * dil)
    inst_date = _days(rng, dt.date(2022, 6, 1), END, n)
    has_date = rng.random(n) < 0.85
    return pl.DataFrame(
        {
            "site_id": [f"GHQ{city.tag}{i:05d}" for i in range(n)],
            "enterprise_id": city._operators(ent, d_idx),
            "district": [city.districts[i].name for i in d_idx],
            "site_name": [
                f"{city.districts[i].name}输油管道高后果区{k:03d}" for k, i in enumerate(d_idx)
            ],
            "high_consequence": _bool_text(hc),
            "video_installed": _bool_text(installed, "已安装", "未安装"),
            "installed_date": pl.select(
                pl.when(pl.Series(installed & has_date)).then(_dates(inst_date))
            ).to_series(),
            "online": _bool_text(installed & (rng.random(n) < 0.9), "在线", "离线"),
        }
    )


def elevators(city: SampleCity, ent: pl.DataFrame) -> pl.DataFrame:
    """电梯应急处置平台: elevators of the enterprises, about 80% connected."""
    rng = city.rng_more
    active = ent.filter(pl.col("status").is_in(["在营", ""]))
    n = max(20, city.scale.enterprises // 2)
    e = rng.integers(0, active.height, n)
    d_idx = active["d_idx"].to_numpy()[e]
    dil = city.diligence[d_idx]
    in_scope = rng.random(n) < 0.97
    done = _share_done(rng, dil, 0.8)
    dated = done & (rng.random(n) < 0.9)
    when = _days(rng, dt.date(2024, 1, 1), END, n)
    codes = np.array([d.code[:6] for d in city.districts])[d_idx]
    return pl.DataFrame(
        {
            "object_id": [f"311{c}{city.tag}{k:06d}" for k, c in enumerate(codes)],
            "object_name": rng.choice(
                ["曳引驱动乘客电梯", "曳引驱动载货电梯", "自动扶梯", "杂物电梯"],
                n,
                p=[0.6, 0.15, 0.15, 0.1],
            ),
            "user": active["enterprise_name"].to_numpy()[e],
            "enterprise_id": active["enterprise_id"].to_numpy()[e],
            "d_idx": d_idx,
            "in_scope": _bool_text(in_scope),
            "done": _bool_text(done),
            "done_date": pl.select(pl.when(pl.Series(dated)).then(_dates(when))).to_series(),
        }
    )


def tractors(city: SampleCity) -> pl.DataFrame:
    """变型拖拉机复查: tractors of households, about half re-checked."""
    rng = city.rng_more
    n = max(12, city.scale.enterprises // 15)
    d_idx = rng.integers(0, len(city.districts), n)
    dil = city.diligence[d_idx]
    done = _share_done(rng, dil, 0.5)
    dated = done & (rng.random(n) < 0.85)
    when = _days(rng, dt.date(2024, 3, 1), END, n)
    owners = rng.choice(["张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴"], n)
    return pl.DataFrame(
        {
            "object_id": [
                f"BX{city.districts[i].code[:6]}{city.tag}{k:05d}" for k, i in enumerate(d_idx)
            ],
            "object_name": [f"变型拖拉机（车主：{o}某某）" for o in owners],
            "d_idx": d_idx,
            "done": _bool_text(done, "√", "×"),
            "done_date": pl.select(pl.when(pl.Series(dated)).then(_dates(when))).to_series(),
        }
    )


def write_video_sites(city: SampleCity, ent: pl.DataFrame, path) -> None:
    scale = city.scale
    vs = video_sites(city, ent)
    vs_out = vs.rename(
        {
            "site_id": "点位编号",
            "enterprise_id": "统一社会信用代码",
            "district": "所属区市",
            "site_name": "点位名称",
            "high_consequence": "是否高后果区",
            "video_installed": "是否安装智能视频监控",
            "installed_date": "安装日期",
            "online": "在线状态",
        }
    )
    write_xls(
        path("video_sites", "高后果区视频监控.xls"),
        vs_out,
        "视频监控",
        _title(city.area, "高后果区智能视频监控台账"),
        FOOTERS[:1],
    )
    if scale.bad_rows:
        bad = _with_bad(vs_out.head(0), "video_sites", scale, city)
        write_csv(
            path("video_sites", "高后果区视频监控_补报.csv"),
            bad,
            _title(city.area, "高后果区视频监控补报"),
        )


def write_rosters(city: SampleCity, ent: pl.DataFrame, path) -> None:
    """Two rosters: one in its folder rosters/<name>/ (no 名单 column), one with the column."""
    rng = city.rng_more
    el = elevators(city, ent)
    el_out = pl.DataFrame(
        {
            "设备编号": el["object_id"],
            "设备名称": el["object_name"],
            "使用单位": el["user"],
            "统一社会信用代码": el["enterprise_id"],
            "所属区县": _spellings(el, city, rng),
            "是否在册": el["in_scope"],
            "是否接入": el["done"],
            "接入日期": el["done_date"],
        }
    )
    folder = f"rosters/{ELEVATOR_ROSTER}"
    title = _title(city.area, "电梯应急处置服务平台接入情况")
    if city.scale.large_as_csv:
        write_csv(path(folder, "电梯应急处置平台接入情况.csv"), el_out, title, FOOTERS)
    else:
        write_xlsx(path(folder, "电梯应急处置平台接入情况.xlsx"), {"电梯": el_out}, title, FOOTERS)
    tr = tractors(city)
    tr_out = pl.DataFrame(
        {
            "名单": [TRACTOR_ROSTER] * tr.height,
            "登记编号": tr["object_id"],
            "对象名称": tr["object_name"],
            "所属区市": _spellings(tr, city, rng),
            "是否复查": tr["done"],
            "复查日期": _fmt_dates(tr["done_date"], rng),
        }
    )
    write_csv(
        path("rosters", "变型拖拉机复查名单.csv"),
        tr_out,
        _title(city.area, "变型拖拉机安全隐患复查名单"),
        FOOTERS[:1],
        encoding="gb18030",
    )


def month_video_sites(city: SampleCity, active: pl.DataFrame, rng, n: int, first, last, ym: str):
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
