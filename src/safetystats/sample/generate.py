"""`safetystats sample`: realistic, messy ledgers for every dataset, deterministic by seed.

Every file name starts with 样例数据 and every title row says it is sample data, so that a
bulletin can never pass sample figures off as real. Districts differ in how well they do
(a "diligence" drawn per district), so some meet each target and some do not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from safetystats.config import Settings
from safetystats.sample.writers import write_csv, write_xls, write_xlsx

MARK = "样例数据"
TITLE_NOTE = "（样例数据，非真实台账）"
FOOTERS = ("填报人：王某某    审核人：李某某", "备注：本表为样例数据，仅供演示")
START, END = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def credit_code(first17: str) -> str:
    """A credit code with its GB 32100-2015 check character (sample codes are well formed)."""
    from safetystats.normalize import credit_code_check

    return first17 + (credit_code_check(first17 + "0") or "0")


@dataclass(frozen=True)
class Scale:
    enterprises: int
    hazards_per_year: int
    drills: int
    sites: int
    bad_rows: bool = True
    large_as_csv: bool = False


SCALES = {
    "small": Scale(enterprises=140, hazards_per_year=400, drills=420, sites=42),
    "city": Scale(enterprises=3000, hazards_per_year=10_000, drills=5000, sites=280),
    "province": Scale(
        enterprises=200_000,
        hazards_per_year=1_000_000,
        drills=500_000,
        sites=12_000,
        bad_rows=True,
        large_as_csv=True,
    ),
}

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
CATEGORIES = ["主要负责人", "安全生产管理人员", "特种作业人员", "班组长", "全员"]


def _days(rng, low: dt.date, high: dt.date, n: int) -> np.ndarray:
    return np.datetime64(low) + rng.integers(0, (high - low).days + 1, n).astype("timedelta64[D]")


def _dates(values: np.ndarray) -> pl.Series:
    return pl.Series(values.astype("datetime64[D]")).cast(pl.Date)


def _fmt_dates(
    series: pl.Series, rng, styles=("%Y/%-m/%-d", "%Y年%-m月%-d日", "%Y-%m-%d", "%Y%m%d")
) -> pl.Series:
    """Dates as the text people type, in mixed styles."""
    pick = rng.integers(0, len(styles), len(series))
    out = pl.Series([None] * len(series), dtype=pl.String)
    for i, style in enumerate(styles):
        formatted = series.dt.strftime(style.replace("%-m", "%m").replace("%-d", "%d"))
        if "%-" in style:  # no leading zeros, as typed by hand
            formatted = formatted.str.replace(r"([年/.-])0", "$1").str.replace(r"([月/.-])0", "$1")
        out = pl.select(pl.when(pl.Series(pick == i)).then(formatted).otherwise(out)).to_series()
    return out


def _bool_text(values: np.ndarray, yes="是", no="否") -> list:
    return [yes if v else no for v in values]


class SampleCity:
    def __init__(self, settings: Settings, seed: int, scale: Scale):
        self.settings = settings
        self.rng = np.random.default_rng(seed)
        self.scale = scale
        self.districts = settings.registry.districts
        n = len(self.districts)
        # diligence: a spread from poor to excellent, shuffled over the districts
        self.diligence = self.rng.permutation(np.linspace(0.0, 1.0, n))

    # --- the enterprise register --------------------------------------------------------
    def enterprises(self) -> pl.DataFrame:
        rng, n = self.rng, self.scale.enterprises
        d_idx = rng.integers(0, len(self.districts), n)
        industries = list(INDUSTRY_WEIGHTS)
        w = np.array(list(INDUSTRY_WEIGHTS.values()), dtype=float)
        ind = rng.choice(len(industries), n, p=w / w.sum())
        codes = np.array([d.code for d in self.districts])[d_idx]
        ids = [credit_code(f"91{c}MA{i:07d}") for i, c in enumerate(codes)]
        high_risk = set(self.settings.vocab["high_risk_industries"])
        status = rng.choice(["在营", "停产", "关闭", ""], n, p=[0.90, 0.04, 0.02, 0.04])
        return pl.DataFrame(
            {
                "enterprise_id": ids,
                "enterprise_name": [
                    f"威海{NAME_HEADS[i % 20]}{NAME_TAILS[industries[k]]}有限公司{i:05d}"
                    for i, k in enumerate(ind)
                ],
                "d_idx": d_idx,
                "industry": [industries[k] for k in ind],
                "high_risk": [industries[k] in high_risk for k in ind],
                "employees": np.maximum(3, rng.lognormal(3.6, 1.0, n)).astype(int),
                "status": status,
            }
        )

    # --- hazards ------------------------------------------------------------------------
    def hazards(self, ent: pl.DataFrame, year: int) -> pl.DataFrame:
        rng, n = self.rng, self.scale.hazards_per_year
        e = rng.integers(0, ent.height, n)
        d_idx = ent["d_idx"].to_numpy()[e]
        dil = self.diligence[d_idx]
        found = _days(rng, dt.date(year, 1, 1), dt.date(year, 12, 31), n)
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
        rect = np.where(major & (dil > 0.8), np.minimum(rect, np.datetime64(END)), rect)
        fixed &= rect <= np.datetime64(END)
        closed_ok = fixed & (rng.random(n) < 0.8)
        closed = rect + rng.integers(0, 20, n).astype("timedelta64[D]")
        closed_ok &= closed <= np.datetime64(END)
        status = np.where(
            closed_ok,
            "已销号",
            np.where(fixed, "已整改", np.where(rng.random(n) < 0.5, "整改中", "未整改")),
        )
        sup = np.where(
            major, rng.choice(["区级", "市级", "省级", "无"], n, p=[0.4, 0.3, 0.1, 0.2]), ""
        )
        five = ~major | (rng.random(n) < 0.7 + 0.3 * dil)
        prefix = "YH" if year == 2024 else "HZ"
        return pl.DataFrame(
            {
                "hazard_id": [f"{prefix}{year}{i:07d}" for i in range(n)],
                "enterprise_id": ent["enterprise_id"].to_numpy()[e],
                "district": [self.districts[i].name for i in d_idx],
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
                "rectified_date": pl.select(
                    pl.when(pl.Series(fixed)).then(_dates(rect))
                ).to_series(),
                "closed_date": pl.select(
                    pl.when(pl.Series(closed_ok)).then(_dates(closed))
                ).to_series(),
                "status": status,
                "supervision": sup,
                "responsible_person": np.where(
                    five, rng.choice(["张伟", "王芳", "李强", "刘洋", "陈静"], n), ""
                ),
                "measures": np.where(five, "立即整改并加强巡查", ""),
                "funds": pl.Series(
                    np.where(five, np.round(rng.gamma(2, 2.5, n), 1), np.nan)
                ).fill_nan(None),
                "contingency_plan": np.where(five, "是", np.where(rng.random(n) < 0.5, "否", "")),
                "major": major,
                "d_idx": d_idx,
            }
        )

    # --- drills ---------------------------------------------------------------------------
    def drills(self, ent: pl.DataFrame) -> pl.DataFrame:
        rng = self.rng
        active = ent.filter(pl.col("status").is_in(["在营", ""]))
        dil_e = self.diligence[active["d_idx"].to_numpy()]
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
        n_other = max(0, self.scale.drills - len(ev_ent))
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
        unannounced = rng.random(n) < 0.22 + 0.35 * self.diligence[d_idx]
        flags = np.where(unannounced[:, None], True, rng.random((n, 4)) < 0.5)
        order = np.argsort(dates, kind="stable")
        return pl.DataFrame(
            {
                "drill_id": [f"YL{i:07d}" for i in range(n)],
                "enterprise_id": active["enterprise_id"].to_numpy()[ent_idx],
                "district": [self.districts[i].name for i in d_idx],
                "drill_date": _dates(dates),
                "drill_type": types,
                "f1": flags[:, 0],
                "f2": flags[:, 1],
                "f3": flags[:, 2],
                "f4": flags[:, 3],
                "participants": rng.integers(8, 300, n),
                "evaluated": rng.random(n) < 0.85,
                "d_idx": d_idx,
            }
        )[order]

    # --- training -------------------------------------------------------------------------
    def training(self, ent: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        rng = self.rng
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
        dil = self.diligence[ent["d_idx"].to_numpy()[rows_e]]
        share = np.clip(
            rng.normal(0.35 + 0.55 * dil + 0.25 * plan["hazchem"].to_numpy(), 0.15), 0, 1.2
        )
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

    def _operators(self, ent: pl.DataFrame, d_idx: np.ndarray) -> list[str]:
        """An operating enterprise of the same district for each site."""
        by_district = ent.group_by("d_idx").agg("enterprise_id")
        pools = dict(
            zip(by_district["d_idx"].to_list(), by_district["enterprise_id"].to_list(), strict=True)
        )
        return [
            pools[i][self.rng.integers(0, len(pools[i]))] if i in pools else None for i in d_idx
        ]

    # --- video sites ----------------------------------------------------------------------
    def video_sites(self, ent: pl.DataFrame) -> pl.DataFrame:
        rng, n = self.rng, self.scale.sites
        d_idx = rng.integers(0, len(self.districts), n)
        dil = self.diligence[d_idx]
        hc = rng.random(n) < 0.85
        installed = rng.random(n) < np.where(dil > 0.8, 1.01, 0.7 + 0.3 * dil)
        inst_date = _days(rng, dt.date(2022, 6, 1), END, n)
        has_date = rng.random(n) < 0.85
        return pl.DataFrame(
            {
                "site_id": [f"GHQ{i:05d}" for i in range(n)],
                "enterprise_id": self._operators(ent, d_idx),
                "district": [self.districts[i].name for i in d_idx],
                "site_name": [
                    f"{self.districts[i].name}输油管道高后果区{k:03d}" for k, i in enumerate(d_idx)
                ],
                "high_consequence": _bool_text(hc),
                "video_installed": _bool_text(installed, "已安装", "未安装"),
                "installed_date": pl.select(
                    pl.when(pl.Series(installed & has_date)).then(_dates(inst_date))
                ).to_series(),
                "online": _bool_text(installed & (rng.random(n) < 0.9), "在线", "离线"),
            }
        )


# --- files ------------------------------------------------------------------------------


def _spellings(frame: pl.DataFrame, districts, rng, traditional=False) -> pl.Series:
    """District values as people write them: name, short alias, code, with the city name."""
    pick = rng.integers(0, 10, frame.height)
    out = []
    for i, p in zip(frame["d_idx"].to_list(), pick, strict=True):
        d = districts[i]
        if p < 6:
            value = d.name
        elif p < 8:
            value = d.aliases[0] if d.aliases else d.name
        elif p < 9:
            value = f"威海市{d.name}"
        else:
            value = d.code
        out.append(value)
    series = pl.Series(out)
    if traditional:
        from opencc import OpenCC

        cc = OpenCC("s2t")
        series = series.map_elements(cc.convert, return_dtype=pl.String)
    return series


def _title(label: str) -> list[str]:
    return [
        f"威海市{label}{TITLE_NOTE}",
        "填报单位：威海市应急管理局（样例）    填报日期：2025年1月10日",
    ]


BAD = {
    # dataset -> rows appended (column -> text), each breaking one rule of DATA_SPEC section 4
    "hazards": [
        {
            "隐患编号": "BAD-H01",
            "统一社会信用代码": "91371002BAD0000001",
            "所属区市": "环翠区",
            "隐患等级": "一般",
            "发现日期": "2024-02-30",
        },
        {
            "隐患编号": "BAD-H02",
            "统一社会信用代码": "91371002BAD0000002",
            "所属区市": "环翠区",
            "隐患等级": "一般",
            "发现日期": "上周",
        },
        {
            "隐患编号": "BAD-H03",
            "统一社会信用代码": "91371003BAD0000003",
            "所属区市": "文登区",
            "隐患等级": "重大",
            "发现日期": "2024-05-10",
            "整改完成日期": "2024-05-01",
            "整改期限": "2024-06-30",
        },
        {
            "隐患编号": "BAD-H04",
            "统一社会信用代码": "91371003BAD0000004",
            "所属区市": "文登区",
            "隐患等级": "一般",
            "发现日期": "2024-05-10",
            "销号日期": "2024-06-01",
        },
        {
            "隐患编号": "BAD-H05",
            "统一社会信用代码": "91371082BAD0000005",
            "所属区市": "荣成市",
            "隐患等级": "一般",
            "发现日期": "2024-05-10",
            "整改完成日期": "2024-06-10",
            "销号日期": "2024-06-01",
        },
        {
            "隐患编号": "BAD-H06",
            "统一社会信用代码": "91371082BAD0000006",
            "所属区市": "荣成市",
            "隐患等级": "一般",
            "发现日期": "2099-01-01",
        },
        {
            "隐患编号": "BAD-H07",
            "统一社会信用代码": "91371083BAD0000007",
            "所属区市": "火星区",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H08",
            "统一社会信用代码": "91371083BAD0000008",
            "所属区市": "乳山市",
            "隐患等级": "特大",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H09",
            "统一社会信用代码": "91371083BAD0000009",
            "所属区市": "乳山市",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
            "整改资金（万元）": "-3",
        },
        {
            "隐患编号": "BAD-H10",
            "统一社会信用代码": "",
            "所属区市": "乳山市",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H11",
            "统一社会信用代码": "91371071BAD0000011",
            "所属区市": "高区",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H11",
            "统一社会信用代码": "91371071BAD0000011",
            "所属区市": "高区",
            "隐患等级": "重大",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "WARN-H12",
            "统一社会信用代码": "91371072NOTINREG12",
            "所属区市": "经区",
            "隐患等级": "重大",
            "发现日期": "2024-04-01",
            "整改状态": "已销号",
        },
    ],
    "drills": [
        {
            "演练编号": "BAD-D01",
            "统一社会信用代码": "91371002BAD0000001",
            "演练日期": "2024/13/5",
            "演练类型": "综合",
        },
        {
            "演练编号": "BAD-D02",
            "统一社会信用代码": "91371002BAD0000002",
            "演练日期": "2024-05-05",
            "演练类型": "桌面推演",
            "参演人数": "-5",
        },
    ],
    "training_counts": [
        {
            "统一社会信用代码": "91371002BAD0000001",
            "培训类别": "全员",
            "统计月份": "2024-05",
            "培训人数": "10",
            "考核合格人数": "12",
        },
        {
            "统一社会信用代码": "91371002BAD0000002",
            "培训类别": "保安",
            "统计月份": "2024-05",
            "培训人数": "10",
            "考核合格人数": "9",
        },
        {
            "统一社会信用代码": "91371002BAD0000003",
            "培训类别": "全员",
            "统计月份": "2024-13",
            "培训人数": "10",
            "考核合格人数": "9",
        },
    ],
    "enterprises": [
        {
            "*统一社会信用代码": "91999999BAD0000001",
            "*企业名称": "样例火星化工有限公司",
            "*所属区市": "火星区",
            "*行业领域": "危险化学品",
            "从业人员数": "20人",
        },
        {
            "*统一社会信用代码": "91371002BAD0000002",
            "*企业名称": "样例养殖有限公司",
            "*所属区市": "环翠区",
            "*行业领域": "养殖业",
            "从业人员数": "-10",
        },
    ],
    "video_sites": [
        {
            "点位编号": "BAD-V01",
            "所属区市": "荣成市",
            "点位名称": "样例坏数据点位",
            "是否高后果区": "是",
            "是否安装智能视频监控": "也许",
        },
    ],
}


def _bad_rows(columns: list[str], dataset: str, scale: Scale) -> list[list]:
    if not scale.bad_rows:
        return []
    return [[r.get(c) for c in columns] for r in BAD.get(dataset, [])]


def _with_bad(frame: pl.DataFrame, dataset: str, scale: Scale) -> pl.DataFrame:
    """For text files: the frame as text with the bad rows appended."""
    bad = pl.DataFrame(
        _bad_rows(frame.columns, dataset, scale),
        schema={c: pl.String for c in frame.columns},
        orient="row",
    )
    text = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d")).with_columns(
        pl.all().cast(pl.String)
    )
    return pl.concat([text, bad])


def write_sample(
    out: Path, settings: Settings, seed: int = 2024, scale_name: str = "city"
) -> list[Path]:
    """Write the sample ledgers under ``out``; returns the files written."""
    scale = SCALES[scale_name]
    city = SampleCity(settings, seed, scale)
    rng = city.rng
    written: list[Path] = []

    def path(dataset: str, name: str) -> Path:
        p = out / dataset / f"{MARK}_{name}"
        written.append(p)
        return p

    ent = city.enterprises()
    ent_out = pl.DataFrame(
        {
            "*统一社会信用代码": ent["enterprise_id"],
            "*企业名称": ent["enterprise_name"],
            "*所属区市": _spellings(ent, city.districts, rng),
            "*行业领域": ent["industry"],
            "是否高危行业": _bool_text(ent["high_risk"].to_numpy()),
            "从业人员数": [  # some typed with a unit, some in full-width digits
                f"{v}人" if i % 7 == 0 else str(v).translate(FULL_WIDTH) if i % 11 == 0 else str(v)
                for i, v in enumerate(ent["employees"].to_list())
            ],
            "经营状态": ent["status"],
        }
    )
    write_xlsx(
        path("enterprises", "企业名录.xlsx"),
        {"企业名录": ent_out},
        _title("安全生产重点企业名录"),
        FOOTERS,
        extra={"企业名录": _bad_rows(ent_out.columns, "enterprises", scale)},
    )

    for year in (2023, 2024):
        hz = city.hazards(ent, year)
        hz_out = pl.DataFrame(
            {
                "隐患编号": hz["hazard_id"],
                "统一社会信用代码": hz["enterprise_id"],
                "所属区市": _spellings(hz, city.districts, rng),
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
        if year == 2023:  # typed by hand into a GB18030 CSV: text dates in mixed styles
            hz_out = hz_out.with_columns(
                [
                    pl.Series(c, _fmt_dates(hz_out[c], rng))
                    for c in ("发现日期", "整改期限", "整改完成日期", "销号日期")
                ]
            )
            write_csv(
                path("hazards", "隐患台账_2023.csv"),
                _with_bad(hz_out, "hazards", scale),
                _title("2023年隐患排查治理台账"),
                FOOTERS[:1],
                encoding="gb18030",
            )
        elif scale.large_as_csv:
            write_csv(
                path("hazards", "隐患台账_2024.csv"),
                hz_out,
                _title("2024年隐患排查治理台账"),
                FOOTERS,
            )
        else:
            write_xlsx(
                path("hazards", "隐患台账_2024.xlsx"),
                {"隐患台账": hz_out},
                _title("2024年隐患排查治理台账"),
                FOOTERS,
            )
    # a later update: some open major hazards of 2024 reported rectified
    update = hz_out.filter(pl.Series(hz["major"].to_numpy()) & pl.col("整改完成日期").is_null())
    update = update.sample(fraction=0.5, seed=seed).with_columns(
        (pl.col("发现日期").cast(pl.Date) + pl.duration(days=30))
        .clip(upper_bound=END)
        .alias("整改完成日期"),
        pl.lit("已整改").alias("整改状态"),
    )
    write_xlsx(
        path("hazards", "隐患台账_2024_更新.xlsx"),
        {"更新": update},
        _title("2024年重大事故隐患整改情况更新"),
        FOOTERS,
    )

    dr = city.drills(ent)
    half = dr.height // 2
    four = dr[:half]
    flags = {"不提前通知": "f1", "不设定脚本": "f2", "不预设场景": "f3", "不预设地点": "f4"}
    four_out = pl.DataFrame(
        {
            "演练编号": four["drill_id"],
            "统一社会信用代码": four["enterprise_id"],
            "所属区市": _spellings(four, city.districts, rng),
            "演练日期": four["drill_date"],
            "演练类型": four["drill_type"],
            **{k: _bool_text(four[v].to_numpy(), "√", "×") for k, v in flags.items()},
            "参演人数": four["participants"],
            "是否评估": _bool_text(four["evaluated"].to_numpy()),
        }
    )
    single = dr[half:]
    single_un = single["f1"] & single["f2"] & single["f3"] & single["f4"]
    single_out = pl.DataFrame(
        {
            "演練編號": single["drill_id"],
            "統一社會信用代碼": single["enterprise_id"],
            "所屬區市": _spellings(single, city.districts, rng, traditional=True),
            "演練日期": _fmt_dates(single["drill_date"], rng, ("%Y年%-m月%-d日",)),
            "演練類型": single["drill_type"],
            "是否四不演練": _bool_text(single_un.to_numpy()),
            "參演人數": single["participants"],
        }
    )
    if scale.large_as_csv:
        write_csv(
            path("drills", "应急演练_四项标志.csv"),
            _with_bad(four_out, "drills", scale),
            _title("应急演练记录"),
        )
    else:
        write_xlsx(
            path("drills", "应急演练_四项标志.xlsx"),
            {"演练记录": four_out},
            _title("应急演练记录"),
            FOOTERS,
            extra={"演练记录": _bad_rows(four_out.columns, "drills", scale)},
        )
    write_csv(
        path("drills", "應急演練記錄_繁體.csv"),
        single_out,
        ["威海市應急演練記錄" + TITLE_NOTE],
        FOOTERS[:1],
        encoding="utf-8",
        bom=True,
    )

    plan, counts = city.training(ent)
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
        _title("工伤预防能力提升培训三年任务"),
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
        _with_bad(counts_out, "training_counts", scale),
        _title("工伤预防培训台账"),
        FOOTERS,
    )

    vs = city.video_sites(ent)
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
        _title("高后果区智能视频监控台账"),
        FOOTERS[:1],
    )
    if scale.bad_rows:
        bad = _with_bad(vs_out.head(0), "video_sites", scale)
        write_csv(
            path("video_sites", "高后果区视频监控_补报.csv"), bad, _title("高后果区视频监控补报")
        )
    return written
