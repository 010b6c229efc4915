"""Dask distributed for real: a `dask scheduler` and `dask worker` processes on loopback, one killed mid-run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.experiments import run_experiment
from sim.experiments.store import ExperimentStore
from sim.results import load
from tests.test_experiments import make_experiment

pytestmark = pytest.mark.slow
DASK = str(Path(sys.executable).with_name("dask"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str]) -> subprocess.Popen:
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_for_workers(address: str, n: int, timeout: float = 60) -> None:
    from dask.distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(n, timeout=timeout)


def test_experiment_survives_a_killed_dask_worker(tmp_path):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = start([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"])
    workers = []
    try:
        time.sleep(2)
        for _ in range(2):
            workers.append(start([DASK, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                                  "--host", "127.0.0.1"]))
        wait_for_workers(address, 2)
        path = make_experiment(tmp_path, name="dask_exp", replications=5, years=10, samples=2)
        out = tmp_path / "res"
        runner = subprocess.Popen([sys.executable, "-m", "sim.cli", "experiment", str(path), "--executor", "dask",
                                   "--scheduler", address, "--out", str(out), "--quiet"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        store = ExperimentStore(out)
        deadline = time.time() + 120
        while time.time() < deadline and len(store.done_ids()) < 3:
            time.sleep(0.2)
        stop(workers[0])  # kill -9 one worker (and its nanny) mid-experiment
        stdout, stderr = runner.communicate(timeout=600)
        assert runner.returncode == 0, stderr
        assert len(store.done_ids()) == 20 and not store.failed_ids()
        reference = tmp_path / "ref"
        run_experiment(path, reference, quiet=True)
        assert (out / "outcomes.parquet").read_bytes() == (reference / "outcomes.parquet").read_bytes()
        assert len(load(out)) == 20
    finally:
        for w in workers:
            stop(w)
        stop(scheduler)
