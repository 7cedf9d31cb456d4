"""The sample's area: its registry, leaf units and their spellings, how diligent each unit is,
and the random streams every dataset draws from."""

from __future__ import annotations

import numpy as np
import polars as pl

from safetystats.config import Settings
from safetystats.registry import code_path, national_divisions
from safetystats.sample.area import Spellings, area_of, leaf_units
from safetystats.sample.common import seed_tag
from safetystats.sample.scales import Scale


class SampleCity:
    def __init__(self, settings: Settings, seed: int, scale: Scale):
        self.settings = settings
        self.seed = seed
        self.tag = seed_tag(seed)
        self.rng = np.random.default_rng(seed)
        # the datasets added later draw from their own stream: the older files stay as they were
        self.rng_more = np.random.default_rng([seed, 1])
        self.scale = scale
        self.registry = settings.registry
        self.area = area_of(self.registry)
        self.districts = leaf_units(self.registry)
        self.spellings = Spellings(self.registry, self.districts)
        n = len(self.districts)
        # diligence: a spread from poor to excellent, shuffled over the leaf units
        self.diligence = self.rng.permutation(np.linspace(0.0, 1.0, n))

    def _operators(self, ent: pl.DataFrame, d_idx: np.ndarray) -> list[str]:
        """An operating enterprise of the same district for each site."""
        by_district = ent.group_by("d_idx").agg("enterprise_id")
        pools = dict(
            zip(by_district["d_idx"].to_list(), by_district["enterprise_id"].to_list(), strict=True)
        )
        return [
            pools[i][self.rng.integers(0, len(pools[i]))] if i in pools else None for i in d_idx
        ]

    def _pools(self, ent: pl.DataFrame) -> dict[int, np.ndarray]:
        """Row numbers of ``ent`` by leaf unit."""
        d_idx = ent["d_idx"].to_numpy()
        return {i: np.flatnonzero(d_idx == i) for i in range(len(self.districts))}

    def _department(self, leaf: int, kind: str) -> str:
        if kind == "执法检查":
            return self._county_office(leaf)
        if kind == "督导检查":
            return f"{self.area.name}安委会办公室督导组"
        return "本单位"

    def _county_office(self, leaf: int) -> str:
        """The 应急管理局 of the county a leaf unit lies in (the area's office if unknown)."""
        code6 = self.districts[leaf].code[:6]
        unit = self.registry.by_code.get(code6)
        division = national_divisions().get(code_path(code6) or "")
        name = unit.name if unit else division.name if division else None
        return f"{name}应急管理局" if name else self.area.office


def _spellings(frame: pl.DataFrame, city: SampleCity, rng, traditional=False) -> pl.Series:
    """District values as people write them (see `Spellings`)."""
    return city.spellings.pick(frame["d_idx"].to_numpy(), rng, traditional)
