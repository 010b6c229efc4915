"""The model as the app creates it: simple controls mapped onto a scenario."""

from __future__ import annotations

import copy

from sim.funds.design import load_design
from sim.model import AreaModel
from sim.scenario import DEFAULT_SCENARIO, from_dict, read_toml

SCENARIOS = {"nl_programme": DEFAULT_SCENARIO, "replay_2005": DEFAULT_SCENARIO.with_name("replay_2005.toml")}
COOPERATION = ["traditional", "building_claim", "joint_venture", "concession", "private_realisation"]
FUNDS = ["none", "woningbouwimpuls", "startbouwimpuls", "revolving_fund", "sales_guarantee", "land_facility",
         "land_bank", "regional_fund", "countercyclical", "mobility_pool"]


def scenario_data(scenario: str, cooperation: str, crash: bool, presale_threshold: float, risk_premium: float,
                  municipal_budget_m: float) -> dict:
    """Scenario data with the app's controls applied (all areas use the chosen cooperation model)."""
    data = copy.deepcopy(read_toml(SCENARIOS[scenario]))
    data["cooperation"] = {"model": cooperation}
    for area in data["areas"]:
        area.pop("cooperation", None)
    if crash:
        data.setdefault("market", {})["shock"] = {"year": 3, "price_drop": 0.3, "duration_quarters": 10}
    actors = data.setdefault("actors", {})
    actors.setdefault("developers", {})["presale_threshold"] = presale_threshold
    actors.setdefault("investors", {})["risk_premium"] = risk_premium
    actors.setdefault("municipality", {})["budget"] = municipal_budget_m * 1e6
    return data


class AppModel(AreaModel):
    """AreaModel built from the app's controls (valid by construction: the controls only offer valid values)."""

    def __init__(self, world: str = "nl_programme", cooperation: str = "traditional", fund: str = "none",
                 crash: bool = False, presale_threshold: float = 0.7, risk_premium: float = 0.035,
                 municipal_budget_m: float = 150.0, seed: int = 1, rng=None) -> None:
        data = scenario_data(world, cooperation, crash, presale_threshold, risk_premium, municipal_budget_m)
        region_names = {r["name"] for r in data["regions"]}
        design = load_design(fund)
        if any(set(f.regions) - region_names for f in design.funds):
            design = load_design("none")
        super().__init__(from_dict(data, str(SCENARIOS[world])), seed=int(seed if rng is None else rng),
                         fund_design=design)
        self.controls = {"world": world, "cooperation": cooperation, "fund": design.name}
