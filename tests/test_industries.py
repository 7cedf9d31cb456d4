"""The packaged GB/T 4754-2017 table and the industry parser (DATA_SPEC 2.7, 3.1)."""

import csv
from collections import Counter

import pytest

from safetystats import normalize as V
from safetystats.errors import ConfigError

CAMPAIGN = [
    "危险化学品", "矿山", "烟花爆竹", "民爆", "金属冶炼", "建筑施工", "交通运输",
    "燃气", "工贸", "消防重点单位", "特种设备", "住宿餐饮零售", "其他",
]  # fmt: skip
# GB/T 4754-2017 has 97 大类, numbered 01-97 without gaps, in 20 门类 A-T.
DIVISIONS = [f"{n:02d}" for n in range(1, 98)]


def rows():
    with open(V.INDUSTRY_TABLE, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def parse():
    return V.make_industry_parser(CAMPAIGN, V.INDUSTRY_TABLE)


def test_columns():
    with open(V.INDUSTRY_TABLE, encoding="utf-8") as f:
        assert f.readline().strip() == "code,name,level,campaign_industry"


def test_every_division_exactly_once():
    codes = Counter(r["code"] for r in rows() if r["level"] == "大类")
    assert sorted(codes) == DIVISIONS
    assert set(codes.values()) == {1}


def test_every_section_exactly_once():
    codes = [r["code"] for r in rows() if r["level"] == "门类"]
    assert codes == list("ABCDEFGHIJKLMNOPQRST")


def test_levels_and_codes_are_consistent():
    for r in rows():
        assert r["level"] in {"门类", "大类", "中类", "小类", "别名"}, r
        assert r["name"], r
        width = {"门类": None, "大类": 2, "中类": 3, "小类": 4, "别名": 0}[r["level"]]
        if width is None:
            assert len(r["code"]) == 1 and r["code"].isupper(), r
        else:
            assert len(r["code"]) == width and (not width or r["code"].isdigit()), r


def test_every_campaign_industry_is_in_the_campaign_list():
    assert {r["campaign_industry"] for r in rows()} <= set(CAMPAIGN)


def test_no_name_maps_to_two_industries():
    seen = {}
    for r in rows():
        key = V.vocab_key(r["name"])
        assert seen.setdefault(key, r["campaign_industry"]) == r["campaign_industry"], r


@pytest.mark.parametrize(
    "code,name",
    [
        ("26", "化学原料和化学制品制造业"),
        ("25", "石油、煤炭及其他燃料加工业"),
        ("31", "黑色金属冶炼和压延加工业"),
        ("32", "有色金属冶炼和压延加工业"),
        ("47", "房屋建筑业"),
        ("50", "建筑装饰、装修和其他建筑业"),
        ("54", "道路运输业"),
        ("59", "装卸搬运和仓储业"),
        ("45", "燃气生产和供应业"),
        ("11", "开采专业及辅助性活动"),
        ("87", "广播、电视、电影和录音制作业"),
        ("96", "基层群众自治组织及其他组织"),
        ("D", "电力、热力、燃气及水生产和供应业"),
        ("2672", "焰火、鞭炮产品制造"),
    ],
)
def test_official_names(code, name):
    assert {r["code"]: r["name"] for r in rows() if r["code"]}[code] == name


@pytest.mark.parametrize(
    "text,expected",
    [
        ("化学原料和化学制品制造业", "危险化学品"),
        ("化學原料和化學製品製造業", "危险化学品"),
        ("化学原料和化学制品制造", "危险化学品"),  # without the trailing 业
        ("C26", "危险化学品"),
        ("c26", "危险化学品"),
        ("26", "危险化学品"),
        ("2614", "危险化学品"),  # 有机化学原料制造, through its 大类
        ("C2614", "危险化学品"),
        ("C261", "危险化学品"),
        ("C26化学原料和化学制品制造业", "危险化学品"),
        ("化学原料和化学制品制造业(C26)", "危险化学品"),
        ("C2614有机化学原料制造", "危险化学品"),  # an unlisted 小类 name: its code decides
        ("石油、煤炭及其他燃料加工业", "危险化学品"),
        ("5942", "危险化学品"),
        ("2671", "民爆"),
        ("2672", "烟花爆竹"),
        ("焰火、鞭炮产品制造", "烟花爆竹"),
        ("B", "矿山"),
        ("06", "矿山"),
        ("0610", "矿山"),
        ("煤炭开采和洗选业", "矿山"),
        ("黑色金属冶炼和压延加工业", "金属冶炼"),
        ("房屋建筑业", "建筑施工"),
        ("建筑业", "建筑施工"),
        ("E48", "建筑施工"),
        ("道路运输业", "交通运输"),
        ("装卸搬运和仓储业", "交通运输"),
        ("燃气生产和供应业", "燃气"),
        ("通用设备制造业", "工贸"),
        ("批发业", "住宿餐饮零售"),
        ("餐饮业", "住宿餐饮零售"),
        ("教育", "其他"),
        # campaign names and real spellings
        ("危险化学品", "危险化学品"),
        ("危化", "危险化学品"),
        ("危化品", "危险化学品"),
        ("危险化学品企业", "危险化学品"),
        ("危险化学品行业", "危险化学品"),
        ("非煤矿山", "矿山"),
        ("矿山行业", "矿山"),
        ("冶金", "金属冶炼"),
        ("工商贸", "工贸"),
        ("商贸", "工贸"),
        ("餐饮", "住宿餐饮零售"),
        ("消防重点单位", "消防重点单位"),
        ("特种设备", "特种设备"),
        (" 燃 气 ", "燃气"),
    ],
)
def test_parser(parse, text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "火星产业",
        "",
        "B26",  # 26 is not in 门类 B
        "98",  # no such 大类
        "261",  # a bare 3-digit code may be 0261 that lost its zero: not guessed
        "6",
        "C31化学原料和化学制品制造业",  # code and name disagree
    ],
)
def test_unknown_is_invalid(parse, text):
    assert parse(text) is V.INVALID


def test_extra_spellings_add_and_override():
    parse = V.make_industry_parser(
        CAMPAIGN, V.INDUSTRY_TABLE, {"危险化学品": ["医药制造业", "化工园区"]}
    )
    assert parse("化工园区") == "危险化学品"
    assert parse("医药制造业") == "危险化学品"  # the user's word wins over the table
    assert parse("C26") == "危险化学品"


def test_extra_spelling_for_two_industries_is_a_config_error():
    with pytest.raises(ConfigError, match="两|two"):
        V.make_industry_parser(CAMPAIGN, V.INDUSTRY_TABLE, {"工贸": ["X厂"], "燃气": ["x厂"]})


def test_extra_for_an_unknown_industry_is_a_config_error():
    with pytest.raises(ConfigError):
        V.make_industry_parser(CAMPAIGN, V.INDUSTRY_TABLE, {"火星": ["x"]})


def test_table_conflict_is_a_config_error(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text(
        "code,name,level,campaign_industry\n26,甲,大类,工贸\n,甲,别名,燃气\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="甲"):
        V.make_industry_parser(CAMPAIGN, table)


def test_default_table_is_the_packaged_one():
    assert V.make_industry_parser(CAMPAIGN)("C26") == "危险化学品"


def test_shorter_campaign_list_ignores_rows_for_missing_industries():
    parse = V.make_industry_parser(["工贸", "其他"], V.INDUSTRY_TABLE)
    assert parse("C26") is V.INVALID
    assert parse("C33") == "工贸"
