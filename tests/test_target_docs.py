"""docs/targets.md: every TOML block a city would paste loads as targets, and the checklist's
blocks run on the sample; docs/coverage.md: the table of the 98 items of the seed plans."""

import datetime as dt
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from safetystats.config import load_settings
from safetystats.ingest import ingest
from safetystats.metrics.engine import attainment
from safetystats.metrics.targets import load_targets, parse_targets
from safetystats.paths import PACKAGED_CONFIG
from safetystats.pipeline import refresh
from safetystats.sample import write_sample

DOCS = Path(__file__).resolve().parents[1] / "docs"
DOC = DOCS / "targets.md"
COVERAGE = DOCS / "coverage.md"
STATUSES = ("default", "block", "partly", "none")


def blocks() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def doc_targets():
    # the origin is the doc itself: a quotas file is read beside it (docs/enforcement_plan.csv)
    return [t for block in blocks() for t in parse_targets(tomllib.loads(block), str(DOC))]


def coverage_rows() -> list[list[str]]:
    rows = []
    for line in COVERAGE.read_text(encoding="utf-8").splitlines():
        if re.match(r"\| [WLQUG]\d\d \|", line):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def test_every_example_in_the_targets_doc_is_a_valid_target():
    targets = doc_targets()
    metrics = {t.metric for t in targets}
    assert {"event_frequency", "roster_coverage", "training_completion"} <= metrics
    assert {"supervision_coverage", "major_hazard_closure"} <= metrics
    new = {"activity_frequency", "event_quota", "task_progress", "accident_count"}
    assert new | {"training_pass_rate"} <= metrics
    assert all(t.source for t in targets)
    assert len({t.id for t in targets}) == len(targets)


def test_coverage_lists_the_98_items_each_with_a_status_and_a_reason_or_target():
    rows = coverage_rows()
    ids = [r[0] for r in rows]
    assert len(ids) == 98 and len(set(ids)) == 98
    assert all(r[2] in STATUSES and r[3] for r in rows), [r for r in rows if r[2] not in STATUSES]
    computed = [r for r in rows if r[2] in ("default", "block")]
    assert len(computed) >= 75
    # a block row names targets of targets.md, and each block says which item it serves
    documented = {t.id for t in doc_targets()}
    for item, _, status, named in rows:
        if status == "block":
            assert set(named.split(", ")) <= documented, item
    commented = set(re.findall(r"^# ([WLQUG]\d\d)\b", DOC.read_text(encoding="utf-8"), re.M))
    assert {r[0] for r in rows if r[2] == "block" and r[0] in commented} == commented
    # a none item is named in the doc's list of what ledgers cannot give
    cannot = DOC.read_text(encoding="utf-8").split("## What ledgers cannot give")[1]
    assert all(r[0] in cannot for r in rows if r[2] == "none")


def test_default_rows_name_default_targets_or_figures():
    defaults = {t.id for t in load_targets(PACKAGED_CONFIG / "targets.toml")}
    for item, _, status, named in coverage_rows():
        if status == "default" and re.fullmatch(r"[a-z_]+", named):
            assert named in defaults | {"hazard_statistics"}, item


AS_OF = ("2024-01-31", "2024-06-30", "2024-12-31")


@pytest.fixture(scope="module")
def sample_attainment(tmp_path_factory):
    """Every target of the doc on the city sample, at the end of January, June and December."""
    base = tmp_path_factory.mktemp("doc_sample")
    targets = base / "targets.toml"
    targets.write_text("\n".join(blocks()), encoding="utf-8")
    shutil.copy(DOCS / "enforcement_plan.csv", base / "enforcement_plan.csv")
    settings = load_settings(
        raw=base / "raw", db=base / "store.duckdb", reports=base / "reports", targets=targets
    )
    write_sample(settings.raw, settings, seed=2024, scale_name="city")
    ingest(None, settings)
    refresh(settings)
    return [attainment(settings, as_of=day) for day in AS_OF]


@pytest.mark.slow  # sample, ingest, GX and curation for real
def test_every_block_runs_on_the_sample_and_finds_its_data(sample_attainment):
    """Found: at one of the dates a figure (not no_data) and, for a share, something done (a
    numerator > 0: a monthly duty nobody kept all year is a true 0 at 12-31, not missing)."""
    found, seen = set(), set()
    for frame in sample_attainment:
        for r in frame.filter(frame["scope"] == "total").iter_rows(named=True):
            seen.add(r["target_id"])
            if r["status"] != "no_data" and (r["kind"] == "count" or r["numerator"]):
                found.add(r["target_id"])
    started = {t.id for t in doc_targets() if t.window_start <= dt.date(2024, 12, 31)}
    assert seen == started  # the 2025 example has not started
    assert sorted(started - found) == []
