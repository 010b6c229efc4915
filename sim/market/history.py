"""The observed Dutch market, 2005-2024, as quarterly series for the historical replay.

Annual figures (shipped in ``sim/data``, sources in ``sim/data/SOURCES.md``) are placed
at mid-year and interpolated log-linearly (indices) or linearly (rates) to quarters.
Each historical quarter is given the regime its year-on-year price growth implies
(see :func:`classify_regimes`), so absorption and spreads follow the same rules as in
stochastic mode.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

FIRST_YEAR = 2005
"""First replayable calendar year."""
LAST_YEAR = 2024
"""Last calendar year with observed house prices."""

CRASH_BELOW = -0.01
"""Year-on-year price growth (fraction) below which a historical quarter counts as 'crash'."""
SLOWDOWN_BELOW = 0.02
"""Year-on-year price growth (fraction) below which a historical quarter counts as 'slowdown'."""


def _read(name: str) -> list[dict[str, str]]:
    with resources.files("sim.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def annual_house_prices() -> dict[int, float]:
    """CBS price index of existing owner-occupied homes (2015 = 100) by year, where known."""
    return {int(r["year"]): float(r["house_price_index_2015eq100"])
            for r in _read("nl_market_annual.csv") if r["house_price_index_2015eq100"]}


@cache
def annual_construction_costs() -> dict[int, float]:
    """CBS output price index of new homes (2000 = 100) by year, where known."""
    return {int(r["year"]): float(r["construction_cost_index_2000eq100"])
            for r in _read("nl_market_annual.csv") if r["construction_cost_index_2000eq100"]}


@cache
def annual_rates() -> tuple[dict[int, float], dict[int, float]]:
    """(bond, mortgage) rates by year as fractions; mortgage only where observed."""
    bond, mortgage = {}, {}
    for r in _read("nl_bond_rates_annual.csv"):
        bond[int(r["year"])] = float(r["gov_bond_10y_pct"]) / 100
        if r["mortgage_10y_pct"]:
            mortgage[int(r["year"])] = float(r["mortgage_10y_pct"]) / 100
    return bond, mortgage


def _quarter_times(first_year: int, last_year: int) -> np.ndarray:
    """Mid-quarter times in years, e.g. 2005.125 for 2005 Q1."""
    n = 4 * (last_year - first_year + 1)
    return first_year + (np.arange(n) + 0.5) / 4


def _interp_log(points: dict[int, float], t: np.ndarray, trend: float) -> np.ndarray:
    """Log-linear interpolation of mid-year points; beyond the last point, grow at ``trend``/yr."""
    years = np.array(sorted(points), dtype=float)
    logs = np.log([points[int(y)] for y in years])
    mid = years + 0.5
    out = np.interp(t, mid, logs)
    after = t > mid[-1]
    out[after] = logs[-1] + np.log1p(trend) * (t[after] - mid[-1])
    before = t < mid[0]
    out[before] = logs[0] - np.log1p(trend) * (mid[0] - t[before])
    return np.exp(out)


def classify_regimes(price_index: np.ndarray) -> np.ndarray:
    """Regime index per quarter (0 expansion, 1 slowdown, 2 crash) from year-on-year growth."""
    yoy = np.empty_like(price_index)
    yoy[4:] = price_index[4:] / price_index[:-4] - 1
    yoy[:4] = (price_index[4] / price_index[0] - 1) if len(price_index) > 4 else 0.0
    return np.where(yoy < CRASH_BELOW, 2, np.where(yoy < SLOWDOWN_BELOW, 1, 0)).astype(np.int8)


@dataclass(frozen=True)
class HistoricalQuarters:
    """Observed quarterly series from ``start_year`` Q1 to 2024 Q4 (levels, not normalised)."""

    start_year: int
    house_price: np.ndarray  # index, 2015 = 100
    construction_cost: np.ndarray  # index, 2000 = 100
    bond_rate: np.ndarray  # fraction/yr
    mortgage_rate: np.ndarray  # fraction/yr
    regime: np.ndarray  # int8

    @property
    def n_quarters(self) -> int:
        return len(self.house_price)


def historical_quarters(start_year: int, cost_trend: float = 0.025) -> HistoricalQuarters:
    """Quarterly replay series from ``start_year`` to :data:`LAST_YEAR`.

    Args:
        start_year: first replayed year (2005..2024).
        cost_trend: growth (fraction/yr) used to extend construction costs past the last observation.
    """
    if not FIRST_YEAR <= start_year <= LAST_YEAR:
        raise ValueError(f"start_year must be in {FIRST_YEAR}..{LAST_YEAR}")
    t_all = _quarter_times(FIRST_YEAR - 1, LAST_YEAR)  # one year before, to classify the first year
    prices = _interp_log(annual_house_prices(), t_all, 0.03)
    regimes = classify_regimes(prices)
    keep = slice(4 * (start_year - FIRST_YEAR + 1), None)
    t = t_all[keep]
    costs = _interp_log(annual_construction_costs(), t, cost_trend)
    bond_pts, mort_pts = annual_rates()
    by = np.array(sorted(bond_pts), dtype=float)
    bond = np.interp(t, by + 0.5, [bond_pts[int(y)] for y in by])
    spread_years = np.array(sorted(mort_pts), dtype=float)
    spreads = [mort_pts[int(y)] - bond_pts[int(y)] for y in spread_years]
    mortgage = bond + np.interp(t, spread_years + 0.5, spreads)
    return HistoricalQuarters(start_year, prices[keep], costs, bond, mortgage, regimes[keep])
