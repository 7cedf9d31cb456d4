"""The numbers of the figures beside the targets are settings (config/thresholds.toml, and
[thresholds] in safetystats.toml), not constants in code: projection days, staleness, hazard
age buckets, the accident warnings' window and serious levels."""

import datetime as dt

from sqlkit import SETTINGS, build

from safetystats.config import labels_for, load_settings
from safetystats.metrics import engine
from safetystats.metrics.warnings import accident_warnings

D = dt.date.fromisoformat
A = D("2024-06-30")
HC = "371002"  # 环翠区
FIRM = dict(enterprise_id="E1", enterprise_name="甲", district_code=HC, industry="工贸")


def settings_with(tmp_path, text: str):
    path = tmp_path / "safetystats.toml"
    path.write_text(f'[paths]\ndb = "s.duckdb"\n{text}', encoding="utf-8")
    return load_settings(path)


def major(hazard_id: str, found: str) -> dict:
    return dict(hazard_id=hazard_id, enterprise_id="E1", level="major", found_date=D(found))


def test_hazard_age_buckets_and_their_names_follow_the_settings(tmp_path):
    # A − 05-01 = 30 (May) + 30 (June) = 60 days; 04-30: 61 days; 2023-06-30: 366 days
    con = build(
        enterprises=[FIRM],
        hazards=[major("K1", "2024-05-01"), major("K2", "2024-04-30"), major("K3", "2023-06-30")],
    )
    ours = settings_with(tmp_path, "[thresholds]\nhazard_age_days = [60]\n")

    def buckets(s):
        rows = engine.query(con, "report/hazard_ageing", s, as_of=A, district_codes=None)
        return [(r["age_bucket"], r["hazards"]) for r in rows.iter_rows(named=True)]

    assert buckets(SETTINGS) == [(2, 2), (4, 1)]  # 31–90: K1, K2; over 180: K3
    assert buckets(ours) == [(1, 1), (2, 2)]  # up to 60: K1; over 60: K2, K3
    # the names come from the limits: the packaged ones as the labels wrote them before
    assert labels_for(SETTINGS, "zh")["age_buckets"] == [
        "30天以内",
        "31–90天",
        "91–180天",
        "180天以上",
    ]
    assert labels_for(SETTINGS, "en")["age_buckets"][-1] == "> 180 days"
    assert labels_for(ours, "zh")["age_buckets"] == ["60天以内", "60天以上"]
    assert labels_for(ours, "en")["age_buckets"] == ["≤ 60 days", "> 60 days"]


def test_stale_days_follow_the_settings(tmp_path):
    con = build(enterprises=[FIRM], hazards=[major("K1", "2024-06-15")])  # 15 days before A

    def stale(s):
        frame = engine.data_freshness(s, A, district="环翠区", con=con)
        rows = frame.filter((frame["dataset"] == "hazards") & (frame["district_code"] == HC))
        return rows["stale"].to_list()

    assert stale(SETTINGS) == [False]  # 15 ≤ 45
    assert stale(settings_with(tmp_path, "[thresholds]\nstale_days = 10\n")) == [True]  # 15 > 10


def test_accident_warning_window_and_serious_levels_follow_the_settings(tmp_path):
    # 03-01 → 04-05: 30 (March) + 5 = 35 days apart; one 较大 accident
    con = build(
        accidents=[
            dict(accident_id="C1", accident_date=D("2024-03-01"), district_code=HC, level="一般"),
            dict(accident_id="C2", accident_date=D("2024-04-05"), district_code=HC, level="较大"),
        ]
    )

    def rules(s):
        frame = accident_warnings(s, A, "环翠区", con=con)
        return sorted(frame.filter(frame["district_code"] == HC)["rule"].to_list())

    assert rules(SETTINGS) == ["serious_accident", "two_within_60_days"]  # 35 < 60; 较大
    ours = settings_with(
        tmp_path,
        '[thresholds.accident_warnings]\nwindow_days = 30\nserious_levels = ["重大", "特别重大"]\n',
    )
    assert rules(ours) == []  # 35 ≥ 30; 较大 is not serious here


def test_projection_days_follow_the_settings(tmp_path):
    from sqlkit import target

    t = target("video_coverage", window_start="2024-01-01")
    assert SETTINGS.thresholds["projection_days"] == 90
    assert engine.projection_date(t, A, 90) == D("2024-04-01")  # 06-30 − 90 days
    ours = settings_with(tmp_path, "[thresholds]\nprojection_days = 200\n")
    days = ours.thresholds["projection_days"]
    assert engine.projection_date(t, A, days) == D("2024-01-01")  # not before the window


def test_an_unknown_threshold_is_a_configuration_error(tmp_path):
    import pytest

    from safetystats.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\[thresholds\]: unknown setting 'stale_day'"):
        settings_with(tmp_path, "[thresholds]\nstale_day = 10\n")
