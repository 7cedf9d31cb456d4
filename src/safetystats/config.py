"""Settings as data: safetystats.toml, the unit registry, and the packaged tables
(datasets, vocabularies, rules, labels) with the user's additions merged in.

Every key of the config file is optional; relative paths resolve against the folder of the
config file (DATA_SPEC section 7). The user extends any packaged table from the same file
(DATA_SPEC 3.1): ``[datasets.<name>.headers]``, ``[datasets.<name>.values.<column>]``,
``[vocab.<vocabulary>]``, ``[labels.<lang>]``, ``[rules.<id>]``; one loader merges them.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from safetystats.errors import ConfigError
from safetystats.paths import PACKAGED_CONFIG
from safetystats.registry import DistrictRegistry

LANGS = ("zh", "en")
# the tables of safetystats.toml that extend packaged ones (the rest are settings)
EXTENSIONS = ("datasets", "vocab", "labels", "rules")


def load_toml(path: Path) -> dict:
    """A TOML file, UTF-8 with or without BOM; anything else is a ConfigError naming it."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (save it as UTF-8)") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        return tomllib.loads(quote_unicode_keys(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc


_BARE_UNICODE_KEY = re.compile(
    r'^(\s*)([^\s"\'#=\[][^=\n"\']*?[^\x00-\x7f][^=\n"\']*?)(\s*=)', re.M
)


def quote_unicode_keys(text: str) -> str:
    """Quote bare keys written in Chinese (``危险化学品 = [...]``, as DATA_SPEC 3.1 shows them):
    TOML 1.1 accepts them, Python's TOML 1.0 reader does not."""
    return _BARE_UNICODE_KEY.sub(lambda m: f'{m[1]}"{m[2].strip()}"{m[3]}', text)


def packaged(name: str) -> dict:
    return load_toml(PACKAGED_CONFIG / f"{name}.toml")


def merge(base: dict, extra: dict, where: str) -> dict:
    """``base`` with ``extra`` merged in: tables recursively, lists extended (without repeats),
    other values replaced. ``where`` names the origin in errors."""
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        if isinstance(old, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{key}: expected a table")
            out[key] = merge(old, value, f"{where}.{key}")
        elif isinstance(old, list):
            items = value if isinstance(value, list) else [value]
            out[key] = old + [v for v in items if v not in old]
        else:
            out[key] = value
    return out


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
    registry_options: dict = field(default_factory=dict)  # total_name, prefixes
    extensions: dict = field(default_factory=dict)  # the user's additions to packaged tables
    notice: dict = field(
        default_factory=dict
    )  # [notice]: issuer, recipients, number, template, requirements
    reporting: dict = field(default_factory=dict)  # [reporting]: due_day, contact

    def _merged(self, name: str) -> dict:
        return merge(packaged(name), self.extensions.get(name, {}), name)

    @cached_property
    def vocab(self) -> dict:
        """The packaged vocabularies; the user's ``[vocab.*]`` are applied by :mod:`vocabulary`."""
        return packaged("vocab")

    @cached_property
    def datasets(self) -> dict:
        """The packaged dataset specs; the user's ``[datasets.*]`` are applied by load_specs."""
        return packaged("datasets")

    @cached_property
    def rules(self) -> dict:
        return self._merged("rules")

    @cached_property
    def labels(self) -> dict:
        return self._merged("labels")

    @cached_property
    def registry(self) -> DistrictRegistry:
        return DistrictRegistry.from_csv(self.districts, self.registry_options.get("prefixes", []))


def labels_for(settings: Settings, lang: str | None = None) -> dict:
    return settings.labels[lang or settings.lang]


def sql_parameters(settings: Settings) -> dict:
    """The settings that SQL files bind by name (``$active_status`` ...), from vocab.toml and
    the labels; a query binds only those it uses."""
    voc = settings.vocab
    return {
        "high_risk_industries": voc["high_risk_industries"],
        "hazchem_industry": voc["hazchem_industry"],
        "default_status": voc["default_enterprise_status"],
        "active_status": voc["default_enterprise_status"],
        "cycle_start_default": voc["training_cycle_start"],
        "unspecified": labels_for(settings)["unspecified"],
        "district_codes": None,
    }


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_table(name: str, table: dict) -> list[str]:
    scalars = [
        f"{_toml_value(k)} = {_toml_value(v)}" for k, v in table.items() if not isinstance(v, dict)
    ]
    out = [f"[{name}]", *scalars, ""] if scalars and name else []
    for key, value in table.items():
        if isinstance(value, dict):
            out += _toml_table(f"{name}.{_toml_value(key)}" if name else _toml_value(key), value)
    return out


def settings_toml(settings: Settings, paths: bool = True) -> str:
    """The settings as a safetystats.toml with absolute paths (what a notebook run is given);
    without ``paths``: what the rules read (a store moved elsewhere is validated the same)."""
    data = {
        "paths": {
            "raw": str(settings.raw),
            "db": str(settings.db),
            "reports": str(settings.reports),
        },
        "registry": {
            "districts": str(settings.districts),
            "targets": str(settings.targets),
            **settings.registry_options,
        },
        "report": {"lang": settings.lang},
        "notice": {k: str(v) if isinstance(v, Path) else v for k, v in settings.notice.items()},
        "reporting": settings.reporting,
        **settings.extensions,
    }
    if not paths:
        del data["paths"]
        data["registry"] = settings.registry_options
    return "\n".join(_toml_table("", data)) + "\n"


def _notice_options(table: dict, resolve) -> dict:
    """[notice] (DATA_SPEC 7, 8.5): texts as written, the template and requirements files
    resolved against the config's folder (each must exist)."""
    known = {"issuer", "recipients", "number", "template", "requirements"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"[notice] has no key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    options = {k: str(v) for k, v in table.items() if k in ("issuer", "recipients", "number")}
    for key in ("template", "requirements"):
        if table.get(key):
            options[key] = resolve(f"notice.{key}", str(table[key]), None, True)
    return options


def load_settings(config: Path | str | None = None, **overrides) -> Settings:
    """Read ``config`` (or ``./safetystats.toml`` when it exists, else packaged defaults)."""
    if config is None and Path("safetystats.toml").exists():
        config = Path("safetystats.toml")
    data: dict = {}
    base = Path.cwd()
    if config is not None:
        config = Path(config).resolve()
        data = load_toml(config)
        base = config.parent
    paths = data.get("paths", {})
    registry = dict(data.get("registry", {}))
    if "city" in data and "prefixes" in data["city"]:  # the older [city] table
        registry.setdefault("prefixes", data["city"]["prefixes"])

    def resolve(key: str, value: str | None, default: Path, must_exist: bool = False) -> Path:
        if not value:
            return default
        path = (base / value).resolve()
        if must_exist and not path.is_file():
            raise ConfigError(f"{config}: {key} = {value!r}: no such file ({path})")
        return path

    lang = overrides.pop("lang", None) or data.get("report", {}).get("lang", "zh")
    if lang not in LANGS:
        raise ConfigError(f"report.lang must be 'zh' or 'en', not {lang!r}")
    settings = Settings(
        raw=resolve("paths.raw", paths.get("raw"), base / "data/raw"),
        db=resolve("paths.db", paths.get("db"), base / "data/curated/safetystats.duckdb"),
        reports=resolve("paths.reports", paths.get("reports"), base / "reports"),
        districts=resolve(
            "registry.districts",
            registry.pop("districts", None),
            PACKAGED_CONFIG / "districts.csv",
            True,
        ),
        targets=resolve(
            "registry.targets",
            registry.pop("targets", None),
            PACKAGED_CONFIG / "targets.toml",
            True,
        ),
        lang=lang,
        config_file=config,
        registry_options=registry,
        extensions={k: data[k] for k in EXTENSIONS if k in data},
        notice=_notice_options(data.get("notice", {}), resolve),
        reporting=dict(data.get("reporting", {})),
    )
    return replace(settings, **overrides) if overrides else settings


__all__ = ["ConfigError", "Settings", "labels_for", "load_settings", "merge", "settings_toml"]
