"""Quarterly market paths per region: regime-switching housing cycles.

One national regime chain (expansion / slowdown / crash, a Markov chain with a
quarter as step) drives house-price growth, construction-cost growth, mortgage
spreads and new-build absorption; each region adds its own growth premium and
noise. The bond rate follows a mean-reverting (Vasicek) process. All random
numbers are drawn up front, vectorised, from the generator handed in, so a path
is a pure function of (settings, generator state).

Indices are normalised to 1.0 in the first quarter; multiply by the region's
start-year price or rent to get euros.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.market.history import historical_quarters
from sim.scenario.schema import REGIMES, Market, Region

EXPANSION, SLOWDOWN, CRASH = 0, 1, 2


@dataclass(frozen=True)
class MarketPath:
    """A market future: arrays over quarters ``t = 0 .. n-1`` (and regions ``r``).

    Attributes:
        start_year: calendar year of quarter 0.
        regime: (n,) int8, 0 expansion, 1 slowdown, 2 crash.
        price_index: (R, n) owner-occupied price index per region, 1.0 at t = 0.
        cost_index: (n,) construction-cost index, 1.0 at t = 0.
        rent_index: (R, n) market-rent index per region, 1.0 at t = 0.
        bond_rate: (n,) 10-year government bond rate, fraction/yr.
        mortgage_rate: (n,) mortgage rate, fraction/yr.
        absorption_factor: (R, n) new-build sales speed relative to the region's base.
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


def _regime_arrays(settings: Market) -> dict[str, np.ndarray]:
    rs = [getattr(settings.regimes, name) for name in REGIMES]
    return {
        "growth": np.array([r.price_growth for r in rs]),
        "vol": np.array([r.price_volatility for r in rs]),
        "absorption": np.array([r.absorption for r in rs]),
        "cost_extra": np.array([r.cost_growth_extra for r in rs]),
        "spread_extra": np.array([r.mortgage_spread_extra for r in rs]),
    }


def generate_path(settings: Market, regions: list[Region], n_quarters: int, start_year: int,
                  rng: np.random.Generator) -> MarketPath:
    """Draw one market future.

    Args:
        settings: the scenario's ``[market]`` section.
        regions: the scenario's regions (growth premium per region).
        n_quarters: length of the path (quarters).
        start_year: calendar year of the first quarter.
        rng: the model's market stream; six child streams are spawned from it (one per series),
            so neither the mode nor the horizon shifts any draw.
    """
    n, n_regions = n_quarters, len(regions)
    # --- all random draws: one child stream per series, drawn time-major, so the first k quarters
    # of a path are the same whatever the horizon (a 60-year run starts as the 30-year run) ---------
    s_regime, s_price, s_region, s_cost, s_bond, s_absorb = rng.spawn(6)
    u_regime = s_regime.random(n)
    z_price = s_price.standard_normal(n)
    z_region = s_region.standard_normal((n, n_regions)).T
    z_cost = s_cost.standard_normal(n)
    z_bond = s_bond.standard_normal(n)
    z_absorb = s_absorb.standard_normal((n, n_regions)).T

    ra = _regime_arrays(settings)
    premium = np.array([r.price_growth_premium for r in regions])[:, None]
    dt = 0.25

    hist_n = 0
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

    if settings.mode == "historical":
        regime = np.concatenate([hist.regime[:hist_n], regime[: n - hist_n]]).astype(np.int8)

    # --- quarterly log growth -------------------------------------------------------------
    noise_scale = 0.0 if settings.mode == "steady" else 1.0
    g_nat = ra["growth"][regime] * dt + noise_scale * ra["vol"][regime] * np.sqrt(dt) * z_price
    g_cost = (settings.construction_cost_growth + ra["cost_extra"][regime]) * dt \
        + noise_scale * settings.construction_cost_volatility * np.sqrt(dt) * z_cost
    if settings.mode == "steady":
        g_nat = np.full(n, np.log1p(0.03) * dt)  # 3 %/yr trend (assumption, documented in docs/market.md)

    if settings.shock is not None:
        s = settings.shock
        q0 = 4 * s.year
        q1 = min(n, q0 + s.duration_quarters)
        if q0 < n:
            g_nat[q0:q1] = np.log1p(-s.price_drop) / s.duration_quarters
            g_cost[q0:q1] = (settings.construction_cost_growth + ra["cost_extra"][CRASH]) * dt
            regime[q0:q1] = CRASH

    if settings.mode == "historical" and hist_n:
        hp = np.log(hist.house_price[:hist_n])
        hc = np.log(hist.construction_cost[:hist_n])
        g_nat[1:hist_n] = np.diff(hp)
        g_cost[1:hist_n] = np.diff(hc)

    g_nat[0] = 0.0
    g_cost[0] = 0.0
    g_region = g_nat[None, :] + premium * dt + noise_scale * settings.regional_volatility * np.sqrt(dt) * z_region
    g_region[:, 0] = 0.0
    if settings.mode == "historical" and hist_n:
        g_region[:, :hist_n] = g_nat[None, :hist_n] + premium * dt

    price_index = np.exp(np.cumsum(g_region, axis=1))
    cost_index = np.exp(np.cumsum(g_cost))
    rent_step = np.full(n, np.log1p(settings.rent_growth) * dt)
    rent_step[0] = 0.0
    rent_index = np.broadcast_to(np.exp(np.cumsum(rent_step)), (n_regions, n)).copy()

    # --- rates ----------------------------------------------------------------------------
    bond = np.empty(n)
    r = settings.bond_rate_initial
    k, theta, sigma = settings.bond_rate_reversion, settings.bond_rate_mean, settings.bond_rate_volatility
    for t in range(n):
        if t:
            r = r + k * (theta - r) * dt + noise_scale * sigma * np.sqrt(dt) * z_bond[t]
        bond[t] = r
    mortgage = bond + settings.mortgage_spread + ra["spread_extra"][regime]
    if settings.mode == "historical" and hist_n:
        bond[:hist_n] = hist.bond_rate[:hist_n]
        # continue the Vasicek walk from the last observed rate
        r = bond[hist_n - 1]
        for t in range(hist_n, n):
            r = r + k * (theta - r) * dt + sigma * np.sqrt(dt) * z_bond[t]
            bond[t] = r
        mortgage = bond + settings.mortgage_spread + ra["spread_extra"][regime]
        mortgage[:hist_n] = hist.mortgage_rate[:hist_n]

    absorption = ra["absorption"][regime][None, :] * np.exp(noise_scale * 0.1 * z_absorb - noise_scale * 0.005)

    return MarketPath(start_year=start_year, regime=regime, price_index=price_index, cost_index=cost_index,
                      rent_index=rent_index, bond_rate=bond, mortgage_rate=mortgage,
                      absorption_factor=absorption, historical_quarters=hist_n)
