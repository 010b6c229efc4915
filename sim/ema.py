"""areasim as an EMA Workbench model, for exploratory modelling and scenario discovery.

    from sim.ema import ema_model
    model = ema_model("experiments/ema_discovery.toml")
    experiments, outcomes = perform_experiments(model, scenarios=200, policies=...)

Uncertainties and levers are taken from an experiment file (ranges → ``RealParameter``,
value lists → ``CategoricalParameter``, a lever with one value → ``Constant``); their EMA names are the parameter paths with
non-identifier characters replaced by ``_`` (``ema_names`` gives the mapping). Each evaluation
runs the model for the experiment's replication seeds and returns the mean of each outcome.
"""

from __future__ import annotations

import re

import numpy as np

from sim.experiments.design import replication_seeds
from sim.experiments.runner import fund_designs_for
from sim.experiments.spec import load_experiment

DEFAULT_OUTCOMES = ("homes_completed", "affordable_share", "public_cash_end", "fund_paid")


def ema_name(path: str) -> str:
    """An identifier for a parameter path: 'regions[tight].x' → 'regions_tight__x'."""
    return re.sub(r"\W", "_", path)


class AreasimFunction:
    """A picklable callable ``f(**parameters) → {outcome: mean over seeds}`` for EMA's ``Model``."""

    def __init__(self, base: dict, paths: dict[str, str], designs: dict, seeds: list[int], outcomes: tuple[str, ...]):
        self.base = base
        self.paths = paths
        self.designs = designs
        self.seeds = seeds
        self.outcomes = outcomes

    def __call__(self, **parameters) -> dict:
        from sim.experiments.task import outcomes_of, run_model

        overrides = [(self.paths[name], value.item() if hasattr(value, "item") else value)
                     for name, value in parameters.items() if name in self.paths]
        values = {o: [] for o in self.outcomes}
        for seed in self.seeds:
            result = outcomes_of(run_model({"run_id": "ema", "scenario": self.base, "overrides": overrides, "seed": seed,
                                            "fund_designs": self.designs}))
            for o in self.outcomes:
                values[o].append(np.nan if result.get(o) is None else float(result[o]))
        return {o: float(np.nanmean(v)) for o, v in values.items()}


def ema_model(experiment: str, outcomes: tuple[str, ...] = DEFAULT_OUTCOMES, name: str = "areasim"):
    """An ``ema_workbench.Model`` built from an experiment file's uncertainties, levers and seeds."""
    from ema_workbench import CategoricalParameter, Constant, Model, RealParameter, ScalarOutcome

    exp = load_experiment(experiment)
    paths = {ema_name(x.path): x.path for x in [*exp.spec.uncertainties, *exp.spec.levers]}
    function = AreasimFunction(exp.scenario_data, paths, fund_designs_for(exp),
                               replication_seeds(exp.spec.seed, exp.spec.replications), outcomes)
    model = Model(name, function=function)
    model.uncertainties = [CategoricalParameter(ema_name(u.path), u.values) if u.values is not None
                           else RealParameter(ema_name(u.path), u.low, u.high) for u in exp.spec.uncertainties]
    model.levers = [CategoricalParameter(ema_name(lv.path), lv.values) for lv in exp.spec.levers
                    if len(lv.values) > 1]
    model.constants = [Constant(ema_name(lv.path), lv.values[0]) for lv in exp.spec.levers if len(lv.values) == 1]
    model.outcomes = [ScalarOutcome(o) for o in outcomes]
    return model


def ema_names(experiment: str) -> dict[str, str]:
    exp = load_experiment(experiment)
    return {ema_name(x.path): x.path for x in [*exp.spec.uncertainties, *exp.spec.levers]}


def prim_boxes(experiments, y, threshold: float = 0.8, peel_alpha: float = 0.1):
    """Run PRIM on EMA experiments (numeric uncertainty columns, cast to float) for a boolean ``y``."""
    from ema_workbench.analysis import prim

    x = experiments.drop(columns=[c for c in ("scenario", "policy", "model") if c in experiments.columns])
    x = x.select_dtypes(include=["number"]).astype(float)
    finder = prim.Prim(x, np.asarray(y, dtype=bool), peel_alpha=peel_alpha)
    box = finder.find_box()
    return finder, box
