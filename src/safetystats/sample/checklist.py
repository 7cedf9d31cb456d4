"""The rosters of the plans' checklist (DATA_SPEC 2.11, 6.6; docs/targets.md, docs/coverage.md):
one list per duty that `roster_coverage` computes — firms with their hazard item list, parks
under closed management, gas users checked at home … — in one file with a 名单 column.

Drawn from a stream of their own (seed, 20), so every other sample file stays as it was.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from safetystats.sample.city import SampleCity, _spellings
from safetystats.sample.common import (
    FOOTERS,
    _bool_text,
    _dates,
    _days,
    _share_done,
    _title,
)
from safetystats.sample.writers import write_csv

# roster name, what an object is ("企业": an operating enterprise of the unit; else a name
# stem), objects per leaf unit, the share done, the last day objects get done
CHECKLIST_ROSTERS = (
    ("重大事故隐患重点排查事项清单", "企业", 6, 0.85, dt.date(2024, 8, 31)),
    ("重大事故隐患回头看", "2023年重大事故隐患", 3, 0.9, dt.date(2024, 3, 31)),
    ("重大事故隐患治理评估", "已整改重大事故隐患", 3, 0.7, dt.date(2024, 12, 31)),
    ("功能区安全监管机构", "功能区", 1, 0.8, dt.date(2024, 12, 31)),
    ("化工园区封闭化管理", "化工园区", 1, 0.6, dt.date(2024, 12, 31)),
    ("危险化学品生产企业许可复核", "企业", 2, 0.9, dt.date(2024, 12, 31)),
    ("事故调查处理", "生产安全事故", 2, 0.75, dt.date(2024, 12, 31)),
    ("涉粉作业企业接入", "企业", 3, 0.8, dt.date(2024, 12, 31)),
    ("建筑起重机械电子证照", "塔式起重机", 5, 0.9, dt.date(2024, 12, 31)),
    ("硝化工艺微通道改造", "企业", 1, 0.5, dt.date(2024, 12, 31)),
    ("硝化工艺自动化改造", "企业", 1, 0.7, dt.date(2024, 6, 30)),
    ("氟化重氮化氯化工艺自动化改造", "企业", 1, 0.6, dt.date(2024, 12, 31)),
    ("机械化撬毛作业", "深凹露天矿山", 1, 0.7, dt.date(2024, 12, 31)),
    ("三个系统", "小型油气储存企业", 2, 0.65, dt.date(2024, 12, 31)),
    ("考试点条件复核", "考试点", 1, 0.9, dt.date(2024, 12, 31)),
    ("培训机构条件复核", "培训机构", 2, 0.85, dt.date(2024, 12, 31)),
    ("高危企业应急救援队伍", "企业", 3, 0.7, dt.date(2024, 12, 31)),
    ("外包施工单位摸底", "外包施工单位", 4, 0.8, dt.date(2024, 6, 30)),
    ("外包施工单位自查", "外包施工单位", 4, 0.7, dt.date(2024, 12, 31)),
    ("化工园区负责人培训", "化工园区负责人", 2, 0.8, dt.date(2024, 10, 31)),
    ("执法人员培训", "执法人员", 6, 0.45, dt.date(2024, 12, 31)),
    ("开工第一课", "企业", 6, 0.75, dt.date(2024, 2, 29)),
    ("家庭作坊和经营性自建房摸排", "经营性自建房", 5, 0.85, dt.date(2024, 12, 31)),
    ("民爆企业自评", "民爆企业", 1, 0.9, dt.date(2024, 6, 30)),
    ("民爆企业应急预案评审", "民爆企业", 1, 0.8, dt.date(2024, 12, 31)),
    ("安全风险评估", "行业部门", 2, 0.6, dt.date(2024, 12, 31)),
    ("事故责任追究整改", "生产安全事故", 2, 0.7, dt.date(2024, 12, 31)),
    ("燃气用户入户安检", "燃气用户", 8, 0.9, dt.date(2024, 12, 31)),
    ("餐饮场所燃气泄漏报警装置", "餐饮场所", 5, 0.8, dt.date(2024, 12, 31)),
    ("全员安全警示教育", "企业", 6, 0.8, dt.date(2024, 12, 31)),
    ("岗位责任排查", "企业", 6, 0.85, dt.date(2024, 12, 31)),
)


def checklist_rosters(city: SampleCity, ent: pl.DataFrame) -> pl.DataFrame:
    """One row per object of every checklist roster: roster, object_id, object_name,
    enterprise_id (for a roster of firms), d_idx, done, done_date."""
    rng = np.random.default_rng([city.seed, 20])
    active = ent.filter(pl.col("status").is_in(["在营", ""]))
    active_ids, active_names = (
        active["enterprise_id"].to_list(),
        active["enterprise_name"].to_list(),
    )
    pools = {i: np.flatnonzero(active["d_idx"].to_numpy() == i) for i in range(len(city.districts))}
    frames = []
    for k, (roster, stem, per_unit, share, last) in enumerate(CHECKLIST_ROSTERS):
        d_idx = np.repeat(np.arange(len(city.districts)), per_unit)
        n = d_idx.size
        if stem == "企业":
            rows = [
                pools[i][rng.integers(0, len(pools[i]))] if len(pools[i]) else -1 for i in d_idx
            ]
            ids = [active_ids[r] if r >= 0 else None for r in rows]
            names = [active_names[r] if r >= 0 else f"企业{j}" for j, r in enumerate(rows)]
        else:
            ids = [None] * n
            names = [f"{stem}{j + 1:03d}" for j in range(n)]
        done = _share_done(rng, city.diligence[d_idx], share)
        when = _days(rng, dt.date(2024, 1, 1), last, n)
        frames.append(
            pl.DataFrame(
                {
                    "roster": [roster] * n,
                    "object_id": [f"QD{k:02d}{city.tag}{j:05d}" for j in range(n)],
                    "object_name": names,
                    "enterprise_id": pl.Series(ids, dtype=pl.String),
                    "d_idx": d_idx,
                    "done": _bool_text(done),
                    "done_date": pl.select(pl.when(pl.Series(done)).then(_dates(when))).to_series(),
                }
            )
        )
    return pl.concat(frames)


def write_checklist_rosters(city: SampleCity, ent: pl.DataFrame, path) -> None:
    """rosters/样例数据_工作清单名单.csv: every checklist roster, the list named in 名单."""
    rng = np.random.default_rng([city.seed, 21])
    lists = checklist_rosters(city, ent)
    out = pl.DataFrame(
        {
            "名单": lists["roster"],
            "对象编号": lists["object_id"],
            "对象名称": lists["object_name"],
            "统一社会信用代码": lists["enterprise_id"],
            "所属区市": _spellings(lists, city, rng),
            "是否完成": lists["done"],
            "完成日期": lists["done_date"],
        }
    )
    write_csv(
        path("rosters", "工作清单名单.csv"),
        out,
        _title(city.area, "重点工作清单完成情况"),
        FOOTERS[:1],
    )
