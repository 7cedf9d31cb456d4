"""The unit registry: resolves any spelling of a district (DATA_SPEC 2.8)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from safetystats.errors import ConfigError
from safetystats.normalize import vocab_key

_SUFFIX = re.compile(r"(区|市|县)$")


@dataclass(frozen=True)
class District:
    code: str
    name: str
    aliases: tuple[str, ...]


class DistrictRegistry:
    """Resolves any spelling the registry knows to a district (DATA_SPEC 2.7)."""

    def __init__(self, districts: list[District], city_prefixes: list[str]):
        self.districts = districts
        self.by_code = {d.code: d for d in districts}
        self.prefixes = sorted((vocab_key(p) for p in city_prefixes), key=len, reverse=True)
        forms: dict[str, set[str]] = {}
        for d in districts:
            for spelling in (d.name, d.code, *d.aliases):
                for form in self._forms(vocab_key(spelling)):
                    forms.setdefault(form, set()).add(d.code)
        # a shortened form that two districts share resolves to neither
        self._table = {form: codes.pop() for form, codes in forms.items() if len(codes) == 1}

    def _forms(self, key: str) -> list[str]:
        out = [key]
        for prefix in self.prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                out.append(key[len(prefix) :])
                break
        out += [_SUFFIX.sub("", f) for f in out if _SUFFIX.search(f) and len(f) > 2]
        return out

    @classmethod
    def from_csv(cls, path: Path, city_prefixes: list[str]) -> DistrictRegistry:
        districts = [
            District(
                code=row["code"].strip(),
                name=row["name"].strip(),
                aliases=tuple(
                    a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()
                ),
            )
            for row in read_registry_rows(path)
        ]
        return cls(districts, city_prefixes)

    def resolve(self, value: str | None) -> District | None:
        if not value:
            return None
        for form in self._forms(vocab_key(value)):
            code = self._table.get(form)
            if code:
                return self.by_code[code]
        return None

    def names(self) -> list[str]:
        return [d.name for d in self.districts]


def read_registry_rows(path: Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError as exc:
        raise ConfigError(f"district registry not found: {path}") from exc
    if not rows or not {"code", "name"} <= set(rows[0]):
        raise ConfigError(f"{path}: a district registry needs the columns code,name,aliases")
    return rows
