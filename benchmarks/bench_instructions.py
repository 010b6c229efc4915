"""Benchmark: machine instructions per default run, counted by Valgrind (immune to the machine's load).

Usage: python benchmarks/bench_instructions.py [--runs N] [--compare PATH ...]

Wall and CPU time on a shared machine swing by ±25 % between minutes, more than most single speed-ups;
the number of instructions a run executes does not (the same code and seed execute the same
instructions, give or take hash randomisation, fixed here with PYTHONHASHSEED=0). Each checkout runs in
its own interpreter under ``valgrind --tool=callgrind``, which counts only inside ``functools.reduce``:
the lean default runs (seeds 1..N, after one untimed warm-up run that settles imports and caches) are
driven by it, so imports and start-up are not counted. Prints instructions per run and the ratio to
the first checkout. Instructions are a proxy for time, not time: a numpy call and a cache miss cost more
per instruction than interpreter work, so confirm a large change with wall time as well.

Needs Valgrind (Debian: ``apt-get install valgrind``); about 40 s per run per checkout on this machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRIVER = """
import functools, sys
from sim.model import AreaModel
from sim.scenario import DEFAULT_SCENARIO, load_scenario
scenario = load_scenario(DEFAULT_SCENARIO)
AreaModel(scenario, seed=999, collect="lean").run()  # warm-up: lazy imports and caches, not counted
def one(acc, seed):
    AreaModel(scenario, seed=seed, collect="lean").run()
    return acc
functools.reduce(one, range(1, int(sys.argv[1]) + 1), None)  # counted: callgrind collects inside reduce only
"""


def instructions(checkout: Path, runs: int) -> float:
    """Instructions per lean default run (seeds 1..runs) of the code in ``checkout``."""
    env = dict(os.environ, PYTHONPATH=str(checkout), PYTHONHASHSEED="0")
    done = subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=functools_reduce",
                           "--callgrind-out-file=/dev/null", sys.executable, "-c", DRIVER, str(runs)],
                          cwd=checkout, env=env, capture_output=True, text=True)
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"{checkout}: valgrind run failed:\n{done.stderr[-2000:]}")
    return int(found.group(1)) / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="lean default runs counted per checkout (seeds 1..N)")
    parser.add_argument("--compare", nargs="*", default=[], help="other checkouts, counted after this one")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("bench_instructions: valgrind is not installed (Debian: apt-get install valgrind)")
    checkouts = [ROOT, *(Path(p).resolve() for p in args.compare)]
    counts = [instructions(c, args.runs) for c in checkouts]
    for checkout, count in zip(checkouts, counts, strict=True):
        print(f"{checkout}: {count / 1e6:,.1f} M instructions per run ({count / counts[0]:.3f}x)")


if __name__ == "__main__":
    main()
