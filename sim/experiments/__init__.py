"""Batch experiments: experiment files, designs and seeds, executors, resumable storage.

Names are imported on first use (PEP 562), so a worker that needs only
:mod:`sim.experiments.task` does not import scipy.stats, pandas writers or matplotlib.
"""

from importlib import import_module

_WHERE = {"RunPoint": "design", "build_runs": "design", "replication_seeds": "design",
          "run_experiment": "runner", "Experiment": "spec", "load_experiment": "spec", "execute": "task"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"sim.experiments.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'sim.experiments' has no attribute {name!r}")
