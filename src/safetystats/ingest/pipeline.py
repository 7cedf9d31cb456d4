"""ingest: files and folders -> the store, one transaction per file (DATA_SPEC section 5)."""

from __future__ import annotations

import hashlib
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from safetystats import store
from safetystats.config import Settings
from safetystats.errors import disk_error
from safetystats.ingest import marker, parallel, parts, read, staging
from safetystats.ingest.entries import unreadable, walk
from safetystats.ingest.prepare import (
    NoHeaderError,
    Prepared,
    TableError,
    resolve_duplicates,
    stage_table,
)
from safetystats.ingest.read import (
    SUPPORTED,
    UNSUPPORTED_SUFFIXES,
    ReadError,
    ReadInOneGo,
    read_file,
)
from safetystats.ingest.sample_files import (
    SAMPLE_PREFIX,
    check_not_mixed,
    check_store_has_no_samples,
    own_ledgers,
)
from safetystats.ingest.spec import load_specs
from safetystats.sql import load_sql

SAMPLE_MARKERS = ("样例", "sample")


@dataclass
class FileResult:
    path: Path
    status: str  # "ingested", "unchanged", "failed"
    datasets: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_stored: int = 0
    rows_held: int = 0
    rows_skipped: int = 0
    skipped_by_reason: dict[str, int] = field(default_factory=dict)  # empty, footer, duplicate
    title_rows: int = 0
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    returned: bool = False  # a returned package (DATA_SPEC 8.6), read as corrections


ROSTERS = "rosters"  # rosters/<name>/ names the list (DATA_SPEC 2.11)
# files that are not ledgers, left alone with a note (DATA_SPEC 3)
NOT_LEDGERS = ("thumbs.db", "desktop.ini")
# files of a folder that are left alone without a note (our own README files)
QUIET = (".md",)


def not_a_ledger(path: Path) -> bool:
    name = path.name
    return name.startswith(("~$", ".")) or name.lower() in NOT_LEDGERS


def discover(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The files to ingest (files of a folder in sorted path order) and notes on the files
    of a folder that are left alone. Files of a type we cannot read, and entries that cannot
    be read as files (pipes, sockets, dangling links, link loops, links to anything but a
    file, no read permission), are kept: ingesting them fails with a message naming them and
    the reason, never silently."""
    out, notes = [], []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        for f in walk(path):
            if any(part.startswith(".") for part in f.relative_to(path).parts[:-1]):
                continue  # inside a hidden folder
            if not_a_ledger(f):
                notes.append(f"{f}: 不是台账，已跳过 / not a ledger, left alone")
            elif unreadable(f):
                out.append(f)  # ingesting it fails with the reason
            elif f.suffix.lower() in SUPPORTED or f.suffix.lower() in UNSUPPORTED_SUFFIXES:
                out.append(f)
            elif f.suffix.lower() not in QUIET:
                notes.append(f"{f}: 不是表格文件，已跳过 / not a spreadsheet or CSV, left alone")
    return out, notes


def where(path: Path) -> Path:
    """A file's absolute path as the user sees it: its folder resolved, a link not followed
    (a linked file is where its link is; a link loop does not fail)."""
    return path.parent.resolve() / path.name


def file_values(path: Path, settings: Settings) -> dict[str, str]:
    """Column values every row of the file shares, from ``[[datasets.<name>.files]]``
    (``match``: a glob on the path relative to the raw folder, ``set``: column = value)."""
    from fnmatch import fnmatch

    try:
        relative = where(path).relative_to(settings.raw.resolve()).as_posix()
        parts = relative.split("/")
    except ValueError:
        relative, parts = path.name, list(where(path).parts)
    values: dict[str, str] = {}
    # rosters/<name>/...: the roster's name (the innermost rosters/ folder, at any depth, so
    # that raw/2025-01/rosters/<name>/ or a folder outside raw/ names it too)
    found = [i for i in range(len(parts) - 2) if parts[i] == ROSTERS]
    if found:
        values["roster"] = parts[found[-1] + 1]
    for body in settings.extensions.get("datasets", {}).values():
        for entry in body.get("files", []):
            if fnmatch(relative, entry.get("match", "")):
                values |= {k: str(v) for k, v in entry.get("set", {}).items()}
    return values


def unmatched_file_patterns(settings: Settings, files: list[Path]) -> list[str]:
    """Notes on ``[[datasets.*.files]]`` patterns that match none of the files."""
    from fnmatch import fnmatch

    names = []
    for f in files:
        try:
            names.append(where(f).relative_to(settings.raw.resolve()).as_posix())
        except ValueError:
            names.append(f.name)
    return [
        f"[[datasets.{name}.files]] match = {entry.get('match')!r} 没有匹配的文件 / matches no file"
        for name, body in settings.extensions.get("datasets", {}).items()
        for entry in body.get("files", [])
        if not any(fnmatch(n, entry.get("match", "")) for n in names)
    ]


def dataset_from_folder(path: Path, specs, raw_root: Path | None) -> str | None:
    parents = path.parent.parts
    if raw_root is not None:
        try:
            parents = path.parent.resolve().relative_to(raw_root.resolve()).parts
        except ValueError:
            pass
    for part in reversed(parents):
        if part in specs:
            return part
    return None


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class PreparedFile:
    """What reading and preparing one file gave (no store needed: runs in a worker process):
    the rows to store per dataset, or ``message`` when the file cannot be stored."""

    preps: list[Prepared] = field(default_factory=list)
    rows: dict[str, object] = field(default_factory=dict)  # dataset -> resolved frame
    staged_rows: list[int] = field(default_factory=list)  # rows each table staged
    marker: dict | None = None  # the facts a template's or package's marker gives
    package: list | None = None  # a returned package's tables, applied by ingest_return
    warnings: list[str] = field(default_factory=list)
    message: str = ""


def prepare_file(path: Path, settings: Settings, specs, dataset: str | None) -> PreparedFile:
    """Read and prepare one file: its tables staged, repeated keys settled per dataset. A large
    CSV is read and prepared in chunks (``read.chunk_bytes``), unless it needs reading whole."""
    try:
        return _prepare_file(path, settings, specs, dataset, read.chunk_bytes())
    except ReadInOneGo:
        return _prepare_file(path, settings, specs, dataset, 0)


def _prepare_file(
    path: Path, settings: Settings, specs, dataset: str | None, chunk: int
) -> PreparedFile:
    out = PreparedFile()
    dataset = dataset or dataset_from_folder(path, specs, settings.raw)
    try:
        tables, notes = read_file(path, chunk)
        out.warnings += notes
        facts = out.marker = next((t.marker for t in tables if t.marker), None)
        if facts is not None and facts.get("kind") == "package":  # corrections, not a ledger
            out.package = tables  # read against the store by the writer
            return out
        if facts is not None and facts.get("kind") == "template":  # its dataset is never guessed
            dataset = facts.get("dataset") or dataset
            # every sheet but its instructions: one the clerk added or copied is read too (a
            # sheet without the ledger's header is skipped with a note), none lost unsaid
            tables = [t for t in tables if t.sheet != marker.NOTES_SHEET]
            out.warnings += [n for t in tables if (n := marker.drop_example(t, facts))]
        skipped: list[str] = []
        for table in tables:
            if table.frame.height == 0:
                continue
            try:
                prep = stage_table(table, specs, settings, dataset, file_values(path, settings))
            except NoHeaderError as exc:
                if len(tables) == 1:
                    raise
                skipped.append(str(exc))  # a sheet of notes beside the data: said, not stored
                continue
            # the cells as read are not needed further: freed before the next sheet (memory)
            for done in (table, prep.table):
                done.frame, done.row_numbers = done.frame.clear(), None
            out.preps.append(prep)
        if not out.preps:
            raise TableError("; ".join(skipped) or f"{path}: the file holds no rows")
        out.warnings += [f"sheet skipped: {message}" for message in skipped]
        if facts is not None and facts.get("kind") == "template":
            out.warnings += marker.outside_unit(out.preps, facts, settings.registry)
    except (ReadError, TableError) as exc:
        out.preps, out.message = [], str(exc)  # the notes on reading are kept
        return out
    by_dataset: dict[str, list[Prepared]] = {}
    for prep in out.preps:
        by_dataset.setdefault(prep.dataset, []).append(prep)
    try:
        out.rows = {n: resolve_duplicates(group, specs[n]) for n, group in by_dataset.items()}
    except BaseException:
        remove_parts(out.preps)
        raise
    out.staged_rows = [p.height for p in out.preps]
    for prep in out.preps:  # only their counts and labels are needed further (and pickled)
        prep.staged = prep.staged.clear()
    return out


def remove_parts(preps: list[Prepared]) -> None:
    """The rows a file in chunks kept on disk (ingest/parts.py), once stored or not."""
    for prep in preps:
        if prep.parts is not None:
            prep.parts.remove()


def ingest_file(
    con, path: Path, settings: Settings, specs, dataset: str | None = None
) -> FileResult:
    """Read, prepare and store one file in one transaction; the store is unchanged on failure."""
    result, digest = check_file(con, path)
    if digest is None:
        return result
    prepared = prepare_file(path, settings, specs, dataset)
    return store_file(con, path, digest, prepared, settings, specs)


def check_file(con, path: Path) -> tuple[FileResult, str | None]:
    """The file's sha256, or None (and why, in the result) when it is not to be read."""
    _, result, digest = check_files(con, [path])[0]
    return result, digest


def check_files(con, paths: list[Path]) -> list[tuple[Path, FileResult, str | None]]:
    """Each file, its result so far and its sha256, or None (and why, in the result) when it
    is not to be read; the files to hash hashed at once (staging.file_digests)."""
    reasons = {path: unreadable(path) for path in paths}
    readable = [path for path in paths if not reasons[path]]
    digests = dict(zip(readable, staging.file_digests(con, readable, sha256), strict=True))
    checked = []
    for path in paths:
        result, digest = FileResult(path, "failed"), digests.get(path)
        if reasons[path]:
            result.message = f"{path}: 无法读取 / cannot be read: {reasons[path]}"
        elif staging.known_sha(con, digest):
            staging.record_stat(con, str(path.resolve()), digest)  # a store from before file_stats
            result.status = "unchanged"
            result.message = "same sha256 already ingested"
            digest = None
        checked.append((path, result, digest))
    return checked


def store_file(
    con, path: Path, digest: str, prepared: PreparedFile, settings: Settings, specs
) -> FileResult:
    """Store one prepared file in one transaction; the store is unchanged on failure."""
    try:
        return _store_file(con, path, digest, prepared, settings, specs)
    finally:
        remove_parts(prepared.preps)


def _store_file(
    con, path: Path, digest: str, prepared: PreparedFile, settings: Settings, specs
) -> FileResult:
    result = FileResult(path, "failed", warnings=list(prepared.warnings))
    if prepared.message:
        result.message = prepared.message
        return result
    if staging.known_sha(con, digest):  # the same file twice in one run
        return FileResult(path, "unchanged", message="same sha256 already ingested")
    facts = prepared.marker
    if prepared.package:
        return ingest_return(con, path, prepared.package, facts, settings, specs, digest, result)
    preps = prepared.preps
    now = datetime.now()
    con.execute("BEGIN TRANSACTION")
    try:
        file_id = staging.new_file_id(con)
        stored = 0
        for name, rows in prepared.rows.items():
            staging.upsert(con, specs[name], rows, file_id, now)
            stored += rows.height
        # a per-person list stores its counts: its stored rows are the persons counted
        staged = prepared.staged_rows
        stored += sum(p.persons - n for p, n in zip(preps, staged, strict=True) if p.persons)
        held = [h for p in preps for h in p.held]
        staging.insert_held(con, held, file_id)
        result.rows_read = sum(p.rows_read for p in preps)
        result.rows_stored = stored
        result.rows_held = len(held)
        result.skipped_by_reason = {
            "empty": sum(p.skipped_empty for p in preps),
            "footer": sum(p.skipped_footer - p.skipped_empty for p in preps),
            "duplicate": sum(p.skipped_duplicate for p in preps),
        }
        result.rows_skipped = sum(result.skipped_by_reason.values())
        result.warnings += [
            f"{p.table.label}: {p.persons} 名培训人员计入 {n} 条培训台账 / "
            f"{p.persons} trainees counted into {n} training_counts rows"
            for p, n in zip(preps, staged, strict=True)
            if p.persons
        ]
        result.title_rows = sum(p.title_rows for p in preps)
        result.datasets = sorted(prepared.rows)
        for p in preps:
            if p.ignored_headers:
                result.warnings.append(
                    f"{p.table.label}: columns not used: {', '.join(p.ignored_headers)}"
                )
        lowered = str(path).lower()
        staging.record_file(
            con,
            file_id=file_id,
            path=str(path.resolve()),
            file_name=path.name,
            sheet=",".join(p.table.sheet or "" for p in preps),
            sha256=digest,
            dataset=",".join(result.datasets),
            encoding=preps[0].table.encoding,
            rows_read=result.rows_read,
            rows_stored=result.rows_stored,
            rows_held=result.rows_held,
            rows_skipped=result.rows_skipped,
            title_rows=result.title_rows,
            is_sample=any(m in lowered for m in SAMPLE_MARKERS),
            ingested_at=now,
        )
        staging.record_headers(
            con,
            file_id,
            [(p.table.sheet or "", c, h) for p in preps for c, h in p.headers.items()],
        )
        if facts is not None and result.rows_stored + result.rows_held:
            from safetystats.followup.reporting import record_arrival

            # a filled template: when it arrived (DATA_SPEC 8.6)
            record_arrival(con, facts, file_id, now, settings)
        elif facts is not None:
            result.warnings.append(
                f"{path.name}: 填报模板未填写任何记录，不计为按时报送 / the template holds no "
                "records: not counted as returned (8.6)"
            )
        store.mark_changed(con)
        con.execute("COMMIT")
    except Exception as exc:
        store.rollback(con)
        full = disk_error(exc)
        if full is not None:
            raise full from exc
        result.message = f"{path}: not stored, the store is unchanged ({type(exc).__name__}: {exc})"
        return result
    result.status = "ingested"
    return result


def ingest_return(con, path, tables, facts, settings, specs, digest, result) -> FileResult:
    """A returned package (DATA_SPEC 8.6): its rows applied as new versions of their records,
    every row's result recorded; one transaction, as any file."""
    from safetystats.followup.reporting import record_arrival
    from safetystats.followup.returns import ReturnReader, store_return

    now = datetime.now()
    result.returned = True
    con.execute("BEGIN TRANSACTION")
    try:
        file_id = staging.new_file_id(con)
        read = ReturnReader(con, settings, specs, facts, file_id, now).read(tables)
        stored = store_return(con, specs, read, file_id, now)
        result.rows_read = len(read.rows)
        result.rows_stored = stored
        result.rows_skipped = len(read.rows) - read.count("applied")
        result.datasets = sorted(read.versions) or ["returns"]
        result.warnings.append(
            f"{facts.get('unit')} 督办清单回执: "
            + ", ".join(
                f"{k} {read.count(k)}"
                for k in ("applied", "unchanged", "conflict", "refused", "noted")
            )
        )
        record_arrival(con, facts, file_id, now, settings)
        staging.record_file(
            con,
            file_id=file_id,
            path=str(path.resolve()),
            file_name=path.name,
            sheet=",".join(t.sheet or "" for t in tables),
            sha256=digest,
            dataset=",".join(result.datasets),
            encoding=None,
            rows_read=result.rows_read,
            rows_stored=stored,
            rows_held=0,
            rows_skipped=result.rows_skipped,
            title_rows=0,
            is_sample=False,
            ingested_at=now,
        )
        store.mark_changed(con)
        con.execute("COMMIT")
    except Exception as exc:
        store.rollback(con)
        full = disk_error(exc)
        if full is not None:  # the next files cannot land either: the run stops, said plainly
            raise full from exc
        result.message = f"{path}: not stored, the store is unchanged ({type(exc).__name__}: {exc})"
        return result
    result.status = "ingested"
    return result


class IngestRun(list):
    """The result of each file, in order, and ``notes`` on the files left alone."""

    def __init__(self, results=(), notes: list[str] | None = None):
        super().__init__(results)
        self.notes = notes or []


def ingest(paths: list[Path] | None, settings: Settings, jobs: int | None = None) -> IngestRun:
    """Ingest files or folders (default: the raw folder), in the order given. A folder
    holding sample files and other ledgers is refused, and so is a folder of other ledgers
    while the store holds sample files (SampleMixedError). Files are read and prepared in
    ``jobs`` worker processes (None: as config/performance.toml says) while this process
    stores them, one transaction per file, in order."""
    specs = load_specs(settings, variants=True)
    files, notes = discover(paths or [settings.raw])
    folders = [p for p in paths or [settings.raw] if p.is_dir()]
    for folder in folders:
        check_not_mixed(folder, files)
    own = [p for folder in folders for p in own_ledgers(folder, files)]
    run = IngestRun(notes=notes + unmatched_file_patterns(settings, files))
    with store.writer(settings.db, step="ingest") as con:
        staging.ensure_tables(con, {n: s for n, s in specs.items() if not s.into})
        parts.remove_stale(settings.db)  # left by a run that stopped
        if own:
            stored = staging.sample_files_stored(con, SAMPLE_PREFIX)
            check_store_has_no_samples(settings.db, own, stored)
        checked = check_files(con, files)
        todo = [(path, digest) for path, _, digest in checked if digest]
        # closed at once if storing fails (a full disk): the workers stop with it
        with (
            closing(parallel.prepared_files(todo, settings, specs, jobs)) as prepared,
            parallel.writer_threads(con, todo, jobs),
        ):
            for path, result, digest in checked:
                if digest:
                    result = store_file(con, path, digest, next(prepared), settings, specs)
                run.append(result)
        if any(r.returned and r.status == "ingested" for r in run):
            from safetystats import atomic
            from safetystats.followup.returns import returns_csv

            atomic.write_text(settings.reports / "returns.csv", returns_csv(con), bom=True)
        parts.remove_stale(settings.db)
    return run


def recorded_paths(db: Path) -> list[Path]:
    """The files a store recorded, in the order it ingested them (the last version of each
    path), that still exist; none when the store cannot be read."""
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return []
    try:
        rows = con.execute(load_sql("store/recorded_paths")).fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    return [Path(p) for (p,) in rows if Path(p).is_file()]


def rebuild(
    paths: list[Path] | None, settings: Settings, jobs: int | None = None
) -> tuple[Path | None, IngestRun]:
    """Set the store aside and build it again: the files the old store recorded that are not
    among ``paths`` (default: the raw folder), in the order it read them, then ``paths``.
    Returns where the old store went and the run."""
    aside = store.set_aside(settings.db)
    given = paths or [settings.raw]
    found, _ = discover(given)
    covered = {where(f) for f in found}
    earlier = [p for p in (recorded_paths(aside) if aside else []) if where(p) not in covered]
    run = ingest([*earlier, *given], settings, jobs)
    if aside is not None and settings.db.exists():
        _arrivals_before(settings.db, aside)
    return aside, run


def _arrivals_before(db: Path, aside: Path) -> None:
    """The returns and templates read again by a rebuild keep the arrival the store set aside
    recorded for them (DATA_SPEC 8.6: on time is judged by the first arrival)."""
    quoted = "'" + str(aside).replace("'", "''") + "'"
    with store.writer(db) as con:
        con.execute(load_sql("bookkeeping/arrivals"))
        con.execute(load_sql("store/attach_before").format(path=quoted))
        try:
            exists = load_sql("store/table_exists_before")
            if store.scalar(con, exists, {"table": "arrivals"}):
                con.execute(load_sql("store/arrivals_before"))
        finally:
            con.execute(load_sql("store/detach_before"))
