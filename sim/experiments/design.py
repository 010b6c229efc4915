"""The runs of an experiment: lever combinations × uncertainty points × replications, with seeds.

Seeds: the experiment seed spawns one child per replication (numpy ``SeedSequence``); replication
*r* gets the same seed under every lever combination and uncertainty point, so policies are
compared on the same futures (common random numbers). Sampling is reproducible from the seed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

SEED_MASK = (1 << 63) - 1


@dataclass(frozen=True)
class RunPoint:
    """One run: its id, replication, seed, lever values and uncertainty values."""

    run_id: str
    replication: int
    seed: int
    point: int
    levers: dict = field(default_factory=dict)
    uncertainties: dict = field(default_factory=dict)



class ExperimentLike(Protocol):
    """What design points are drawn from: an experiment spec (sim.experiments.spec.Experiment)."""

    seed: int
    replications: int
    levers: list
    uncertainties: list
    design: Any


def replication_seeds(seed: int, replications: int) -> list[int]:
    """One int seed per replication, spawned from the experiment seed."""
    children = np.random.SeedSequence(seed).spawn(replications + 1)[1:]  # child 0 is the sampling stream
    return [int(c.generate_state(1, dtype=np.uint64)[0]) & SEED_MASK for c in children]


def sampling_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])


def uncertainty_points(spec: ExperimentLike) -> list[dict]:
    """Design points over the uncertainties (a list of {path: value})."""
    us = spec.uncertainties
    if not us:
        return [{}]
    kind, n = spec.design.kind, spec.design.samples
    if kind == "factorial":
        axes = [u.values if u.values is not None else [u.low, u.high] for u in us]
        return [dict(zip([u.path for u in us], combo, strict=True)) for combo in itertools.product(*axes)]
    if kind == "sobol":
        from SALib.sample import sobol

        problem = {"num_vars": len(us), "names": [u.path for u in us], "bounds": [[u.low, u.high] for u in us]}
        unit = sobol.sample(problem, n, calc_second_order=False, seed=int(spec.seed % (2**32)))
    else:
        from scipy.stats import qmc  # imported here: scipy.stats takes ~0.8 s to import

        unit_cube = qmc.LatinHypercube(d=len(us), rng=sampling_rng(spec.seed)).random(n)
        unit = np.empty_like(unit_cube)
        for k, u in enumerate(us):
            if u.values is None:
                unit[:, k] = u.low + unit_cube[:, k] * (u.high - u.low)
    points = []
    for row_i in range(unit.shape[0]):
        point = {}
        for k, u in enumerate(us):
            if u.values is not None:
                index = min(int(unit_cube[row_i, k] * len(u.values)), len(u.values) - 1)
                point[u.path] = u.values[index]
            else:
                value = float(unit[row_i, k])
                point[u.path] = int(round(value)) if u.integer else value
        points.append(point)
    return points


def build_runs(spec: ExperimentLike) -> list[RunPoint]:
    """All runs of an experiment in a fixed order (ids sort in that order)."""
    seeds = replication_seeds(spec.seed, spec.replications)
    lever_combos = [dict(zip([lv.path for lv in spec.levers], combo, strict=True))
                    for combo in itertools.product(*[lv.values for lv in spec.levers])] or [{}]
    runs = []
    for p, point in enumerate(uncertainty_points(spec)):
        for c, levers in enumerate(lever_combos):
            for r, seed in enumerate(seeds):
                runs.append(RunPoint(f"p{p:05d}-l{c:03d}-r{r:05d}", r, seed, p, levers, point))
    return runs
