"""What units and committees did (DATA_SPEC 2.13): 安委会 and 专委会 meetings and 风险研判 every
quarter; 联合检查, 专题督导, 警示教育 and 推进会 every month; now and then a 公益课堂. The less
diligent units miss some periods; some rows leave 主要负责人参加 blank."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from safetystats.sample.bad_rows import _with_bad
from safetystats.sample.city import SampleCity
from safetystats.sample.common import FOOTERS, _dates, _fmt_dates, _month_end, _title
from safetystats.sample.writers import write_csv

# kind as written, how often (months a period), organiser ({unit}: the leaf unit), topic, file
SCHEDULE = [
    ("安委会会议", 3, "{unit}安委会", "研究部署安全生产重点工作", "meetings"),
    ("专委会会议", 3, "{unit}危化品专委会", "危险化学品安全专项整治推进", "meetings"),
    ("形势分析会", 3, "{unit}安委办", "安全生产形势分析研判", "meetings"),
    ("推进会", 1, "{unit}安委办", "治本攻坚三年行动推进", "meetings"),
    ("联合检查", 1, "{unit}安委办", "多部门联合检查重点企业", "work"),
    ("专题督导", 1, "{unit}安委会督导组", "重大事故隐患专项督导", "work"),
    ("警示教育活动", 1, "{unit}应急管理局", "观看事故警示教育片", "work"),
    ("公益课堂", 6, "{unit}应急管理局", "安全生产公益课堂进企业", "work"),
]
# other ways the work ledger writes a kind (the vocabulary maps them)
WORK_SPELLINGS = {"专题督导": ["专题督导", "督导"], "警示教育活动": ["警示教育活动", "警示教育"]}


def _periods(first: dt.date, last: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """The calendar periods of ``months`` months from ``first`` to ``last``."""
    out, start = [], first
    while start <= last:
        end_month = start.month + months - 1
        end = _month_end(start.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1)
        out.append((start, min(end, last)))
        start = end + dt.timedelta(days=1)
    return out


def activities(
    city: SampleCity, first: dt.date, last: dt.date, rng: np.random.Generator
) -> pl.DataFrame:
    """Every unit's activities from ``first`` to ``last``: each held in a period with a chance
    that grows with the unit's diligence (the most diligent hold every one)."""
    rows = []
    for leaf, unit in enumerate(city.districts):
        dil = city.diligence[leaf]
        for kind, months, organiser, topic, file in SCHEDULE:
            for start, end in _periods(first, last, months):
                if dil < 0.8 and rng.random() > 0.55 + 0.5 * dil:
                    continue  # missed this period
                rows.append((leaf, kind, organiser.format(unit=unit.name), topic, file, start, end))
    cols = ["d_idx", "kind", "organiser", "description", "file", "start", "end"]
    frame = pl.DataFrame(rows, schema=cols, orient="row")
    n = frame.height
    start = frame["start"].to_numpy().astype("datetime64[D]")
    span = (frame["end"].to_numpy().astype("datetime64[D]") - start).astype(int)
    day = start + (rng.random(n) * (span + 1)).astype(int).astype("timedelta64[D]")
    meeting = frame["file"].to_numpy() == "meetings"
    led = rng.random(n) < np.where(meeting, 0.8, 0.45)
    return frame.with_columns(
        pl.Series("activity_date", _dates(day)),
        pl.Series("principal_led", np.where(rng.random(n) < 0.1, "", np.where(led, "是", "否"))),
        pl.Series("participants", rng.integers(6, 80, n) + np.where(meeting, 20, 0)),
    ).drop("start", "end")


def _meetings_out(frame: pl.DataFrame, city: SampleCity, rng, prefix: str) -> pl.DataFrame:
    n = frame.height
    return pl.DataFrame(
        {
            "编号": [f"{prefix}{city.tag}{i + 1:05d}" for i in range(n)],
            "所属区市": city.spellings.pick(frame["d_idx"].to_numpy(), rng),
            "组织单位": frame["organiser"],
            "活动类型": frame["kind"],
            "召开日期": frame["activity_date"],
            "主要负责人参加": frame["principal_led"],
            "参会人数": frame["participants"],
            "会议主题": frame["description"],
        }
    )


def _work_out(frame: pl.DataFrame, city: SampleCity, rng) -> pl.DataFrame:
    """Typed by hand: no id column (the key is derived), dates as text, 人 after some counts."""
    kinds = [
        WORK_SPELLINGS[k][rng.integers(0, 2)] if k in WORK_SPELLINGS else k
        for k in frame["kind"].to_list()
    ]
    people = frame["participants"].to_list()
    return pl.DataFrame(
        {
            "所属区县": city.spellings.pick(frame["d_idx"].to_numpy(), rng),
            "牵头单位": frame["organiser"],
            "工作类型": kinds,
            "开展日期": _fmt_dates(frame["activity_date"], rng),
            "党政主要负责人参加": frame["principal_led"],
            "参与人数": [f"{p}人" if i % 5 == 0 else str(p) for i, p in enumerate(people)],
            "主要内容": frame["description"],
        }
    )


def write_activities(city: SampleCity, path) -> None:
    """The meetings ledger (with ids) and the ledger of checks, 督导 and education (without)."""
    rng = np.random.default_rng([city.seed, 5])
    year = activities(city, dt.date(2024, 1, 1), dt.date(2024, 12, 31), rng)
    meetings = _meetings_out(year.filter(pl.col("file") == "meetings"), city, rng, "HY2024")
    title = _title(city.area, "2024年安委会、专委会会议及推进会记录")
    path.ledger("activities", "安委会专委会会议记录_2024", meetings, "会议", title, FOOTERS)
    work = _work_out(year.filter(pl.col("file") == "work"), city, rng)
    write_csv(
        path("activities", "联合检查督导警示教育开展情况_2024.csv"),
        _with_bad(work, "activities", city.scale, city),
        _title(city.area, "2024年联合检查、专题督导、警示教育开展情况"),
        FOOTERS,
        encoding="gb18030",
    )


def month_activities(city: SampleCity, month: dt.date) -> pl.DataFrame:
    """The activities of one month after the sample's year, in the meetings ledger's columns:
    the monthly ones, and the quarterly (half-yearly) ones in a quarter's (half's) last month."""
    rng = np.random.default_rng([city.seed, 5, month.year, month.month])
    frame = activities(city, month, _month_end(month.year, month.month), rng)
    due = [kind for kind, months, *_ in SCHEDULE if month.month % months == 0]
    return _meetings_out(frame.filter(pl.col("kind").is_in(due)), city, rng, f"HY{month:%Y%m}")
