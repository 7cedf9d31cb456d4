"""Benchmarks (make bench): province ingest + validate + attainment, attainment against a pandas
baseline, `run` with nothing changed, bulletins (warm kernels vs a fresh kernel per notebook),
the 200k-row xlsx read. Each figure beside its goal; writes benchmarks/RESULTS.md.

Figures, not assertions: machines are shared and noisy, so medians and ratios are reported.
    python benchmarks/bench.py [--skip-province] [--skip-bulletins] [--skip-run] [--scale-factor N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
ROOT = HERE.parent
SHANDONG = ROOT / "src" / "safetystats" / "config" / "registries" / "shandong.csv"
sys.path.insert(0, str(HERE))


def run_usage(args: list[str], env: dict | None = None) -> dict:
    """Run a command: its wall seconds, CPU seconds (user + sys of the process and its
    children), peak RSS in GB of the tree's largest process, and output."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{' '.join(args)} failed:\n{out[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": wall, "cpu": cpu, "peak_gb": usage.ru_maxrss / 1024 / 1024, "out": out}


def run_measured(args: list[str]) -> tuple[float, float, str]:
    """Run a command; (wall seconds, peak RSS in GB of that process tree's largest process, output)."""
    u = run_usage(args)
    return u["seconds"], u["peak_gb"], u["out"]


def _tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and every process under it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * page
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run_tree(args: list[str], env: dict | None = None) -> dict:
    """Run a command: wall seconds, CPU seconds (user + sys of it and every process it waited
    for), the peak RSS of the whole process tree (sampled every 0.2 s) and of its largest
    process (``wait4``), the load average at its start and end, and its output."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    import threading

    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()))
    reader.start()
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(args)} failed:\n{out[0][-3000:]}")
    return {
        "seconds": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "largest_gb": usage.ru_maxrss / 1024 / 1024,
        "tree_gb": peak / 1e9,
        "load": [round(load, 1), round(os.getloadavg()[0], 1)],
        "out": out[0],
        "returncode": proc.returncode,
    }


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


def _measured(results: dict, key: str, args: list[str], **extra) -> dict:
    """Wall and CPU seconds of a command, its whole process tree's peak RSS (``peak_gb``)."""
    done = run_tree(args)
    results[key] = {
        "seconds": done["seconds"],
        "cpu": done["cpu"],
        "peak_gb": done["tree_gb"],
        "load": done["load"],
        **extra,
    }
    return results[key]


def _scratch_config(config: Path, name: str) -> Path:
    """A copy of a project's settings whose store and reports are in out/<name>/ (its raw
    folder and registry read where they are): the project itself is never written."""
    import tomllib

    settings = tomllib.loads(config.read_text(encoding="utf-8"))
    paths = settings.setdefault("paths", {})
    paths["raw"] = str((config.parent / paths.get("raw", "raw")).resolve())
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    paths["db"], paths["reports"] = str(folder / "store.duckdb"), str(folder / "reports")
    lines = []
    for table, values in settings.items():
        lines.append(f"[{table}]")
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in values.items()]
    out = folder / "safetystats.toml"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def bench_from_empty(
    results: dict, config: Path, baseline_src: Path | None, runs: int, one_process: bool = False
) -> None:
    """Issue 23 goals 2 and 3: ingest + validate + attainment from an empty store of a
    prepared project (``config``: the province, or a sample written with ``--factor N``), with
    this code and then, in the same run, ``baseline_src``'s: wall and CPU seconds of each step,
    the peak RSS of each step's whole process tree, the load average around each. With
    ``one_process``, each run is followed by the same from empty as the scheduled job does it,
    in one process (``run --data-only``): not in the total."""
    name = f"from_empty_{config.parent.name}"
    scratch = _scratch_config(config, name)
    steps = {
        "ingest": ["ingest"],
        "validate": ["validate"],
        "attainment": ["attainment", "--format", "csv", "--output", str(OUT / name / "att.csv")],
    }
    for label, src in (("ours", ROOT / "src"), ("baseline", baseline_src)):
        if src is None:
            continue
        env = {**os.environ, "PYTHONPATH": str(src)}
        seen = []
        for _ in range(runs):
            for stale in ("store.duckdb", "store.duckdb.wal"):
                (OUT / name / stale).unlink(missing_ok=True)
            os.sync()  # nothing of the run before is still being written
            run = {}
            for step, args in steps.items():
                done = run_tree(cli(scratch, *args), env)
                out = done.pop("out")
                if done["returncode"]:  # e.g. validate refused: the next step redoes its work
                    done["said"] = out[-800:]
                run[step] = done
            run["total"] = {
                "seconds": sum(run[step]["seconds"] for step in steps),
                "cpu": sum(run[step]["cpu"] for step in steps),
                "tree_gb": max(run[step]["tree_gb"] for step in steps),
            }
            if one_process:
                for stale in ("store.duckdb", "store.duckdb.wal"):
                    (OUT / name / stale).unlink(missing_ok=True)
                os.sync()
                run["run_data_only"] = run_tree(cli(scratch, "run", "--data-only"), env)
                run["run_data_only"].pop("out")
            seen.append(run)
            print(label, json.dumps(run), flush=True)
        results[f"from_empty_{label}"] = {
            "runs": seen,
            "median_s": statistics.median(r["total"]["seconds"] for r in seen),
            "median_cpu": statistics.median(r["total"]["cpu"] for r in seen),
            "peak_gb": max(r["total"]["tree_gb"] for r in seen),
            "run_data_only_s": [
                r["run_data_only"]["seconds"] for r in seen if "run_data_only" in r
            ],
            # issue 23 goal 3 (4x from empty <= 3 GB): each step's peak, tree and largest process
            "step_peaks_gb": {
                step: [
                    max(r[step]["tree_gb"] for r in seen),
                    max(r[step]["largest_gb"] for r in seen),
                ]
                for step in steps
            },
        }
        print(
            label,
            "peaks (tree, largest process) GB:",
            results[f"from_empty_{label}"]["step_peaks_gb"],
        )
    results["from_empty_config"] = str(config)


def bench_validate(results: dict, config: Path, baseline_src: Path | None, runs: int) -> None:
    """Issue 23 goal 2, the validate half (val2): `validate` of a store filled from empty. The
    project's raw folder is ingested once (this code); then each run validates a fresh copy of
    that store with this code and, right after, with ``baseline_src``'s: wall and CPU seconds,
    the process tree's peak, the load; whether the two quarantine.csv are byte-identical."""
    name = f"validate_{config.parent.name}"
    scratch = _scratch_config(config, name)
    folder = OUT / name
    ingested = folder / "ingested.duckdb"
    if not ingested.exists():
        for stale in ("store.duckdb", "store.duckdb.wal"):
            (folder / stale).unlink(missing_ok=True)
        run_tree(cli(scratch, "ingest"), {**os.environ, "PYTHONPATH": str(ROOT / "src")})
        shutil.copy2(folder / "store.duckdb", ingested)
    sides = [("ours", ROOT / "src")] + ([("baseline", baseline_src)] if baseline_src else [])
    seen: dict = {label: [] for label, _ in sides}
    quarantines: dict = {}
    for _ in range(runs):
        for label, src in sides:  # one after the other, on the same ingested store
            (folder / "store.duckdb.wal").unlink(missing_ok=True)
            shutil.copy2(ingested, folder / "store.duckdb")
            done = run_tree(cli(scratch, "validate"), {**os.environ, "PYTHONPATH": str(src)})
            done.pop("out")
            seen[label].append(done)
            quarantines[label] = (folder / "reports" / "quarantine.csv").read_bytes()
            print(label, json.dumps(done), flush=True)
    for label, done in seen.items():
        results[f"validate_{label}"] = {
            "runs": done,
            "median_s": statistics.median(d["seconds"] for d in done),
            "median_cpu": statistics.median(d["cpu"] for d in done),
            "peak_gb": max(d["tree_gb"] for d in done),
        }
    if baseline_src:
        results["validate_same_quarantine"] = quarantines["ours"] == quarantines["baseline"]
    results["validate_config"] = str(config)
    print(json.dumps({k: v for k, v in results.items() if not isinstance(v, dict)}))


def bench_province(results: dict, name: str = "province") -> Path:
    """1. ingest + validate + attainment from an empty store, the Shandong registry."""
    config = prepare(name, "province", registry=SHANDONG)
    # beside the default (one process below config/performance.toml's min_cores): files read
    # and prepared in 2 worker processes, the main process writing
    _measured(results, f"{name}_ingest_workers", cli(config, "ingest", "--jobs", "2"))
    prepare(name, "province", registry=SHANDONG)  # empty again
    ingest = _measured(results, f"{name}_ingest", cli(config, "ingest"))
    ingest["rows"] = stored_rows(config)
    validate = _measured(results, f"{name}_validate", cli(config, "validate"))
    att = _measured(
        results,
        f"{name}_attainment_cli",
        cli(config, "attainment", "--format", "csv", "--output", str(config.parent / "att.csv")),
    )
    total = ingest["seconds"] + validate["seconds"] + att["seconds"]
    peak = max(ingest["peak_gb"], validate["peak_gb"], att["peak_gb"])
    cpu = ingest["cpu"] + validate["cpu"] + att["cpu"]
    results[f"{name}_pipeline"] = {
        "seconds": total,
        "cpu": cpu,
        "peak_gb": peak,
        "rows": ingest["rows"],
        "load": ingest["load"][0],
    }
    print(
        f"{name}: ingest {ingest['rows']:,} rows {ingest['seconds']:.1f} s "
        f"(peak {ingest['peak_gb']:.2f} GB), validate {validate['seconds']:.1f} s "
        f"(peak {validate['peak_gb']:.2f} GB), attainment {att['seconds']:.1f} s -> "
        f"{total:.1f} s, peak {peak:.2f} GB",
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


def bench_attainment(results: dict, config: Path) -> None:
    """2. attainment, all units x all default targets vs the same counts in pandas."""
    import duckdb
    import pandas_baseline

    from safetystats.config import load_settings
    from safetystats.metrics import attainment
    from safetystats.metrics.engine import latest_event_date, projection_date
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
    targets = load_targets(settings.targets)
    compute, expected = [], {}
    for _ in range(5):
        started = time.perf_counter()
        # the tree from the registry's (code, parent) pairs, rolled up in pandas
        tree = pandas_baseline.unit_tree([(u.code, u.parent) for u in settings.registry.districts])
        expected = {}
        for target in targets:  # the counts at E and at P (the projection's), as the engine
            e = target.eval_date(as_of)
            for day in (e, projection_date(target, e, settings.thresholds["projection_days"])):
                expected[(target.id, day)] = pandas_baseline.counts(
                    frames, target, day, settings.vocab, tree
                )
        compute.append(time.perf_counter() - started)
    mismatches, examples = 0, []
    for row in frame.iter_rows(named=True):
        got = (row["numerator"], row["denominator"])
        n, d = expected[(row["target_id"], row["eval_date"])].get(row["district_code"], (0, 0))
        want = (n, None) if row["kind"] == "count" else (n, d)
        if got != want:
            mismatches += 1
            if len(examples) < 5:
                examples.append(f"{row['target_id']}/{row['district_code']}: {got} vs {want}")
    speed = statistics.median(compute) / statistics.median(ours)
    results["attainment"] = {
        "rows": frame.height,
        "units": frame.filter(frame["scope"] == "district")["district_code"].n_unique(),
        "targets": len(targets),
        "ours_s": statistics.median(ours),
        "pandas_compute_s": statistics.median(compute),
        "pandas_load_s": load_s,
        "speedup_vs_compute": speed,
        "speedup_vs_load_and_compute": (statistics.median(compute) + load_s)
        / statistics.median(ours),
        "mismatches": mismatches,
        "examples": examples,
    }
    print(
        f"attainment: {frame.height} rows in {statistics.median(ours):.3f} s; pandas "
        f"{statistics.median(compute):.2f} s (+{load_s:.1f} s to load) -> {speed:.1f}x; "
        f"mismatches {mismatches} {examples}",
        flush=True,
    )


def _median_of(function, runs: int = 3) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def _compare(ours: dict, theirs: dict) -> tuple[int, list[str]]:
    """Mismatches between two {key: figures} (a key missing on one side counts as zeros)."""
    bad = [k for k in ours if ours[k] != theirs.get(k, ours[k] if _zero(ours[k]) else None)]
    return len(bad), [f"{k}: {ours[k]} vs {theirs.get(k)}" for k in bad[:3]]


def _zero(figures) -> bool:
    values = figures.values() if isinstance(figures, dict) else figures
    return all(not v for v in values)


def bench_stats(results: dict, config: Path) -> None:
    """8. stats accidents + enforcement and assess over the province store, vs pandas."""
    import duckdb
    import pandas_baseline

    from safetystats.config import load_settings
    from safetystats.metrics.assessment import assessment, load_assessment
    from safetystats.metrics.engine import latest_event_date
    from safetystats.metrics.targets import load_targets
    from safetystats.stats import accident_statistics, enforcement_statistics

    settings = load_settings(config)
    con = duckdb.connect(str(settings.db), read_only=True)
    as_of = latest_event_date(con)
    frames = pandas_baseline.load(con)
    started = time.perf_counter()
    stats_frames = pandas_baseline.load_stats(con)
    load_s = time.perf_counter() - started
    con.close()
    units = settings.registry.districts
    tree = pandas_baseline.unit_tree([(u.code, u.parent) for u in units])

    def ours_stats():
        return accident_statistics(settings, as_of), enforcement_statistics(settings, as_of)

    def pandas_stats():
        return (
            pandas_baseline.accident_figures(stats_frames, as_of, tree),
            pandas_baseline.enforcement_figures(stats_frames, as_of, tree),
        )

    ours_stats()  # warm
    ours_s, (accidents, enforcement) = _median_of(ours_stats)
    base_s, (want_accidents, want_enforcement) = _median_of(pandas_stats)
    got_accidents, got_enforcement = {}, {}
    for row in accidents:
        for period, p in (("cur", ""), ("prev", "prev_")):
            key = (row["district_code"], row["span"], period)
            levels = {k: v for k, v in row[f"{p}by_level"].items() if v}
            got_accidents[key] = tuple(
                row[f"{p}{f}"] for f in ("accidents", "deaths", "injuries", "direct_loss")
            ) + (levels,)
    for row in enforcement:
        for period, p in (("cur", ""), ("prev", "prev_")):
            key = (row["district_code"], row["span"], period)
            got_enforcement[key] = {
                f: row[f"{p}{f}"]
                for f in pandas_baseline.ENFORCEMENT_COLUMNS
                | {"inspections": 0, "enterprises_inspected": 0, "enforcement": 0}
            }
    bad_a, ex_a = _compare(got_accidents, want_accidents)
    bad_e, ex_e = _compare(
        {k: v for k, v in got_enforcement.items() if v["inspections"]}, want_enforcement
    )
    results["stats"] = {
        "rows": len(accidents) + len(enforcement),
        "ours_s": ours_s,
        "pandas_compute_s": base_s,
        "pandas_load_s": load_s,
        "speedup": base_s / ours_s,
        "mismatches": bad_a + bad_e,
        "examples": ex_a + ex_e,
    }
    print(
        f"stats accidents + enforcement: {len(accidents) + len(enforcement)} rows in "
        f"{ours_s:.3f} s; pandas {base_s:.2f} s (+{load_s:.1f} s to load) -> "
        f"{base_s / ours_s:.1f}x; mismatches {bad_a + bad_e} {ex_a + ex_e}",
        flush=True,
    )
    setup, targets = load_assessment(settings), load_targets(settings.targets)
    parents = {u.code: u.parent for u in units}
    assessment(settings, as_of)  # warm
    ours_s, frame = _median_of(lambda: assessment(settings, as_of))
    base_s, want = _median_of(
        lambda: pandas_baseline.scores(
            frames, stats_frames, targets, setup, as_of, settings.vocab, tree, parents
        )
    )
    got = {
        r["district_code"]: (r["score"], r["grade"], r["rank"]) for r in frame.iter_rows(named=True)
    }
    bad, examples = _compare(got, want)
    results["assess"] = {
        "units": frame.height - 1,
        "ours_s": ours_s,
        "pandas_compute_s": base_s,
        "speedup": base_s / ours_s,
        "mismatches": bad,
        "examples": examples,
    }
    print(
        f"assess: {frame.height - 1} units in {ours_s:.3f} s; pandas {base_s:.2f} s -> "
        f"{base_s / ours_s:.1f}x; mismatches {bad} {examples}",
        flush=True,
    )


def compute_times(config: Path, runs: int) -> dict:
    """Issue 23 goal 6, inside one process (the code on sys.path): each of ``stats accidents``,
    ``enforcement``, ``hazards`` and ``assess``, what the command computes after its start,
    imports and settings (the rows it prints, every unit); wall and CPU seconds (all threads),
    medians of ``runs`` after a warm-up run."""
    from safetystats.config import load_settings
    from safetystats.metrics.engine import latest_event_date, open_store
    from safetystats.stats import statistics as kinds

    settings = load_settings(config)
    with open_store(settings) as con:
        as_of = latest_event_date(con)
    work = {kind: kinds.KINDS[kind] for kind in ("accidents", "enforcement", "hazards")}
    work["assess"] = lambda s, day, district: kinds.assessment_rows(s, day, None)
    out = {}
    for name, function in work.items():
        function(settings, as_of, None)  # warm: the first run also reads the store's pages
        walls, cpus = [], []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            function(settings, as_of, None)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        out[name] = {
            "seconds": statistics.median(walls),
            "cpu_seconds": statistics.median(cpus),
            "runs": [round(t, 3) for t in walls],
        }
    return out


def _commands(config: Path, src: Path, commands: dict, runs: int) -> dict:
    """Whole commands with the code of ``src``: wall seconds (median of ``runs``), CPU seconds
    of the command and its workers (user + sys), peak RSS, load average at each start."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = {}
    for key, args in commands.items():
        seen = []
        for _ in range(runs):
            load = load_average()
            before = os.times()
            started = time.perf_counter()
            proc = subprocess.run(cli(config, *args), env=env, capture_output=True, text=True)
            wall = time.perf_counter() - started
            after = os.times()
            if proc.returncode not in (0, 1):
                raise RuntimeError(f"{key}: {proc.stdout[-1500:]}{proc.stderr[-1500:]}")
            cpu = (after.children_user - before.children_user) + (
                after.children_system - before.children_system
            )
            seen.append((wall, cpu, load))
        out[key] = {
            "seconds": statistics.median(t for t, _, _ in seen),
            "cpu_seconds": statistics.median(c for _, c, _ in seen),
            "runs": [round(t, 2) for t, _, _ in seen],
            "loads": [round(x, 1) for _, _, x in seen],
        }
        print(f"{src}: {key} {out[key]}", flush=True)
    return out


def bench_compute(
    results: dict, config: Path, baseline_src: Path | None, runs: int = 3, compare: str = ""
) -> None:
    """Issue 23 goal 6 and issue 22's packages on a prepared province store: the compute of
    ``stats`` (accidents, enforcement, hazards) and ``assess`` in the process, the whole
    commands, ``notice``, ``export`` (the follow-up workbook) and ``packages --level all`` (every unit, cities and counties); with
    ``baseline_src`` the same with that code, one after the other in the same run. The
    baseline's packages are ``packages --level 1`` then ``--level 2``: the same workbooks (its
    ``--level all`` left a county's rows out of its city's package)."""
    runs = max(runs, 3)
    code = {"": ROOT / "src"} | ({"baseline_": baseline_src} if baseline_src else {})
    inner = [sys.executable, str(HERE / "bench.py"), "--compute-times", str(config)]
    for prefix, src in code.items():
        env = {**os.environ, "PYTHONPATH": str(src)}
        done = subprocess.run(
            [*inner, "--runs", str(runs)], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"compute times ({src}): {done.stderr[-2000:]}")
        results[prefix + "compute"] = json.loads(done.stdout.splitlines()[-1]) | {
            "load": load_average()
        }
        print(prefix + "compute", results[prefix + "compute"], flush=True)
        commands = {
            f"stats {kind}": ["stats", kind, "--format", "json"]
            for kind in ("accidents", "enforcement", "hazards")
        }
        commands["assess"] = ["assess", "--format", "json"]
        commands["notice"] = ["notice", *(["--compare", compare] if compare else [])]
        commands["export"] = ["export", "--output", str(OUT / f"{prefix}export.xlsx")]
        if prefix:
            commands["packages level 1"] = ["packages", "--level", "1"]
            commands["packages level 2"] = ["packages", "--level", "2"]
        else:
            commands["packages"] = ["packages", "--level", "all"]
        results[prefix + "commands"] = _commands(config, src, commands, runs)


def bench_run(results: dict) -> None:
    """3. `run` on the city sample in an empty folder, then again with nothing changed."""
    folder = OUT / "run_city"
    shutil.rmtree(folder, ignore_errors=True)
    config = write_config(folder)
    first = _measured(results, "run_first", cli(config, "run", "--sample-scale", "city"))
    again = []
    for _ in range(3):
        wall, peak, out = run_measured(cli(config, "run"))
        again.append(wall)
    results["run_again"] = {"seconds": statistics.median(again), "all": again}
    ratio = first["seconds"] / statistics.median(again)
    results["run_again"]["speedup"] = ratio
    print(
        f"run: first {first['seconds']:.1f} s, again (nothing changed) median "
        f"{statistics.median(again):.2f} s -> {ratio:.1f}x",
        flush=True,
    )


def _cold_bulletin(args: tuple[str, str, str, str]) -> float:
    """One bulletin with papermill's default engine (a fresh kernel), exported as the runner does."""
    import papermill as pm

    from safetystats.report.pages import export_html
    from safetystats.report.plan import DISTRICT_NOTEBOOK

    code, as_of, config, out = args
    started = time.perf_counter()
    nb = pm.execute_notebook(
        str(DISTRICT_NOTEBOOK),
        None,
        parameters={"district": code, "as_of": as_of, "config": config, "lang": "zh"},
        kernel_name="python3",
        progress_bar=False,
    )
    Path(out).write_text(export_html(nb, code, "zh"), encoding="utf-8")
    return time.perf_counter() - started


def bench_bulletins(
    results: dict, config: Path, level: str = "all", slice_n: int = 10, skip_pdf: bool = False
) -> None:
    """4. every unit of the registry (``level`` all) or of one level + overview, 2 jobs, without
    and with PDFs; the same
    work with a fresh kernel per notebook on a slice."""
    import duckdb

    from safetystats.config import load_settings

    settings = load_settings(config)
    from safetystats.report.runner import chosen_units

    units = chosen_units(settings, None, level if level == "all" else int(level))
    shutil.rmtree(config.parent / "reports", ignore_errors=True)
    html = _measured(
        results, "bulletins_html", cli(config, "bulletins", "--level", str(level), "--jobs", "2")
    )
    reports = config.parent / "reports"
    pages = [p for p in reports.rglob("*.html") if p.name != "index.html"]
    html["units"] = len(units)
    html["pages"] = len(pages)
    html["max_mb"] = max((p.stat().st_size for p in pages), default=0) / 1e6
    html["per_page_s"] = html["seconds"] / max(1, len(pages))
    print(
        f"bulletins level {level}: {len(units)} units, {len(pages)} pages in "
        f"{html['seconds']:.1f} s ({html['per_page_s']:.2f} s each)",
        flush=True,
    )
    try:
        if skip_pdf:
            raise RuntimeError("skipped (--skip-pdf)")
        pdf = _measured(
            results,
            "bulletins_pdf",
            cli(config, "bulletins", "--level", str(level), "--jobs", "2", "--pdf", "--force"),
        )
        pdf["pdfs"] = len(list(reports.rglob("*.pdf")))
        print(f"  with --pdf --force: {pdf['seconds']:.1f} s, {pdf['pdfs']} PDFs", flush=True)
    except RuntimeError as error:
        results["bulletins_pdf"] = {"error": str(error)[-500:]}
        print(f"  with --pdf --force failed: {str(error)[-500:]}", flush=True)

    con = duckdb.connect(str(settings.db), read_only=True)
    from safetystats.metrics.engine import latest_event_date

    as_of = latest_event_date(con).isoformat()
    con.close()
    cold_dir = OUT / "cold_kernels"
    shutil.rmtree(cold_dir, ignore_errors=True)
    cold_dir.mkdir(parents=True)
    work = [(u.code, as_of, str(config), str(cold_dir / f"{u.code}.html")) for u in units[:slice_n]]
    started = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        each = list(pool.map(_cold_bulletin, work))
    wall = time.perf_counter() - started
    results["bulletins_cold"] = {
        "count": len(work),
        "seconds": wall,
        "per_page_s": wall / len(work),
        "median_each_s": statistics.median(each),
        "speedup": (wall / len(work)) / html["per_page_s"],
    }
    print(
        f"  fresh kernel per notebook, {len(work)} units, 2 at a time: {wall:.1f} s "
        f"({wall / len(work):.2f} s per page) -> warm kernels "
        f"{results['bulletins_cold']['speedup']:.1f}x faster",
        flush=True,
    )


def load_average() -> float:
    """The machine's 1-minute load average (other sessions share it), beside each figure."""
    return os.getloadavg()[0]


def _children_cpu() -> float:
    """User + sys seconds of this process's finished children and their waited-for children."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_pages(
    results: dict,
    config: Path,
    baseline_src: Path | None,
    runs: int = 1,
    slice_n: int = 10,
    html_only: bool = False,
) -> None:
    """Issue 23, goals 4 and 5 on a prepared store: the HTML bulletins of every unit of the
    registry (``--level all --jobs 2 --force``) and the same with ``--pdf``; with
    ``baseline_src`` (a ``src`` folder of an earlier commit) the same commands with that code
    in the same run, the PDFs on a slice of ``slice_n`` units (the whole run took 496 s).
    ``html_only``: goal 5 alone (the HTML pages; each code's runs one after the other). CPU: user +
    sys of the command's process tree (its workers and their kernels)."""
    from safetystats.config import load_settings
    from safetystats.report.runner import chosen_units

    codes = [u.code for u in chosen_units(load_settings(config), None, "all")[:slice_n]]
    whole = ["--level", "all", "--jobs", "2", "--force"]
    part = [a for code in codes for a in ("--district", code)] + ["--jobs", "2", "--force"]
    commands = {
        "pages_html": [*whole],
        "pages_pdf": [*whole, "--pdf"],
        "pages_pdf_slice": [*part, "--pdf"],
    }
    if html_only:
        commands = {"pages_html": commands["pages_html"]}
    code = {"": None, "baseline_": baseline_src}
    for key, args in commands.items():
        for prefix, src in code.items():
            if src is None and prefix or (prefix and key == "pages_pdf"):
                continue
            env = {**os.environ, "PYTHONPATH": str(src or ROOT / "src")}
            seen, cpu = [], []
            for _ in range(runs):
                load = load_average()
                shutil.rmtree(config.parent / "reports", ignore_errors=True)
                before = _children_cpu()
                started = time.perf_counter()
                done = subprocess.run(
                    cli(config, "bulletins", *args), env=env, capture_output=True, text=True
                )
                seen.append((time.perf_counter() - started, load))
                cpu.append(_children_cpu() - before)
                if done.returncode != 0:
                    raise RuntimeError(f"{key}: {done.stdout[-1500:]}{done.stderr[-1500:]}")
            reports = config.parent / "reports"
            results[prefix + key] = {
                "seconds": statistics.median(t for t, _ in seen),
                "runs": [round(t, 1) for t, _ in seen],
                "loads": [round(load, 1) for _, load in seen],
                "cpu_s": [round(c, 1) for c in cpu],
                "pages": len([p for p in reports.rglob("*.html") if p.name != "index.html"]),
                "pdfs": len(list(reports.rglob("*.pdf"))),
            }
            print(prefix + key, results[prefix + key], flush=True)


def _write_sample(config: Path, raw: Path, *args: str) -> dict:
    """Write a sample into ``raw`` (whole or not at all: into a side folder, then renamed);
    its wall time and peak RSS."""
    partial = raw.with_name(raw.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    wall, peak, _ = run_measured(cli(config, "sample", *args, "--out", str(partial)))
    partial.rename(raw)
    files = [f for f in raw.rglob("*") if f.is_file()]
    return {"seconds": wall, "peak_gb": peak, "mb": sum(f.stat().st_size for f in files) / 1e6}


def scale_factor_check(results: dict, factor: int, scale: str = "province") -> None:
    """6. N x province from empty: one sample written with `sample --factor N` (N x the
    enterprises, hazards, drills, ... with their own ids; the same registry and shape)."""
    base = results.get(f"{scale}_pipeline")
    name = f"{scale}_x{factor}"
    config = write_config(OUT / name, SHANDONG if scale == "province" else None)
    raw = OUT / name / "raw"
    if not raw.exists():
        print(f"  writing {factor} x the {scale} sample to {raw} ...", flush=True)
        args = ("--scale", scale, "--factor", str(factor), "--seed", "2024")
        results[f"{name}_sample"] = _write_sample(config, raw, *args)
    bench_province(results, name)  # the sample is there: only ingest + validate + attainment
    x = results[f"{name}_pipeline"]
    x["factor"] = factor
    x["vs_1x"] = x["seconds"] / base["seconds"] if base else None
    x["sample"] = results.get(f"{name}_sample")
    results["scale_factor"] = x


def _link_tree(source: Path, target: Path) -> None:
    """``target`` holds the files of ``source`` at the same relative paths: hard links (raw
    files are never modified), copies where links cannot be made."""
    for f in sorted(p for p in source.rglob("*") if p.is_file()):
        dest = target / f.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(f, dest)
        except OSError:
            shutil.copy2(f, dest)


def _update_run(
    folder: Path,
    config: Path,
    steps: list[list[str]],
    env: dict | None = None,
    validated: str = "validated.duckdb",
) -> list[dict]:
    """One measured update: the validated store restored (the month's files in the raw
    folder are new to it again), then ``steps`` (commands) run one after the other."""
    shutil.copy2(folder / validated, folder / "store.duckdb")
    (folder / "store.duckdb.wal").unlink(missing_ok=True)
    os.sync()  # the copy's writeback (2.3 GB at 4x) is the setup's, not the update's
    return [run_usage(cli(config, *step), env) for step in steps]


def _validated_by(folder: Path, config: Path, env: dict | None, name: str) -> str:
    """A copy of the validated store (``name`` in ``folder``) validated by the code of ``env``
    (curview): a store that another version curated (other curated tables or views) is
    curated again by this one, so that its update measures only the update; nothing is
    done to a store this code finds current. A copy newer than the validated store is reused
    when the code's curation version is the one it was made with (``name``.curation): another
    version would curate the whole store again in every measured update (a baseline of a later
    commit measured 20.5 s for a 5 s update)."""
    made, source = folder / name, folder / "validated.duckdb"
    stamp, version = folder / f"{name}.curation", _curation_version(env)
    if (
        made.exists()
        and made.stat().st_mtime >= source.stat().st_mtime
        and stamp.exists()
        and stamp.read_text(encoding="utf-8") == version
    ):
        return name
    _update_run(folder, config, [["validate"]], env)
    shutil.copy2(folder / "store.duckdb", folder / name)
    stamp.write_text(version, encoding="utf-8")
    return name


def _curation_version(env: dict | None) -> str:
    """store.CURATION_VERSION of the code ``env`` runs (this code's when None)."""
    code = "from safetystats.store import CURATION_VERSION; print(CURATION_VERSION)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def bench_monthly_update(
    results: dict,
    config: Path,
    scale: str = "province",
    seed: int = 2024,
    month: str = "2025-01",
    runs: int = 3,
    factor: int = 1,
    baseline_src: Path | None = None,
    folder: Path | None = None,
    full_runs: int | None = None,
) -> None:
    """7. A month's update (`sample --update-month`, about 20k new rows at province scale) on a
    copy of a validated store (``config``'s, written from `sample --scale scale --seed seed
    --factor factor`): ingest + validate + attainment of the update as three commands, and as
    one process (`run --data-only`), against a full re-validation of the same updated store
    (`validate --full`) in the same run; medians of ``runs`` runs, the store copy restored
    before each. ``baseline_src``: the same update with that code too, run for run;
    ``folder``: where the setup goes (OUT/<project>_update), kept when it holds one;
    ``full_runs``: runs of `validate --full` (``runs`` when None; 0: not measured)."""
    import duckdb

    from safetystats.config import load_settings
    from safetystats.sample.common import seed_tag

    source = load_settings(config)
    con = duckdb.connect(str(source.db), read_only=True)
    try:  # the update names the enterprises of the sample the current generator writes
        current = con.execute(
            "SELECT count(*) FROM enterprises WHERE enterprise_id[9:11] = ?", [seed_tag(seed)]
        ).fetchone()[0]
    finally:
        con.close()
    if not current:
        raise RuntimeError(
            f"{source.db} was not written by the current sample generator (seed {seed}): its "
            f"enterprise ids lack the seed's tag {seed_tag(seed)!r}; delete "
            f"{source.raw} and rerun the province benchmark"
        )
    folder = folder or OUT / f"{config.parent.name}_update"
    key = f"{scale}_update"
    update_config = folder / "safetystats.toml"
    if (folder / "validated.duckdb").exists() and (folder / "update").exists():
        sample = {"reused": str(folder)}
        shutil.copy2(folder / "validated.duckdb", folder / "store.duckdb")
        before = stored_rows(update_config)  # the update's files are in raw/ already
    else:
        shutil.rmtree(folder, ignore_errors=True)
        update_config = write_config(folder, source.districts)
        shutil.copy2(source.db, folder / "store.duckdb")
        _link_tree(source.raw, folder / "raw")
        # the copy's settings name other paths, and the validation state remembers the
        # settings: validate once here so that the update's validate sees only the update's
        # files; and ingest once (nothing new) so that the store knows its files' sizes and
        # times, as an office's store does after its first ingest (file_stats): the update
        # then hashes only its new files
        _measured(results, f"{key}_copy_validate", cli(update_config, "validate"))
        _measured(results, f"{key}_copy_stats", cli(update_config, "ingest"))
        shutil.copy2(folder / "store.duckdb", folder / "validated.duckdb")
        before = stored_rows(update_config)
        sample = _write_sample(
            update_config,
            folder / "update",
            *("--scale", scale, "--seed", str(seed), "--factor", str(factor)),
            *("--update-month", month),
        )
        _link_tree(folder / "update", folder / "raw")
    output = str(folder / "att.csv")
    three = [["ingest"], ["validate"], ["attainment", "--format", "csv", "--output", output]]
    commands, one, full = [], [], []
    base_env = baseline_src and {**os.environ, "PYTHONPATH": str(Path(baseline_src).resolve())}
    base_commands, base_one = [], []
    full_runs = runs if full_runs is None else full_runs
    ours = _validated_by(folder, update_config, None, "validated-ours.duckdb")
    base = base_env and _validated_by(folder, update_config, base_env, "validated-base.duckdb")
    for i in range(runs):
        commands.append(_update_run(folder, update_config, three, validated=ours))
        one.append(_update_run(folder, update_config, [["run", "--data-only"]], None, ours)[0])
        if base_env:
            base_commands.append(_update_run(folder, update_config, three, base_env, base))
            base_one.append(
                _update_run(folder, update_config, [["run", "--data-only"]], base_env, base)[0]
            )
        if i < full_runs:
            full.append(run_usage(cli(update_config, "validate", "--full")))
    rows = stored_rows(update_config) - before

    def median(parts: list[list[dict]], what: str) -> float:
        return statistics.median(sum(p[what] for p in part) for part in parts)

    for i, name in enumerate(("ingest", "validate", "attainment")):
        results[f"{key}_{name}"] = {
            "seconds": median([[c[i]] for c in commands], "seconds"),
            "cpu": median([[c[i]] for c in commands], "cpu"),
            "peak_gb": max(c[i]["peak_gb"] for c in commands),
        }
    total, total_cpu = median(commands, "seconds"), median(commands, "cpu")
    run_s, run_cpu = median([[o] for o in one], "seconds"), median([[o] for o in one], "cpu")
    full_s, full_cpu = (
        (median([[f] for f in full], "seconds"), median([[f] for f in full], "cpu"))
        if full
        else (float("nan"), float("nan"))
    )
    results["monthly_update"] = {
        "scale": scale,
        "month": month,
        "rows": rows,
        "runs": runs,
        "seconds": total,
        "cpu": total_cpu,
        "run_seconds": run_s,
        "run_cpu": run_cpu,
        "peak_gb": max(p["peak_gb"] for c in commands for p in c),
        "full_seconds": full_s,
        "full_cpu": full_cpu,
        "full_how": "validate --full",
        "speedup": full_s / total,
        "run_speedup": full_s / run_s,
        "load": os.getloadavg()[0],
        "sample": sample,
        "factor": factor,
    }
    if base_env:
        results["monthly_update"]["baseline"] = {
            "src": str(baseline_src),
            "seconds": median(base_commands, "seconds"),
            "cpu": median(base_commands, "cpu"),
            "run_seconds": median([[o] for o in base_one], "seconds"),
            "run_cpu": median([[o] for o in base_one], "cpu"),
        }
        print(f"baseline {baseline_src}: {results['monthly_update']['baseline']}", flush=True)
    print(
        f"monthly update {month} ({scale}, median of {runs}): {rows:,} rows; three commands "
        f"{total:.1f} s ({total_cpu:.1f} s CPU), run --data-only {run_s:.1f} s ({run_cpu:.1f} s "
        f"CPU); validate --full {full_s:.1f} s ({full_cpu:.1f} s CPU) -> {full_s / total:.1f}x "
        f"/ {full_s / run_s:.1f}x; load {os.getloadavg()[0]:.1f}",
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
            "safetystats",
            "duckdb",
            "polars",
            "pandas",
            "great_expectations",
            "fastexcel",
            "papermill",
            "plotly",
        )
    )
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, "
        f"load average {load:.1f} at the start (the machine is shared); {libs}"
    )


def _met(ok) -> str:
    if ok is None:
        return "—"
    return "**yes**" if ok else "**NO**"


def write_results(results: dict, started: str, host: str, args) -> None:
    r = results
    lines = [
        "# Benchmark results\n",
        f"Run {started} on {host}.\n",
        "Produced by `make bench` (benchmarks/bench.py"
        + (f" {' '.join(sys.argv[1:])}" if sys.argv[1:] else "")
        + "); medians of repeated runs where noted. Goals are from the issues; figures are not "
        "test assertions. Peak RSS: the largest process of each command (`wait4`).\n",
        "| measure | figure | baseline | goal | met? |",
        "|---|---|---|---|---|",
    ]

    def add(label, value, baseline="", goal="", ok=None):
        lines.append(f"| {label} | {value} | {baseline} | {goal} | {_met(ok)} |")

    notes = []
    if "province_pipeline" in r:
        i, v, a, x = (
            r["province_ingest"],
            r["province_validate"],
            r["province_attainment_cli"],
            r["province_pipeline"],
        )
        add(
            "1. province sample (Shandong registry) from empty: ingest + validate + attainment",
            f"{x['rows']:,} rows: ingest {i['seconds']:.1f} s + validate {v['seconds']:.1f} s + "
            f"attainment {a['seconds']:.1f} s = **{x['seconds']:.1f} s** "
            f"({x['cpu']:.1f} s of CPU, load {x['load']:.1f})",
            f"ingest with 2 worker processes (`--jobs 2`): {r['province_ingest_workers']['seconds']:.1f} s"
            if "province_ingest_workers" in r
            else "",
            "≤ 30 s",
            x["seconds"] <= 30,
        )
        add(
            "1. … peak RSS",
            f"ingest {i['peak_gb']:.2f} GB, validate {v['peak_gb']:.2f} GB, attainment "
            f"{a['peak_gb']:.2f} GB: **{x['peak_gb']:.2f} GB**",
            "",
            "≤ 3 GB",
            x["peak_gb"] <= 3,
        )
    for key, label in (
        ("stats", "8. `stats accidents` + `stats enforcement`, every unit × span, province"),
        (
            "assess",
            "8. `assess` from the store (attainment + warnings + scores), every unit, province",
        ),
    ):
        if key in r:
            x = r[key]
            add(
                label,
                f"**{x['ours_s']:.2f} s** (median of 3)",
                f"pandas {x['pandas_compute_s']:.2f} s (median of 3; same figures)",
                "≤ 1 s",
                x["ours_s"] <= 1,
            )
            add(
                f"8. … {key} vs the pandas baseline",
                f"**{x['speedup']:.1f}×**; mismatches: **{x['mismatches']}**",
                "pandas_baseline.py",
                "≥ 10×, 0 mismatches",
                x["speedup"] >= 10 and x["mismatches"] == 0,
            )
            if x["examples"]:
                notes.append(f"{key} mismatches (ours vs pandas): " + "; ".join(x["examples"]))
    if "attainment" in r:
        x = r["attainment"]
        add(
            f"2. attainment, {x['units']} units (every level) + total × {x['targets']} default "
            f"targets ({x['rows']} rows), province",
            f"**{x['ours_s']:.3f} s** (median of 5)",
            f"pandas {x['pandas_compute_s']:.2f} s compute (median of 5; +{x['pandas_load_s']:.1f} s "
            f"to read the curated tables)",
            "≤ 1 s",
            x["ours_s"] <= 1,
        )
        add(
            "2. … vs the pandas baseline (same numerators/denominators, rolled up)",
            f"**{x['speedup_vs_compute']:.1f}×** ({x['speedup_vs_load_and_compute']:.0f}× with the "
            f"baseline's load); mismatches: **{x['mismatches']}**",
            "pandas_baseline.py",
            "≥ 10×, 0 mismatches",
            x["speedup_vs_compute"] >= 10 and x["mismatches"] == 0,
        )
        if x["examples"]:
            notes.append("Attainment mismatches (engine vs pandas): " + "; ".join(x["examples"]))
    if "run_first" in r:
        f, g = r["run_first"], r["run_again"]
        add(
            "3. `run` again with nothing changed (city sample, packaged registry)",
            f"**{g['seconds']:.2f} s** (median of 3: "
            + ", ".join(f"{s:.2f}" for s in g["all"])
            + ")",
            f"first `run --sample-scale city` in an empty folder: {f['seconds']:.1f} s",
            "≤ 3 s",
            g["seconds"] <= 3,
        )
        add(
            "3. … vs the first run",
            f"**{g['speedup']:.1f}×** faster",
            f"{f['seconds']:.1f} s",
            "≥ 10×",
            g["speedup"] >= 10,
        )
    if "bulletins_html" in r:
        x = r["bulletins_html"]
        add(
            f"4. bulletins: {x['units']} units (every level of the registry) + overview, "
            "`--jobs 2`, HTML",
            f"**{x['seconds']:.1f} s** ({x['pages']} pages, {x['per_page_s']:.2f} s each; "
            f"largest {x['max_mb']:.2f} MB; peak {x['peak_gb']:.2f} GB)",
            "",
            "≤ 60 s",
            x["seconds"] <= 60,
        )
        p = r.get("bulletins_pdf", {})
        if "error" in p:
            add("4. … with `--pdf --force`", "failed (see notes)", "", "≤ 120 s", False)
            notes.append(f"`bulletins --pdf --force` failed: {p['error']}")
        elif p:
            add(
                "4. … with `--pdf --force`",
                f"**{p['seconds']:.1f} s** ({p['pdfs']} PDFs)",
                "",
                "≤ 120 s",
                p["seconds"] <= 120,
            )
        c = r.get("bulletins_cold")
        if c:
            add(
                "4. … warm kernels vs a fresh kernel per notebook",
                f"**{c['speedup']:.1f}×** faster ({x['per_page_s']:.2f} s per page)",
                f"papermill's default engine, {c['count']} units, 2 at a time: {c['seconds']:.1f} s "
                f"({c['per_page_s']:.2f} s per page; one notebook {c['median_each_s']:.2f} s)",
                "≥ 2×",
                c["speedup"] >= 2,
            )
    if "xlsx" in r:
        x = r["xlsx"]
        add(
            f"5. read {x['file']} ({x['rows']:,} rows)",
            f"calamine **{x['ours_s']:.2f} s** (median of 3)",
            f"pandas+openpyxl {x['pandas_openpyxl_s']:.1f} s",
            "≥ 20×",
            x["speedup"] >= 20,
        )
        lines[-1] = lines[-1].replace(
            f"**{x['ours_s']:.2f} s** (median of 3)",
            f"**{x['ours_s']:.2f} s** (median of 3): **{x['speedup']:.0f}×**",
        )
    s = r.get("scale_factor")
    if s and "skipped" in s:
        add(f"6. {s['factor']}× province", "not measured", "", "≤ 4.4 × 1×, ≤ 6 GB", None)
        notes.append(f"{s['factor']}× province skipped: {s['skipped']}.")
    elif s:
        add(
            f"6. {s['factor']}× province: ingest + validate + attainment",
            f"**{s['seconds']:.1f} s** ({s['vs_1x']:.2f} × 1×), {s['rows']:,} rows",
            "1× above",
            f"≤ {1.1 * s['factor']:.1f} × 1×",
            s["vs_1x"] is not None and s["vs_1x"] <= 1.1 * s["factor"],
        )
        goal = 3 if s["factor"] <= 4 else 8  # issue 23 goal 3: 4x ≤ 3 GB, 8x ≤ 8 GB
        add(
            "6. … peak RSS (whole process tree)",
            f"**{s['peak_gb']:.2f} GB**",
            "",
            f"≤ {goal} GB",
            s["peak_gb"] <= goal,
        )
        if s.get("sample"):
            w = s["sample"]
            add(
                f"6. … writing the {s['factor']}× sample (`sample --factor {s['factor']}`)",
                f"{w['seconds']:.0f} s, {w['mb']:,.0f} MB of files, peak {w['peak_gb']:.2f} GB",
            )
    u = r.get("monthly_update")
    if u:
        k = f"{u['scale']}_update"
        i, v, a = r[f"{k}_ingest"], r[f"{k}_validate"], r[f"{k}_attainment"]
        runs = f"median of {u.get('runs', 1)} runs, load {u.get('load', 0):.1f}"
        add(
            f"7. monthly update ({u['rows']:,} new rows, {u['month']}, {u['scale']} store): "
            "ingest + validate + attainment, three commands",
            f"ingest {i['seconds']:.1f} s + validate {v['seconds']:.1f} s + attainment "
            f"{a['seconds']:.1f} s = **{u['seconds']:.1f} s** ({u.get('cpu', 0):.1f} s CPU, "
            f"peak {u['peak_gb']:.2f} GB)",
            f"{runs}; written by `sample --update-month` in {u['sample']['seconds']:.0f} s",
            "≤ 5 s",
            u["seconds"] <= 5,
        )
        if "run_seconds" in u:
            add(
                "7. … the same update in one process (`run --data-only`)",
                f"**{u['run_seconds']:.1f} s** ({u['run_cpu']:.1f} s CPU)",
                runs,
                "≤ 5 s",
                u["run_seconds"] <= 5,
            )
        add(
            "7. … vs a full re-validation of the same store",
            f"**{u['speedup']:.1f}×** faster (one process: {u.get('run_speedup', 0):.1f}×)",
            f"`{u['full_how']}`: {u['full_seconds']:.1f} s ({u.get('full_cpu', 0):.1f} s CPU)",
            "≥ 3×",
            u["speedup"] >= 3,
        )
    notes += [f"A measurement failed: {f}" for f in r.get("_failures", [])]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--skip-province", action="store_true", help="no province figures (1, 2, 4, 5)"
    )
    parser.add_argument("--skip-bulletins", action="store_true")
    parser.add_argument("--skip-run", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--scale-factor", type=int, default=4, help="N x province (6); 0: skip")
    parser.add_argument("--reuse-store", action="store_true", help="dev: skip 1, reuse the store")
    parser.add_argument(
        "--pages-only", type=Path, help="issue 23 goals 4-5 only, on this prepared project's toml"
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="with --pages-only, --from-empty, --validate-only or --update-only: the code to "
        "compare",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="with --pages-only, --from-empty or --validate-only: runs per figure",
    )
    parser.add_argument(
        "--from-empty",
        type=Path,
        help="issue 23 goals 2-3 only: ingest + validate + attainment from empty for this "
        "project's toml (its raw folder is only read), with --baseline-src in the same run",
    )
    parser.add_argument(
        "--validate-only",
        type=Path,
        help="issue 23 goal 2, validate half: `validate` of this project's raw folder ingested "
        "once, alternating with --baseline-src, --runs pairs",
    )
    parser.add_argument("--update-runs", type=int, default=3, help="7: runs of the monthly update")
    parser.add_argument(
        "--update-factor", type=int, default=1, help="with --update-only: the sample's --factor"
    )
    parser.add_argument(
        "--update-seed", type=int, default=2024, help="with --update-only: the sample's --seed"
    )
    parser.add_argument(
        "--update-full-runs",
        type=int,
        help="with --update-only: runs of validate --full (default --update-runs; 0: none)",
    )
    parser.add_argument(
        "--update-folder",
        type=Path,
        help="with --update-only: the update's setup folder (kept and reused when it holds one)",
    )
    parser.add_argument(
        "--update-only", type=Path, help="7 only, on this validated province project's toml"
    )
    parser.add_argument(
        "--compute-only",
        type=Path,
        help="issue 23 goal 6 and the packages only (stats, assess, notice, packages), on this "
        "prepared project's toml; with --baseline-src also with that code; pandas ratios too",
    )
    parser.add_argument("--compare", default="", help="with --compute-only: notice --compare")
    parser.add_argument("--compute-times", type=Path, help=argparse.SUPPRESS)  # the inner run
    parser.add_argument(
        "--html-only", action="store_true", help="with --pages-only: goal 5 only (no PDFs)"
    )
    parser.add_argument(
        "--one-process",
        action="store_true",
        help="with --from-empty: also `run --data-only` from empty after each run (goal 2 as "
        "the scheduled job runs it)",
    )
    args = parser.parse_args()
    for config, bench, name in (
        (args.from_empty, partial(bench_from_empty, one_process=args.one_process), "from_empty"),
        (args.validate_only, bench_validate, "validate"),
    ):
        if config:
            results = {}
            bench(results, config.resolve(), args.baseline_src, args.runs)
            done = OUT / f"{name}_{config.resolve().parent.name}.json"
            done.write_text(json.dumps(results, indent=1), encoding="utf-8")
            return
    if args.compute_times:
        print(json.dumps(compute_times(args.compute_times.resolve(), max(args.runs, 3))))
        return
    if args.compute_only:
        results = {}
        config = args.compute_only.resolve()
        bench_compute(results, config, args.baseline_src, args.runs, args.compare)
        bench_stats(results, config)
        (OUT / "compute.json").parent.mkdir(parents=True, exist_ok=True)
        (OUT / "compute.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        return
    if args.pages_only:
        results: dict = {}
        bench_pages(
            results,
            args.pages_only.resolve(),
            args.baseline_src,
            args.runs,
            html_only=args.html_only,
        )
        (OUT / "pages.json").parent.mkdir(parents=True, exist_ok=True)
        (OUT / "pages.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        return
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    started, host = f"{dt.datetime.now():%Y-%m-%d %H:%M}", machine()
    results: dict = {}
    if args.update_only:  # no RESULTS.md: the figures go to out/update.json
        bench_monthly_update(
            results,
            args.update_only.resolve(),
            runs=args.update_runs,
            seed=args.update_seed,
            factor=args.update_factor,
            baseline_src=args.baseline_src,
            folder=args.update_folder and args.update_folder.resolve(),
            full_runs=args.update_full_runs,
        )
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "update.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        return

    def stage(name, function, *a):
        """Run one measurement; a failure is recorded and the others still run."""
        try:
            return function(*a)
        except Exception as error:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            results.setdefault("_failures", []).append(f"{name}: {error!s}"[:600])
            return None
        finally:
            write_results(results, started, host, args)

    if not args.skip_run:
        stage("run", bench_run, results)
    if not args.skip_province:
        if args.reuse_store:
            province = OUT / "province" / "safetystats.toml"
        else:
            province = stage("province", bench_province, results)
        if province:
            stage("attainment", bench_attainment, results, province)
            stage("stats", bench_stats, results, province)
            if not args.skip_bulletins:
                stage("bulletins", bench_bulletins, results, province, "all", 10, args.skip_pdf)
        xlsx = next((OUT / "province" / "raw" / "enterprises").glob("*.xlsx"))
        stage("xlsx", bench_xlsx, results, xlsx)
        if province:
            update = ("province", 2024, "2025-01", args.update_runs)
            stage("monthly update", bench_monthly_update, results, province, *update)
        if args.scale_factor > 1:
            stage("scale factor", scale_factor_check, results, args.scale_factor)


if __name__ == "__main__":
    main()
