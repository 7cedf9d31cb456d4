"""Benchmarks (make bench): ingestion, xlsx reading, validation, attainment and bulletins,
each against a baseline measured in the same run. Prints figures and writes RESULTS.md.

Figures, not assertions: machines are shared and noisy, so medians and ratios are reported.
    python benchmarks/bench.py [--skip-province] [--districts 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

GOALS = {
    "province_ingest_s": 40,
    "xlsx_speedup": 20,
    "province_validate_s": 20,
    "province_validate_gb": 4,
    "attainment_s": 1,
    "attainment_speedup": 10,
    "bulletins_100_s": 60,
    "bulletin_mb": 5,
}


def run_measured(args: list[str]) -> tuple[float, float, str]:
    """Run a command; (wall seconds, peak RSS in GB of that process tree's largest process, output)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{' '.join(args)} failed:\n{out[-3000:]}")
    return wall, usage.ru_maxrss / 1024 / 1024, out


def write_config(folder: Path, registry: Path | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = '[paths]\nraw = "raw"\ndb = "store.duckdb"\nreports = "reports"\n'
    if registry:
        text += f'\n[registry]\ndistricts = "{registry}"\n'
    path = folder / "safetystats.toml"
    path.write_text(text, encoding="utf-8")
    return path


def cli(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "safetystats.cli", "--config", str(config), *args]


def stored_rows(config: Path) -> int:
    import duckdb

    con = duckdb.connect(str(config.parent / "store.duckdb"), read_only=True)
    try:
        return con.execute("SELECT sum(rows_read) FROM ingest_files").fetchall()[0][0]
    finally:
        con.close()


def prepare(name: str, scale: str, seed: int = 2024, registry: Path | None = None) -> Path:
    folder = OUT / name
    config = write_config(folder, registry)
    if not (folder / "raw").exists():
        print(f"  writing the {scale} sample to {folder / 'raw'} ...", flush=True)
        subprocess.run(
            cli(config, "sample", "--scale", scale, "--seed", str(seed)),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    for stale in ("store.duckdb", "store.duckdb.wal"):
        (folder / stale).unlink(missing_ok=True)
    shutil.rmtree(folder / "reports", ignore_errors=True)
    return config


def bench_ingest(results: dict, name: str, scale: str) -> Path:
    config = prepare(name, scale)
    wall, peak, _ = run_measured(cli(config, "ingest"))
    rows = stored_rows(config)
    results[f"{name}_ingest"] = {
        "rows": rows,
        "seconds": wall,
        "rows_per_s": rows / wall,
        "peak_gb": peak,
    }
    print(
        f"ingest {name}: {rows:,} rows in {wall:.1f} s ({rows / wall:,.0f} rows/s), peak {peak:.2f} GB",
        flush=True,
    )
    return config


def bench_xlsx(results: dict, path: Path) -> None:
    import pandas as pd

    from safetystats.ingest.read import read_tables

    ours = []
    for _ in range(3):
        started = time.perf_counter()
        tables = read_tables(path)
        ours.append(time.perf_counter() - started)
    rows = sum(t.frame.height for t in tables)
    started = time.perf_counter()
    frame = pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="openpyxl")
    baseline = time.perf_counter() - started
    assert sum(len(f) for f in frame.values()) == rows, (
        "the baseline read a different number of rows"
    )
    ratio = baseline / statistics.median(ours)
    results["xlsx"] = {
        "file": path.name,
        "rows": rows,
        "ours_s": statistics.median(ours),
        "pandas_openpyxl_s": baseline,
        "speedup": ratio,
    }
    print(
        f"xlsx {rows:,} rows: calamine {statistics.median(ours):.2f} s, pandas+openpyxl {baseline:.1f} s "
        f"-> {ratio:.0f}x",
        flush=True,
    )


def bench_validate(results: dict, config: Path) -> None:
    wall, peak, _ = run_measured(cli(config, "validate"))
    results["province_validate"] = {"seconds": wall, "peak_gb": peak}
    print(f"validate province: {wall:.1f} s, peak {peak:.2f} GB", flush=True)


def bench_attainment(results: dict, config: Path) -> None:
    import duckdb
    import pandas_baseline

    from safetystats.config import load_settings
    from safetystats.metrics import attainment
    from safetystats.metrics.engine import PROJECTION_DAYS, latest_event_date
    from safetystats.metrics.targets import load_targets

    settings = load_settings(config)
    attainment(settings)  # warms caches (the store was validated by the CLI before)
    ours, frame = [], None
    for _ in range(5):
        started = time.perf_counter()
        frame = attainment(settings)
        ours.append(time.perf_counter() - started)
    con = duckdb.connect(str(settings.db), read_only=True)
    started = time.perf_counter()
    frames = pandas_baseline.load(con)
    load_s = time.perf_counter() - started
    as_of = latest_event_date(con)
    con.close()
    compute = []
    for _ in range(3):
        started = time.perf_counter()
        expected = {}
        for target in load_targets(settings.targets):
            e = target.eval_date(as_of)
            for day in (e, e - dt.timedelta(days=PROJECTION_DAYS)):
                expected[(target.id, day)] = pandas_baseline.counts(
                    frames, target, day, settings.vocab
                )
        compute.append(time.perf_counter() - started)
    mismatches = 0
    for row in frame.iter_rows(named=True):
        got = (row["numerator"], row["denominator"])
        want = expected[(row["target_id"], row["eval_date"])].get(row["district_code"], (0, 0))
        mismatches += got != want
    speed = statistics.median(compute) / statistics.median(ours)
    results["attainment"] = {
        "rows": frame.height,
        "ours_s": statistics.median(ours),
        "pandas_compute_s": statistics.median(compute),
        "pandas_load_s": load_s,
        "speedup_vs_compute": speed,
        "speedup_vs_load_and_compute": (statistics.median(compute) + load_s)
        / statistics.median(ours),
        "mismatches": mismatches,
    }
    print(
        f"attainment: {frame.height} rows in {statistics.median(ours):.3f} s; pandas {statistics.median(compute):.2f} s "
        f"(+{load_s:.1f} s to load) -> {speed:.0f}x; mismatches {mismatches}",
        flush=True,
    )


def registry_of(n: int) -> Path:
    path = OUT / f"registry_{n}.csv"
    lines = ["code,name,aliases"] + [
        f"99{i:04d},样例第{i:03d}区,第{i:03d}区" for i in range(1, n + 1)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bench_bulletins(results: dict, city: Path, districts: int) -> None:
    from safetystats.config import load_settings
    from safetystats.report.runner import bulletins

    settings = load_settings(city)
    started = time.perf_counter()
    one = bulletins(settings, districts=["环翠区"], jobs=1, city=False)
    results["bulletin_one"] = {
        "seconds": time.perf_counter() - started,
        "mb": one.results[0].size / 1e6,
    }
    started = time.perf_counter()
    run = bulletins(settings, jobs=2)
    results["bulletins_city"] = {
        "count": len(run.results),
        "seconds": time.perf_counter() - started,
        "failed": len(run.failed),
        "max_mb": max(r.size for r in run.results) / 1e6,
    }
    print(
        f"bulletins: one {results['bulletin_one']['seconds']:.1f} s; city {len(run.results)} in "
        f"{results['bulletins_city']['seconds']:.1f} s",
        flush=True,
    )

    config = prepare(f"registry{districts}", "city", registry=registry_of(districts))
    subprocess.run(cli(config, "ingest"), check=True, stdout=subprocess.DEVNULL)
    subprocess.run(cli(config, "validate"), check=True, stdout=subprocess.DEVNULL)
    wall, peak, out = run_measured(cli(config, "bulletins", "--jobs", "2"))
    results["bulletins_many"] = {
        "districts": districts,
        "seconds": wall,
        "peak_gb": peak,
        "per_bulletin_s": wall / (districts + 1),
    }
    print(
        f"bulletins: {districts} districts + city overview with 2 jobs in {wall:.1f} s", flush=True
    )
    # the same work with a fresh kernel per notebook (papermill's default engine), on a slice
    import papermill as pm

    from safetystats.report.runner import DISTRICT_NOTEBOOK

    started = time.perf_counter()
    for i in range(1, 4):
        pm.execute_notebook(
            str(DISTRICT_NOTEBOOK),
            None,
            parameters={"district": f"样例第{i:03d}区", "config": str(config)},
            kernel_name="python3",
            progress_bar=False,
        )
    cold = (time.perf_counter() - started) / 3
    results["bulletins_many"]["cold_kernel_per_notebook_s"] = cold
    print(
        f"  a fresh kernel per notebook: {cold:.2f} s each (~{cold * (districts + 1) / 2:.0f} s for the run)",
        flush=True,
    )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1]) / 1024 / 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    from importlib.metadata import version

    libs = ", ".join(
        f"{p} {version(p)}"
        for p in (
            "duckdb",
            "polars",
            "pandas",
            "great_expectations",
            "fastexcel",
            "papermill",
            "plotly",
        )
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}; {libs}"
    )


def write_results(results: dict) -> None:
    r = results
    lines = [
        "# Benchmark results\n",
        f"Run {dt.datetime.now():%Y-%m-%d %H:%M} on {machine()}.\n",
        "Produced by `make bench` (benchmarks/bench.py); medians of repeated runs where noted. "
        "Goals are from the issues; figures are not test assertions.\n",
        "| measure | figure | goal |",
        "|---|---|---|",
    ]

    def add(label, value, goal=""):
        lines.append(f"| {label} | {value} | {goal} |")

    for name in ("city_ingest", "province_ingest"):
        if name in r:
            x = r[name]
            add(
                f"ingest {name.split('_')[0]} sample",
                f"{x['rows']:,} rows, {x['seconds']:.1f} s, {x['rows_per_s']:,.0f} rows/s, "
                f"peak {x['peak_gb']:.2f} GB",
                "≤ 40 s" if name == "province_ingest" else "",
            )
    if "xlsx" in r:
        x = r["xlsx"]
        add(
            f"read {x['file']} ({x['rows']:,} rows)",
            f"calamine {x['ours_s']:.2f} s (median of 3) vs pandas+openpyxl "
            f"{x['pandas_openpyxl_s']:.1f} s: **{x['speedup']:.0f}×**",
            "≥ 20×",
        )
    if "province_validate" in r:
        x = r["province_validate"]
        add(
            "validate province sample",
            f"{x['seconds']:.1f} s, peak {x['peak_gb']:.2f} GB",
            "≤ 20 s, ≤ 4 GB",
        )
    if "attainment" in r:
        x = r["attainment"]
        add(
            f"attainment, all districts × targets ({x['rows']} rows), province",
            f"{x['ours_s']:.3f} s (median of 5) vs "
            f"pandas {x['pandas_compute_s']:.2f} s compute (+{x['pandas_load_s']:.1f} s load): **{x['speedup_vs_compute']:.0f}×**"
            f" ({x['speedup_vs_load_and_compute']:.0f}× with load); mismatches: {x['mismatches']}",
            "≤ 1 s, ≥ 10×",
        )
    if "bulletin_one" in r:
        add(
            "one district bulletin (city sample)",
            f"{r['bulletin_one']['seconds']:.1f} s, {r['bulletin_one']['mb']:.2f} MB",
            "≤ 5 MB",
        )
        x = r["bulletins_city"]
        add(
            f"all city bulletins ({x['count']}), 2 jobs",
            f"{x['seconds']:.1f} s, largest {x['max_mb']:.2f} MB, failed {x['failed']}",
        )
    if "bulletins_many" in r:
        x = r["bulletins_many"]
        add(
            f"{x['districts']} districts + overview, 2 jobs, warm kernels",
            f"{x['seconds']:.1f} s ({x['per_bulletin_s']:.2f} s "
            f"each); fresh kernel per notebook: {x['cold_kernel_per_notebook_s']:.2f} s each",
            "≤ 60 s",
        )
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-province", action="store_true", help="city-scale figures only")
    parser.add_argument("--districts", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    results: dict = {}
    city = bench_ingest(results, "city", "city")
    subprocess.run(cli(city, "validate"), check=True, stdout=subprocess.DEVNULL)
    if not args.skip_province:
        province = bench_ingest(results, "province", "province")
        bench_xlsx(results, next((OUT / "province" / "raw" / "enterprises").glob("*.xlsx")))
        bench_validate(results, province)
        bench_attainment(results, province)
    bench_bulletins(results, city, args.districts)
    write_results(results)


if __name__ == "__main__":
    main()
