"""Targets from the TOML file of the config, checked on load (DATA_SPEC section 6).

A target is an instance of one of the code's metrics (metrics.toml): its threshold, window
[W, D], scope filters and the metric's own parameters. A targets file holds targets of any
number of years. Anything unknown is a ConfigError naming the target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from pathlib import Path

from safetystats.config import ConfigError, load_toml, packaged

# scope keys: the type of each value (a value or a list of them)
SCOPE_ATTRIBUTES = {
    "industry": str,
    "hazchem": bool,
    "high_risk": bool,
    "category": str,
    "source": str,
    "level": str,
}
PERIODS = ("year", "half_year", "quarter", "month")
EVENT_DATASETS = ("drills", "inspections")
# what a page uses a target for (DATA_SPEC 6.6, 8.1): the list of enterprises short of drills,
# the window of the 四不 chart
ROLES = ("evacuation_list", "drill_share_window")
ROLE_METRICS = {"evacuation_list": ("event_frequency",)}  # the metrics a role needs


@cache
def metric_definitions() -> dict:
    return packaged("metrics")


@dataclass(frozen=True)
class Target:
    id: str
    metric: str
    name_zh: str
    name_en: str
    threshold: Fraction
    window_start: dt.date
    deadline: dt.date
    scope: dict = field(default_factory=dict)  # key -> list of values
    source: str = ""
    parameters: dict = field(default_factory=dict)
    role: str = ""

    def eval_date(self, as_of: dt.date) -> dt.date:
        return min(as_of, self.deadline)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    @property
    def is_count(self) -> bool:
        return metric_definitions()[self.metric].get("gap") == "count"

    @property
    def threshold_text(self) -> str:
        if self.is_count:
            return f"{int(self.threshold)}"
        return f"{float(self.threshold * 100):g}%"

    def sql_values(self) -> dict:
        """The values the metric's SQL binds: scope lists (NULL = any) and parameters."""
        scope = {key: self.scope.get(key) for key in SCOPE_ATTRIBUTES}
        return scope | self.parameters | {"window_start": self.window_start}


def _threshold(value, where: str, is_count: bool) -> Fraction:
    try:
        fraction = Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError) as exc:
        raise ConfigError(f"{where}: threshold {value!r} is not a number") from exc
    if is_count:
        if fraction < 0 or fraction.denominator != 1:
            raise ConfigError(f"{where}: threshold {value} of a count must be a whole number ≥ 0")
    elif not 0 < fraction <= 1:
        raise ConfigError(f"{where}: threshold {value} must be in (0, 1] (a fraction: 0.4, not 40)")
    return fraction


def _date(value, where: str, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)") from exc


def _scope(entry: dict, definition: dict, where: str) -> dict:
    allowed = definition.get("scope", list(SCOPE_ATTRIBUTES))
    out = {}
    for key, value in (entry.get("scope") or {}).items():
        if key not in allowed:
            raise ConfigError(
                f"{where}: unknown scope key {key!r} for {entry['metric']} "
                f"(known: {', '.join(allowed) or 'none'})"
            )
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, SCOPE_ATTRIBUTES[key]) for v in values):
            raise ConfigError(
                f"{where}: scope {key} must be {SCOPE_ATTRIBUTES[key].__name__} or a list of them"
            )
        out[key] = values
    return out


def _parameters(entry: dict, definition: dict, where: str) -> dict:
    """The metric's own keys (beside scope), with their defaults, checked."""
    defaults = dict(definition.get("parameters", {}))
    common = {"id", "metric", "name_zh", "name_en", "threshold", "window_start", "deadline"}
    common |= {"scope", "source", "role"}
    for key in entry:
        if key not in common and key not in defaults:
            raise ConfigError(
                f"{where}: unknown parameter {key!r} for {entry['metric']} "
                f"(known: {', '.join(defaults) or 'none'})"
            )
    values = defaults | {k: v for k, v in entry.items() if k in defaults}
    if "roster" in defaults and not values["roster"]:
        raise ConfigError(f'{where}: roster_coverage needs roster = "<the roster\'s name>"')
    if "per" in defaults:
        values["per_high_risk"] = values["per_high_risk"] or values["per"]
        if values["required_high_risk"] == -1:
            values["required_high_risk"] = values["required"]
        for key in ("per", "per_high_risk"):
            if values[key] not in PERIODS:
                raise ConfigError(f"{where}: {key} {values[key]!r} (known: {', '.join(PERIODS)})")
        if values["dataset"] not in EVENT_DATASETS:
            raise ConfigError(
                f"{where}: dataset {values['dataset']!r} (known: {', '.join(EVENT_DATASETS)})"
            )
        for key in ("required", "required_high_risk"):
            if not isinstance(values[key], int) or values[key] < 1:
                raise ConfigError(f"{where}: {key} must be a whole number ≥ 1")
        types = values["types"]
        values["types"] = ([types] if isinstance(types, str) else list(types)) or None
        values["evaluated_only"] = bool(values["evaluated_only"])
    return values


def parse_targets(data: dict, origin: str) -> list[Target]:
    metrics = metric_definitions()
    entries = data.get("targets")
    if not entries:
        raise ConfigError(f"{origin}: no [[targets]] entries")
    out, seen = [], set()
    for i, entry in enumerate(entries, start=1):
        where = f"{origin}: target {entry.get('id', f'#{i}')}"
        for key in ("id", "metric", "threshold", "window_start", "deadline"):
            if key not in entry:
                raise ConfigError(f"{where}: missing {key}")
        if entry["metric"] not in metrics:
            raise ConfigError(
                f"{where}: unknown metric {entry['metric']!r} (known: {', '.join(metrics)})"
            )
        if entry["id"] in seen:
            raise ConfigError(f"{where}: id used twice")
        seen.add(entry["id"])
        definition = metrics[entry["metric"]]
        start = _date(entry["window_start"], where, "window_start")
        deadline = _date(entry["deadline"], where, "deadline")
        if start > deadline:
            raise ConfigError(f"{where}: window_start {start} is after the deadline {deadline}")
        role = entry.get("role", "")
        if role and role not in ROLES:
            raise ConfigError(f"{where}: unknown role {role!r} (known: {', '.join(ROLES)})")
        if entry["metric"] not in ROLE_METRICS.get(role, (entry["metric"],)):
            raise ConfigError(
                f"{where}: role {role} needs metric {' or '.join(ROLE_METRICS[role])}"
            )
        out.append(
            Target(
                entry["id"],
                entry["metric"],
                entry.get("name_zh", entry["id"]),
                entry.get("name_en", entry["id"]),
                _threshold(entry["threshold"], where, definition.get("gap") == "count"),
                start,
                deadline,
                _scope(entry, definition, where),
                entry.get("source", ""),
                _parameters(entry, definition, where),
                role,
            )
        )
    return out


def target_with_role(targets: list[Target], role: str, as_of: dt.date) -> Target | None:
    """The target a page uses for ``role``: of those carrying it, the one in force at
    ``as_of`` (the latest window when several are), else the one with the latest deadline."""
    carrying = [t for t in targets if t.role == role]
    in_force = [t for t in carrying if t.window_start <= as_of <= t.deadline]
    pool = in_force or carrying
    return max(pool, key=lambda t: (t.window_start, t.deadline)) if pool else None


def load_targets(path: Path) -> list[Target]:
    return parse_targets(load_toml(path), str(path))
