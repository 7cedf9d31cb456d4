"""A large file's prepared rows kept on disk until they are stored (issue 23 goal 3).

A CSV read in chunks (read.chunk_bytes) keeps its chunks' prepared rows as frames while they
hold at most ``rows_in_memory`` bytes (``ChunkRows``): such a file is then stored as a file
read whole is. Beyond that, each chunk's prepared rows are written as one Parquet part as soon
as the chunk is prepared, in a folder beside the store (``<store>.rows/``), so that memory
follows the chunk, not the file. The file's repeated keys are found from a hash of each
row's key kept as the parts are written (8 bytes a row); only the rows of those keys are read
back to be settled as a whole file's are (prepare.resolve_duplicates); the writer upserts from
the parts (staging.upsert), in the file's one transaction, and the parts are removed."""

from __future__ import annotations

import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl


def rows_in_memory() -> int:
    """Bytes of prepared rows a file in chunks keeps as frames before it writes them to disk
    (config/performance.toml ``[ingest] rows_in_memory``; 0: always on disk)."""
    from safetystats.config import packaged

    return int(packaged("performance")["ingest"]["rows_in_memory"])


def _folder(db: Path) -> Path:
    return db.with_name(db.name + ".rows")


def remove_stale(db: Path) -> None:
    """Parts a run that stopped left beside the store (called under the writers' lock)."""
    shutil.rmtree(_folder(db), ignore_errors=True)


@dataclass
class RowParts:
    """One file's prepared rows of one dataset, as Parquet parts in file order; ``dropped``:
    the ``_row`` of rows not to store (repeated keys settled); ``hashes``: each part's keys
    hashed, until the repeated keys are found."""

    folder: str
    paths: list[str] = field(default_factory=list)
    rows: int = 0
    dropped: list[int] = field(default_factory=list)
    hashes: list[pl.Series] = field(default_factory=list)
    # column -> (least, greatest) over every part's rows, for ``_key`` and the date columns:
    # the upsert's bounds (staging.upsert) without reading the parts once more
    bounds: dict[str, tuple] = field(default_factory=dict)

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
        import pyarrow.parquet as pq

        path = Path(self.folder) / f"{len(self.paths):06d}.parquet"
        # encoded in memory (a part is a few MB), written by Python: a full disk is an
        # OSError (errors.disk_error), where polars' own writer loses the reason. pyarrow's
        # writer without dictionaries: 30 % less CPU to write than polars' (lz4 either way)
        # and to read back in the upsert, for a part 1.5 times as large
        encoded = io.BytesIO()
        pq.write_table(
            frame.to_arrow(),
            encoded,
            compression="lz4",
            use_dictionary=False,
            write_statistics=False,
        )
        path.write_bytes(encoded.getbuffer())
        self.paths.append(str(path))
        self.rows += frame.height
        self.hashes.append(frame["_key"].hash())
        self._widen(frame)

    def _widen(self, frame: pl.DataFrame) -> None:
        """``bounds`` with this part's rows (nulls aside, as SQL's min and max)."""
        names = ["_key", *(n for n, dtype in frame.schema.items() if dtype == pl.Date)]
        found = frame.select(pl.col(names).min().name.prefix("lo_"), pl.col(names).max())
        for name in names:
            lo, hi = found[f"lo_{name}"][0], found[name][0]
            old_lo, old_hi = self.bounds.get(name, (None, None))
            self.bounds[name] = (
                min((v for v in (old_lo, lo) if v is not None), default=None),
                max((v for v in (old_hi, hi) if v is not None), default=None),
            )

    def repeated(self) -> pl.DataFrame:
        """The rows whose key is repeated in the file, in file order: of the parts holding a
        key whose hash repeats, the rows with such a hash are read back, and of them those
        whose key itself repeats. A file without repeated keys reads no part back (DuckDB
        grouping every part's keys cost 0.2-0.3 s of CPU a million rows)."""
        hashes, self.hashes = self.hashes, []  # not needed past this (nor sent to the writer)
        every = pl.concat(hashes)
        twice = every.filter(every.is_duplicated()).unique()
        paths = [
            p for p, h in zip(self.paths, hashes, strict=True) if h.is_in(twice.implode()).any()
        ]
        if not paths:
            return pl.scan_parquet(self.paths[:1]).head(0).collect()
        rows = pl.scan_parquet(paths).filter(pl.col("_key").hash().is_in(twice.implode()))
        return rows.collect().filter(pl.len().over("_key") > 1)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class ChunkRows:
    """A file's prepared rows as its chunks are prepared: frames while they hold at most
    ``budget`` bytes (a part cost about 0.2 s of CPU to write per 400 k hazards rows), else
    Parquet parts beside the store, the frames kept so far written first."""

    db: Path
    budget: int = field(default_factory=lambda: rows_in_memory())
    frames: list[pl.DataFrame] = field(default_factory=list)
    size: int = 0
    parts: RowParts | None = None

    def add(self, frame: pl.DataFrame) -> None:
        if self.parts is not None:
            self.parts.add(frame)
            return
        self.frames.append(frame)
        self.size += frame.estimated_size()
        if self.size > self.budget:  # on disk from now on
            self.parts = RowParts.beside(self.db)
            kept, self.frames = self.frames, []
            for part in kept:
                self.parts.add(part)

    def frame(self) -> pl.DataFrame:
        """The rows kept as frames, as one frame (none when they went to parts)."""
        return pl.concat(self.frames, how="vertical_relaxed")

    def remove(self) -> None:
        if self.parts is not None:
            self.parts.remove()
