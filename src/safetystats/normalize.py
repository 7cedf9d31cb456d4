"""Normalisation of headers and values (DATA_SPEC section 3).

Parsers here work on one distinct text value at a time; ingestion maps every distinct
value of a column through them, so a column of two million rows costs as many parser
calls as it has distinct values.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

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
