"""The plan of a bulletins run, built once: which units, which date, which language, which
options, where the pages go and what they are made from. Every later step reads it."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import re
from dataclasses import dataclass, field
from pathlib import Path

from safetystats import store
from safetystats.config import Settings, settings_toml
from safetystats.metrics.targets import Target, load_targets
from safetystats.paths import NOTEBOOKS_DIR, PACKAGE_DIR

DISTRICT_NOTEBOOK = NOTEBOOKS_DIR / "district_bulletin.ipynb"
CITY_NOTEBOOK = NOTEBOOKS_DIR / "city_overview.ipynb"
CITY_NAME = "city_overview"
ALL_LEVELS = "all"


class EmptyStoreError(RuntimeError):
    """Nothing to write a bulletin from (exit 1): an empty store, or an as-of date before
    every target's window (DATA_SPEC 8.1)."""


@dataclass(frozen=True)
class RunOptions:
    """What the user chose beside the units and the date."""

    lang: str
    jobs: int | None = None
    city: bool = True  # the overview (the total's page)
    pdf: bool = False
    force: bool = False  # redo pages whose inputs did not change


@dataclass
class RunPlan:
    settings: Settings
    as_of: dt.date
    units: list  # registry units whose pages the run writes
    options: RunOptions
    folder: Path  # reports/<as-of>[-<lang>]
    store_version: str
    inputs: str  # fingerprint of what every page depends on
    targets: list[Target] = field(default_factory=list)
    compare: dt.date | None = None  # a comparison date (DATA_SPEC 6.10), when one is asked

    @property
    def lang(self) -> str:
        return self.options.lang

    @property
    def index_units(self) -> list:
        """Every unit of the levels of the run's units: the index is always complete (8.3)."""
        levels = {u.level for u in self.units}
        return [u for u in self.settings.registry.districts if u.level in levels]

    @classmethod
    def build(
        cls,
        settings: Settings,
        con,
        as_of: dt.date | None,
        districts: list[str] | None,
        level: int | str | None,
        options: RunOptions,
    ) -> RunPlan:
        from safetystats.metrics import engine

        latest = engine.latest_event_date(con)
        if latest is None:
            raise EmptyStoreError(
                f"the store {settings.db} holds no records: no bulletin is written "
                "(数据库中没有任何记录，不生成通报)"
            )
        as_of = as_of or latest
        targets = load_targets(settings.targets)
        start = min(t.window_start for t in targets)
        if as_of < start:
            raise EmptyStoreError(
                f"as-of {as_of} is before every target's window (the earliest starts {start}): "
                f"no bulletin is written (截至日期早于所有目标的起始日期 {start}，不生成通报)"
            )
        version = store.state(con).get("curated_change", "")
        suffix = "" if options.lang == "zh" else f"-{options.lang}"
        return cls(
            settings,
            as_of,
            chosen_units(settings, districts, level),
            options,
            settings.reports / (as_of.isoformat() + suffix),
            version,
            inputs_fingerprint(settings, as_of, options.lang, options.pdf, version),
            targets,
        )


def digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\x1f")
    return h.hexdigest()


@functools.cache
def code_fingerprint(root: Path = PACKAGE_DIR) -> str:
    """The package version and a digest of every file the package ships under ``root`` (its
    code, SQL, settings, suites, notebooks): an upgrade that keeps the version number still
    redoes what the earlier code wrote. 349 files, about 15 ms, once per process."""
    try:
        version = importlib.metadata.version("safetystats")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    shipped = sorted(
        p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.relative_to(root).parts
    )
    return digest(
        version,
        *(part for p in shipped for part in (p.relative_to(root).as_posix(), p.read_bytes())),
    )


def inputs_fingerprint(settings: Settings, as_of, lang: str, pdf: bool, store_version: str) -> str:
    """What every page of a run depends on: the store's version, the as-of date, the targets,
    the registry, the settings, the package's code and notebooks, the language, PDFs."""
    return digest(
        store_version,
        as_of,
        lang,
        pdf,
        code_fingerprint(),
        settings_toml(settings),
        settings.targets.read_bytes(),
        settings.districts.read_bytes(),
    )


def default_level(registry) -> int:
    """The level below the top: the first level with more than one unit (the districts of a
    city registry, the cities of a province, the 社区 of a single 街道)."""
    for level in registry.levels():
        if len(registry.units_at(level)) > 1:
            return level
    return 1


def chosen_units(settings: Settings, districts: list[str] | None, level: int | str | None) -> list:
    """The units of a run: those named, else every unit of ``level`` (default: below the top;
    ``"all"``: every unit of the registry)."""
    from safetystats.metrics.engine import resolve_districts

    if districts:
        return resolve_districts(settings, districts)
    registry = settings.registry
    if level == ALL_LEVELS:
        return list(registry.districts)
    return registry.units_at(level or default_level(registry))


# characters no file system (or URL) should get from a unit name: separators, reserved
# characters, controls (C0, DEL, C1) and the bidirectional and zero-width formatting marks
_UNSAFE = re.compile(
    r'[\\/:*?"<>|#%&{}$!\'`@=+\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]'
)


def safe_stem(text: str) -> str:
    """A file name stem: the text with unsafe characters replaced, no leading or trailing dots
    or spaces (so never ``..``), at most 80 characters."""
    return _UNSAFE.sub("_", text).strip(". ")[:80].strip(". ")


RESERVED_STEMS = frozenset({CITY_NAME, "index", "validation", "figures"})  # the run's own files


def unit_stems(units: list) -> dict[str, str]:
    """A safe, unique file name (stem) per unit code: the name with characters no file system
    accepts replaced; the code appended where two units share a name (济南 and 枣庄's 市中区)
    or where the name is one of the run's own files."""
    names = [safe_stem(u.name) or safe_stem(u.code) or "unit" for u in units]
    repeated = {n for n in names if names.count(n) > 1 or n.lower() in RESERVED_STEMS}
    return {
        u.code: f"{n}-{safe_stem(u.code)}" if n in repeated else n
        for u, n in zip(units, names, strict=True)
    }
