"""Benchmark a Sobol study of the default scenario end to end (issue #19 bar: 10,000 runs in <= 10 minutes with
2 workers, memory flat), on this machine.

    python benchmarks/bench_sobol.py                 # the full study: ~10,000 runs (N = 1,429 x (5 + 2))
    python benchmarks/bench_sobol.py --runs 1000     # a smaller study; the time for 10,000 is extrapolated

The study is `experiments/sensitivity.toml` (five uncertainties of the default programme, no fund, one future
per point) with the base sample N chosen so that N x (D + 2) is the number of runs asked for. It runs as a
user would run it, as whole commands in subprocesses::

    areasim experiment STUDY.toml --workers 2 --out TMP/results
    areasim sensitivity TMP/results --out TMP/sensitivity          # SALib's sobol.analyze on the sample

While the experiment runs, the resident memory of the whole process tree (the command and its workers) is
sampled every half second; "memory flat" means the peak in the last quarter of the runs is within 10 % of the
peak in the second quarter. Prints wall seconds, the start-up and consolidation times and the steady rate in between (so a smaller
study extrapolates to 10,000 runs with its fixed costs counted once), and the memory profile.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUDY = ROOT / "experiments" / "sensitivity.toml"
BAR_SECONDS = 600.0
BAR_RUNS = 10_000


def study_file(folder: Path, runs: int) -> tuple[Path, int]:
    """Write the Sobol study with N such that N x (D + 2) is about ``runs``; returns (path, runs in it)."""
    with STUDY.open("rb") as fh:
        spec = tomllib.load(fh)
    d = len(spec["uncertainties"])
    n = max(2, math.ceil(runs / (d + 2)))
    text = STUDY.read_text()
    for old, new in (('scenario = "../scenarios/nl_programme.toml"',
                      f'scenario = "{ROOT / "scenarios" / "nl_programme.toml"}"'),
                     (f"samples = {spec['design']['samples']}", f"samples = {n}")):
        if old not in text:
            raise SystemExit(f"{STUDY}: expected the line '{old}' (the benchmark rewrites it)")
        text = text.replace(old, new)
    path = folder / "sobol_study.toml"
    path.write_text(text)
    return path, n * (d + 2)


def tree_rss_kb(pid: int) -> int:
    """Resident memory (kB) of a process and all its descendants, read from /proc (0 when gone)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def runs_done(results: Path) -> int:
    """Runs finished so far: the runner writes each run's outcome part last (its 'done' marker)."""
    try:
        return sum(1 for name in os.listdir(results / "parts" / "outcomes") if name.endswith(".parquet"))
    except OSError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=BAR_RUNS, help="runs in the study (default 10,000)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sobol-"))
    try:
        path, runs = study_file(tmp, args.runs)
        out = tmp / "results"
        cmd = [sys.executable, "-m", "sim.cli", "experiment", str(path), "--workers", str(args.workers),
               "--out", str(out), "--quiet"]
        samples: list[tuple[float, int]] = []
        progress: list[tuple[float, int]] = []
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT)
        while proc.poll() is None:
            now = time.perf_counter() - t0
            samples.append((now, tree_rss_kb(proc.pid)))
            progress.append((now, runs_done(out)))
            time.sleep(0.5)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"the experiment failed (exit {proc.returncode})")
        t1 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim.cli", "sensitivity", str(out), "--out", str(tmp / "sens")],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        analyse = time.perf_counter() - t1
        n = len(samples)
        q2 = max((kb for _, kb in samples[n // 4: n // 2]), default=0)
        q4 = max((kb for _, kb in samples[3 * n // 4:]), default=0)
        # steady rate between the first and the last run written; fixed costs (start-up before the first run,
        # consolidation after the last) are added once, not scaled with the number of runs
        first = next((t for t, k in progress if k > 0), wall)
        last_t, last_k = max(progress, key=lambda tk: (tk[1], -tk[0])) if progress else (wall, runs)
        rate = (last_k - 1) / (last_t - first) if last_t > first and last_k > 1 else runs / wall
        projected = first + (BAR_RUNS - 1) / rate + (wall - last_t) + analyse
        rows = {
            "runs (N x (D + 2))": runs,
            "workers": args.workers,
            "experiment, whole command (s)": round(wall, 1),
            "runs per second, whole command": round(runs / wall, 2),
            "start-up until the first run is written (s)": round(first, 1),
            "steady runs per second (first to last run written)": round(rate, 2),
            "after the last run: consolidation and exit (s)": round(wall - last_t, 1),
            "sensitivity analysis, whole command (s)": round(analyse, 1),
            f"projected for {BAR_RUNS:,} runs incl. analysis (s; bar <= {BAR_SECONDS:.0f})": round(projected, 1),
            "peak RSS of the process tree, 2nd quarter of the run (MB)": round(q2 / 1024, 1),
            "peak RSS of the process tree, last quarter (MB)": round(q4 / 1024, 1),
            "memory flat (last quarter within 10 % of the 2nd)": bool(q2 and q4 <= 1.10 * q2),
            "machine load average (1 min) at the end": round(os.getloadavg()[0], 2),
        }
        for key, value in rows.items():
            print(f"{key:70s} {value}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
