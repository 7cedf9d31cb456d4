"""The command line as a user meets it: one map from the errors a user can cause to exit codes
and messages (errors.EXIT_CODES) for every command, --version, and sample data that never
mixes with a user's own ledgers (DATA_SPEC 3 and 7)."""

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_rows

from safetystats import errors
from safetystats.cli import app

CLI = Path(sys.executable).parent / "safetystats"
HAZARDS = [
    ["隐患编号", "统一社会信用代码", "所属区市", "隐患等级", "发现日期"],
    ["H1", "E1", "环翠区", "一般", "2024-03-01"],
]


EXAMPLE = {"kind": "accidents", "dataset": "hazards"}  # a valid value of a checked argument


def commands(group, prefix=()):
    """Every command of the CLI, as the argument list that calls it (groups walked into)."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group of commands (stats accidents ...)
            yield from commands(command, (*prefix, name))
        else:
            arguments = [p for p in command.params if p.param_type_name == "argument"]
            yield [*prefix, name, *[EXAMPLE.get(p.name, "x") for p in arguments if p.required]]


ALL_COMMANDS = list(commands(app))


def config(tmp_path: Path, text: str = "") -> Path:
    path = tmp_path / "safetystats.toml"
    path.write_text(
        f'[paths]\nraw = "raw"\ndb = "store.duckdb"\nreports = "reports"\n{text}', encoding="utf-8"
    )
    (tmp_path / "raw").mkdir(exist_ok=True)
    return path


def test_version_is_the_package_metadata_version():
    done = subprocess.run([str(CLI), "--version"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"safetystats {version('safetystats')}"


def test_the_commands_are_all_found():
    assert ["inspect", "x"] in ALL_COMMANDS  # its required argument given
    assert {"sample", "ingest", "validate", "attainment", "run"} <= {c[0] for c in ALL_COMMANDS}


@pytest.mark.parametrize("args", ALL_COMMANDS, ids=lambda a: " ".join(a))
def test_every_command_answers_an_error_of_the_map_with_its_code_and_message(
    args, tmp_path, monkeypatch
):
    """A new error is one line in EXIT_CODES, and every command (also when called as a library,
    through CliRunner, without the console script's own handler) answers it."""

    class DiskFull(OSError):
        pass

    monkeypatch.setitem(errors.EXIT_CODES, DiskFull, (1, "磁盘空间不足 / no space left on device"))

    def full(*_, **__):
        raise DiskFull(28, "No space left on device", str(tmp_path / "store.duckdb"))

    monkeypatch.setattr("safetystats.cli.load_settings", full)
    result = CliRunner().invoke(app, ["--config", str(config(tmp_path)), *args])
    assert result.exit_code == 1, (result.output, result.exception)
    assert "磁盘空间不足 / no space left on device" in result.stderr
    assert "store.duckdb" in result.stderr  # the file the error names
    assert isinstance(result.exception, SystemExit)  # an exit code, not an exception


@pytest.mark.parametrize(
    "args, words",
    [
        (["attainment", "--format", "xml"], "must be one of table, csv, json"),
        (["warnings", "--format", "xml"], "must be one of table, csv, json"),
        (["bulletins", "--lang", "fr"], "must be one of zh, en"),
        (["attainment", "--as-of", "2024-02-30"], "is not a date"),
        (["sample", "--scale", "huge"], "must be one of small, city, province, street"),
        (["run", "--sample-scale", "huge"], "must be one of small, city, province, street"),
        (["attainment", "--output", "x.txt"], "--output needs --format csv or json"),
    ],
)
def test_a_wrong_option_is_exit_2_with_a_bilingual_message(args, words, tmp_path):
    result = CliRunner().invoke(app, ["--config", str(config(tmp_path)), *args])
    assert result.exit_code == 2, result.output
    text = " ".join(result.stderr.split()).replace("│ ", "")
    assert words in text and any(zh in text for zh in ("无效", "不是日期", "需配合")), text


def test_the_settings_file_used_is_named_on_stderr_only(tmp_path):
    path = config(tmp_path)
    result = CliRunner().invoke(app, ["--config", str(path), "sample", "--remove"])
    assert result.exit_code == 0, result.output
    assert f"settings 配置: {path}" in " ".join(result.stderr.split())
    assert "settings 配置" not in result.stdout


def test_a_store_not_ready_is_a_message_not_a_traceback(tmp_path):
    path = config(tmp_path)
    result = CliRunner().invoke(app, ["--config", str(path), "warnings"])
    assert result.exit_code == 2
    assert "run `safetystats ingest` first" in " ".join(result.stderr.split())


def test_ingest_refuses_sample_files_beside_the_users_own_and_sample_remove_fixes_it(tmp_path):
    path = config(tmp_path)
    raw = tmp_path / "raw"
    write_rows(raw / "hazards" / "样例数据_隐患台账_2024.csv", HAZARDS)
    write_rows(raw / "hazards" / "我区隐患台账.csv", HAZARDS)
    (raw / "README.md").write_text("drop ledgers here\n", encoding="utf-8")
    runner = CliRunner()
    for command in ("ingest", "run"):
        refused = runner.invoke(app, ["--config", str(path), command])
        assert refused.exit_code == 2, refused.output
        said = " ".join(refused.stderr.split())
        assert "safetystats sample --remove" in said and "我区隐患台账.csv" in said
        assert not (tmp_path / "store.duckdb").exists()  # nothing was stored
    removed = runner.invoke(app, ["--config", str(path), "sample", "--remove"])
    assert removed.exit_code == 0, removed.output
    assert "removed 1 sample files" in " ".join(removed.stdout.split())
    assert sorted(p.name for p in raw.rglob("*") if p.is_file()) == [
        "README.md",
        "我区隐患台账.csv",
    ]
    loaded = runner.invoke(app, ["--config", str(path), "ingest"])
    assert loaded.exit_code == 0, loaded.output


def test_sample_files_alone_or_named_one_by_one_are_ingested(tmp_path):
    path = config(tmp_path)
    raw = tmp_path / "raw"
    sample = write_rows(raw / "hazards" / "样例数据_隐患台账_2024.csv", HAZARDS)
    (raw / "README.md").write_text("drop ledgers here\n", encoding="utf-8")  # not a ledger
    runner = CliRunner()
    assert runner.invoke(app, ["--config", str(path), "ingest"]).exit_code == 0
    # files named on the command line are what the user asked for, even a sample beside own
    own = write_rows(tmp_path / "own" / "hazards" / "我区隐患台账.csv", HAZARDS)
    named = runner.invoke(app, ["--config", str(path), "ingest", str(sample), str(own)])
    assert named.exit_code == 0, named.output


@pytest.mark.slow  # the whole scheduled run: sample, ingest, validation, bulletins, workbook
def test_run_on_an_empty_raw_folder_writes_the_sample_for_the_users_own_registry(tmp_path):
    registry = tmp_path / "units.csv"
    registry.write_text("code,name,aliases\n320302,鼓楼区,鼓楼\n320303,云龙区,云龙\n", "utf-8")
    path = config(tmp_path, '[registry]\ndistricts = "units.csv"\n')
    (tmp_path / "raw" / "README.md").write_text("drop ledgers here\n", encoding="utf-8")
    done = subprocess.run(
        [str(CLI), "--config", str(path), "run", "--sample-scale", "small", "--jobs", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "the raw folder was empty" in done.stdout
    assert list((tmp_path / "raw").rglob("样例数据_*"))
    # every page is a unit of the user's registry
    (folder,) = [p for p in (tmp_path / "reports").iterdir() if p.is_dir()]
    pages = {p.stem for p in folder.glob("*.html")} - {"index", "validation", "city_overview"}
    assert pages == {"鼓楼区", "云龙区"}


def test_a_file_that_cannot_be_written_is_exit_1_with_a_message(tmp_path):
    ledger = write_rows(tmp_path / "hazards.csv", HAZARDS)
    blocked = tmp_path / "a_file"
    blocked.write_text("", encoding="utf-8")  # a file where a folder should be
    result = CliRunner().invoke(
        app,
        ["--config", str(config(tmp_path)), "inspect", str(ledger), "--write-mapping",
         str(blocked / "mapping.toml")],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    said = " ".join(result.stderr.split())
    assert "a file or folder could not be read or written" in said and str(blocked) in said
    assert isinstance(result.exception, SystemExit)


def test_own_ledgers_are_refused_while_the_store_holds_the_sample(tmp_path):
    path = config(tmp_path)
    raw = tmp_path / "raw"
    write_rows(raw / "hazards" / "样例数据_隐患台账_2024.csv", HAZARDS)
    runner = CliRunner()
    assert runner.invoke(app, ["--config", str(path), "ingest"]).exit_code == 0  # the sample
    assert runner.invoke(app, ["--config", str(path), "sample", "--remove"]).exit_code == 0
    write_rows(raw / "hazards" / "我区隐患台账.csv", HAZARDS)
    refused = runner.invoke(app, ["--config", str(path), "ingest"])
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.stderr.split())
    assert "holds the rows of 1 sample files" in said and "make clean" in said
    (tmp_path / "store.duckdb").unlink()  # what make clean does
    assert runner.invoke(app, ["--config", str(path), "ingest"]).exit_code == 0


@pytest.mark.slow  # ingest and validation of a sample
def test_run_data_only_writes_the_attainment_table_and_no_pages(tmp_path):
    """The month's data in one process: ingest, validate and the attainment table (what
    `attainment --format csv` writes), no bulletins, workbook or 通报."""
    path = config(tmp_path)  # an empty raw folder: the run writes the small sample

    def cli(*args):
        done = subprocess.run(
            [str(CLI), "--config", str(path), *args], capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]

    cli("run", "--data-only", "--sample-scale", "small")
    table = tmp_path / "reports" / "attainment.csv"
    assert [p.name for p in (tmp_path / "reports").iterdir() if p.is_dir()] == []  # no pages
    cli("attainment", "--format", "csv", "--output", str(tmp_path / "att.csv"))
    assert table.read_bytes() == (tmp_path / "att.csv").read_bytes()
    assert table.read_text(encoding="utf-8-sig").count("\n") > 10
