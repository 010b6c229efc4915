"""Guard: the market generator's quarterly recursions in Python floats give the numpy-scalar form's paths bit for bit.

``generate_path`` and ``regime_chain`` walk their recursions (bond rate, credit and prices, tender margin, the
regime chain) on lists of Python floats (docs/performance.md); the plain forms below are the code as first
written. Every series of the path must be equal (``np.array_equal`` on the same dtype) for every mode, with and
without a forced shock, for many seeds and horizons.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.market.fundamentals import log_capacity_per_income
from sim.market.generator import (
    ABSORPTION_NOISE,
    ABSORPTION_RANGE,
    CRASH,
    INVESTOR_APPETITE_PER_RATE,
    SHOCK_QUARTERS,
    MarketPath,
    _lag,
    _regime_arrays,
    generate_path,
    regime_chain,
    transition_matrix,
)
from sim.market.history import historical_quarters
from sim.scenario import DEFAULT_SCENARIO, load_scenario
from sim.scenario.schema import REGIMES, Market, Region, Shock


def plain_regime_chain(p: np.ndarray, first: int, uniforms: np.ndarray) -> np.ndarray:
    """Walk the Markov chain given one uniform draw per quarter (first quarter fixed)."""
    cum = np.cumsum(p, axis=1)
    out = np.empty(len(uniforms), dtype=np.int8)
    state = first
    for t, u in enumerate(uniforms):
        if t:
            state = int(np.searchsorted(cum[state], u, side="right"))
            state = min(state, 2)
        out[t] = state
    return out



def plain_generate_path(settings: Market, regions: list[Region], n_quarters: int, start_year: int,
                  rng: np.random.Generator) -> MarketPath:
    """``generate_path`` as first written: the quarterly recursions on numpy scalars."""
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
        regime = plain_regime_chain(transition_matrix(settings), first, u_regime)
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
    bond = np.empty(n)
    r = settings.bond_rate_initial if not hist_n else hist.bond_rate[0]
    for t in range(n):
        if hist_n and t < hist_n:
            r = hist.bond_rate[t]
        elif t:
            r = r + k * (theta - r) * dt + noisy * sigma * np.sqrt(dt) * z_bond[t] + jump[t]
        bond[t] = r
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
    credit = np.zeros(n)
    p = np.zeros(n)
    step_prev = 0.0
    hp = np.log(hist.house_price[:hist_n] / hist.house_price[0]) if hist_n else None
    drop = np.log1p(-shock.price_drop) / shock.duration_quarters if shock is not None else 0.0
    for t in range(1, n):
        if hist_n and t < hist_n:  # observed: credit and sentiment are what the data imply
            p[t] = hp[t]
            credit[t] = p[t] - log_capacity[t]
            step_prev = p[t] - p[t - 1]
            continue
        if q0 <= t < q1:  # a forced crash is a credit crunch of the shock's size
            credit[t] = credit[t - 1] + drop
            p[t] = p[t - 1] + drop
            step_prev = drop
            continue
        credit[t] = keep * credit[t - 1] + noisy * ra["credit"][regime[t]] * dt
        fundamental = log_capacity[t - 1] + credit[t - 1]
        step = alpha * (fundamental - p[t - 1]) + beta * step_prev \
            + noisy * ra["vol"][regime[t]] * np.sqrt(dt) * z_price[t]
        p[t] = p[t - 1] + step
        step_prev = step
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
    margin = np.zeros(n)
    back = 1.0 - settings.tender_margin_reversion * dt
    for t in range(1, n):
        margin[t] = back * margin[t - 1] + noisy * ra["cost_extra"][regime[t]] * dt
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


def test_regime_chain_equals_searchsorted_on_random_matrices():
    """Random stochastic matrices (with zero entries and draws on the cumulative edges) and every first state."""
    rng = np.random.default_rng(17)
    for i in range(400):
        p = rng.random((3, 3)) * (rng.random((3, 3)) > 0.2)
        p[p.sum(axis=1) == 0, 0] = 1.0
        p = p / p.sum(axis=1, keepdims=True)
        u = rng.random(int(rng.integers(0, 130)))
        if i % 3 == 0 and len(u) > 3:  # draws exactly on a cumulative probability (side="right" matters)
            u[1:4] = np.cumsum(p, axis=1)[rng.integers(0, 3), :3]
        first = int(rng.integers(0, 3))
        got, want = regime_chain(p, first, u), plain_regime_chain(p, first, u)
        assert got.dtype == want.dtype == np.int8 and np.array_equal(got, want)


def _variants():
    base = load_scenario(DEFAULT_SCENARIO)
    out = []
    for mode in ("stochastic", "historical", "steady"):
        for shock in (None, {"year": 3, "duration_quarters": 5, "price_drop": 0.2}):
            market = base.market.model_copy(update={"mode": mode})
            if shock is not None:
                market = market.model_copy(update={"shock": Shock(**shock)})
            out.append((f"{mode}-{'shock' if shock else 'none'}", market))
    return base, out


@pytest.mark.parametrize("variant", range(6))
def test_generate_path_equals_the_numpy_scalar_form(variant):
    base, variants = _variants()
    name, market = variants[variant]
    for seed in range(25):
        for n in (1, 5, 40, 120):
            for start in (2005, 2021, 2024):
                got = generate_path(market, base.regions, n, start, np.random.default_rng(seed))
                want = plain_generate_path(market, base.regions, n, start, np.random.default_rng(seed))
                for field in MarketPath.__dataclass_fields__:
                    a, b = getattr(got, field), getattr(want, field)
                    if isinstance(b, np.ndarray):
                        assert a.dtype == b.dtype and a.shape == b.shape, (name, field)
                        assert np.array_equal(a, b, equal_nan=True), (name, seed, n, field)
                    else:
                        assert a == b and type(a) is type(b), (name, field)
