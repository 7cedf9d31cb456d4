"""Raw table -> staged frame: find the header row, decide the dataset, map headers,
normalise and type every value, skip footers, and set aside rows that cannot be keyed.

The staged frame has the dataset's columns (typed), ``<col>__raw`` with the original text
of every cell that could not be read, and ``_sheet``/``_row`` (the row as the spreadsheet
shows it)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import polars as pl

from safetystats import normalize as V
from safetystats.config import Settings
from safetystats.ingest import cells, guess
from safetystats.ingest.parts import ChunkRows, RowParts
from safetystats.ingest.read import CSV_SUFFIXES, HEADER_SCAN_ROWS, RawTable, ReadInOneGo
from safetystats.ingest.spec import DatasetSpec, parser_for


def footer_pattern(settings: Settings) -> str:
    """A regex for the first cell of a footer row (vocab.toml ``footer_prefixes``)."""
    return "^(?:" + "|".join(re.escape(p) for p in settings.vocab["footer_prefixes"]) + ")"


class TableError(Exception):
    """A table whose header or dataset cannot be determined; names the file and why."""


class NoHeaderError(TableError):
    """No row of the table looks like a dataset's header (e.g. a 填表说明 sheet)."""


@dataclass
class Prepared:
    dataset: str
    table: RawTable
    staged: pl.DataFrame
    held: list[dict] = field(default_factory=list)
    rows_read: int = 0
    skipped_footer: int = 0  # footer and empty rows
    skipped_empty: int = 0  # of which empty rows
    skipped_duplicate: int = 0
    title_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column -> the file's own header
    persons: int = 0  # rows of a per-person list counted into the stored rows
    header: Header | None = None  # where the header was found (a chunk after it needs it)
    parts: RowParts | None = None  # a file in chunks: its rows on disk (``staged`` is empty)

    @property
    def height(self) -> int:
        """The rows staged (in ``staged`` or in ``parts``)."""
        return self.parts.rows if self.parts is not None else self.staged.height


class MissingColumnsError(TableError):
    """A recognised table lacks a required column (absent, not blank): nothing is stored."""

    def __init__(
        self, message: str, dataset: str, missing: list[str], found: list[str], closest, columns
    ):
        super().__init__(message)
        self.dataset, self.missing, self.found, self.closest = dataset, missing, found, closest
        self.columns: dict[str, str] = columns  # header as shown -> the column it maps to


@dataclass
class Header:
    """Where a table's header is and what each column is called (after merged group headers)."""

    row: int  # index of the header's first row in the frame
    depth: int  # rows the header spans (1 to 3)
    dataset: str
    texts: list[list[str]]  # per column: the texts to match, in order (sub-header first)
    shown: list[str]  # per column: the header as the file shows it (group/sub)


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def _looks_like_data(cells: list[str]) -> bool:
    """A row with a number or a date in it is data, not a header row."""
    for text in cells:
        if text and (
            V.parse_number(V.clean_text(text) or "") is not V.INVALID
            or V.parse_date(V.clean_text(text) or "") is not V.INVALID
        ):
            return True
    return False


def _spans(layer: list[str]) -> tuple[list[bool], list[str]]:
    """Per column: is it part of a group header spanning several columns, and the group's
    text. Merged cells come as the text repeated (HTML, Excel 2003 XML) or as blank cells
    after it (xlsx)."""
    grouped, text = [False] * len(layer), [""] * len(layer)
    last = None
    for i, cell in enumerate(layer):
        if cell and last is not None and cell == layer[last] and last == i - 1:
            grouped[i] = grouped[last] = True
        elif not cell and last is not None:
            grouped[i] = grouped[last] = True
        if cell:
            last = i
        text[i] = layer[last] if last is not None else ""
    return grouped, text


def _is_sub_header(layer: list[str], cells: list[str]) -> bool:
    """Is ``cells`` a row of sub-headers under ``layer``: ``layer`` has several headers (not
    a title), ``cells`` is text only, with something under a group, and under every other
    header either nothing or the same text (merged downwards)."""
    grouped, _ = _spans(layer)
    width = min(len(layer), len(cells))
    if sum(bool(c) for c in layer) < 2:  # a title row, not a header with groups
        return False
    if _looks_like_data(cells) or not any(cells[i] for i in range(width) if grouped[i]):
        return False
    return not any(
        layer[i] and not grouped[i] and cells[i] and cells[i] != layer[i] for i in range(width)
    )


def header_layers(rows: list[list[str]], start: int) -> tuple[int, list[list[str]], list[str]]:
    """(depth, per-column texts to match, per-column header as shown) of a header starting at
    ``start``: up to two more rows join it when they are sub-headers under merged groups. A
    column's texts are its sub-header first, then the joined ``group/sub``."""
    layers = [[_cell(c) for c in rows[start]]]
    for below in rows[start + 1 : start + 3]:
        cells = [_cell(c) for c in below] + [""] * max(0, len(layers[0]) - len(below))
        if not _is_sub_header(layers[-1], cells):
            break
        layers.append(cells)
    spans = [_spans(layer) for layer in layers]
    texts, shown = [], []
    for i in range(len(layers[0])):
        parts: list[str] = []
        for depth, layer in enumerate(layers):
            text = layer[i] if i < len(layer) else ""
            lower = any(i < len(x) and x[i] for x in layers[depth + 1 :])
            if not text and spans[depth][0][i] and lower:
                text = spans[depth][1][i]  # the merged group above a sub-header
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        texts.append(parts[-1:] + (["/".join(parts)] if len(parts) > 1 else []))
        shown.append("/".join(parts))
    return len(layers), texts, shown


def _mapped(spec: DatasetSpec, texts: list[list[str]]) -> dict[int, str]:
    """Column index -> dataset column, the sub-header matched first, then group/sub."""
    out: dict[int, str] = {}
    for i, candidates in enumerate(texts):
        for text in candidates:
            name = spec.header_map.get(V.normalize_header(text))
            if name and name not in out.values():
                out[i] = name
                break
    return out


def counted_required(spec: DatasetSpec) -> list[str]:
    """Required columns that decide a header row: a key that can be derived does not count."""
    derivable = set(spec.key) if spec.derive_key else set()
    return [c for c in spec.required if c not in derivable]


def _score(spec: DatasetSpec, mapped: dict[int, str]) -> tuple[float, int]:
    names = spec.provided(set(mapped.values()))
    required = counted_required(spec)
    hits = sum(c in names or spec.substitute(c) in names for c in required)
    return (hits / len(required) if required else 0.0), len(names)


def find_header(table: RawTable, specs: dict[str, DatasetSpec], dataset: str | None) -> Header:
    """The header and dataset of a table (DATA_SPEC 3). Raises TableError naming the file."""
    if dataset:
        candidates = {n: s for n, s in specs.items() if n == dataset or s.into == dataset}
    else:
        candidates = specs
    rows = [list(r) for r in table.frame.head(HEADER_SCAN_ROWS + 2).rows()]
    for idx in range(min(HEADER_SCAN_ROWS, len(rows))):
        depth, texts, shown = header_layers(rows, idx)
        if depth > 1:  # a header over sub-headers names some columns in its own first row
            own = [[_cell(c)] for c in rows[idx]]
            if not any(_mapped(s, own) for s in candidates.values()):
                depth, texts, shown = 1, own, [t[0] for t in own]
        scores = {n: (_score(s, m), m) for n, s in candidates.items() if (m := _mapped(s, texts))}
        fitting = {
            n: sc for n, (sc, m) in scores.items() if sc[0] >= 0.5 or (dataset and sc[1] >= 2)
        }
        if not fitting:
            continue
        best = max(fitting.values())
        winners = sorted(n for n, sc in fitting.items() if sc == best)
        if len(winners) > 1:
            raise TableError(
                f"{table.label}: the headers fit {winners[0]} and {winners[1]} equally; "
                f"put the file in a folder named after its dataset (e.g. {winners[0]}/)"
            )
        return Header(idx, depth, winners[0], texts, shown)
    if dataset:
        wanted = "、".join(
            specs[dataset].column(c).headers[0] for c in counted_required(specs[dataset])
        )
        raise NoHeaderError(
            f"{table.label}: no header row for {dataset} in the first {HEADER_SCAN_ROWS} rows "
            f"(expected columns such as {wanted}); `safetystats inspect FILE --write-mapping "
            "mapping.toml` lists the rows that could be the header and what each cell could be"
        )
    raise NoHeaderError(
        f"{table.label}: no header row of any dataset in the first {HEADER_SCAN_ROWS} rows; "
        "put the file in a folder named after its dataset (e.g. hazards/) and run "
        "`safetystats inspect FILE --write-mapping mapping.toml`"
    )


def _closest(wanted: list[str], found: list[str]) -> list[str]:
    import difflib

    norm = {V.normalize_header(f): f for f in found if f}
    hits = []
    for w in wanted:
        hits += difflib.get_close_matches(V.normalize_header(w), list(norm), n=2, cutoff=0.34)
    return [norm[h] for h in dict.fromkeys(hits)]


def check_required(table: RawTable, spec: DatasetSpec, header: Header, names: set[str]) -> None:
    """A required column that the table lacks fails it, unless the key can be derived or the
    column's stand-in (the enterprise's name) is there (DATA_SPEC 3.1). The message offers, for
    each, the unused header that means it (``guess``), as the line to add."""
    missing = [
        c
        for c in spec.required
        if c not in names
        and not (spec.substitute(c) and spec.substitute(c) in names)
        and not (c in spec.key and spec.can_derive(names))
    ]
    if not missing:
        return
    columns = {header.shown[i]: name for i, name in _mapped(spec, header.texts).items()}
    found = [s for s in header.shown if s]
    unused = [s for s in found if s not in columns]
    targets = {c: spec.substitute(c) or c for c in missing}
    guesses = {
        c: guess.guess(t, unused) or _closest(list(spec.column(t).headers), unused)
        for c, t in targets.items()
    }
    guessed = names | {targets[c] for c in missing if guesses[c]}
    missing = [c for c in missing if not (c in spec.key and spec.can_derive(guessed))]
    first = missing[0]
    line = f'{targets[first]} = ["{guesses[first][0] if guesses[first] else "…"}"]'
    labels = "、".join(
        f"{spec.column(c).headers[0] if spec.column(c).headers else c}({c})" for c in missing
    )
    raise MissingColumnsError(
        f"{table.label}: 缺少必填列 missing required column(s) {labels} for {user_section(spec)}"
        f"{' (' + spec.label_zh + ')' if spec.into else ''}; "
        f"headers found: {'、'.join(found) or '(none)'}"
        + (f"; closest: {'、'.join(guesses[first])}" if guesses[first] else "")
        + f"; accepted spellings: {'、'.join(spec.column(targets[first]).headers[:8])}"
        f" — add the file's header under [datasets.{user_section(spec)}.headers] in "
        f"safetystats.toml: {line}",
        spec.name,
        missing,
        found,
        {c: guesses[c] for c in missing},
        columns,
    )


def user_section(spec: DatasetSpec) -> str:
    """The dataset under which a user writes this table's spellings in safetystats.toml (a
    per-trainee list: the dataset it is counted into)."""
    return spec.into or spec.name


def reject_aggregate_rows(table: RawTable, settings: Settings) -> None:
    """A table without a ledger header whose header row names totals (举办次数, 参训人次,
    季度...) is a table of aggregates: said so, rather than "no header"."""
    for row in table.frame.head(HEADER_SCAN_ROWS).rows():
        header = Header(0, 1, "", [], [_cell(c) for c in row])
        reject_aggregates(table, header, settings, at_least=2)


def reject_aggregates(
    table: RawTable, header: Header, settings: Settings, at_least: int = 1
) -> None:
    """Tables of totals per unit and quarter cannot be counted per record: a clear error."""
    markers = {V.normalize_header(m) for m in settings.vocab["aggregate_headers"]}
    hits = [s for s in header.shown if V.normalize_header(s.split("/")[-1]) in markers]
    if len(hits) >= at_least:
        raise TableError(
            f"{table.label}: 这是汇总统计表（{'、'.join(hits)}），无法按企业逐条计数 / a table of "
            f"aggregates ({', '.join(hits)}) cannot be counted per enterprise or per record; "
            "send the ledger with one row per record (or per trainee)"
        )


def _typed(text: pl.Series, parse, dtype, unknown_value=None) -> tuple[pl.Series, pl.Series]:
    """Map every distinct text through ``parse``: (typed values, raw text of failures)."""
    good_old, good_new, bad = [], [], []
    for value in text.drop_nulls().unique().to_list():
        parsed = parse(value)
        if parsed is V.INVALID:
            bad.append(value)
        else:
            good_old.append(value)
            good_new.append(parsed)
    if bad and unknown_value is not None:
        good_old += bad
        good_new += [unknown_value] * len(bad)
    typed = text.replace_strict(good_old, good_new, default=None, return_dtype=dtype)
    if not bad:  # most columns: no cell to look up
        return typed, pl.repeat(None, text.len(), dtype=pl.String, eager=True)
    raw = pl.select(pl.when(text.is_in(bad)).then(text).otherwise(None)).to_series()
    return typed, raw


def _clean(expr: pl.Expr) -> pl.Expr:
    """NFKC, trimmed, without the invisible characters web pages leave (``_blank_null`` then
    makes a blank cell null): ``V.clean_text`` as one expression. A cell of ASCII and Chinese
    (``V.nfkc_unsafe``: no character NFKC or the removal could change) is only trimmed."""
    unicode = expr.str.normalize("NFKC").str.replace_all(V.INVISIBLE.pattern, "")
    unsafe = expr.str.contains(V.nfkc_unsafe())
    return pl.when(unsafe).then(unicode).otherwise(expr).str.strip_chars()


def _blank_null(name: str) -> pl.Expr:
    """A blank cleaned cell as null. Apart from ``_clean``: in one expression polars would
    clean every cell twice (once for the test, once for the value)."""
    return pl.when(pl.col(name) == "").then(None).otherwise(pl.col(name)).alias(name)


def prepare(
    table: RawTable,
    specs: dict[str, DatasetSpec],
    settings: Settings,
    dataset: str | None = None,
    fixed: dict[str, str] | None = None,
    after: Header | None = None,
) -> Prepared:
    """Stage one table: its header, the dataset, typed values, footers skipped, keys.
    ``fixed``: column values the file gives every row (``[[datasets.X.files]] set``).
    ``after``: the table is a chunk of a file after the one that held this header: every row
    is a data row."""
    if after is None:
        try:
            header = find_header(table, specs, dataset)
        except NoHeaderError:
            reject_aggregate_rows(table, settings)
            raise
    else:
        header = after
    spec = specs[header.dataset]
    mapped = _mapped(spec, header.texts)
    fixed = {k: v for k, v in (fixed or {}).items() if k not in mapped.values()}
    if after is None:
        reject_aggregates(table, header, settings)
        check_required(table, spec, header, spec.provided(set(mapped.values()) | set(fixed)))
    ignored = [
        header.shown[i] for i in range(len(header.shown)) if i not in mapped and header.shown[i]
    ]
    header_idx = -1 if after else header.row + header.depth - 1

    body = table.frame.slice(header_idx + 1)
    first_data_row = table.first_row + header_idx + 1
    rows = (
        pl.Series("_row", table.row_numbers[header_idx + 1 :], dtype=pl.Int64)
        if table.row_numbers
        else pl.int_range(first_data_row, first_data_row + body.height, dtype=pl.Int64, eager=True)
    )
    text = (
        body.select(
            [_clean(pl.col(f"c{i}")).alias(name) for i, name in mapped.items()]
            + [pl.lit(V.clean_text(v)).alias(k) for k, v in fixed.items()]
        )
        .with_columns([_blank_null(name) for name in mapped.values()])
        .with_columns(rows.alias("_row"), pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"))
    )
    prepared = Prepared(
        spec.name,
        table,
        text,
        rows_read=body.height,
        title_rows=0 if after else header.row,
        ignored_headers=ignored,
        headers={name: header.shown[i] for i, name in mapped.items()},
        header=header,
    )

    # footers: a row whose cells are all empty, or whose first non-empty cell starts with
    # 填报人/审核人/合计/说明... (DATA_SPEC 3). A row with data and an empty key is not a
    # footer: it is held for the quarantine (required_missing).
    empty, footer_mask = footer_rows(body, settings)
    skip = footer_mask | empty
    prepared.skipped_footer = int(skip.sum())
    prepared.skipped_empty = int(empty.sum())
    text = hold_ragged_rows(prepared, body.filter(~skip), text.filter(~skip))
    text = hold_unread_cells(prepared, text, mapped)

    # typed values; the raw text of every unreadable cell is kept beside them
    flags = _flag_hits(spec, text)
    text = _fill_from_text(spec, text, prepared.headers, flags)
    columns = {"_row": text["_row"], "_i": text["_i"]}
    for col in spec.columns:
        if col.name not in text.columns:
            continue
        series = text[col.name]
        if col.type == "id":
            columns[col.name] = series.str.to_uppercase()
        elif not col.keeps_raw:
            columns[col.name] = series
        else:
            typed, raw = _typed(series, parser_for(col, settings), col.dtype, col.unknown_value)
            columns[col.name] = _in_column_unit(typed, series, col, prepared.headers).alias(
                col.name
            )
            columns[col.raw_name] = raw.alias(col.raw_name)
    for target, hit in flags.items():
        own = columns.get(
            target, pl.repeat(None, text.height, dtype=pl.Boolean, eager=True).alias(target)
        )
        columns[target] = pl.select(
            pl.when(hit).then(True).otherwise(own.fill_null(hit))
        ).to_series()
    for target, source in spec.fill_from.items():
        if target not in columns and source in columns:
            columns[target] = columns[source].alias(target)
    staged = pl.DataFrame(columns)
    # every column of the dataset, absent ones as nulls
    staged = staged.with_columns(
        [
            pl.lit(None, dtype=dt).alias(n)
            for n, dt in spec.stored_columns()
            if n not in staged.columns
        ]
    ).with_columns(pl.lit(table.sheet or "", dtype=pl.String).alias("_sheet"))
    staged = staged.select([n for n, _ in spec.stored_columns()] + ["_sheet", "_row", "_i"])
    if spec.derive_key and (spec.derive_blank or not any(k in mapped.values() for k in spec.key)):
        staged = derive_keys(staged, spec, settings.registry.resolve)
    staged = staged.with_columns(record_key(spec).alias("_key"))
    prepared.staged = _with_row_cells(staged, body, header.shown)
    return prepared


def _with_row_cells(staged: pl.DataFrame, body: pl.DataFrame, shown: list[str]) -> pl.DataFrame:
    """``_cells`` of the staged rows (from ``_i``, their row in ``body``), for a table with a
    derived key (``auto:``), the only ones ``_settle`` compares by it; null for the others:
    hashing every cell of a table whose ids come from the file cost a tenth of preparing it."""
    derived = staged.select(pl.col("_key").str.starts_with("auto:").any()).item()
    cells = _row_cells(body, shown).gather(staged["_i"]) if derived else pl.lit(None, pl.UInt64)
    return staged.drop("_i").with_columns(cells.alias("_cells"))


def _row_cells(body: pl.DataFrame, shown: list[str]) -> pl.Series:
    """Per row: a hash of every cell as read, used or not, but a row number (序号): two rows
    with one derived key are one record only when they agree in all of them (DATA_SPEC 3.1)."""
    numbers = {f"c{i}" for i, h in enumerate(shown) if guess.is_row_number(h)}
    kept = [pl.col(c).fill_null("\x00") for c in body.columns if c not in numbers]
    text = pl.concat_str(kept, separator="\x1f") if kept else pl.lit("")
    return body.select(text.hash().alias("_cells"))["_cells"]


def footer_rows(body: pl.DataFrame, settings: Settings) -> tuple[pl.Series, pl.Series]:
    """Per row of ``body``: is it empty (every cell blank), and is its first non-blank cell,
    without white space, a footer (``footer_pattern``). Most rows have their first cell: only
    that column is read for them (the white space allowed between the prefix's characters);
    the others look for their first cell in every column."""
    lead = pl.col(body.columns[0])
    blank_lead = lead.is_null() | lead.str.contains(r"^\s*$")
    spaced = [
        r"\s*".join(re.escape(ch) for ch in prefix)
        for prefix in settings.vocab["footer_prefixes"]
        if prefix and not re.search(r"\s", prefix)
    ]
    footer = lead.str.contains("^\\s*(?:" + "|".join(spaced) + ")") if spaced else pl.lit(False)
    found = body.select(blank_lead.alias("blank"), footer.fill_null(False).alias("footer"))
    empty = pl.repeat(False, body.height, dtype=pl.Boolean, eager=True)
    footers = found["footer"]
    if found["blank"].any():  # rows without a first cell: every column, as before
        at = found["blank"].arg_true()
        stripped = [pl.col(c).str.strip_chars() for c in body.columns]
        first_cell = pl.coalesce([pl.when(c == "").then(None).otherwise(c) for c in stripped])
        starts = body[at].select(first_cell.alias("f"))["f"]
        words = starts.fill_null("").str.replace_all(r"\s", "")
        empty = empty.scatter(at, starts.is_null())
        footers = footers.scatter(at, words.str.contains(footer_pattern(settings)))
    return empty, footers


def hold_ragged_rows(prep: Prepared, body: pl.DataFrame, text: pl.DataFrame) -> pl.DataFrame:
    """Rows of a CSV with values past the header's last column, when only some rows have them
    (a column without a header in every row is a column, not an error): an unquoted comma
    inside a value (`配电箱无门,线路老化`) splits it, and every cell after it is one column off.
    They are held (``extra_fields``), never stored shifted, their extra values lost."""
    table = prep.table
    named = [i for i, shown in enumerate(prep.header.shown) if shown]
    if table.sheet is not None or table.path.suffix.lower() not in CSV_SUFFIXES or not named:
        return text
    extra = [c for c in body.columns[max(named) + 1 :] if c.startswith("c")]
    if not extra or not body.height:
        return text
    filled = [pl.col(c).str.strip_chars().fill_null("") != "" for c in extra]
    ragged = body.select(pl.any_horizontal(filled)).to_series()
    if not 0 < ragged.sum() <= body.height // 2:
        return text
    sheet = table.sheet or ""
    shown = body.filter(ragged).select(pl.concat_str(extra, separator=" | ", ignore_nulls=True))
    for row, values in zip(
        text.filter(ragged).iter_rows(named=True), shown.to_series(), strict=True
    ):
        prep.held.append(_held(prep, row | {"_sheet": sheet}, "extra_fields", None, values))
    return text.filter(~ragged)


def hold_unread_cells(prep: Prepared, text: pl.DataFrame, mapped: dict[int, str]) -> pl.DataFrame:
    """Rows with an Excel error value (``#DIV/0!``, also as text in a CSV) or a formula without
    a cached value in any column the dataset reads are held, never read as blank (DATA_SPEC
    3). The value names the cell (``D7``) and what is in it."""
    columns = [name for name in mapped.values() if name in text.columns]
    if not columns:
        return text
    # every Excel error starts with '#': most tables have no cell that does (one cheap pass)
    marked = pl.any_horizontal(
        [
            pl.col(c).str.starts_with("#") | pl.col(c).str.starts_with(cells.FORMULA_MARK)
            for c in columns
        ]
    )
    if not text.select(marked.fill_null(False).any()).item():
        return text
    upper = [pl.col(c).str.to_uppercase() for c in columns]
    bad = pl.any_horizontal(
        [u.is_in(cells.EXCEL_ERRORS) | u.str.starts_with(cells.FORMULA_MARK) for u in upper]
    ).fill_null(False)
    if not text.select(bad.any()).item():
        return text
    letters = {name: cells.column_letters(i) for i, name in mapped.items()}
    sheet = prep.table.sheet or ""
    for row in text.filter(bad).iter_rows(named=True):
        column = next(
            c
            for c in columns
            if cells.error_text(row[c]) or (row[c] or "").startswith(cells.FORMULA_MARK)
        )
        value = row[column]
        rule = "excel_error" if cells.error_text(value) else "formula_without_value"
        shown = cells.error_text(value) or value.removeprefix(cells.FORMULA_MARK)
        where = f"{letters[column]}{row['_row']}"
        prep.held.append(_held(prep, row | {"_sheet": sheet}, rule, column, f"{where}: {shown}"))
    return text.filter(~bad)


def _flag_hits(spec: DatasetSpec, text: pl.DataFrame) -> dict[str, pl.Series]:
    """bool column -> whether each row's text column (``flag_from``) reads one of its words
    (null where that cell is blank), for the tables that have the text column. Each distinct
    text is read once (a Python call per row cost 0.25 s a million rows)."""
    out = {}
    for target, rule in spec.flag_from.items():
        if rule["column"] in text.columns:
            words = [V.vocab_key(w) for w in rule["contains"]]
            column = text[rule["column"]]
            distinct = column.drop_nulls().unique().to_list()
            hits = [any(w in V.vocab_key(v) for w in words) for v in distinct]
            flags = column.replace_strict(distinct, hits, default=None, return_dtype=pl.Boolean)
            out[target] = flags.alias(target)
    return out


def _fill_from_text(
    spec: DatasetSpec, text: pl.DataFrame, headers: dict[str, str], flags: dict[str, pl.Series]
) -> pl.DataFrame:
    """A column the table lacks takes the text of its ``fill_from`` text column (检查方式 gives
    the kind), read as its own type; a flagged row takes the rule's ``sets`` value."""
    for target, source in spec.fill_from.items():
        if target in text.columns or source not in text.columns:
            continue
        if spec.column(source).keeps_raw:  # a typed source is copied after typing
            continue
        value = pl.col(source)
        for flag, rule in spec.flag_from.items():
            if rule["column"] == source and target in rule.get("sets", {}):
                value = pl.when(flags[flag]).then(pl.lit(rule["sets"][target])).otherwise(value)
        text = text.with_columns(value.alias(target))
        headers[target] = headers[source]
    return text


# the unit a money cell names after its figure (`5000元`, `1.5万元`, `3萬元`)
_CELL_UNIT = r"(万元|萬元|元)\s*$"


def _in_column_unit(typed: pl.Series, text: pl.Series, col, headers: dict[str, str]) -> pl.Series:
    """A figure in the column's unit (万元) where its cell or header names a smaller one
    (``units``): a cell's own unit first (`5000元` is 0.5, `1.5万元` under `罚款金额(元)` is
    1.5), then the header's (`罚款金额(元)`: 5000 is 0.5), else the column's."""
    units = dict(col.units)
    if not units:
        return typed
    header = float(units.get(V.header_unit(headers.get(col.name)), 1))
    if not text.str.contains("元", literal=True).any():  # no cell names a unit (one quick pass)
        return typed / header if header != 1 else typed
    divisors = {"万元": 1.0, "萬元": 1.0} | {unit: float(d) for unit, d in units.items()}
    own = text.str.extract(_CELL_UNIT, 1)
    return typed / own.replace_strict(divisors, default=header, return_dtype=pl.Float64)


def _field_text(spec: DatasetSpec, name: str) -> pl.Expr:
    """A derive_key field as normalised text (the raw text of an unreadable cell)."""
    if name == "enterprise":
        return pl.coalesce(pl.col("enterprise_id"), name_key(pl.col("enterprise_name")))
    column = spec.column(name)
    value = pl.col(name).cast(pl.String)
    if column.keeps_raw:
        value = pl.coalesce(value, pl.col(column.raw_name))
    return value.str.replace_all(r"\s+", "")


def derive_keys(staged: pl.DataFrame, spec: DatasetSpec, resolve=None) -> pl.DataFrame:
    """``auto:<12 hex>`` keys from the record's content, the same in next month's file. With
    ``resolve`` (the registry's), a unit is hashed as the unit it names: a task reported by
    经区 one month and by 威海经济技术开发区 the next keeps its key."""
    import hashlib

    source = staged
    if resolve and "district" in spec.derive_key:
        units = {v: u.code if (u := resolve(v)) else v for v in staged["district"].drop_nulls()}
        source = staged.with_columns(pl.col("district").replace(units))
    fields = pl.concat_str(
        [_field_text(spec, f).fill_null("") for f in spec.derive_key], separator="\x1f"
    )
    present = pl.any_horizontal([_field_text(spec, f).is_not_null() for f in spec.derive_key])
    texts = source.select(pl.when(present).then(fields).alias("t"))["t"]
    keys = pl.Series(
        spec.key[0],
        [None if t is None else "auto:" + hashlib.sha1(t.encode()).hexdigest()[:12] for t in texts],
        dtype=pl.String,
    )
    if spec.derive_blank:  # only the blank cells: a written id stays
        keys = staged[spec.key[0]].fill_null(keys)
    return staged.with_columns(keys.alias(spec.key[0]))


def name_key(name: pl.Expr) -> pl.Expr:
    """An enterprise name as matched against the register: NFKC'd (at reading), no spaces;
    the same as the SQL macro ``name_key``."""
    return pl.lit("名称:") + name.str.replace_all(r"\s+", "")


def record_key(spec: DatasetSpec) -> pl.Expr:
    """The stored ``_key``: the key columns joined with '/'; an enterprise known only by its
    name stands in by its name. NULL when part of the key is missing."""
    parts = []
    for k in spec.key:
        part = pl.col(k).cast(pl.String)
        if spec.substitute(k):
            part = pl.coalesce(part, name_key(pl.col(spec.substitute(k))))
        parts.append(part)
    return pl.concat_str(parts, separator="/")


def count_persons(prep: Prepared, spec: DatasetSpec, into: DatasetSpec) -> Prepared:
    """A per-person list (one row per trainee) counted into ``into`` (training_counts):
    trained = persons per (enterprise, category, month of the end date), passed = those whose
    result is a pass (when the list has a result column), hours summed. Rows that cannot be
    counted (no category, end date, person or enterprise, or an unreadable value) are held."""
    staged = prep.staged
    needed = ["person_name", "category", "end_date"]
    for row in staged.iter_rows(named=True):
        missing = next((c for c in needed if row[c] is None), None)
        if missing is None and row["enterprise_id"] is None and row["enterprise_name"] is None:
            missing = "enterprise_id"
        if missing is not None:
            raw = row.get(f"{missing}__raw")
            kind = spec.column(missing).type.split(":")[0]
            prep.held.append(
                _held(
                    prep,
                    row,
                    "required_missing" if raw is None else f"invalid_{kind}",
                    missing,
                    raw,
                )
            )
    countable = staged.filter(
        pl.all_horizontal([pl.col(c).is_not_null() for c in needed])
        & (pl.col("enterprise_id").is_not_null() | pl.col("enterprise_name").is_not_null())
    )
    has_result = "result" in prep.headers
    counted = (
        countable.with_columns(pl.col("end_date").dt.truncate("1mo").alias("month"))
        .group_by("enterprise_id", "enterprise_name", "category", "month", maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("trained"),
            (pl.col("result") == "pass").sum().cast(pl.Int64).alias("passed")
            if has_result
            else pl.lit(None, pl.Int64).alias("passed"),
            pl.col("hours").sum().alias("培训学时")
            if "hours" in prep.headers
            else pl.lit(None, pl.Float64).alias("培训学时"),
            pl.col("_row").min(),
            pl.col("_sheet").first(),
        )
    )
    frame = counted.with_columns(
        [
            pl.lit(None, dtype=dt).alias(n)
            for n, dt in into.stored_columns()
            if n not in counted.columns
        ]
    ).select([n for n, _ in into.stored_columns()] + ["_sheet", "_row"])
    headers = {
        c: prep.headers[c]
        for c in ("enterprise_id", "enterprise_name", "category")
        if c in prep.headers
    }
    result = Prepared(
        into.name,
        prep.table,
        frame.with_columns(record_key(into).alias("_key")),
        held=[{**h, "dataset": into.name} for h in prep.held],
        rows_read=prep.rows_read,
        skipped_footer=prep.skipped_footer,
        skipped_empty=prep.skipped_empty,
        title_rows=prep.title_rows,
        ignored_headers=prep.ignored_headers,
        headers=headers
        | {
            "month": prep.headers.get("end_date", ""),
            "trained": prep.headers.get("person_name", ""),
        },
        persons=countable.height,
    )
    return result


def unpivot_wide(table: RawTable, settings: Settings, spec: DatasetSpec) -> RawTable | None:
    """A wide training summary (one column per category, e.g. 主要负责人（人.次）, beside the
    enterprise and the month) as a long table (培训类别, 培训人数), each row keeping its
    spreadsheet row number (DATA_SPEC 3.1); None for a table that is not one. The categories
    are read with the user's spellings of ``spec``'s category column."""
    lookup = parser_for(spec.column("category"), settings)
    rows = [[_cell(c) for c in r] for r in table.frame.head(HEADER_SCAN_ROWS).rows()]
    for idx, row in enumerate(rows):
        categories = {
            j: lookup(V.normalize_header(c))
            for j, c in enumerate(row)
            if c and lookup(V.normalize_header(c)) is not V.INVALID
        }
        if len(categories) < 2:
            continue
        keep = [j for j, c in enumerate(row) if j not in categories]
        header = [row[j] for j in keep] + ["培训类别", "培训人数"]
        out, numbers = [header], [table.first_row + idx]
        body = table.frame.slice(idx + 1).rows()
        for k, row_cells in enumerate(body, start=idx + 1):
            for j, category in categories.items():
                value = row_cells[j] if j < len(row_cells) else None
                if value is None or not str(value).strip():
                    continue
                out.append([row_cells[i] for i in keep] + [category, value])
                numbers.append(table.first_row + k)
        width = len(header)
        frame = pl.DataFrame(
            {f"c{i}": [r[i] for r in out] for i in range(width)},
            schema={f"c{i}": pl.String for i in range(width)},
        )
        return RawTable(table.path, table.sheet, frame, 1, table.encoding, numbers)
    return None


def stage_table(
    table: RawTable,
    specs: dict[str, DatasetSpec],
    settings: Settings,
    dataset: str | None = None,
    fixed: dict[str, str] | None = None,
) -> Prepared:
    """One table as it would be stored: prepared, damaged codes and unkeyable rows held,
    a per-person list counted into its dataset, a wide summary unpivoted first. Raises
    TableError for a table that fails."""
    more, table.more = table.more, None
    if dataset in (None, "training_counts"):
        wide = unpivot_wide(table, settings, specs["training_counts"])
        if wide is not None and more is not None:
            raise ReadInOneGo(str(table.path))  # a wide summary is unpivoted whole
        table = wide or table
    prep = prepare(table, specs, settings, dataset, fixed)
    spec = specs[prep.dataset]
    if more is not None:
        if spec.into:  # a per-person list is counted whole
            raise ReadInOneGo(str(table.path))
        prep = with_chunks(prep, more, specs, settings, fixed)
    else:
        hold_damaged_codes(prep, spec)
        if spec.into:  # one row per trainee: counted into the dataset
            prep = count_persons(prep, spec, specs[spec.into])
        hold_unkeyable(prep, specs[prep.dataset])
    if prep.height == 0 and not prep.held and prep.skipped_footer > prep.skipped_empty:
        if prep.parts is not None:
            prep.parts.remove()
        raise TableError(
            f"{table.label}: 没有数据行：{prep.rows_read} 行均为空行或表尾说明 / no data "
            f"rows: all {prep.rows_read} rows are blank or footers (填报人/合计/说明...)"
        )
    return prep


def with_chunks(first: Prepared, more, specs, settings: Settings, fixed) -> Prepared:
    """The first chunk of a file with the chunks after it, each prepared alone under the first
    one's header, its damaged codes and unkeyable rows held, its rows kept as a frame or, past
    ``rows_in_memory`` bytes, written as a part beside the store (ingest/parts.py: a chunk's
    cells, and then its rows, are freed once it is prepared): what preparing the whole table
    gives. The held rows come in the order the whole table gives
    them: by the step that held them (cells that cannot be read, each id column's damaged
    codes, unkeyable rows), then by row."""
    spec = specs[first.dataset]
    ids = [c.name for c in spec.columns if c.type == "id"]

    def step(held: dict) -> int:
        if held["rule"] == "damaged_code":
            return 1 + ids.index(held["column"])
        unread = ("extra_fields", "excel_error", "formula_without_value")
        return 0 if held["rule"] in unread else len(ids) + 1

    rows = ChunkRows(settings.db)
    try:
        hold_damaged_codes(first, spec)
        hold_unkeyable(first, spec)
        rows.add(first.staged)
        for chunk in more:
            prep = prepare(chunk, specs, settings, first.dataset, fixed, after=first.header)
            chunk.frame = chunk.frame.clear()
            hold_damaged_codes(prep, spec)
            hold_unkeyable(prep, spec)
            rows.add(prep.staged)
            first.held += prep.held
            first.rows_read += prep.rows_read
            first.skipped_footer += prep.skipped_footer
            first.skipped_empty += prep.skipped_empty
    except BaseException:
        rows.remove()
        raise
    first.held.sort(key=step)  # stable: each step's rows stay in row order
    if rows.parts is None:
        first.staged = rows.frame()
    else:
        first.staged, first.parts = first.staged.clear(), rows.parts
    return first


def hold_damaged_codes(prep: Prepared, spec: DatasetSpec) -> None:
    """Codes Excel damaged (9.13702E+17, or 16+ digits with the tail zeroed) are errors: such
    rows are held, so that two enterprises are never merged under one damaged key (DATA_SPEC 4)."""
    for col in spec.columns:
        if col.type != "id" or col.name not in prep.staged.columns:
            continue
        mask = V.damaged_code_expr(pl.col(col.name)).fill_null(False)
        if not prep.staged.select(mask.any()).item():
            continue
        for row in prep.staged.filter(mask).iter_rows(named=True):
            prep.held.append(_held(prep, row, "damaged_code", col.name, row[col.name]))
        prep.staged = prep.staged.filter(~mask)


def hold_unkeyable(prep: Prepared, spec: DatasetSpec) -> None:
    """Rows with part of the key blank cannot be stored by key: held for the quarantine."""
    partial = pl.col("_key").is_null()
    if not prep.staged.select(partial.any()).item():
        return  # nothing to hold: the rows are not copied
    held = prep.staged.filter(partial)
    for row in held.iter_rows(named=True):
        column = next((k for k in spec.key if row[k] is None), spec.key[0])
        raw = row.get(f"{column}__raw")
        rule = (
            "required_missing"
            if raw is None
            else f"invalid_{spec.column(column).type.split(':')[0]}"
        )
        prep.held.append(_held(prep, row, rule, column, raw))
    prep.staged = prep.staged.filter(~partial)


def _held(prep: Prepared, row: dict, rule: str, column: str | None, value) -> dict:
    return {
        "dataset": prep.dataset,
        "sheet": row["_sheet"],
        "row": row["_row"],
        "rule": rule,
        "column": column,
        "value": None if value is None else str(value),
        "record": json.dumps(
            {k: v for k, v in row.items() if not k.startswith("_") and v is not None},
            ensure_ascii=False,
            default=str,
        ),
    }


def resolve_duplicates(preps: list[Prepared], spec: DatasetSpec) -> pl.DataFrame | RowParts:
    """Join the staged frames of one dataset from one file and settle repeated keys: identical
    repeats keep one row; a key repeated with different content holds every such row. A derived
    key (``auto:``) compares every cell as read, used or not (``duplicate_key_conflict``,
    naming the rows); an id from the file compares the dataset's columns (``duplicate_conflict``).
    A file in chunks keeps its rows in parts: only the rows of its repeated keys are read back
    and settled, the others are not read (the parts say which rows not to store)."""
    if len(preps) == 1 and preps[0].parts is not None:
        parts = preps[0].parts
        repeated = parts.repeated()
        keep = _settle(repeated, preps, spec)
        parts.dropped = [] if keep is None else repeated.filter(~keep)["_row"].to_list()
        return parts
    frame = pl.concat([p.staged for p in preps], how="vertical_relaxed")
    keep = _settle(frame, preps, spec)
    return (frame if keep is None else frame.filter(keep)).drop("_cells", strict=False)


def _settle(frame: pl.DataFrame, preps: list[Prepared], spec: DatasetSpec) -> pl.Expr | None:
    """Hold the rows of keys repeated with different content and count the repeats kept once
    (in ``preps``); the rows of ``frame`` to store (None: every row, no key repeats).
    ``frame``: a file's rows in file order, or only the rows of its repeated keys."""
    if "_cells" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.UInt64).alias("_cells"))
    content = [c for c in frame.columns if not c.startswith("_")]
    derived = pl.col("_key").str.starts_with("auto:")
    # the variants of the repeated keys only (most keys are not repeated): the rows whose
    # key's hash repeats, then of them those whose key does (4 times cheaper than grouping
    # every key: 0.1 s against 0.4 s of CPU a million rows)
    hashes = frame.select(pl.col("_key").hash())["_key"]
    repeated = frame.filter(hashes.is_duplicated()).filter(pl.len().over("_key") > 1)
    counts = repeated.group_by("_key").agg(
        pl.when(derived.first())
        .then(pl.col("_cells").n_unique())
        .otherwise(pl.struct(content).n_unique())
        .alias("_variants"),
        pl.when(pl.col("_sheet").n_unique() > 1)  # rows of several sheets: sheet!row
        .then(pl.concat_str(pl.col("_sheet"), pl.lit("!"), pl.col("_row")))
        .otherwise(pl.col("_row").cast(pl.String))
        .sort_by(pl.col("_sheet"), pl.col("_row"))
        .str.join(", ")
        .alias("_rows"),
    )
    # the rows of keys repeated with different content are held (in the file's order); of
    # the other repeated keys the first row is kept. Only the repeated rows are joined: the
    # file's rows are copied once, by the one filter, and not at all without repeats
    conflicts = repeated.join(
        counts.filter(pl.col("_variants") > 1), on="_key", how="inner", maintain_order="left"
    )
    for row in conflicts.iter_rows(named=True):
        prep = next(p for p in preps if (p.table.sheet or "") == row["_sheet"])
        if row["_key"].startswith("auto:"):
            prep.held.append(_held(prep, row, "duplicate_key_conflict", spec.key[0], row["_rows"]))
        else:
            prep.held.append(_held(prep, row, "duplicate_conflict", spec.key[0], row["_key"]))
    for prep in preps:
        prep.skipped_duplicate = 0
    if repeated.height == 0:
        return None
    held_keys = conflicts["_key"].unique()
    kept = ~pl.col("_key").is_in(held_keys.implode())
    dropped = kept & ~pl.col("_key").is_first_distinct()
    per_sheet = frame.select("_sheet", dropped.alias("d")).group_by("_sheet").agg(pl.col("d").sum())
    for sheet, count in per_sheet.iter_rows():
        for prep in preps:
            if (prep.table.sheet or "") == sheet:
                prep.skipped_duplicate = count
    return kept & ~dropped
