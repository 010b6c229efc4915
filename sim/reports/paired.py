"""Paired effects of fund designs, computed from an experiment's stored results only.

Each fund run is paired with the no-fund run of the same design point and replication (the
same future: same seed, same uncertainty values, same other levers). Money in €, homes as
counts, shares as fractions, time in years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DESIGN = "lever:funds.design"
BASELINE = "none"

METRICS = {
    # column: (label for policymakers, unit/format)
    "additional_homes": ("Extra homes completed (vs no fund)", "homes"),
    "additional_affordable_homes": ("…of which affordable (social + mid-rent)", "homes"),
    "affordable_share": ("Affordable share of all homes completed", "share"),
    "affordable_share_change": ("Change in affordable share (points)", "points"),
    "net_public_cost": ("Net public cost (fund + municipalities)", "money"),
    "net_public_cost_per_additional_home": ("Net public cost per extra home", "euro"),
    "private_per_public_euro": ("Private euros per public euro", "ratio"),
    "fund_returned": ("Money flowing back to the fund", "money"),
    "completion_change_years": ("Change in completion time (years; − = sooner)", "years"),
    "deadweight_share": ("Deadweight: share of fund money to areas that went anyway", "share"),
}


def pair_keys(outcomes: pd.DataFrame) -> list[str]:
    """Columns that identify the same future and the same other choices."""
    others = [c for c in outcomes.columns if (c.startswith("lever:") and c != DESIGN) or c.startswith("uncertainty:")]
    return ["point", "replication", *others]


def paired_runs(outcomes: pd.DataFrame, areas: pd.DataFrame | None = None) -> pd.DataFrame:
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
    out["fund_paid"] = merged["fund_paid"]
    out["fund_returned"] = merged["fund_returned"]
    fund_net = merged["fund_paid"] - merged["fund_returned"] - merged["fund_levies"]
    out["net_public_cost"] = fund_net - (merged["public_cash_end"] - merged["public_cash_end_base"])
    out["net_public_cost_per_additional_home"] = np.where(out["additional_homes"] > 0,
                                                          out["net_public_cost"] / out["additional_homes"].where(
                                                              out["additional_homes"] > 0), np.nan)
    out["private_per_public_euro"] = np.where(
        merged["fund_paid"] > 0,
        (merged["private_investment"] - merged["private_investment_base"]) / merged["fund_paid"].where(
            merged["fund_paid"] > 0), np.nan)
    out["crash_quarters"] = merged["crash_quarters_base"]
    out["fund_exhausted_year"] = merged["fund_exhausted_year"]
    return with_area_effects(out, areas).sort_values("run_id", ignore_index=True)


def area_effects(areas: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Completion-time change and deadweight for each (run_id, run_id_base) pair (from the areas table)."""
    by_run = {run_id: group.set_index("area") for run_id, group in areas.groupby("run_id")}
    rows = []
    for run_id, base_id in zip(pairs["run_id"], pairs["run_id_base"], strict=True):
        t, b = by_run.get(run_id), by_run.get(base_id)
        if t is None or b is None:
            rows.append((run_id, base_id, np.nan, np.nan))
            continue
        both = t["delay_years"].notna() & b["delay_years"].notna()
        change = float((t.loc[both, "delay_years"] - b.loc[both, "delay_years"]).mean()) if both.any() else np.nan
        paid = t["fund_paid"].sum()
        dead = t.loc[t["homes_started"] <= b["homes_started"], "fund_paid"].sum()
        rows.append((run_id, base_id, change, dead / paid if paid > 0 else np.nan))
    return pd.DataFrame(rows, columns=["run_id", "run_id_base", "completion_change_years", "deadweight_share"])


def with_area_effects(pairs: pd.DataFrame, areas: pd.DataFrame | None) -> pd.DataFrame:
    """Add completion-time change and deadweight share (NaN without an areas table)."""
    if areas is None or areas.empty or "fund_paid" not in areas:
        pairs = pairs.copy()
        pairs["completion_change_years"] = np.nan
        pairs["deadweight_share"] = np.nan
        return pairs
    return pairs.merge(area_effects(areas, pairs), on=["run_id", "run_id_base"], how="left")


def headline(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per design: median and 5-95 % interval over futures of every metric (long format)."""
    rows = []
    for design, group in pairs.groupby(DESIGN, sort=False):
        for metric, (label, unit) in METRICS.items():
            values = group[metric].dropna().to_numpy(dtype=float)
            rows.append({"design": design, "metric": metric, "label": label, "unit": unit,
                         "median": float(np.median(values)) if len(values) else np.nan,
                         "p05": float(np.quantile(values, 0.05)) if len(values) else np.nan,
                         "p95": float(np.quantile(values, 0.95)) if len(values) else np.nan,
                         "futures": int(len(values))})
        total_extra = group["additional_homes"].sum()
        rows.append({"design": design, "metric": "pooled_cost_per_additional_home",
                     "label": "Net public cost per extra home, all futures pooled", "unit": "euro",
                     "median": float(group["net_public_cost"].sum() / total_extra) if total_extra > 0 else np.nan,
                     "p05": np.nan, "p95": np.nan, "futures": int(len(group))})
    return pd.DataFrame(rows)


def market_class(crash_quarters: pd.Series) -> pd.Series:
    """'boom' / 'normal' / 'crash' futures by terciles of quarters spent in the crash regime."""
    low, high = crash_quarters.quantile([1 / 3, 2 / 3])
    return pd.Series(np.where(crash_quarters <= low, "boom", np.where(crash_quarters >= high, "crash", "normal")),
                     index=crash_quarters.index)
