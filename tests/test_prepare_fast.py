"""Reading and preparing a table, cheaper (issue 23 goal 2): each shortcut gives what the plain
path gives, on tables made to exercise its edge."""

import random

import polars as pl

from safetystats.ingest.prepare import _row_cells, footer_pattern, footer_rows, prepare
from safetystats.ingest.read import RawTable
from safetystats.ingest.spec import load_specs


def _plain_footer_rows(body: pl.DataFrame, settings) -> tuple[list, list]:
    """Every row's first non-blank cell, from every column (the code before)."""
    stripped = [pl.col(c).str.strip_chars() for c in body.columns]
    first_cell = pl.coalesce([pl.when(c == "").then(None).otherwise(c) for c in stripped])
    starts = body.select(first_cell.alias("f"))["f"]
    words = starts.fill_null("").str.replace_all(r"\s", "")
    return starts.is_null().to_list(), words.str.contains(footer_pattern(settings)).to_list()


def test_footer_rows_equal_the_first_cell_of_every_row(settings):
    cells = [
        None, "", " ", "\u3000", "\t", "数据", "X1", "2024-01-02", "填报人：张三", "填 报 人",
        " 合\u3000计 ", "合计1", "小 计", "注:", "注 :", "注：见下", "說明", "备注", "审核人",
        "负责人签字", "负责人", "制", "填表", "\u00a0总计", "计合",
    ]  # fmt: skip
    rows = [
        [None, "填报人：李四", None],  # the first cell blank, a footer further on
        ["  ", " 合 计", "3"],
        ["", "", ""],
        [None, None, None],
        [" ", "\u3000", None],
        ["数据", "合计", None],  # data first: not a footer
        [None, None, "说明：以上"],
        ["填 报 人", None, None],
    ]
    rng = random.Random(23)
    rows += [[rng.choice(cells) for _ in range(3)] for _ in range(5000)]
    body = pl.DataFrame(
        {f"c{i}": [r[i] for r in rows] for i in range(3)},
        schema={f"c{i}": pl.String for i in range(3)},
    )
    empty, footers = footer_rows(body, settings)
    plain_empty, plain_footers = _plain_footer_rows(body, settings)
    assert empty.to_list() == plain_empty
    assert footers.to_list() == plain_footers
    assert sum(plain_empty) > 20 and sum(plain_footers) > 1000
    assert plain_footers[:8] == [True, True, False, False, False, False, True, True]
    header_only = body.clear()  # a sheet with its header and no row under it
    assert [s.to_list() for s in footer_rows(header_only, settings)] == [[], []]
    assert (
        footer_rows(header_only, settings)[0] | footer_rows(header_only, settings)[1]
    ).len() == 0


def _hazards(with_ids: bool) -> pl.DataFrame:
    """A hazards table whose skipped rows (a footer, a blank row, an Excel error) sit between
    its data rows, so a staged row is not at its own place in the table."""
    header = [
        "统一社会信用代码",
        "企业名称",
        "所属区市",
        "隐患等级",
        "发现日期",
        "隐患描述",
        "备注",
    ]
    if with_ids:
        header = ["隐患编号"] + header
    rows = [["山东省隐患台账"], header]
    for i in range(40):
        row = [
            f"91370100MA3C{i % 7:05d}X",
            f"企业{i % 7}",
            "环翠区",
            "一般隐患",
            f"2024-03-{i % 5 + 1:02d}",
            f"描述{i % 3}",
            f"注{i}",  # read but not used: part of the row's cells
        ]
        rows.append(([f"H{i}"] if with_ids else []) + row)
        if i % 9 == 4:
            rows.append(["合计", None, None])
        if i % 11 == 2:
            rows.append([None] * len(header))
        if i == 17:
            rows.append(([f"H{i}x"] if with_ids else []) + row[:4] + ["#DIV/0!"] + row[5:])
    width = len(header)
    return pl.DataFrame(
        {f"c{j}": [r[j] if j < len(r) else None for r in rows] for j in range(width)},
        schema={f"c{j}": pl.String for j in range(width)},
    )


def test_row_cells_are_hashed_for_derived_keys_only(settings):
    """``_cells`` (compared for repeated derived keys) is the hash of the staged row's own
    cells as read, though skipped and held rows sit between them; a table whose ids come from
    the file does not need it."""
    specs = load_specs(settings)
    derived = _hazards(with_ids=False)
    prep = prepare(RawTable(settings.raw / "h.csv", None, derived), specs, settings, "hazards")
    staged = prep.staged
    assert staged["_key"].str.starts_with("auto:").all() and len(prep.held) == 1
    body = derived.slice(2)
    plain = _row_cells(body, prep.header.shown).gather(staged["_row"] - 3)
    assert staged["_cells"].to_list() == plain.to_list()
    assert staged["_cells"].n_unique() == staged.height  # the unused 备注 counts

    with_ids = _hazards(with_ids=True)
    prep = prepare(RawTable(settings.raw / "h.csv", None, with_ids), specs, settings, "hazards")
    assert prep.staged.height == 40 and prep.staged["_cells"].is_null().all()


def test_flags_read_once_per_distinct_text_equal_reading_every_row(settings):
    """检查方式 read once per distinct text gives what reading every row gave (traditional
    characters, spaces, letters' case, blanks)."""
    from safetystats import normalize as V
    from safetystats.ingest.prepare import _flag_hits

    spec = load_specs(settings)["inspections"]
    texts = [
        "四不两直",
        "四 不 兩 直",
        "暗查暗訪检查",
        "常规检查",
        None,
        "",
        "ＡＢ暗查暗访",
        "双随机",
    ]
    text = pl.DataFrame({"检查方式": texts * 50}, schema={"检查方式": pl.String})
    got = _flag_hits(spec, text)
    assert list(got) == list(spec.flag_from)
    for target, rule in spec.flag_from.items():
        words = [V.vocab_key(w) for w in rule["contains"]]
        keys = text["检查方式"].map_elements(V.vocab_key, return_dtype=pl.String)
        plain = keys.str.contains_any(words)
        assert got[target].to_list() == plain.to_list()
        assert got[target].to_list()[:8] == [True, True, True, False, None, False, True, False]
    blank = pl.DataFrame({"检查方式": [None, None]}, schema={"检查方式": pl.String})
    for flags in _flag_hits(spec, blank).values():  # a column left blank in a whole chunk
        assert flags.dtype == pl.Boolean and flags.null_count() == 2


def _plain_pieces(data: bytes, size: int):
    """The pieces as cut before the buffer was reused: a new bytes object for each."""
    from safetystats.ingest.read import _cut

    carry, out = b"", []
    for start in range(0, len(data), size):
        joined = carry + data[start : start + size]
        cut = _cut(joined)
        if cut < 0:
            carry = joined
            continue
        out.append((joined[: cut + 1], False))
        carry = joined[cut + 1 :]
    return out + ([(carry, True)] if carry else [])


def test_pieces_from_one_reused_buffer_equal_fresh_pieces(tmp_path):
    """Records longer than two pieces (the buffer grows), quoted line ends, blank lines and
    CRLF: the pieces are those cut from fresh copies, and each is whole when it is used."""
    from safetystats.ingest.read import _pieces

    rng = random.Random(23)
    lines = []
    for i in range(3000):
        kind = rng.random()
        if kind < 0.02:
            lines.append("")
        elif kind < 0.05:
            lines.append(f'{i},"多行\n文本{"长" * rng.randint(50, 400)}\n结束",x')
        else:
            lines.append(f"{i},隐患{i % 17},{'描述' * rng.randint(0, 30)}")
    data = ("\r\n".join(lines) + "\r\n").encode("gb18030")
    path = tmp_path / "f.csv"
    path.write_bytes(b"\xef\xbb\xbf" + data)
    for size in (97, 1000, 4096, 65536):
        got = [(bytes(view), last) for view, last in _pieces(path, 3, size)]
        assert got == _plain_pieces(data, size)
        assert b"".join(p for p, _ in got) == data


def test_damaged_codes_in_one_regex_equal_the_stripped_two():
    from safetystats import normalize as V

    codes = [
        "9.13702E+17", " 9.13702e17 ", "9.1E17\u3000", "+1e5", "-1.E-5", "1e", "e5", "9.13702E+17x",
        "913702020000000000", "9137020200000000000 ", "913702020000000011", "91370202000000000",
        "９１３７０２０２００００００００００", "9137020200000000０0", "91370100MA3C00001X",
        "", " ", None, "1.5", "12345678901234567890", "１.５E１７",
    ]  # fmt: skip
    frame = pl.DataFrame({"c": codes}, schema={"c": pl.String})
    text = pl.col("c").str.strip_chars()
    plain = text.str.contains(V._SCIENTIFIC.pattern) | text.str.contains(r"^[0-9]{15}0+$")
    got = frame.select(V.damaged_code_expr(pl.col("c")).alias("one"), plain.alias("two"))
    assert got["one"].to_list() == got["two"].to_list()
    assert sum(got["one"].fill_null(False)) == 9
