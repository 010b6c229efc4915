"""Benchmark: wall time of whole CLI commands that run no model (start-up and imports included).

Usage: python benchmarks/bench_cli.py [--repeat N] [--compare PATH ...] [-- COMMAND ARGS]

Bar (issue #19): ``areasim check scenarios/nl_programme.toml`` <= 0.3 s as a whole command. Each
repeat starts a fresh interpreter running the ``areasim`` entry point (``sim.cli.main``) and times
it to exit; reports the median of N repeats. ``--compare`` also times other checkouts (their
``PYTHONPATH``), alternating with this one, for side-by-side ratios on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY = "import sys; from sim.cli import main; sys.argv[0] = 'areasim'; sys.exit(main())"


def time_command(checkout: Path, args: list[str]) -> float:
    """Seconds for one whole command run in ``checkout`` (its code first on the path; relative paths in
    ``args`` are the checkout's; output discarded; fails loudly on error)."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", ENTRY, *args], cwd=checkout, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--compare", nargs="*", default=[], help="other checkouts to time alternately")
    parser.add_argument("command", nargs="*", default=["check", "scenarios/nl_programme.toml"])
    args = parser.parse_args()
    checkouts = [ROOT, *(Path(p).resolve() for p in args.compare)]
    times: dict[Path, list[float]] = {c: [] for c in checkouts}
    for c in checkouts:  # warm the file cache and byte-code once
        time_command(c, args.command)
    for _ in range(args.repeat):
        for c in checkouts:
            times[c].append(time_command(c, args.command))
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.1f}")
    base = statistics.median(times[ROOT])
    print(f"areasim {' '.join(args.command)}: {base:.3f} s (median of {args.repeat}); bar 0.3 s for check")
    for c in checkouts[1:]:
        t = statistics.median(times[c])
        print(f"  {c}: {t:.3f} s; this checkout takes {base / t:.2f} x its time")


if __name__ == "__main__":
    main()
