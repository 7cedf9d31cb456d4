"""Read a ledger file into raw tables of text cells. Nothing here knows about datasets.

What a file is comes from its content, not its name: web systems serve HTML tables, Excel 2003
XML (SpreadsheetML) and CSV text named ``.xls``. Workbooks (xlsx/xlsm/xls/ods) are read with
calamine (fastexcel), HTML with Python's html.parser, SpreadsheetML with xml.etree, CSV with
polars (the csv module when polars cannot keep every field). A file that is none of these gets
a ``ReadError`` naming the file and what it looks like, never a library's raw message alone.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl

from safetystats.ahead import ahead
from safetystats.ingest import cells, marker

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
SUPPORTED = EXCEL_SUFFIXES | CSV_SUFFIXES
# Spreadsheet formats we name instead of ignoring: the folder scanner reports them as errors.
UNSUPPORTED_SUFFIXES = {".xlsb", ".et", ".ett", ".numbers", ".wk1", ".wk3", ".wk4", ".123"}
HEADER_SCAN_ROWS = 15
DELIMITERS = (",", "\t", ";", "|")
_DELIMITER_NAMES = {"\t": ("制表符", "tab"), ";": ("分号", "semicolon"), "|": ("竖线", "pipe")}
_SNIFF_BYTES = 8192
_SPAN_LIMIT = 1000  # colspan/rowspan/MergeAcross beyond this is a broken file, not a layout

# A single CSV field may be long (a pasted report); Python's default limit is 131,072 characters.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


class ReadError(Exception):
    """A file that cannot be read at all; the message names the file and why."""


class ReadInOneGo(Exception):
    """A file begun in chunks that must be read whole to give what reading it whole gives
    (an encoding error, a row wider than the head, a per-person list...): read it again so."""


def chunk_bytes() -> int:
    """CSV files larger than this are read and prepared in chunks of about this many bytes
    (config/performance.toml ``[ingest] chunk_bytes``; 0: never)."""
    from safetystats.config import packaged

    return int(packaged("performance")["ingest"]["chunk_bytes"])


@dataclass
class RawTable:
    """All cells of one sheet (or CSV file, or HTML table) as text, column names c0, c1, ...

    ``first_row`` is the spreadsheet row number (1-based) of the frame's row 0; a table made
    from another (an unpivoted summary) gives each frame row's own number in ``row_numbers``.
    """

    path: Path
    sheet: str | None
    frame: pl.DataFrame
    first_row: int = 1
    encoding: str | None = None
    row_numbers: list[int] | None = None
    marker: dict | None = None  # the facts of our hidden marker sheet (a template or package)
    # a large CSV read in chunks: this table is its first chunk, ``more`` gives the others
    # (each a RawTable whose ``first_row`` follows on); see ``chunk_bytes``
    more: Iterator[RawTable] | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


# --------------------------------------------------------------------------- what a file is

# kind -> (Chinese, English) description used in notes and errors
_KINDS: dict[str, tuple[str, str]] = {
    "xlsx": ("Excel 工作簿（.xlsx）", "an Excel workbook (.xlsx)"),
    "xls": ("Excel 97-2003 工作簿（.xls）", "an Excel 97-2003 workbook (.xls)"),
    "ods": ("OpenDocument 表格（.ods）", "an OpenDocument spreadsheet (.ods)"),
    "html": ("HTML 网页表格", "an HTML table (web page)"),
    "spreadsheetml": ("Excel 2003 XML 表格", "an Excel 2003 XML spreadsheet"),
    "text": ("CSV 文本", "CSV text"),
    "xlsb": ("Excel 二进制工作簿（.xlsb）", "an Excel binary workbook (.xlsb)"),
    "encrypted": ("受密码保护的 Office 文件", "a password-protected Office file"),
    "empty": ("空文件", "an empty file"),
    "utf16": ("UTF-16 文本", "UTF-16 text"),
    "pdf": ("PDF 文档", "a PDF document"),
    "docx": ("Word 文档", "a Word document"),
    "doc": ("Word 97-2003 文档", "a Word 97-2003 document"),
    "pptx": ("PowerPoint 演示文稿", "a PowerPoint presentation"),
    "ppt": ("PowerPoint 97-2003 演示文稿", "a PowerPoint 97-2003 presentation"),
    "odf": ("OpenDocument 文字/演示文档", "an OpenDocument text or presentation file"),
    "iwork": ("Apple iWork（Numbers/Pages）文件", "an Apple iWork (Numbers/Pages) file"),
    "zip": ("ZIP 压缩包，不是工作簿", "a ZIP archive, not a workbook"),
    "zip-bad": ("已损坏的 ZIP/xlsx 文件", "a damaged ZIP/xlsx file"),
    "ole": ("不含工作簿的 Office 复合文档", "an Office compound file that holds no workbook"),
    "ole-bad": ("已损坏的 Office 复合文档", "a damaged Office compound file"),
    "rar": ("RAR 压缩包", "a RAR archive"),
    "7z": ("7-Zip 压缩包", "a 7-Zip archive"),
    "gzip": ("gzip 压缩文件", "a gzip-compressed file"),
    "png": ("PNG 图片", "a PNG image"),
    "jpeg": ("JPEG 图片", "a JPEG image"),
    "gif": ("GIF 图片", "a GIF image"),
    "bmp": ("BMP 图片", "a BMP image"),
    "tiff": ("TIFF 图片", "a TIFF image"),
    "webp": ("WebP 图片", "a WebP image"),
    "rtf": ("RTF 文档", "an RTF document"),
    "exe": ("Windows 程序", "a Windows program"),
    "mht": ("单个文件网页（MHT）", "a single-file web page (MHT)"),
    "xml": ("XML 文件（不是 Excel 2003 XML）", "an XML file that is not Excel 2003 XML"),
    "binary": ("未知类型的二进制数据", "binary data of an unknown kind"),
}
_READABLE = {"xlsx", "xls", "ods", "html", "spreadsheetml", "text"}
# the kind each suffix promises; a file whose content differs is read by content, with a note
_SUFFIX_KIND = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}
_MAGIC = [
    (b"%PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"{\\rtf", "rtf"),
    (b"MZ", "exe"),
]
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORKBOOK = re.compile(rb"<(?:[\w.-]+:)?workbook\b")
_MARKUP = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|meta|table|tr|td|th|style|title)\b")


def _describe(kind: str) -> tuple[str, str]:
    return _KINDS.get(kind, _KINDS["binary"])


def sniff(path: Path) -> str:
    """What the file is by its content: one of the keys of ``_KINDS`` (``xlsx``, ``xls``,
    ``ods``, ``html``, ``spreadsheetml``, ``text``, ``encrypted``, ``pdf``, ``zip``, ...)."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip(b" \t\r\n\x00"):
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(path)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:2] == b"BM" and len(head) > 14 and head[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        text = _decode_utf16(head)
        return _sniff_text(text.encode("utf-8")) if text.lstrip().startswith("<") else "utf16"
    if b"\x00" in head:
        return "binary"
    return _sniff_text(head)


def _looks_utf16(head: bytes) -> bool:
    sample = head[:2048]
    if len(sample) < 4:
        return False
    zeros_even = sample[0::2].count(0) / len(sample[0::2])
    zeros_odd = sample[1::2].count(0) / len(sample[1::2])
    return max(zeros_even, zeros_odd) > 0.3 and min(zeros_even, zeros_odd) < 0.05


def _decode_utf16(data: bytes) -> str:
    if data.startswith(b"\xff\xfe"):
        codec, data = "utf-16-le", data[2:]
    elif data.startswith(b"\xfe\xff"):
        codec, data = "utf-16-be", data[2:]
    else:
        codec = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
    return data[: len(data) // 2 * 2].decode(codec, errors="replace")


def _sniff_text(head: bytes) -> str:
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if start.startswith(b"mime-version:"):
        return "mht"
    if start.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in start and _WORKBOOK.search(start):
            return "spreadsheetml"
        if _MARKUP.search(start):
            return "html"
        if start.startswith(b"<?xml"):
            return "xml"
    elif re.search(rb"<table\b", start) and re.search(rb"<t[rd]\b", start):
        return "html"  # a page with a line of text (a PHP notice, a title) before its markup
    return "text"


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return "zip-bad"
    if "xl/workbook.xml" in names or any(n.lower() == "xl/workbook.xml" for n in names):
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return "odf"
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if any(n.startswith("Index/") and n.endswith(".iwa") for n in names):
        return "iwork"
    return "zip"


def ole_stream_names(data: bytes) -> set[str] | None:
    """The names of the storages and streams of an OLE compound file (CFB), or None when the
    directory cannot be read. Enough of MS-CFB to tell a workbook from an encrypted package."""
    if len(data) < 512 or not data.startswith(_OLE_MAGIC):
        return None

    def u32(off: int) -> int:
        return int.from_bytes(data[off : off + 4], "little")

    shift = int.from_bytes(data[30:32], "little")
    if shift not in (9, 12):
        return None
    size = 1 << shift
    n_sectors = len(data) // size

    def sector(n: int) -> bytes:
        return data[(n + 1) * size : (n + 2) * size]

    difat = [u32(76 + 4 * i) for i in range(109)]
    nxt, seen = u32(68), 0
    while nxt < 0xFFFFFFFA and seen < n_sectors:
        block = sector(nxt)
        difat += [int.from_bytes(block[i : i + 4], "little") for i in range(0, size - 4, 4)]
        nxt = int.from_bytes(block[size - 4 :], "little")
        seen += 1
    fat: list[int] = []
    for s in difat[: u32(44)]:
        if s >= 0xFFFFFFFA or s >= n_sectors:
            break
        block = sector(s)
        fat += [int.from_bytes(block[i : i + 4], "little") for i in range(0, size, 4)]
    names: set[str] = set()
    s, steps = u32(48), 0
    while s < 0xFFFFFFFA and s < len(fat) and steps < n_sectors:
        block = sector(s)
        for off in range(0, len(block) - 127, 128):
            entry = block[off : off + 128]
            length = int.from_bytes(entry[64:66], "little")
            if entry[66] in (1, 2, 5) and 2 <= length <= 64:
                names.add(entry[: length - 2].decode("utf-16-le", errors="replace"))
        s, steps = fat[s], steps + 1
    return names or None


def _sniff_ole(path: Path) -> str:
    names = ole_stream_names(path.read_bytes())
    if names is None:
        return "ole-bad"
    if {"EncryptionInfo", "EncryptedPackage"} & names:
        return "encrypted"
    if {"Workbook", "Book", "WORKBOOK", "BOOK"} & names:
        return "xls"
    if "WordDocument" in names:
        return "doc"
    if "PowerPoint Document" in names:
        return "ppt"
    return "ole"


# --------------------------------------------------------------------------- messages


def _error(path: Path, zh: str, en: str) -> ReadError:
    return ReadError(f"{path}: {zh} / {en}")


def _not_readable(path: Path, kind: str) -> ReadError:
    zh, en = _describe(kind)
    suffix = path.suffix.lower() or "(none)"
    if kind == "empty":
        return _error(path, "文件为空，没有任何内容", "the file is empty")
    if kind == "encrypted":
        return _error(
            path,
            "工作簿受密码保护（设置了打开密码），无法读取；请在 Excel/WPS 中去掉打开密码后另存再放入",
            "the workbook is protected by an opening password and cannot be read; remove the "
            "password in Excel/WPS (File > Info > Protect Workbook), save it and drop it again",
        )
    if kind == "utf16":
        return _error(
            path,
            "文本是 UTF-16 编码（Excel“Unicode 文本”），不支持；请在 Excel 中另存为“CSV UTF-8”后再放入",
            "the text is UTF-16 (Excel 'Unicode Text'), which is not accepted; "
            "save it from Excel as 'CSV UTF-8' and drop it again",
        )
    if kind == "xlsb":
        return _unsupported(path, ".xlsb")
    if kind in ("zip-bad", "ole-bad"):
        return _error(
            path,
            f"内容看起来是{zh}（可能没有下载完整），无法读取；请重新导出，或用 Excel/WPS 打开后另存为 .xlsx",
            f"cannot read it: it looks like {en} (an interrupted download?); export it again, "
            "or open it in Excel/WPS and save it as .xlsx",
        )
    if kind == "text":
        return _error(
            path,
            f"扩展名为 {suffix}，但内容是纯文本而不是工作簿；如果是 CSV 导出，请改名为 .csv",
            f"named {suffix} but it looks like plain text, not a workbook; "
            "if it is a CSV export, rename it to .csv",
        )
    return _error(
        path,
        f"无法读取：扩展名为 {suffix}，但内容看起来是{zh}；请把台账导出为 .xlsx 或 .csv",
        f"cannot read it: named {suffix} but it looks like {en}; "
        "export the ledger as .xlsx or .csv",
    )


def _unsupported(path: Path, suffix: str) -> ReadError:
    return _error(
        path,
        f"不支持 {suffix} 格式；请在 Excel/WPS 中另存为 .xlsx 后再放入",
        f"{suffix} files are not supported: save it as .xlsx from Excel/WPS and drop it again",
    )


def _damaged(path: Path, zh_what: str, en_what: str) -> ReadError:
    return _error(
        path,
        f"{zh_what}已损坏或格式不完整，无法读取；请用 Excel/WPS 打开后另存为 .xlsx",
        f"the {en_what} is damaged or incomplete and cannot be read; "
        "open it in Excel/WPS and save it again as .xlsx",
    )


def _mismatch_note(path: Path, kind: str) -> str:
    zh, en = _describe(kind)
    suffix = path.suffix.lower() or "(none)"
    return f"{path}: 扩展名为 {suffix}，实际是{zh}，已按实际格式读取 / named {suffix} but is {en}; read as such"


# --------------------------------------------------------------------------- entry points


def read_file(path: Path, chunk: int = 0) -> tuple[list[RawTable], list[str]]:
    """The visible tables of a file and notes in plain language (hidden sheets skipped, a file
    read as something other than its name says, ...). ``ReadError`` when it cannot be read.
    ``chunk``: a CSV file larger than this many bytes comes as its first chunk, the others in
    the table's ``more`` (they may raise ``ReadInOneGo``)."""
    path = Path(path)
    notes: list[str] = []
    try:
        kind = sniff(path)
    except OSError as exc:
        raise _error(path, "无法打开文件", f"cannot open the file ({exc.strerror or exc})") from exc
    suffix = path.suffix.lower()
    if kind == "empty":
        raise _not_readable(path, kind)
    if suffix in UNSUPPORTED_SUFFIXES:
        raise _unsupported(path, suffix)
    if kind not in _READABLE:
        raise _not_readable(path, kind)
    expected = _SUFFIX_KIND.get(suffix, "text" if suffix in CSV_SUFFIXES else None)
    if kind == "text" and suffix in _SUFFIX_KIND and suffix != ".xls":
        raise _not_readable(path, kind)  # plain text named .xlsx: not something a system serves
    if suffix not in SUPPORTED and kind == "text":
        raise _error(
            path,
            f"不支持的文件类型 {suffix or '（无扩展名）'}（请使用 .xlsx、.xls 或 .csv）",
            f"unsupported file type {suffix or '(none)'!r} (use .xlsx, .xls or .csv)",
        )
    if expected is not None and kind != expected:
        notes.append(_mismatch_note(path, kind))
    if kind in ("xlsx", "xls", "ods"):
        tables = _read_workbook(path, kind, expected == kind, notes)
    elif kind == "html":
        tables = _read_html(path, notes)
    elif kind == "spreadsheetml":
        tables = _read_spreadsheetml(path, notes)
    else:
        tables = _read_csv_chunked(path, notes, chunk) or _read_csv(path, notes)
    return tables, notes


def read_tables(path: Path) -> list[RawTable]:
    """The visible tables of a file (see ``read_file`` for the notes)."""
    return read_file(path)[0]


def read_excel(path: Path) -> list[RawTable]:
    return read_tables(path)


def read_csv(path: Path) -> list[RawTable]:
    return _read_csv(Path(path), [])


# --------------------------------------------------------------------------- workbooks


def _rename(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})


def _read_workbook(path: Path, kind: str, by_name: bool, notes: list[str]) -> list[RawTable]:
    """calamine via fastexcel, every cell as text; hidden sheets skipped with a note. By path
    when the suffix matches the content (calamine picks its parser by suffix), else by bytes."""
    zh, en = {"xlsx": ("工作簿", "workbook"), "xls": (".xls 工作簿", ".xls workbook")}.get(
        kind, ("工作簿", "workbook")
    )
    source = path if by_name else path.read_bytes()
    try:
        reader = fastexcel.read_excel(source)
        tables, facts, hidden = [], None, []
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
            visible = str(getattr(sheet, "visible", "visible")).lower()
            if name == marker.SHEET:
                facts = marker.read(sheet.to_polars())
                continue
            if visible != "visible":
                hidden.append(name)
                very = visible.replace("_", "") == "veryhidden"
                notes.append(
                    f'{path}: {"深度" if very else ""}隐藏工作表 "{name}" 已跳过 / '
                    f'{"very hidden" if very else "hidden"} sheet "{name}" skipped'
                )
                continue
            tables.append(RawTable(path, name, _rename(sheet.to_polars())))
        if facts is not None:  # ours: its helper sheets (lists) are not worth a note
            notes[:] = [
                n for n in notes if not any(f'"{h}"' in n for h in hidden if h.startswith("_"))
            ]
            for table in tables:
                table.marker = facts
    except Exception as exc:  # calamine reports broken or encrypted workbooks many ways
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _not_readable(path, "encrypted") from exc
        raise _damaged(path, zh, en) from exc
    return _with_marks(path, source, kind, tables)


def _with_marks(path: Path, source, kind: str, tables: list[RawTable]) -> list[RawTable]:
    """The tables with the cells calamine reads as blank written back: Excel error values
    and formulas without a cached value (``cells``)."""
    readers = {"xlsx": cells.xlsx_marks, "xls": cells.xls_marks, "ods": cells.ods_marks}
    found = readers.get(kind, lambda _: {})(path)
    for table in tables:
        marks = found.get(table.sheet or "")
        if marks:
            start = cells.start_column(marks, table.frame.width, source, table.sheet)
            table.frame = cells.apply_marks(table.frame, marks, start)
    return tables


# --------------------------------------------------------------------------- text


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or GB18030/GBK; anything else is an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, tried = data[3:], "utf-8-sig"
    else:
        tried = "utf-8"
    try:
        return data.decode("utf-8"), tried
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        name = _other_encoding(data)
        looks = f"看起来是 {name} 编码" if name else f"第 {exc.start} 字节无法识别"
        raise _error(
            path,
            f"文本编码既不是 UTF-8 也不是 GB18030/GBK（{looks}）；请另存为 UTF-8 或 GBK 编码的 CSV",
            "the text is neither UTF-8 nor GB18030/GBK ("
            + (f"this file looks like {name}" if name else f"byte {exc.start}")
            + "); save it as UTF-8 or GBK (Excel: 'CSV UTF-8') and drop it again",
        ) from exc
    if _implausible_chinese(text) and (name := _other_encoding(data)):
        raise _error(
            path,
            f"文本看起来是 {name} 编码，不是 UTF-8 或 GB18030/GBK；请另存为 UTF-8 或 GBK 编码的 CSV",
            f"this file looks like {name}, not UTF-8 or GB18030/GBK; save it as UTF-8 or GBK "
            "(Excel: 'CSV UTF-8') and drop it again",
        )
    return text, "gb18030"


# encodings we name when a text is not UTF-8 or GB18030 (charset_normalizer's names)
_OTHER_ENCODINGS = {
    "big5": "Big5",
    "cp950": "Big5",
    "shift_jis": "Shift-JIS",
    "cp932": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "euc_kr": "EUC-KR",
    "cp949": "EUC-KR",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
}


def _implausible_chinese(text: str) -> bool:
    """Text decoded as GB18030 that is mostly not the common characters GBK files hold (GB2312
    or private-use ones): bytes of another double-byte encoding (Big5, Shift-JIS...)."""
    sample = [c for c in text[:20000] if ord(c) > 0x2E7F]
    if len(sample) < 4:
        return False
    common = 0
    for c in sample:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(sample) < 0.9


def _other_encoding(data: bytes) -> str | None:
    """The name of the encoding a text is most likely in, when it is one we name, else None."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536], cp_isolation=["gb18030", *_OTHER_ENCODINGS]).best()
    return _OTHER_ENCODINGS.get(best.encoding) if best is not None else None


def _decode_markup(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data[:_SNIFF_BYTES]):
        return _decode_utf16(data), "utf-16"
    return decode(data, path)


def _frame(rows: list[list[str | None]]) -> pl.DataFrame:
    width = max((len(r) for r in rows), default=0)
    columns = {f"c{i}": [r[i] if i < len(r) else None for r in rows] for i in range(width)}
    return pl.DataFrame(columns, schema={c: pl.String for c in columns})


def _delimiter(head_text: str) -> str:
    """The delimiter that splits the most records of the head into the same number of fields."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(head_text), delimiter=delimiter))[:200]
        except csv.Error:
            continue
        counts = Counter(len(r) for r in records if len(r) > 1)
        if not counts:
            continue
        width, rows = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (rows, width) > best_score:
            best, best_score = delimiter, (rows, width)
    return best


def _read_csv(path: Path, notes: list[str]) -> list[RawTable]:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data[:_SNIFF_BYTES]):
        raise _not_readable(path, "utf16")
    text, encoding = decode(data, path)
    if "\x00" in text[:_SNIFF_BYTES]:
        raise _not_readable(path, "binary")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\n" not in text:
            text = text.replace("\r", "\n")  # old Mac line endings
    text = text.rstrip("\n")  # trailing blank lines are not rows; blank lines inside are
    if not text.strip():
        raise _not_readable(path, "empty")
    head_text = text[:65536]
    truncated = len(text) > len(head_text)
    delimiter = _delimiter(head_text)
    if delimiter != ",":
        zh, en = _DELIMITER_NAMES[delimiter]
        notes.append(f"{path}: 按{zh}分隔读取 / read as {en}-separated")
    head = list(csv.reader(io.StringIO(head_text), delimiter=delimiter))
    if truncated and len(head) > 1:
        head.pop()  # maybe cut in the middle
    width = max((len(r) for r in head), default=1) or 1
    frame = _csv_polars((text + "\n").encode("utf-8"), delimiter, width)
    if frame is None:  # a row wider than the head, or quoting polars reads differently
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as exc:
            raise _error(
                path,
                "CSV 文件格式有误，无法读取；请用 Excel/WPS 打开后另存为 .xlsx 或“CSV UTF-8”",
                f"not a readable CSV file ({exc}); open it in Excel/WPS and save it as .xlsx "
                "or 'CSV UTF-8'",
            ) from exc
        frame = _frame([[v if v != "" else None for v in r] for r in rows])
    return [RawTable(path, None, frame, encoding=encoding)]


def _csv_polars(data: bytes, delimiter: str, width: int) -> pl.DataFrame | None:
    """The whole CSV (UTF-8, ending with a line end) with polars, ``width`` columns (shorter
    rows padded with null, blank lines kept as empty rows); None when a row has more fields
    than ``width`` or a byte is not UTF-8."""
    schema = {f"c{i}": pl.String for i in range(width)}
    try:
        frame = pl.read_csv(
            io.BytesIO(data),
            has_header=False,
            schema=schema,
            separator=delimiter,
            quote_char='"',
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.PolarsError, OSError):
        return None
    if frame.width != width:
        return None
    return frame.with_columns(pl.when(pl.all() != "").then(pl.all()))


# --------------------------------------------------------------------------- CSV in chunks

# a CSV's delimiter and width come from its first 65,536 characters: at most 4 bytes each
_HEAD_CHARS = 65536
_HEAD_BYTES = 4 * _HEAD_CHARS + 8
_CUT_TRIES = 1000  # line ends tried from the end of a piece for one outside quotes


def _read_csv_chunked(path: Path, notes: list[str], chunk: int) -> list[RawTable] | None:
    """A CSV larger than ``chunk`` bytes as its first chunk, the others in its ``more``, each
    read as ``_read_csv`` reads the whole file (the encoding, delimiter and width from the
    file's head). None when the file is to be read whole: small, no line ends in its head, or
    a head that is not plainly UTF-8 or GB18030 (reading it whole says what it is)."""
    try:
        if chunk <= 0 or path.stat().st_size <= max(chunk, _HEAD_BYTES):
            return None
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head[:_SNIFF_BYTES]):
        return None
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    found = _head_text(head[bom:])
    if found is None:
        return None
    text, codec = found
    norm = text.replace("\r\n", "\n")
    if "\x00" in text[:_SNIFF_BYTES] or len(norm.rstrip("\n")) <= _HEAD_CHARS + 2:
        return None
    head_text = norm[:_HEAD_CHARS]
    delimiter = _delimiter(head_text)
    try:
        rows = list(csv.reader(io.StringIO(head_text), delimiter=delimiter))
    except csv.Error:
        return None
    if len(rows) > 1:
        rows.pop()  # maybe cut in the middle
    width = max((len(r) for r in rows), default=1) or 1
    encoding = "utf-8-sig" if bom and codec == "utf-8" else codec
    chunks = _csv_chunks(path, bom, chunk, codec, encoding, delimiter, width)
    try:
        first = next(chunks)
    except (ReadInOneGo, StopIteration):
        return None
    if first.frame.height < HEADER_SCAN_ROWS + 2:  # the header is looked for in one chunk
        return None
    if delimiter != ",":
        zh, en = _DELIMITER_NAMES[delimiter]
        notes.append(f"{path}: 按{zh}分隔读取 / read as {en}-separated")
    first.more = ahead(chunks, "csv-chunks")  # the next chunk read while this one is prepared
    return [first]


def _head_text(head: bytes) -> tuple[str, str] | None:
    """The head decoded (a character cut at its end left out) and its codec, as ``decode``
    would decide for the whole file from it; None when that needs the whole file."""
    import codecs

    for codec in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(codec)().decode(head)
        except UnicodeDecodeError:
            continue
        if codec == "gb18030" and _implausible_chinese(text):
            return None
        return text, codec
    return None


def _csv_chunks(path, skip, size, codec, encoding, delimiter, width) -> Iterator[RawTable]:
    """Each piece of the file as a table; ``ReadInOneGo`` when a piece does not decode or has
    a row wider than the head (reading the file whole gives the message or the csv module).
    A UTF-8 piece goes to polars as read (polars refuses a byte that is not UTF-8, as decoding
    would), a GB18030 one decoded and encoded as UTF-8."""
    first_row = 1
    for view, last in _pieces(path, skip, size):
        try:
            piece = bytes(view) if codec == "utf-8" else str(view, codec).encode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReadInOneGo(str(path)) from exc
        finally:
            view.release()
        if b"\r" in piece:  # one byte in UTF-8, never part of a character
            piece = piece.replace(b"\r\n", b"\n")
        if last:
            piece = piece.rstrip(b"\n") + b"\n"
        if len(piece) < 2:  # a piece ends with its line end: nothing before it
            return
        frame = _csv_polars(piece, delimiter, width)
        del piece
        if frame is None:
            raise ReadInOneGo(str(path))
        yield RawTable(path, None, frame, first_row, encoding=encoding)
        first_row += frame.height


def _pieces(path: Path, skip: int, size: int) -> Iterator[tuple[memoryview, bool]]:
    """The file's bytes after ``skip`` in pieces of about ``size`` bytes, each cut after a line
    end outside quotes and not before or after a blank line, and whether it is the last.
    A quote and a line end are one byte in UTF-8 and GB18030, never part of a character.
    Each piece is a view of one buffer that the next piece reuses (read into, the rest after
    the cut moved to its start): use it before asking for the next. A new buffer for every
    piece and the concatenation of the rest with the next block cost as many page faults as
    bytes (about 0.1 s of CPU a piece); ``_csv_chunks`` still makes one copy of a piece for
    polars (``bytes``, or the UTF-8 text of a GB18030 piece)."""
    buf, held = bytearray(2 * size), 0  # held: bytes at the start of buf not yet given
    with path.open("rb") as fh:
        fh.seek(skip)
        while True:
            if held + size > len(buf):  # no record end in a whole piece yet: a larger buffer
                buf = buf[:held] + bytearray(held + 2 * size)
            with memoryview(buf) as view:
                got = fh.readinto(view[held : held + size])
            if not got:
                break
            length = held + got
            cut = _cut(buf, length)
            if cut < 0:
                held = length
                continue
            yield memoryview(buf)[: cut + 1], False
            held = length - cut - 1
            buf[:held] = buf[cut + 1 : length]  # the same length: the buffer keeps its size
    if held:
        yield memoryview(buf)[:held], True


def _cut(data: bytes | bytearray, length: int | None = None) -> int:
    """The last line end of ``data[:length]`` that ends a record (an even number of quotes
    before it), not next to a blank line and not its last byte; -1 when there is none."""
    end = (len(data) if length is None else length) - 1
    for _ in range(_CUT_TRIES):
        i = data.rfind(b"\n", 0, end)
        if i < 2:
            return -1
        blank = (
            data[i + 1 : i + 2] in (b"\n", b"\r") or data[i - 1] == 10 or data[i - 2 : i] == b"\n\r"
        )
        if not blank and data.count(b'"', 0, i) % 2 == 0:
            return i
        end = i
    return -1


# --------------------------------------------------------------------------- HTML tables


def _cell_text(chunks: list[str]) -> str | None:
    lines = ("".join(chunks)).split("\n")
    text = "\n".join(" ".join(line.split()) for line in lines).strip("\n")
    text = re.sub(r"\n{2,}", "\n", text)
    return text or None


def _span(value: str | None, extra: int = 0) -> int:
    """A span or 1-based index from an attribute: at least 1, at most ``_SPAN_LIMIT``."""
    try:
        return min(max(int(str(value).strip().rstrip(";")) + extra, 1), _SPAN_LIMIT)
    except (TypeError, ValueError):
        return max(extra, 1)


class _Table:
    def __init__(self, order: int):
        self.order = order
        self.rows: list[list[tuple[str | None, int, int]]] = []
        self.row: list[tuple[str | None, int, int]] | None = None
        self.cell: list[str] | None = None
        self.spans = (1, 1)
        self.caption: list[str] | None = None
        self.caption_text: str | None = None

    def close_cell(self) -> None:
        if self.cell is not None:
            if self.row is None:
                self.row = []
            self.row.append((_cell_text(self.cell), *self.spans))
            self.cell = None

    def close_row(self) -> None:
        self.close_cell()
        if self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def grid(self) -> list[list[str | None]]:
        """Rows of cells with colspan/rowspan repeated into every cell they cover."""
        taken: dict[tuple[int, int], str | None] = {}
        n_rows = len(self.rows)
        for r, row in enumerate(self.rows):
            c = 0
            for text, colspan, rowspan in row:
                while (r, c) in taken:
                    c += 1
                for dr in range(min(rowspan, n_rows - r)):
                    for dc in range(colspan):
                        taken[(r + dr, c + dc)] = text
                c += colspan
        width = max((c for _, c in taken), default=-1) + 1
        out = [[taken.get((r, c)) for c in range(width)] for r in range(n_rows)]
        if self.caption_text:
            out.insert(0, [self.caption_text] + [None] * (width - 1))
        return out


class _HTMLTables(HTMLParser):
    """Every <table> of a page (nested ones separately), in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Table] = []
        self.done: list[_Table] = []
        self.count = 0
        self.skip = 0  # inside <script>/<style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
            return
        if tag == "table":
            self.stack.append(_Table(self.count))
            self.count += 1
            return
        if not self.stack:
            return
        table = self.stack[-1]
        if tag == "tr":
            table.close_row()
            table.row = []
        elif tag in ("td", "th"):
            table.close_cell()
            a = dict(attrs)
            table.cell, table.spans = [], (_span(a.get("colspan")), _span(a.get("rowspan")))
        elif tag in ("thead", "tbody", "tfoot"):
            table.close_row()
        elif tag == "caption":
            table.caption = []
        elif tag == "br":
            self._text("\n")
        elif tag in ("p", "div", "li"):
            self._text("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._text("\n")
        elif tag not in ("table", "tr", "td", "th", "script", "style", "caption"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(self.skip - 1, 0)
            return
        if not self.stack:
            return
        table = self.stack[-1]
        if tag == "table":
            table.close_row()
            self.done.append(self.stack.pop())
        elif tag == "tr":
            table.close_row()
        elif tag in ("td", "th"):
            table.close_cell()
        elif tag == "caption" and table.caption is not None:
            table.caption_text = _cell_text(table.caption)
            table.caption = None
        elif tag in ("p", "div", "li"):
            self._text("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._text(data)

    def _text(self, data: str) -> None:
        if not self.stack:
            return
        table = self.stack[-1]
        if table.caption is not None:
            table.caption.append(data)
        elif table.cell is not None:
            table.cell.append(data)

    def tables(self) -> list[_Table]:
        while self.stack:  # unclosed tables at the end of a truncated page
            self.stack[-1].close_row()
            self.done.append(self.stack.pop())
        return sorted(self.done, key=lambda t: t.order)


def _read_html(path: Path, notes: list[str]) -> list[RawTable]:
    text, encoding = _decode_markup(path.read_bytes(), path)
    parser = _HTMLTables()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser is lenient; anything left is a broken file
        raise _damaged(path, "HTML 网页表格", "HTML table") from exc
    grids = [g for g in (t.grid() for t in parser.tables()) if any(v for r in g for v in r)]
    if not grids:
        raise _error(
            path,
            "网页中没有含数据的表格（<table>），无法读取",
            "the web page holds no table (<table>) with data",
        )
    many = len(grids) > 1
    return [
        RawTable(path, f"table {i}" if many else None, _frame(g), encoding=encoding)
        for i, g in enumerate(grids, 1)
    ]


# --------------------------------------------------------------------------- Excel 2003 XML

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_X = "{urn:schemas-microsoft-com:office:excel}"
_SS_DATA, _SS_ACROSS, _SS_DOWN = f"{_SS}Data", f"{_SS}MergeAcross", f"{_SS}MergeDown"
_INTEGER = re.compile(r"[+-]?\d+")
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d*)?")


def _ss_value(data: ElementTree.Element | None) -> str | None:
    if data is None:
        return None
    text = "".join(data.itertext())
    kind = data.get(f"{_SS}Type", "String")
    if kind == "Number":
        raw = text.strip()
        if _INTEGER.fullmatch(raw):
            return str(int(raw))
        try:
            number = float(raw)
        except ValueError:
            return raw or None
        if number.is_integer() and abs(number) < 1e21:
            return str(int(number))
        return repr(number)
    if kind == "DateTime":
        raw = text.strip()
        m = _DATETIME.fullmatch(raw)
        return f"{m.group(1)} {m.group(2)}" if m else raw or None
    if kind == "Boolean":
        return {"1": "true", "0": "false"}.get(text.strip(), text.strip() or None)
    return text if text != "" else None


def _read_spreadsheetml(path: Path, notes: list[str]) -> list[RawTable]:
    try:
        root = ElementTree.fromstring(path.read_bytes())
    except ElementTree.ParseError as exc:
        raise _damaged(path, "Excel 2003 XML 表格", "Excel 2003 XML spreadsheet") from exc
    tables = []
    for i, sheet in enumerate(root.iter(f"{_SS}Worksheet"), 1):
        name = sheet.get(f"{_SS}Name") or f"Sheet{i}"
        visible = (sheet.findtext(f"{_X}WorksheetOptions/{_X}Visible") or "").strip()
        if visible in ("SheetHidden", "SheetVeryHidden"):
            very = visible == "SheetVeryHidden"
            notes.append(
                f'{path}: {"深度" if very else ""}隐藏工作表 "{name}" 已跳过 / '
                f'{"very hidden" if very else "hidden"} sheet "{name}" skipped'
            )
            continue
        cells: dict[tuple[int, int], str | None] = {}
        covered: set[tuple[int, int]] = set()
        r = -1
        for table in sheet.findall(f"{_SS}Table"):
            for row in table.findall(f"{_SS}Row"):
                r = _span(row.get(f"{_SS}Index")) - 1 if row.get(f"{_SS}Index") else r + 1
                repeat = _span(row.get(f"{_SS}Span"), extra=1)
                c = -1
                for cell in row.findall(f"{_SS}Cell"):
                    if cell.get(f"{_SS}Index"):
                        c = _span(cell.get(f"{_SS}Index")) - 1
                    else:
                        c += 1
                        while (r, c) in covered:  # under a MergeDown from a row above
                            c += 1
                    value = _ss_value(cell.find(_SS_DATA))
                    attrs = cell.attrib
                    if _SS_ACROSS not in attrs and _SS_DOWN not in attrs and repeat == 1:
                        cells[(r, c)] = value  # the common case, kept cheap
                        continue
                    across = _span(attrs.get(_SS_ACROSS), extra=1)
                    down = _span(attrs.get(_SS_DOWN), extra=1)
                    for dr in range(down):
                        for dc in range(across):
                            for k in range(repeat):
                                cells[(r + k + dr, c + dc)] = value
                            if dr:
                                covered.add((r + dr, c + dc))
                    c += across - 1
                r += repeat - 1
        n_rows = max((rc[0] for rc in cells), default=-1) + 1
        width = max((rc[1] for rc in cells), default=-1) + 1
        rows = [[cells.get((y, x)) for x in range(width)] for y in range(n_rows)]
        tables.append(RawTable(path, name, _frame(rows), encoding="utf-8"))
    if not tables and not notes:
        raise _error(
            path, "Excel 2003 XML 中没有工作表", "the Excel 2003 XML file holds no worksheet"
        )
    return tables
