"""The sample scales (volumes and the packaged registry each is written for), N× a scale,
and the check that the settings use that registry."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from safetystats.config import Settings
from safetystats.errors import ConfigError
from safetystats.paths import PACKAGED_CONFIG


@dataclass(frozen=True)
class Scale:
    enterprises: int
    hazards_per_year: int
    drills: int
    sites: int
    bad_rows: bool = True
    large_as_csv: bool = False
    registry: str | None = None  # the packaged registry (under config/); None: districts.csv


SCALES = {
    "small": Scale(enterprises=140, hazards_per_year=400, drills=420, sites=42),
    "city": Scale(enterprises=3000, hazards_per_year=10_000, drills=5000, sites=280),
    "province": Scale(
        enterprises=200_000,
        hazards_per_year=1_000_000,
        drills=500_000,
        sites=12_000,
        bad_rows=True,
        large_as_csv=True,
        registry="registries/shandong.csv",
    ),
    "street": Scale(
        enterprises=60,
        hazards_per_year=180,
        drills=180,
        sites=12,
        registry="registries/street.csv",
    ),
}
DEFAULT_REGISTRY = PACKAGED_CONFIG / "districts.csv"


def scaled(scale: Scale, factor: int = 1) -> Scale:
    """``factor`` × the volumes of ``scale`` (enterprises, hazards, drills, sites, and with the
    enterprises everything drawn per enterprise: training, inspections, accidents, rosters):
    one sample, the same registry and the same shape of data."""
    if not isinstance(factor, int) or factor < 1:
        raise ConfigError(
            f"样例倍数须为正整数 / the sample factor must be an integer ≥ 1, not {factor!r}"
        )
    if factor == 1:
        return scale
    return replace(
        scale,
        enterprises=scale.enterprises * factor,
        hazards_per_year=scale.hazards_per_year * factor,
        drills=scale.drills * factor,
        sites=scale.sites * factor,
    )


def registry_for_scale(scale_name: str) -> Path | None:
    """The packaged registry a scale is written for; None means the packaged default
    (``config/districts.csv``, the sample city)."""
    if scale_name not in SCALES:
        raise ConfigError(
            f"未知的样例规模 / unknown sample scale {scale_name!r} (known: {', '.join(SCALES)})"
        )
    scale = SCALES[scale_name]
    return PACKAGED_CONFIG / scale.registry if scale.registry else None


def _same_file(a: Path, b: Path) -> bool:
    a, b = Path(a).resolve(), Path(b).resolve()
    if a == b:
        return True
    try:  # a copy of the packaged file is the same registry
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def check_registry(settings: Settings, scale_name: str) -> None:
    """A ConfigError unless the settings use the registry the scale is written for."""
    wanted = registry_for_scale(scale_name) or DEFAULT_REGISTRY
    if _same_file(settings.districts, wanted):
        return
    if registry_for_scale(scale_name) is None:
        hint = (
            f"remove `districts` from [registry] (the packaged default) or set\n"
            f'[registry]\ndistricts = "{wanted.as_posix()}"'
        )
    else:
        hint = f'set\n[registry]\ndistricts = "{wanted.as_posix()}"'
    raise ConfigError(
        f"样例规模 {scale_name} 按单位名录 {wanted.name} 生成，当前设置使用 "
        f"{Path(settings.districts).as_posix()} / the {scale_name} sample is written for the "
        f"registry {wanted.as_posix()}, but the settings use "
        f"{Path(settings.districts).as_posix()}; in safetystats.toml {hint}"
    )


def hazard_part_rows(scale_name: str) -> int | None:
    """Rows of hazards drawn and written at a time: the 1× volume of a scale whose ledgers are
    CSV (so that N× the province holds one part in memory), else a whole year at once."""
    scale = SCALES[scale_name]
    return scale.hazards_per_year if scale.large_as_csv else None
