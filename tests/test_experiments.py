"""Experiments: validated files, paired seeds, identical results whatever the executor, resumable storage."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.errors import InputError
from sim.experiments import build_runs, load_experiment, run_experiment
from sim.experiments.store import ExperimentStore
from sim.results import load, summary_text
from tests.conftest import mini, write_toml

EXPERIMENT = """
name = "{name}"
scenario = "mini.toml"
seed = 11
replications = {replications}
horizon_years = {years}

[[levers]]
path = "funds.design"
values = ["none", "startbouwimpuls"]

[[uncertainties]]
path = "market.regimes.crash.price_growth"
low = -0.12
high = -0.03

[[uncertainties]]
path = "actors.developers.presale_threshold"
low = 0.5
high = 0.8

[design]
kind = "lhs"
samples = {samples}
"""


def make_experiment(tmp_path: Path, name: str = "exp", replications: int = 2, years: int = 4, samples: int = 2,
                    extra: str = "") -> Path:
    write_toml(tmp_path / "mini.toml", mini())
    path = tmp_path / f"{name}.toml"
    path.write_text(EXPERIMENT.format(name=name, replications=replications, years=years, samples=samples) + extra)
    return path


def test_runs_are_levers_times_points_times_replications(tmp_path):
    exp = load_experiment(make_experiment(tmp_path, replications=3, samples=2))
    runs = build_runs(exp.spec)
    assert len(runs) == 2 * 2 * 3
    assert len({r.run_id for r in runs}) == len(runs)


def test_replication_r_has_the_same_seed_under_every_lever_and_point(tmp_path):
    runs = build_runs(load_experiment(make_experiment(tmp_path, replications=3)).spec)
    for r in range(3):
        assert len({run.seed for run in runs if run.replication == r}) == 1
    assert len({run.seed for run in runs}) == 3
    assert [r.seed for r in runs] == [r.seed for r in build_runs(load_experiment(make_experiment(tmp_path,
                                                                                                  replications=3)).spec)]


def test_sampled_uncertainties_stay_in_their_ranges(tmp_path):
    runs = build_runs(load_experiment(make_experiment(tmp_path, samples=16)).spec)
    values = [r.uncertainties["actors.developers.presale_threshold"] for r in runs]
    assert min(values) >= 0.5 and max(values) <= 0.8 and len(set(values)) == 16


def test_sobol_design_follows_saltelli(tmp_path):
    path = make_experiment(tmp_path, samples=8, replications=1)
    path.write_text(path.read_text().replace('kind = "lhs"', 'kind = "sobol"'))
    runs = build_runs(load_experiment(path).spec)
    assert len(runs) == 8 * (2 + 2) * 2  # N (D + 2) points × 2 lever values


@pytest.mark.parametrize("extra, expected", [
    ('\n[[levers]]\npath = "actors.developers.presale_treshold"\nvalues = [0.5]\n',
     "actors.developers.presale_threshold"),
    ('\n[[levers]]\npath = "cooperation.model"\nvalues = ["anarchy"]\n', "levers[1].values = 'anarchy'"),
    ('\n[[levers]]\npath = "regions[atlantis].owner_price_per_m2"\nvalues = [5000.0]\n', "matches no entry"),
    ('\nreplicates = 3\n', "did you mean 'replications'"),
])
def test_bad_experiment_files_get_one_line_errors(tmp_path, extra, expected):
    path = make_experiment(tmp_path, extra=extra)
    with pytest.raises(InputError) as info:
        load_experiment(path)
    text = info.value.one_line()
    assert "\n" not in text and expected in text and str(path) in text


def test_a_run_that_raises_is_recorded_and_the_rest_continue(tmp_path, monkeypatch):
    import sim.experiments.task as task_module

    real = task_module.execute

    def flaky(task):
        if task["run_id"].endswith("r00001") and task["run_id"].startswith("p00000-l001"):
            raise RuntimeError("boom")
        return real(task)

    monkeypatch.setattr(task_module, "execute", flaky)
    out = tmp_path / "res"
    final = run_experiment(make_experiment(tmp_path), out, quiet=True)
    assert final["runs_failed"] == 1 and final["runs_done"] == 7
    failure = next((out / "failures").glob("*.json")).read_text()
    assert "boom" in failure and "Traceback" in failure
    assert final["status"]["p00000-l001-r00001"] == "failed"


def test_results_load_as_a_tidy_frame(tmp_path):
    out = tmp_path / "res"
    run_experiment(make_experiment(tmp_path), out, quiet=True)
    frame = load(out)
    assert len(frame) == 8 and frame["run_id"].is_unique
    assert {"lever:funds.design", "uncertainty:actors.developers.presale_threshold", "homes_completed",
            "fund_paid", "seed"} <= set(frame.columns)
    series = load(out, "timeseries")
    assert len(series) == 8 * 4 and {"year", "completed_total_social"} <= set(series.columns)
    assert "means over futures" in summary_text(out)


def test_a_half_written_part_never_counts(tmp_path):
    store = ExperimentStore(tmp_path)
    folder = tmp_path / "parts" / "outcomes"
    folder.mkdir(parents=True)
    (folder / ".p00000-l000-r00000.parquet.abc").write_bytes(b"half")
    assert store.done_ids() == set()


def test_existing_results_need_resume(tmp_path):
    out = tmp_path / "res"
    path = make_experiment(tmp_path)
    run_experiment(path, out, quiet=True)
    with pytest.raises(InputError) as info:
        run_experiment(path, out, quiet=True)
    assert "--resume" in info.value.one_line()
    final = run_experiment(path, out, resume=True, quiet=True)
    assert final["runs_this_session"] == 0 and final["runs_done"] == 8


def test_a_single_run_is_reproduced_from_its_recorded_seed(tmp_path, capsys):
    from sim.cli import main

    out = tmp_path / "res"
    run_experiment(make_experiment(tmp_path), out, quiet=True)
    assert main(["run", "--from-experiment", str(out), "--run", "p00001-l001-r00000", "--out",
                 str(tmp_path / "one"), "--quiet"]) == 0
    assert "identical" in capsys.readouterr().out
    assert (tmp_path / "one" / "overview.png").is_file()


@pytest.mark.slow
def test_outcomes_are_byte_identical_whatever_the_executor(tmp_path):
    path = make_experiment(tmp_path)
    files = {}
    for name, kwargs in (("local", {}), ("processes", {"workers": 2, "executor": "processes"}),
                         ("dask", {"workers": 2, "executor": "dask"})):
        out = tmp_path / name
        final = run_experiment(path, out, quiet=True, **kwargs)
        assert final["runs_done"] == 8
        files[name] = {k: (out / f"{k}.parquet").read_bytes() for k in ("outcomes", "timeseries", "areas")}
    assert files["local"] == files["processes"] == files["dask"]


@pytest.mark.slow
def test_kill_9_and_resume_loses_and_repeats_nothing(tmp_path):
    path = make_experiment(tmp_path, name="long", replications=6, years=12, samples=3)
    out = tmp_path / "res"
    cmd = [sys.executable, "-m", "sim.cli", "experiment", str(path), "--out", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    deadline = time.time() + 120
    store = ExperimentStore(out)
    while time.time() < deadline and len(store.done_ids()) < 4:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = store.done_ids()
    assert 4 <= len(done_before) < 36
    mtimes = {i: store.part("outcomes", i).stat().st_mtime_ns for i in done_before}
    resumed = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert len(store.done_ids()) == 36
    assert all(store.part("outcomes", i).stat().st_mtime_ns == t for i, t in mtimes.items())  # not repeated
    reference = tmp_path / "ref"
    run_experiment(path, reference, quiet=True)
    pd.testing.assert_frame_equal(load(out), load(reference))


def test_the_model_runs_under_mesa_batch_run():
    import mesa

    from sim.model import AreaModel
    from sim.scenario import from_dict

    scenario = from_dict(mini(horizon_years=3))
    results = mesa.batch_run(AreaModel, parameters={"scenario": [scenario]}, rng=[1, 2], max_steps=12,
                             number_processes=1, data_collection_period=-1, display_progress=False)
    frame = pd.DataFrame(results)
    assert len(frame) == 2 and {"public_cash", "completed_total_social"} <= set(frame.columns)
    assert frame["Step"].max() == 12


def _session_processes(sid: int) -> list[int]:
    """Live (not zombie) processes of a session other than its leader."""
    import psutil

    found = []
    for p in psutil.process_iter(["pid", "status"]):
        try:
            if p.pid != sid and os.getsid(p.pid) == sid and p.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(p.pid)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process sessions as on Linux")
@pytest.mark.parametrize("executor, children", [
    ("processes", 4),  # resource tracker, fork server, 2 workers
    pytest.param("dask", 3, marks=pytest.mark.slow),  # resource tracker, 2 worker processes (nannies run in the parent)
])
def test_kill_9_of_the_parent_leaves_no_worker_fork_server_or_tracker(tmp_path, executor, children):
    """SIGKILL to `areasim experiment --workers 2` (the parent only): every process it started ends by itself."""
    path = make_experiment(tmp_path, name="long", replications=6, years=12, samples=3)
    cmd = [sys.executable, "-m", "sim.cli", "experiment", str(path), "--workers", "2", "--executor", executor,
           "--out", str(tmp_path / "res"), "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and len(_session_processes(proc.pid)) < children:
            time.sleep(0.1)
        started = _session_processes(proc.pid)
        assert len(started) >= children, started
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.time() + 8
        while time.time() < deadline and _session_processes(proc.pid):
            time.sleep(0.2)
        assert _session_processes(proc.pid) == []
    finally:
        for pid in _session_processes(proc.pid):
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


def test_resume_re_runs_a_truncated_part_and_ignores_stray_copies(tmp_path):
    """A damaged part is discarded and run again on --resume; '<id> (copy).parquet' never counts."""
    out = tmp_path / "res"
    path = make_experiment(tmp_path)
    run_experiment(path, out, quiet=True)
    reference = load(out)
    store = ExperimentStore(out)
    victim = sorted(store.done_ids())[3]
    part = store.part("outcomes", victim)
    (part.parent / f"{victim} (copy).parquet").write_bytes(part.read_bytes())
    part.write_bytes(part.read_bytes()[:50])  # truncated, as by a full disk or a bad copy
    (part.parent / f".{victim}.parquet.x1y2").write_bytes(b"half")  # left by a writer killed with -9
    assert store.unreadable_runs() == {victim}
    assert len(store.done_ids()) == 8 and [p.name for p in store.strays()] == [f"{victim} (copy).parquet"]
    final = run_experiment(path, out, resume=True, quiet=True)
    assert final["runs_this_session"] == 1 and final["runs_done"] == 8 and final["runs_total"] == 8
    pd.testing.assert_frame_equal(load(out), reference)
    assert "8/8 runs done" in summary_text(out)
    assert not list(part.parent.glob(".*"))


def test_a_failed_start_leaves_no_folder_behind(tmp_path, monkeypatch):
    """If the session fails before any run is stored, the folder it created is removed (no '--resume' demanded)."""
    import sim.experiments.runner as runner

    def broken(*args, **kwargs):
        raise OSError("cannot start workers")

    monkeypatch.setattr(runner, "run_local", broken)
    out = tmp_path / "res"
    with pytest.raises(OSError):
        run_experiment(make_experiment(tmp_path), out, quiet=True)
    assert not out.exists()
