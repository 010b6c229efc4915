"""A worker's long-lived objects put out of the cyclic garbage collector's reach after its first group of runs.

A process that runs an experiment's groups (a pool or Dask worker, or the ``areasim experiment`` process itself
with one worker) holds ~165,000 tracked objects after its first run: the imported modules (numpy, pydantic,
simpy, mesa, the model), their classes and functions, the schema and the per-process memos the first run filled
(belief draws, home splits). They live until the process ends, yet every full collection of Python's cyclic
collector traverses all of them again, and the runs' own allocations trigger such a collection every ~15 runs.
:func:`settle` collects the first group's garbage once and then ``gc.freeze()``-s what is left: later
collections traverse only what later runs create. It also makes the youngest generation's collections rarer
(:data:`THRESHOLDS`): a Sobol run triggers ~16 of them at Python's default of 700 net new containers, most of
whose objects (a quarter's lists and dicts) would have died by the next one (docs/performance.md, eighth session).

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

THRESHOLDS = (5000, 5, 2)
"""``gc.set_threshold`` of a settled process: a young collection every 5,000 net new containers (default 700), an
older one every 5 of those, a full one every 2 older ones (defaults 10 and 10), so full collections — which free a
finished run's model, a web of references — come about as often, counted in allocations, as by default (~every
50,000-70,000; a Sobol run makes ~11,000): memory stays as flat (measured: peak RSS of a worker over 60 runs 226 MB
against 230 MB with the defaults)."""

_settled = False
"""Whether :func:`settle` has run in this process (a forked child starts with its parent's value)."""


def settle() -> None:
    """Once per process: collect the garbage left so far, freeze every surviving object (``gc.freeze``) and set
    :data:`THRESHOLDS`."""
    global _settled
    if not _settled:
        gc.collect()
        gc.freeze()
        gc.set_threshold(*THRESHOLDS)
        _settled = True

