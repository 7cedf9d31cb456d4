"""Targets from the TOML file of the config, checked on load (DATA_SPEC section 6).

A target is an instance of one of the code's metrics (metrics.toml): its threshold, window
[W, D], scope filters and the metric's own parameters. A targets file holds targets of any
number of years. Anything unknown is a ConfigError naming the target.
"""

from __future__ import annotations

import csv
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
QUOTA_DATASETS = ("inspections", "activities", "drills")
ACCIDENT_MEASURES = ("accidents", "deaths")


@cache
def metric_definitions() -> dict:
    return packaged("metrics")


@cache
def flag_definitions() -> dict:
    """Flag columns a condition may read, with the reason shown when a ledger leaves them blank."""
    return packaged("flags")


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
    def flags(self) -> list[str]:
        """The columns its qualifying condition reads (missing, not false: 6.1)."""
        if self.parameters.get("evaluated_only"):
            return ["evaluated"]
        if self.parameters.get("principal_led_only"):
            return ["principal_led"]
        return list(
            self.parameters.get("flags") or metric_definitions()[self.metric].get("flags", [])
        )

    def missing_reason(self, lang: str) -> str | None:
        """Why the target is no_data where the ledgers leave its flags blank."""
        reasons = flag_definitions()
        key = "reason_zh" if lang == "zh" else "reason_en"
        missing = metric_definitions()[self.metric].get("missing_" + lang)
        return missing or ("；" if lang == "zh" else "; ").join(reasons[f][key] for f in self.flags)

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
        return (
            scope | self.parameters | {"window_start": self.window_start, "deadline": self.deadline}
        )


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
        out[key] = _canonical(values, VALUE_VOCABULARIES.get((f"scope.{key}", None)))
    return out


def _parameters(entry: dict, definition: dict, where: str, base: Path) -> dict:
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
        _period_rule(values, where)
    for key in ("types", "kinds", "organisers", "flags", "tasks", "levels"):
        if key in values:
            values[key] = _text_list(values[key], where, key) or None
            values[key] = _canonical(values[key], _vocabulary_of(key, values.get("dataset")))
    if "dataset" in values:
        known = QUOTA_DATASETS if "quota" in defaults else EVENT_DATASETS
        if values["dataset"] not in known:
            raise ConfigError(f"{where}: dataset {values['dataset']!r} (known: {', '.join(known)})")
    for flag in values.get("flags") or []:
        datasets = flag_definitions().get(flag, {}).get("datasets", [])
        if values["dataset"] not in datasets:
            known = [
                f
                for f, d in flag_definitions().items()
                if values["dataset"] in d.get("datasets", [])
            ]
            raise ConfigError(
                f"{where}: flag {flag!r} for dataset {values['dataset']} (known: {', '.join(known)})"
            )
    for key in ("evaluated_only", "principal_led_only"):
        if key in values:
            values[key] = bool(values[key])
    if "level" in values and (not isinstance(values["level"], int) or values["level"] < 0):
        raise ConfigError(f"{where}: level must be a whole number ≥ 1 (1: the top units)")
    if "quota" in defaults:
        _quota(values, where, base)
    if "tasks" in defaults and not values["tasks"]:
        raise ConfigError(f'{where}: task_progress needs tasks = ["<task name>", ...]')
    if "measure" in defaults and values["measure"] not in ACCIDENT_MEASURES:
        raise ConfigError(
            f"{where}: measure {values['measure']!r} (known: {', '.join(ACCIDENT_MEASURES)})"
        )
    return values


VALUE_VOCABULARIES = {  # parameter (and dataset) -> the enum of vocab.toml its values are of
    ("levels", None): "accident_level",
    ("kinds", None): "activity_kinds",
    ("types", "drills"): "drill_type",
    ("types", "inspections"): "inspection_kind",
    ("types", "activities"): "activity_kinds",
    ("scope.level", None): "level",  # 重大 -> major, as curated hazards hold it
    ("scope.source", None): "source",
}


def _vocabulary_of(key: str, dataset: str | None) -> str | None:
    return VALUE_VOCABULARIES.get((key, dataset)) or VALUE_VOCABULARIES.get((key, None))


def _canonical(values: list[str] | None, vocabulary: str | None) -> list[str] | None:
    """Values as the curated records hold them: a spelling the ledgers accept (较大事故, 疏散)
    is its canonical value (较大, 疏散逃生), so a target never silently matches nothing; other
    values (a user's own [vocab.*] kinds) stay as written."""
    if values is None or vocabulary is None:
        return values
    spelled = {
        spelling: canonical
        for canonical, spellings in packaged("vocab")["enums"][vocabulary].items()
        for spelling in [canonical, *spellings]
    }
    return list(dict.fromkeys(spelled.get(v, v) for v in values))


def _text_list(value, where: str, key: str) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}: {key} must be text or a list of text")
    return list(values)


def _period_rule(values: dict, where: str) -> None:
    if "per_high_risk" in values:
        values["per_high_risk"] = values["per_high_risk"] or values["per"]
        if values["required_high_risk"] == -1:
            values["required_high_risk"] = values["required"]
    for key in ("per", "per_high_risk"):
        if key in values and values[key] not in PERIODS:
            raise ConfigError(f"{where}: {key} {values[key]!r} (known: {', '.join(PERIODS)})")
    for key in ("required", "required_high_risk"):
        if key in values and (not isinstance(values[key], int) or values[key] < 1):
            raise ConfigError(f"{where}: {key} must be a whole number ≥ 1")


def _quota(values: dict, where: str, base: Path) -> None:
    """event_quota: ``quota = N`` for every unit of the level, or ``quotas = "FILE.csv"``
    (columns unit, quota; relative to the targets file), read here: [(unit, quota), ...]."""
    quota, quotas = values["quota"], values["quotas"]
    if bool(quota) == bool(quotas):
        raise ConfigError(f'{where}: event_quota needs quota = N or quotas = "FILE.csv" (one)')
    if quota:
        if not isinstance(quota, int) or quota < 1:
            raise ConfigError(f"{where}: quota must be a whole number ≥ 1")
        values["quota_rows"] = None
        return
    path = (base / quotas).resolve()
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise ConfigError(f"{where}: quotas file {path} cannot be read ({exc.strerror})") from exc
    out = []
    for i, row in enumerate(rows, start=2):
        unit, number = (row.get("unit") or "").strip(), (row.get("quota") or "").strip()
        if not unit and not number:
            continue
        if not number.isdigit() or int(number) < 1:
            raise ConfigError(
                f"{where}: {path.name} row {i}: quota {number!r} is not a whole number ≥ 1"
            )
        out.append((unit, int(number)))
    if not out or "unit" not in (rows[0] if rows else {}):
        raise ConfigError(f"{where}: {path.name} needs the columns unit, quota and one row")
    values["quota_rows"] = out


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
                _parameters(entry, definition, where, Path(origin).parent),
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
