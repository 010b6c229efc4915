"""The model as the app creates it: simple controls mapped onto a scenario.

With every control left at its default the app builds exactly the run of
``areasim run <scenario>`` (same scenario values, the scenario's own seed), so the app and
the command line tell the same story.
"""

from __future__ import annotations

import copy
import functools

from sim.funds.design import load_design
from sim.model import AreaModel
from sim.scenario import DEFAULT_SCENARIO, from_dict, read_toml

SCENARIOS = {"nl_programme": DEFAULT_SCENARIO, "replay_2005": DEFAULT_SCENARIO.with_name("replay_2005.toml")}
AS_IN_SCENARIO = "as in the scenario"
COOPERATION = [AS_IN_SCENARIO, "traditional", "building_claim", "joint_venture", "concession", "private_realisation"]
FUNDS = ["none", "woningbouwimpuls", "startbouwimpuls", "revolving_fund", "sales_guarantee", "land_facility",
         "land_bank", "regional_fund", "countercyclical", "mobility_pool"]


@functools.cache
def _raw(scenario: str) -> dict:
    return read_toml(SCENARIOS[scenario])


def scenario_defaults(scenario: str) -> dict:
    """The control values that reproduce the scenario as written (and `areasim run`)."""
    spec = from_dict(copy.deepcopy(_raw(scenario)), str(SCENARIOS[scenario]))
    actors = spec.actors
    return {"seed": int(spec.seed), "cooperation": AS_IN_SCENARIO, "fund": spec.funds.design, "crash": False,
            "presale_threshold": float(actors.developers.presale_threshold),
            "risk_premium": float(actors.investors.risk_premium),
            "municipal_budget_m": float(actors.municipality.budget) / 1e6}


def scenario_data(scenario: str, cooperation: str, crash: bool, presale_threshold: float, risk_premium: float,
                  municipal_budget_m: float) -> dict:
    """Scenario data with the app's controls applied.

    ``cooperation`` = :data:`AS_IN_SCENARIO` keeps each area's own model; any other name is
    used by all areas. Values equal to the scenario's leave the data as written.
    """
    data = copy.deepcopy(_raw(scenario))
    if cooperation != AS_IN_SCENARIO:
        data["cooperation"] = {**data.get("cooperation", {}), "model": cooperation}
        for area in data["areas"]:
            area.pop("cooperation", None)
    if crash:
        data.setdefault("market", {})["shock"] = {"year": 3, "price_drop": 0.3, "duration_quarters": 10}
    defaults = scenario_defaults(scenario)
    actors = data.setdefault("actors", {})
    if presale_threshold != defaults["presale_threshold"]:
        actors.setdefault("developers", {})["presale_threshold"] = presale_threshold
    if risk_premium != defaults["risk_premium"]:
        actors.setdefault("investors", {})["risk_premium"] = risk_premium
    if municipal_budget_m != defaults["municipal_budget_m"]:
        actors.setdefault("municipality", {})["budget"] = municipal_budget_m * 1e6
    return data


class AppModel(AreaModel):
    """AreaModel built from the app's controls (valid by construction: the controls only offer valid values).

    ``seed=None`` uses the scenario's seed (37 for nl_programme, the typical future; as `areasim run`).
    """

    def __init__(self, world: str = "nl_programme", cooperation: str = AS_IN_SCENARIO, fund: str | None = None,
                 crash: bool = False, presale_threshold: float | None = None, risk_premium: float | None = None,
                 municipal_budget_m: float | None = None, seed: int | None = None, rng=None) -> None:
        defaults = scenario_defaults(world)
        data = scenario_data(world, cooperation, crash,
                             defaults["presale_threshold"] if presale_threshold is None else presale_threshold,
                             defaults["risk_premium"] if risk_premium is None else risk_premium,
                             defaults["municipal_budget_m"] if municipal_budget_m is None else municipal_budget_m)
        region_names = {r["name"] for r in data["regions"]}
        design = load_design(defaults["fund"] if fund is None else fund)
        if any(set(f.regions) - region_names for f in design.funds):
            design = load_design("none")
        chosen = rng if rng is not None else seed
        super().__init__(from_dict(data, str(SCENARIOS[world])),
                         seed=int(defaults["seed"] if chosen is None else chosen), fund_design=design)
        self.controls = {"world": world, "cooperation": cooperation, "fund": design.name}
