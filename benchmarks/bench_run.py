"""Benchmark: wall time of the default 30-year run, and its scaling in areas and years.

Usage: python benchmarks/bench_run.py [--repeat N]

Bar (issue #2): <= 1 s for the default scenario on one core; cost growing no faster
than linearly in areas and years. Reports the median of N repeats (model construction
+ run, no file output) and the ratios against the 1x case.
"""

from __future__ import annotations

import argparse
import copy
import platform
import statistics
import time
import tomllib

from sim.model import AreaModel
from sim.scenario import DEFAULT_SCENARIO, from_dict


def scaled(data: dict, areas_factor: int = 1, years: int | None = None) -> dict:
    out = copy.deepcopy(data)
    if areas_factor > 1:
        out["areas"] = [dict(a, name=f"{a['name']}_{k}") for k in range(areas_factor) for a in data["areas"]]
        # scale the world, not crowd it: markets, capacities and the actors' budgets grow with the areas
        for region in out["regions"]:
            region["absorption_homes_per_quarter"] = region.get("absorption_homes_per_quarter", 250.0) * areas_factor
            region["construction_capacity_homes"] = region.get("construction_capacity_homes", 4000) * areas_factor
        actors = out.setdefault("actors", {})
        mun = actors.setdefault("municipality", {})
        mun["budget"] = mun.get("budget", 150e6) * areas_factor
        mun["planning_staff"] = mun.get("planning_staff", 3) * areas_factor
        dev = actors.setdefault("developers", {})
        dev["count"] = dev.get("count", 3) * areas_factor
        ha = actors.setdefault("housing_associations", {})
        ha["stock_homes"] = ha.get("stock_homes", 100000) * areas_factor
        inv = actors.setdefault("investors", {})
        inv["count"] = inv.get("count", 2) * areas_factor
        lifecycle = out.setdefault("lifecycle", {})
        lifecycle["appeals_court_capacity"] = lifecycle.get("appeals_court_capacity", 20) * areas_factor
    if years is not None:
        out["horizon_years"] = years
    return out


def time_run(data: dict, repeat: int) -> float:
    scenario = from_dict(data, "bench")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        AreaModel(scenario).run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with open(DEFAULT_SCENARIO, "rb") as fh:
        data = tomllib.load(fh)
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    base = time_run(data, args.repeat)
    print(f"default scenario, 30 years: {base:.3f} s (median of {args.repeat}); bar 1.0 s")
    for factor in (2, 4):
        t = time_run(scaled(data, factor), max(1, args.repeat // 2))
        print(f"areas x{factor}: {t:.3f} s = {t / base:.2f} x the 1x time (linear would be {factor:.1f})")
    for years in (15, 60):
        t = time_run(scaled(data, 1, years), max(1, args.repeat // 2))
        print(f"{years} years: {t:.3f} s = {t / base:.2f} x the 30-year time (linear would be {years / 30:.1f})")


if __name__ == "__main__":
    main()
