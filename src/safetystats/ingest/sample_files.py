"""The sample files of a raw folder, kept apart from the user's own (DATA_SPEC 3).

Sample files are named ``样例数据_…``. A folder that holds both them and other ledgers is
refused, so a user's figures are never added to the sample's; ``safetystats sample --remove``
takes the sample files out.
"""

from __future__ import annotations

from pathlib import Path

from safetystats.errors import SampleMixedError

SAMPLE_PREFIX = "样例数据"
REMOVE_COMMAND = "safetystats sample --remove"


def is_sample(path: Path) -> bool:
    return path.name.startswith(SAMPLE_PREFIX)


def check_not_mixed(folder: Path, ledgers: list[Path]) -> None:
    """SampleMixedError when the ledgers found in ``folder`` are sample files and others."""
    inside = [p for p in ledgers if p.is_relative_to(folder)]
    own = [p for p in inside if not is_sample(p)]
    samples = len(inside) - len(own)
    if samples and own:
        raise SampleMixedError(
            f"{folder} 中既有样例数据文件（{samples} 个）又有其他台账（{len(own)} 个，如 "
            f"{own[0].name}）：样例数据会混入您的数据。请先运行 `{REMOVE_COMMAND}` 删除样例文件 / "
            f"{folder} holds {samples} sample files (样例数据…) and {len(own)} other ledgers "
            f"(such as {own[0].name}): they would be added up together. Run `{REMOVE_COMMAND}` "
            "to remove the sample files first"
        )


def remove_samples(folder: Path) -> list[Path]:
    """Delete the sample files under ``folder`` (and nothing else); the files removed."""
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.rglob(f"{SAMPLE_PREFIX}*") if p.is_file() or p.is_symlink())
    for path in found:
        path.unlink()
    return found
