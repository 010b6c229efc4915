"""Calibration of archetype costs to the Fakton (2016) land-development deficit.

Procedure (docs/calibration.md): in a normal market (today's prices and costs, no
cycle), the static land-development result per home of the reference case — the
'complex_inner_city' archetype in the 'middle' region, programme 30 % social /
25 % mid-rent / 45 % owner-occupied, municipality owning 20 % of the land — should be
about −€28,500 (Fakton 2016, southern Randstad). :func:`calibrate_cost_scale` finds
the factor on all public-works items that hits this target (scipy ``brentq``);
the shipped scenario uses the scaled costs.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from sim.area import cost_items_per_home, with_overheads
from sim.finance.grex import static_result
from sim.market.generator import generate_path
from sim.scenario.schema import Archetype, Ownership, Programme, Scenario
from sim.valuation import home_economics

FAKTON_DEFICIT_PER_HOME = -28_500.0
"""€/home: average land-development result of complex inner-city transformation (Fakton 2016)."""
REFERENCE_PROGRAMME = Programme(social=0.30, mid_rent=0.25, free_rent=0.0, owner_occupied=0.45)
REFERENCE_OWNERSHIP = Ownership(municipality=0.2, developers=0.2, businesses=0.6)


def land_revenue_per_home(scenario: Scenario, region: str, programme: Programme) -> float:
    """€/home of land revenue at start-year prices: market segments floored at 0 together, plus social."""
    steady = scenario.market.model_copy(update={"mode": "steady", "shock": None})
    path = generate_path(steady, scenario.regions, 4, scenario.start_year, np.random.default_rng(0))
    econ = home_economics(scenario, path)
    r = [x.name for x in scenario.regions].index(region)
    values = econ.land_value[r, 0]
    shares = np.asarray(programme.shares())
    market = float(np.dot(shares[1:], values[1:]))
    return max(0.0, market) + shares[0] * values[0]


def static_result_per_home(scenario: Scenario, archetype: Archetype, region: str,
                           programme: Programme = REFERENCE_PROGRAMME,
                           ownership: Ownership = REFERENCE_OWNERSHIP, scale: float = 1.0) -> float:
    """Static land-development result (€/home) at start-year prices for one archetype."""
    items = {k: v * scale for k, v in cost_items_per_home(archetype, ownership.municipality).items()}
    costs = with_overheads(items, archetype)
    return static_result(costs, land_revenue_per_home(scenario, region, programme))


def calibrate_cost_scale(scenario: Scenario, archetype_name: str = "complex_inner_city",
                         region: str = "middle", target: float = FAKTON_DEFICIT_PER_HOME) -> float:
    """Factor on the archetype's cost items that makes its static result equal ``target`` (€/home)."""
    archetype = next(a for a in scenario.archetypes if a.name == archetype_name)
    return brentq(lambda s: static_result_per_home(scenario, archetype, region, scale=s) - target, 0.01, 20.0)
