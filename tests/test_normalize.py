"""Value and header normalisation (DATA_SPEC section 3) and the district registry (2.7)."""

from datetime import date
from decimal import Decimal

import pytest

from safetystats import normalize as V
from safetystats.config import load_settings
from safetystats.ingest.spec import Column, parser_for


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2024-03-20", date(2024, 3, 20)),
        ("2024/3/20", date(2024, 3, 20)),
        ("2024.3.20", date(2024, 3, 20)),
        ("2024年3月20日", date(2024, 3, 20)),
        ("20240320", date(2024, 3, 20)),
        ("45371", date(2024, 3, 20)),  # Excel serial number
        ("45371.0", date(2024, 3, 20)),
        ("2024-03-20 00:00:00", date(2024, 3, 20)),  # an Excel date cell read as text
        ("2024 年 3 月 20 日", date(2024, 3, 20)),
    ],
)
def test_date_spellings(text, expected):
    assert V.parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2024-02-30", "2024-13-01", "上周", "2024", "3/20/2024", "20241340"]
)
def test_dates_that_are_not_dates_are_errors_not_guesses(text):
    assert V.parse_date(text) is V.INVALID


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2024-03", date(2024, 3, 1)),
        ("2024/3", date(2024, 3, 1)),
        ("2024年3月", date(2024, 3, 1)),
        ("202403", date(2024, 3, 1)),
        ("2024-03-01 00:00:00", date(2024, 3, 1)),
        ("2024.11", date(2024, 11, 1)),
    ],
)
def test_month_spellings(text, expected):
    assert V.parse_month(text) == expected


def test_month_out_of_range_is_invalid():
    assert V.parse_month("2024-13") is V.INVALID


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1,234", Decimal("1234")),
        ("1234人", Decimal("1234")),
        ("3次", Decimal("3")),
        ("12个", Decimal("12")),
        ("3.5万元", Decimal("3.5")),
        ("800元", Decimal("800")),
        ("-2", Decimal("-2")),
    ],
)
def test_number_spellings(text, expected):
    assert V.parse_number(text) == expected


def test_full_width_digits_after_nfkc():
    assert V.parse_int(V.clean_text("１２３人")) == 123


def test_int_rejects_fractions_and_words():
    assert V.parse_int("2.5") is V.INVALID
    assert V.parse_int("很多") is V.INVALID
    assert V.parse_int("5.0") == 5


@pytest.mark.parametrize(
    "text,expected",
    [
        ("是", True),
        ("否", False),
        ("有", True),
        ("无", False),
        ("Y", True),
        ("n", False),
        ("yes", True),
        ("No", False),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        ("√", True),
        ("×", False),
        ("✓", True),
        ("✗", False),
        ("已安装", True),
        ("未安装", False),
        ("在线", True),
        ("离线", False),
        ("離線", False),
        ("Ｙ", True),
    ],
)
def test_bool_spellings(text, expected):
    parse = parser_for(Column("x", "bool", False, ()), load_settings())
    assert parse(V.clean_text(text)) is expected


def test_unknown_bool_is_invalid():
    parse = parser_for(Column("x", "bool", False, ()), load_settings())
    assert parse("也许") is V.INVALID


@pytest.mark.parametrize(
    "header,expected",
    [
        ("隐患 编号", "隐患编号"),
        ("*统一社会信用代码", "统一社会信用代码"),
        ("※发现日期", "发现日期"),
        ("整改資金（萬元）", "整改资金"),
        ("整改资金(万元)", "整改资金"),
        ("参演人数[人]", "参演人数"),
        ("　隱患等級　", "隐患等级"),
        ("“四不”方式", "四不方式"),
        ("ＩＤ", "id"),
    ],
)
def test_header_normalisation(header, expected):
    assert V.normalize_header(header) == expected


@pytest.mark.parametrize(
    "value,code",
    [
        ("环翠区", "371002"),
        ("環翠區", "371002"),
        ("环翠", "371002"),
        ("371002", "371002"),
        ("威海市环翠区", "371002"),
        ("威海环翠区", "371002"),
        ("文登", "371003"),
        ("文登市", "371003"),
        ("荣成", "371082"),
        ("榮成市", "371082"),
        ("高区", "371071"),
        ("经区", "371072"),
        ("临港区", "371073"),
        (" 乳山市 ", "371083"),
        ("威海经济技术开发区", "371072"),
    ],
)
def test_district_resolution(value, code):
    assert load_settings().registry.resolve(value).code == code


@pytest.mark.parametrize("value", ["火星区", "", None, "青岛市市南区", "区"])
def test_unknown_district(value):
    assert load_settings().registry.resolve(value) is None


# --- invisible characters ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("\u200b企业名称\u200b", "企业名称"),
        ("\ufeff2024-03-20", "2024-03-20"),
        ("企\u200c业\u200d名\u2060称", "企业名称"),
        ("\u00a0威海\u202f", "威海"),
        ("\u3000环翠区\u3000", "环翠区"),
        ("\u200b \u00a0", None),
        ("威海 环翠", "威海 环翠"),  # an ordinary space inside stays
    ],
)
def test_clean_text_removes_invisible_characters(text, expected):
    assert V.clean_text(text) == expected


def test_vocab_key_and_header_ignore_zero_width_characters():
    assert V.vocab_key("危\u200b化") == "危化"
    assert V.normalize_header("\ufeff隐患\u200b编号") == "隐患编号"


# --- more dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2024-03-20 14:30:00", date(2024, 3, 20)),
        ("2024/3/20 8:05", date(2024, 3, 20)),
        ("2024-03-20T14:30:00.000", date(2024, 3, 20)),
        ("2024-03-20T14:30:00+08:00", date(2024, 3, 20)),
        ("2024/03/20 14:30:00.0", date(2024, 3, 20)),
        ("2024年3月20日 14时30分", date(2024, 3, 20)),
        ("2024年3月20日14时30分05秒", date(2024, 3, 20)),
        ("2024年3月20日 14:30", date(2024, 3, 20)),
        ("Wed Jan 03 09:30:00 CST 2024", date(2024, 1, 3)),  # Java / RuoYi export
        ("Wed Jan 03 09:30:00 UTC 2024", date(2024, 1, 3)),
        ("Wed Jan 03 09:30:00 GMT+08:00 2024", date(2024, 1, 3)),
        ("Wed Jan 03 2024 09:30:00 GMT+0800 (中国标准时间)", date(2024, 1, 3)),  # JavaScript
        ("45371.604166", date(2024, 3, 20)),  # an Excel date-time serial
    ],
)
def test_dates_with_times_and_exports(text, expected):
    assert V.parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "24-3-20",  # two-digit years are not guessed
        "24/03/20",
        "24.3.20",
        "2024-02-30",
        "2023-02-29",
        "2024-03-20 25:00",
        "2024-03-20 14:61",
        "2024-03-20 14",
        "2024-03/20",  # mixed separators
        "2024-03-2014:30",
        "Thu Jan 03 09:30:00 CST 2024",  # 2024-01-03 was a Wednesday
        "Wed Foo 03 09:30:00 CST 2024",
        "",
    ],
)
def test_more_dates_that_are_errors(text):
    assert V.parse_date(text) is V.INVALID


def test_month_of_a_date_with_time():
    assert V.parse_month("Wed Jan 03 09:30:00 CST 2024") == date(2024, 1, 1)


# --- more numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("１２,３４５人", Decimal("12345")),  # full width, also without clean_text
        ("1,234,567.5", Decimal("1234567.5")),
        ("3 人", Decimal("3")),
        ("12人次", Decimal("12")),
        ("12人.次", Decimal("12")),
        ("2名", Decimal("2")),
        ("4场", Decimal("4")),
        ("16学时", Decimal("16")),
        ("2座", Decimal("2")),  # the measures of task progress (DATA_SPEC 2.12)
        ("8.5公里", Decimal("8.5")),
        ("1支", Decimal("1")),
        ("3套", Decimal("3")),
        ("−3", Decimal("-3")),  # U+2212 minus
        ("- 3", Decimal("-3")),
        ("1e3", Decimal("1000")),
    ],
)
def test_more_number_spellings(text, expected):
    assert V.parse_number(text) == expected


@pytest.mark.parametrize(
    "text", ["NaN", "nan", "inf", "-Infinity", "1,5", "12,34", "1E+999999", "1e400", "1_000", "--2"]
)
def test_numbers_that_are_errors(text):
    assert V.parse_number(text) is V.INVALID


def test_a_hundred_digit_number_does_not_raise():
    text = "9" * 100
    assert V.parse_number(text) == Decimal(text)  # a Decimal, fine as a float too
    assert V.parse_int(text) is V.INVALID  # beyond BIGINT: an error for the cell
    assert V.parse_int("1E+999999") is V.INVALID  # int() of it would raise ValueError
    assert V.parse_date(text) is V.INVALID
    assert V.parse_month(text) is V.INVALID


def test_int_stays_within_bigint():
    assert V.parse_int("9223372036854775807") == 2**63 - 1
    assert V.parse_int("-9223372036854775808") == -(2**63)
    assert V.parse_int("9223372036854775808") is V.INVALID
    assert V.parse_int("-9223372036854775809") is V.INVALID
    assert V.parse_int("-2") == -2  # negative parses; a row rule rejects it


# --- codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "9.13702E+17",
        "9.13702e17",
        "9.13702E17",
        "913702020000000000",  # 913702020000000011 after a numeric cell
        "9137020200000000",  # 16 digits
        "1001000000000000000",  # 19 digits
    ],
)
def test_codes_damaged_by_excel(text):
    assert V.damaged_code(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "91370200MA3C4XXXXG",  # letters: never a numeric cell
        "91350100M000100Y43",
        "913702020000000011",  # 18 digits that are not 15 + zeros
        "913702020000000",  # 15 digits: Excel keeps them
        "1001",
        "E1001",
        "",
        None,
    ],
)
def test_codes_not_damaged(text):
    assert V.damaged_code(text) is False


def test_the_column_form_of_damaged_code_agrees_with_it():
    import polars as pl

    texts = [
        "9.13702E+17", " 9.13702e17 ", "+1E5", "9.E17", "913702020000000000", "9137020200000000",
        "1001000000000000000", "91370200MA3C4XXXXG", "913702020000000011", "913702020000000",
        "1001", "E1001", "", None, "１２３４５６７８９０１２３４５０", "913702020000000000 ",
    ]  # fmt: skip
    frame = pl.DataFrame({"code": texts}, schema={"code": pl.String})
    got = frame.select(V.damaged_code_expr(pl.col("code")).fill_null(False))["code"].to_list()
    assert got == [V.damaged_code(t) for t in texts]


# Valid codes: 91350100M000100Y43 is the valid example of hutool's CreditCodeUtilTest and of
# several public validators; 91110108551385082Q and 91440300708461136T are listed as
# registered enterprises' codes in public validator tests; all three pass the GB 32100-2015
# algorithm implemented independently here. 91370200MA3C4XXXXG was made for this test
# (its check character computed by hand from the weights).
VALID_CODES = ["91350100M000100Y43", "91110108551385082Q", "91440300708461136T"]


@pytest.mark.parametrize("code", [*VALID_CODES, "91370200MA3C4XXXXG", "91350100m000100y43"])
def test_credit_code_check_accepts_valid_codes(code):
    assert V.credit_code_check(code) is None


@pytest.mark.parametrize(
    "code,expected",
    [
        ("91350100M000100Y44", "3"),
        ("91110108551385082A", "Q"),
        ("91440300708461136X", "T"),
        ("91370200MA3C4XXXXX", "G"),
        ("913702020000000000", "U"),
    ],
)
def test_credit_code_check_gives_the_expected_character(code, expected):
    assert V.credit_code_check(code) == expected


@pytest.mark.parametrize("code", ["", None, "1001", "91350100M000100Y4", "91350100M000100Y431"])
def test_credit_code_check_ignores_other_lengths(code):
    assert V.credit_code_check(code) is None


def test_credit_code_check_digit_by_hand():
    # GB 32100-2015: weights 3^i mod 31, check = 31 - (sum mod 31), 31 -> 0.
    code = "91370200MA3C4XXXX"
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [pow(3, i, 31) for i in range(17)]
    assert weights[:5] == [1, 3, 9, 27, 19]
    total = sum(chars.index(c) * w for c, w in zip(code, weights, strict=True))
    assert chars[(31 - total % 31) % 31] == "G"


def _bmp() -> list[str]:
    return [chr(cp) for cp in range(0x80, 0x10000) if not 0xD800 <= cp <= 0xDFFF]


def test_no_nfkc_stable_character_composes_with_the_one_before():
    """Composition joins a character to the one before only as the second of a canonical
    pair: no character the cleaning skips is ever one (the proof in ``V.nfkc_stable``)."""
    import unicodedata

    seconds = set()
    for cp in range(0x110000):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    stable = {c for c in _bmp() if V.nfkc_stable(c)}
    assert not stable & seconds
    assert {"中", "、", "。", "「", "」", "×", "√", "\ue000"} <= stable
    assert not {"\u3000", "\u2026", "Ａ", "（", "\uf900", "\u0301", "\u11a8", "\u200b"} & stable


def test_the_skip_pattern_matches_exactly_the_characters_that_are_not_stable():
    import polars as pl

    chars = pl.Series(_bmp())
    unsafe = chars.str.contains(V.nfkc_unsafe()).to_list()
    assert unsafe == [not V.nfkc_stable(c) for c in chars]


def test_cleaning_only_the_unsafe_cells_equals_cleaning_every_cell():
    """Texts mixing the skipped characters with fullwidth forms, compatibility ideographs,
    combining marks, jamo, the ideographic space, the ellipsis, invisible characters: the
    cleaning that skips NFKC for plain cells gives what NFKC of every cell gives."""
    import random

    import polars as pl

    from safetystats.ingest.prepare import _clean

    pool = list("ab e1 -中国隐患、。「」×√") + [
        "Ａ", "（", "１", "\uf900", "\uf9dc", "\u0301", "\u0323", "\u3099", "\u309b", "가",
        "\u1100", "\u1161", "\u11a8", "\u3131", "\u3000", "\u2026", "\u200b", "\ufeff",
        "\u00a0", "é", "\u2f00", "㎡", "\ue000", " ",
    ]  # fmt: skip
    rng = random.Random(23)
    texts = ["".join(rng.choices(pool, k=rng.randint(0, 8))) for _ in range(20000)]
    texts += ["e\u0301", "가\u11a8", "\u1100\u1161", "中\u0301", "カ\u3099", " 中国\u3000"]
    frame = pl.DataFrame({"t": texts})
    plain = pl.col("t").str.normalize("NFKC").str.replace_all("[\u200b-\u200f\u2060\ufeff]", "")
    got = frame.select(_clean(pl.col("t")).alias("fast"), plain.str.strip_chars().alias("nfkc"))
    assert got["fast"].to_list() == got["nfkc"].to_list()
    assert [t or "" for t in map(V.clean_text, texts)] == got["fast"].to_list()
