"""The package stands alone: a wheel built from the checkout, installed into a fresh venv
outside the repository, runs the whole job (issue: architecture, point 4)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow  # builds a wheel and runs the whole job

REPO = Path(__file__).resolve().parents[1]


def build_wheel(tmp_path: Path) -> Path:
    """Build from a copy of the work tree, so the build's own folders (build/, *.egg-info) are
    not written into the repository."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "src",
        source / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )
    dist = tmp_path / "dist"
    # the build backend comes from the package index, as pyproject.toml asks (setuptools in
    # the project's venv may be older than the one that reads its [project] table)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("safetystats-*.whl")
    return wheel


def package_files(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def repo_status() -> set[str]:
    """The repository as git sees it, ignored files included (a store, reports, samples).
    Left out: byte-code caches, the venv, and Python sources and tests, which the developers
    may be editing while this test runs (a run never writes either)."""
    out = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    skip = ("__pycache__", ".venv/", ".pytest_cache", ".ruff_cache")
    return {
        line
        for line in out.splitlines()
        if not any(s in line for s in skip)
        and not line[3:].startswith("tests/")
        and not line.endswith(".py")
    }


@pytest.mark.slow
def test_the_wheel_stands_alone_outside_the_repository(tmp_path):
    wheel = build_wheel(tmp_path)

    # every file of the package is in the wheel: notebooks, suites, config, SQL
    names = set(zipfile.ZipFile(wheel).namelist())
    package = tmp_path / "source" / "src" / "safetystats"
    # (hidden files are left out: GX's .ge_store_backend_id in expectations/ is not package data)
    expected = {
        "safetystats/" + str(p.relative_to(package))
        for p in package.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert expected - names == set()
    for folder, pattern, at_least in (
        ("notebooks", "*.ipynb", 2),
        ("expectations", "*.json", 6),
        ("config", "**/*", 10),
        ("sql", "**/*.sql", 30),
    ):
        files = [p for p in (package / folder).glob(pattern) if p.is_file()]
        assert len(files) >= at_least, (folder, files)
        assert {f"safetystats/{folder}/{p.relative_to(package / folder)}" for p in files} <= names
    for sql_folder in (package / "sql").iterdir():
        if sql_folder.is_dir() and sql_folder.name != "__pycache__":
            assert any(n.startswith(f"safetystats/sql/{sql_folder.name}/") for n in names)

    # a fresh venv; the heavy dependencies come from the project's venv through a .pth file,
    # which adds that site-packages folder to sys.path without running its .pth files (so the
    # editable install, a .pth pointing at src/, stays invisible)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    deps = Path(duckdb.__file__).resolve().parents[1]
    assert not (deps / "safetystats").exists()  # only the editable .pth lives there
    (purelib / "_project_dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")

    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    keep = {"LANG", "LC_ALL", "TERM", "SSL_CERT_FILE"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=str(home),
        PATH=f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        GX_ANALYTICS_ENABLED="false",
        PYTHONNOUSERSITE="1",
        # the dependencies' data files (nbconvert's templates, the python3 kernel spec) lie
        # beside their site-packages, as they would in the venv they were installed into
        JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
    )
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import sys, safetystats, duckdb; print(safetystats.__file__); "
            "print(any(p.rstrip('/').endswith('/src') for p in sys.path))",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 0, probe.stderr
    where, src_on_path = probe.stdout.split()
    assert Path(where).is_relative_to(purelib / "safetystats"), where
    assert not Path(where).is_relative_to(REPO), where
    assert src_on_path == "False"

    installed_package = purelib / "safetystats"
    package_before = package_files(installed_package)

    status_before = repo_status()
    (work / "data" / "raw").mkdir(parents=True)
    (work / "data" / "raw" / "README.md").write_text("drop ledgers here\n", encoding="utf-8")

    def run_job():
        done = subprocess.run(
            [str(venv / "bin" / "safetystats"), "run", "--sample-scale", "small", "--jobs", "2"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        return done.stdout.replace("\n", "")

    # the main job on an empty raw folder (a README is not data): sample data, then everything
    first = run_job()
    assert "the raw folder was empty" in first
    # 15 ledgers: every dataset, some in several files and formats
    assert len(list((work / "data" / "raw").rglob("样例数据_*"))) == 22  # with the checklist lists
    assert (work / "reports" / "quarantine.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    index = work / "reports" / "2024-12-31" / "index.html"
    assert index.exists() and str(index) in first  # it ends with the index path
    pages = {p.name for p in index.parent.glob("*.html")}
    # index, overview, 7 districts and the run's copy of the validation report
    assert "city_overview.html" in pages and len(pages) == 1 + 1 + 7 + 1, pages
    assert list(index.parent.glob("跟踪督办清单_*.xlsx"))  # the follow-up workbook
    assert (work / "data" / "curated" / "safetystats.duckdb").exists()
    summary = json.loads((work / "reports" / "validation_summary.json").read_text("utf-8"))
    assert {d["dataset"] for d in summary["datasets"]} == {
        "enterprises", "hazards", "drills", "training_plan", "training_counts", "accidents",
        "inspections", "rosters", "video_sites", "tasks", "activities",
    }  # fmt: skip
    # a second run keeps the data: nothing new to ingest
    second = run_job()
    assert "the raw folder was empty" not in second and "unchanged" in second

    assert package_files(installed_package) == package_before  # nothing written into it
    assert repo_status() == status_before  # nor into the repository
