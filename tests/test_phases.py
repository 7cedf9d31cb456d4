"""Several years of targets in one file (DATA_SPEC 6.3): final, in force, not started."""

import datetime as dt

import pytest
from conftest import write_rows

from safetystats.config import load_settings
from safetystats.ingest import ingest
from safetystats.metrics import attainment
from safetystats.pipeline import refresh

pytestmark = pytest.mark.slow  # ingest, GX and curation for real

TARGETS = """
[[targets]]
id = "unannounced_2024"
metric = "unannounced_drill_share"
threshold = "0.40"
window_start = 2024-01-01
deadline = 2024-12-31

[[targets]]
id = "unannounced_2025"
metric = "unannounced_drill_share"
threshold = "0.50"
window_start = 2025-01-01
deadline = 2025-12-31

[[targets]]
id = "unannounced_2026"
metric = "unannounced_drill_share"
threshold = "0.60"
window_start = 2026-01-01
deadline = 2026-12-31
"""


def test_targets_of_three_years_at_mid_2025(tmp_path):
    targets = tmp_path / "targets.toml"
    targets.write_text(TARGETS, encoding="utf-8")
    settings = load_settings(
        raw=tmp_path / "raw", db=tmp_path / "s.duckdb", reports=tmp_path / "r", targets=targets
    )
    header = ["演练编号", "统一社会信用代码", "所属区市", "演练日期", "演练类型", "是否四不演练"]
    write_rows(
        settings.raw / "drills" / "d.csv",
        [
            header,
            ["D1", "E1", "环翠区", "2024-03-01", "综合", "是"],
            ["D2", "E1", "环翠区", "2024-11-01", "综合", "否"],
            ["D3", "E1", "环翠区", "2025-01-15", "综合", "是"],
            ["D4", "E1", "环翠区", "2025-03-01", "综合", "是"],
            ["D5", "E1", "环翠区", "2025-06-20", "综合", "否"],
            ["D6", "E1", "环翠区", "2025-07-05", "综合", "是"],  # after A
        ],
    )
    ingest(None, settings)
    refresh(settings)
    rows = attainment(settings, as_of=dt.date(2025, 6, 30), district="环翠区")
    by = {r["target_id"]: r for r in rows.filter(rows["scope"] == "district").iter_rows(named=True)}
    # 2026 has not started at A: not evaluated, not shown
    assert set(by) == {"unannounced_2024", "unannounced_2025"}
    final = by["unannounced_2024"]
    # final: the value at D = 2024-12-31: D1 (四不), D2 -> 1/2, met (>= 0.40)
    assert (final["phase"], final["eval_date"], final["numerator"], final["denominator"]) == (
        "final", dt.date(2024, 12, 31), 1, 2,
    )  # fmt: skip
    assert final["status"] == "met" and final["projected"] == final["value"]
    current = by["unannounced_2025"]
    # in force at A = 2025-06-30: D3, D4 (四不), D5 -> 2/3 >= 0.50, met
    assert (current["phase"], current["eval_date"], current["numerator"], current["denominator"]) == (
        "in_force", dt.date(2025, 6, 30), 2, 3,
    )  # fmt: skip
    assert current["status"] == "met"
