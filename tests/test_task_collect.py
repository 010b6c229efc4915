"""A run records only what its task stores, and that changes none of what it stores.

Experiment runs that store outcomes only (``[outputs] timeseries = false``, e.g. a Sobol study) run with
``collect="none"``: the outcomes and the area and phase tables are read off the finished run, never off
the recorded series.
The runs of a group (one call to a worker) give each what it gives alone.
"""

from __future__ import annotations

import copy

import pytest

from sim.experiments.task import collect_for, execute, execute_group
from sim.funds.design import load_design
from sim.model import AreaModel
from sim.scenario import from_dict


def a_task(default_dict: dict, seed: int, timeseries: bool, design: str = "none") -> dict:
    data = copy.deepcopy(default_dict)
    data["horizon_years"] = 12
    return {"run_id": f"r{seed}", "scenario": data, "overrides": [("funds.design", design)], "seed": seed,
            "fund_designs": {design: load_design(design).model_dump()}, "timeseries": timeseries, "areas": True}


def test_a_task_records_the_series_only_if_it_stores_them(default_dict):
    assert collect_for(a_task(default_dict, 1, timeseries=True)) == "lean"
    assert collect_for(a_task(default_dict, 1, timeseries=False)) == "none"


@pytest.mark.parametrize(("seed", "design"), [(1, "none"), (2, "woningbouwimpuls"), (3, "land_bank")])
def test_outcomes_and_tables_are_the_same_without_the_series(default_dict, seed, design):
    with_series = execute(a_task(default_dict, seed, timeseries=True, design=design))
    without = execute(a_task(default_dict, seed, timeseries=False, design=design))
    assert "timeseries" in with_series and "timeseries" not in without
    for part in ("outcomes", "areas", "phases"):
        assert repr(without[part]) == repr(with_series[part]), f"{part} moved without the series (seed {seed})"


def test_collect_none_records_nothing(default_dict):
    model = AreaModel(from_dict(a_task(default_dict, 1, False)["scenario"]), seed=1, collect="none").run()
    assert all(len(v) == 0 for v in model.datacollector.model_vars.values())
    assert not model.datacollector.tables["areas"]["area"]


def test_the_runs_of_a_group_give_what_each_gives_alone(default_dict):
    """A group is one call to a worker, nothing shared: the paired runs of one future (the no-fund baseline and a
    fund design) give byte for byte the results each task gives on its own."""
    two = [a_task(default_dict, 4, timeseries=False, design=d) for d in ("none", "woningbouwimpuls")]
    grouped = execute_group({"tasks": two})
    assert [repr(result) for result in grouped] == [repr(execute(task)) for task in two]
    assert grouped[0]["outcomes"] != grouped[1]["outcomes"]  # the fund changed this future
