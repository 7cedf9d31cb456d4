"""Targets from the TOML file of the config, checked on load (DATA_SPEC section 6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from safetystats.config import ConfigError, load_toml, packaged

SCOPE_ATTRIBUTES = {"industry": str, "hazchem": bool, "high_risk": bool}


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
    scope: dict = field(default_factory=dict)
    source: str = ""

    def eval_date(self, as_of: dt.date) -> dt.date:
        return min(as_of, self.deadline)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    @property
    def threshold_text(self) -> str:
        pct = self.threshold * 100
        return f"{float(pct):g}%"


def _threshold(value, where: str) -> Fraction:
    try:
        fraction = Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError) as exc:
        raise ConfigError(f"{where}: threshold {value!r} is not a number") from exc
    if not 0 < fraction <= 1:
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
        start = _date(entry["window_start"], where, "window_start")
        deadline = _date(entry["deadline"], where, "deadline")
        if start > deadline:
            raise ConfigError(f"{where}: window_start {start} is after the deadline {deadline}")
        scope = entry.get("scope", {}) or {}
        for key, value in scope.items():
            if key not in SCOPE_ATTRIBUTES:
                raise ConfigError(
                    f"{where}: unknown scope attribute {key!r} (known: {', '.join(SCOPE_ATTRIBUTES)})"
                )
            if not isinstance(value, SCOPE_ATTRIBUTES[key]):
                raise ConfigError(f"{where}: scope {key} must be {SCOPE_ATTRIBUTES[key].__name__}")
        out.append(
            Target(
                entry["id"],
                entry["metric"],
                entry.get("name_zh", entry["id"]),
                entry.get("name_en", entry["id"]),
                _threshold(entry["threshold"], where),
                start,
                deadline,
                dict(scope),
                entry.get("source", ""),
            )
        )
    return out


def load_targets(path: Path) -> list[Target]:
    return parse_targets(load_toml(path), str(path))
