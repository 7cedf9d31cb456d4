"""Settings as data: safetystats.toml, the district registry, vocabularies, dataset specs.

Every key of the config file is optional; relative paths resolve against the folder of
the config file (DATA_SPEC section 7).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from safetystats.errors import ConfigError
from safetystats.paths import PACKAGED_CONFIG
from safetystats.registry import DistrictRegistry


def _load_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with :func:`load_settings`."""

    raw: Path
    db: Path
    reports: Path
    districts: Path
    targets: Path
    lang: str = "zh"
    config_file: Path | None = None
    city: dict = field(default_factory=dict)

    @cached_property
    def vocab(self) -> dict:
        return _load_toml(PACKAGED_CONFIG / "vocab.toml")

    @cached_property
    def datasets(self) -> dict:
        return _load_toml(PACKAGED_CONFIG / "datasets.toml")

    @cached_property
    def rules(self) -> dict:
        return _load_toml(PACKAGED_CONFIG / "rules.toml")

    @cached_property
    def registry(self):
        return DistrictRegistry.from_csv(self.districts, self.city.get("prefixes", []))


def settings_toml(settings: Settings) -> str:
    """The settings as a safetystats.toml with absolute paths (what a notebook run is given)."""

    def q(value) -> str:
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'

    city = "".join(
        f"{k} = {q(v) if isinstance(v, str) else '[' + ', '.join(q(x) for x in v) + ']'}\n"
        for k, v in settings.city.items()
    )
    return (
        f"[paths]\nraw = {q(settings.raw)}\ndb = {q(settings.db)}\nreports = {q(settings.reports)}\n\n"
        f"[registry]\ndistricts = {q(settings.districts)}\ntargets = {q(settings.targets)}\n\n"
        f"[report]\nlang = {q(settings.lang)}\n\n[city]\n{city}"
    )


def load_settings(config: Path | str | None = None, **overrides) -> Settings:
    """Read ``config`` (or ``./safetystats.toml`` when it exists, else packaged defaults)."""
    if config is None and Path("safetystats.toml").exists():
        config = Path("safetystats.toml")
    data: dict = {}
    base = Path.cwd()
    if config is not None:
        config = Path(config).resolve()
        data = _load_toml(config)
        base = config.parent
    paths = data.get("paths", {})
    registry = data.get("registry", {})
    report = data.get("report", {})

    def resolve(value: str | None, default: Path) -> Path:
        return (base / value).resolve() if value else default

    city = _load_toml(PACKAGED_CONFIG / "city.toml")
    if "city" in data:
        city = data["city"]
    lang = overrides.pop("lang", None) or report.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise ConfigError(f"report.lang must be 'zh' or 'en', not {lang!r}")
    settings = Settings(
        raw=resolve(paths.get("raw"), base / "data/raw"),
        db=resolve(paths.get("db"), base / "data/curated/safetystats.duckdb"),
        reports=resolve(paths.get("reports"), base / "reports"),
        districts=resolve(registry.get("districts"), PACKAGED_CONFIG / "districts.csv"),
        targets=resolve(registry.get("targets"), PACKAGED_CONFIG / "targets.toml"),
        lang=lang,
        config_file=config,
        city=city,
    )
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)
    return settings


__all__ = ["ConfigError", "Settings", "load_settings", "settings_toml"]
