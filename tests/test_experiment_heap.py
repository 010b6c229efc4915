"""A worker's heap settled after its first group (``sim.experiments.heap``) changes no result.

Mechanism checked: the executors run :func:`~sim.experiments.executors.execute_settled`, which after a process's
first group collects its garbage once and ``gc.freeze()``-s the survivors (the modules and per-process memos), so
later cyclic collections skip them. Garbage collection frees only unreachable objects; a run must not depend on
when that happens. Each mode runs in its own fresh interpreter (freezing is for the whole process): the
settled one with the collector provoked every 100 allocations, the plain one with the collector off.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import copy, gc, json, sys, tomllib, weakref
from sim.experiments.executors import execute_settled
from sim.experiments.task import execute_group
from sim.funds.design import load_design
from sim.scenario import DEFAULT_SCENARIO

with open(DEFAULT_SCENARIO, "rb") as fh:
    base = tomllib.load(fh)
base["horizon_years"] = 12
designs = {d: load_design(d).model_dump() for d in ("none", "woningbouwimpuls")}
groups = [{"key": f"g{seed}", "tasks": [{"run_id": f"r{seed}-{d}", "scenario": base, "seed": seed,
           "overrides": [("funds.design", d), ("actors.developers.required_margin", 0.1 + 0.02 * seed)],
           "fund_designs": designs, "timeseries": True, "areas": True} for d in designs]} for seed in (1, 2, 3)]
mode = sys.argv[1]
facts = {}
if mode == "settled":
    class Node:
        pass
    a, b = Node(), Node()
    a.other, b.other = b, a  # cyclic garbage made before the first group: collected, not frozen
    probe = weakref.ref(a)
    del a, b
    gc.set_threshold(100, 2, 2)  # collections far more often than by default
    out = []
    for i, group in enumerate(groups):
        out.extend(execute_settled(group))
        facts.setdefault("frozen_after", []).append(gc.get_freeze_count())
    facts["cycle_collected"] = probe() is None
else:
    gc.disable()
    out = [r for group in groups for r in execute_group(group)]
print(json.dumps({"results": repr(out), "facts": facts}))
"""


def run(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT, mode], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_settled_worker_gives_the_results_of_a_plain_one_and_freezes_once_after_its_first_group():
    settled, plain = run("settled"), run("plain")
    assert settled["results"] == plain["results"]  # outcomes, series, area and phase tables, every repr
    frozen = settled["facts"]["frozen_after"]
    assert frozen[0] > 10_000, "the modules and memos alive after the first group are frozen"
    # once per process: later groups add nothing (frozen objects freed by reference counting leave the count)
    assert frozen[2] <= frozen[1] <= frozen[0], "frozen again after a later group"
    assert settled["facts"]["cycle_collected"], "garbage made before settling is collected, not frozen"
