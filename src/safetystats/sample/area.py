"""The area a registry covers and every way its leaf units are written in the ledgers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from safetystats.registry import (
    District,
    DistrictRegistry,
    code_path,
    national_divisions,
    stem,
)

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
