"""The design card's folders work (issue 17.7): `expectations/` and `notebooks/` at the top of
the project, settings found as --config, $SAFETYSTATS_CONFIG, safetystats.toml in the working
directory as the user sees it or a parent, else the packaged defaults; a notebook opened from
`notebooks/` in JupyterLab started at the project root finds the project's settings and store."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ledgers import write_clean

from safetystats.config import find_config, load_settings, working_directory
from safetystats.ingest import ingest
from safetystats.paths import EXPECTATIONS_DIR, NOTEBOOKS_DIR
from safetystats.pipeline import refresh

REPO = Path(__file__).resolve().parents[1]
PROJECT_TOML = (
    '[paths]\nraw = "data/raw"\ndb = "data/curated/safetystats.duckdb"\nreports = "reports"\n'
)


def test_the_top_level_folders_are_the_packaged_ones():
    # one copy of the suites and notebooks: the package's (which the wheel ships)
    for name, packaged in (("expectations", EXPECTATIONS_DIR), ("notebooks", NOTEBOOKS_DIR)):
        top = REPO / name
        assert top.is_symlink() and top.resolve() == packaged.resolve(), name
        assert sorted(p.name for p in top.iterdir()) == sorted(p.name for p in packaged.iterdir())
    assert len(list((REPO / "expectations").glob("*.json"))) >= 6
    # the project's own settings, found from anywhere inside it
    assert load_settings(REPO / "safetystats.toml").db == REPO / "data/curated/safetystats.duckdb"


def test_settings_are_found_by_option_variable_folder_then_defaults(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "deep" / "er").mkdir(parents=True)
    (project / "safetystats.toml").write_text(PROJECT_TOML, encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('[paths]\ndb = "elsewhere.duckdb"\n', encoding="utf-8")
    monkeypatch.delenv("SAFETYSTATS_CONFIG", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(project / "deep" / "er")
    monkeypatch.setenv("PWD", str(project / "deep" / "er"))
    assert find_config()[0] == project / "safetystats.toml"  # a parent's
    assert load_settings().db == project / "data/curated/safetystats.duckdb"
    monkeypatch.setenv("SAFETYSTATS_CONFIG", str(other))
    assert load_settings().db == tmp_path / "elsewhere.duckdb"  # the variable wins
    assert load_settings(project / "safetystats.toml").config_origin == "--config"  # the option
    monkeypatch.delenv("SAFETYSTATS_CONFIG")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PWD", str(tmp_path))
    s = load_settings()
    assert s.config_file is None and s.db == tmp_path / "data/curated/safetystats.duckdb"


def test_the_working_directory_is_the_path_the_user_sees_not_the_links_target(
    tmp_path, monkeypatch
):
    target = tmp_path / "package" / "notebooks"
    target.mkdir(parents=True)
    project = tmp_path / "project"
    project.mkdir()
    (project / "notebooks").symlink_to(target)
    monkeypatch.chdir(project / "notebooks")  # the process is in the link's target
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setenv("PWD", str(project / "notebooks"))  # a shell that cd'ed into the link
    assert working_directory() == project / "notebooks"
    # JupyterLab started at the project root: its kernel keeps the server's $PWD and is told
    # the notebook's path
    monkeypatch.setenv("PWD", str(project))
    monkeypatch.setenv("JPY_SESSION_NAME", str(project / "notebooks" / "explore.ipynb"))
    assert working_directory() == project / "notebooks"
    monkeypatch.setenv("PWD", str(tmp_path))  # a PWD that is not where the process is
    monkeypatch.delenv("JPY_SESSION_NAME")
    assert working_directory() == target.resolve()


@pytest.mark.slow  # ingest, validation and a notebook run by a real kernel
@pytest.mark.parametrize("how", ["jupyterlab", "shell"])
def test_explore_notebook_opened_from_the_notebooks_folder_reads_the_projects_store(
    tmp_path_factory, how
):
    """A project like the repository: safetystats.toml at its root, `notebooks/` a link into the
    installed package (outside the project, so the link's target has no settings above it)."""
    project = tmp_path_factory.mktemp("project")
    (project / "safetystats.toml").write_text(PROJECT_TOML, encoding="utf-8")
    (project / "notebooks").symlink_to(NOTEBOOKS_DIR)
    s = load_settings(project / "safetystats.toml")
    write_clean(s.raw)
    assert all(r.status == "ingested" for r in ingest(None, s))
    refresh(s)
    folder = project / "notebooks"
    env = {
        k: v for k, v in os.environ.items() if k not in ("SAFETYSTATS_CONFIG", "JPY_SESSION_NAME")
    }
    if how == "jupyterlab":  # `jupyter lab` started at the project root, explore.ipynb opened
        env |= {"PWD": str(project), "JPY_SESSION_NAME": str(folder / "explore.ipynb")}
    else:  # `cd notebooks && papermill …` in a shell
        env |= {"PWD": str(folder)}
    out = project / "explore.out.ipynb"
    done = subprocess.run(
        [sys.executable, "-m", "papermill", "explore.ipynb", str(out), "--cwd", str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    shown = "".join(
        "".join(o.get("data", {}).get("text/plain", "")) + "".join(o.get("text", ""))
        for o in outputs
    )
    assert str(project / "data" / "curated" / "safetystats.duckdb") in shown  # settings.db
    assert "rows: every target in force or final" in shown  # ran to the attainment and on


def test_a_session_path_relative_to_the_servers_root_is_understood(tmp_path, monkeypatch):
    target = tmp_path / "package" / "notebooks"
    target.mkdir(parents=True)
    project = tmp_path / "project"
    project.mkdir()
    (project / "notebooks").symlink_to(target)
    monkeypatch.chdir(project / "notebooks")
    monkeypatch.setenv("PWD", str(project))  # the server's folder
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/explore.ipynb")  # its API path
    assert working_directory() == project / "notebooks"
