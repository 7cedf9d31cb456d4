"""Progress reports of the numbered works of 八大行动 (DATA_SPEC 2.12): reservoirs, bridges,
village roads, rescue teams, chemical parks, the three systems. One row per project and report;
the diligent units finish (some deliver more than planned), the others fall behind."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from safetystats.sample.bad_rows import _bad_rows, _with_bad
from safetystats.sample.city import SampleCity
from safetystats.sample.common import FOOTERS, _fmt_dates, _month_end, _title
from safetystats.sample.writers import write_csv, write_xlsx

# task (as the plans name it), measure, projects, planned per project (None: drawn), deadline,
# project name, file ("works": the engineering ledger with ids; "other": no id column)
WORKS = [
    ("小型病险水库除险加固", "座", 15, 1, dt.date(2024, 6, 30), "{unit}{n}号小型水库", "works"),
    ("农村公路危桥改造", "座", 14, 1, dt.date(2024, 12, 31), "{unit}{n}号农村公路危桥", "works"),
    ("村道安保工程", "公里", 8, None, dt.date(2024, 12, 31), "{unit}村道安保工程{n}标段", "works"),
    ("市级专业救援队伍", "支", 10, 1, dt.date(2024, 12, 31), "{unit}专业救援队伍{n}", "other"),
    ("化工园区封闭化管理", "个", 3, 1, dt.date(2024, 12, 31), "{unit}化工园区{n}", "other"),
    (
        "三个系统配备投用",
        "家",
        6,
        None,
        dt.date(2024, 12, 31),
        "{unit}小型油气储存企业第{n}批",
        "other",
    ),
]
ROAD_KM = 71  # 村道安保工程: 71 公里 over the segments
END_2024 = dt.date(2024, 12, 31)
QUARTER_ENDS = [dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 9, 30), END_2024]


def _rng(city: SampleCity) -> np.random.Generator:
    """The tasks' own stream: the other datasets' files stay as they were."""
    return np.random.default_rng([city.seed, 3])


def projects(city: SampleCity) -> pl.DataFrame:
    """One row per project: its task, unit, planned quantity, deadline, how far it gets by the
    end of 2024 (``reach``, a share of planned: > 1 is over-delivery) and its file."""
    rng, rows = _rng(city), []
    for task, measure, n, per, deadline, name, file in WORKS:
        leaves = rng.integers(0, len(city.districts), n)
        if per is not None:
            planned = np.full(n, float(per))
        elif measure == "公里":  # 71 km cut into segments of 0.5 km steps
            cuts = np.sort(rng.choice(np.arange(1, ROAD_KM * 2), n - 1, replace=False))
            planned = np.diff(np.concatenate([[0], cuts, [ROAD_KM * 2]])) / 2
        else:
            planned = rng.integers(2, 9, n).astype(float)
        dil = city.diligence[leaves]
        reach = np.clip(rng.normal(0.55 + 0.7 * dil, 0.2), 0.0, 1.3)
        reach = np.where(dil > 0.8, np.maximum(reach, 1.0), reach)
        for k, (leaf, p, r) in enumerate(zip(leaves, planned, reach, strict=True)):
            unit = city.districts[leaf].name
            rows.append(
                (task, measure, name.format(unit=unit, n=k + 1), leaf, p, r, deadline, file)
            )
    cols = ["task", "measure", "project_name", "d_idx", "planned", "reach", "deadline", "file"]
    frame = pl.DataFrame(rows, schema=cols, orient="row")
    ids = [f"RW2024{city.tag}{i + 1:04d}" for i in range(frame.height)]
    return frame.with_columns(pl.Series("task_id", ids))


def _year_share(day) -> np.ndarray:
    """How much of 2024 has passed by ``day`` (a date or a date column)."""
    start = np.datetime64("2024-01-01")
    return (np.asarray(day, dtype="datetime64[D]") - start).astype(int) / 365


def done_at(work: pl.DataFrame, day: dt.date, pace: np.ndarray | float = 1.0) -> np.ndarray:
    """Cumulative done at ``day``: a project reaches ``reach`` × planned by its deadline, evenly
    (``pace`` goes on after 2024); counted works are done whole, roads to 0.1 km."""
    planned, reach = work["planned"].to_numpy(), work["reach"].to_numpy()
    along = np.minimum(1.0, _year_share(day) / _year_share(work["deadline"].to_numpy()))
    done = planned * np.minimum(reach * pace, 1.3) * along
    counted = work["measure"].to_numpy() != "公里"
    return np.where(counted, np.floor(done + 1e-9), np.round(done, 1))


def reports(city: SampleCity, work: pl.DataFrame) -> pl.DataFrame:
    """The quarterly reports of 2024; a unit now and then skips the first or third quarter."""
    rng, parts = np.random.default_rng([city.seed, 3, 1]), []
    for end in QUARTER_ENDS:
        sent = (rng.random(work.height) < 0.8) | (end.month in (6, 12))
        parts.append(
            work.with_columns(
                pl.Series("done", done_at(work, end)), pl.lit(end).alias("report_date")
            ).filter(pl.Series(sent))
        )
    return pl.concat(parts).sort("task_id", "report_date")


def _works_out(rep: pl.DataFrame, city: SampleCity, rng) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "任务编号": rep["task_id"],
            "任务名称": rep["task"],
            "项目名称": rep["project_name"],
            "所属区市": city.spellings.pick(rep["d_idx"].to_numpy(), rng),
            "计划数": rep["planned"],
            "累计完成": rep["done"],
            "计量单位": rep["measure"],
            "填报日期": rep["report_date"],
            "完成时限": rep["deadline"],
        }
    )


def _other_out(rep: pl.DataFrame, city: SampleCity, rng) -> pl.DataFrame:
    """Typed by hand: no id column (the key is derived), dates as text, some counts with units."""
    done = rep["done"].to_list()
    unit_text = rng.random(rep.height) < 0.3
    # a unit's ledger writes its name one way: the key derived from it stays the same
    first = rep.unique("task_id", keep="first", maintain_order=True)
    spelled = dict(
        zip(first["task_id"], city.spellings.pick(first["d_idx"].to_numpy(), rng), strict=True)
    )
    return pl.DataFrame(
        {
            "工作任务": rep["task"],
            "工程名称": rep["project_name"],
            "区县": [spelled[k] for k in rep["task_id"].to_list()],
            "目标数": [f"{p:g}" for p in rep["planned"].to_list()],
            "完成数量": [
                f"{d:g}{m}" if u else f"{d:g}"
                for d, m, u in zip(done, rep["measure"].to_list(), unit_text, strict=True)
            ],
            "单位": rep["measure"],
            "截至日期": _fmt_dates(rep["report_date"], rng),
        }
    )


def write_tasks(city: SampleCity, path) -> None:
    """The engineering ledger (with ids) and the ledger of teams, parks and systems (without)."""
    rng = np.random.default_rng([city.seed, 3, 2])
    rep = reports(city, projects(city))
    works = _works_out(rep.filter(pl.col("file") == "works"), city, rng)
    title = _title(city.area, "2024年八大行动重点工程进度台账")
    if city.scale.large_as_csv:
        rows = _with_bad(works, "tasks", city.scale, city)
        write_csv(path("tasks", "八大行动重点工程进度_2024.csv"), rows, title, FOOTERS)
    else:
        write_xlsx(
            path("tasks", "八大行动重点工程进度_2024.xlsx"),
            {"工程进度": works},
            title,
            FOOTERS,
            extra={"工程进度": _bad_rows(works.columns, "tasks", city.scale, city)},
        )
    write_csv(
        path("tasks", "救援队伍化工园区三个系统任务进度_2024.csv"),
        _other_out(rep.filter(pl.col("file") == "other"), city, rng),
        _title(city.area, "2024年救援队伍、化工园区及“三个系统”任务进度"),
        FOOTERS[:1],
        encoding="gb18030",
    )


def month_reports(city: SampleCity, month: dt.date) -> pl.DataFrame:
    """A report in ``month`` (after the sample's year) of every unfinished work of the sample's
    engineering ledger, in its columns (ids too): work goes on at the pace of its unit."""
    work = projects(city)
    rng = np.random.default_rng([city.seed, 3, month.year, month.month])
    end = _month_end(month.year, month.month)
    months_after = (month.year - 2025) * 12 + month.month
    pace = 1.0 + months_after * 0.05 * city.diligence[work["d_idx"].to_numpy()]
    rep = work.with_columns(
        pl.Series("done", done_at(work, end, pace)), pl.lit(end).alias("report_date")
    ).filter((pl.col("reach") < 1.0) & (pl.col("file") == "works"))
    return _works_out(rep, city, rng)
