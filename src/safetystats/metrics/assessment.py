"""The assessment (考核, DATA_SPEC 6.9): one score, grade and rank per unit from the run's
attainment and accident warnings.

The ``[assessment]`` table of the targets file gives the bands, the veto rules (6.5), the weights
per target id and groups of units with weights of their own (差异化考核). The score of a unit is
Σ weight × credit / Σ weights × 100 over the targets in force at A (or, when none is, the final
targets of the latest year, as 8.1), one decimal rounded down, computed exactly: the credit is
min(value / t, 1) for a share (1 when t = 0), 1 or 0 for a count target (met or not) and 0 for
no_data ("无数据按0分计"). A veto rule triggered in A's year grades the unit 一票否决 and ranks
it after every unit that is not vetoed; siblings with equal scores share a rank (1, 2, 2, 4).

:func:`assess` is a pure function of frames, so a page or a notice is handed the figures and
never opens the store.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import polars as pl

from safetystats.config import ConfigError, Settings, load_toml, packaged
from safetystats.metrics import engine
from safetystats.metrics.targets import load_targets
from safetystats.metrics.warnings import RULES, accident_warnings

VETO, FAIL = "一票否决", "不合格"
KEYS = {"bands", "veto_rules", "weights", "groups"}


@dataclass(frozen=True)
class Group:
    name: str
    codes: frozenset[str]
    weights: dict[str, Fraction]


@dataclass(frozen=True)
class Assessment:
    bands: list[tuple[str, Fraction]]  # (grade, lowest score), best first
    veto_rules: tuple[str, ...]
    weights: dict[str, Fraction] | None  # None: every target weighs 1
    groups: list[Group] = field(default_factory=list)

    def weight(self, code: str | None, target_id: str) -> Fraction:
        for group in self.groups:
            if code in group.codes and target_id in group.weights:
                return group.weights[target_id]
        if self.weights is None:
            return Fraction(1)
        return self.weights.get(target_id, Fraction(0))

    def grade(self, score: Fraction | None, vetoed: bool) -> str | None:
        if vetoed:
            return VETO
        if score is None:
            return None
        return next((name for name, low in self.bands if score >= low), FAIL)


def _number(value, where: str) -> Fraction:
    if isinstance(value, bool):
        raise ConfigError(f"{where}: {value!r} is not a number")
    try:
        return Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError) as exc:
        raise ConfigError(f"{where}: {value!r} is not a number") from exc


def _weights(table, where: str, target_ids: set[str]) -> dict[str, Fraction]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table of target id = points")
    out = {}
    for target_id, value in table.items():
        if target_id not in target_ids:
            raise ConfigError(
                f"{where}: weight for unknown target {target_id!r} "
                f"(targets: {', '.join(sorted(target_ids))})"
            )
        out[target_id] = _number(value, f"{where}.{target_id}")
        if out[target_id] < 0:
            raise ConfigError(f"{where}.{target_id}: a weight must be ≥ 0")
    return out


def _bands(table, where: str) -> list[tuple[str, Fraction]]:
    if not isinstance(table, dict) or not table:
        raise ConfigError(f'{where}: bands must be a table such as {{ "优秀" = 90, "合格" = 60 }}')
    out = []
    for name, value in table.items():
        low = _number(value, f"{where}.bands.{name}")
        if not 0 <= low <= 100:
            raise ConfigError(f"{where}: band {name!r} = {value} is outside 0–100")
        out.append((name, low))
    return sorted(out, key=lambda band: -band[1])


def _groups(entries, where: str, settings: Settings, target_ids: set[str]) -> list[Group]:
    out = []
    for i, entry in enumerate(entries or [], start=1):
        name = entry.get("name", f"#{i}")
        here = f"{where}.groups {name!r}"
        codes = set()
        for unit in entry.get("units", []):
            found = settings.registry.resolve_detail(unit)
            if found.unit is None:
                raise ConfigError(f"{here}: unit {unit!r}: {found.message_en} / {found.message_zh}")
            codes.add(found.unit.code)
        weights = _weights(entry.get("weights", {}), f"{here}.weights", target_ids)
        out.append(Group(name, frozenset(codes), weights))
    return out


def load_assessment(settings: Settings) -> Assessment:
    """The ``[assessment]`` of the targets file, checked (a ConfigError names what is wrong);
    without one, the packaged bands and veto rules with every target weighing the same."""
    path = settings.targets
    target_ids = {t.id for t in load_targets(path)}
    table = load_toml(path).get("assessment")
    where = f"{path}: [assessment]"
    if table is None:
        default = packaged("targets")["assessment"]
        return Assessment(_bands(default["bands"], where), tuple(default["veto_rules"]), None)
    unknown = set(table) - KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)} (known: {sorted(KEYS)})")
    rules = table.get("veto_rules", [])
    for rule in rules:
        if rule not in RULES:
            raise ConfigError(f"{where}: unknown veto rule {rule!r} (known: {', '.join(RULES)})")
    weights = table.get("weights")
    return Assessment(
        _bands(table.get("bands", packaged("targets")["assessment"]["bands"]), where),
        tuple(rules),
        None if weights is None else _weights(weights, f"{where}.weights", target_ids),
        _groups(table.get("groups"), where, settings, target_ids),
    )


def counted_targets(attainment: pl.DataFrame) -> pl.DataFrame:
    """The rows of the targets a score counts: those in force at A, else the final targets of
    the latest year (DATA_SPEC 8.1)."""
    in_force = attainment.filter(pl.col("phase") == "in_force")
    if in_force.height:
        return in_force
    final = attainment.filter(pl.col("phase") == "final")
    if not final.height:
        return final
    latest = final["deadline"].dt.year().max()
    return final.filter(pl.col("deadline").dt.year() == latest)


def credit(row: dict) -> Fraction:
    """What a target gives a unit, from 0 to 1 (6.9)."""
    if row["status"] == "no_data":
        return Fraction(0)
    if row["kind"] == "count":
        return Fraction(1 if row["status"] == "met" else 0)
    threshold = _exact(row["threshold"])
    if threshold == 0:
        return Fraction(1)
    return min(_share(row) / threshold, Fraction(1))


def _share(row: dict) -> Fraction:
    """The exact value of a share: numerator / denominator, unless those are a decimal quantity
    shown rounded down (task_progress: 1.5 of 2.5 km shows 1/2), then the value itself."""
    n, d = row["numerator"], row["denominator"]
    if d and float(Fraction(n, d)) == row["value"]:
        return Fraction(n, d)
    return Fraction(Decimal(repr(row["value"])))


@functools.lru_cache(maxsize=64)
def _exact(threshold: float) -> Fraction:
    """A threshold as the exact decimal it was written as (0.95, not the float's binary)."""
    return Fraction(Decimal(str(threshold)))


def score_of(points: Fraction, weights: Fraction) -> Fraction | None:
    """Σ weight × credit / Σ weights × 100, rounded down to one decimal (None without weights)."""
    if weights == 0:
        return None
    return Fraction(math.floor(points / weights * 1000), 10)


def vetoed_units(warnings: pl.DataFrame, assessment: Assessment, as_of: dt.date) -> set:
    """The codes (None: the total) with a veto rule triggered in A's year."""
    if not warnings.height:
        return set()
    hits = warnings.filter(
        pl.col("rule").is_in(list(assessment.veto_rules))
        & (pl.col("last_date").dt.year() == as_of.year)
    )
    return set(hits["district_code"].to_list())


def ranks(rows: list[dict]) -> None:
    """``rank`` among siblings (the same parent_code): vetoed units last, then by score, equal
    places sharing a rank and the next skipping (1, 2, 2, 4); the total has none."""

    def place(row: dict) -> tuple:
        score = row["score"]
        return (row["vetoed"], math.inf if score is None else -score)  # no score: after

    siblings: dict = {}
    for row in rows:
        if row["district_code"] is not None:
            siblings.setdefault(row["parent_code"], []).append(row)
    for group in siblings.values():
        for row in group:
            row["rank"] = 1 + sum(place(other) < place(row) for other in group)


def assess(
    attainment: pl.DataFrame, warnings: pl.DataFrame, assessment: Assessment, as_of: dt.date
) -> pl.DataFrame:
    """One row per unit of the attainment frame (and its total): district_code, district,
    level, parent_code, score (0–100, one decimal, rounded down; None without a weighted
    target), grade, vetoed, rank (among siblings; None for the total) and targets (a list of
    {target_id, points}: credit × weight)."""
    vetoed = vetoed_units(warnings, assessment, as_of)
    units: dict = {}
    for row in counted_targets(attainment).iter_rows(named=True):
        code = row["district_code"]
        unit = units.setdefault(
            code,
            {
                "district_code": code,
                "district": row["district"],
                "level": row["level"],
                "parent_code": row["parent_code"],
                "points": Fraction(0),
                "weights": Fraction(0),
                "targets": [],
            },
        )
        weight = assessment.weight(code, row["target_id"])
        points = weight * credit(row)
        unit["points"] += points
        unit["weights"] += weight
        unit["targets"].append({"target_id": row["target_id"], "points": round(float(points), 4)})
    rows = []
    for unit in units.values():
        score = score_of(unit.pop("points"), unit.pop("weights"))
        is_vetoed = unit["district_code"] in vetoed
        rows.append(
            unit
            | {
                "score": None if score is None else float(score),
                "grade": assessment.grade(score, is_vetoed),
                "vetoed": is_vetoed,
                "rank": None,
            }
        )
    ranks(rows)
    return pl.DataFrame(rows, schema=ASSESS_SCHEMA).with_columns(pl.lit(as_of).alias("as_of"))


@engine._reads_store
def assessment(
    settings: Settings | None = None,
    as_of: dt.date | str | None = None,
    district: list[str] | str | None = None,
    lang: str | None = None,
    con=None,
) -> pl.DataFrame:
    """:func:`assess` over the store's attainment and warnings at ``as_of`` (every unit, so that
    ranks are among all siblings; ``district`` keeps the units named and the total)."""
    checked = load_assessment(settings)
    lang, where, as_of = engine._places(settings, as_of, district, lang, con)
    everyone = where if district is None else engine.places(settings, None, lang)
    frame = assess(  # the counts at E: a score does not read the projection
        engine.attainment_of(settings, as_of, everyone, lang, con, projections=False),
        accident_warnings(settings, as_of, None, lang, con),
        checked,
        as_of,
    )
    return frame.filter(pl.col("district_code").is_in([p.code for p in where]).fill_null(True))


ASSESS_SCHEMA = {
    "district_code": pl.String,
    "district": pl.String,
    "level": pl.Int64,
    "parent_code": pl.String,
    "score": pl.Float64,
    "grade": pl.String,
    "vetoed": pl.Boolean,
    "rank": pl.Int64,
    "targets": pl.List(pl.Struct({"target_id": pl.String, "points": pl.Float64})),
}
