"""Target roles (DATA_SPEC 6.6, 8.1): what a page uses a target for, never "the first target
of metric X"."""

import datetime as dt

import pytest

from safetystats.config import ConfigError
from safetystats.metrics.targets import load_targets, parse_targets, target_with_role
from safetystats.paths import PACKAGED_CONFIG


def test_an_unknown_role_is_a_configuration_error_naming_the_target():
    entry = {
        "id": "x1", "metric": "video_coverage", "threshold": "1", "window_start": "2024-01-01",
        "deadline": "2024-12-31", "role": "evacuation_lists",
    }  # fmt: skip
    with pytest.raises(ConfigError, match="target x1: unknown role 'evacuation_lists'"):
        parse_targets({"targets": [entry]}, "t.toml")
    entry["role"] = "evacuation_list"  # a list of enterprises short of events
    with pytest.raises(ConfigError, match="target x1: role evacuation_list needs metric event_fr"):
        parse_targets({"targets": [entry]}, "t.toml")
    packaged = load_targets(PACKAGED_CONFIG / "targets.toml")
    day = dt.date(2024, 6, 30)
    assert target_with_role(packaged, "evacuation_list", day).id == "evacuation_drill_coverage"
    assert target_with_role(packaged, "drill_share_window", day).id == "unannounced_drill_share"


def test_of_two_targets_with_a_role_the_one_in_force_is_used():
    entry = {"metric": "video_coverage", "threshold": "1", "role": "drill_share_window"}
    targets = parse_targets(
        {"targets": [
            {**entry, "id": "y2024", "window_start": "2024-01-01", "deadline": "2024-12-31"},
            {**entry, "id": "y2025", "window_start": "2025-01-01", "deadline": "2025-12-31"},
        ]},
        "t.toml",
    )  # fmt: skip
    assert target_with_role(targets, "drill_share_window", dt.date(2024, 5, 1)).id == "y2024"
    assert target_with_role(targets, "drill_share_window", dt.date(2025, 5, 1)).id == "y2025"
    assert target_with_role(targets, "drill_share_window", dt.date(2026, 5, 1)).id == "y2025"
    assert target_with_role(targets, "evacuation_list", dt.date(2025, 5, 1)) is None
