"""The unit registry of DATA_SPEC 2.8: the file, the tree, the total's name, and resolution."""

import time
from pathlib import Path

import pytest

from safetystats.errors import ConfigError
from safetystats.paths import PACKAGED_CONFIG
from safetystats.registry import (
    District,
    DistrictRegistry,
    code_path,
    national_divisions,
    read_registry_rows,
    stem,
)

FIXTURES = Path(__file__).parent / "fixtures" / "registry"
SAMPLES = PACKAGED_CONFIG / "registries"


def load(name: str, prefixes=()) -> DistrictRegistry:
    return DistrictRegistry.from_csv(FIXTURES / name, list(prefixes))


def registry(*units: tuple) -> DistrictRegistry:
    """An in-memory registry from (code, name[, parent]) tuples."""
    return DistrictRegistry([District(u[0], u[1], (), *u[2:]) for u in units], [])


def code(reg: DistrictRegistry, value: str) -> str | None:
    unit = reg.resolve(value)
    return unit.code if unit else None


@pytest.fixture(scope="module")
def qingdao():
    return load("qingdao.csv")


@pytest.fixture(scope="module")
def province():
    return load("province.csv")


@pytest.fixture(scope="module")
def street():
    return load("street.csv")


# --- the file ------------------------------------------------------------------------------


def test_an_old_three_column_file_with_a_bom_and_no_parents():
    reg = load("qingdao_flat.csv")
    assert len(reg.districts) == 10
    assert all(d.parent is None and d.level == 1 for d in reg.districts)
    assert reg.levels() == [1]
    assert reg.by_code["370211"].aliases == ("西海岸新区",)
    assert reg.names()[:3] == ["市南区", "市北区", "黄岛区"]
    assert read_registry_rows(FIXTURES / "qingdao_flat.csv")[0]["code"] == "370202"
    assert reg.total_name() == "全市"


def test_parents_give_levels_in_file_order(qingdao):
    assert [d.code for d in qingdao.districts][:4] == ["370202", "370203", "370203010", "370203011"]
    assert qingdao.by_code["370203010"].parent == "370203"
    assert qingdao.level_of("370203010") == 2
    assert qingdao.levels() == [1, 2]


@pytest.mark.parametrize(
    ("fixture", "words"),
    [
        ("dup_code.csv", ["code 370202", "rows 2, 4"]),
        ("unknown_parent.csv", ["row 3", "parent 370299"]),
        ("cycle.csv", ["rows 3, 4", "cycle", "370202 → 370203 → 370202"]),
        ("no_name_column.csv", ["code,name"]),
        ("not_utf8.csv", ["UTF-8"]),
        ("missing.csv", ["not found"]),
    ],
)
def test_configuration_errors_name_the_file_and_the_rows(fixture, words):
    with pytest.raises(ConfigError) as err:
        load(fixture)
    message = str(err.value)
    assert fixture in message
    for word in words:
        assert word in message


def test_a_district_built_in_code_keeps_the_old_constructor():
    reg = DistrictRegistry([District("371002", "环翠区", ("环翠",))], ["威海市"])
    assert reg.resolve("威海市环翠") == reg.by_code["371002"]
    assert reg.by_code["371002"].level == 1


# --- the tree ------------------------------------------------------------------------------


def test_tree_methods(province):
    codes = lambda units: [d.code for d in units]  # noqa: E731
    assert codes(province.top_units()) == ["3701", "3702", "3704"]
    assert codes(province.children("3704")) == ["370402", "370403"]
    assert codes(province.descendants("3701")) == ["370102", "370103"]
    assert province.descendants("370102") == []
    assert codes(province.ancestors("370402")) == ["3704"]
    assert province.ancestors("3704") == []
    assert province.level_of("3704") == 1 and province.level_of("370402") == 2
    assert province.levels() == [1, 2]
    assert codes(province.units_at(2)) == [
        "370102",
        "370103",
        "370202",
        "370203",
        "370402",
        "370403",
    ]


def test_descendants_go_down_every_level():
    reg = registry(
        ("3702", "青岛市"), ("370203", "市北区", "3702"), ("370203010", "台东街道", "370203")
    )
    assert [d.code for d in reg.descendants("3702")] == ["370203", "370203010"]
    assert [d.code for d in reg.ancestors("370203010")] == ["370203", "3702"]
    assert reg.levels() == [1, 2, 3]


# --- the total's name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("units", "zh", "en"),
    [
        ([("370202", "市南区"), ("370203", "市北区")], "全市", "City total"),
        ([("3701", "济南市"), ("3702", "青岛市")], "全省", "Province total"),
        ([("37", "山东省"), ("3702", "青岛市", "37")], "全省", "Province total"),
        ([("X1", "北京市")], "全省", "Province total"),
        (
            [("450202001", "公园街道"), ("450202001001", "解放社区", "450202001")],
            "全街道",
            "Street total",
        ),
        ([("S1", "某某镇")], "全街道", "Street total"),
        ([("370211", "黄岛区"), ("370211001", "黄岛街道", "370211")], "全区", "District total"),
        ([("D1", "某某县")], "全区", "District total"),
        ([("3702", "青岛市"), ("370202", "市南区", "3702")], "全市", "City total"),
        ([("370202", "市南区"), ("370602", "芝罘区")], "合计", "Total"),  # two cities
        ([("3702", "青岛市"), ("370202", "市南区")], "合计", "Total"),  # the city is a unit
        ([("A", "甲"), ("B", "乙")], "合计", "Total"),
    ],
)
def test_total_name_is_derived(units, zh, en):
    reg = registry(*units)
    assert reg.total_name() == zh
    assert reg.total_name(None) == zh
    assert reg.total_name_en() == en


def test_an_explicit_total_name_wins(province):
    assert province.total_name("全域") == "全域"
    assert province.total_name("  ") == "全省"
    assert province.total_name_en("全市") == "City total"
    assert province.total_name_en("Whole area") == "Whole area"


# --- resolution, rule by rule --------------------------------------------------------------


def test_rule1_name_code_or_alias(qingdao):
    assert code(qingdao, "市南区") == "370202"
    assert code(qingdao, "370202") == "370202"
    assert code(qingdao, "西海岸新区") == "370211"
    assert code(qingdao, "台东街道") == "370203010"
    detail = qingdao.resolve_detail("市南区")
    assert (detail.reason, detail.candidates, detail.message_zh) == ("ok", [], "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("青岛市平度市", "370283"),
        ("山东省青岛市市南区", "370202"),
        ("山东青岛市北区", "370203"),
        ("青岛市南区", "370202"),  # 青岛 + 市南区, not 青岛市 + 南区
        ("青岛市市北区台东街道", "370203010"),  # a registry unit's name is a prefix too
        ("市北台东街道", "370203010"),
    ],
)
def test_rule2_leading_prefixes_are_stripped(qingdao, value, expected):
    assert code(qingdao, value) == expected


def test_rule2_tries_every_way_of_stripping_and_prefers_the_least_stripped():
    reg = registry(("370202", "市南区"), ("370299", "南区"))
    assert code(reg, "青岛市南区") == "370202"
    assert code(reg, "青岛南区") == "370299"


def test_rule2_national_prefixes_full_and_short(street):
    for value in ("广西壮族自治区柳州市公园街道", "广西柳州公园街道", "柳州市城中区公园街道"):
        assert code(street, value) == "450202001", value


def test_rule2_extra_prefixes_from_the_config():
    units = [("A1", "高新区"), ("A2", "临港区")]
    assert registry(*units).resolve("某某新区高新区") is None
    reg = DistrictRegistry([District(c, n) for c, n in units], ["某某新区"])
    assert code(reg, "某某新区高新区") == "A1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("市南", "370202"), ("平度", "370283"), ("台东", "370203010"), ("黄岛", "370211")],
)
def test_rule3_a_trailing_unit_word_is_removed_on_both_sides(qingdao, value, expected):
    assert code(qingdao, value) == expected


def test_rule3_a_stem_two_units_share_is_ambiguous():
    reg = registry(("370202", "市南区"), ("S1", "市南街道"))
    detail = reg.resolve_detail("市南")
    assert detail.reason == "ambiguous"
    assert [d.code for d in detail.candidates] == ["370202", "S1"]
    assert code(reg, "市南区") == "370202"
    assert code(reg, "市南街道") == "S1"


@pytest.mark.parametrize(
    ("reg_name", "value", "expected"),
    [
        ("qingdao_flat.csv", "370283000000", "370283"),
        ("qingdao_flat.csv", "370283", "370283"),
        ("qingdao.csv", "370203010000", "370203010"),  # the 街道 is in the registry
        ("qingdao.csv", "370203010", "370203010"),
        ("qingdao.csv", "370203020000", "370203"),  # another 街道 of 市北区: its 区
        ("qingdao.csv", "370203000000", "370203"),
        ("province.csv", "370283000000", "3702"),  # 平度市 is not a unit: its city
        ("street.csv", "450202001003", "450202001003"),
        ("street.csv", "450202001000", "450202001"),
    ],
)
def test_rule4_statistical_codes(reg_name, value, expected):
    assert code(load(reg_name), value) == expected


def test_rule4_a_code_outside_the_registry_is_unknown(qingdao):
    assert qingdao.resolve_detail("370602000000").reason == "unknown"


@pytest.mark.parametrize(
    "value",
    [
        "黄岛区（西海岸新区）",
        "黄岛区(西海岸新区)",
        "黄岛区(未知新区)",
        "西海岸新区（黄岛）",
        "未知（黄岛区）",
    ],
)
def test_rule5_brackets(qingdao, value):
    assert code(qingdao, value) == "370211"


def test_rule5_brackets_naming_two_units_are_ambiguous(qingdao):
    detail = qingdao.resolve_detail("市南区（市北区）")
    assert detail.reason == "ambiguous"
    assert {d.code for d in detail.candidates} == {"370202", "370203"}


def test_a_prefix_naming_a_registry_unit_narrows_to_its_descendants(province):
    assert code(province, "枣庄市市中区") == "370402"
    assert code(province, "山东省枣庄市市中区") == "370402"
    assert code(province, "枣庄市中区") == "370402"
    assert code(province, "济南市市中区") == "370103"
    assert code(province, "济南市中") == "370103"
    detail = province.resolve_detail("市中区")
    assert detail.unit is None and detail.reason == "ambiguous"
    assert [d.code for d in detail.candidates] == ["370103", "370402"]
    for text in ("市中区", "济南市", "370103", "枣庄市", "370402"):
        assert text in detail.message_zh and text in detail.message_en


def test_a_prefix_naming_a_national_division_narrows_by_code():
    reg = registry(("370103", "市中区"), ("370402", "市中区"))
    assert code(reg, "枣庄市市中区") == "370402"
    assert reg.resolve_detail("市中区").reason == "ambiguous"


def test_a_unit_under_another_registry_unit_is_not_found_there(province):
    detail = province.resolve_detail("青岛市薛城区")
    assert detail.reason == "unknown"
    assert "市南区" in detail.message_zh and "青岛市" in detail.message_zh


def test_a_street_registry_resolves_its_communities(street):
    assert street.total_name() == "全街道"
    assert len(street.children("450202001")) == 12
    assert code(street, "公园街道") == "450202001"
    assert code(street, "公园") == "450202001"
    assert code(street, "公园街道解放社区居委会") == "450202001001"
    assert code(street, "中山社区居委会") == "450202001002"  # 中山 is also a city
    assert code(street, "柳州市城中区公园街道东门社区") == "450202001010"
    # 城中区, the county above the registry's top unit by code, is stripped too
    assert code(street, "城中区解放社区") == "450202001001"


def test_traditional_characters_and_spaces(qingdao):
    assert code(qingdao, "市南區") == "370202"
    assert code(qingdao, "黃島區") == "370211"
    assert code(qingdao, "青島市\u3000市南区") == "370202"
    assert code(qingdao, " 市 南 区 ") == "370202"


def test_unknown_lists_the_units_of_the_level_it_looked_like():
    reg = load("street.csv")
    detail = reg.resolve_detail("公园街道幸福社区")
    assert detail.reason == "unknown" and detail.unit is None
    assert "公园街道幸福社区" in detail.message_zh and "公园街道幸福社区" in detail.message_en
    assert "解放社区" in detail.message_zh and "…" in detail.message_zh
    assert "驾鹤社区" not in detail.message_zh  # ten names at most


def test_blank_values(qingdao):
    for value in (None, "", "  ", "\u3000"):
        detail = qingdao.resolve_detail(value)
        assert (detail.unit, detail.reason) == (None, "blank")


def test_results_are_cached(qingdao):
    assert qingdao.resolve_detail("青岛市平度市") is qingdao.resolve_detail("青岛市平度市")


def test_helpers():
    assert stem("市南区") == "市南" and stem("芒市") == "芒市"
    assert stem("解放社区居委会") == "解放"
    assert code_path("370200") == "3702"
    assert code_path("370203010000") == "370203010"
    assert code_path("37") == "37"
    assert code_path("D01") is None


# --- the packaged data ---------------------------------------------------------------------


def test_the_national_division_table():
    divisions = national_divisions()
    levels = [d.level for d in divisions.values()]
    assert levels.count(1) == 34
    assert 330 <= levels.count(2) <= 345
    short = {d.name: d.short_name for d in divisions.values()}
    assert short["广西壮族自治区"] == "广西"
    assert short["新疆维吾尔自治区"] == "新疆"
    assert short["宁夏回族自治区"] == "宁夏"
    assert short["内蒙古自治区"] == "内蒙古"
    assert short["青岛市"] == "青岛"
    assert short["延边朝鲜族自治州"] == "延边"
    assert short["吉县"] == "吉县"


def test_the_sample_province_registry():
    reg = DistrictRegistry.from_csv(SAMPLES / "shandong.csv", [])
    assert reg.total_name() == "全省"
    assert len(reg.top_units()) == 16
    assert len(reg.units_at(2)) >= 136
    assert all(d.code.startswith(d.parent) for d in reg.units_at(2))
    assert code(reg, "青岛市黄岛区（西海岸新区）") == "370211"
    assert code(reg, "枣庄市市中区") == "370402"
    assert code(reg, "370283000000") == "370283"


def test_the_sample_street_registry():
    reg = DistrictRegistry.from_csv(SAMPLES / "street.csv", [])
    assert reg.total_name() == "全街道"
    assert [len(reg.units_at(level)) for level in reg.levels()] == [1, 12]


def test_resolution_is_fast():
    reg = DistrictRegistry.from_csv(SAMPLES / "shandong.csv", [])
    values = [f"山东省{d.name}{i}" for i in range(20) for d in reg.districts]
    values += [f"{reg.by_code[d.parent].name}{d.name}" for d in reg.units_at(2)]
    start = time.perf_counter()
    for value in values:
        reg.resolve(value)
    assert time.perf_counter() - start < 5.0  # thousands of distinct values
