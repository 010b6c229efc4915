"""Market economics of a home per region, segment and quarter (vectorised over the whole path).

Precomputed once per run as arrays of shape (regions, quarters, segments), so the
per-quarter loop only looks values up. Money in nominal € per home.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.area import FREE_RENT, MID_RENT, OWNER, SOCIAL
from sim.finance.land_value import (
    financing_cost,
    owner_occupied_land_value,
    rental_value,
)
from sim.market.generator import MarketPath
from sim.scenario.schema import REGIMES, Scenario


@dataclass(frozen=True)
class HomeEconomics:
    """Per-home economics over a market path.

    Attributes:
        sale_value: (R, T, 4) € the developer receives for a finished home, net of VAT: the buyer's
            price (owner-occupied) or the investor's value (rental) divided by 1 + VAT; 0 for social.
        construction_cost: (T, 4) € stichtingskosten per home: net of VAT for the market segments
            (developers reclaim the VAT on building), incl. VAT for social homes (housing
            associations rent VAT-exempt and cannot reclaim it).
        land_value: (R, T, 4) € residual land value per home (social: the policy land price).
        investor_yield: (T,) required gross initial yield, fraction/yr (bond + premium + the regime's extra).
    """

    sale_value: np.ndarray
    construction_cost: np.ndarray
    land_value: np.ndarray
    investor_yield: np.ndarray


def home_economics(scenario: Scenario, market: MarketPath) -> HomeEconomics:
    """Compute :class:`HomeEconomics` for every region, quarter and segment."""
    n_regions, n = market.price_index.shape
    area_m2 = np.asarray(scenario.segments.floor_area_m2)
    dev = scenario.actors.developers
    inv = scenario.actors.investors
    vat = 1.0 + dev.vat
    cost = scenario.segments.construction_cost_per_m2 * market.cost_index[:, None] * area_m2[None, :]  # (T, 4)
    cost[:, SOCIAL + 1:] /= vat  # VAT on building is reclaimed on the market segments
    build_years = scenario.lifecycle.construction_quarters[1] / 4
    dev_rate = market.bond_rate + dev.borrowing_spread
    finance = financing_cost(cost, dev_rate[:, None], build_years)  # (T, 4)
    extra = np.array([getattr(scenario.market.regimes, name).investor_premium_extra for name in REGIMES])
    investor_yield = np.maximum(market.bond_rate + inv.risk_premium + extra[market.regime], 0.01)
    years = np.arange(n) / 4
    cap = inv.mid_rent_cap * (1 + inv.mid_rent_cap_growth) ** years  # rent regulation, indexed with inflation

    sale = np.zeros((n_regions, n, 4))
    land = np.zeros((n_regions, n, 4))
    for r, region in enumerate(scenario.regions):
        price = region.owner_price_per_m2 * area_m2[OWNER] * market.price_index[r] / vat
        sale[r, :, OWNER] = price
        land[r, :, OWNER] = owner_occupied_land_value(price, cost[:, OWNER], dev.required_margin,
                                                      dev.sales_cost_share, finance[:, OWNER])
        for seg, rent in ((MID_RENT, region.mid_rent_per_month), (FREE_RENT, region.free_rent_per_month)):
            monthly = rent * market.rent_index[r]
            if seg == MID_RENT:  # rent regulation (Wet betaalbare huur): the cap follows inflation, not incomes
                monthly = np.minimum(monthly, cap)
            sale[r, :, seg] = rental_value(monthly, investor_yield) / vat
            land[r, :, seg] = sale[r, :, seg] * (1.0 - dev.rental_margin) - cost[:, seg] - finance[:, seg]
        land[r, :, SOCIAL] = region.social_land_price * market.cost_index  # policy price, indexed yearly
    return HomeEconomics(sale_value=sale, construction_cost=cost, land_value=land, investor_yield=investor_yield)


def phase_market_value(econ: HomeEconomics, phase, quarter: int) -> float:
    """Residual land value (€) of a phase's market (non-social) homes at the prices and costs of ``quarter``."""
    value = econ.land_value[phase.area.region_index, quarter]
    return float(np.dot(phase.homes[SOCIAL + 1:], value[SOCIAL + 1:]))
