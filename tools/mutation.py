"""Mutation testing of the money and decision modules with mutmut (issue #17; a measurement, not CI).

Each group of modules is mutated in its own scratch copy of the repository (``/tmp/areasim-mutation/<group>``,
never inside the work tree), with only the fast test files that exercise it, one worker, at the lowest CPU
priority. mutmut then runs, for each mutant, only the tests of that pool that reach the mutated function, and
stops at the first failure (``-x``).

mutmut is not a project dependency: install it in a separate virtual environment with the project's runtime
dependencies, then run one group (or ``all``) with that environment's python::

    python3.12 -m venv /tmp/mutvenv
    /tmp/mutvenv/bin/pip install -e .  mutmut==3.8.1 pytest hypothesis numpy-financial
    /tmp/mutvenv/bin/pip uninstall -y areasim        # the copy under test must be the one imported
    nice -n 19 /tmp/mutvenv/bin/python tools/mutation.py money          # ledger, books, payments, finance, coop
    nice -n 19 /tmp/mutvenv/bin/python tools/mutation.py funds [NAME ...]  # NAME: mutmut mutant globs

It prints the per-module score (killed / all, where 'killed' includes timeouts and crashes) and writes the
surviving mutants' diffs to ``/tmp/areasim-mutation/<group>/survivors.txt``. Results are in docs/testing.md.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = Path("/tmp/areasim-mutation")

FAST = ["-p", "no:cacheprovider", "-m", "not slow", "-W", "ignore"]

GROUPS: dict[str, dict[str, list[str]]] = {
    "money": {
        "modules": ["sim/ledger.py", "sim/books.py", "sim/payments.py", "sim/finance/*",
                    "sim/cooperation/*"],
        "tests": ["tests/test_ledger.py", "tests/test_payments_by_hand.py", "tests/test_finance.py",
                  "tests/test_cooperation.py", "tests/test_mutation_kills_money.py"],
    },
    "funds": {
        "modules": ["sim/funds/*"],
        "tests": ["tests/test_instruments.py", "tests/test_funds.py",
                  "tests/test_mutation_kills_funds.py"],
    },
    "agents": {
        "modules": ["sim/agents/*"],
        "tests": ["tests/test_model.py", "tests/test_behaviour.py", "tests/test_payments_by_hand.py",
                  "tests/test_mutation_kills_agents.py"],
    },
    "negotiation": {
        "modules": ["sim/negotiation/*"],
        "tests": ["tests/test_protocols.py", "tests/test_behaviour.py", "tests/test_cooperation.py",
                  "tests/test_mutation_kills_negotiation.py"],
    },
}
COPY = ["sim", "tests", "scenarios", "docs", "README.md", "pyproject.toml"]


def prepare(group: str) -> Path:
    """A fresh scratch copy of the repository with this group's mutmut configuration (returns its path)."""
    spec = GROUPS[group]
    where = SCRATCH / group
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, where / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            shutil.copy2(src, where / name)
    tests = [t for t in spec["tests"] if (ROOT / t).exists()]
    quoted = ", ".join(f'"{x}"' for x in FAST)
    config = (
        "\n[tool.mutmut]\n"
        'source_paths = ["sim"]\n'
        f"only_mutate = [{', '.join(repr(m) for m in spec['modules'])}]\n"
        'also_copy = ["scenarios", "docs", "README.md"]\n'
        f"pytest_add_cli_args = [{quoted}]\n"
        f"pytest_add_cli_args_test_selection = [{', '.join(repr(t) for t in tests)}]\n"
        "use_git_change_detection = false\n"
    )
    with (where / "pyproject.toml").open("a") as fh:
        fh.write(config.replace("'", '"'))
    return where


def scores(where: Path) -> dict[str, collections.Counter]:
    """Per module: counts of each mutmut status, from ``mutmut results --all true``."""
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=where,
                         capture_output=True, text=True, check=True).stdout
    per: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for line in out.splitlines():
        if ":" not in line:
            continue
        name, status = line.strip().rsplit(":", 1)
        module = name.split(".x", 1)[0].split(".x_", 1)[0]
        per[module][status.strip()] += 1
    return per


def report(where: Path) -> None:
    """Print the per-module score and write the survivors' diffs."""
    per = scores(where)
    survivors: list[str] = []
    print(f"{'module':40s} {'mutants':>7s} {'killed':>7s} {'survived':>8s} {'no tests':>8s} {'score':>6s}")
    for module, counts in sorted(per.items()):
        total = sum(counts.values())
        dead = counts["killed"] + counts["timeout"] + counts["segfault"] + counts["suspicious"]
        alive = counts["survived"] + counts["no tests"]
        score = dead / total if total else 1.0
        print(f"{module:40s} {total:7d} {dead:7d} {counts['survived']:8d} {counts['no tests']:8d} {score:6.1%}")
        if alive:
            survivors.append(module)
    out = subprocess.run([sys.executable, "-m", "mutmut", "results"], cwd=where, capture_output=True,
                         text=True, check=True).stdout
    with (where / "survivors.txt").open("w") as fh:
        for line in out.splitlines():
            name = line.strip().rsplit(":", 1)[0]
            if not name:
                continue
            diff = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=where,
                                  capture_output=True, text=True).stdout
            fh.write(f"## {line.strip()}\n{diff}\n")
    print(f"survivors' diffs: {where / 'survivors.txt'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("group", choices=[*GROUPS, "all"])
    parser.add_argument("names", nargs="*", help="mutant name globs to run (default: every mutant of the group)")
    parser.add_argument("--report-only", action="store_true", help="print the scores of the last run")
    args = parser.parse_args(argv)
    for group in GROUPS if args.group == "all" else [args.group]:
        where = SCRATCH / group
        if not args.report_only:
            where = prepare(group)
            subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", "1", *args.names],
                           cwd=where, check=False)
        report(where)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
