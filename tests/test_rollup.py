"""Roll-up through a three-level registry, worked out by hand: a record counts in its unit and
in every ancestor of it (DATA_SPEC 2.8, 6), and the total counts every record once."""

import datetime as dt

import pytest
from conftest import write_rows

from safetystats.config import load_settings
from safetystats.ingest import ingest
from safetystats.metrics import attainment, hazard_figures
from safetystats.pipeline import refresh

D = dt.date
AS_OF = D(2024, 12, 31)  # E = D: the projection is the value, statuses are final figures

# 青岛市 (3702) over 市南区 (370202) and 市北区 (370203); 市北区 over two 街道
REGISTRY = [
    ["code", "name", "aliases", "parent"],
    ["3702", "青岛市", "", ""],
    ["370202", "市南区", "", "3702"],
    ["370203", "市北区", "市北", "3702"],
    ["370203001", "辽宁路街道", "", "370203"],
    ["370203002", "延安路街道", "延安路街道办事处", "370203"],
]
TARGETS = """
[[targets]]
id = "unannounced_drill_share"
metric = "unannounced_drill_share"
name_zh = "“四不”演练占比"
name_en = "Unannounced drill share"
threshold = "0.40"
window_start = 2024-01-01
deadline = 2024-12-31
scope = {}
source = "test"
"""
REGISTER = [
    ["统一社会信用代码", "企业名称", "所属区市", "行业领域", "从业人员数", "经营状态"],
    ["E1", "甲机械", "青岛市市南区", "工贸", "20", "在营"],  # 370202
    ["E2", "乙机械", "市北区", "工贸", "20", "在营"],  # 370203 itself, not a 街道
    ["E3", "丙化工", "辽宁路街道", "危险化学品", "50", "在营"],  # 370203001
    ["E4", "丁建设", "370203002000", "建筑施工", "80", "在营"],  # 12-digit code: 370203002
]
DRILLS = [
    ["演练编号", "统一社会信用代码", "所属区市", "演练日期", "演练类型", "是否四不演练"],
    ["D1", "E1", "市南区", "2024-03-01", "综合", "是"],
    ["D2", "E1", "市南区", "2024-04-01", "专项", "否"],
    ["D3", "E2", "市北", "2024-03-05", "综合", "是"],
    ["D4", "E2", "青岛市市北区", "2024-05-05", "疏散逃生", "否"],
    ["D5", "E3", "市北区辽宁路街道", "2024-02-01", "综合", "是"],
    ["D6", "E3", "辽宁路街道", "2024-06-01", "专项", "是"],
    ["D7", "E3", "", "2024-07-01", "现场处置", "否"],  # no district: the register's (街道 001)
    ["D8", "E4", "延安路街道办事处", "2024-08-01", "综合", "否"],
    ["D9", "E4", "延安路街道", "2023-12-31", "综合", "是"],  # before the window: not counted
]
HAZARDS = [
    ["隐患编号", "统一社会信用代码", "隐患等级", "发现日期", "整改期限", "整改完成日期"],
    ["H1", "E3", "重大", "2024-03-01", "2024-06-01", ""],  # 街道 001: open, overdue at A
    ["H2", "E4", "重大", "2024-05-01", "2025-03-01", ""],  # 街道 002: open, not yet due
    ["H3", "E1", "重大", "2024-02-01", "2024-04-01", "2024-03-01"],  # 市南区: rectified
    ["H4", "E2", "一般", "2024-02-01", "2024-04-01", ""],  # 市北区: open, but not major
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("rollup")
    registry = write_rows(root / "registry.csv", REGISTRY)
    targets = root / "targets.toml"
    targets.write_text(TARGETS, encoding="utf-8")
    settings = load_settings(
        raw=root / "raw",
        db=root / "store.duckdb",
        reports=root / "reports",
        districts=registry,
        targets=targets,
    )
    write_rows(settings.raw / "enterprises" / "register.csv", REGISTER)
    write_rows(settings.raw / "drills" / "drills.csv", DRILLS)
    write_rows(settings.raw / "hazards" / "hazards.csv", HAZARDS)
    assert all(r.status == "ingested" for r in ingest(None, settings))
    refresh(settings)
    return settings


def by_unit(frame) -> dict:
    return {r["district_code"]: r for r in frame.to_dicts()}


@pytest.mark.slow  # ingest, GX and curation for real
def test_attainment_rolls_up_to_every_level_and_the_total(store):
    a = attainment(store, as_of=AS_OF)
    rows = by_unit(a.filter(a["target_id"] == "unannounced_drill_share"))
    assert set(rows) == {"3702", "370202", "370203", "370203001", "370203002", None}
    got = {
        code: (r["level"], r["parent_code"], r["numerator"], r["denominator"], r["status"])
        for code, r in rows.items()
    }
    assert got == {
        # 街道 001: D5, D6 unannounced, D7 not (its district from the register) -> 2/3
        "370203001": (3, "370203", 2, 3, "met"),
        # 街道 002: D8 not unannounced (D9 is before the window) -> 0/1
        "370203002": (3, "370203", 0, 1, "behind"),
        # 370203 = its own 1/2 (D3, D4) + 街道 001 2/3 + 街道 002 0/1 -> 3/6
        "370203": (2, "3702", 3, 6, "met"),
        # 370202: D1 of D1, D2 -> 1/2
        "370202": (2, "3702", 1, 2, "met"),
        # 3702 = 370202 1/2 + 370203 3/6 -> 4/8
        "3702": (1, None, 4, 8, "met"),
        # the total: every drill of the window once -> 4/8
        None: (0, None, 4, 8, "met"),
    }
    assert rows[None]["scope"] == "total" and rows[None]["district"] == "全市"
    assert rows["370203"]["value"] == 0.5 and rows["370203001"]["value"] == pytest.approx(2 / 3)
    # gaps from each unit's own counts: 街道 002 needs ceil((0.4 x 1 - 0) / 0.6) = 1 more;
    # the others are at or above 40%
    assert {code: r["gap_count"] for code, r in rows.items()} == {
        "370203001": 0,
        "370203002": 1,
        "370203": 0,
        "370202": 0,
        "3702": 0,
        None: 0,
    }


@pytest.mark.slow  # ingest, GX and curation for real
def test_attainment_for_one_unit_by_any_spelling(store):
    a = attainment(store, as_of=AS_OF, district="市北区延安路街道")
    r = a.filter(a["target_id"] == "unannounced_drill_share").to_dicts()
    assert [(x["district_code"], x["numerator"], x["denominator"]) for x in r] == [
        ("370203002", 0, 1),
        (None, 4, 8),  # the total comes along
    ]


@pytest.mark.slow  # ingest, GX and curation for real
def test_hazard_figures_roll_up_once(store):
    f = by_unit(hazard_figures(store, as_of=AS_OF))
    open_overdue = {code: (r["major_open"], r["major_overdue"]) for code, r in f.items()}
    assert open_overdue == {
        "370203001": (1, 1),  # H1: open, deadline 2024-06-01 passed
        "370203002": (1, 0),  # H2: open, due 2025-03-01
        "370203": (2, 1),  # its 街道's H1 + H2 (H4 is not major)
        "370202": (0, 0),  # H3 rectified
        "3702": (2, 1),  # 370203's 2 + 370202's 0
        None: (2, 1),  # the total counts H1 and H2 once each
    }
    assert f["370203"]["open_all"] == 3  # H1, H2 and the general H4
    assert f[None]["open_all"] == 3


def test_a_run_takes_one_level_or_all(store):
    from safetystats.cli import parse_level
    from safetystats.errors import UsageError, exit_for
    from safetystats.report.runner import chosen_units

    s = store

    def names(level):
        return [u.name for u in chosen_units(s, None, level)]

    assert names(None) == ["市南区", "市北区"]  # the level below the top
    assert names(3) == ["辽宁路街道", "延安路街道"]
    assert names("all") == ["青岛市", "市南区", "市北区", "辽宁路街道", "延安路街道"]
    assert parse_level("all", s) == "all" and parse_level("3", s) == 3
    for wrong in ("4", "two"):
        with pytest.raises(UsageError) as raised:
            parse_level(wrong, s)
        assert exit_for(raised.value)[0] == 2
