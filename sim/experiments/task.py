"""One run as a pure function: ``(scenario data, overrides, fund design, seed) → results``.

Everything a worker needs travels in the task (plain dicts), so any executor works and a
worker needs only the installed package, not the experiment's files.
"""

from __future__ import annotations

import traceback

from sim.experiments.paths import apply_all
from sim.plain import plain

YEARLY = ("completed_total_social", "completed_total_mid_rent", "completed_total_free_rent",
          "completed_total_owner_occupied", "public_cash", "private_cash", "municipal_provisions",
          "phases_waiting", "phases_abandoned", "phases_waiting_ready", "unsold_stock")


def scenario_for(task: dict) -> dict:
    return apply_all(task["scenario"], task["overrides"])


def run_model(task: dict):
    """Build and run the model of a task; returns the finished model."""
    from sim.funds.design import FundDesign
    from sim.model import AreaModel
    from sim.scenario import from_dict

    scenario = from_dict(scenario_for(task), task.get("source", "<experiment>"))
    design = FundDesign.model_validate(task["fund_designs"][scenario.funds.design])
    return AreaModel(scenario, seed=task["seed"], fund_design=design,
                     collect=task.get("collect") or collect_for(task)).run()


def collect_for(task: dict) -> str:
    """What a run must record for what its task stores: the year-end series only if it stores them (the
    outcomes and the area and phase tables are read off the finished run)."""
    return "lean" if task.get("timeseries", True) else "none"


def outcomes_of(model) -> dict:
    """Scalar outcomes of a finished run (JSON/Parquet-clean)."""
    from sim.funds.metrics import fund_outcomes, private_investment
    from sim.output.summary import summarise

    values = {**summarise(model), **fund_outcomes(model), "private_investment": private_investment(model)}
    return {k: plain(v) for k, v in values.items()}


def execute(task: dict) -> dict:
    """Run one task and return its outcomes, yearly series, area and phase tables (plain lists)."""
    from sim.funds.metrics import phase_columns
    from sim.output.summary import area_delay_years

    model = run_model(task)
    scenario = model.spec
    out = {"run_id": task["run_id"], "outcomes": outcomes_of(model)}
    if task.get("timeseries", True):
        columns = model.datacollector.model_vars  # lists per reporter (no pandas)
        rows = [i for i, q in enumerate(columns["quarter"]) if q % 4 == 3]  # year ends
        regime = model.market.regime
        series = {"year": [int(columns["year"][i]) for i in rows],
                  "crash_quarters": [int((regime[q - 3:q + 1] == 2).sum())
                                     for q in (int(columns["quarter"][i]) for i in rows)]}
        for column in YEARLY:
            series[column] = [float(columns[column][i]) for i in rows]
        out["timeseries"] = series
    if task.get("areas", True):
        delays = area_delay_years(model)
        out["areas"] = {
            "area": [a.name for a in model.areas],
            "region": [scenario.regions[a.region_index].name for a in model.areas],
            "cooperation": [a.coop.name for a in model.areas],
            "state": [a.state() for a in model.areas],
            "homes_planned": [int(sum(p.total_homes for p in a.phases)) for a in model.areas],
            "homes_started": [int(sum(p.total_homes for p in a.phases if p.construction_start is not None))
                              for a in model.areas],
            "homes_completed": [int(sum(p.total_homes for p in a.phases if p.completion is not None))
                                for a in model.areas],
            "fund_paid": [float(sum(aw.paid for f in model.funds for aw in f.awards if aw.area is a))
                          for a in model.areas],
            "delay_years": [plain(delays[a.name]) for a in model.areas],
        }
        # per phase: starts, completions, fund money (sim.funds.metrics.phase_table, as plain columns)
        out["phases"] = {c: [plain(v) for v in values] for c, values in phase_columns(model).items()}
    return out


def safe_execute(task: dict) -> dict:
    """:func:`execute`, but an exception becomes a recorded failure instead of stopping the experiment."""
    try:
        return execute(task)
    except Exception as exc:  # noqa: BLE001 - any model error is recorded with its traceback
        return {"run_id": task["run_id"], "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}


def execute_group(group: dict) -> list[dict]:
    """Run the tasks of one future (same seed and uncertainties, different levers) one after another.

    A group is one call to a worker (one round trip for several runs); each result is what :func:`safe_execute`
    gives for the task alone. (Until the ninth performance session the runs of a group shared settled
    negotiations; since negotiations became cheap, keying them cost as much as the repeats saved, so that cache
    was removed: docs/performance.md.)
    """
    return [safe_execute(task) for task in group["tasks"]]
