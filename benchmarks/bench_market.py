"""The market economy over many futures: the bars of the Economics issue, measured.

Usage: python benchmarks/bench_market.py [--futures 1000] [--seed 2024]

Draws N 30-year futures of the default scenario's market (no agents) and reports:
- the land share of the new-build price (middle region, owner-occupied, residual land value /
  price net of VAT) at year 30: median, 5-95 %, and the share of futures inside the sourced band;
- long-run growth of prices, construction costs and their difference (fraction/yr), against the
  observed 2005-2024 CBS series shipped in sim/data;
- in downturn quarters (national price index falling year on year), the mean fall of new-build
  sales speed against the mean fall of prices (%), and the ratio;
- cycle statistics of 45-year paths against the Dutch targets (docs/market.md);
- 2022-style rate shocks: investors' forward-funding appetite in the year after a shock.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.area import OWNER  # noqa: E402
from sim.market import annual_average, generate_path, pooled_statistics  # noqa: E402
from sim.market.history import annual_construction_costs, annual_house_prices  # noqa: E402
from sim.scenario import DEFAULT_SCENARIO, load_scenario  # noqa: E402
from sim.valuation import home_economics  # noqa: E402

LAND_SHARE_BAND = (0.10, 0.50)
"""Sourced band of the land share of a new home's price net of VAT (docs/market.md, sources.md#land-share):
from 11.5 % (social new-build, Aedes 2022) to about 41 % ex VAT (NVB c.2004: €90,000 land in a €262,000
home incl. VAT) with room for tight cities."""


def observed_gap() -> tuple[float, float, float]:
    """(price growth, cost growth, difference) per year in the shipped CBS series, 2005-2022."""
    prices, costs = annual_house_prices(), annual_construction_costs()
    g_p = (prices[2022] / prices[2005]) ** (1 / 17) - 1
    g_c = (costs[2022] / costs[2005]) ** (1 / 17) - 1
    return g_p, g_c, g_p - g_c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--futures", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    scenario = load_scenario(DEFAULT_SCENARIO)
    rng = np.random.default_rng(args.seed)
    middle = [r.name for r in scenario.regions].index("middle")
    shares, g_price, g_cost, sales_falls, price_falls, appetite_after, long_paths = [], [], [], [], [], [], []
    n = scenario.n_quarters
    for _ in range(args.futures):
        market = generate_path(scenario.market, scenario.regions, 180, scenario.start_year, rng)
        long_paths.append(market.price_index[middle])
        short = _truncate(market, n)
        econ = home_economics(scenario, short)
        price_net = econ.sale_value[middle, :, OWNER]  # net of VAT
        shares.append(econ.land_value[middle, -1, OWNER] / price_net[-1])
        years = (n - 1) / 4
        g_price.append(short.price_index[middle, -1] ** (1 / years) - 1)
        g_cost.append(short.cost_index[-1] ** (1 / years) - 1)
        national = short.price_index[middle]
        yoy = national[4:] / national[:-4] - 1
        falling = np.flatnonzero(yoy < -0.01) + 4
        base = np.median(short.absorption_factor[middle, short.regime == 0]) if (short.regime == 0).any() else 1.0
        if len(falling):
            sales_falls.append(1 - short.absorption_factor[middle, falling].mean() / base)
            price_falls.append(-yoy[falling - 4].mean())
        rise = short.bond_rate[4:] - short.bond_rate[:-4]
        jumps = np.flatnonzero(rise > 0.02)  # a 2022-style shock: bond rate up > 2 pt within a year
        if len(jumps):
            appetite_after.append(short.investor_appetite[jumps[0] + 4])
    shares = np.array(shares)
    inside = np.mean((shares >= LAND_SHARE_BAND[0]) & (shares <= LAND_SHARE_BAND[1]))
    obs_p, obs_c, obs_gap = observed_gap()
    gap = np.array(g_price) - np.array(g_cost)
    print(f"{args.futures} futures of {scenario.name}, 30 years")
    print(f"land share of the new-build price at year 30 (middle region): median {np.median(shares):.1%}, "
          f"5-95 % {np.quantile(shares, 0.05):.1%}-{np.quantile(shares, 0.95):.1%}; "
          f"inside the band {LAND_SHARE_BAND[0]:.0%}-{LAND_SHARE_BAND[1]:.0%} in {inside:.1%} of futures")
    print(f"growth: prices {np.median(g_price):.2%}/yr, costs {np.median(g_cost):.2%}/yr, "
          f"difference median {np.median(gap):.2%}/yr (5-95 % {np.quantile(gap, 0.05):.2%} to "
          f"{np.quantile(gap, 0.95):.2%}); observed 2005-2022: prices {obs_p:.2%}, costs {obs_c:.2%}, "
          f"difference {obs_gap:.2%}/yr")
    if sales_falls:
        s, p = np.mean(sales_falls), np.mean(price_falls)
        print(f"downturn quarters ({len(sales_falls)} futures with one): sales speed {-s:.0%} vs prices "
              f"{-p:.1%} year on year: sales fall {s / p:.1f} x more (observed 2008-2013: -66 % vs -19 %, 3.5 x)")
    if appetite_after:
        print(f"2022-style rate shocks (bond rate up > 2 pt within a year; {len(appetite_after)} futures): "
              f"investors' forward-funding appetite median {np.median(appetite_after):.2f} of normal "
              f"(observed Q1 2023 vs Q1 2022: 1,609 / 3,770 = 0.43)")
    stats = pooled_statistics(annual_average(np.array(long_paths)))
    print(f"cycle statistics (45-year paths): growth {stats.growth:.2%}/yr, sd of yearly change "
          f"{stats.volatility:.1%}, downturns per 45 years {stats.downturns_per_45y:.1f}, mean depth "
          f"{stats.mean_depth:.0%}, mean years peak to trough {stats.mean_duration:.1f}")


def _truncate(market, n: int):
    """The first ``n`` quarters of a path (the same future, shorter)."""
    from dataclasses import fields, replace

    cut = {f.name: (getattr(market, f.name)[..., :n] if isinstance(getattr(market, f.name), np.ndarray)
                    else getattr(market, f.name)) for f in fields(market)}
    return replace(market, **cut)


if __name__ == "__main__":
    main()
