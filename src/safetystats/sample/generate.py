"""`safetystats sample`: realistic, messy ledgers for every dataset, deterministic by seed.

Every file name starts with 样例数据 and every title row says it is sample data, so that a
bulletin can never pass sample figures off as real. The records are spread over the leaf units
of the settings' registry (any registry: a city's 区市, a province's counties, a 街道's 社区),
spelled as people write them; units differ in how well they do (a "diligence" drawn per leaf
unit), so some meet each target and some do not. Each scale is written for one packaged
registry (`registry_for_scale`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import polars as pl

from safetystats.config import Settings
from safetystats.errors import ConfigError
from safetystats.ingest.sample_files import SAMPLE_PREFIX
from safetystats.paths import PACKAGED_CONFIG
from safetystats.registry import (
    District,
    DistrictRegistry,
    code_path,
    national_divisions,
    stem,
)
from safetystats.sample.writers import CsvLedger, write_csv, write_xls, write_xlsx

MARK = SAMPLE_PREFIX
TITLE_NOTE = "（样例数据，非真实台账）"
FOOTERS = ("填报人：王某某    审核人：李某某", "备注：本表为样例数据，仅供演示")
START, END = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
ELEVATOR_ROSTER = "电梯应急处置平台"
TRACTOR_ROSTER = "变型拖拉机复查"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


ID_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the credit code's characters (no I, O, S, V, Z)


def base31(number: int, width: int) -> str:
    """``number`` in the credit code's 31 characters, ``width`` of them (zero-padded)."""
    if not 0 <= number < 31**width:
        raise ValueError(f"{number} does not fit {width} characters")
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 31)
        chars.append(ID_CHARS[digit])
    return "".join(reversed(chars))


TAG_LETTERS = "ABCDFGHJKLMNPQRTUWXY"  # the code's letters but E: no id reads as 1E5


def seed_tag(seed: int) -> str:
    """Three characters that every id of a sample carries, drawn from its seed, so that samples
    written with different seeds hold different records (seeds equal modulo 19,220 share
    ids). The first is a letter and never E, so no id is all digits or looks like the
    scientific notation that Excel makes of long numbers (`normalize.damaged_code`)."""
    seed %= len(TAG_LETTERS) * 31**2
    return TAG_LETTERS[seed % len(TAG_LETTERS)] + base31(seed // len(TAG_LETTERS), 2)


def enterprise_code(county6: str, tag: str, number: int) -> str:
    """A sample credit code: 91, the county's 6 digits, the seed's tag, the enterprise's number
    (6 characters, base 31: up to 887 million per sample) and the check character."""
    return credit_code(f"91{county6}{tag}{base31(number, 6)}")


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
    registry: str | None = None  # the packaged registry (under config/); None: districts.csv


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
        registry="registries/shandong.csv",
    ),
    "street": Scale(
        enterprises=60,
        hazards_per_year=180,
        drills=180,
        sites=12,
        registry="registries/street.csv",
    ),
}
DEFAULT_REGISTRY = PACKAGED_CONFIG / "districts.csv"


def scaled(scale: Scale, factor: int = 1) -> Scale:
    """``factor`` × the volumes of ``scale`` (enterprises, hazards, drills, sites, and with the
    enterprises everything drawn per enterprise: training, inspections, accidents, rosters):
    one sample, the same registry and the same shape of data."""
    if not isinstance(factor, int) or factor < 1:
        raise ConfigError(
            f"样例倍数须为正整数 / the sample factor must be an integer ≥ 1, not {factor!r}"
        )
    if factor == 1:
        return scale
    return replace(
        scale,
        enterprises=scale.enterprises * factor,
        hazards_per_year=scale.hazards_per_year * factor,
        drills=scale.drills * factor,
        sites=scale.sites * factor,
    )


def registry_for_scale(scale_name: str) -> Path | None:
    """The packaged registry a scale is written for; None means the packaged default
    (``config/districts.csv``, the sample city)."""
    if scale_name not in SCALES:
        raise ConfigError(
            f"未知的样例规模 / unknown sample scale {scale_name!r} (known: {', '.join(SCALES)})"
        )
    scale = SCALES[scale_name]
    return PACKAGED_CONFIG / scale.registry if scale.registry else None


def _same_file(a: Path, b: Path) -> bool:
    a, b = Path(a).resolve(), Path(b).resolve()
    if a == b:
        return True
    try:  # a copy of the packaged file is the same registry
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def check_registry(settings: Settings, scale_name: str) -> None:
    """A ConfigError unless the settings use the registry the scale is written for."""
    wanted = registry_for_scale(scale_name) or DEFAULT_REGISTRY
    if _same_file(settings.districts, wanted):
        return
    if registry_for_scale(scale_name) is None:
        hint = (
            f"remove `districts` from [registry] (the packaged default) or set\n"
            f'[registry]\ndistricts = "{wanted.as_posix()}"'
        )
    else:
        hint = f'set\n[registry]\ndistricts = "{wanted.as_posix()}"'
    raise ConfigError(
        f"样例规模 {scale_name} 按单位名录 {wanted.name} 生成，当前设置使用 "
        f"{Path(settings.districts).as_posix()} / the {scale_name} sample is written for the "
        f"registry {wanted.as_posix()}, but the settings use "
        f"{Path(settings.districts).as_posix()}; in safetystats.toml {hint}"
    )


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
ACCIDENT_KINDS = [
    "高处坠落",
    "物体打击",
    "机械伤害",
    "触电",
    "车辆伤害",
    "起重伤害",
    "中毒和窒息",
    "火灾",
    "坍塌",
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


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _casualties(deaths: int, injuries: int) -> str:
    parts = [f"{n}人{what}" for n, what in ((deaths, "死亡"), (injuries, "受伤")) if n]
    return "造成" + "、".join(parts) if parts else "未造成人员伤亡"


def _share_done(rng, diligence: np.ndarray, share: float) -> np.ndarray:
    """``share`` of the objects done (rounded), the diligent units' more often."""
    score = rng.random(diligence.size) - 0.6 * diligence
    done = np.zeros(diligence.size, bool)
    done[np.argsort(score, kind="stable")[: round(share * diligence.size)]] = True
    return done


def _bool_text(values: np.ndarray, yes="是", no="否") -> list:
    return [yes if v else no for v in values]


# --- the area and its units, from the registry ----------------------------------------------

_OFFICE_SUFFIXES = ("省", "自治区", "市", "州", "盟", "地区", "区", "县", "旗")
_GB_PREFIX_LEVELS = (1, 2)  # provinces and prefecture-level cities: the prefixes people write


@dataclass(frozen=True)
class Area:
    """What the whole registry is called in titles (威海市, 山东省, 公园街道) and its short
    form in enterprise names (威海, 山东, 公园)."""

    name: str
    short: str

    @property
    def office(self) -> str:
        if self.name.endswith(_OFFICE_SUFFIXES) and not self.name.endswith("社区"):
            return f"{self.name}应急管理局"
        return f"{self.name}应急管理办公室"


def area_of(registry: DistrictRegistry) -> Area:
    """The registry's area: its one top-level unit, else the national division (GB/T 2260)
    that holds every top-level unit (the city of a city's 区市, the province of its cities)."""
    national = national_divisions()
    top = registry.top_units()
    if len(top) == 1:
        unit = top[0]
        path = code_path(unit.code)
        division = national.get(path) if path else None
        if division and division.name == unit.name:
            return Area(division.name, division.short_name)
        return Area(unit.name, stem(unit.name))
    paths = [code_path(d.code) for d in top]
    if all(paths):
        for width in (4, 2):
            heads = {p[:width] for p in paths if len(p) > width}
            if len(heads) == 1 and all(len(p) > width for p in paths):
                division = national.get(heads.pop())
                if division:
                    return Area(division.name, division.short_name)
    return Area("样例地区", "样例")


def leaf_units(registry: DistrictRegistry) -> list[District]:
    """The units without children, in file order: where records are placed."""
    return [d for d in registry.districts if not registry.children(d.code)]


# How a unit is written: the kinds of spelling, in the order of a row of `Spellings.table`.
NAME, ALIAS, NEAR, FULL, CODE, GB12 = range(6)


class Spellings:
    """Every way the records write each leaf unit, built from the registry and checked
    against it: the name, an alias (or the name without its 区/县/社区), the name with its
    nearest ancestor in front (威海市环翠区, 济南市历下区, 公园街道解放社区), with all of them
    (山东省济南市历下区), the code, the 12-digit 统计用区划代码. A spelling that the registry
    does not resolve to the unit (a bare 市中区 in a province) is replaced by one that does."""

    def __init__(self, registry: DistrictRegistry, leaves: list[District]):
        self.registry = registry
        self.leaves = leaves
        self.table = np.array([self._row(d) for d in leaves], dtype=object)
        self._traditional: np.ndarray | None = None

    def _names(self, unit: District):
        """A test: does a value name ``unit`` in the registry?"""
        return lambda value: (
            (hit := self.registry.resolve(value)) is not None and (hit.code == unit.code)
        )

    def _chain(self, unit: District) -> list[str]:
        """Names in front of the unit, the outermost first: national divisions above the
        registry's top, then the registry's own ancestors."""
        ancestors = self.registry.ancestors(unit.code)
        top = ancestors[-1] if ancestors else unit
        national = national_divisions()
        path = code_path(top.code) or ""
        outer = [
            national[p].name
            for p in (path[:4], path[:2])
            if len(p) < len(path)
            and p in national
            and national[p].level in _GB_PREFIX_LEVELS
            and p not in self.registry.by_code
        ]
        return [*reversed(outer), *(a.name for a in reversed(ancestors))]

    def _row(self, unit: District) -> list[str]:
        ok = self._names(unit)
        chain = self._chain(unit)
        near = f"{chain[-1]}{unit.name}" if chain else unit.name
        full = "".join(chain) + unit.name
        near = near if ok(near) else full if ok(full) else unit.code
        full = full if ok(full) else near
        name = unit.name if ok(unit.name) else near
        alias = next((a for a in (*unit.aliases, stem(unit.name)) if ok(a)), name)
        digits = unit.code.isascii() and unit.code.isdigit() and len(unit.code) <= 12
        gb12 = unit.code.ljust(12, "0") if digits else unit.code
        return [name, alias, near, full, unit.code, gb12 if ok(gb12) else unit.code]

    def traditional(self) -> np.ndarray:
        """The table in traditional characters (a spelling that would not resolve so stays
        simplified)."""
        if self._traditional is None:
            from opencc import OpenCC

            cc = OpenCC("s2t")
            rows = []
            for unit, row in zip(self.leaves, self.table, strict=True):
                ok = self._names(unit)
                rows.append([t if ok(t := cc.convert(v)) else v for v in row])
            self._traditional = np.array(rows, dtype=object)
        return self._traditional

    def pick(self, d_idx: np.ndarray, rng, traditional: bool = False) -> pl.Series:
        """One spelling per record: mostly the name, then an alias, a prefixed name, a code."""
        p = rng.integers(0, 10, len(d_idx))
        row = np.arange(len(d_idx))
        kind = np.select(
            [p < 6, p < 8, p < 9],
            [NAME, ALIAS, np.where(row % 4 == 3, FULL, NEAR)],
            np.where(row % 2 == 1, GB12, CODE),
        )
        table = self.traditional() if traditional else self.table
        return pl.Series(table[np.asarray(d_idx, dtype=int), kind].tolist(), dtype=pl.String)


class SampleCity:
    def __init__(self, settings: Settings, seed: int, scale: Scale):
        self.settings = settings
        self.seed = seed
        self.tag = seed_tag(seed)
        self.rng = np.random.default_rng(seed)
        # the datasets added later draw from their own stream: the older files stay as they were
        self.rng_more = np.random.default_rng([seed, 1])
        self.scale = scale
        self.registry = settings.registry
        self.area = area_of(self.registry)
        self.districts = leaf_units(self.registry)
        self.spellings = Spellings(self.registry, self.districts)
        n = len(self.districts)
        # diligence: a spread from poor to excellent, shuffled over the leaf units
        self.diligence = self.rng.permutation(np.linspace(0.0, 1.0, n))

    # --- the enterprise register --------------------------------------------------------
    def enterprises(self) -> pl.DataFrame:
        rng, n = self.rng, self.scale.enterprises
        d_idx = rng.integers(0, len(self.districts), n)
        industries = list(INDUSTRY_WEIGHTS)
        w = np.array(list(INDUSTRY_WEIGHTS.values()), dtype=float)
        ind = rng.choice(len(industries), n, p=w / w.sum())
        # a credit code holds the county's 6 digits (a 街道 or 社区 code is longer)
        codes = np.array([d.code[:6] for d in self.districts])[d_idx]
        ids = [enterprise_code(c, self.tag, i) for i, c in enumerate(codes)]
        high_risk = set(self.settings.vocab["high_risk_industries"])
        status = rng.choice(["在营", "停产", "关闭", ""], n, p=[0.90, 0.04, 0.02, 0.04])
        return pl.DataFrame(
            {
                "enterprise_id": ids,
                "enterprise_name": [
                    f"{self.area.short}{NAME_HEADS[i % 20]}{NAME_TAILS[industries[k]]}有限公司{self.tag}{i:05d}"
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
    def hazards(
        self,
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
        rng = self.rng if rng is None else rng
        n = self.scale.hazards_per_year if n is None else n
        first, found_last = first or dt.date(year, 1, 1), last or dt.date(year, 12, 31)
        horizon = np.datetime64(last or END)
        e = rng.integers(0, ent.height, n)
        d_idx = ent["d_idx"].to_numpy()[e]
        dil = self.diligence[d_idx]
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
        sup = np.where(
            major, rng.choice(["区级", "市级", "省级", "无"], n, p=[0.4, 0.3, 0.1, 0.2]), ""
        )
        five = ~major | (rng.random(n) < 0.7 + 0.3 * dil)
        prefix = "YH" if year == 2024 else "HZ"
        return pl.DataFrame(
            {
                "hazard_id": ids
                or [
                    f"{prefix}{year}{self.tag}{i:07d}" for i in range(number_from, number_from + n)
                ],
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
                "drill_id": [f"YL{self.tag}{i:07d}" for i in range(n)],
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
                "site_id": [f"GHQ{self.tag}{i:05d}" for i in range(n)],
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

    # --- accidents (DATA_SPEC 2.9) --------------------------------------------------------
    def _pools(self, ent: pl.DataFrame) -> dict[int, np.ndarray]:
        """Row numbers of ``ent`` by leaf unit."""
        d_idx = ent["d_idx"].to_numpy()
        return {i: np.flatnonzero(d_idx == i) for i in range(len(self.districts))}

    def accidents(self, ent: pl.DataFrame) -> pl.DataFrame:
        """Sparse (about 1 per 300 enterprises a year, 2023-2024), mostly 一般; a few leaf units
        are made to trip each early warning of DATA_SPEC 6.5 at the end of 2024."""
        rng = self.rng_more
        active = ent.filter(pl.col("status").is_in(["在营", ""]))
        pools = self._pools(active)
        order = rng.permutation(len(self.districts))
        two_a, two_b, yoy, serious = (int(order[k % len(order)]) for k in range(4))
        planted = [  # (leaf, when, level, deaths)
            # two accidents within 60 days in 2024 (44 and 46 days apart)
            (two_a, dt.datetime(2024, 3, 12, 9, 40), "一般", 1),
            (two_a, dt.datetime(2024, 4, 25, 15, 10), "一般", 0),
            (two_b, dt.datetime(2024, 8, 3, 10, 20), "一般", 0),
            (two_b, dt.datetime(2024, 9, 18, 16, 5), "一般", 1),
            # November and December 2024 each above the same month of 2023 (none), deaths too
            (yoy, dt.datetime(2024, 11, 14, 8, 30), "一般", 1),
            (yoy, dt.datetime(2024, 12, 9, 13, 50), "一般", 1),
            # 一票否决
            (serious, dt.datetime(2024, 6, 21, 11, 0), "较大", 3),
            # the year before: far from the others, so it trips nothing
            (two_a, dt.datetime(2023, 5, 16, 14, 25), "一般", 1),
        ]
        planted_leaves = {two_a, two_b, yoy, serious}
        # the rest at random, away from the planted units so that their warnings stay as meant
        others = np.flatnonzero(~np.isin(active["d_idx"].to_numpy(), list(planted_leaves)))
        n_bg = round(self.scale.enterprises * 2 / 300) if others.size else 0
        bg_ent = others[rng.integers(0, max(others.size, 1), n_bg)] if n_bg else np.array([], int)
        minutes = rng.integers(7 * 60, 20 * 60, n_bg)
        bg_when = [
            dt.datetime.combine(d, dt.time(m // 60, m % 60))
            for d, m in zip(_dates(_days(rng, START, END, n_bg)).to_list(), minutes, strict=True)
        ]
        bg_level = np.where(rng.random(n_bg) < 0.02, "较大", "一般")
        bg_deaths = np.where(
            bg_level == "较大",
            rng.integers(3, 7, n_bg),
            rng.choice([0, 1, 2], n_bg, p=[0.45, 0.45, 0.1]),
        )
        e_rows = [
            int(pools[leaf][rng.integers(0, pools[leaf].size)]) if pools[leaf].size else -1
            for leaf, *_ in planted
        ] + bg_ent.tolist()
        # some accidents (roads, sites without a registered operator) name no enterprise
        no_ent = np.concatenate([np.zeros(len(planted), bool), rng.random(n_bg) < 0.15])
        e_rows = np.where(no_ent, -1, e_rows)
        leaves = np.array(
            [leaf for leaf, *_ in planted] + active["d_idx"].to_numpy()[bg_ent].tolist(), dtype=int
        )
        when = [w for _, w, *_ in planted] + bg_when
        level = np.array([lv for _, _, lv, _ in planted] + bg_level.tolist())
        deaths = np.array([d for *_, d in planted] + bg_deaths.tolist(), dtype=int)
        n = len(when)
        has_ent = e_rows >= 0
        safe = np.where(has_ent, e_rows, 0)
        industries = list(INDUSTRY_WEIGHTS)
        industry = np.where(has_ent, active["industry"].to_numpy()[safe], rng.choice(industries, n))
        names = np.where(has_ent, active["enterprise_name"].to_numpy()[safe], None)
        injuries = rng.integers(0, 6, n) + np.where(level == "较大", rng.integers(0, 8, n), 0)
        kinds = rng.choice(ACCIDENT_KINDS, n)
        loss = np.round(rng.gamma(2.0, 40.0, n) * np.where(level == "较大", 8, 1), 1)
        description = [
            f"{w.month}月{w.day}日{w.hour}时许，{nm or '一处作业现场'}发生一起{k}事故，"
            f"{_casualties(d, i)}。"
            for w, nm, k, d, i in zip(when, names, kinds, deaths, injuries, strict=True)
        ]
        frame = pl.DataFrame(
            {
                "when": pl.Series(when, dtype=pl.Datetime("us")),
                "d_idx": leaves,
                "enterprise_id": np.where(
                    has_ent, active["enterprise_id"].to_numpy()[safe], None
                ).tolist(),
                "enterprise_name": names.tolist(),
                "industry": industry,
                "level": level,
                "deaths": deaths,
                "injuries": injuries,
                "direct_loss": loss,
                "description": description,
            },
            strict=False,
        ).sort("when", maintain_order=True)
        return frame.with_columns(  # numbered within each year: SG2024<tag>0001 …
            (
                pl.lit("SG")
                + pl.col("when").dt.year().cast(pl.String)
                + pl.lit(self.tag)
                + (pl.int_range(pl.len()).over(pl.col("when").dt.year()) + 1)
                .cast(pl.String)
                .str.zfill(4)
            ).alias("accident_id")
        )

    # --- inspections (DATA_SPEC 2.10) -----------------------------------------------------
    def inspections(self, ent: pl.DataFrame) -> pl.DataFrame:
        """2024: 负责人带队检查 every quarter (high-risk enterprises every month) by most
        enterprises, 执法检查 of most high-risk enterprises, 督导检查 of a few."""
        rng = self.rng_more
        active = ent.filter(pl.col("status").is_in(["在营", ""]))
        n = active.height
        dil = self.diligence[active["d_idx"].to_numpy()]
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
                "department": [self._department(i, k) for i, k in zip(d_idx, kind, strict=True)],
                "hazards_found": found,
            }
        )[order]
        return frame.with_columns(
            pl.Series("inspection_id", [f"JC2024{self.tag}{i + 1:07d}" for i in range(total)])
        )

    def _department(self, leaf: int, kind: str) -> str:
        if kind == "执法检查":
            return self._county_office(leaf)
        if kind == "督导检查":
            return f"{self.area.name}安委会办公室督导组"
        return "本单位"

    def _county_office(self, leaf: int) -> str:
        """The 应急管理局 of the county a leaf unit lies in (the area's office if unknown)."""
        code6 = self.districts[leaf].code[:6]
        unit = self.registry.by_code.get(code6)
        division = national_divisions().get(code_path(code6) or "")
        name = unit.name if unit else division.name if division else None
        return f"{name}应急管理局" if name else self.area.office

    # --- rosters (DATA_SPEC 2.11) ---------------------------------------------------------
    def elevators(self, ent: pl.DataFrame) -> pl.DataFrame:
        """电梯应急处置平台: elevators of the enterprises, about 80% connected."""
        rng = self.rng_more
        active = ent.filter(pl.col("status").is_in(["在营", ""]))
        n = max(20, self.scale.enterprises // 2)
        e = rng.integers(0, active.height, n)
        d_idx = active["d_idx"].to_numpy()[e]
        dil = self.diligence[d_idx]
        in_scope = rng.random(n) < 0.97
        done = _share_done(rng, dil, 0.8)
        dated = done & (rng.random(n) < 0.9)
        when = _days(rng, dt.date(2024, 1, 1), END, n)
        codes = np.array([d.code[:6] for d in self.districts])[d_idx]
        return pl.DataFrame(
            {
                "object_id": [f"311{c}{self.tag}{k:06d}" for k, c in enumerate(codes)],
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

    def tractors(self) -> pl.DataFrame:
        """变型拖拉机复查: tractors of households, about half re-checked."""
        rng = self.rng_more
        n = max(12, self.scale.enterprises // 15)
        d_idx = rng.integers(0, len(self.districts), n)
        dil = self.diligence[d_idx]
        done = _share_done(rng, dil, 0.5)
        dated = done & (rng.random(n) < 0.85)
        when = _days(rng, dt.date(2024, 3, 1), END, n)
        owners = rng.choice(["张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴"], n)
        return pl.DataFrame(
            {
                "object_id": [
                    f"BX{self.districts[i].code[:6]}{self.tag}{k:05d}" for k, i in enumerate(d_idx)
                ],
                "object_name": [f"变型拖拉机（车主：{o}某某）" for o in owners],
                "d_idx": d_idx,
                "done": _bool_text(done, "√", "×"),
                "done_date": pl.select(pl.when(pl.Series(dated)).then(_dates(when))).to_series(),
            }
        )


# --- files ------------------------------------------------------------------------------


def _spellings(frame: pl.DataFrame, city: SampleCity, rng, traditional=False) -> pl.Series:
    """District values as people write them (see `Spellings`)."""
    return city.spellings.pick(frame["d_idx"].to_numpy(), rng, traditional)


def _traditional(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("s2t").convert(text)


def _title(area: Area, label: str, filed: dt.date = dt.date(2025, 1, 10)) -> list[str]:
    return [
        f"{area.name}{label}{TITLE_NOTE}",
        f"填报单位：{area.office}（样例）    填报日期：{filed.year}年{filed.month}月{filed.day}日",
    ]


BAD = {
    # dataset -> rows appended (column -> text), each breaking one rule of DATA_SPEC section 4.
    # <Dk> is the name of the registry's k-th leaf unit, <Ak> an alias of it, <Ck> the 6 digits
    # of its code (so every row but the unknown 火星区 names a unit of any registry)
    "hazards": [
        {
            "隐患编号": "BAD-H01",
            "统一社会信用代码": "91<C0>BAD0000001",
            "所属区市": "<D0>",
            "隐患等级": "一般",
            "发现日期": "2024-02-30",
        },
        {
            "隐患编号": "BAD-H02",
            "统一社会信用代码": "91<C0>BAD0000002",
            "所属区市": "<D0>",
            "隐患等级": "一般",
            "发现日期": "上周",
        },
        {
            "隐患编号": "BAD-H03",
            "统一社会信用代码": "91<C1>BAD0000003",
            "所属区市": "<D1>",
            "隐患等级": "重大",
            "发现日期": "2024-05-10",
            "整改完成日期": "2024-05-01",
            "整改期限": "2024-06-30",
        },
        {
            "隐患编号": "BAD-H04",
            "统一社会信用代码": "91<C1>BAD0000004",
            "所属区市": "<D1>",
            "隐患等级": "一般",
            "发现日期": "2024-05-10",
            "销号日期": "2024-06-01",
        },
        {
            "隐患编号": "BAD-H05",
            "统一社会信用代码": "91<C2>BAD0000005",
            "所属区市": "<D2>",
            "隐患等级": "一般",
            "发现日期": "2024-05-10",
            "整改完成日期": "2024-06-10",
            "销号日期": "2024-06-01",
        },
        {
            "隐患编号": "BAD-H06",
            "统一社会信用代码": "91<C2>BAD0000006",
            "所属区市": "<D2>",
            "隐患等级": "一般",
            "发现日期": "2099-01-01",
        },
        {
            "隐患编号": "BAD-H07",
            "统一社会信用代码": "91<C3>BAD0000007",
            "所属区市": "火星区",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H08",
            "统一社会信用代码": "91<C3>BAD0000008",
            "所属区市": "<D3>",
            "隐患等级": "特大",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H09",
            "统一社会信用代码": "91<C3>BAD0000009",
            "所属区市": "<D3>",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
            "整改资金（万元）": "-3",
        },
        {
            "隐患编号": "BAD-H10",
            "统一社会信用代码": "",
            "所属区市": "<D3>",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H11",
            "统一社会信用代码": "91<C4>BAD0000011",
            "所属区市": "<A4>",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H11",
            "统一社会信用代码": "91<C4>BAD0000011",
            "所属区市": "<A4>",
            "隐患等级": "重大",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "WARN-H12",
            "统一社会信用代码": "91<C5>NOTINREG12",
            "所属区市": "<A5>",
            "隐患等级": "重大",
            "发现日期": "2024-04-01",
            "整改状态": "已销号",
        },
    ],
    "drills": [
        {
            "演练编号": "BAD-D01",
            "统一社会信用代码": "91<C0>BAD0000001",
            "演练日期": "2024/13/5",
            "演练类型": "综合",
        },
        {
            "演练编号": "BAD-D02",
            "统一社会信用代码": "91<C0>BAD0000002",
            "演练日期": "2024-05-05",
            "演练类型": "桌面推演",
            "参演人数": "-5",
        },
    ],
    "training_counts": [
        {
            "统一社会信用代码": "91<C0>BAD0000001",
            "培训类别": "全员",
            "统计月份": "2024-05",
            "培训人数": "10",
            "考核合格人数": "12",
        },
        {
            "统一社会信用代码": "91<C0>BAD0000002",
            "培训类别": "保安",
            "统计月份": "2024-05",
            "培训人数": "10",
            "考核合格人数": "9",
        },
        {
            "统一社会信用代码": "91<C0>BAD0000003",
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
            "*统一社会信用代码": "91<C0>BAD0000002",
            "*企业名称": "样例养殖有限公司",
            "*所属区市": "<D0>",
            "*行业领域": "养殖业",
            "从业人员数": "-10",
        },
    ],
    "video_sites": [
        {
            "点位编号": "BAD-V01",
            "所属区市": "<D2>",
            "点位名称": "样例坏数据点位",
            "是否高后果区": "是",
            "是否安装智能视频监控": "也许",
        },
    ],
}


_TOKEN = re.compile(r"<([DAC])(\d)>")


def _bad_rows(columns: list[str], dataset: str, scale: Scale, city: SampleCity) -> list[list]:
    if not scale.bad_rows:
        return []
    leaves, table = city.districts, city.spellings.table

    def fill(text):
        if not isinstance(text, str):
            return text

        def unit(m: re.Match) -> str:
            k = int(m.group(2)) % len(leaves)
            if m.group(1) == "C":
                return leaves[k].code[:6]
            return table[k, NAME if m.group(1) == "D" else ALIAS]

        # their keys carry the seed's tag too: another seed's sample holds other records
        text = re.sub(r"^(BAD|WARN)-", rf"\1-{city.tag}-", _TOKEN.sub(unit, text))
        return text.replace("BAD000", f"BAD{city.tag}")

    return [[fill(r.get(c)) for c in columns] for r in BAD.get(dataset, [])]


def _with_bad(frame: pl.DataFrame, dataset: str, scale: Scale, city: SampleCity) -> pl.DataFrame:
    """For text files: the frame as text with the bad rows appended."""
    bad = pl.DataFrame(
        _bad_rows(frame.columns, dataset, scale, city),
        schema={c: pl.String for c in frame.columns},
        orient="row",
    )
    text = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d")).with_columns(
        pl.all().cast(pl.String)
    )
    return pl.concat([text, bad])


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


def hazard_part_rows(scale_name: str) -> int | None:
    """Rows of hazards drawn and written at a time: the 1× volume of a scale whose ledgers are
    CSV (so that N× the province holds one part in memory), else a whole year at once."""
    scale = SCALES[scale_name]
    return scale.hazards_per_year if scale.large_as_csv else None


def _hazard_ledgers(city: SampleCity, ent: pl.DataFrame, rng, part_rows: int | None = None):
    """(year, hazards, ledger, last part?) of 2023 and 2024, a part (``part_rows``) at a time;
    2023's ledger was typed by hand: text dates in mixed styles."""
    n = city.scale.hazards_per_year
    step = part_rows or n
    for year in (2023, 2024):
        for start in range(0, n, step):
            hz = city.hazards(ent, year, n=min(step, n - start), number_from=start)
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


def write_sample(
    out: Path,
    settings: Settings,
    seed: int = 2024,
    scale_name: str = "city",
    factor: int = 1,
    any_registry: bool = False,
) -> list[Path]:
    """Write the sample ledgers under ``out``; returns the files written. The settings'
    registry must be the one the scale is written for (`registry_for_scale`) unless
    ``any_registry`` (the scale's volumes spread over the settings' units); ``factor``
    multiplies its volumes (`scaled`)."""
    if not any_registry:
        check_registry(settings, scale_name)
    scale = scaled(SCALES[scale_name], factor)
    city = SampleCity(settings, seed, scale)
    rng = city.rng
    written: list[Path] = []

    def path(dataset: str, name: str) -> Path:
        p = out / dataset / f"{MARK}_{name}"
        written.append(p)
        return p

    ent = city.enterprises()
    ent_out = _enterprise_out(ent, city, rng)
    write_xlsx(
        path("enterprises", "企业名录.xlsx"),
        {"企业名录": ent_out},
        _title(city.area, "安全生产重点企业名录"),
        FOOTERS,
        extra={"企业名录": _bad_rows(ent_out.columns, "enterprises", scale, city)},
    )

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
    for year, hz, hz_out, last in _hazard_ledgers(city, ent, rng, hazard_part_rows(scale_name)):
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
            updates.append(_rectified_later(hz, hz_out, seed))
        del hz, hz_out  # one part in memory at a time
    update = pl.concat(updates)
    if update.height:  # a small area may have no open major hazard to update
        write_xlsx(
            path("hazards", "隐患台账_2024_更新.xlsx"),
            {"更新": update},
            _title(city.area, "2024年重大事故隐患整改情况更新"),
            FOOTERS,
        )

    del update
    dr = city.drills(ent)
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

    del dr, four_out, single_out
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

    del plan, plan_out, counts, counts_out, month_text
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
    _write_accidents(city, ent, path)
    _write_inspections(city, ent, path)
    _write_rosters(city, ent, path)
    return written


def _datetime_text(values: list[dt.datetime], rng) -> list[str]:
    """Times as typed: 2024-03-12 09:40, 2024年3月12日 9时40分, 2024/3/12 9:40."""
    pick = rng.integers(0, 3, len(values))
    return [
        (
            f"{w:%Y-%m-%d %H:%M}",
            f"{w.year}年{w.month}月{w.day}日 {w.hour}时{w.minute:02d}分",
            f"{w.year}/{w.month}/{w.day} {w.hour}:{w.minute:02d}",
        )[k]
        for w, k in zip(values, pick, strict=True)
    ]


def _write_accidents(city: SampleCity, ent: pl.DataFrame, path) -> None:
    rng = city.rng_more
    acc = city.accidents(ent)
    n = acc.height
    has_ent = acc["enterprise_id"].is_not_null().to_numpy()
    district = city.spellings.pick(acc["d_idx"].to_numpy(), rng).to_numpy()
    # with an enterprise, some leave the district (and the industry) to the register
    district = np.where(has_ent & (rng.random(n) < 0.1), None, district)
    industry = np.where(has_ent & (rng.random(n) < 0.2), None, acc["industry"].to_numpy())
    level = np.where(rng.random(n) < 0.6, acc["level"].to_numpy() + "事故", acc["level"])
    out = pl.DataFrame(
        {
            "事故编号": acc["accident_id"],
            "事故发生时间": _datetime_text(acc["when"].to_list(), rng),
            "所属区县": district.tolist(),
            "统一社会信用代码": acc["enterprise_id"],
            "企业名称": acc["enterprise_name"],
            "行业领域": industry.tolist(),
            "事故等级": level.tolist(),
            "死亡人数": acc["deaths"],
            "受伤人数": acc["injuries"],
            "直接经济损失（万元）": acc["direct_loss"],
            "事故简况": acc["description"],
        },
        strict=False,
    )
    year = acc["when"].dt.year().to_numpy()
    write_xlsx(
        path("accidents", "生产安全事故台账.xlsx"),
        {f"{y}年": out.filter(pl.Series(year == y)) for y in (2023, 2024) if (year == y).any()},
        _title(city.area, "生产安全事故统计台账（2023—2024年）"),
        FOOTERS,
    )


def _write_inspections(city: SampleCity, ent: pl.DataFrame, path) -> None:
    rng = city.rng_more
    ins = city.inspections(ent)
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
    title = _title(city.area, "2024年执法检查及督导检查记录")
    if city.scale.large_as_csv:
        write_csv(path("inspections", "执法及督导检查记录_2024.csv"), other_out, title, FOOTERS)
    else:
        write_xlsx(
            path("inspections", "执法及督导检查记录_2024.xlsx"),
            {"检查记录": other_out},
            title,
            FOOTERS,
        )


def _write_rosters(city: SampleCity, ent: pl.DataFrame, path) -> None:
    """Two rosters: one in its folder rosters/<name>/ (no 名单 column), one with the column."""
    rng = city.rng_more
    el = city.elevators(ent)
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
    tr = city.tractors()
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
