"""Settings as data: safetystats.toml, the unit registry, and the packaged tables
(datasets, vocabularies, rules, labels) with the user's additions merged in.

The settings file is ``--config``, else ``$SAFETYSTATS_CONFIG``, else ``safetystats.toml`` in
the working directory or the nearest of its parents, as the user sees that directory (through
links, not their targets: a kernel JupyterLab starts for ``notebooks/explore.ipynb`` finds the
project's file even though ``notebooks/`` is a link into the package), else the packaged
defaults. Every key of the config file is optional; relative paths resolve against the folder
of the config file, or the working directory without one (DATA_SPEC section 7). The user extends any packaged table from the same file
(DATA_SPEC 3.1): ``[datasets.<name>.headers]``, ``[datasets.<name>.values.<column>]``,
``[vocab.<vocabulary>]``, ``[labels.<lang>]``, ``[rules.<id>]``; one loader merges them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from safetystats.errors import ConfigError
from safetystats.paths import PACKAGED_CONFIG
from safetystats.registry import DistrictRegistry
from safetystats.vocabulary import check_extensions

CONFIG_NAME = "safetystats.toml"
CONFIG_ENV = "SAFETYSTATS_CONFIG"
LANGS = ("zh", "en")
# the tables of safetystats.toml that extend packaged ones (the rest are settings)
EXTENSIONS = ("datasets", "vocab", "labels", "rules", "thresholds")


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


def override(base: dict, extra: dict, where: str) -> dict:
    """``base`` with the values of ``extra`` in place of its own (tables recursively); a key
    that ``base`` does not have is a ConfigError naming it."""
    out = dict(base)
    for key, value in extra.items():
        if key not in base:
            raise ConfigError(f"[{where}]: unknown setting {key!r} (known: {', '.join(base)})")
        nested = isinstance(base[key], dict)
        if nested != isinstance(value, dict):
            raise ConfigError(f"[{where}] {key}: expected {'a table' if nested else 'a value'}")
        out[key] = override(base[key], value, f"{where}.{key}") if nested else value
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
    config_origin: str = "packaged defaults"  # how config_file was chosen
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
    def error_rules(self) -> list[str]:
        """The rules whose failures quarantine a row (severity "error")."""
        return sorted(r for r, rule in self.rules.items() if rule["severity"] == "error")

    @cached_property
    def thresholds(self) -> dict:
        """The numbers of thresholds.toml (projection, staleness, ages, warnings); the user's
        ``[thresholds]`` replaces them value by value (a list too) and names only known ones."""
        return override(packaged("thresholds"), self.extensions.get("thresholds", {}), "thresholds")

    @cached_property
    def labels(self) -> dict:
        labels = self._merged("labels")
        for lang in LANGS:  # the age buckets' names follow their limits
            labels[lang]["age_buckets"] = age_buckets(
                self.thresholds["hazard_age_days"], labels[lang]
            )
        return labels

    @cached_property
    def registry(self) -> DistrictRegistry:
        return DistrictRegistry.from_csv(self.districts, self.registry_options.get("prefixes", []))


def age_buckets(limits: list[int], labels: dict) -> list[str]:
    """Names of the age buckets of ``limits`` (days): [30, 90] → 30天以内, 31–90天, 90天以上."""
    names = [labels["age_bucket_first"].format(hi=limits[0])]
    names += [
        labels["age_bucket_between"].format(lo=lo + 1, hi=hi)
        for lo, hi in zip(limits, limits[1:], strict=False)
    ]
    return names + [labels["age_bucket_last"].format(lo=limits[-1])]


def labels_for(settings: Settings, lang: str | None = None) -> dict:
    return settings.labels[lang or settings.lang]


def rule_titles(settings: Settings, lang: str | None = None) -> dict[str, str]:
    """{rule id: its short name} in ``lang`` (rules.toml ``title`` / ``title_en``)."""
    key = "title" if (lang or settings.lang) == "zh" else "title_en"
    return {r: v.get(key, v["title"]) for r, v in settings.rules.items()}


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
        "age_days": settings.thresholds["hazard_age_days"],
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


# the settings validation and curation do not read (left out of settings_toml without paths)
RULES_IGNORE = ("thresholds", "report", "notice", "reporting", "labels")


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
        # figures and documents read these, validation and curation do not (a new 通报 issuer
        # or language does not make the store stale)
        for name in RULES_IGNORE:
            data.pop(name, None)
    return "\n".join(_toml_table("", data)) + "\n"


def working_directory() -> Path:
    """The working directory as the user sees it: the path a JupyterLab kernel was started for
    (``JPY_SESSION_NAME``, the notebook's path) or the shell's ``$PWD``, when either names the
    directory the process is in; else the real path."""
    here = Path.cwd()
    shell = os.environ.get("PWD", "")
    session = os.path.dirname(os.environ.get("JPY_SESSION_NAME", ""))  # may be relative to
    for seen in (os.path.join(shell, session) if session else "", shell):  # the server's root
        if os.path.isabs(seen) and os.path.isdir(seen) and os.path.samefile(seen, here):
            return Path(os.path.normpath(seen))
    return here


def find_config(config: Path | str | None = None) -> tuple[Path | None, str]:
    """The settings file and how it was found; (None, ...) for the packaged defaults."""
    if config:
        return Path(config), "--config"
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]), f"${CONFIG_ENV}"
    start = working_directory()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME, f"found from {start}"
    return None, f"packaged defaults: no {CONFIG_NAME} in {start} or above"


def describe(settings: Settings) -> str:
    """One line saying which settings file is used (the CLI prints it on stderr)."""
    if settings.config_file is None:
        return f"settings 配置: {settings.config_origin}"
    return f"settings 配置: {settings.config_file} ({settings.config_origin})"


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
    """Read the settings file :func:`find_config` chooses; the user's tables that extend
    packaged ones are checked here (a misspelt one is a ConfigError naming it)."""
    config, origin = find_config(config)
    base = working_directory()
    data: dict = {}
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
        config_origin=origin,
        registry_options=registry,
        extensions={k: data[k] for k in EXTENSIONS if k in data},
        notice=_notice_options(data.get("notice", {}), resolve),
        reporting=dict(data.get("reporting", {})),
    )
    check_extensions(settings)
    settings.thresholds  # noqa: B018 - an unknown [thresholds] key fails here, at load time
    return replace(settings, **overrides) if overrides else settings


__all__ = [
    "ConfigError",
    "Settings",
    "describe",
    "find_config",
    "labels_for",
    "load_settings",
    "merge",
    "rule_titles",
    "settings_toml",
]
