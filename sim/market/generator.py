"""Quarterly market paths per region: house prices from borrowing capacity, costs, rates, sales speed.

One national regime chain (expansion / slowdown / crash, a Markov chain with a quarter as
step) moves credit conditions and sentiment, mortgage spreads, income growth, contractors'
margins and investors' risk premium. Prices follow **fundamentals**: households' borrowing
capacity under Dutch lending norms (income × financing-cost share / annuity factor at the
mortgage rate, :mod:`sim.market.fundamentals`) times credit conditions, with error correction
toward that level and short-run momentum (as in DNB's and CPB's error-correction models).
Construction costs follow their own trend plus a tender margin that swings with the cycle and
reverts. The bond rate is a Vasicek process with occasional 2022-style rate shocks. New-build
**sales speed** (absorption) responds to price momentum, to prices above what borrowing
capacity supports and to rising mortgage rates, so it is far more cyclical than prices.
All random numbers are drawn up front, vectorised, from the generator handed in, so a path is
a pure function of (settings, generator state).

Indices are normalised to 1.0 in the first quarter; multiply by the region's start-year price
or rent to get euros. Equations and calibration: docs/market.md.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from sim.market.fundamentals import log_capacity_per_income
from sim.market.history import historical_quarters
from sim.scenario.schema import REGIMES, Market, Region

EXPANSION, SLOWDOWN, CRASH = 0, 1, 2
ABSORPTION_NOISE = 0.1
"""sd of the quarterly log noise on sales speed (assumption)."""
ABSORPTION_RANGE = (0.05, 2.5)
"""Bounds of the sales-speed factor (multiples of the region's base absorption)."""
INVESTOR_APPETITE_PER_RATE = 30.0
"""Fall of investors' forward-funding appetite per unit rise of the bond rate over a year (log units):
+3 pt in 2022 → exp(-0.9) ≈ 0.4, as new-build rental purchases fell from 3,770 (Q1 2022) to 1,609
(Q1 2023) (Capital Value, sources.md#capital-value)."""
SHOCK_QUARTERS = 4
"""A rate shock raises the bond rate over this many quarters."""


@dataclass(frozen=True)
class MarketPath:
    """A market future: arrays over quarters ``t = 0 .. n-1`` (and regions ``r``).

    Attributes:
        start_year: calendar year of quarter 0.
        regime: (n,) int8, 0 expansion, 1 slowdown, 2 crash.
        price_index: (R, n) owner-occupied price index per region, 1.0 at t = 0.
        cost_index: (n,) construction-cost index (tender prices), 1.0 at t = 0.
        rent_index: (R, n) market-rent index per region, 1.0 at t = 0 (follows incomes).
        bond_rate: (n,) 10-year government bond rate, fraction/yr.
        mortgage_rate: (n,) mortgage rate, fraction/yr.
        absorption_factor: (R, n) new-build sales speed relative to the region's base.
        income_index: (n,) households' nominal income, 1.0 at t = 0.
        fundamental_index: (n,) the price level borrowing capacity and credit conditions support (national).
        investor_appetite: (n,) investors' forward-funding appetite (1 = normal; falls when yields jump).
        credit_index: (n,) credit conditions and sentiment (1 = normal; below 1 when banks tighten).
        historical_quarters: how many leading quarters are observed history (0 if none).
    """

    start_year: int
    regime: np.ndarray
    price_index: np.ndarray
    cost_index: np.ndarray
    rent_index: np.ndarray
    bond_rate: np.ndarray
    mortgage_rate: np.ndarray
    absorption_factor: np.ndarray
    income_index: np.ndarray
    fundamental_index: np.ndarray
    investor_appetite: np.ndarray
    credit_index: np.ndarray
    historical_quarters: int = 0

    @property
    def n_quarters(self) -> int:
        return len(self.regime)

    def year(self, t: int) -> float:
        """Calendar time (years) at the start of quarter ``t``."""
        return self.start_year + t / 4


def transition_matrix(settings: Market) -> np.ndarray:
    """Quarterly regime transition matrix P[i, j] from mean durations and exit weights."""
    p = np.zeros((3, 3))
    for i, name in enumerate(REGIMES):
        regime = getattr(settings.regimes, name)
        leave = 1.0 / regime.mean_duration_quarters
        p[i, i] = 1.0 - leave
        for target, weight in regime.next.items():
            p[i, REGIMES.index(target)] += leave * weight
    return p


def regime_chain(p: np.ndarray, first: int, uniforms: np.ndarray) -> np.ndarray:
    """Walk the Markov chain given one uniform draw per quarter (first quarter fixed).

    The next state is the number of cumulative probabilities of the row at or below the draw
    (``np.searchsorted(cum[state], u, side="right")``), found with ``bisect_right`` on the rows as Python
    floats (the same doubles: ``np.cumsum`` adds in order; the rows are sorted). Guarded in tests/test_market_fastpath.py.
    """
    cum = np.cumsum(p, axis=1).tolist()
    states = []
    state = first
    for t, u in enumerate(uniforms.tolist()):
        if t:
            state = bisect_right(cum[state], u)
            if state > 2:
                state = 2
        states.append(state)
    return np.array(states, dtype=np.int8)


def _regime_arrays(settings: Market) -> dict[str, np.ndarray]:
    rs = [getattr(settings.regimes, name) for name in REGIMES]
    return {
        "credit": np.array([r.price_growth for r in rs]),
        "vol": np.array([r.price_volatility for r in rs]),
        "absorption": np.array([r.absorption for r in rs]),
        "cost_extra": np.array([r.cost_growth_extra for r in rs]),
        "spread_extra": np.array([r.mortgage_spread_extra for r in rs]),
        "income_extra": np.array([r.income_growth_extra for r in rs]),
    }


def _lag(x: np.ndarray, k: int) -> np.ndarray:
    """``x`` shifted ``k`` quarters back along the last axis (the first value repeated)."""
    out = np.empty_like(x)
    out[..., k:] = x[..., :-k]
    out[..., :k] = x[..., :1]
    return out


def generate_path(settings: Market, regions: list[Region], n_quarters: int, start_year: int,
                  rng: np.random.Generator) -> MarketPath:
    """Draw one market future.

    Args:
        settings: the scenario's ``[market]`` section.
        regions: the scenario's regions (growth premium per region).
        n_quarters: length of the path (quarters).
        start_year: calendar year of the first quarter.
        rng: the model's market stream; one child stream is spawned per series, so neither the
            mode nor the horizon shifts any draw (the first k quarters of a path are the same
            whatever the horizon).
    """
    n, n_regions = n_quarters, len(regions)
    dt = 0.25
    s_regime, s_price, s_region, s_cost, s_bond, s_absorb, s_income, s_shock = rng.spawn(8)
    u_regime = s_regime.random(n)
    z_price = s_price.standard_normal(n)
    z_region = s_region.standard_normal((n, n_regions)).T
    z_cost = s_cost.standard_normal(n)
    z_bond = s_bond.standard_normal(n)
    z_absorb = s_absorb.standard_normal((n, n_regions)).T
    z_income = s_income.standard_normal(n)
    u_shock = s_shock.random(n)

    ra = _regime_arrays(settings)
    premium = np.array([r.price_growth_premium for r in regions])[:, None]
    noisy = 0.0 if settings.mode == "steady" else 1.0

    hist_n, hist = 0, None
    if settings.mode == "historical":
        hist = historical_quarters(start_year, settings.construction_cost_growth)
        hist_n = min(hist.n_quarters, n)
        first = int(hist.regime[hist_n - 1])
    else:
        first = REGIMES.index(settings.initial_regime)
    if settings.mode == "steady":
        regime = np.zeros(n, dtype=np.int8)
    else:
        regime = regime_chain(transition_matrix(settings), first, u_regime)
    if hist_n:
        regime = np.concatenate([hist.regime[:hist_n], regime[: n - hist_n]]).astype(np.int8)
    shock = settings.shock
    q0 = q1 = n
    if shock is not None and 4 * shock.year < n:
        q0, q1 = 4 * shock.year, min(n, 4 * shock.year + shock.duration_quarters)
        regime[q0:q1] = CRASH

    # --- rates: Vasicek bond with rate shocks; mortgage = bond + spread (+ regime) -----------------
    k, theta, sigma = settings.bond_rate_reversion, settings.bond_rate_mean, settings.bond_rate_volatility
    jump = np.zeros(n)
    if settings.mode == "stochastic" or (settings.mode == "historical"):
        for t in np.flatnonzero(u_shock < settings.rate_shock_probability):
            if t >= max(hist_n, 1):
                jump[t:t + SHOCK_QUARTERS] += settings.rate_shock_size / SHOCK_QUARTERS
    # The quarterly recursions below run in Python floats on lists: the same IEEE operations in the same
    # order as on numpy's scalars (math.sqrt and np.sqrt are both correctly rounded), so the same doubles;
    # guarded against the numpy-scalar form in tests/test_market_fastpath.py.
    root_dt = math.sqrt(dt)
    regimes = regime.tolist()
    bonds = []
    r = settings.bond_rate_initial if not hist_n else hist.bond_rate.item(0)
    hist_bond = hist.bond_rate.tolist() if hist_n else None
    zb, jumps = z_bond.tolist(), jump.tolist()
    for t in range(n):
        if hist_n and t < hist_n:
            r = hist_bond[t]
        elif t:
            r = r + k * (theta - r) * dt + noisy * sigma * root_dt * zb[t] + jumps[t]
        bonds.append(r)
    bond = np.array(bonds, dtype=float)
    mortgage = bond + settings.mortgage_spread + ra["spread_extra"][regime]
    if hist_n:
        mortgage[:hist_n] = hist.mortgage_rate[:hist_n]

    # --- incomes and borrowing capacity ------------------------------------------------------------
    g_income = (settings.income_growth + ra["income_extra"][regime]) * dt \
        + noisy * settings.income_volatility * np.sqrt(dt) * z_income
    if settings.mode == "steady":
        g_income = np.full(n, np.log1p(settings.income_growth) * dt)
    g_income[0] = 0.0
    log_income = np.cumsum(g_income)
    capacity = log_capacity_per_income(mortgage, settings.lending_norm_slope)
    log_capacity = log_income + capacity - capacity[0]

    # --- prices: error correction toward capacity × credit conditions, with momentum --------------
    alpha, beta = settings.price_adjustment, settings.price_momentum
    keep = 1.0 - settings.credit_reversion * dt
    credit = [0.0] * n
    p = [0.0] * n
    step_prev = 0.0
    hp = np.log(hist.house_price[:hist_n] / hist.house_price[0]).tolist() if hist_n else None
    drop = float(np.log1p(-shock.price_drop) / shock.duration_quarters) if shock is not None else 0.0
    capacity_t, zp = log_capacity.tolist(), z_price.tolist()
    credit_growth, volatility = ra["credit"].tolist(), ra["vol"].tolist()
    for t in range(1, n):
        if hist_n and t < hist_n:  # observed: credit and sentiment are what the data imply
            p[t] = hp[t]
            credit[t] = p[t] - capacity_t[t]
            step_prev = p[t] - p[t - 1]
            continue
        if q0 <= t < q1:  # a forced crash is a credit crunch of the shock's size
            credit[t] = credit[t - 1] + drop
            p[t] = p[t - 1] + drop
            step_prev = drop
            continue
        credit[t] = keep * credit[t - 1] + noisy * credit_growth[regimes[t]] * dt
        fundamental = capacity_t[t - 1] + credit[t - 1]
        step = alpha * (fundamental - p[t - 1]) + beta * step_prev \
            + noisy * volatility[regimes[t]] * root_dt * zp[t]
        p[t] = p[t - 1] + step
        step_prev = step
    credit = np.array(credit, dtype=float)
    p = np.array(p, dtype=float)
    log_fundamental = log_capacity + credit
    g_region = premium * dt + noisy * settings.regional_volatility * np.sqrt(dt) * z_region
    g_region[:, 0] = 0.0
    if hist_n:
        g_region[:, :hist_n] = premium * dt
        g_region[:, 0] = 0.0
    log_price = p[None, :] + np.cumsum(g_region, axis=1)
    price_index = np.exp(log_price)

    # --- construction costs: input trend + a tender margin that swings with the cycle and reverts ---
    g_input = settings.construction_cost_growth * dt + noisy * settings.construction_cost_volatility \
        * np.sqrt(dt) * z_cost + settings.cost_income_link * (g_income - settings.income_growth * dt)
    g_input[0] = 0.0
    margins = [0.0] * n
    back = 1.0 - settings.tender_margin_reversion * dt
    cost_extra = ra["cost_extra"].tolist()
    for t in range(1, n):
        margins[t] = back * margins[t - 1] + noisy * cost_extra[regimes[t]] * dt
    margin = np.array(margins, dtype=float)
    log_cost = np.cumsum(g_input) + margin
    if hist_n:
        log_cost[:hist_n] = np.log(hist.construction_cost[:hist_n] / hist.construction_cost[0])
        log_cost[hist_n:] += log_cost[hist_n - 1] - (np.cumsum(g_input)[hist_n - 1] + margin[hist_n - 1])
    cost_index = np.exp(log_cost)
    rent_index = np.broadcast_to(np.exp(log_income), (n_regions, n)).copy()

    # --- new-build sales speed: sentiment × momentum × affordability × rates ----------------------
    momentum = log_price - _lag(log_price, 4)
    overvalued = log_price - (log_fundamental[None, :] + np.cumsum(premium * dt * np.ones((1, n)), axis=1))
    rate_rise = mortgage - _lag(mortgage, 4)
    log_absorption = (np.log(ra["absorption"][regime])[None, :] + settings.absorption_momentum * momentum
                      - settings.absorption_affordability * np.maximum(overvalued, 0.0)
                      - settings.absorption_rate * np.maximum(rate_rise, 0.0)[None, :]
                      + noisy * ABSORPTION_NOISE * z_absorb - noisy * ABSORPTION_NOISE ** 2 / 2)
    absorption = np.clip(np.exp(log_absorption), *ABSORPTION_RANGE)
    appetite = np.exp(-INVESTOR_APPETITE_PER_RATE * np.maximum(bond - _lag(bond, 4), 0.0))

    return MarketPath(start_year=start_year, regime=regime, price_index=price_index, cost_index=cost_index,
                      rent_index=rent_index, bond_rate=bond, mortgage_rate=mortgage,
                      absorption_factor=absorption, income_index=np.exp(log_income),
                      fundamental_index=np.exp(log_fundamental), investor_appetite=appetite,
                      credit_index=np.exp(credit),
                      historical_quarters=hist_n)
