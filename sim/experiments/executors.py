"""Executors: serial in-process, a local process pool, or Dask distributed.

Each takes groups of task dicts (the runs of one future, see
:func:`sim.experiments.task.execute_group`) and yields result dicts as groups finish (in any
order); the runner writes each result to disk at once, so memory stays flat. Results never
depend on the executor: a run is a pure function of its task.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from sim.errors import InputError
from sim.experiments.lifeline import die_with_parent, mark_parent
from sim.experiments.task import execute_group

EXECUTORS = ("local", "processes", "dask")


def run_local(groups: Iterable[dict]) -> Iterator[dict]:
    for group in groups:
        yield from execute_group(group)


def os_threads() -> int:
    """Threads of this process as the OS sees them (Python and native, e.g. Arrow's pool); 0 if unknown."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count() if sys.platform != "linux" else 0


WORKER_MODULES = ["sim.experiments.lifeline", "sim.experiments.task", "sim.model"]
"""Imported once by the fork server; every worker forked from it starts with them loaded (~1.2 s saved each)."""


def process_context() -> multiprocessing.context.BaseContext:
    """Fork when this process has no other threads (Linux), else a fork server with the model preloaded.

    Importing numpy alone starts an OpenBLAS thread, so in practice this is the fork server;
    forking a multi-threaded process can deadlock (Python 3.12 warns about it).
    """
    mark_parent()
    single_threaded = os_threads() == 1
    if single_threaded and sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_MODULES)
    return context


def warm_up_processes() -> None:
    """Start the fork server now (it imports the model in the background while the caller sets up)."""
    context = process_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def split_tail(groups: Iterable[dict], last: int) -> Iterator[dict]:
    """The groups in order, but the ``last`` ones split into one group per run.

    At the end of an experiment the workers finish their last groups one after another; a worker that finishes
    early idles until the others are done. Runs alone instead of the last few groups shorten that tail (a group
    of a ten-design grid takes ten runs' time). Results are unchanged: a run gives the same result alone as in
    its group (:func:`sim.experiments.task.execute_group`, tested).
    """
    held: deque[dict] = deque()
    for group in groups:
        held.append(group)
        if len(held) > last:
            yield held.popleft()
    for group in held:
        if len(group["tasks"]) == 1:
            yield group
        else:
            yield from ({"key": f"{task['key']}+1", "tasks": [task]} for task in group["tasks"])


def run_processes(groups: Iterable[dict], workers: int) -> Iterator[dict]:
    """A process pool with a bounded window of groups in flight (flat memory).

    On Linux, when this process has no other threads, the workers are forked from it (the model
    is imported already, so they start at once); the pool is created and the first tasks submitted here, before the
    caller starts its progress bar (no thread exists yet when the workers fork). Elsewhere the
    workers come from a forkserver with the model preloaded. The last ``workers`` groups go out run by run
    (:func:`split_tail`).
    """
    window = 2 * workers
    tasks = split_tail(groups, workers)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=process_context(), initializer=die_with_parent)
    pending = set()
    for task in tasks:
        pending.add(pool.submit(execute_group, task))
        if len(pending) >= window:
            break
    return _drain(pool, pending, tasks)


def _drain(pool: ProcessPoolExecutor, pending: set, tasks: Iterator[dict]) -> Iterator[dict]:
    with pool:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()
                nxt = next(tasks, None)
                if nxt is not None:
                    pending.add(pool.submit(execute_group, nxt))


CONNECT_SECONDS = 5
"""How long to wait for a Dask scheduler before giving up with a one-line error."""


def connect_dask(scheduler: str, arg: str = "--scheduler"):
    """A Dask client of a running scheduler, or InputError (one line) if it cannot be reached in time."""
    import logging

    from dask.distributed import Client

    quiet = [logging.getLogger(n) for n in ("distributed", "distributed.client", "distributed.comm")]
    levels = [lg.level for lg in quiet]
    for lg in quiet:
        lg.setLevel(logging.CRITICAL)
    try:
        return Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise InputError("", arg, scheduler, "the address of a running Dask scheduler, e.g. tcp://127.0.0.1:8786",
                         problem=f"cannot connect within {CONNECT_SECONDS} s ({type(exc).__name__})") from None
    finally:
        for lg, level in zip(quiet, levels, strict=True):
            lg.setLevel(level)


def run_dask(groups: Iterable[dict], workers: int, scheduler: str | None, client=None) -> Iterator[dict]:
    """Dask distributed: an existing scheduler (``tcp://host:port``) or a local cluster of processes.

    Each group is submitted with ``retries=2``, so a worker that dies mid-run costs a retry, not a run.
    ``client``: an already connected client (see :func:`connect_dask`).
    """
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if client is not None:
        pass
    elif scheduler:
        client = connect_dask(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        client = Client(cluster)
    try:
        window = 4 * max(1, workers)
        tasks = iter(groups)
        futures = as_completed()
        for task in tasks:
            futures.add(client.submit(execute_group, task, key=f"areasim-{task['key']}", retries=2, pure=False))
            if futures.count() >= window:
                break
        for future in futures:
            results = future.result()
            future.release()
            yield from results
            nxt = next(tasks, None)
            if nxt is not None:
                futures.add(client.submit(execute_group, nxt, key=f"areasim-{nxt['key']}", retries=2, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
