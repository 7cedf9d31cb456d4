"""Training tasks (DATA_SPEC 2.4) and monthly training counts (2.5)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from safetystats.sample.bad_rows import _with_bad
from safetystats.sample.city import SampleCity
from safetystats.sample.common import FOOTERS, _title
from safetystats.sample.writers import write_csv, write_xlsx

CATEGORIES = ["主要负责人", "安全生产管理人员", "特种作业人员", "班组长", "全员"]


def training(city: SampleCity, ent: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = city.rng
    n_cat = rng.integers(2, 4, ent.height)
    rows_e = np.repeat(np.arange(ent.height), n_cat)
    cats = np.concatenate([rng.choice(CATEGORIES, k, replace=False) for k in n_cat])
    emp = ent["employees"].to_numpy()[rows_e]
    task = np.where(
        np.isin(cats, ["主要负责人"]),
        rng.integers(1, 4, len(rows_e)),
        np.maximum(2, (emp * rng.uniform(0.1, 0.6, len(rows_e))).astype(int)),
    )
    plan = pl.DataFrame(
        {
            "enterprise_id": ent["enterprise_id"].to_numpy()[rows_e],
            "category": cats,
            "task": task,
            "hazchem": ent["industry"].to_numpy()[rows_e] == "危险化学品",
        }
    )
    dil = city.diligence[ent["d_idx"].to_numpy()[rows_e]]
    share = np.clip(rng.normal(0.35 + 0.55 * dil + 0.25 * plan["hazchem"].to_numpy(), 0.15), 0, 1.2)
    share = np.where(plan["hazchem"].to_numpy() & (dil > 0.8), np.maximum(share, 1.0), share)
    total = np.round(task * share).astype(int)
    months = rng.integers(1, 5, len(rows_e))  # spread over 1-4 months
    idx = np.repeat(np.arange(len(rows_e)), months)
    per = np.concatenate(
        [rng.multinomial(t, np.ones(m) / m) for t, m in zip(total, months, strict=True)]
    )
    month_no = np.concatenate([np.sort(rng.choice(12, m, replace=False)) + 1 for m in months])
    counts = pl.DataFrame(
        {
            "enterprise_id": plan["enterprise_id"].to_numpy()[idx],
            "category": cats[idx],
            "month_no": month_no,
            "trained": per,
        }
    ).filter(pl.col("trained") > 0)
    passed = (counts["trained"].to_numpy() * rng.uniform(0.85, 1.0, counts.height)).astype(int)
    return plan, counts.with_columns(pl.Series("passed", passed))


def write_training(city: SampleCity, ent: pl.DataFrame, path) -> None:
    rng, scale = city.rng, city.scale
    plan, counts = training(city, ent)
    plan_out = plan.select(
        pl.col("enterprise_id").alias("统一社会信用代码"),
        pl.col("category").alias("培训类别"),
        pl.col("task").alias("三年培训任务数"),
        pl.col("hazchem"),
    )
    write_xlsx(
        path("training_plan", "培训任务.xlsx"),
        {
            "危化企业": plan_out.filter(pl.col("hazchem")).drop("hazchem"),
            "其他企业": plan_out.filter(~pl.col("hazchem")).drop("hazchem"),
        },
        _title(city.area, "工伤预防能力提升培训三年任务"),
        FOOTERS,
    )
    month_styles = counts["month_no"].to_numpy()
    style = rng.integers(0, 4, counts.height)
    month_text = [
        (f"2024-{m:02d}", f"2024/{m}", f"2024年{m}月", f"2024{m:02d}")[s]
        for m, s in zip(month_styles, style, strict=True)
    ]
    counts_out = pl.DataFrame(
        {
            "统一社会信用代码": counts["enterprise_id"],
            "培训类别": counts["category"],
            "统计月份": month_text,
            "培训人数": counts["trained"],
            "考核合格人数": counts["passed"],
        }
    )
    write_csv(
        path("training_counts", "培训台账_2024.csv"),
        _with_bad(counts_out, "training_counts", scale, city),
        _title(city.area, "工伤预防培训台账"),
        FOOTERS,
    )


def month_counts(plan: pl.DataFrame, rng, n: int, month: dt.date) -> pl.DataFrame:
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
