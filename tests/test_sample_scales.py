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
from safetystats.sample.area import Spellings, area_of, leaf_units
from safetystats.sample.checklist import CHECKLIST_ROSTERS

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
    assert (
        datasets["accidents"] > 0
        and datasets["inspections"] > 0
        and datasets["rosters"] == 2 + len(CHECKLIST_ROSTERS)
    )
    assert new_quarantined == 0  # the new datasets are messy but valid

    communities = {d.name for d in settings.registry.units_at(2)}  # the level below the top
    assert len(communities) == 12
    # the default units of a run: every community (pages for two of them are enough to show
    # they are drawn; the index is of every unit of the level whatever the run's units)
    assert {u.name for u in runner.chosen_units(settings, None, None)} == communities
    two = sorted(communities)[:2]
    run = runner.bulletins(settings, districts=two, jobs=2)
    assert not run.failed, [r.error for r in run.failed]
    assert {r.job.name for r in run.results} == {"city_overview", *two}
    assert all(r.html.exists() for r in run.results) and run.index.exists()
    index = run.index.read_text(encoding="utf-8")
    assert all(name in index for name in communities)


# --- volumes: --factor, other seeds, a monthly update (issue 13) --------------------------

TABLES = (
    "enterprises",
    "hazards",
    "drills",
    "training_plan",
    "training_counts",
    "video_sites",
    "accidents",
    "inspections",
    "rosters",
    "tasks",
    "activities",
)
ONCE_PER_AREA = {"tasks", "activities"}  # the area's works and meetings, whatever the volume


def counts(settings) -> dict[str, int]:
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def checklist_rows(settings) -> int:
    con = duckdb.connect(str(settings.db), read_only=True)
    names = [name for name, *_ in CHECKLIST_ROSTERS]
    try:
        sql = "SELECT count(*) FROM rosters WHERE list_contains(?, roster)"
        return con.execute(sql, [names]).fetchone()[0]
    finally:
        con.close()


def stored_rows(settings) -> dict[str, int]:
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        return dict(
            con.execute("SELECT dataset, sum(rows_stored) FROM ingest_files GROUP BY 1").fetchall()
        )
    finally:
        con.close()


def ingest_all(settings) -> dict[str, int]:
    results = ingest(None, settings)
    assert [r.path.name for r in results if r.status != "ingested"] == []
    return counts(settings)


@pytest.mark.slow  # writes whole samples
def test_factor_writes_n_times_the_rows_with_distinct_ids(tmp_path):
    one = scale_settings(tmp_path / "x1", "small")
    two = scale_settings(tmp_path / "x2", "small")
    write_sample(one.raw, one, seed=4, scale_name="small")
    files = write_sample(two.raw, two, seed=4, scale_name="small", factor=2)
    assert len(files) == len(write_sample(tmp_path / "again", one, seed=4, scale_name="small"))
    single, double = ingest_all(one), ingest_all(two)
    scale = SCALES["small"]
    # twice the volumes, the deliberately bad rows (some stored with a warning) once
    assert double["enterprises"] - single["enterprises"] == scale.enterprises
    assert double["hazards"] - single["hazards"] == 2 * scale.hazards_per_year  # 2023 and 2024
    assert double["video_sites"] - single["video_sites"] == scale.sites
    planted = 8  # accidents placed to trip the early warnings, whatever the volume
    assert double["accidents"] - planted == 2 * (single["accidents"] - planted)
    # the checklist's lists (sample/checklist.py) are per unit whatever the volume
    lists = checklist_rows(one)
    assert lists == checklist_rows(two) > 0
    for table in set(TABLES) - {"accidents"} - ONCE_PER_AREA:  # per enterprise: about twice
        fixed = lists if table == "rosters" else 0
        assert 1.7 * (single[table] - fixed) <= double[table] - fixed, table
        assert double[table] - fixed <= 2.3 * (single[table] - fixed), table
    assert all(0 < single[t] == double[t] for t in ONCE_PER_AREA)
    # every stored row is its own record, nothing upserted onto another (but the sample's own
    # update of some 2024 hazards, which re-states them)
    restated = query_one(two, "SELECT count(*) FROM hazards_history")
    assert stored_rows(two) == {t: double[t] + (restated if t == "hazards" else 0) for t in TABLES}


@pytest.mark.slow  # writes whole samples
def test_samples_of_other_seeds_hold_distinct_records(tmp_path):
    """Two seeds' samples in one store add up (each ingested from its own raw folder: a
    roster's name comes from rosters/<name>/ right under the raw folder)."""
    settings = scale_settings(tmp_path, "small")
    for seed in (1, 2):
        write_sample(tmp_path / f"seed{seed}", settings, seed=seed, scale_name="small")
        results = ingest(None, load_settings(raw=tmp_path / f"seed{seed}", db=settings.db))
        assert {r.status for r in results} <= {"ingested", "unchanged"}  # the same bad rows
    both = counts(settings)
    alone = scale_settings(tmp_path / "alone", "small")
    write_sample(alone.raw, alone, seed=1, scale_name="small")
    one = ingest_all(alone)
    for table in ("enterprises", "hazards", "video_sites"):
        assert both[table] > 1.9 * one[table], table
    assert stored_rows(settings)["drills"] == both["drills"] > 1.8 * one["drills"]


@pytest.mark.slow  # writes whole samples
def test_a_monthly_update_adds_its_rows_to_the_sample(tmp_path):
    from click.testing import CliRunner

    from safetystats.cli import app
    from safetystats.sample import parse_month, update_rows, write_update

    settings = scale_settings(tmp_path, "small")
    base = write_sample(settings.raw, settings, seed=6, scale_name="small")
    before = ingest_all(settings)
    history = query_one(settings, "SELECT count(*) FROM hazards_history")
    month = parse_month("2025-01")
    files = write_update(settings.raw, settings, month, seed=6, scale_name="small")
    assert all(p.name.startswith("样例数据") and "2025-01" in p.name for p in files)
    assert not {p.name for p in files} & {p.name for p in base}  # new files, none replaced
    assert {p.parent.name for p in files} >= {
        "enterprises",
        "hazards",
        "drills",
        "training_counts",
        "video_sites",
        "accidents",
        "inspections",
        "tasks",
        "activities",
    }
    config = tmp_path / "safetystats.toml"
    config.write_text(
        f'[paths]\nraw = "{settings.raw.as_posix()}"\ndb = "{settings.db.as_posix()}"\n'
        f'reports = "{settings.reports.as_posix()}"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["--config", str(config), "ingest"])
    assert result.exit_code == 0, result.output
    after = counts(settings)
    rows = update_rows("small")
    added = {t: after[t] - before[t] for t in TABLES}
    # a progress report of each unfinished work, the month's meetings and checks
    assert added.pop("tasks") > 0 and added.pop("activities") > 0
    assert added == {
        "enterprises": rows["enterprises"],
        "hazards": rows["hazards"],
        "drills": rows["drills"],
        "training_plan": 0,
        "training_counts": rows["training_counts"],
        "video_sites": rows["video_sites"],
        "accidents": rows["accidents"],
        "inspections": rows["inspections"],
        "rosters": 0,
    }
    # the rectifications re-state open hazards of the sample: the old rows go to the history
    assert (
        query_one(settings, "SELECT count(*) FROM hazards_history") == history + rows["rectified"]
    )
    assert (
        query_one(
            settings,
            "SELECT count(*) FROM hazards WHERE rectified_date BETWEEN '2025-01-01' AND '2025-01-31'"
            " AND hazard_id NOT LIKE 'YH202501%'",
        )
        == rows["rectified"]
    )
    # ... hazards that were open in the sample, drawn again exactly as the sample drew them
    reopened = """SELECT count(*) FROM hazards h JOIN hazards_history o USING (hazard_id)
        WHERE h.rectified_date >= '2025-01-01' AND o.rectified_date IS NULL
          AND o.enterprise_id = h.enterprise_id AND o.found_date = h.found_date
          AND o.description = h.description"""
    assert query_one(settings, reopened) == rows["rectified"]
    held = "SELECT count(*) FROM held_rows JOIN ingest_files USING (file_id) WHERE file_name LIKE ?"
    assert query_one(settings, held, ["%2025-01%"]) == 0
    found = "SELECT {} FROM hazards WHERE hazard_id LIKE 'YH202501%'"
    assert str(query_one(settings, found.format("min(found_date)"))) >= "2025-01-01"
    assert str(query_one(settings, found.format("max(found_date)"))) <= "2025-01-31"


def query_one(settings, sql: str, params=None):
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [("2024-12", "must come after"), ("2025-13", "YYYY-MM"), ("Jan 2025", "YYYY-MM")],
)
def test_an_update_month_comes_after_the_sample(text, message):
    import datetime as dt

    from safetystats.sample import parse_month

    assert parse_month("2025-01", today=dt.date(2025, 1, 1)) == dt.date(2025, 1, 1)
    with pytest.raises(ConfigError, match=message):
        parse_month(text)
    with pytest.raises(ConfigError, match="has not begun"):
        parse_month("2025-02", today=dt.date(2025, 1, 31))


@pytest.mark.parametrize(
    "args", [["--factor", "0"], ["--update-month", "2024-12"], ["--update-month", "2025/01"]]
)
def test_sample_refuses_a_bad_factor_or_month_as_a_usage_error(tmp_path, args):
    from click.testing import CliRunner

    from safetystats.cli import app

    config = tmp_path / "safetystats.toml"
    config.write_text('[paths]\nraw = "raw"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "sample", "--scale", "small", *args])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "raw").exists()
