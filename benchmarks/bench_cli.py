"""Benchmark: wall and CPU time of whole CLI commands that run no model (start-up and imports included).

Usage: python benchmarks/bench_cli.py [--repeat N] [--compare PATH ...] [-- COMMAND ARGS]

Bar (issue #19): ``areasim check scenarios/nl_programme.toml`` <= 0.3 s as a whole command. Each
repeat starts a fresh interpreter running the ``areasim`` entry point (``sim.cli.main``) and times
it to exit; reports the median of N repeats. ``--compare`` also times other checkouts (their
``PYTHONPATH``), alternating with this one, for side-by-side ratios on a shared machine.

It measures what a user gets: the children run without ``PYTHONDONTWRITEBYTECODE`` (a user's
install has byte-code caches; a shell that sets it would recompile every module on every start),
after one untimed warm-up run per checkout that writes those caches and warms the file cache.
Other environment variables are passed on unchanged.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY = "import sys; from sim.cli import main; sys.argv[0] = 'areasim'; sys.exit(main())"


def time_command(checkout: Path, args: list[str]) -> tuple[float, float]:
    """(wall s, CPU s = the child's user + system time) of one whole command run in ``checkout`` (its
    code first on the path; relative paths in ``args`` are the checkout's; output discarded; fails
    loudly on error)."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install keeps byte-code caches
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", ENTRY, *args], cwd=checkout, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--compare", nargs="*", default=[], help="other checkouts to time alternately")
    parser.add_argument("command", nargs="*", default=["check", "scenarios/nl_programme.toml"])
    args = parser.parse_args()
    checkouts = [ROOT, *(Path(p).resolve() for p in args.compare)]
    times: dict[Path, list[tuple[float, float]]] = {c: [] for c in checkouts}
    for c in checkouts:  # untimed warm-up: writes the byte-code caches, warms the file cache
        time_command(c, args.command)
    for _ in range(args.repeat):
        for c in checkouts:
            times[c].append(time_command(c, args.command))
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.1f}")

    def medians(c: Path) -> tuple[float, float]:
        return statistics.median(w for w, _ in times[c]), statistics.median(u for _, u in times[c])

    wall, cpu = medians(ROOT)
    print(f"areasim {' '.join(args.command)}: {wall:.3f} s wall, {cpu:.3f} s CPU (user + system; medians of "
          f"{args.repeat}); bar 0.3 s for check")
    for c in checkouts[1:]:
        w, u = medians(c)
        print(f"  {c}: {w:.3f} s wall, {u:.3f} s CPU; this checkout takes {wall / w:.2f} x its wall time, "
              f"{cpu / u:.2f} x its CPU time")


if __name__ == "__main__":
    main()
