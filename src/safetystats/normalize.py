"""Normalisation of headers and values (DATA_SPEC section 3).

Parsers here work on one distinct text value at a time; ingestion maps every distinct
value of a column through them, so a column of two million rows costs as many parser
calls as it has distinct values. A parser answers a value or ``INVALID``; it never
raises on any text (a 100-digit number, ``NaN``, ``1E+999999`` are all just INVALID or
a value).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import polars as pl
from opencc import OpenCC

from safetystats.errors import ConfigError

INVALID = object()  # a parser's answer for a text that is not a value of its type

_t2s = OpenCC("t2s")
_SPACE = re.compile(r"\s+")
_HEADER_JUNK = re.compile(r"[*※\"'“”‘’「」]|\([^)]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕")
# Characters that web pages leave in copied text and that nobody can see: zero-width
# space/non-joiner/joiner, left-to-right/right-to-left marks, word joiner, BOM. The
# no-break spaces (U+00A0, U+202F, U+3000) become plain spaces under NFKC.
INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")
EXCEL_EPOCH = date(1899, 12, 30)
INDUSTRY_TABLE = Path(__file__).parent / "config" / "industries_gbt4754.csv"


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    return _t2s.convert(text)


def clean_text(value: str | None) -> str | None:
    """NFKC, invisible characters removed, trimmed, as for every text cell; blank is None.

    Zero-width characters (U+200B-U+200D, U+2060, U+FEFF, and the LRM/RLM marks) are
    removed anywhere; no-break spaces (U+00A0, U+202F, U+3000) are spaces after NFKC and
    are trimmed at the ends like any white space.
    """
    if value is None:
        return None
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value))).strip()
    return text or None


# Hangul jamo compose with the syllable before them: never skipped (see ``nfkc_unsafe``)
_HANGUL_JAMO = ((0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))


def nfkc_stable(char: str) -> bool:
    """Is ``char`` one that ``clean_text`` leaves as it is in any text of such characters and
    ASCII: assigned, not a mark (combining class 0), not changed by NFKD (so not by NFKC or
    NFD either: fullwidth forms, U+3000, U+2026, compatibility ideographs are), not an
    invisible character we remove, not a Hangul jamo. Such a text is already NFKC: decomposing
    changes no character, reordering moves none (all of class 0), and composing joins a
    character only to a following mark or jamo (the class has none; tests/test_normalize.py
    checks every canonical pair). Unassigned code points are left out: Unicode keeps a
    normalised text of assigned characters normalised in later versions, so polars' tables
    may be newer than Python's."""
    cp = ord(char)
    return (
        unicodedata.category(char) not in ("Mn", "Mc", "Me", "Cn", "Cs")
        and unicodedata.combining(char) == 0
        and unicodedata.normalize("NFKD", char) == char
        and not INVISIBLE.match(char)
        and not any(lo <= cp <= hi for lo, hi in _HANGUL_JAMO)
    )


@lru_cache(maxsize=1)
def nfkc_unsafe() -> str:
    """A regex (polars' syntax) for a character ``clean_text`` may change: outside ASCII and
    the ``nfkc_stable`` characters of the Basic Multilingual Plane (CJK ideographs and
    punctuation such as 、。「」, ×, √, Cyrillic...). A cell without one is only trimmed: NFKC
    of every Chinese cell cost twice the rest of the cleaning (about 50 ms once to build)."""
    ranges: list[list[int]] = []
    for cp in range(0x80, 0x10000):
        if nfkc_stable(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    spans = "".join(
        f"\\x{{{lo:x}}}" if lo == hi else f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in ranges
    )
    return f"[^\\x00-\\x7f{spans}]"


@lru_cache(maxsize=65536)
def vocab_key(value: str) -> str:
    """The form used to match a controlled vocabulary: NFKC, simplified, no spaces, lower."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    return _SPACE.sub("", to_simplified(text)).lower()


_HEADER_UNIT = re.compile(r"[(\[【〔]\s*(?:单位[:：]?)?\s*([^()\[\]【】〔〕]*?)\s*[)\]】〕]\s*$")


def header_unit(value: str | None) -> str | None:
    """The unit a header names in its bracketed suffix, read before normalisation strips it:
    `罚款金额（元）` → 元, `罚款金额(单位：万元)` → 万元; None without one."""
    if not value:
        return None
    text = _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", str(value))))
    m = _HEADER_UNIT.search(text)
    return m.group(1) if m and m.group(1) else None


def normalize_header(value: str | None) -> str:
    if value is None:
        return ""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value)))
    text = _HEADER_JUNK.sub("", to_simplified(text))
    return _SPACE.sub("", text).lower()


# --- dates: text (already NFKC-trimmed) -> date or INVALID ------------------------------

# A full date with an optional time of day. The separators agree (2024-03-20, 2024/3/20,
# 2024.3.20, 2024年3月20日); the time is `14:30`, `14:30:00`, `14:30:00.000`, with an
# optional zone (`Z`, `+08:00`) or `14时30分(00秒)`. The time is checked, then dropped.
_YMD = re.compile(
    r"""^(?P<y>\d{4})\s*(?P<s1>[-/.年])\s*(?P<m>\d{1,2})\s*(?P<s2>[-/.月])\s*(?P<d>\d{1,2})
    (?P<ri>\s*日)?
    (?:
        (?:(?<=日)\s*|\s+|T)
        (?P<H>\d{1,2})
        (?: :(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d{1,9})?)?
          | \s*[时点]\s*(?:(?P<M2>\d{1,2})\s*分\s*(?:(?P<S2>\d{1,2})\s*秒)?)?
        )
        (?:\s*(?:Z|[+-]\d{2}:?\d{2}))?
    )?$""",
    re.X,
)
_YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ZONE = r"(?:(?:GMT|UTC)[+-]\d{1,2}(?::?\d{2})?|[A-Z]{3,5})"
# java.util.Date.toString(), as Java/RuoYi systems export: Wed Jan 03 09:30:00 CST 2024
_JAVA = re.compile(
    r"^(?P<wd>[a-z]{3})\s+(?P<mon>[a-z]{3})\s+(?P<d>\d{1,2})\s+"
    r"(?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2})\s+" + _ZONE + r"\s+(?P<y>\d{4})$",
    re.I,
)
# JavaScript Date.toString(), as web front ends export: Wed Jan 03 2024 09:30:00 GMT+0800 (…)
_JS = re.compile(
    r"^(?P<wd>[a-z]{3})\s+(?P<mon>[a-z]{3})\s+(?P<d>\d{1,2})\s+(?P<y>\d{4})\s+"
    r"(?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2})\s+GMT[+-]\d{4}(?:\s*\([^)]*\))?$",
    re.I,
)
_YM = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_YM_COMPACT = re.compile(r"^(\d{4})(\d{2})$")


def _make_date(year: int, month: int, day: int):
    try:
        return date(year, month, day)
    except ValueError:
        return INVALID


def _time_ok(hour, minute, second) -> bool:
    return int(hour or 0) <= 23 and int(minute or 0) <= 59 and int(second or 0) <= 59


def _serial_date(text: str):
    m = _SERIAL.match(text)
    if not m:
        return INVALID
    serial = int(m.group(1))
    if not 1 <= serial <= 2958465:
        return INVALID
    return EXCEL_EPOCH + timedelta(days=serial)


def _ymd_date(m: re.Match):
    s1, s2 = m["s1"], m["s2"]
    if (s1 == "年") != (s2 == "月") or (s1 != "年" and (s1 != s2 or m["ri"])):
        return INVALID  # mixed separators (2024-03/20, 2024年3-20, 2024-03-20日)
    if m["H"] is not None and not _time_ok(m["H"], m["M"] or m["M2"], m["S"] or m["S2"]):
        return INVALID
    return _make_date(int(m["y"]), int(m["m"]), int(m["d"]))


def _named_month_date(m: re.Match):
    """Java/JavaScript Date text: the date as printed (its own zone), weekday checked."""
    wd, mon = m["wd"].lower(), m["mon"].lower()
    if wd not in _WEEKDAYS or mon not in _MONTHS or not _time_ok(m["H"], m["M"], m["S"]):
        return INVALID
    day = _make_date(int(m["y"]), _MONTHS.index(mon) + 1, int(m["d"]))
    if day is INVALID or day.weekday() != _WEEKDAYS.index(wd):
        return INVALID  # a weekday that disagrees with the date: edited text, not a guess
    return day


@lru_cache(maxsize=65536)
def parse_date(text: str):
    """A date (DATA_SPEC 3): 2024-03-20, 2024/3/20, 2024.3.20, 2024年3月20日, 20240320,
    any of them with a time of day (2024-03-20 14:30:00, 2024/3/20 8:05,
    2024-03-20T14:30:00.000, 2024年3月20日 14时30分), Java's `Wed Jan 03 09:30:00 CST 2024`
    (any zone name, or GMT+08:00), JavaScript's `Wed Jan 03 2024 09:30:00 GMT+0800`, and
    Excel serial numbers (45371, 45371.5). Two-digit years (24-3-20) and impossible
    dates (2024-02-30) are INVALID: nothing is guessed.
    """
    m = _YMD.match(text)
    if m:
        return _ymd_date(m)
    m = _YMD_COMPACT.match(text)
    if m:
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _JAVA.match(text) or _JS.match(text)
    if m:
        return _named_month_date(m)
    return _serial_date(text)


@lru_cache(maxsize=65536)
def parse_month(text: str):
    """A month as the date of its first day: 2024-03, 2024/3, 2024年3月, 202403."""
    for pattern in (_YM, _YM_COMPACT):
        m = pattern.match(text)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            return date(year, month, 1) if 1 <= month <= 12 else INVALID
    day = parse_date(text)  # an Excel date cell or a full date: its month
    return INVALID if day is INVALID else day.replace(day=1)


# --- numbers ------------------------------------------------------------------------------

# Trailing units accepted after a number (longest first, so 人次 wins over 次).
_UNITS = tuple(
    sorted(
        {
            "万元",
            "萬元",  # traditional, as a 繁體 ledger writes it
            "元",
            "人次",
            "人.次",
            "人·次",
            "人/次",
            "人",
            "次",
            "个",
            "名",
            "场",
            "学时",
            "家",
            "处",
            "项",
            "条",
            # the measures of task progress (DATA_SPEC 2.12)
            "座",
            "公里",
            "支",
            "套",
        },
        key=len,
        reverse=True,
    )
)
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$")
# Thousands separators must group by three (1,234,567.5): a comma elsewhere (1,5) may be
# a decimal comma, and a number is never guessed.
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?P<sep>[, ])\d{3}(?:(?P=sep)\d{3})*(?:\.\d+)?$")
_SIGN_SPACE = re.compile(r"^([+-])\s+")
_MAX_EXPONENT = 300  # beyond this a number is not a ledger figure (and not a float)
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # DuckDB BIGINT


@lru_cache(maxsize=65536)
def parse_number(text: str):
    """A Decimal: full-width digits, thousands separators (1,234), a trailing unit
    (3人, 2人次, 3.5万元, 4学时), a sign (negative numbers parse; a row rule rejects them).
    NaN, inf and numbers beyond 1e300 are INVALID."""
    body = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    for unit in _UNITS:
        if body.endswith(unit):
            body = body[: -len(unit)].rstrip()
            break
    body = _SIGN_SPACE.sub(r"\1", body)
    if "," in body or " " in body:
        if not _GROUPED.match(body):
            return INVALID
        body = body.replace(",", "").replace(" ", "")
    if not _NUMBER.match(body):
        return INVALID
    try:
        value = Decimal(body)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return INVALID
    if value and value.adjusted() >= _MAX_EXPONENT:
        return INVALID
    return value


@lru_cache(maxsize=65536)
def parse_int(text: str):
    """A whole number that fits DuckDB's BIGINT (int64); 5.0 is 5, 2.5 is INVALID."""
    value = parse_number(text)
    if value is INVALID or value != value.to_integral_value():
        return INVALID
    number = int(value)
    return number if INT64_MIN <= number <= INT64_MAX else INVALID


# --- codes: keys and 统一社会信用代码 ------------------------------------------------------

_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")


# either shape, white space around it allowed (as ``strip`` allows it): one regex, no
# stripped copy of the column (0.04 s against 0.1 s of CPU a million codes)
_DAMAGED = rf"^\s*(?:{_SCIENTIFIC.pattern[1:-1]}|[0-9]{{15}}0+)\s*$"


def damaged_code_expr(column: pl.Expr) -> pl.Expr:
    """``damaged_code`` over a column of text: true where the code is damaged."""
    return column.str.contains(_DAMAGED)


def damaged_code(text: str | None) -> bool:
    """True for a key or credit-code text that Excel has damaged (DATA_SPEC 4).

    Two shapes: scientific notation (`9.13702E+17`, `9.13702e17`), and the integer text
    of a numeric cell of 16 or more digits. Excel keeps 15 significant digits, so such a
    cell is the first 15 digits followed by zeros (913702020000000011 and
    913702020000000022 both became 913702020000000000). Ingestion only sees text, so an
    all-digit text of 16 or more digits whose digits after the 15th are all 0 counts as
    damaged. A genuine all-digit code that happens to end in those zeros is flagged too
    (rare: about 1 in 1,000 all-digit 18-character codes); that row is quarantined with a
    message, which is better than merging two enterprises under one key.
    """
    if not text:
        return False
    code = text.strip()
    if _SCIENTIFIC.match(code):
        return True
    return len(code) >= 16 and code.isascii() and code.isdigit() and set(code[15:]) == {"0"}


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
_CREDIT_VALUE = {c: i for i, c in enumerate(_CREDIT_CHARS)}
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check(code: str | None) -> str | None:
    """The expected check character of an 18-character 统一社会信用代码 whose last
    character is wrong (GB 32100-2015); None when it is right, when the text is not 18
    characters, or when one of its first 17 is outside the code's character set."""
    if not code:
        return None
    text = code.strip().upper()
    if len(text) != 18:
        return None
    total = 0
    for char, weight in zip(text[:17], _CREDIT_WEIGHTS, strict=True):
        value = _CREDIT_VALUE.get(char)
        if value is None:
            return None
        total += value * weight
    expected = _CREDIT_CHARS[(31 - total % 31) % 31]
    return None if text[17] == expected else expected


# --- controlled vocabularies ------------------------------------------------------------


def make_lookup(groups: dict[str, list[str]]):
    """A parser for a controlled vocabulary given as {canonical: [spellings]}."""
    table = {}
    for canonical, spellings in groups.items():
        for spelling in ([canonical] if isinstance(canonical, str) else []) + list(spellings):
            table[vocab_key(spelling)] = canonical

    def parse(text: str):
        return table.get(vocab_key(text), INVALID)

    return parse


# --- industries: GB/T 4754-2017 names and codes -> the campaign's industry list ---------

# The 大类 (two-digit divisions) of each 门类 (section) in GB/T 4754-2017.
_SECTIONS = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
    "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70),
    "L": (71, 72), "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83),
    "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97),
}  # fmt: skip
_TABLE_COLUMNS = ("code", "name", "level", "campaign_industry")
_CODE = re.compile(r"^(?:(?P<letter>[a-t])[-_]?)?(?P<digits>\d{2,4})$")
_CODE_THEN_NAME = re.compile(r"^(?P<code>[a-t]?\d{2,4})[-_:、.]?(?P<name>\D.*)$")
_NAME_THEN_CODE = re.compile(r"^(?P<name>.*\D)[(\[](?P<code>[a-t]?\d{2,4})[)\]]$")
_SUFFIXES = ("行业", "企业", "业")


def _strip_suffix(key: str) -> str:
    """矿山行业 -> 矿山, 危化企业 -> 危化, 化学原料和化学制品制造业 -> …制造."""
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            return key[: -len(suffix)]
    return key


def read_industry_table(path: Path) -> list[dict[str, str]]:
    """The rows of an industry table (code,name,level,campaign_industry), stripped."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in _TABLE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}")
            rows = [{k: (row.get(k) or "").strip() for k in _TABLE_COLUMNS} for row in reader]
    except OSError as exc:
        raise ConfigError(f"industry table not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc
    return [row for row in rows if row["name"] or row["code"]]


def make_industry_parser(
    industries: list[str],
    table_path: Path | None = None,
    extra: dict[str, list[str]] | None = None,
):
    """A parser text -> campaign industry | INVALID.

    It recognises, after vocab_key (NFKC, simplified, no spaces, lower case):
    - the campaign industry names themselves;
    - ``extra``, the user's spellings {campaign industry: [spellings]};
    - the table's names (门类, 大类, 中类, 小类 and 别名 rows), also without or with a
      trailing 业/行业/企业 (化学原料和化学制品制造, 矿山行业, 危化企业);
    - codes: a 门类 letter (C), a 大类 (26, C26), a 中类 or 小类 (C261, 2614, C2614),
      mapped through the longest listed prefix. A letter must be the 门类 of the digits
      (B26 is INVALID). A bare three-digit code is recognised only when the table lists
      it, since it may be a four-digit code that lost its leading zero in Excel
      (0711 -> 711 is not 中类 711);
    - a code and a name together (C26化学原料和化学制品制造业, 化学原料…制造业(C26)): the
      code decides; when the name is known too, both must agree.

    Precedence: campaign names, then ``extra`` (a user's spelling overrides the packaged
    table, so a user can reclassify e.g. 医药制造业), then the table. Table rows whose
    campaign industry is not in ``industries`` are ignored (that text is then unknown).
    A spelling that ``extra`` or the table maps to two industries is a ConfigError.
    """
    table_path = INDUSTRY_TABLE if table_path is None else Path(table_path)
    known = list(dict.fromkeys(industries))
    campaign = {vocab_key(name): name for name in known}

    def merge(target, key, industry, origin, origins):
        if key in target and target[key] != industry:
            raise ConfigError(
                f"industry spelling {key!r} maps to two industries: "
                f"{target[key]} ({origins[key]}) and {industry} ({origin})"
            )
        target[key] = industry
        origins[key] = origin

    user: dict[str, str] = {}
    user_origin: dict[str, str] = {}
    for industry, spellings in (extra or {}).items():
        if industry not in known:
            raise ConfigError(f"vocab.industries: {industry} is not in the industry list")
        for spelling in spellings:
            key = vocab_key(str(spelling))
            if key in campaign and campaign[key] != industry:
                raise ConfigError(
                    f"vocab.industries: {spelling!r} is the industry {campaign[key]}, "
                    f"it cannot also be a spelling of {industry}"
                )
            merge(user, key, industry, "vocab.industries", user_origin)

    names: dict[str, str] = {}
    name_origin: dict[str, str] = {}
    codes: dict[str, str] = {}
    code_origin: dict[str, str] = {}
    for number, row in enumerate(read_industry_table(table_path), start=2):
        industry = row["campaign_industry"]
        if industry not in known:
            continue
        origin = f"{table_path.name} row {number}"
        if row["code"]:
            merge(codes, row["code"].upper(), industry, origin, code_origin)
        if row["name"]:
            merge(names, vocab_key(row["name"]), industry, origin, name_origin)

    exact = {**names, **user, **campaign}
    stripped: dict[str, str | None] = {}
    for key, industry in exact.items():
        short = _strip_suffix(key)
        if short not in exact:
            # two industries behind one shortened spelling: neither is meant
            stripped[short] = industry if stripped.get(short, industry) == industry else None

    def by_code(code: str) -> str | None:
        m = _CODE.match(code)
        if not m:
            return None
        digits, letter = m["digits"], m["letter"]
        if letter:
            low, high = _SECTIONS[letter.upper()]
            if not low <= int(digits[:2]) <= high:
                return None
        elif len(digits) == 3:
            return codes.get(digits)
        for size in range(len(digits), 1, -1):
            if digits[:size] in codes:
                return codes[digits[:size]]
        return None

    def by_name(key: str) -> str | None:
        hit = exact.get(key)
        if hit is None:
            short = _strip_suffix(key)
            hit = exact.get(short) or stripped.get(short)
        return hit

    @lru_cache(maxsize=65536)
    def parse(text: str):
        key = vocab_key(text)
        if not key:
            return INVALID
        hit = by_name(key)
        if hit is None and len(key) == 1 and key.upper() in _SECTIONS:
            hit = codes.get(key.upper())
        if hit is None:
            hit = by_code(key)
        if hit is None:
            m = _CODE_THEN_NAME.match(key) or _NAME_THEN_CODE.match(key)
            if m:
                coded, named = by_code(m["code"]), by_name(m["name"].strip("-_:、.()[]"))
                hit = coded if named in (None, coded) else None
        return INVALID if hit is None else hit

    return parse
