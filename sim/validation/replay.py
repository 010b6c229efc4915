"""Run the historical replay and tabulate what happened per year (homes, deals, losses, failures)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiments.paths import apply_all
from sim.model import AreaModel
from sim.output.summary import area_delay_years
from sim.scenario import from_dict, read_toml
from sim.scenario.loader import DEFAULT_SCENARIO

REPLAY = DEFAULT_SCENARIO.with_name("replay_2005.toml")


def yearly(model: AreaModel) -> pd.DataFrame:
    """Per calendar year: starts, completions, sales, deals signed and broken, exits (JV partners: all, and those
    by choice), provisions (of which write-downs after adoption), failures."""
    n = model.spec.horizon_years
    start = model.spec.start_year
    table = {k: np.zeros(n) for k in ("starts", "completions", "sales", "deals_signed", "deals_failed",
                                      "developer_exits", "jv_partner_exits", "jv_exits_by_choice", "provisions_added", "write_downs",
                                      "developer_failures", "phases_abandoned")}
    for p in model.phases:
        if p.construction_start is not None:
            table["starts"][min(n - 1, int(p.construction_start // 4))] += p.total_homes
        if p.completion is not None:
            table["completions"][min(n - 1, int(p.completion // 4))] += p.total_homes
    sold = model.datacollector.model_vars["homes_sold"]
    for q, value in enumerate(sold):
        table["sales"][min(n - 1, q // 4)] += value
    for e in model.events:
        y = min(n - 1, int(e["time"] // 4))
        kind = e["event"]
        if kind == "negotiation":
            table["deals_signed" if e["success"] else "deals_failed"][y] += 1
        elif kind == "developer_exit":
            table["developer_exits"][y] += 1
        elif kind in ("jv_partner_exit", "jv_exit"):  # forced (a call it cannot meet, its failure) or by choice
            table["jv_partner_exits"][y] += 1
            table["jv_exits_by_choice"][y] += kind == "jv_exit"
        elif kind == "provision":
            table["provisions_added"][y] += e["amount"]
            if e["basis"] == "write_down":  # a revaluation, not the plan deficit at the account's adoption
                table["write_downs"][y] += e["amount"]
        elif kind == "developer_failed":
            table["developer_failures"][y] += 1
        elif kind == "abandoned":
            table["phases_abandoned"][y] += 1
    frame = pd.DataFrame(table)
    frame.insert(0, "year", start + np.arange(n))
    return frame


def run_replay(seeds: list[int], overrides: dict | None = None) -> tuple[pd.DataFrame, list[AreaModel]]:
    """Run the replay for each seed (with optional parameter overrides); returns yearly rows and the models."""
    data = apply_all(read_toml(REPLAY), (overrides or {}).items())
    scenario = from_dict(data, str(REPLAY))
    frames, models = [], []
    for seed in seeds:
        model = AreaModel(scenario, seed=seed).run()
        frames.append(yearly(model).assign(seed=seed))
        models.append(model)
    return pd.concat(frames, ignore_index=True), models


def patterns(frame: pd.DataFrame, models: list[AreaModel]) -> dict:
    """The patterns compared with observations, from the replay (means over seeds)."""
    mean = frame.groupby("year").mean(numeric_only=True)
    starts = mean["starts"].rolling(2, min_periods=1).mean()  # two-year windows smooth lumpy phases
    pre = starts.loc[:2012]
    peak_year = int(pre.idxmax())
    trough = starts.loc[2012:2015].min()
    drop = 1 - trough / pre.max() if pre.max() > 0 else np.nan
    after = starts.loc[2014:]
    recovered = after[after >= 0.8 * pre.max()]
    costs = np.mean([sum(m.parties.municipality_of(a).realised(a)[0] for a in m.areas if a.coop.runs_grex)
                     for m in models])
    provisions = mean["provisions_added"].loc[:2014].sum()
    crisis_era = mean["write_downs"].loc[:2014].sum()
    write_downs_2009_13 = mean["write_downs"].loc[2009:2013].sum() / crisis_era if crisis_era > 0 else np.nan
    crisis_trouble = [any(e["event"] in ("developer_failed", "jv_partner_exit", "jv_exit") and 12 <= e["time"] < 40
                          for e in m.events) for m in models]  # 2008-2014
    delays = [area_delay_years(m) for m in models]
    delayed = np.mean([np.mean([not (v == v) or v > 0 for v in d.values()]) for d in delays])
    jv_areas = [(m, a) for m in models for a in m.areas if a.coop.name == "joint_venture"]
    jv_trouble = np.mean([a.state() != "done" or any(e["area"] == a.name and e["event"] in
                                                      ("jv_partner_exit", "jv_exit", "developer_exit") for e in m.events)
                          or any(e["area"] == a.name and e["event"] == "negotiation" and not e["success"]
                                 for e in m.events) for m, a in jv_areas]) if jv_areas else np.nan
    durations = [((max(p.completion for p in a.phases) - min(p.stage_since for p in a.phases[:1])) / 4)
                 for m in models for a in m.areas if all(p.completion is not None for p in a.phases)]
    build_out = [((max(p.completion for p in a.phases)) / 4 - a.spec.start_quarter / 4)
                 for m in models for a in m.areas if all(p.completion is not None for p in a.phases)]
    del durations
    return {
        "starts_peak_year": peak_year,
        "starts_drop": float(drop),
        "recovery_year": int(recovered.index[0]) if len(recovered) else None,
        "municipal_loss_share": float(provisions / (costs + provisions)) if costs > 0 else np.nan,
        "sales_trough_year": int(mean["sales"].loc[2009:2016].idxmin()),
        "write_downs_2009_13": float(write_downs_2009_13),
        "seeds_with_crisis_failure_or_exit": int(sum(crisis_trouble)),
        "share_areas_delayed": float(delayed),
        "jv_areas_in_trouble": float(jv_trouble),
        "build_out_years": float(np.median(build_out)) if build_out else np.nan,
    }
