"""The sample files of a raw folder, kept apart from the user's own (DATA_SPEC 3).

Sample files are named ``样例数据_…``. A folder that holds both them and other ledgers is
refused, and so is a folder of the user's own ledgers while the store holds sample rows, so
a user's figures are never added to the sample's; ``safetystats sample --remove`` takes the
sample files out of the folder, ``make clean`` (deleting the store) the rows out of the store.
"""

from __future__ import annotations

from pathlib import Path

from safetystats.errors import SampleMixedError

SAMPLE_PREFIX = "样例数据"
REMOVE_COMMAND = "safetystats sample --remove"


def is_sample(path: Path) -> bool:
    return path.name.startswith(SAMPLE_PREFIX)


def own_ledgers(folder: Path, ledgers: list[Path]) -> list[Path]:
    """The ledgers found in ``folder`` that are not sample files."""
    return [p for p in ledgers if p.is_relative_to(folder) and not is_sample(p)]


def check_not_mixed(folder: Path, ledgers: list[Path]) -> None:
    """SampleMixedError when the ledgers found in ``folder`` are sample files and others."""
    own = own_ledgers(folder, ledgers)
    samples = sum(1 for p in ledgers if p.is_relative_to(folder) and is_sample(p))
    if samples and own:
        raise SampleMixedError(
            f"{folder} 中既有样例数据文件（{samples} 个）又有其他台账（{len(own)} 个，如 "
            f"{own[0].name}）：样例数据会混入您的数据。请先运行 `{REMOVE_COMMAND}` 删除样例文件 / "
            f"{folder} holds {samples} sample files (样例数据…) and {len(own)} other ledgers "
            f"(such as {own[0].name}): they would be added up together. Run `{REMOVE_COMMAND}` "
            "to remove the sample files first"
        )


def check_store_has_no_samples(db: Path, own: list[Path], samples_stored: int) -> None:
    """SampleMixedError when the user's own ledgers would join sample rows in the store."""
    if own and samples_stored:
        raise SampleMixedError(
            f"数据库 {db} 中已有样例数据（{samples_stored} 个文件），您的台账（如 {own[0].name}）"
            f"会与之混合：请先运行 `{REMOVE_COMMAND}`，再 `make clean`（或删除该数据库）后重新导入 / "
            f"the store {db} holds the rows of {samples_stored} sample files: your ledgers "
            f"(such as {own[0].name}) would be added to them. Run `{REMOVE_COMMAND}`, then "
            "`make clean` (or delete the store), and ingest again"
        )


def remove_samples(folder: Path) -> list[Path]:
    """Delete the sample files under ``folder`` (and nothing else); the files removed."""
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.rglob(f"{SAMPLE_PREFIX}*") if p.is_file() or p.is_symlink())
    for path in found:
        path.unlink()
    return found
