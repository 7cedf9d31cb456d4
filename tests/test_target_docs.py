"""docs/targets.md: every TOML block a city would paste loads as targets."""

import re
import tomllib
from pathlib import Path

from safetystats.metrics.targets import parse_targets

DOC = Path(__file__).resolve().parents[1] / "docs" / "targets.md"


def test_every_example_in_the_targets_doc_is_a_valid_target():
    blocks = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 2
    targets = [t for block in blocks for t in parse_targets(tomllib.loads(block), "targets.md")]
    metrics = {t.metric for t in targets}
    assert {"event_frequency", "roster_coverage", "training_completion"} <= metrics
    assert {"supervision_coverage", "major_hazard_closure"} <= metrics
    assert all(t.source for t in targets)
