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
    nice -n 19 /tmp/mutvenv/bin/python tools/mutation.py money --rerun-survivors   # after adding tests

The samples measured for issue #17 (docs/testing.md; the full groups take hours on a shared 2-core machine)::

    tools/mutation.py funds 'sim.funds.fund.*'
    tools/mutation.py agents 'sim.agents.municipality.*close_books*' 'sim.agents.municipality.*total_provisions*' \
        'sim.agents.municipality.*budget_left*' 'sim.agents.developer.*'
    tools/mutation.py negotiation          # all 2,044 mutants; stopped after 1,600 (docs/testing.md)
    tools/mutation.py agents $(cat sample)  # 80 mutants drawn per module with random.Random(17) (docs/testing.md)

It prints the per-module score (killed / all, where 'killed' includes timeouts and crashes; 'no tests' means
no test of the pool reaches the mutated function) and writes the surviving mutants' diffs (with ``--diffs``)
to ``/tmp/areasim-mutation/<group>/survivors-<before|after>.txt``. Results are in docs/testing.md.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = Path("/tmp/areasim-mutation")

FAST = ["-p", "no:cacheprovider", "-m", "not slow", "-W", "ignore", "-p", "mutation_order", "--hypothesis-seed=0"]

ORDER_PLUGIN = '''"""pytest plug-in for mutation runs only: run the by-hand tests first, model runs and property tests last.

mutmut stops a mutant's run at the first failing test (-x), so a mutant that a by-hand test kills dies in a
fraction of a second. The order changes no verdict, only how long a killed mutant takes.
"""

FIRST = ("test_mutation_kills", "test_payments_by_hand", "test_finance", "test_instruments", "test_protocols")
LAST = ("test_ledger", "test_behaviour", "test_model", "test_reconciliations")


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.nodeid.split("::", 1)[0]
        for i, prefix in enumerate(FIRST):
            if prefix in name:
                return i
        for i, prefix in enumerate(LAST):
            if prefix in name:
                return 100 + i
        return 50

    items.sort(key=rank)
'''

GROUPS: dict[str, dict[str, list[str]]] = {
    "money": {
        "modules": ["sim/ledger.py", "sim/books.py", "sim/payments.py", "sim/finance/*",
                    "sim/cooperation/*"],
        "tests": ["tests/test_ledger.py", "tests/test_payments_by_hand.py", "tests/test_finance.py",
                  "tests/test_cooperation.py", "tests/test_mutation_kills_money.py"],
    },
    "funds": {
        "modules": ["sim/funds/*"],
        "tests": ["tests/test_instruments.py", "tests/test_funds.py", "tests/test_fund_metrics.py",
                  "tests/test_fund_conditions.py", "tests/test_fund_design.py", "tests/test_mutation_kills_funds.py",
                  "tests/test_mutation_kills_instruments.py"],
    },
    "agents": {
        "modules": ["sim/agents/*"],
        # not test_reconciliations nor test_behaviour: their model runs make each surviving mutant cost minutes here
        "tests": ["tests/test_model.py", "tests/test_payments_by_hand.py",
                  "tests/test_mutation_kills_agents.py"],
    },
    "negotiation": {
        "modules": ["sim/negotiation/*"],
        "tests": ["tests/test_protocols.py", "tests/test_cooperation.py",
                  "tests/test_mutation_kills_negotiation.py"],
    },
}
COPY = ["sim", "tests", "scenarios", "docs", "README.md", "pyproject.toml"]


def prepare(group: str) -> Path:
    """A fresh scratch copy of the repository with this group's mutmut configuration (returns its path)."""
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
    write_config(group, where)
    return where


def write_config(group: str, where: Path) -> None:
    """Append the group's [tool.mutmut] section to the scratch copy's pyproject.toml (a fresh copy of ours)."""
    spec = GROUPS[group]
    for folder in (where, where / "mutants"):
        if folder.exists():
            (folder / "mutation_order.py").write_text(ORDER_PLUGIN)
    shutil.copy2(ROOT / "pyproject.toml", where / "pyproject.toml")
    tests = [t for t in spec["tests"] if (ROOT / t).exists()]
    quoted = ", ".join(f'"{x}"' for x in FAST)
    config = (
        "\n[tool.mutmut]\n"
        'source_paths = ["sim"]\n'
        f"only_mutate = [{', '.join(repr(m) for m in spec['modules'])}]\n"
        'also_copy = ["scenarios", "docs", "README.md", "mutation_order.py"]\n'
        f"pytest_add_cli_args = [{quoted}]\n"
        f"pytest_add_cli_args_test_selection = [{', '.join(repr(t) for t in tests)}]\n"
        "use_git_change_detection = false\n"
    )
    with (where / "pyproject.toml").open("a") as fh:
        fh.write(config.replace("'", '"'))


def statuses(where: Path) -> dict[str, str]:
    """mutmut's status of every mutant of the scratch copy (``mutmut results --all true``)."""
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=where,
                         capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        if ":" in line:
            name, status = line.strip().rsplit(":", 1)
            found[name.strip()] = status.strip()
    return found


DIFFS = False
DEAD = ("killed", "timeout", "segfault", "suspicious")
ALIVE = ("survived", "no tests")


def report(where: Path, found: dict[str, str], label: str) -> None:
    """Print the per-module score of ``found`` (mutant → status) and write the survivors' diffs."""
    per: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for name, status in found.items():
        per[name.split(".x", 1)[0]][status] += 1
    print(f"\n{label}: {where}")
    print(f"{'module':32s} {'mutants':>7s} {'killed':>7s} {'survived':>8s} {'no tests':>8s} {'other':>6s} "
          f"{'score':>6s}")
    for module, counts in sorted(per.items()):
        total = sum(counts.values())
        dead = sum(counts[s] for s in DEAD)
        other = total - dead - sum(counts[s] for s in ALIVE)
        print(f"{module:32s} {total:7d} {dead:7d} {counts['survived']:8d} {counts['no tests']:8d} {other:6d} "
              f"{dead / total if total else 1.0:6.1%}")
    if not DIFFS:
        return
    with (where / f"survivors-{label}.txt").open("w") as fh:
        for name, status in sorted(found.items()):
            if status in ALIVE:
                diff = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=where,
                                      capture_output=True, text=True).stdout
                fh.write(f"## {name}: {status}\n{diff}\n")
    print(f"survivors' diffs: {where / f'survivors-{label}.txt'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("group", choices=[*GROUPS, "all"])
    parser.add_argument("names", nargs="*", help="mutant name globs to run (default: every mutant of the group)")
    parser.add_argument("--report-only", action="store_true", help="print the scores of the last run")
    parser.add_argument("--rerun-survivors", action="store_true",
                        help="after adding tests: copy tests/ into the last run's scratch copy and run only the "
                             "mutants that survived it (the source is unchanged, so killed mutants stay killed)")
    parser.add_argument("--diffs", action="store_true", help="write the survivors' diffs (slow: one mutmut "
                        "call per survivor)")
    args = parser.parse_args(argv)
    global DIFFS
    DIFFS = args.diffs
    for group in GROUPS if args.group == "all" else [args.group]:
        where = SCRATCH / group
        before_file = where / "results-before.json"
        if args.rerun_survivors:
            before = json.loads(before_file.read_text())
            for dest in (where / "tests", where / "mutants" / "tests"):
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(ROOT / "tests", dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            write_config(group, where)
            after_file = where / "results-after.json"
            latest = json.loads(after_file.read_text()) if after_file.exists() else before
            names = sorted(n for n, status in latest.items() if status in ALIVE)  # survivors of the last run
            subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", "1", *names], cwd=where,
                           check=False)
            now = statuses(where)
            after = {**latest, **{n: now.get(n, latest[n]) for n in names}}
            after_file.write_text(json.dumps(after, indent=0, sort_keys=True))
            report(where, before, "before")
            report(where, after, "after")
            continue
        if not args.report_only:
            where = prepare(group)
            subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", "1", *args.names],
                           cwd=where, check=False)
            found = statuses(where)
            if args.names:  # a sample: only the mutants that ran
                found = {n: st for n, st in found.items() if st != "not checked"}
            before_file.write_text(json.dumps(found, indent=0, sort_keys=True))
        elif not before_file.exists():  # a run interrupted before its report: read mutmut's own records
            before_file.write_text(json.dumps(statuses(where), indent=0, sort_keys=True))
        report(where, json.loads(before_file.read_text()), "before")
        after_file = where / "results-after.json"
        if after_file.exists():
            report(where, json.loads(after_file.read_text()), "after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
