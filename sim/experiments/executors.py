"""Executors: serial in-process, a local process pool, or Dask distributed.

Each takes task dicts and yields result dicts as runs finish (in any order); the runner
writes each result to disk at once, so memory stays flat. Results never depend on the
executor: a run is a pure function of its task.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from sim.experiments.task import safe_execute

EXECUTORS = ("local", "processes", "dask")


def run_local(tasks: Iterable[dict]) -> Iterator[dict]:
    for task in tasks:
        yield safe_execute(task)


def os_threads() -> int:
    """Threads of this process as the OS sees them (Python and native, e.g. Arrow's pool); 0 if unknown."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count() if sys.platform != "linux" else 0


def run_processes(tasks: Iterable[dict], workers: int) -> Iterator[dict]:
    """A process pool with a bounded window of tasks in flight (flat memory).

    On Linux, when this process has no other threads, the workers are forked from it (the model
    is imported already, so they start at once); the pool is created and the first tasks submitted here, before the
    caller starts its progress bar (no thread exists yet when the workers fork). Elsewhere the
    workers come from a forkserver with the model preloaded.
    """
    window = 4 * workers
    tasks = iter(tasks)
    single_threaded = os_threads() == 1  # forking a multi-threaded process can deadlock (native threads count)
    if single_threaded and sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["sim.experiments.task", "sim.model"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    pending = set()
    for task in tasks:
        pending.add(pool.submit(safe_execute, task))
        if len(pending) >= window:
            break
    return _drain(pool, pending, tasks)


def _drain(pool: ProcessPoolExecutor, pending: set, tasks: Iterator[dict]) -> Iterator[dict]:
    with pool:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
                nxt = next(tasks, None)
                if nxt is not None:
                    pending.add(pool.submit(safe_execute, nxt))


def run_dask(tasks: Iterable[dict], workers: int, scheduler: str | None) -> Iterator[dict]:
    """Dask distributed: an existing scheduler (``tcp://host:port``) or a local cluster of processes.

    Each task is submitted with ``retries=2``, so a worker that dies mid-run costs a retry, not a run.
    """
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        client = Client(cluster)
    try:
        window = 8 * max(1, workers)
        tasks = iter(tasks)
        futures = as_completed()
        for task in tasks:
            futures.add(client.submit(safe_execute, task, key=f"areasim-{task['key']}", retries=2, pure=False))
            if futures.count() >= window:
                break
        for future in futures:
            result = future.result()
            future.release()
            yield result
            nxt = next(tasks, None)
            if nxt is not None:
                futures.add(client.submit(safe_execute, nxt, key=f"areasim-{nxt['key']}", retries=2, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
