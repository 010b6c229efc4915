"""No dead parameters: every scenario parameter moves at least one output (Decisions issue, item 5).

Each numeric or boolean parameter is perturbed (× 1.5, else × 0.5; 0 → 1; booleans flipped; the same
rule as ``tools/parameter_scan.py``) in a small world with all five cooperation models, a crash and a
municipality that accepts the inner-city deficits; the summary outcomes and event count over three
seeds must change. A parameter that acts only in a setting this world does not have is listed in
``CONDITIONAL`` with that setting, and is scanned in it instead.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim.experiments.paths import apply, leaf_paths
from sim.scenario import from_dict
from sim.scenario.schema import Scenario
from tests.conftest import mini
from tools.parameter_scan import SKIP, current, outcomes, perturbations
from tools.parameter_scan import moves as scan_moves

SEEDS = range(1, 3)
MODELS = ("traditional", "building_claim", "joint_venture", "concession", "private_realisation")


def scan_world() -> dict:
    """Five small areas, one per cooperation model, in two regions; a −35 % crash in year 6; actors whose
    limits bind in such a world (thin developers, a small housing association, a small budget, scarce
    builders, courts and forward-funding capital)."""
    data = mini(horizon_years=14, market={"mode": "stochastic",
                                          "shock": {"year": 6, "price_drop": 0.35, "duration_quarters": 8}})
    data["regions"][0]["construction_capacity_homes"] = 500
    data["actors"] = {"municipality": {"max_deficit_per_home": 40000.0, "budget": 100e6},
                      "developers": {"equity": 40e6},
                      "housing_associations": {"stock_homes": 10000},
                      "investors": {"capital_per_year": 60e6}}
    data["lifecycle"] = {"appeals_court_capacity": 2, "appeal_probability": 0.5}
    programme = {"social": 0.3, "mid_rent": 0.2, "free_rent": 0.1, "owner_occupied": 0.4}
    data["areas"] = [{"name": f"a_{model}", "region": ("middle", "relaxed")[i % 2], "archetype": "complex",
                      "homes": 600, "phases": 2, "start_quarter": i, "cooperation": model, "programme": programme,
                      "ownership": {"municipality": 0.4, "developers": 0.4, "businesses": 0.2}}
                     for i, model in enumerate(MODELS)]
    return data


def with_changes(data: dict, changes: dict) -> dict:
    out = copy.deepcopy(data)
    for path, value in changes.items():
        out = apply(out, path, value)
    return out


# parameter -> (the setting in which it acts, the changes to the scan world that create that setting)
CONDITIONAL: dict[str, tuple[str, dict]] = {
    "actors.municipality.revenue_escalation": (
        "the municipality's land-development accounts escalate revenues at a fixed rate (not extrapolated)",
        {"actors.municipality.grex_expectation": "fixed"}),
    "market.regimes.slowdown.absorption": (
        "homes are on sale during a slowdown (here: the run starts in one, with ready land on sale)",
        {"market.initial_regime": "slowdown", "areas[0].pipeline_stage": "land_ready", "areas[0].pipeline_phases": 2}),
    "market.regimes.slowdown.investor_premium_extra": (
        "rental homes seek forward funding during a slowdown",
        {"market.initial_regime": "slowdown", "areas[0].pipeline_stage": "land_ready", "areas[0].pipeline_phases": 2}),
    "actors.housing_associations.min_icr": (
        "the association's interest cover, not its LTV, is the binding limit (thin operating margins)",
        {"actors.housing_associations.max_ltv": 0.95, "actors.housing_associations.operating_cost_per_home": 4500.0}),
    "actors.investors.capital_per_year": (
        "investors' yearly capital is scarce relative to the rental blocks on offer",
        {"actors.investors.capital_per_year": 20e6}),
    "actors.developers.unsold_discount": (
        "completed homes stay unsold (slow sales, starts on few presales)",
        {"actors.developers.presale_threshold": 0.1, "regions[0].absorption_homes_per_quarter": 8.0,
         "regions[1].absorption_homes_per_quarter": 8.0}),
    "actors.investors.mid_rent_cap_growth": (
        "market mid-rents are above the regulated cap, so the cap sets the rent",
        {"regions[0].mid_rent_per_month": 1500.0, "regions[1].mid_rent_per_month": 1500.0}),
    "actors.negotiation.knowledge_sharing": (
        "a municipality negotiates its first deal under a model another municipality has used before",
        {"areas[1].start_quarter": 14, "areas[2].cooperation": "building_claim"}),
}


def moves(data: dict, path: str, reference: np.ndarray | None = None) -> bool | None:
    """True if a perturbation of ``path`` changes an outcome over SEEDS; None if no perturbation is valid."""
    return scan_moves(data, path, SEEDS, reference)


def scanned_paths() -> list[str]:
    validated = from_dict(scan_world()).model_dump()
    paths = []
    for path in leaf_paths(Scenario):
        if path in SKIP or path.startswith("areas"):
            continue
        concrete = path.replace("[*]", "[0]")
        try:
            value = current(validated, concrete)
        except (KeyError, TypeError, IndexError):
            continue
        if perturbations(value):
            paths.append(concrete)
    return paths


@pytest.mark.slow
def test_every_parameter_moves_an_output_in_the_scan_world():
    world = scan_world()
    reference = outcomes(world, SEEDS)
    dead = [p for p in scanned_paths() if p not in CONDITIONAL and moves(world, p, reference) is False]
    assert not dead, f"parameters that move no output (remove them, or list them in CONDITIONAL): {dead}"


@pytest.mark.parametrize("path", sorted(CONDITIONAL))
def test_conditional_parameters_act_in_their_setting(path):
    setting, changes = CONDITIONAL[path]
    assert moves(with_changes(scan_world(), changes), path), f"{path} should act when {setting}"
