"""The default programme over many futures without funds: do deficits persist and downturns bite?

Usage: python benchmarks/bench_economics.py [--futures 100] [--csv OUT]

Reports (the Economics issue's bars; there is no target to tune to):
- the public land-development result per home **at plan** (start-year prices and costs, the plan's
  cost estimates, land revenues at today's residual values) for the whole programme and for the
  Fakton reference case, against the sourced inner-city deficits (Fakton 2016: -€28,500/home; EIB
  2013: -€16,000/home);
- over N futures (seeds 1..N): median and 5-95 % of completion, areas abandoned, phase-quarters
  waiting on ready land (by reason), the share of phases more than a year behind their own plan,
  homes completed within 10 and 20 years, municipal results, developer failures, land share;
- the typical future: the seed whose outcomes lie nearest the medians (completion, areas
  abandoned, public cash, crash quarters; distance in ranks), used as the default scenario's seed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.area import build_areas  # noqa: E402
from sim.calibration import land_revenue_per_home, static_result_per_home  # noqa: E402
from sim.scenario import DEFAULT_SCENARIO, load_scenario  # noqa: E402
from tools.futures import run_futures  # noqa: E402

OUTCOMES = ["completion_share", "homes_completed", "areas_abandoned", "phases_abandoned",
            "phase_quarters_waiting", "phase_quarters_waiting_land_decision", "phase_quarters_waiting_no_deal", "phase_quarters_waiting_presales",
            "phase_quarters_waiting_land_value", "phase_quarters_waiting_housing_association",
            "phase_quarters_waiting_investor", "share_phases_behind", "mean_delay_years_censored",
            "homes_completed_10y", "homes_completed_20y", "public_cash_end", "municipal_provisions_end",
            "developers_failed", "unsold_stock_end", "land_share_end", "crash_quarters"]
TYPICAL_BY = ["completion_share", "areas_abandoned", "public_cash_end", "crash_quarters"]


def plan_result_per_home(scenario) -> float:
    """Public land-development result per planned home at plan (€/home), over the whole programme."""
    total, homes = 0.0, 0
    for area in build_areas(scenario, np.random.default_rng(0)):
        per_home = sum(sum(p.estimates.values()) for p in area.phases) / area.spec.homes
        revenue = land_revenue_per_home(scenario, scenario.regions[area.region_index].name, area.spec.programme)
        total += (revenue - per_home) * area.spec.homes
        homes += area.spec.homes
    return total / homes


def typical_seed(frame: pd.DataFrame, by: list[str] = TYPICAL_BY) -> int:
    """The seed whose outcomes are nearest the medians (sum of absolute rank distances)."""
    ranks = frame[by].rank(pct=True)
    distance = (ranks - 0.5).abs().sum(axis=1)
    return int(frame.loc[distance.idxmin(), "seed"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--futures", type=int, default=100)
    parser.add_argument("--csv")
    args = parser.parse_args()
    scenario = load_scenario(DEFAULT_SCENARIO)
    reference = next(a for a in scenario.archetypes if a.name == "complex_inner_city")
    print(f"public result per home at plan: reference case {static_result_per_home(scenario, reference, 'middle'):,.0f} "
          f"€/home (Fakton 2016: -28,500); whole programme {plan_result_per_home(scenario):,.0f} €/home "
          f"(EIB 2013: inner-city -16,000, Fakton 2016: -28,500)")
    frame = run_futures(DEFAULT_SCENARIO, range(1, args.futures + 1))
    if args.csv:
        frame.to_csv(args.csv, index=False)
    q = frame[OUTCOMES].astype(float).quantile([0.05, 0.5, 0.95]).T
    q.columns = ["p5", "median", "p95"]
    with pd.option_context("display.float_format", "{:,.2f}".format, "display.width", 160):
        print(f"\n{len(frame)} futures of {scenario.name}, no fund")
        print(q)
    print(f"\nfutures with at least one abandoned area: {(frame.areas_abandoned > 0).mean():.0%}; "
          f"with a developer failure: {(frame.developers_failed > 0).mean():.0%}; "
          f"public cash per planned home at the end: median {frame.public_cash_end.median() / frame.homes_planned.iloc[0]:,.0f} €")
    seed = typical_seed(frame)
    row = frame.set_index("seed").loc[seed]
    print(f"typical future: seed {seed} (completion {row.completion_share:.0%}, {row.areas_abandoned:.0f} areas "
          f"abandoned, public cash €{row.public_cash_end / 1e9:.2f}bn, {row.crash_quarters:.0f} crash quarters)")


if __name__ == "__main__":
    main()
