"""Runs of the same future that share settled negotiations give exactly the results of runs alone."""

from __future__ import annotations

import copy
import json

import pytest

from sim.cooperation import registered
from sim.experiments.task import outcomes_of
from sim.funds.design import load_design
from sim.model import AreaModel
from sim.negotiation.cache import NegotiationCache
from sim.scenario import from_dict

DESIGNS = ("none", "woningbouwimpuls", "land_bank", "sales_guarantee")
BUILT_IN_MODELS = [name for name, cls in registered().items() if cls.__module__.startswith("sim.")]


def fingerprint(model: AreaModel) -> str:
    """Everything a run produces: outcomes, every event (with every offer) and every ledger entry."""
    return json.dumps({"outcomes": outcomes_of(model), "events": model.events,
                       "ledger": [repr(t) for t in model.ledger.transactions()]}, sort_keys=True, default=repr)


def scenario_with(default_dict: dict, years: int = 15, **negotiation) -> dict:
    data = copy.deepcopy(default_dict)
    data["horizon_years"] = years
    data.setdefault("actors", {}).setdefault("negotiation", {}).update(negotiation)
    return data


def paired_runs_agree(data: dict, seed: int, designs=DESIGNS) -> NegotiationCache:
    scenario = from_dict(data)
    cache = NegotiationCache()
    for name in designs:
        design = load_design(name)
        alone = AreaModel(scenario, seed=seed, fund_design=design, collect="lean").run()
        shared = AreaModel(scenario, seed=seed, fund_design=design, collect="lean", negotiation_cache=cache).run()
        assert fingerprint(shared) == fingerprint(alone), f"design {name} differs with a shared cache"
    return cache


@pytest.mark.parametrize("cooperation", BUILT_IN_MODELS)
def test_fund_designs_sharing_negotiations_give_the_results_of_runs_alone(default_dict, cooperation):
    data = scenario_with(default_dict)
    data["cooperation"] = {"model": cooperation}
    cache = paired_runs_agree(data, seed=11)
    assert cache.hits > 0, "runs of the same future should meet identical negotiations"


@pytest.mark.slow
def test_nash_bargaining_shares_settlements_exactly(default_dict):
    cache = paired_runs_agree(scenario_with(default_dict, years=8, protocol="nash"), seed=5, designs=DESIGNS[:2])
    assert cache.hits > 0


def test_a_different_future_never_hits(default_dict):
    scenario = from_dict(scenario_with(default_dict))
    cache = NegotiationCache()
    AreaModel(scenario, seed=1, collect="lean", negotiation_cache=cache).run()
    misses = cache.misses
    AreaModel(scenario, seed=2, collect="lean", negotiation_cache=cache).run()
    assert cache.hits == 0 and cache.misses > misses


def test_plugin_protocols_are_never_cached(default_dict):
    data = scenario_with(default_dict, protocol="sim.negotiation.protocols:AlternatingOffers")
    scenario = from_dict(data)
    cache = NegotiationCache()
    model = AreaModel(scenario, seed=3, collect="lean", negotiation_cache=cache)
    model.run()
    assert cache.misses > 0

    class Plugin(type(model.desk.protocol)):
        pass

    Plugin.__module__ = "my_package.protocols"
    plugin = AreaModel(scenario, seed=3, collect="lean", negotiation_cache=NegotiationCache())
    plugin.desk.protocol = Plugin()
    plugin.run()
    assert plugin.desk.cache.hits == plugin.desk.cache.misses == 0


def test_the_cache_forgets_the_least_recently_used_settlement():
    from sim.negotiation.cache import Settlement

    cache = NegotiationCache(max_entries=2)
    for key in (b"a", b"b", b"c"):
        cache.put(key, Settlement(None, None, False, 0.0, 0.0))
    assert len(cache) == 2 and cache.get(b"a") is None and cache.get(b"c") is not None
