"""A worker's long-lived objects put out of the cyclic garbage collector's reach after its first group of runs.

A process that runs an experiment's groups (a pool or Dask worker, or the ``areasim experiment`` process itself
with one worker) holds ~165,000 tracked objects after its first run: the imported modules (numpy, pydantic,
simpy, mesa, the model), their classes and functions, the schema and the per-process memos the first run filled
(belief draws, home splits). They live until the process ends, yet every full collection of Python's cyclic
collector traverses all of them again, and the runs' own allocations trigger such a collection every ~15 runs
(plus the older-generation ones in between). :func:`settle` collects the first group's garbage once and then
``gc.freeze()``-s what is left: later collections traverse only what later runs create (docs/performance.md,
eighth session).

Results do not depend on it: the collector frees only unreachable objects, and nothing in the model reads object
addresses or the moment an object is freed (the one identity-keyed memo, the developers' land-bank marks, is a
``WeakKeyDictionary`` whose entries go when their run goes). Tested: a settled process gives the outcomes a
fresh process gives (``tests/test_experiment_heap.py``), and the executors give the same results.

Memory stays flat: only objects alive after the first group are frozen (its garbage is collected first); an
object frozen and later dropped is still freed by reference counting, only a reference cycle among frozen objects
would stay, and those are the process's modules and memos, which live to its end anyway.
"""

from __future__ import annotations

import gc

_settled = False
"""Whether :func:`settle` has run in this process (a forked child starts with its parent's value)."""


def settle() -> None:
    """Once per process: collect the garbage left so far, then freeze every surviving object (``gc.freeze``)."""
    global _settled
    if not _settled:
        gc.collect()
        gc.freeze()
        _settled = True

