"""Run an experiment: build its runs, skip those already on disk, execute, stream results, consolidate."""

from __future__ import annotations

import json
import os
import platform
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from sim.errors import InputError
from sim.experiments.design import RunPoint, build_runs
from sim.experiments.executors import (
    connect_dask,
    run_dask,
    run_local,
    run_processes,
    warm_up_processes,
)
from sim.experiments.paths import get
from sim.experiments.spec import LoadedExperiment, load_experiment
from sim.experiments.store import ExperimentStore, atomic_write_arrow, run_columns
from sim.experiments.verify import repair
from sim.funds.design import load_design
from sim.output.columns import annotate
from sim.output.provenance import git_commit, host, versions
from sim.output.target import check_out, read_manifest


def fund_designs_for(exp: LoadedExperiment) -> dict[str, dict]:
    """Every fund design the experiment can use, loaded once in the parent (workers need no files)."""
    names = {get(exp.scenario_data, "funds.design") or "none"}
    for lever in exp.spec.levers:
        if lever.path == "funds.design":
            names.update(lever.values)
    for u in exp.spec.uncertainties:
        if u.path == "funds.design" and u.values:
            names.update(u.values)
    base = exp.scenario_path.parent
    return {n: load_design(n, base, "funds.design", str(exp.path)).model_dump() for n in sorted(names)}


def make_task(exp: LoadedExperiment, point: RunPoint, designs: dict) -> dict:
    overrides = list(point.levers.items()) + list(point.uncertainties.items())
    return {"run_id": point.run_id, "key": f"{exp.experiment_hash[:12]}-{point.run_id}",
            "scenario": exp.scenario_data, "overrides": overrides, "seed": point.seed, "fund_designs": designs,
            "timeseries": exp.spec.outputs.timeseries, "areas": exp.spec.outputs.areas,
            "source": str(exp.scenario_path)}


MANIFEST_SECONDS = 10.0
"""Seconds between rewrites of manifest.json while an experiment runs (it lists every run's status, so
rewriting it every few runs would cost the parent process seconds over a 10,000-run study)."""

GROUP_RUNS = 16
"""Most runs of one future sent to a worker together (larger groups make fewer round trips, balance load less)."""


def future_groups(exp: LoadedExperiment, points: list[RunPoint], designs: dict) -> Iterator[dict]:
    """Group runs by future (same seed and uncertainty values; only levers differ), in design order.

    The runs of a group go to one worker in one call (:func:`sim.experiments.task.execute_group`); results are
    the same as run by run.
    """
    futures: dict[tuple, list[RunPoint]] = {}
    for point in points:
        futures.setdefault((point.seed, json.dumps(point.uncertainties, sort_keys=True, default=str)), []).append(point)
    for members in futures.values():
        for i in range(0, len(members), GROUP_RUNS):
            tasks = [make_task(exp, p, designs) for p in members[i:i + GROUP_RUNS]]
            yield {"key": f"{tasks[0]['key']}+{len(tasks)}", "tasks": tasks}


def provenance() -> dict:
    """Git commit, package versions and host: asked once per session (git and package metadata take ~0.1 s)."""
    return {"git_commit": git_commit(), "versions": versions(), "host": host()}


def manifest(exp: LoadedExperiment, runs: list[RunPoint], store: ExperimentStore, started: str,
             finished: str | None, executor: str, workers: int, origin: dict | None = None) -> dict:
    """The experiment's manifest: what ran, from which files and code, and every run's status.

    ``origin``: :func:`provenance` of this session (asked anew when not given)."""
    origin = origin or provenance()
    ids = {r.run_id for r in runs}
    done, failed = store.done_ids() & ids, store.failed_ids() & ids
    return {
        "experiment": exp.spec.name, "experiment_file": str(exp.path), "experiment_sha256": exp.experiment_hash,
        "scenario_file": str(exp.scenario_path), "scenario_sha256": exp.scenario_hash,
        "seed": exp.spec.seed, "replications": exp.spec.replications, "design": exp.spec.design.model_dump(),
        "runs_total": len(runs), "runs_done": len(done), "runs_failed": len(failed - done),
        "git_commit": origin["git_commit"], "versions": origin["versions"], "host": origin["host"],
        "executor": executor,
        "workers": workers, "started_utc": started, "finished_utc": finished,
        "status": {r.run_id: ("done" if r.run_id in done else "failed" if r.run_id in failed else "pending")
                   for r in runs},
        "seeds": {r.run_id: r.seed for r in runs},
    }


def prepare(exp: LoadedExperiment, out: Path, resume: bool, force: bool = False) -> tuple[ExperimentStore, bool]:
    """Check the results folder before anything is written; returns (store, whether the folder is new).

    Only a folder written by ``areasim experiment`` is ever continued (``--resume``) or replaced
    (``--force``); any other non-empty folder is refused unless ``--force`` is given.
    """
    store = ExperimentStore(out)
    state = check_out(out, "--out", force=force, accept=("experiment",))
    if state == "own":
        old = read_manifest(out) or {}
        if force and not resume:
            store.reset()
            return store, True
        if not resume:
            raise InputError("", "--resume", "not given", f"--resume to continue {out}, --force to start it again, "
                             "or another --out", problem="results of this experiment already exist")
        if old.get("experiment_sha256") != exp.experiment_hash:
            raise InputError(str(exp.path), "--resume", str(out), "the same experiment file as the stored run",
                             problem="the experiment file changed since it was started")
        return store, False
    if state == "forced":
        if resume:
            raise InputError("", "--resume", str(out), "a results folder written by 'areasim experiment'",
                             problem="nothing to resume: the folder holds no experiment results")
        store.reset()
    return store, state != "empty"


def max_local_workers() -> int:
    """Most worker processes started on this machine: twice its CPUs (at least 4)."""
    return max(4, 2 * (os.cpu_count() or 1))


def check_workers(workers: int, executor: str, scheduler: str | None) -> None:
    """Refuse more local worker processes than the machine can use (a remote scheduler has its own workers)."""
    if executor in ("processes", "dask") and not scheduler and workers > max_local_workers():
        raise InputError("", "--workers", workers, f"1..{max_local_workers()} on this machine "
                         f"({os.cpu_count()} CPUs), or a Dask cluster via --scheduler",
                         problem="too many local worker processes")


def run_experiment(path: str | Path, out: Path | None = None, workers: int = 1, executor: str | None = None,
                   scheduler: str | None = None, resume: bool = False, quiet: bool = False,
                   force: bool = False) -> dict:
    """Run (or resume) an experiment; returns its final manifest.

    Everything is validated, the results folder checked and a Dask scheduler connected before
    anything is written; if the session fails before a single run is stored, a folder it created
    is removed again.
    """
    exp = load_experiment(path)
    executor = executor or ("processes" if workers > 1 else "local")
    check_workers(workers, executor, scheduler)
    out = Path(out) if out is not None else Path("results") / exp.spec.name
    client = connect_dask(scheduler) if executor == "dask" and scheduler else None
    try:
        store, fresh = prepare(exp, out, resume, force)
        runs = build_runs(exp.spec)
        designs = fund_designs_for(exp)
    except BaseException:
        if client is not None:
            client.close()
        raise
    if executor == "processes":
        warm_up_processes()  # workers' imports overlap with writing the design and manifest below
    try:
        return _execute(exp, out, store, runs, designs, executor, workers, scheduler, client, resume, quiet)
    except BaseException:
        if fresh and not store.done_ids() and not store.failed_ids():
            store.reset()
        raise


def _execute(exp, out, store, runs, designs, executor, workers, scheduler, client, resume, quiet) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(exp.path, out / "experiment.toml")
    store.write_json("scenario.json", exp.scenario_data)
    store.write_json("fund_designs.json", designs)
    atomic_write_arrow(annotate(pa.Table.from_pandas(pd.DataFrame([run_columns(r) for r in runs]), preserve_index=False),
                                "runs"), out / "runs.parquet")
    started = datetime.now(UTC).isoformat(timespec="seconds")
    origin = provenance()
    store.write_json("manifest.json", manifest(exp, runs, store, started, None, executor, workers, origin))

    ids = {r.run_id for r in runs}
    if resume:
        repair(store, ids)  # damaged parts are discarded and run again
    done = store.done_ids() & ids
    pending = [r for r in runs if r.run_id not in done]
    by_id = {r.run_id: r for r in runs}
    groups = future_groups(exp, pending, designs)
    t0 = time.perf_counter()  # includes starting the workers
    if executor == "local":
        results = run_local(groups)
    elif executor == "processes":
        results = run_processes(groups, workers)
    else:
        results = run_dask(groups, workers, scheduler, client)

    from sim.output.console import experiment_progress

    failures = 0
    last_manifest = time.perf_counter()
    with experiment_progress(len(runs), len(done), exp.spec.name, quiet) as advance:
        for result in results:
            point = by_id[result["run_id"]]
            if "error" in result:
                store.write_failure(point, result)
                failures += 1
            else:
                store.write_run(point, result)
            advance(failures)
            if time.perf_counter() - last_manifest >= MANIFEST_SECONDS:  # for people watching; resume reads parts
                store.write_json("manifest.json", manifest(exp, runs, store, started, None, executor, workers,
                                                           origin))
                last_manifest = time.perf_counter()
    elapsed = time.perf_counter() - t0
    store.consolidate()
    final = manifest(exp, runs, store, started, datetime.now(UTC).isoformat(timespec="seconds"), executor, workers,
                     origin)
    final["elapsed_seconds_this_session"] = round(elapsed, 2)
    final["runs_this_session"] = len(pending)
    final["python"] = platform.python_version()
    store.write_json("manifest.json", final)
    return final
