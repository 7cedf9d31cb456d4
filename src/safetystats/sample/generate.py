"""`safetystats sample`: realistic, messy ledgers for every dataset, deterministic by seed.

Every file name starts with 样例数据 and every title row says it is sample data, so that a
bulletin can never pass sample figures off as real. The records are spread over the leaf units
of the settings' registry (any registry: a city's 区市, a province's counties, a 街道's 社区),
spelled as people write them; units differ in how well they do (a "diligence" drawn per leaf
unit), so some meet each target and some do not. Each scale is written for one packaged
registry (`scales.registry_for_scale`). One module per dataset family draws its records and
writes its files; this one writes them all, in the order their random draws depend on.
"""

from __future__ import annotations

from pathlib import Path

from safetystats.config import Settings
from safetystats.sample.accidents import write_accidents
from safetystats.sample.activities import write_activities
from safetystats.sample.checklist import write_checklist_rosters
from safetystats.sample.city import SampleCity
from safetystats.sample.common import SampleFiles
from safetystats.sample.drills import write_drills
from safetystats.sample.enterprises import write_enterprises
from safetystats.sample.hazards import write_hazards
from safetystats.sample.inspections import write_inspections
from safetystats.sample.rosters import write_rosters, write_video_sites
from safetystats.sample.scales import SCALES, check_registry, hazard_part_rows, scaled
from safetystats.sample.tasks import write_tasks
from safetystats.sample.training import write_training


def write_sample(
    out: Path,
    settings: Settings,
    seed: int = 2024,
    scale_name: str = "city",
    factor: int = 1,
    any_registry: bool = False,
) -> list[Path]:
    """Write the sample ledgers under ``out``; returns the files written. The settings'
    registry must be the one the scale is written for (`registry_for_scale`) unless
    ``any_registry`` (the scale's volumes spread over the settings' units); ``factor``
    multiplies its volumes (`scaled`)."""
    if not any_registry:
        check_registry(settings, scale_name)
    city = SampleCity(settings, seed, scaled(SCALES[scale_name], factor))
    path = SampleFiles(out, city.scale.large_as_csv)
    # the first stream (city.rng), in this order
    ent = write_enterprises(city, path)
    write_hazards(city, ent, path, hazard_part_rows(scale_name))
    write_drills(city, ent, path)
    write_training(city, ent, path)
    write_video_sites(city, ent, path)
    # the second stream (city.rng_more), in this order
    write_accidents(city, ent, path)
    write_inspections(city, ent, path)
    write_rosters(city, ent, path)
    # streams of their own
    write_tasks(city, path)
    write_activities(city, path)
    write_checklist_rosters(city, ent, path)
    return path.written
