"""Paired effects of fund designs, computed from an experiment's stored results only.

Each fund run is paired with the no-fund run of the same design point and replication (the
same future: same seed, same uncertainty values, same other levers). Money in €, homes as
counts, shares as fractions, time in months or years. The per-run channel metrics are those of
:mod:`sim.funds.metrics` (same functions), computed from the stored outcomes, yearly series and
phase table.

Per design and metric: the median over futures with the 5-95 % range of futures, a bootstrap
interval on the median (:data:`BOOTSTRAP_RESAMPLES` resamples of the futures, fixed seed
:data:`BOOTSTRAP_SEED`: the same results give the same interval) and the share of futures in
which the design beats no fund on that channel. :func:`verdict` compares designs by dominance.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.funds.metrics import home_years_gained, phase_deadweight, timing_gains

DESIGN = "lever:funds.design"
BASELINE = "none"
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20251129
BOOTSTRAP_LEVEL = 0.95
FEW_FUTURES = 30
"""futures: below this many paired futures a table carries a warning (medians and shares are still rough)."""

COMPLETED = ["completed_total_social", "completed_total_mid_rent", "completed_total_free_rent",
             "completed_total_owner_occupied"]

# column: (label for policymakers, unit/format, better when: "more" / "less" / None = no direction)
METRICS = {
    "additional_homes": ("Extra homes completed", "homes", "more"),
    "additional_affordable_homes": ("Extra affordable homes (social + mid-rent)", "homes", "more"),
    "home_years_gained": ("Home-years gained (homes × years earlier)", "home-years", "more"),
    "months_gained_first_start": ("Months gained to an area's first start", "months", "more"),
    "months_gained_completion": ("Months gained to an area's completion", "months", "more"),
    "affordable_share_change": ("Change in affordable share (points)", "points", "more"),
    "fund_paid": ("Paid out by the funds", "money", None),
    "fund_returned": ("Money back to the funds", "money", None),
    "net_public_cost": ("Net public cost (− = money back)", "money", "less"),
    "held_by_funds": ("Public money still held by funds (not a cost)", "money", None),
    "fund_levies": ("…of which levies from municipalities", "money", None),
    "net_public_cost_per_additional_home": ("Net public cost per extra home", "euro", None),
    "deadweight_phase_share": ("Deadweight: funded phases that would have started within a year anyway",
                               "share", None),
    "deadweight_share": ("Deadweight: share of fund money to those phases", "share", None),
}
CHANNELS = [m for m, (_, _, better) in METRICS.items() if better is not None]
"""Metrics with a direction: the share of futures in which a design beats no fund is reported for these."""


def pair_keys(outcomes: pd.DataFrame) -> list[str]:
    """Columns that identify the same future and the same other choices."""
    others = [c for c in outcomes.columns if (c.startswith("lever:") and c != DESIGN) or c.startswith("uncertainty:")]
    return ["point", "replication", *others]


def paired_runs(outcomes: pd.DataFrame, areas: pd.DataFrame | None = None, phases: pd.DataFrame | None = None,
                series: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per fund run with its paired effects against the no-fund run of the same future."""
    if DESIGN not in outcomes or BASELINE not in set(outcomes[DESIGN]):
        raise ValueError("the experiment needs a 'funds.design' lever that includes 'none'")
    keys = pair_keys(outcomes)
    base = outcomes[outcomes[DESIGN] == BASELINE]
    treated = outcomes[outcomes[DESIGN] != BASELINE]
    merged = treated.merge(base, on=keys, suffixes=("", "_base"), how="inner")
    out = merged[["run_id", "run_id_base", DESIGN, *keys]].copy()
    affordable = merged["homes_completed_social"] + merged["homes_completed_mid_rent"]
    affordable_base = merged["homes_completed_social_base"] + merged["homes_completed_mid_rent_base"]
    out["homes_with_fund"] = merged["homes_completed"]
    out["homes_baseline"] = merged["homes_completed_base"]
    out["additional_homes"] = merged["homes_completed"] - merged["homes_completed_base"]
    out["additional_affordable_homes"] = affordable - affordable_base
    out["affordable_share"] = merged["affordable_share"]
    out["affordable_share_change"] = 100 * (merged["affordable_share"] - merged["affordable_share_base"])
    out["fund_budget"] = merged["fund_budget"]
    out["fund_paid"] = merged["fund_paid"]
    out["fund_returned"] = merged["fund_returned"]
    out["fund_levies"] = merged["fund_levies"]
    out["held_by_funds"] = (merged["fund_held"] if "fund_held" in merged else
                            merged["fund_budget"] + merged["fund_returned"] + merged["fund_levies"] - merged["fund_paid"])
    out["municipal_cash_change"] = merged["public_cash_end"] - merged["public_cash_end_base"]
    out["municipal_result_change"] = out["municipal_cash_change"] + merged["fund_levies"]  # levies moved, not lost
    out["net_public_cost"] = merged["fund_paid"] - merged["fund_returned"] - out["municipal_result_change"]
    positive = out["additional_homes"].where(out["additional_homes"] > 0)
    out["net_public_cost_per_additional_home"] = out["net_public_cost"] / positive
    out["private_per_public_euro"] = ((merged["private_investment"] - merged["private_investment_base"])
                                      / merged["fund_paid"].where(merged["fund_paid"] > 0))
    out["crash_quarters"] = merged["crash_quarters_base"]
    out["fund_exhausted_year"] = merged["fund_exhausted_year"]
    out = with_series_effects(out, series)
    out = with_phase_effects(out, phases)
    return with_area_effects(out, areas).sort_values("run_id", ignore_index=True)


def with_series_effects(pairs: pd.DataFrame, series: pd.DataFrame | None) -> pd.DataFrame:
    """Home-years gained per pair, from the yearly cumulative completions (NaN without a yearly series)."""
    pairs = pairs.copy()
    if series is None or series.empty or not set(COMPLETED) <= set(series.columns):
        pairs["home_years_gained"] = np.nan
        return pairs
    homes = series.assign(homes=series[COMPLETED].sum(axis=1)).sort_values(["run_id", "year"])
    by_run = {run_id: group["homes"].to_numpy() for run_id, group in homes.groupby("run_id")}
    pairs["home_years_gained"] = [
        home_years_gained(by_run[b], by_run[t]) if t in by_run and b in by_run and len(by_run[t]) == len(by_run[b])
        else np.nan for t, b in zip(pairs["run_id"], pairs["run_id_base"], strict=True)]
    return pairs


PHASE_COLUMNS = ["months_gained_first_start", "months_gained_first_start_funded", "months_gained_completion",
                 "months_gained_completion_funded", "funded_phases", "deadweight_phases", "deadweight_phase_share",
                 "deadweight", "deadweight_share"]


def with_phase_effects(pairs: pd.DataFrame, phases: pd.DataFrame | None) -> pd.DataFrame:
    """Months gained and deadweight per funded phase for each pair (NaN without a phase table: older results)."""
    pairs = pairs.copy()
    if phases is None or phases.empty:
        for column in PHASE_COLUMNS:
            pairs[column] = np.nan
        return pairs
    by_run = {run_id: group for run_id, group in phases.groupby("run_id")}
    rows = []
    for run_id, base_id in zip(pairs["run_id"], pairs["run_id_base"], strict=True):
        t, b = by_run.get(run_id), by_run.get(base_id)
        rows.append({} if t is None or b is None else {**timing_gains(b, t), **phase_deadweight(b, t)})
    effects = pd.DataFrame(rows, index=pairs.index).reindex(columns=PHASE_COLUMNS)
    return pd.concat([pairs, effects], axis=1)


def area_effects(areas: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Mean change in completion time (years, − = sooner) of areas finished in both runs, per pair."""
    by_run = {run_id: group.set_index("area") for run_id, group in areas.groupby("run_id")}
    rows = []
    for run_id, base_id in zip(pairs["run_id"], pairs["run_id_base"], strict=True):
        t, b = by_run.get(run_id), by_run.get(base_id)
        if t is None or b is None:
            rows.append((run_id, base_id, np.nan))
            continue
        both = t["delay_years"].notna() & b["delay_years"].notna()
        change = float((t.loc[both, "delay_years"] - b.loc[both, "delay_years"]).mean()) if both.any() else np.nan
        rows.append((run_id, base_id, change))
    return pd.DataFrame(rows, columns=["run_id", "run_id_base", "completion_change_years"])


def with_area_effects(pairs: pd.DataFrame, areas: pd.DataFrame | None) -> pd.DataFrame:
    """Add the completion-time change (NaN without an areas table)."""
    if areas is None or areas.empty or "delay_years" not in areas:
        pairs = pairs.copy()
        pairs["completion_change_years"] = np.nan
        return pairs
    return pairs.merge(area_effects(areas, pairs), on=["run_id", "run_id_base"], how="left")


def bootstrap_median(values: np.ndarray, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED,
                     level: float = BOOTSTRAP_LEVEL) -> tuple[float, float]:
    """Percentile bootstrap interval of the median over futures (resampling futures with replacement)."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    medians = np.median(values[rng.integers(0, len(values), size=(resamples, len(values)))], axis=1)
    tail = (1 - level) / 2
    return float(np.quantile(medians, tail)), float(np.quantile(medians, 1 - tail))


def beats_share(values: np.ndarray, better: str | None) -> float:
    """Share of futures in which the design does strictly better than no fund on a channel (NaN without direction)."""
    if better is None or len(values) == 0:
        return math.nan
    return float(np.mean(values > 0 if better == "more" else values < 0))


def headline(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per design and metric: median, 5-95 % of futures, bootstrap interval on the median, share of futures that
    beat no fund, number of futures (long format)."""
    rows = []
    for design, group in pairs.groupby(DESIGN, sort=False):
        for metric, (label, unit, better) in METRICS.items():
            values = group[metric].dropna().to_numpy(dtype=float) if metric in group else np.array([])
            low, high = bootstrap_median(values)
            rows.append({"design": design, "metric": metric, "label": label, "unit": unit,
                         "median": float(np.median(values)) if len(values) else np.nan,
                         "median_low": low, "median_high": high,
                         "p05": float(np.quantile(values, 0.05)) if len(values) else np.nan,
                         "p95": float(np.quantile(values, 0.95)) if len(values) else np.nan,
                         "beats_no_fund": beats_share(values, better),
                         "futures": int(len(values))})
        total_extra = group["additional_homes"].sum()
        rows.append({"design": design, "metric": "pooled_cost_per_additional_home",
                     "label": "Net public cost per extra home, all futures pooled", "unit": "euro",
                     "median": float(group["net_public_cost"].sum() / total_extra) if total_extra > 0 else np.nan,
                     "median_low": np.nan, "median_high": np.nan, "p05": np.nan, "p95": np.nan,
                     "beats_no_fund": np.nan, "futures": int(len(group))})
    return pd.DataFrame(rows)


def medians(head: pd.DataFrame) -> pd.DataFrame:
    """Per design: median extra homes, extra affordable homes and net public cost (no fund = 0, 0, 0)."""
    wide = head.pivot(index="design", columns="metric", values="median")
    order = list(dict.fromkeys(head["design"]))
    return wide.reindex(order)[["additional_homes", "additional_affordable_homes", "net_public_cost"]].rename(
        columns={"additional_homes": "homes", "additional_affordable_homes": "affordable",
                 "net_public_cost": "cost"})


def dominates(a: pd.Series, b: pd.Series) -> bool:
    """``a`` dominates ``b``: at least as many homes and affordable homes, strictly more of one, for no more net
    public money (money back is a negative cost, so it counts as a gain)."""
    return bool(a["homes"] >= b["homes"] and a["affordable"] >= b["affordable"] and a["cost"] <= b["cost"]
                and (a["homes"] > b["homes"] or a["affordable"] > b["affordable"]))


def verdict(head: pd.DataFrame) -> dict:
    """Compare designs by dominance on their median futures.

    Returns ``beat``: designs that dominate no fund (more homes or affordable homes, no net public money
    spent), best first; ``best``: those of them no other design dominates; ``trade_offs``: designs with more
    homes or affordable homes that cost public money and that no design dominates (the efficient frontier);
    ``worse``: designs that no fund dominates (fewer or no more homes for public money); ``saves``: designs
    with exactly as many homes as no fund and money back; ``dominated_by``: design → the designs that
    dominate it.
    """
    table = medians(head).dropna()
    none = pd.Series({"homes": 0.0, "affordable": 0.0, "cost": 0.0})
    dominated_by = {d: [e for e in table.index if e != d and dominates(table.loc[e], table.loc[d])]
                    for d in table.index}
    beat = [d for d in table.index if dominates(table.loc[d], none)]
    beat.sort(key=lambda d: (-table.loc[d, "homes"], -table.loc[d, "affordable"], table.loc[d, "cost"]))
    best = [d for d in beat if not dominated_by[d]]
    gains = [d for d in table.index if (table.loc[d, "homes"] > 0 or table.loc[d, "affordable"] > 0)
             and d not in beat and not dominated_by[d]]
    gains.sort(key=lambda d: table.loc[d, "cost"])
    worse = [d for d in table.index if dominates(none, table.loc[d])
             or (table.loc[d, "homes"] <= 0 and table.loc[d, "affordable"] <= 0 and table.loc[d, "cost"] > 0)]
    saves = [d for d in table.index if table.loc[d, "homes"] == 0 and table.loc[d, "affordable"] == 0
             and table.loc[d, "cost"] < 0]
    saves.sort(key=lambda d: table.loc[d, "cost"])
    return {"table": table, "beat": beat, "best": best, "trade_offs": gains, "worse": worse, "saves": saves,
            "dominated_by": dominated_by}


def market_class(crash_quarters: pd.Series) -> pd.Series:
    """'boom' / 'normal' / 'crash' futures by terciles of quarters spent in the crash regime."""
    low, high = crash_quarters.quantile([1 / 3, 2 / 3])
    return pd.Series(np.where(crash_quarters <= low, "boom", np.where(crash_quarters >= high, "crash", "normal")),
                     index=crash_quarters.index)
