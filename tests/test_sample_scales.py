"""The sample for any registry: each scale is written for its packaged registry, its records
name the registry's leaf units in every spelling people use, and the pipeline runs on it."""

import duckdb
import pytest

from safetystats.config import load_settings
from safetystats.errors import ConfigError
from safetystats.ingest import ingest
from safetystats.paths import PACKAGED_CONFIG
from safetystats.pipeline import refresh
from safetystats.registry import DistrictRegistry
from safetystats.sample import SCALES, registry_for_scale, write_sample
from safetystats.sample.generate import Spellings, area_of, leaf_units

BAD_DISTRICTS = {("hazards", "火星区"), ("enterprises", "火星区")}  # the deliberate bad rows


def scale_settings(tmp_path, scale: str):
    registry = registry_for_scale(scale)
    return load_settings(
        raw=tmp_path / "raw",
        db=tmp_path / "store.duckdb",
        reports=tmp_path / "reports",
        **({"districts": registry} if registry else {}),
    )


def test_each_scale_names_its_registry():
    assert registry_for_scale("small") is None and registry_for_scale("city") is None
    assert registry_for_scale("province") == PACKAGED_CONFIG / "registries" / "shandong.csv"
    assert registry_for_scale("street") == PACKAGED_CONFIG / "registries" / "street.csv"
    assert {"small", "city", "province", "street"} <= set(SCALES)
    with pytest.raises(ConfigError, match="unknown sample scale"):
        registry_for_scale("planet")


@pytest.mark.parametrize(
    ("scale", "registry"), [("street", None), ("city", "registries/street.csv")]
)
def test_a_scale_refuses_another_registry_and_says_what_to_set(tmp_path, scale, registry):
    settings = load_settings(
        raw=tmp_path / "raw",
        db=tmp_path / "store.duckdb",
        reports=tmp_path / "reports",
        **({"districts": PACKAGED_CONFIG / registry} if registry else {}),
    )
    wanted = registry_for_scale(scale) or PACKAGED_CONFIG / "districts.csv"
    with pytest.raises(ConfigError, match=r"\[registry\]") as info:
        write_sample(tmp_path / "out", settings, scale_name=scale)
    assert f'districts = "{wanted.as_posix()}"' in str(info.value)
    assert not (tmp_path / "out").exists()  # nothing written


@pytest.mark.parametrize(
    ("csv", "area", "short"),
    [
        ("districts.csv", "威海市", "威海"),
        ("registries/shandong.csv", "山东省", "山东"),
        ("registries/street.csv", "公园街道", "公园"),
    ],
)
def test_every_spelling_names_its_leaf_unit(csv, area, short):
    registry = DistrictRegistry.from_csv(PACKAGED_CONFIG / csv)
    assert (area_of(registry).name, area_of(registry).short) == (area, short)
    leaves = leaf_units(registry)
    assert leaves and not any(registry.children(d.code) for d in leaves)
    spellings = Spellings(registry, leaves)
    for table in (spellings.table, spellings.traditional()):
        for unit, row in zip(leaves, table, strict=True):
            assert {registry.resolve(value).code for value in row} == {unit.code}, row


def test_spellings_use_the_ancestors_and_the_12_digit_code():
    registry = DistrictRegistry.from_csv(PACKAGED_CONFIG / "registries" / "shandong.csv")
    leaves = leaf_units(registry)
    table = Spellings(registry, leaves).table
    by_code = {u.code: list(row) for u, row in zip(leaves, table, strict=True)}
    # 济南's 市中区: the bare name is ambiguous in a province, so the city goes in front
    assert by_code["370103"][:4] == [
        "济南市市中区",
        "济南市市中区",
        "济南市市中区",
        "山东省济南市市中区",
    ]
    assert by_code["370202"][2:] == ["青岛市市南区", "山东省青岛市市南区", "370202", "370202000000"]
    weihai = DistrictRegistry.from_csv(
        PACKAGED_CONFIG / "districts.csv"
    )  # flat: the national table
    row = Spellings(weihai, leaf_units(weihai)).table[0]
    assert list(row) == [
        "环翠区",
        "环翠",
        "威海市环翠区",
        "山东省威海市环翠区",
        "371002",
        "371002000000",
    ]


@pytest.mark.slow  # ingest, GX, curation and papermill bulletins for real
def test_street_sample_runs_end_to_end(tmp_path):
    from safetystats.report import runner

    settings = scale_settings(tmp_path, "street")
    files = write_sample(settings.raw, settings, seed=5, scale_name="street")
    assert all(p.name.startswith("样例数据") for p in files)
    assert {p.parent.name for p in files} >= {"accidents", "inspections", "电梯应急处置平台"}
    results = ingest(None, settings)
    assert [r.path.name for r in results if r.status != "ingested"] == []
    refresh(settings)
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        unknown = con.execute(
            "SELECT dataset, raw_value FROM quarantine WHERE rule_id = 'unknown_district'"
        ).fetchall()
        datasets = dict(
            con.execute(
                "SELECT 'accidents', count(*) FROM accidents UNION ALL "
                "SELECT 'inspections', count(*) FROM inspections UNION ALL "
                "SELECT 'rosters', count(DISTINCT roster) FROM rosters"
            ).fetchall()
        )
        new_quarantined = con.execute(
            "SELECT count(*) FROM quarantine WHERE dataset IN ('accidents', 'inspections', 'rosters')"
        ).fetchone()[0]
    finally:
        con.close()
    assert set(unknown) == BAD_DISTRICTS and len(unknown) == len(BAD_DISTRICTS)
    assert datasets["accidents"] > 0 and datasets["inspections"] > 0 and datasets["rosters"] == 2
    assert new_quarantined == 0  # the new datasets are messy but valid

    run = runner.bulletins(settings, jobs=2)
    assert not run.failed, [r.error for r in run.failed]
    communities = {d.name for d in settings.registry.units_at(2)}  # the level below the top
    assert len(communities) == 12
    assert {r.job.name for r in run.results} == {"city_overview"} | communities
    assert all(r.html.exists() for r in run.results) and run.index.exists()
