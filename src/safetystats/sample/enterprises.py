"""The enterprise register (DATA_SPEC 2.1): names, industries, sizes, statuses."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from safetystats.sample.bad_rows import _bad_rows
from safetystats.sample.city import SampleCity, _spellings
from safetystats.sample.common import END, FOOTERS, FULL_WIDTH, _bool_text, _title, enterprise_code
from safetystats.sample.writers import write_xlsx

NAME_HEADS = [
    "宏达",
    "鑫源",
    "华通",
    "海洋",
    "东方",
    "金海",
    "永盛",
    "恒信",
    "泰丰",
    "瑞祥",
    "荣华",
    "利民",
    "安泰",
    "新港",
    "蓝海",
    "长城",
    "远航",
    "顺达",
    "天成",
    "广源",
]
NAME_TAILS = {
    "危险化学品": "化工",
    "矿山": "矿业",
    "烟花爆竹": "烟花",
    "民爆": "爆破工程",
    "金属冶炼": "冶金",
    "建筑施工": "建设工程",
    "交通运输": "运输",
    "燃气": "燃气",
    "工贸": "机械制造",
    "消防重点单位": "商业管理",
    "特种设备": "起重设备",
    "住宿餐饮零售": "酒店管理",
    "其他": "实业",
}
INDUSTRY_WEIGHTS = {
    "危险化学品": 8,
    "矿山": 2,
    "烟花爆竹": 1,
    "民爆": 1,
    "金属冶炼": 4,
    "建筑施工": 10,
    "交通运输": 8,
    "燃气": 3,
    "工贸": 30,
    "消防重点单位": 10,
    "特种设备": 5,
    "住宿餐饮零售": 12,
    "其他": 6,
}

INDUSTRIES = list(INDUSTRY_WEIGHTS)


def _draw_industries(rng, n: int) -> np.ndarray:
    """Industry numbers (into INDUSTRIES) by the weights of a city's register."""
    w = np.array(list(INDUSTRY_WEIGHTS.values()), dtype=float)
    return rng.choice(len(INDUSTRIES), n, p=w / w.sum())


def _industry_columns(city: SampleCity, ind: np.ndarray) -> dict[str, list]:
    high_risk = set(city.settings.vocab["high_risk_industries"])
    return {
        "industry": [INDUSTRIES[k] for k in ind],
        "high_risk": [INDUSTRIES[k] in high_risk for k in ind],
    }


def enterprises(city: SampleCity) -> pl.DataFrame:
    rng, n = city.rng, city.scale.enterprises
    d_idx = rng.integers(0, len(city.districts), n)
    ind = _draw_industries(rng, n)
    # a credit code holds the county's 6 digits (a 街道 or 社区 code is longer)
    codes = np.array([d.code[:6] for d in city.districts])[d_idx]
    ids = [enterprise_code(c, city.tag, i) for i, c in enumerate(codes)]
    status = rng.choice(["在营", "停产", "关闭", ""], n, p=[0.90, 0.04, 0.02, 0.04])
    return pl.DataFrame(
        {
            "enterprise_id": ids,
            "enterprise_name": [
                f"{city.area.short}{NAME_HEADS[i % 20]}{NAME_TAILS[INDUSTRIES[k]]}有限公司{city.tag}{i:05d}"
                for i, k in enumerate(ind)
            ],
            "d_idx": d_idx,
            **_industry_columns(city, ind),
            "employees": np.maximum(3, rng.lognormal(3.6, 1.0, n)).astype(int),
            "status": status,
        }
    )


def _enterprise_out(ent: pl.DataFrame, city: SampleCity, rng) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "*统一社会信用代码": ent["enterprise_id"],
            "*企业名称": ent["enterprise_name"],
            "*所属区市": _spellings(ent, city, rng),
            "*行业领域": ent["industry"],
            "是否高危行业": _bool_text(ent["high_risk"].to_numpy()),
            "从业人员数": [  # some typed with a unit, some in full-width digits
                f"{v}人" if i % 7 == 0 else str(v).translate(FULL_WIDTH) if i % 11 == 0 else str(v)
                for i, v in enumerate(ent["employees"].to_list())
            ],
            "经营状态": ent["status"],
        }
    )


def write_enterprises(city: SampleCity, path) -> pl.DataFrame:
    """The register with its bad rows; returns the enterprises drawn."""
    rng, scale = city.rng, city.scale
    ent = enterprises(city)
    ent_out = _enterprise_out(ent, city, rng)
    write_xlsx(
        path("enterprises", "企业名录.xlsx"),
        {"企业名录": ent_out},
        _title(city.area, "安全生产重点企业名录"),
        FOOTERS,
        extra={"企业名录": _bad_rows(ent_out.columns, "enterprises", scale, city)},
    )
    return ent


# new enterprises of an update are numbered from here, a million a month: never the sample's
NEW_ENTERPRISE_NUMBERS = 500_000_000


def month_enterprises(city: SampleCity, rng, n: int, month: dt.date) -> pl.DataFrame:
    """Enterprises registered in the month, numbered where the sample never numbers."""
    index = (month.year - END.year - 1) * 12 + month.month - 1
    d_idx = rng.integers(0, len(city.districts), n)
    ind = _draw_industries(rng, n)
    first = NEW_ENTERPRISE_NUMBERS + index * 1_000_000
    return pl.DataFrame(
        {
            "enterprise_id": [
                enterprise_code(city.districts[d].code[:6], city.tag, first + i)
                for i, d in enumerate(d_idx)
            ],
            "enterprise_name": [
                f"{city.area.short}{NAME_HEADS[(i + 7) % 20]}{NAME_TAILS[INDUSTRIES[k]]}"
                f"有限公司{city.tag}{month:%Y%m}{i:04d}"
                for i, k in enumerate(ind)
            ],
            "d_idx": d_idx,
            **_industry_columns(city, ind),
            "employees": np.maximum(3, rng.lognormal(3.2, 0.9, n)).astype(int),
            "status": ["在营"] * n,
        }
    )
