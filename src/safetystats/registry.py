"""The unit registry (DATA_SPEC 2.8): a tree of administrative units read from a CSV file
``code,name,aliases,parent``, and the resolution of any spelling of a unit that a ledger uses.

Resolution works on ``vocab_key`` forms (NFKC, 繁→简, no spaces, lower-case) and tries, in
order, the rules of 2.8: an exact name, code or alias, also after stripping leading
administrative prefixes in every possible way (rules 1-2); the same with a trailing
区/市/县/街道/镇/乡/社区/居委会/村委会 removed on both sides (rule 3); a 统计用区划代码 (rule 4);
a bracketed part (rule 5). Every table is built once, and each distinct value is resolved once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

from safetystats.errors import ConfigError
from safetystats.normalize import vocab_key
from safetystats.paths import PACKAGED_CONFIG

DIVISIONS_CSV = PACKAGED_CONFIG / "divisions.csv"

# Trailing parts that rule 3 removes (compound spellings too), by the kind of unit they name;
# the kind guesses the level an unknown value looked like.
_SUFFIX_KIND = {
    suffix: kind
    for kind, suffixes in (
        ("community", "社区居民委员会 社区居委会 居民委员会 村民委员会 居委会 村委会 社区"),
        ("street", "街道办事处 街道办 街道 镇 乡"),
        ("county", "区 市 县"),
    )
    for suffix in suffixes.split()
}
_UNIT_SUFFIXES = sorted(_SUFFIX_KIND, key=len, reverse=True)  # the longest match is removed
_MIN_STEM = 2  # a stem keeps at least two characters: 芒市 stays 芒市
_GB_WIDTHS = (2, 4, 6, 9, 12)  # ends of the segments of a 12-digit 统计用区划代码
_BRACKETED = re.compile(r"^(.*?)[(\[【〔]([^)\]】〕]*)[)\]】〕](.*)$")
_LISTED = 10  # names an "unknown" message lists before "…"

_TOTALS_EN = {
    "全市": "City total",
    "全省": "Province total",
    "全街道": "Street total",
    "全区": "District total",
    "合计": "Total",
}


@dataclass(frozen=True)
class District:
    """One unit of the registry; ``level`` is 1 for a top-level unit, 2 for its children …"""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    level: int = 1


@dataclass(frozen=True)
class Division:
    """One row of the national division table (GB/T 2260): level 1 province, 2 city, 3 county."""

    code: str
    name: str
    short_name: str
    level: int


@dataclass(frozen=True)
class Resolution:
    """What a value names: ``reason`` is "ok", "ambiguous", "unknown" or "blank"."""

    unit: District | None
    candidates: list[District] = field(default_factory=list)
    reason: str = "ok"
    message_zh: str = ""
    message_en: str = ""


@dataclass(frozen=True)
class _Reading:
    """A value with some leading prefixes stripped; ``scope`` None means every unit."""

    stripped: int
    rest: str
    scope: frozenset[str] | None


# --- helpers on keys and codes -------------------------------------------------------------


def stem(key: str) -> str:
    """A key with its trailing unit suffix removed (市南区 → 市南, XX社区居委会 → XX)."""
    for suffix in _UNIT_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= _MIN_STEM:
            return key[: -len(suffix)]
    return key


def _suffix_kind(key: str) -> str | None:
    return next((_SUFFIX_KIND[s] for s in _UNIT_SUFFIXES if key.endswith(s)), None)


def code_path(code: str) -> str | None:
    """The significant part of a GB/T 2260 code or 统计用区划代码, without its zero segments:
    370200 → 3702, 370203010000 → 370203010; None for a code of another shape."""
    if not (code.isascii() and code.isdigit() and len(code) in _GB_WIDTHS):
        return None
    padded = code.ljust(12, "0")
    end = _GB_WIDTHS[0]
    for start, stop in zip(_GB_WIDTHS, _GB_WIDTHS[1:], strict=False):
        if padded[start:stop].strip("0"):
            end = stop
    return padded[:end]


def _path_prefixes(path: str) -> list[str]:
    """The segment-aligned prefixes of a code path, longest first (370203010 → …, 3702, 37)."""
    return [path[:w] for w in reversed(_GB_WIDTHS) if w <= len(path)]


@lru_cache(maxsize=1)
def national_divisions() -> dict[str, Division]:
    """The national division table shipped with the package, by code."""
    with open(DIVISIONS_CSV, encoding="utf-8", newline="") as fh:
        return {
            row["code"]: Division(row["code"], row["name"], row["short_name"], int(row["level"]))
            for row in csv.DictReader(fh)
        }


def _national_names(codes: Iterable[str]) -> dict[str, frozenset[str]]:
    """The key of each name, full and short, of the national divisions ``codes`` (those the
    table has) → the codes it names. Only the divisions asked for: the keys of all 3,212
    (simplified Chinese through OpenCC) cost 0.06 s of every ingest and validate."""
    divisions = national_divisions()
    names: dict[str, set[str]] = {}
    for code in codes:
        if d := divisions.get(code):
            for text in (d.name, d.short_name):
                names.setdefault(vocab_key(text), set()).add(code)
    return {key: frozenset(found) for key, found in names.items()}


@lru_cache(maxsize=1)
def _national_prefixes() -> frozenset[str]:
    """Names of provinces and prefecture-level cities, full and short, as keys."""
    divisions = national_divisions()
    return frozenset(_national_names(c for c, d in divisions.items() if d.level <= 2))


@lru_cache(maxsize=1)
def _province_names() -> frozenset[str]:
    return frozenset(vocab_key(d.name) for d in national_divisions().values() if d.level == 1)


# --- reading the file ----------------------------------------------------------------------


def read_registry_rows(path: Path) -> list[dict]:
    """The rows of a registry file as dicts keyed by lower-case column name."""
    return [row for _, row in _read_rows(path)]


def _read_rows(path: Path) -> list[tuple[int, dict]]:
    """(row number as a spreadsheet shows it, row) for each non-blank row of the file."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            reader.fieldnames = [(f or "").strip().lower() for f in reader.fieldnames or []]
            rows = [
                (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k})
                for row in reader
            ]
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise ConfigError(f"unit registry not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the unit registry is not UTF-8 text") from exc
    if not {"code", "name"} <= set(reader.fieldnames):
        raise ConfigError(f"{path}: a unit registry needs the columns code,name[,aliases,parent]")
    rows = [(n, row) for n, row in rows if any(row.values())]
    if not rows:
        raise ConfigError(f"{path}: the unit registry lists no unit")
    return rows


def _unit_from_row(row: dict) -> District:
    aliases = tuple(a.strip() for a in row.get("aliases", "").split("|") if a.strip())
    return District(row["code"], row["name"], aliases, row.get("parent") or None)


def _check_tree(units: list[District], rows: list[int], source: str) -> None:
    """Raise one ConfigError listing blank fields, codes twice, unknown parents, cycles."""
    problems = [
        f"row {n}: the {col} is blank"
        for n, u in zip(rows, units, strict=True)
        for col, value in (("code", u.code), ("name", u.name))
        if not value
    ]
    seen: dict[str, list[int]] = {}
    for n, u in zip(rows, units, strict=True):
        seen.setdefault(u.code, []).append(n)
    problems += [
        f"code {code} appears {len(ns)} times (rows {', '.join(map(str, ns))})"
        for code, ns in seen.items()
        if len(ns) > 1 and code
    ]
    problems += [
        f"row {n} (code {u.code}): parent {u.parent} is not a code in the file"
        for n, u in zip(rows, units, strict=True)
        if u.parent and u.parent not in seen
    ]
    row_of = {u.code: n for n, u in zip(rows, units, strict=True)}
    problems += [
        f"rows {', '.join(str(row_of[c]) for c in cycle)} form a cycle of parents "
        f"({' → '.join([*cycle, cycle[0]])})"
        for cycle in _cycles({u.code: u.parent for u in units})
    ]
    if problems:
        raise ConfigError(f"{source}: " + "; ".join(problems))


def _cycles(parent_of: dict[str, str | None]) -> list[list[str]]:
    """Each cycle of the parent relation once, as the list of its codes."""
    done: set[str] = set()
    cycles = []
    for start in parent_of:
        path: list[str] = []
        code: str | None = start
        while code in parent_of and code not in done and code not in path:
            path.append(code)
            code = parent_of[code]
        if code in path:
            cycles.append(path[path.index(code) :])
        done.update(path)
    return cycles


# --- the registry --------------------------------------------------------------------------


class DistrictRegistry:
    """The units of a registry file, their tree, and the resolution of any spelling."""

    def __init__(
        self,
        districts: Iterable[District],
        prefixes: Iterable[str] = (),
        *,
        source: str = "unit registry",
        rows: list[int] | None = None,
    ):
        units = list(districts)
        _check_tree(units, rows or list(range(2, len(units) + 2)), source)
        self.districts = _with_levels(units)
        self.by_code = {d.code: d for d in self.districts}
        self._children: dict[str, list[str]] = {d.code: [] for d in self.districts}
        for d in self.districts:
            if d.parent:
                self._children[d.parent].append(d.code)
        self._below = {
            d.code: frozenset(u.code for u in self.descendants(d.code)) for d in self.districts
        }
        self._exact = self._index(lambda d: (d.name, d.code, *d.aliases), lambda k: k)
        self._loose = self._index(lambda d: (d.name, *d.aliases), stem)
        self._by_path = self._index(lambda d: (d.code,), code_path)
        self._extra_prefixes = tuple(prefixes)  # the prefix table is made when first needed
        self._cache: dict[str | None, Resolution] = {}

    @cached_property
    def _prefixes(self) -> dict[str, frozenset[str] | None]:
        """The prefix table of ``_prefix_table``, made by the first value that needs it (the
        national names behind it cost a tenth of a second; many commands resolve nothing)."""
        return self._prefix_table(self._extra_prefixes)

    @cached_property
    def _longest_prefix(self) -> int:
        return max(map(len, self._prefixes), default=0)

    @classmethod
    def from_csv(cls, path: Path, prefixes: Iterable[str] = ()) -> DistrictRegistry:
        """Read a registry file; ``prefixes`` are extra leading names to strip (2.8 rule 2)."""
        numbered = _read_rows(Path(path))
        units = [_unit_from_row(row) for _, row in numbered]
        return cls(units, prefixes, source=str(path), rows=[n for n, _ in numbered])

    # --- the tree --------------------------------------------------------------------------

    def names(self) -> list[str]:
        """The names of all units, in file order."""
        return [d.name for d in self.districts]

    def children(self, code: str) -> list[District]:
        """The units whose parent is ``code``, in file order."""
        return [self.by_code[c] for c in self._children[code]]

    def descendants(self, code: str) -> list[District]:
        """Every unit below ``code`` (not itself), depth first in file order."""
        out: list[District] = []
        for child in self.children(code):
            out += [child, *self.descendants(child.code)]
        return out

    def ancestors(self, code: str) -> list[District]:
        """The parent of ``code``, its parent … up to the top-level unit."""
        out: list[District] = []
        parent = self.by_code[code].parent
        while parent:
            out.append(self.by_code[parent])
            parent = self.by_code[parent].parent
        return out

    def level_of(self, code: str) -> int:
        return self.by_code[code].level

    def levels(self) -> list[int]:
        """The levels present, sorted (1 is the top)."""
        return sorted({d.level for d in self.districts})

    def units_at(self, level: int) -> list[District]:
        return [d for d in self.districts if d.level == level]

    def top_units(self) -> list[District]:
        return self.units_at(1)

    # --- the total -------------------------------------------------------------------------

    def total_name(self, explicit: str | None = None) -> str:
        """The name of the total row: ``explicit`` when set, else derived (DATA_SPEC 2.8)."""
        if explicit and explicit.strip():
            return explicit.strip()
        top = self.top_units()
        if len(top) == 1:
            return _single_unit_total(top[0])
        paths = [code_path(d.code) for d in top]
        if all(p and len(p) == 6 for p in paths) and len({p[:4] for p in paths}) == 1:
            city = paths[0][:4]
            if city not in self.by_code and city + "00" not in self.by_code:
                return "全市"
        if all(p and len(p) == 4 for p in paths) and len({p[:2] for p in paths}) == 1:
            return "全省"
        return "合计"

    def total_name_en(self, explicit: str | None = None) -> str:
        """The English name of the total row ("City total" …); an explicit name is kept."""
        name = self.total_name(explicit)
        return _TOTALS_EN.get(name, name)

    # --- resolution ------------------------------------------------------------------------

    def resolve(self, value: str | None) -> District | None:
        """The unit that ``value`` names, or None (ambiguous, unknown or blank)."""
        return self.resolve_detail(value).unit

    def resolve_detail(self, value: str | None) -> Resolution:
        """What ``value`` names, with the candidates and a message when it names no one unit."""
        if value not in self._cache:
            self._cache[value] = self._resolve(value)
        return self._cache[value]

    def _resolve(self, value: str | None) -> Resolution:
        key = vocab_key(value) if value else ""
        if not key:
            return Resolution(None, [], "blank", "区划为空", "the district is blank")
        codes, hint = self._match(key)
        if not codes:
            codes = self._match_bracketed(key)
        if len(codes) == 1:
            return Resolution(self.by_code[codes[0]])
        if codes:
            return self._ambiguous(value.strip(), [self.by_code[c] for c in codes])
        return self._unknown(value.strip(), hint)

    def _match(self, key: str) -> tuple[list[str], _Reading]:
        """Codes of the units ``key`` names by rules 1-4 (several: ambiguous), and the reading
        that narrowed the most, to describe an unknown value."""
        readings = self._readings(key)
        for table, form in ((self._exact, str), (self._loose, stem)):  # str: the key itself
            for reading in readings:
                codes = self._within(table.get(form(reading.rest), []), reading.scope)
                if codes:
                    return codes, reading
        hint = max(readings, key=lambda r: (r.scope is not None, r.stripped))
        return self._match_code(key), hint

    def _match_code(self, key: str) -> list[str]:
        """Rule 4: the unit whose code the 6/9/12-digit 统计用区划代码 starts with, the longest."""
        path = code_path(key) if len(key) in (6, 9, 12) else None
        for prefix in _path_prefixes(path) if path else []:
            if prefix in self._by_path:
                return self._by_path[prefix]
        return []

    def _match_bracketed(self, key: str) -> list[str]:
        """Rule 5: 黄岛区(西海岸新区) names a unit when outside and inside agree or only one names
        a unit; otherwise the candidates of both."""
        m = _BRACKETED.match(key)
        if not m:
            return []
        outside, inside = (self._match(part)[0] if part else [] for part in (m[1] + m[3], m[2]))
        named = [codes for codes in (outside, inside) if len(codes) == 1]
        if len({c for codes in named for c in codes}) == 1:
            return named[0]
        return list(dict.fromkeys(outside + inside))

    def _readings(self, key: str) -> list[_Reading]:
        """Every way of stripping leading prefixes from ``key`` (none stripped first); a prefix
        that names registry units narrows the scope to their descendants."""
        found: dict[tuple[str, frozenset[str] | None], _Reading] = {}
        todo = [_Reading(0, key, None)]
        while todo:
            reading = todo.pop()
            if (reading.rest, reading.scope) in found:
                continue
            found[reading.rest, reading.scope] = reading
            rest = reading.rest
            for n in range(1, min(self._longest_prefix, len(rest) - 1) + 1):
                prefix = rest[:n]
                if prefix in self._prefixes:
                    scope = _narrow(reading.scope, self._prefixes[prefix])
                    todo.append(_Reading(reading.stripped + n, rest[n:], scope))
        return sorted(found.values(), key=lambda r: r.stripped)

    @staticmethod
    def _within(codes: list[str], scope: frozenset[str] | None) -> list[str]:
        return codes if scope is None else [c for c in codes if c in scope]

    # --- building the tables ---------------------------------------------------------------

    def _index(self, spellings, form) -> dict[str, list[str]]:
        """form(key) of every spelling of every unit → the codes of the units, in file order."""
        table: dict[str, list[str]] = {}
        for d in self.districts:
            for spelling in spellings(d):
                text = form(vocab_key(spelling))
                if text and d.code not in table.setdefault(text, []):
                    table[text].append(d.code)
        return table

    def _prefix_table(self, extra: Iterable[str]) -> dict[str, frozenset[str] | None]:
        """Each prefix rule 2 strips → the units a value so prefixed may name (None: any).

        A prefix that names registry units narrows to their descendants; one that names a
        national division (枣庄市 = 3704) to the units coded under it, when there are any."""
        texts = set(_national_prefixes()) | {vocab_key(p) for p in extra if p and p.strip()}
        texts |= self._implicit_ancestor_names()
        for d in self.districts:
            if self._children[d.code]:
                keys = [vocab_key(s) for s in (d.name, *d.aliases)]
                texts |= {*keys, *map(stem, keys)}
        under = self._units_under_codes()
        coded_names = _national_names(under)  # the divisions with registry units coded under them
        table: dict[str, frozenset[str] | None] = {}
        for text in filter(None, texts):
            if named := self._exact.get(text) or self._loose.get(stem(text)):
                table[text] = frozenset().union(*(self._below[c] for c in named))
            else:
                coded = [under[c] for c in coded_names.get(text, ())]
                table[text] = frozenset().union(*coded) if coded else None
        return table

    def _units_under_codes(self) -> dict[str, frozenset[str]]:
        """Each code path prefix (37, 3702 …) → the registry units whose code is under it."""
        under: dict[str, set[str]] = {}
        for d in self.districts:
            path = code_path(d.code)
            for prefix in _path_prefixes(path) if path else []:
                under.setdefault(prefix, set()).add(d.code)
        return {prefix: frozenset(codes) for prefix, codes in under.items()}

    def _implicit_ancestor_names(self) -> set[str]:
        """Names of the national divisions above the registry's top units by code (柳州市,
        城中区 above 公园街道 450202001), full and short, as keys."""
        above = {
            prefix
            for d in self.top_units()
            if (path := code_path(d.code))
            for prefix in _path_prefixes(path)[1:]
        }
        return set(_national_names(above))

    # --- messages --------------------------------------------------------------------------

    def _describe(self, d: District, zh: bool) -> str:
        """市中区（枣庄市，370402） or 市中区 (枣庄市, 370402)."""
        parts = [self.by_code[d.parent].name, d.code] if d.parent else [d.code]
        return f"{d.name}（{'，'.join(parts)}）" if zh else f"{d.name} ({', '.join(parts)})"

    def _ambiguous(self, value: str, units: list[District]) -> Resolution:
        zh = "、".join(self._describe(d, zh=True) for d in units)
        en = "; ".join(self._describe(d, zh=False) for d in units)
        return Resolution(
            None,
            units,
            "ambiguous",
            f"区划“{value}”可指多个单位：{zh}；请写明上级单位",
            f"district {value!r} may be any of: {en}; name the parent unit too",
        )

    def _unknown(self, value: str, hint: _Reading) -> Resolution:
        """The value names no unit: list the known units of the level it looked like (under
        the unit its prefix named, if any)."""
        pool = [d for d in self.districts if d.code in hint.scope] if hint.scope else self.districts
        level = self._level_like(hint.rest, pool)
        known = [d for d in pool if d.level == level]
        parents = {d.parent for d in known}
        parent = parents.pop() if hint.scope and len(parents) == 1 else None
        under = self.by_code[parent].name if parent else ""
        names = [d.name for d in known]
        return Resolution(
            None,
            [],
            "unknown",
            f"区划“{value}”不在单位登记表中；{under + '下的' if under else ''}"
            f"第{level}级单位有{len(names)}个：{_listing(names, '、')}",
            f"district {value!r} is not in the unit registry; the {len(names)} units at "
            f"level {level}{' under ' + under if under else ''} are: {_listing(names, ', ')}",
        )

    def _level_like(self, key: str, pool: list[District]) -> int:
        """The level whose units most often end like ``key`` (区, 街道, 社区 …); else the top
        level of ``pool``."""
        kind = _suffix_kind(key)
        counts: dict[int, int] = {}
        for d in pool:
            if kind and _suffix_kind(vocab_key(d.name)) == kind:
                counts[d.level] = counts.get(d.level, 0) + 1
        if counts:
            return max(counts, key=lambda level: (counts[level], level))
        return min((d.level for d in pool), default=1)


def _listing(names: list[str], sep: str) -> str:
    """At most ``_LISTED`` names, then "…"."""
    return sep.join(names[:_LISTED]) + ("…" if len(names) > _LISTED else "")


def _narrow(scope: frozenset[str] | None, allowed: frozenset[str] | None):
    """The intersection of two scopes, None standing for every unit."""
    if allowed is None:
        return scope
    return allowed if scope is None else scope & allowed


def _with_levels(units: list[District]) -> list[District]:
    """The units with ``level`` set from the depth of each in the (checked, acyclic) tree."""
    parent_of = {u.code: u.parent for u in units}
    levels: dict[str, int] = {}

    def level(code: str) -> int:
        if code not in levels:
            parent = parent_of[code]
            levels[code] = 1 if not parent else level(parent) + 1
        return levels[code]

    return [replace(u, level=level(u.code)) for u in units]


def _single_unit_total(unit: District) -> str:
    """The total's name when one unit is at the top: 全省, 全市, 全区 or 全街道; else 合计."""
    path = code_path(unit.code)
    key = vocab_key(unit.name)
    if (path and len(path) == 2) or key in _province_names() or key.endswith(("省", "自治区")):
        return "全省"
    if (path and len(path) == 9) or key.endswith(("街道", "街道办事处", "镇", "乡")):
        return "全街道"
    if (path and len(path) == 4) or key.endswith(("市", "州", "盟", "地区")):
        return "全市"
    if (path and len(path) == 6) or key.endswith(("区", "县", "旗")):
        return "全区"
    return "合计"
