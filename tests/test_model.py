"""AreaModel: reproducible, balanced books after every quarter, lifecycles in order, behaviour in a crash."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.area import STAGE_INDEX
from sim.model import AreaModel
from sim.scenario import from_dict, load_scenario
from tests.conftest import DEFAULT, check_invariants, mini


def run(data: dict, seed: int | None = None) -> AreaModel:
    return AreaModel(from_dict(data), seed=seed).run()


def test_same_seed_gives_identical_results():
    a, b = run(mini(), seed=11), run(mini(), seed=11)
    pd.testing.assert_frame_equal(a.datacollector.get_model_vars_dataframe(),
                                  b.datacollector.get_model_vars_dataframe())
    pd.testing.assert_frame_equal(a.ledger.to_frame(), b.ledger.to_frame())
    assert a.events == b.events


def test_different_seeds_give_different_results():
    a, b = run(mini(), seed=1), run(mini(), seed=2)
    assert not a.ledger.to_frame().equals(b.ledger.to_frame())


def test_the_scenario_seed_is_used_by_default():
    assert run(mini(seed=5)).seed == 5


def test_one_step_is_one_quarter_and_the_run_stops_at_the_horizon():
    m = run(mini(horizon_years=3))
    assert m.steps == 12 and m.env.now == 12 and not m.running
    assert len(m.datacollector.get_model_vars_dataframe()) == 12


def test_stages_are_visited_in_lifecycle_order():
    m = run(mini(horizon_years=25))
    stages = [e for e in m.events if e["event"].startswith("stage:")]
    for (area, phase), group in pd.DataFrame(stages).groupby(["area", "phase"]):
        order = [STAGE_INDEX[e.split(":")[1]] for e in group["event"]]
        assert order == sorted(order), (area, phase, order)


def test_construction_starts_only_after_a_go_with_presales_met():
    m = run(mini(horizon_years=25))
    for p in m.phases:
        if p.construction_start is not None:
            assert p.go_time is not None and p.go_time <= p.construction_start
            assert p.land_ready
    gos = [e for e in m.events if e["event"] == "go"]
    assert gos and all(e["presale_share"] >= 0.7 - 1e-9 for e in gos)


def test_every_area_ends_in_a_defined_state_with_reasons():
    m = run(mini(horizon_years=40))
    for area in m.areas:
        assert area.state() in {"done", "abandoned", "stalled", "active", "planned"}
        for p in area.phases:
            if p.stage_name == "abandoned":
                assert p.reason


def test_a_crash_early_on_delays_starts():
    """Presales and land values: in the first eight years fewer homes start when prices crash 30 % in year two
    than in a steady market — paired over 10 futures, in at least 9 (10 of 10 when written)."""
    started = lambda m: sum(p.total_homes for p in m.phases if p.construction_start is not None)  # noqa: E731
    holds = 0
    for seed in range(1, 11):
        steady = AreaModel(from_dict(mini(horizon_years=8, market={"mode": "steady"})), seed=seed).run()
        crash = AreaModel(from_dict(mini(horizon_years=8, market={"mode": "steady", "shock": {
            "year": 1, "price_drop": 0.3, "duration_quarters": 8}})), seed=seed).run()
        holds += started(crash) < started(steady)
    assert holds >= 9, f"held in {holds} of 10 futures"


def test_municipality_provides_for_an_expected_loss_once_it_opens_the_account():
    """BBV: no land-development account, no provision; once the council decides to buy and prepare an area's
    land (its first land decision), the foreseen loss is provided for at the next year-end."""
    m = AreaModel(from_dict(mini(horizon_years=8, market={"mode": "steady"}))).run()
    first_go = min(e["time"] for e in m.events if e["event"] == "land_go" and e["area"] == "north")
    provisions = [e for e in m.events if e["event"] == "provision" and e["area"] == "north"]
    assert provisions and all(e["time"] > first_go for e in provisions)
    assert provisions[0]["time"] <= 4 * (first_go // 4 + 1)
    assert m.municipalities[0].provisions["north"] > 0


def test_market_and_costs_do_not_depend_on_behaviour():
    """Common random numbers: a different presale rule leaves the market path and drawn costs unchanged."""
    a = AreaModel(from_dict(mini()), seed=3)
    b = AreaModel(from_dict(mini(actors={"developers": {"presale_threshold": 0.3}})), seed=3)
    assert np.array_equal(a.market.price_index, b.market.price_index)
    assert np.array_equal(a.durations, b.durations)
    assert [p.costs for p in a.phases] == [p.costs for p in b.phases]


shares = st.lists(st.integers(0, 10), min_size=4, max_size=4).filter(lambda s: sum(s) > 0)


@st.composite
def small_scenarios(draw):
    n_areas = draw(st.integers(1, 3))
    horizon = draw(st.integers(1, 12))
    areas = []
    for i in range(n_areas):
        homes = draw(st.integers(1, 3000))
        prog = draw(shares)
        own = draw(shares.filter(lambda s: sum(s[:3]) > 0))
        areas.append({
            "name": f"a{i}", "region": draw(st.sampled_from(["middle", "relaxed"])), "archetype": "complex",
            "homes": homes, "phases": draw(st.integers(1, min(4, homes))),
            "programme": dict(zip(["social", "mid_rent", "free_rent", "owner_occupied"],
                                  [x / sum(prog) for x in prog], strict=True)),
            "ownership": dict(zip(["municipality", "developers", "businesses"],
                                  [x / sum(own[:3]) for x in own[:3]], strict=True)),
            "start_quarter": draw(st.integers(0, min(12, 4 * horizon - 1))),
        })
    mode = draw(st.sampled_from(["stochastic", "steady", "historical"]))
    market: dict = {"mode": mode}
    if draw(st.booleans()):
        market["shock"] = {"year": draw(st.integers(0, horizon - 1)), "price_drop": draw(st.floats(0.05, 0.6)),
                           "duration_quarters": draw(st.integers(1, 12))}
    data = mini(areas=areas, market=market, horizon_years=horizon, seed=draw(st.integers(0, 10**6)))
    if mode == "historical":
        data["start_year"] = draw(st.integers(2005, 2024))
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios())
def test_books_balance_and_stocks_stay_non_negative_after_every_quarter(data):
    model = AreaModel(from_dict(data))
    for _ in range(model.n_quarters):
        model.step()
        check_invariants(model)


def test_tight_regions_build_more_of_their_plan_than_relaxed_ones():
    """Residual land values are highest where prices are (tight > middle > relaxed), so the share of planned
    homes completed falls from tight to relaxed regions — on average over 10 futures of the default, and the
    tight region builds more of its plan than the relaxed one in at least 8 of them (9 of 10 when written)."""
    scenario = load_scenario(DEFAULT)
    shares, holds = [], 0
    for seed in range(1, 11):
        m = AreaModel(scenario, seed=seed, collect="lean").run()
        planned = np.zeros(len(scenario.regions))
        for area in m.areas:
            planned[area.region_index] += area.spec.homes
        share = m.completed_total.sum(axis=1) / planned
        shares.append(share)
        holds += share[0] > share[2]
        assert abs(m.ledger.total()) < 1e-3
    mean = np.mean(shares, axis=0)
    assert mean[0] > mean[1] > mean[2] and holds >= 8, (mean, holds)
