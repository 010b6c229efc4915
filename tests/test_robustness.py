"""Robustness: generated scenario files never crash and keep every invariant; extreme worlds run sensibly."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.area import STAGE_INDEX
from sim.funds.design import FundDesign, load_design
from sim.model import AreaModel
from sim.scenario import from_dict, load_scenario
from tests.conftest import DEFAULT, check_invariants, mini, write_toml

COOPERATION = ["traditional", "building_claim", "joint_venture", "concession", "private_realisation"]
DESIGNS = ["none", "woningbouwimpuls", "startbouwimpuls", "revolving_fund", "sales_guarantee", "land_facility",
           "land_bank", "countercyclical", "mobility_pool"]


shares = st.lists(st.integers(0, 10), min_size=4, max_size=4).filter(lambda s: sum(s) > 0)


@st.composite
def scenario_files(draw):
    horizon = draw(st.integers(1, 15))
    areas = []
    for i in range(draw(st.integers(1, 4))):
        homes = draw(st.integers(1, 4000))
        prog = draw(shares)
        own = draw(st.lists(st.integers(0, 10), min_size=3, max_size=3).filter(lambda s: sum(s) > 0))
        areas.append({
            "name": f"a{i}", "region": draw(st.sampled_from(["tight", "middle", "relaxed"])),
            "archetype": "complex", "homes": homes, "phases": draw(st.integers(1, min(5, homes))),
            "programme": dict(zip(["social", "mid_rent", "free_rent", "owner_occupied"],
                                  [x / sum(prog) for x in prog], strict=True)),
            "ownership": dict(zip(["municipality", "developers", "businesses"], [x / sum(own) for x in own],
                                  strict=True)),
            "cooperation": draw(st.sampled_from(COOPERATION)),
            "start_quarter": draw(st.integers(0, min(12, 4 * horizon - 1))),
        })
    data = mini(areas=areas, horizon_years=horizon, seed=draw(st.integers(0, 10**9)))
    data["regions"] = [dict(data["regions"][0], name=n) for n in ("tight", "middle", "relaxed")]
    mode = draw(st.sampled_from(["stochastic", "steady", "historical"]))
    data["market"] = {"mode": mode}
    if mode == "historical":
        data["start_year"] = draw(st.integers(2005, 2024))
    if draw(st.booleans()):
        data["market"]["shock"] = {"year": draw(st.integers(0, horizon - 1)),
                                   "price_drop": draw(st.floats(0.05, 0.9)),
                                   "duration_quarters": draw(st.integers(1, 20))}
    data["actors"] = {
        "municipality": {"budget": draw(st.floats(0, 5e8)), "risk_aversion": draw(st.floats(0, 1))},
        "developers": {"count": draw(st.integers(1, 4)), "equity": draw(st.floats(0, 5e8)),
                       "presale_threshold": draw(st.floats(0, 1)), "risk_aversion": draw(st.floats(0, 1))},
        "investors": {"count": draw(st.integers(0, 3))},
        "negotiation": {"protocol": draw(st.sampled_from(["alternating_offers", "nash", "tradeoffs"])),
                        "knowledge_sharing": draw(st.booleans())},
    }
    data["funds"] = {"design": draw(st.sampled_from(DESIGNS))}
    return data


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(scenario_files())
def test_generated_scenario_files_run_and_keep_every_invariant(tmp_path_factory, data):
    path = write_toml(tmp_path_factory.mktemp("gen") / "s.toml", data)
    scenario = load_scenario(path)
    model = AreaModel(scenario, fund_design=load_design(scenario.funds.design))
    for _ in range(model.n_quarters):
        model.step()
        check_invariants(model)


@pytest.fixture(scope="module")
def default_data() -> dict:
    import tomllib

    with DEFAULT.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def baseline(default_data) -> AreaModel:
    model = AreaModel(from_dict(default_data), seed=4).run()
    check_invariants(model)
    return model


SEEDS = range(1, 11)


def variant(default_data: dict, seed: int = 4, fund: FundDesign | None = None, **changes) -> AreaModel:
    data = copy.deepcopy(default_data)
    for key, value in changes.items():
        data[key] = value
    model = AreaModel(from_dict(data), seed=seed, fund_design=fund, collect="lean").run()
    check_invariants(model)
    return model


def test_a_50_percent_crash_in_year_one_builds_less_in_the_first_decade(default_data):
    """Presales, land values and credit (the go decisions): a 50 % price fall in year 1 leaves fewer homes
    completed within ten years than the same futures without it — paired over 10 futures (ten-year runs), in at
    least 9 (10 of 10 when written)."""
    from sim.output.summary import homes_completed_within

    market = dict(default_data.get("market", {}), shock={"year": 1, "price_drop": 0.5, "duration_quarters": 6})
    holds = 0
    for seed in SEEDS:
        crashed = variant(default_data, seed=seed, market=market, horizon_years=10)  # the claim reads 10 years
        calm = variant(default_data, seed=seed, horizon_years=10)
        holds += homes_completed_within(crashed, 10) < homes_completed_within(calm, 10)
        assert sum(m.total_provisions for m in crashed.municipalities) >= 0
    assert holds >= 9, f"held in {holds} of 10 futures"


def test_the_municipal_limits_move_results_in_the_expected_direction(default_data):
    """Reserves and the accepted loss per home bind the municipality's land decisions: with no reserves it opens
    fewer land-development accounts and builds fewer homes than by default (paired over 10 futures, in at
    least 9; 10 of 10 when written); with ample reserves and a higher accepted loss it builds more and provides
    for more (in at least 8; 9 of 10 when written: at seed 9 it builds more but provides no more)."""
    def with_limits(**limits) -> dict:
        actors = copy.deepcopy(default_data["actors"])
        actors["municipality"] = dict(actors.get("municipality", {}), **limits)
        return actors

    fewer = more = 0
    for seed in SEEDS:
        poor = variant(default_data, seed=seed, actors=with_limits(budget=0.0))
        base = variant(default_data, seed=seed)
        rich = variant(default_data, seed=seed, actors=with_limits(budget=1e9, max_deficit_per_home=40000.0))
        provided = lambda m: sum(x.total_provisions for x in m.municipalities)  # noqa: E731
        fewer += poor.completed_total.sum() < base.completed_total.sum()
        more += rich.completed_total.sum() > base.completed_total.sum() and provided(rich) > provided(base)
    assert fewer >= 9 and more >= 8, (fewer, more)


def test_fully_affordable_programmes_lower_land_revenue(default_data):
    """Residual land value: social and mid-rent homes carry a fixed low land price (social land price, capped
    rent), so an all-affordable programme earns less land revenue per completed home than the default mix —
    paired over 10 futures, in at least 8 (9 of 10 when written: at seed 2 the affordable world completes so
    few homes that its revenue per home is higher) — and builds no more than a fifth owner-occupied homes."""
    areas = [dict(a, programme={"social": 0.5, "mid_rent": 0.5, "free_rent": 0.0, "owner_occupied": 0.0})
             for a in default_data["areas"]]
    revenue = lambda m: sum(p.land_price_paid for p in m.phases) / max(1, m.completed_total.sum())  # noqa: E731
    holds = 0
    for seed in SEEDS:
        affordable = variant(default_data, seed=seed, areas=areas)
        holds += revenue(affordable) < revenue(variant(default_data, seed=seed))
        assert affordable.completed_total[:, 3].sum() <= affordable.completed_total.sum() * 0.2
    assert holds >= 8, f"held in {holds} of 10 futures"


def test_no_investors_means_no_rental_homes(default_data):
    actors = copy.deepcopy(default_data["actors"])
    actors["investors"] = dict(actors["investors"], count=0)
    model = variant(default_data, actors=actors)
    assert model.completed_total[:, 1:3].sum() == 0


def test_a_fund_with_zero_budget_changes_nothing(default_data, baseline):
    design = load_design("woningbouwimpuls")
    empty = design.model_copy(update={"funds": [f.model_copy(update={"budget": 0.0}) for f in design.funds]})
    model = variant(default_data, fund=empty)
    assert model.completed_total.sum() == baseline.completed_total.sum()
    assert model.funds[0].paid == 0


def test_a_60_year_horizon_runs_to_the_end(default_data, baseline):
    long = variant(default_data, horizon_years=60)
    assert long.steps == 240 and long.completed_total.sum() >= baseline.completed_total.sum() * 0.9


def test_one_area_with_40000_homes(default_data):
    area = dict(default_data["areas"][0], name="mega", homes=40000, phases=8)
    model = variant(default_data, areas=[area])
    assert model.completed_total.sum() <= 40000
    assert all(p.stage >= STAGE_INDEX["preparation"] or p.planned_start > 0 for p in model.phases)
