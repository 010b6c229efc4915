"""Batch experiments: experiment files, designs and seeds, executors, resumable storage."""

from sim.experiments.design import RunPoint, build_runs, replication_seeds
from sim.experiments.runner import run_experiment
from sim.experiments.spec import Experiment, load_experiment
from sim.experiments.task import execute

__all__ = ["Experiment", "RunPoint", "build_runs", "execute", "load_experiment", "replication_seeds",
           "run_experiment"]
