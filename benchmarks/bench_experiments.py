"""Benchmark the experiment runner (issue #5 bars), on this machine.

    python benchmarks/bench_experiments.py              # 2 fund designs x 20 futures: overhead, efficiency, ...
    python benchmarks/bench_experiments.py --designs 6  # a wider grid (more runs of each future share work)
    python benchmarks/bench_experiments.py --experiment experiments/quick_compare.toml   # a shipped grid
    python benchmarks/bench_experiments.py --full       # also time experiments/fund_designs.toml (2 workers)

Bars: runner overhead ≤ 5 % over calling the run function in a plain loop; parallel efficiency
≥ 0.85 with 2 workers; peak memory per worker flat in the number of runs (≤ 500 MB);
throughput ≥ 1.5 × mesa.batch_run on the same grid while also writing to disk (issue #19; it was 1.2 ×
for issue #5);
fund_designs.toml ≤ 10 minutes.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

EXPERIMENT = """
name = "bench"
scenario = "{scenario}"
seed = 3
replications = {replications}
[[levers]]
path = "funds.design"
values = {designs}
[design]
kind = "factorial"
[outputs]
timeseries = true
areas = true
"""


DESIGNS = ["none", "woningbouwimpuls", "startbouwimpuls", "revolving_fund", "sales_guarantee", "land_facility",
           "land_bank", "regional_fund", "countercyclical", "mobility_pool"]


def write_experiment(folder: Path, replications: int, designs: list[str]) -> Path:
    path = folder / f"bench_{replications}.toml"
    path.write_text(EXPERIMENT.format(scenario=ROOT / "scenarios" / "nl_programme.toml", replications=replications,
                                      designs=json.dumps(designs)))
    return path


def timed_cli(args: list[str]) -> tuple[float, int]:
    """Wall time of an `areasim` subprocess and the peak RSS (kB) of its largest child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim.cli", *args, "--quiet"], check=True)
    elapsed = time.perf_counter() - t0
    return elapsed, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def plain_loop(path: Path) -> float:
    """Seconds to call the run function on every run in a plain loop (no disk, no progress): the base for the
    runner's own overhead."""
    from sim.experiments import build_runs, load_experiment
    from sim.experiments.runner import fund_designs_for, make_task
    from sim.experiments.task import execute

    exp = load_experiment(path)
    designs = fund_designs_for(exp)
    tasks = [make_task(exp, r, designs) for r in build_runs(exp.spec)]
    t0 = time.perf_counter()
    for task in tasks:
        execute(task)
    return time.perf_counter() - t0


def mesa_batch(replications: int, design_names: list[str]) -> float:
    """Seconds of ``mesa.batch_run`` over the same grid (2 processes, results kept in memory)."""
    import mesa

    from sim.funds.design import load_design
    from sim.model import AreaModel
    from sim.scenario import DEFAULT_SCENARIO, load_scenario

    scenario = load_scenario(DEFAULT_SCENARIO)
    designs = [load_design(name) for name in design_names]
    seeds = list(range(replications))
    t0 = time.perf_counter()
    mesa.batch_run(AreaModel, parameters={"scenario": [scenario], "fund_design": designs}, rng=seeds,
                   max_steps=scenario.n_quarters, number_processes=2, data_collection_period=-1,
                   display_progress=False)
    return time.perf_counter() - t0


def in_process(path: Path, out: Path, **kwargs) -> float:
    """Wall seconds of the whole ``run_experiment`` call: set-up, workers, runs, writing, consolidation."""
    from sim.experiments import run_experiment

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    run_experiment(path, out, quiet=True, **kwargs)
    return time.perf_counter() - t0


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replications", type=int, default=20, help="futures per lever value (2 lever values)")
    parser.add_argument("--repeat", type=int, default=3, help="alternating repeats (medians are reported)")
    parser.add_argument("--designs", type=int, default=2, choices=range(2, len(DESIGNS) + 1), metavar="2-10",
                        help="fund designs in the grid (the first N of experiments/fund_designs.toml)")
    parser.add_argument("--experiment", type=Path, default=None,
                        help="take the grid (fund designs, replications) from a shipped experiment file, "
                             "e.g. experiments/quick_compare.toml")
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    names = DESIGNS[:args.designs]
    if args.experiment is not None:
        with args.experiment.open("rb") as fh:
            spec = tomllib.load(fh)
        names = next(lever["values"] for lever in spec["levers"] if lever["path"] == "funds.design")
        args.replications = spec["replications"]
    tmp = Path(tempfile.mkdtemp())
    report = {}
    try:
        path = write_experiment(tmp, args.replications, names)
        n = len(names) * args.replications
        plain_loop(write_experiment(tmp, 1, names))  # warm caches
        loops, serials, parallels, batches, ratios = [], [], [], [], []
        for _ in range(args.repeat):  # alternate so machine-speed drift hits all variants alike
            loops.append(plain_loop(path))
            serials.append(in_process(path, tmp / "serial"))
            parallels.append(in_process(path, tmp / "par", workers=2, executor="processes"))
            batches.append(mesa_batch(args.replications, names))
            ratios.append(batches[-1] / parallels[-1])
        loop, serial = median(loops), median(serials)
        parallel, batch = median(parallels), median(batches)
        report["runs per experiment"] = f"{n} ({len(names)} fund designs x {args.replications} futures)"
        report["plain loop of the run function (s)"] = round(loop, 2)
        report["runner, serial, writing to disk (s)"] = round(serial, 2)
        report["runner overhead over the plain loop (bar <= 0.05)"] = round(serial / loop - 1, 3)
        report["runner, 2 worker processes (s)"] = round(parallel, 2)
        report["parallel efficiency (bar >= 0.85)"] = round(serial / (2 * parallel), 3)
        report["mesa.batch_run, 2 processes, no disk (s)"] = round(batch, 2)
        report["throughput vs mesa.batch_run, median (bar >= 1.5)"] = round(batch / parallel, 2)
        report["  per repeat"] = ", ".join(f"{r:.2f}" for r in ratios)
        small = write_experiment(tmp, max(2, args.replications // 4), names)
        _, rss_small = timed_cli(["experiment", str(small), "--out", str(tmp / "m1"), "--workers", "2"])
        big = write_experiment(tmp, args.replications * 2, names)
        _, rss_big = timed_cli(["experiment", str(big), "--out", str(tmp / "m2"), "--workers", "2"])
        k = len(names)
        report[f"peak RSS per process, {max(2, args.replications // 4) * k} runs (MB)"] = round(rss_small / 1024, 1)
        report[f"peak RSS per process, {args.replications * 2 * k} runs (MB, bar <= 500, flat)"] = \
            round(rss_big / 1024, 1)
        if args.full:
            t, _ = timed_cli(["experiment", str(ROOT / "experiments" / "fund_designs.toml"), "--out",
                              str(tmp / "fund_designs"), "--workers", "2"])
            report["experiments/fund_designs.toml, 1000 runs, 2 workers (s; bar <= 600)"] = round(t, 1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for k, v in report.items():
        print(f"{k:62s} {v}")


if __name__ == "__main__":
    main()
