"""A large file's prepared rows kept on disk until they are stored (issue 23 goal 3).

A CSV read in chunks (read.chunk_bytes) writes each chunk's prepared rows as one Parquet part
as soon as the chunk is prepared, in a folder beside the store (``<store>.rows/``), so that
memory follows the chunk, not the file. The file's repeated keys are found over the parts in
SQL (DuckDB within ``[ingest] settle_memory_limit``); only the rows of those keys are read back
to be settled as a whole file's are (prepare.resolve_duplicates); the writer upserts from the
parts (staging.upsert), in the file's one transaction, and the parts are removed."""

from __future__ import annotations

import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from safetystats.sql import load_sql


def _folder(db: Path) -> Path:
    return db.with_name(db.name + ".rows")


def remove_stale(db: Path) -> None:
    """Parts a run that stopped left beside the store (called under the writers' lock)."""
    shutil.rmtree(_folder(db), ignore_errors=True)


def settle_memory_limit() -> str:
    from safetystats.config import packaged

    return packaged("performance")["ingest"]["settle_memory_limit"]


@dataclass
class RowParts:
    """One file's prepared rows of one dataset, as Parquet parts in file order; ``dropped``:
    the ``_row`` of rows not to store (repeated keys settled)."""

    folder: str
    paths: list[str] = field(default_factory=list)
    rows: int = 0
    dropped: list[int] = field(default_factory=list)

    @classmethod
    def beside(cls, db: Path) -> RowParts:
        folder = _folder(db)
        folder.mkdir(parents=True, exist_ok=True)
        return cls(tempfile.mkdtemp(dir=folder))

    @property
    def height(self) -> int:
        """The rows to store."""
        return self.rows - len(self.dropped)

    def add(self, frame: pl.DataFrame) -> None:
        path = Path(self.folder) / f"{len(self.paths):06d}.parquet"
        # encoded in memory (a part is a few MB), written by Python: a full disk is an
        # OSError (errors.disk_error), where polars' own writer loses the reason
        encoded = io.BytesIO()
        frame.write_parquet(encoded, compression="lz4", statistics=False)
        path.write_bytes(encoded.getbuffer())
        self.paths.append(str(path))
        self.rows += frame.height

    def repeated(self) -> pl.DataFrame:
        """The rows whose key is repeated in the file, in file order."""
        limits = {"memory_limit": settle_memory_limit(), "temp_directory": self.folder}
        con = duckdb.connect(config=limits)
        try:
            found = con.execute(load_sql("staging/parts_repeated_keys"), {"parts": self.paths})
            keys = pl.Series("_key", [k for (k,) in found.fetchall()], dtype=pl.String)
        finally:
            con.close()
        return pl.scan_parquet(self.paths).filter(pl.col("_key").is_in(keys.implode())).collect()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
