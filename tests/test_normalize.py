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
