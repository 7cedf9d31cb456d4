"""safetystats.toml: every packaged table extended by the user (DATA_SPEC 3.1 and 7)."""

import subprocess
import sys

import pytest
from conftest import write_rows

from safetystats.config import ConfigError, load_settings, settings_toml
from safetystats.ingest import ingest
from safetystats.ingest.spec import load_specs

EXTENSIONS = """
[datasets.hazards.headers]
found_date = ["创建时间"]
rectified_date = ["复查完成时间", "验收时间"]
[datasets.hazards.values.level]
major = ["1级", "一级"]
general = ["2级", "3级"]
[vocab.industries]
危险化学品 = ["危化生产"]
[vocab.booleans]
true = ["已接入"]
"""


def config(tmp_path, text: str):
    path = tmp_path / "safetystats.toml"
    path.write_text(
        f'[paths]\nraw = "raw"\ndb = "store.duckdb"\nreports = "reports"\n{text}', encoding="utf-8"
    )
    return path


def test_user_spellings_load_a_file_the_package_alone_rejects(tmp_path):
    s = load_settings(config(tmp_path, EXTENSIONS))
    write_rows(
        s.raw / "hazards" / "h.csv",
        [
            ["隐患编号", "统一社会信用代码", "所属区市", "隐患等级", "创建时间", "复查完成时间"],
            ["H1", "E1", "环翠区", "1级", "2024-03-01", "2024-03-05"],  # major, rectified
            ["H2", "E1", "环翠区", "3级", "2024-03-02", ""],  # general, open
        ],
    )
    write_rows(
        s.raw / "enterprises" / "e.csv",
        [
            ["统一社会信用代码", "企业名称", "所属区市", "行业领域"],
            ["E1", "甲", "环翠区", "危化生产"],
        ],
    )
    results = ingest(None, s)
    assert [r.status for r in results] == ["ingested", "ingested"]
    import duckdb

    con = duckdb.connect(str(s.db), read_only=True)
    rows = con.execute(
        "SELECT hazard_id, level, found_date::VARCHAR, rectified_date::VARCHAR, level__raw "
        "FROM hazards ORDER BY 1"
    ).fetchall()
    industry = con.execute("SELECT industry FROM enterprises").fetchall()
    con.close()
    assert rows == [
        ("H1", "major", "2024-03-01", "2024-03-05", None),
        ("H2", "general", "2024-03-02", None, None),
    ]
    assert industry == [("危险化学品",)]


def test_without_the_extensions_the_same_grades_are_not_guessed(tmp_path):
    specs = load_specs(load_settings(config(tmp_path, "")))
    assert "创建时间" not in specs["hazards"].header_map
    from safetystats.ingest.spec import parser_for
    from safetystats.normalize import INVALID

    level = parser_for(specs["hazards"].column("level"), load_settings(config(tmp_path, "")))
    assert level("1级") is INVALID and level("重大") == "major"


@pytest.mark.parametrize(
    "text, message",
    [
        ('[datasets.hazards.headers]\nlevel = ["隐患编号"]\n', "both hazard_id and level"),
        ('[datasets.hazards.values.level]\nmajor = ["一般"]\n', "'一般' would mean both"),
        ('[vocab.booleans]\ntrue = ["否"]\n', "'否' would mean both"),
        ('[vocab.industries]\n化工 = ["x"]\n', "'化工' is not a value of industries"),
        ('[datasets.hazzards.headers]\nlevel = ["x"]\n', "unknown dataset"),
        ('[datasets.hazards.headers]\ngrade = ["x"]\n', "unknown column 'grade'"),
        ('[vocab.colours]\nred = ["x"]\n', "unknown vocabulary"),
        ('[registry]\ndistricts = "nowhere.csv"\n', "no such file"),
    ],
)
def test_a_spelling_of_two_things_or_an_unknown_name_is_a_configuration_error(
    tmp_path, text, message
):
    with pytest.raises(ConfigError, match=message):
        load_specs(load_settings(config(tmp_path, text)))


@pytest.mark.parametrize(
    "text, message",
    [
        ('[vocab.colours]\nred = ["x"]\n', r"\[vocab.colours\]: unknown vocabulary"),
        ('[vocab.booleans]\ntrue = ["否"]\n', "'否' would mean both"),
        ('[datasets.hazzards.headers]\nlevel = ["x"]\n', r"\[datasets.hazzards\]: unknown dataset"),
        (
            '[datasets.hazards.header]\nlevel = ["x"]\n',
            r"\[datasets.hazards.header\]: unknown table",
        ),
        ('[datasets.hazards.headers]\ngrade = ["x"]\n', "unknown column 'grade'"),
        ('[datasets.hazards.values.level]\nmajor = ["一般"]\n', "'一般' would mean both"),
        ('[datasets.hazards.values.level]\nmajr = ["1级"]\n', "'majr' is not a value of level"),
        ('[datasets.hazards.values.found_date]\nx = ["y"]\n', "takes no value spellings"),
    ],
)
def test_a_misspelt_extension_table_fails_when_the_settings_load(tmp_path, text, message):
    """Before, [vocab.*] was checked only by a function nothing called, and a misspelt part
    ([datasets.hazards.header]) or a values table of a free column was ignored."""
    with pytest.raises(ConfigError, match=message):
        load_settings(config(tmp_path, text))


def test_a_misspelt_vocab_table_is_exit_2_naming_it(tmp_path):
    path = config(tmp_path, '[vocab.industrys]\n危险化学品 = ["危化"]\n')
    done = subprocess.run(
        [sys.executable, "-m", "safetystats.cli", "--config", str(path), "attainment"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert "[vocab.industrys]: unknown vocabulary" in done.stderr
    assert "Traceback" not in done.stderr


def test_configuration_errors_exit_2_with_a_message_from_the_console_script(tmp_path):
    path = config(tmp_path, '[datasets.hazards.headers]\nlevel = ["隐患编号"]\n')
    (tmp_path / "raw").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "safetystats.cli", "--config", str(path), "ingest"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert "both hazard_id and level" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "content, message",
    [(b"\xff\xfe[paths]", "not UTF-8"), (b"[paths\nraw = 1", "not valid TOML")],
)
def test_a_config_that_is_not_utf8_toml_is_named(tmp_path, content, message):
    path = tmp_path / "safetystats.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_chinese_keys_written_bare_as_in_the_spec_are_read(tmp_path):
    path = config(
        tmp_path, '[vocab.industries]\n危险化学品 = ["化学原料和化学制品制造业"]  # 注释\n'
    )
    s = load_settings(path)
    assert s.extensions["vocab"]["industries"] == {"危险化学品": ["化学原料和化学制品制造业"]}


def test_a_config_with_a_bom_is_read(tmp_path):
    path = tmp_path / "safetystats.toml"
    path.write_bytes('\ufeff[report]\nlang = "en"\n'.encode())
    assert load_settings(path).lang == "en"


def test_the_notebook_config_carries_the_extensions(tmp_path):
    s = load_settings(config(tmp_path, EXTENSIONS))
    again = tmp_path / "again.toml"
    again.write_text(settings_toml(s), encoding="utf-8")
    reread = load_settings(again)
    assert reread.extensions == s.extensions
    assert (reread.db, reread.raw, reread.districts) == (s.db, s.raw, s.districts)


def test_a_column_every_row_of_some_files_shares_is_given_by_file(tmp_path):
    """[[datasets.<name>.files]]: a 双随机 sheet without a 检查类型 column is all 执法检查."""
    s = load_settings(
        config(
            tmp_path,
            '[[datasets.inspections.files]]\nmatch = "inspections/双随机*"\nset = { kind = "执法" }\n'
            '[[datasets.drills.files]]\nmatch = "drills/nothing*"\nset = { drill_type = "疏散" }\n',
        )
    )
    write_rows(
        s.raw / "inspections" / "双随机抽查_2024.csv",
        [["统一社会信用代码", "检查日期", "检查单位"], ["E1", "2024-03-01", "市应急局"]],
    )
    results = ingest(None, s)
    assert [r.status for r in results] == ["ingested"], results[0].message
    # the value went through the same normalisation as a cell: 执法 -> 执法检查
    import duckdb

    con = duckdb.connect(str(s.db), read_only=True)
    assert con.execute("SELECT kind, department FROM inspections").fetchall() == [
        ("执法检查", "市应急局")
    ]
    con.close()
    # a pattern that matches no file is listed as a note
    assert any("drills/nothing*" in note for note in results.notes)


def test_english_sentences_with_a_count_have_a_singular():
    """ "1 major hazards still open" (DATA_SPEC 8.1: English complete): every English gap
    sentence has its form for one, and every rule its English name."""
    from safetystats.config import load_settings, rule_titles
    from safetystats.metrics.targets import metric_definitions

    for metric, spec in metric_definitions().items():
        if "gap_en" in spec:
            assert "{gap}" not in spec.get("gap_en_one", "{gap}"), metric
    titles = rule_titles(load_settings(), "en")
    assert all(t.isascii() and t != rule for rule, t in titles.items())
