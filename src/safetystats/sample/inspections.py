"""Inspection records (DATA_SPEC 2.10): 负责人带队检查, 执法检查 and 督导检查 of 2024."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from safetystats.sample.city import SampleCity, _spellings
from safetystats.sample.common import (
    END,
    FOOTERS,
    _bool_text,
    _dates,
    _days,
    _fmt_dates,
    _month_end,
    _title,
)
from safetystats.sample.writers import write_csv, write_xlsx


def inspections(city: SampleCity, ent: pl.DataFrame) -> pl.DataFrame:
    """2024: 负责人带队检查 every quarter (high-risk enterprises every month) by most
    enterprises, 执法检查 of most high-risk enterprises, 督导检查 of a few."""
    rng = city.rng_more
    active = ent.filter(pl.col("status").is_in(["在营", ""]))
    n = active.height
    dil = city.diligence[active["d_idx"].to_numpy()]
    hr = active["high_risk"].to_numpy()
    parts: list[tuple[np.ndarray, np.ndarray, str]] = []  # (rows, dates, kind)
    for q in range(4):
        first, last = dt.date(2024, 3 * q + 1, 1), _month_end(2024, 3 * q + 3)
        rows = np.flatnonzero(~hr & (rng.random(n) < 0.62 + 0.38 * dil))
        parts.append((rows, _days(rng, first, last, rows.size), "lead"))
    for m in range(1, 13):
        rows = np.flatnonzero(hr & (rng.random(n) < 0.55 + 0.45 * dil))
        first, last = dt.date(2024, m, 1), _month_end(2024, m)
        parts.append((rows, _days(rng, first, last, rows.size), "lead"))
    rows = np.flatnonzero(hr & (rng.random(n) < 0.5 + 0.5 * dil))
    again = rows[rng.random(rows.size) < 0.2]
    rows = np.concatenate([rows, again])
    parts.append((rows, _days(rng, dt.date(2024, 1, 1), END, rows.size), "执法检查"))
    rows = np.flatnonzero(rng.random(n) < 0.06)
    parts.append((rows, _days(rng, dt.date(2024, 1, 1), END, rows.size), "督导检查"))
    e = np.concatenate([r for r, _, _ in parts]).astype(int)
    dates = np.concatenate([d for _, d, _ in parts])
    kind = np.concatenate([np.full(r.size, k, dtype=object) for r, _, k in parts])
    lead = kind == "lead"
    total = e.size
    kind = np.where(
        lead,
        rng.choice(["负责人带队检查", "主要负责人带队", "带队检查"], total, p=[0.7, 0.2, 0.1]),
        kind,
    )
    found = np.where(
        kind == "执法检查",
        rng.poisson(2.0, total),
        np.where(kind == "督导检查", rng.poisson(1.2, total), rng.poisson(0.6, total)),
    )
    d_idx = active["d_idx"].to_numpy()[e]
    order = np.lexsort((np.arange(total), dates))
    frame = pl.DataFrame(
        {
            "enterprise_id": active["enterprise_id"].to_numpy()[e],
            "enterprise_name": active["enterprise_name"].to_numpy()[e],
            "d_idx": d_idx,
            "inspection_date": _dates(dates),
            "kind": kind.astype(str),
            "department": [city._department(i, k) for i, k in zip(d_idx, kind, strict=True)],
            "hazards_found": found,
        }
    )[order]
    return frame.with_columns(
        pl.Series("inspection_id", [f"JC2024{city.tag}{i + 1:07d}" for i in range(total)])
    )


def write_inspections(city: SampleCity, ent: pl.DataFrame, path) -> None:
    rng = city.rng_more
    ins = inspections(city, ent)
    lead = ins.filter(~pl.col("kind").is_in(["执法检查", "督导检查"]))
    lead_out = pl.DataFrame(
        {
            "检查编号": lead["inspection_id"],
            "统一社会信用代码": lead["enterprise_id"],
            "被检查单位": lead["enterprise_name"],
            "检查日期": _fmt_dates(lead["inspection_date"], rng),
            "检查方式": lead["kind"],
            "检查单位": lead["department"],
            "发现隐患数": lead["hazards_found"],
        }
    )
    write_csv(  # no district column: the register says where each enterprise is
        path("inspections", "企业负责人带队检查记录_2024.csv"),
        lead_out,
        _title(city.area, "2024年企业主要负责人带队检查记录"),
        FOOTERS[:1],
        encoding="gb18030",
    )
    other = ins.filter(pl.col("kind").is_in(["执法检查", "督导检查"]))
    n = other.height
    kind = np.where(
        other["kind"].to_numpy() == "执法检查",
        rng.choice(["执法检查", "行政执法检查", "执法"], n, p=[0.6, 0.3, 0.1]),
        rng.choice(["督导检查", "督查"], n, p=[0.8, 0.2]),
    )
    other_out = pl.DataFrame(
        {
            "检查编号": other["inspection_id"],
            "被检查单位": other["enterprise_name"],
            "统一社会信用代码": other["enterprise_id"],
            "所属区市": _spellings(other, city, rng),
            "检查时间": other["inspection_date"],
            "检查类型": kind.tolist(),
            "检查单位": other["department"],
            "隐患数": other["hazards_found"],
        }
    )
    _write_enforcement(city, other, other_out, path)


def enforcement_columns(
    kind: np.ndarray, found: np.ndarray, diligence: np.ndarray, rng: np.random.Generator
) -> dict[str, list]:
    """How each check was done and what came of it (DATA_SPEC 2.10), in the ledger's headers:
    the diligent units' enforcement goes 四不两直/暗查暗访 more often; penalties in 万元."""
    n = kind.size
    enf = kind == "执法检查"
    covert = rng.random(n) < np.where(enf, 0.15 + 0.45 * diligence, 0.2)
    manner = np.where(
        covert,
        rng.choice(["四不两直", "暗查暗访"], n, p=[0.8, 0.2]),
        rng.choice(["双随机", "常规检查"], n, p=[0.4, 0.6]),
    )
    case = enf & (rng.random(n) < np.where(found > 2, 0.35, 0.1))
    penalty = np.where(case, np.round(rng.gamma(2.0, 1.5, n), 2), 0.0)
    blank = ~case & (rng.random(n) < 0.5)  # no penalty: 0 or left blank
    return {
        "检查方式": manner.tolist(),
        "发现重大隐患数": rng.binomial(found, 0.08).tolist(),
        "是否立案": _bool_text(case),
        "罚款金额（万元）": [None if b else float(v) for v, b in zip(penalty, blank, strict=True)],
        "责令停产停业": _bool_text(case & (rng.random(n) < 0.15)),
        "非现场执法": _bool_text(enf & (rng.random(n) < 0.06)),
    }


def _write_enforcement(city: SampleCity, other: pl.DataFrame, out: pl.DataFrame, path) -> None:
    """The 执法/督导 checks with the enforcement columns, from their own stream; one unit's
    ledger has none of those columns (an older form), another's gives penalties in 元."""
    rng = np.random.default_rng([city.seed, 4])
    d_idx = other["d_idx"].to_numpy()
    columns = enforcement_columns(
        other["kind"].to_numpy(), other["hazards_found"].to_numpy(), city.diligence[d_idx], rng
    )
    full = out.with_columns(pl.Series(k, v, strict=False) for k, v in columns.items())
    order = rng.permutation(len(city.districts))
    bare, yuan = int(order[0]), int(order[1 % order.size])
    main = full.filter(~pl.Series(np.isin(d_idx, [bare, yuan])))
    title = _title(city.area, "2024年执法检查及督导检查记录")
    if main.height:  # a registry of one or two units: their own files hold every check
        path.ledger("inspections", "执法及督导检查记录_2024", main, "检查记录", title, FOOTERS)
    unit = city.districts[bare].name
    write_csv(  # the older form: no enforcement columns at all
        path("inspections", f"执法检查记录_{unit}_2024.csv"),
        out.filter(pl.Series(d_idx == bare)),
        _title(city.area, f"{unit}2024年执法检查记录"),
        FOOTERS[:1],
    )
    if yuan != bare:
        unit = city.districts[yuan].name
        in_yuan = full.filter(pl.Series(d_idx == yuan)).with_columns(
            (pl.col("罚款金额（万元）") * 10_000).round(0).cast(pl.Int64).alias("罚款金额（元）")
        )
        write_xlsx(
            path("inspections", f"执法检查记录_{unit}_2024.xlsx"),
            {"执法检查": in_yuan.drop("罚款金额（万元）")},
            _title(city.area, f"{unit}2024年执法检查记录"),
            FOOTERS,
        )


def month_inspections(city: SampleCity, active: pl.DataFrame, rng, n: int, first, last, ym: str):
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
