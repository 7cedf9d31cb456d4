"""Normalisation of headers and values (DATA_SPEC section 3), and the district registry.

Parsers here work on one distinct text value at a time; ingestion maps every distinct
value of a column through them, so a column of two million rows costs as many parser
calls as it has distinct values.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from opencc import OpenCC

INVALID = object()  # a parser's answer for a text that is not a value of its type

_t2s = OpenCC("t2s")
_SPACE = re.compile(r"\s+")
_HEADER_JUNK = re.compile(r"[*※\"'“”‘’「」]|\([^)]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕")
EXCEL_EPOCH = date(1899, 12, 30)


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    return _t2s.convert(text)


def clean_text(value: str | None) -> str | None:
    """NFKC and trimming, as for every text cell; blank becomes None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return text or None


def vocab_key(value: str) -> str:
    """The form used to match a controlled vocabulary: NFKC, simplified, no spaces, lower."""
    return _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", value))).lower()


def normalize_header(value: str | None) -> str:
    if value is None:
        return ""
    text = to_simplified(unicodedata.normalize("NFKC", str(value)))
    text = _HEADER_JUNK.sub("", text)
    return _SPACE.sub("", text).lower()


# --- typed parsers: text (already NFKC-trimmed) -> value or INVALID ---------------------

_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
_YM = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_YM_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_UNITS = ("万元", "元", "人次", "人", "次", "个", "名", "场")


def _serial_date(text: str):
    m = _SERIAL.match(text)
    if not m:
        return INVALID
    serial = int(m.group(1))
    if not 1 <= serial <= 2958465:
        return INVALID
    return EXCEL_EPOCH + timedelta(days=serial)


def parse_date(text: str):
    for pattern in (_YMD, _YMD_COMPACT):
        m = pattern.match(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return INVALID
    return _serial_date(text)


def parse_month(text: str):
    """A month as the date of its first day: 2024-03, 2024/3, 2024年3月, 202403."""
    for pattern in (_YM, _YM_COMPACT):
        m = pattern.match(text)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            return date(year, month, 1) if 1 <= month <= 12 else INVALID
    day = parse_date(text)  # an Excel date cell or a full date: its month
    return INVALID if day is INVALID else day.replace(day=1)


def parse_number(text: str):
    body = text.replace(",", "").replace("，", "").replace(" ", "")
    for unit in _UNITS:
        if body.endswith(unit):
            body = body[: -len(unit)]
            break
    try:
        value = Decimal(body)
    except InvalidOperation:
        return INVALID
    return value if value.is_finite() else INVALID


def parse_int(text: str):
    value = parse_number(text)
    if value is INVALID or value != value.to_integral_value():
        return INVALID
    return int(value)


def make_lookup(groups: dict[str, list[str]]):
    """A parser for a controlled vocabulary given as {canonical: [spellings]}."""
    table = {}
    for canonical, spellings in groups.items():
        for spelling in ([canonical] if isinstance(canonical, str) else []) + list(spellings):
            table[vocab_key(spelling)] = canonical

    def parse(text: str):
        return table.get(vocab_key(text), INVALID)

    return parse


def make_bool_parser(spec: dict[str, list[str]]):
    return make_lookup({True: spec["true"], False: spec["false"]})


# --- the district registry ------------------------------------------------------------

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
        from safetystats.config import read_registry_rows

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
