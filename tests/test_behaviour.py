"""Behaviour that must emerge from the actors (issue #3), asserted as directions on small seeded worlds."""

from __future__ import annotations

import numpy as np
import pytest

from sim.area import SOCIAL
from sim.cooperation import Terms
from sim.model import AreaModel
from sim.negotiation.broker import build_outlook, make_problem
from sim.negotiation.economics import developer_surplus, party_npvs
from sim.scenario import from_dict
from tests.conftest import mini

STEADY = {"mode": "steady"}
CRASH = {"mode": "steady", "shock": {"year": 3, "price_drop": 0.35, "duration_quarters": 10}}


def portfolio(n: int = 8, **changes) -> dict:
    """n medium areas in the middle region, staggered starts (a small programme)."""
    areas = [{"name": f"a{i}", "region": "middle", "archetype": "complex", "homes": 900, "phases": 3,
              "start_quarter": 2 * i, "phase_interval_quarters": 4,
              "ownership": {"municipality": 0.5, "developers": 0.2, "businesses": 0.3}} for i in range(n)]
    data = mini(areas=areas, horizon_years=16, **changes)
    data["regions"][0]["absorption_homes_per_quarter"] = 400.0
    data["regions"][0]["owner_price_per_m2"] = 5600.0
    return data


def starts_per_year(m: AreaModel) -> np.ndarray:
    years = np.zeros(m.spec.horizon_years)
    for p in m.phases:
        if p.construction_start is not None:
            years[int(p.construction_start // 4)] += p.total_homes
    return years


def test_in_a_crash_starts_fall_sharply_and_recover_with_a_lag():
    """Presales, land values and deals (the go decisions): a 35 % price shock in years 3-5.5 cuts starts in
    years 6-9 below 70 % of a calm market's (phases presold before the shock still start), and starts come
    back afterwards with a lag (more start from year 10 than in the calm market, and by the end at least
    75 % of the calm market's homes have started) — in at least 4 of 5 futures."""
    holds = 0
    for seed in range(1, 6):
        calm = starts_per_year(AreaModel(from_dict(portfolio(market=STEADY)), seed=seed).run())
        crash = starts_per_year(AreaModel(from_dict(portfolio(market=CRASH)), seed=seed).run())
        fell = crash[6:10].sum() < 0.7 * calm[6:10].sum()
        came_back = crash[10:].sum() > calm[10:].sum() and crash.sum() >= 0.75 * calm.sum()
        holds += fell and came_back
    assert holds >= 4, f"held in {holds} of 5 futures"


def one_area(cooperation: str, market: dict, **area_changes) -> dict:
    area = {"name": "x", "region": "relaxed", "archetype": "complex", "homes": 1500, "phases": 3,
            "phase_interval_quarters": 4, "cooperation": cooperation, **area_changes}
    return mini(areas=[area], horizon_years=15, market=market)


def test_active_land_policy_books_losses_in_a_crash_and_a_concession_shifts_them_to_the_private_party():
    """Who bears the land-development risk (cooperation model): in the same crash, the municipality pays the
    public works and provides for losses under active land policy, while under a concession the private party
    pays the works and the municipality's provisions (only a contribution it may have promised) stay below those
    — in each of three futures. (With alternating offers: under the trade-off protocol a municipality may also
    promise a larger contribution in exchange for more affordable homes — a programme it buys, not a risk it
    keeps; tests/test_protocols.py checks that trade.)"""
    for seed in (1, 2, 3):
        trad = AreaModel(from_dict(one_area("traditional", CRASH, region="middle")), seed=seed).run()
        data = one_area("concession", CRASH, region="middle")
        data.setdefault("actors", {})["negotiation"] = {"protocol": "alternating_offers"}
        conc = AreaModel(from_dict(data), seed=seed).run()
        assert trad.municipalities[0].provisions["x"] > 0
        assert conc.municipalities[0].provisions.get("x", 0.0) < trad.municipalities[0].provisions["x"]
        def paid_by(m, who: str) -> float:
            works = "category in ['remediation','site_preparation','infrastructure']"
            return m.ledger.to_frame().query(f"source == '{who}' and {works}")["amount"].sum()

        assert paid_by(conc, "municipality:middle") == 0 and paid_by(trad, "municipality:middle") > 0
        assert paid_by(conc, conc.areas[0].developer.account) > 0


SEEDS = range(1, 11)
"""Ten futures for the behaviour claims below (each states how many of them it must hold in)."""


def test_a_joint_venture_breaks_up_when_a_partners_equity_runs_out():
    """Capital calls against a credit limit (sim.payments.capital_call): a developer partner with €2m equity in a
    crash cannot meet a call, exits, and the municipality pays every later call alone — in each of 10 futures."""
    for seed in SEEDS:
        data = one_area("joint_venture", CRASH)
        data["actors"] = {"developers": {"count": 1, "equity": 2e6, "leverage": 0.5, "land_bank": 0.0}}
        m = AreaModel(from_dict(data), seed=seed).run()
        exits = [e for e in m.events if e["event"] == "jv_partner_exit"]
        assert exits, f"seed {seed}: the developer partner should exit when it cannot meet a capital call"
        assert m.areas[0].coop.jv_municipal_share == 1.0
        # after the exit the municipality pays the calls alone
        ledger = m.ledger.to_frame()
        calls = ledger[(ledger["category"] == "capital_call") & (ledger["time"] > exits[0]["time"])]
        assert len(calls) > 0 and set(calls["source"]) == {"municipality:relaxed"}, seed


def joint_companies(market: dict) -> dict:
    """Three joint-venture areas; developers with more equity and half the land bank, so a crash presses them
    without failing them at once."""
    areas = [{"name": f"x{i}", "region": "relaxed" if i % 2 else "middle", "archetype": "complex", "homes": 1500,
              "phases": 3, "phase_interval_quarters": 4, "cooperation": "joint_venture"} for i in range(3)]
    data = mini(areas=areas, horizon_years=15, market=market)
    data["actors"] = {**data["actors"], "developers": {"equity": 150e6, "land_bank": 0.5}}
    return data


def test_joint_venture_partners_leave_by_choice_in_a_crash_and_not_in_a_steady_market():
    """JV exit by choice (ontvlechting, sim.jv_exit): when a crash writes the joint companies' accounts down and
    presses the developers' balance sheets, partners hand their shares to the municipality and pay a settlement
    — in at least 7 of 8 futures; in the same futures without the crash no partner leaves by choice."""
    crash, steady = 0, 0
    for seed in range(1, 9):
        m = AreaModel(from_dict(joint_companies(CRASH)), seed=seed).run()
        exits = [e for e in m.events if e["event"] == "jv_exit"]
        crash += bool(exits)
        paid = m.ledger.to_frame().query("category == 'jv_exit_settlement'")
        assert len(paid) == len(exits) and set(paid["target"]) <= {"municipality:middle", "municipality:relaxed"}
        calm = AreaModel(from_dict(joint_companies(STEADY)), seed=seed).run()
        steady += any(e["event"] == "jv_exit" for e in calm.events)
    assert crash >= 7, f"partners left by choice in {crash} of 8 crash futures"
    assert steady == 0, f"partners left by choice in {steady} of 8 steady futures"


def problem_for(data: dict, risk_aversion: float | None = None, quarter: int = 6, seed: int | None = None):
    model = AreaModel(from_dict(data), seed=seed)
    model.run(quarter)
    area = model.areas[0]
    if risk_aversion is not None:
        area.developer.risk_aversion = risk_aversion
    outlook = build_outlook(model.desk, area, area.developer)
    return model, area, outlook, make_problem(model.desk, area, model.municipalities[area.region_index],
                                              area.developer, outlook)


def test_a_higher_affordable_share_lowers_land_value_and_can_make_a_deal_infeasible():
    """Residual land value (sim.negotiation.economics.party_npvs): social and mid-rent homes earn less than
    market homes, so at the same land price a higher affordable share leaves the developer less, and the highest
    land price it accepts falls — in each of 10 futures (the developer's beliefs differ per future)."""
    data = one_area("traditional", STEADY, region="middle")
    prices = np.linspace(-150_000, 150_000, 301)
    for seed in SEEDS:
        _, _, _, problem = problem_for(data, seed=seed)
        dev_low = problem.evaluate(Terms(20_000.0, 0.35, 0.5))[0]
        dev_high = problem.evaluate(Terms(20_000.0, 0.75, 0.5))[0]
        assert dev_high < dev_low, seed

        def max_price(share: float, problem=problem) -> float:
            ok = [p for p in prices[::5] if problem.evaluate(Terms(p, share, 0.5))[0] >= 0]
            return max(ok) if ok else -np.inf

        assert max_price(0.75) < max_price(0.35), seed
    # an almost fully affordable programme leaves no deal at all under the municipality's limits
    strict = one_area("traditional", STEADY, region="relaxed",
                      programme={"social": 0.6, "mid_rent": 0.4, "free_rent": 0.0, "owner_occupied": 0.0})
    strict["actors"] = {"municipality": {"max_deficit_per_home": 0.0, "affordable_home_value": 0.0,
                                         "affordable_flexibility": 0.0}}
    _, _, _, problem = problem_for(strict)
    assert problem.reservation_points()[0] is None or problem.reservation_points()[1] is None \
        or problem.reservation_points()[1] > problem.reservation_points()[0]


def test_forward_funding_lets_rental_phases_start_without_presales():
    """Forward funding (an investor buys the rental homes at construction start): with no home buyers at all, an
    all-rental area starts with investors and never starts without them — paired, in each of 10 futures."""
    rental = {"social": 0.0, "mid_rent": 0.6, "free_rent": 0.4, "owner_occupied": 0.0}
    data = one_area("traditional", STEADY, region="middle", programme=rental, archetype="light",
                    ownership={"municipality": 1.0, "developers": 0.0, "businesses": 0.0})
    data["archetypes"].append({"name": "light", "site_preparation_per_home": 3000.0})
    data["regions"][0]["absorption_homes_per_quarter"] = 1e-3  # no buyers at all
    data["actors"] = {"municipality": {"affordable_flexibility": 0.0, "election_change_probability": 0.0}}
    no_investors = {**data, "actors": {**data["actors"], "investors": {"count": 0}}}
    for seed in SEEDS:
        with_investors = AreaModel(from_dict(data), seed=seed).run()
        assert any(p.construction_start is not None for p in with_investors.phases), seed
        assert (with_investors.ledger.to_frame()["category"] == "forward_funding").any(), seed
        without = AreaModel(from_dict(no_investors), seed=seed).run()
        assert all(p.construction_start is None for p in without.phases), seed


def test_more_risk_averse_parties_need_a_larger_margin_to_sign():
    """Risk-adjusted value ((1 − λ)·mean + λ·CVaR of the imagined futures): a fully risk-averse developer
    accepts a lower highest land price than a risk-neutral one — paired, in each of 10 futures."""
    data = one_area("traditional", STEADY, region="middle")
    prices = np.linspace(-150_000, 150_000, 301)

    def highest_acceptable(risk_aversion: float, seed: int) -> float:
        _, _, _, problem = problem_for(data, risk_aversion=risk_aversion, seed=seed)
        ok = [p for p in prices[::5] if problem.evaluate(Terms(p, 0.55, 0.5))[0] >= 0]
        return max(ok) if ok else -np.inf

    for seed in SEEDS:
        assert highest_acceptable(1.0, seed) < highest_acceptable(0.0, seed), seed


def test_risk_allocation_changes_what_a_deal_is_worth_to_the_developer(monkeypatch):
    """Risk aversion over imagined overruns (CVaR of the worst 5 % of futures): carrying all public-works
    overruns (a term plug-in models may negotiate) is worth less to a fully risk-averse developer than carrying
    none — paired, in at least 8 of 10 futures."""
    from sim.cooperation.models import BuildingClaim

    monkeypatch.setattr(BuildingClaim, "overrun_negotiable", True)
    data = one_area("building_claim", STEADY, region="middle")
    holds = 0
    for seed in SEEDS:
        _, _, _, problem = problem_for(data, risk_aversion=1.0, seed=seed)
        carry_all = problem.evaluate(Terms(10_000.0, 0.55, 1.0))[0]
        carry_none = problem.evaluate(Terms(10_000.0, 0.55, 0.0))[0]
        holds += carry_none > carry_all
    assert holds >= 8, f"held in {holds} of 10 futures"


def test_carrying_overruns_costs_a_developer_at_default_risk_aversion_in_9_of_10_futures(monkeypatch):
    """Expected overruns (reference class: +10 % on average, Cantarelli 2009; the negotiators imagine overruns
    with the archetype's overrun_mean, sim.negotiation.economics.party_npvs): carrying them costs the developer
    value in at least 9 of 10 futures even at its default risk aversion. (Found by mutation testing, issue #17:
    the imagined overruns were mean-zero, and carrying them was worth *more* in 3 of 10 futures.)"""
    from sim.cooperation.models import BuildingClaim

    monkeypatch.setattr(BuildingClaim, "overrun_negotiable", True)
    data = one_area("building_claim", STEADY, region="middle")
    holds = 0
    for seed in SEEDS:
        _, _, _, problem = problem_for(data, seed=seed)
        holds += problem.evaluate(Terms(10_000.0, 0.55, 0.0))[0] > problem.evaluate(Terms(10_000.0, 0.55, 1.0))[0]
    assert holds >= 9, f"held in {holds} of 10 futures"


def test_a_sixth_cooperation_model_is_one_class_named_in_the_scenario():
    data = one_area("tests.plugin_models:HalfOverrunSharing", STEADY, region="middle")
    m = AreaModel(from_dict(data)).run()
    negotiations = [e for e in m.events if e["event"] == "negotiation"]
    assert negotiations and negotiations[0]["cooperation"] == "half_overrun_sharing"
    assert all(e["overrun_share"] == 0.5 for e in negotiations if e["success"])


def test_every_cooperation_model_runs_and_balances():
    for name in ("traditional", "building_claim", "joint_venture", "concession", "private_realisation"):
        m = AreaModel(from_dict(one_area(name, CRASH))).run()
        assert abs(m.ledger.total()) < 1e-3, name


def test_cost_recovery_contribution_respects_the_legal_cap():
    data = one_area("private_realisation", STEADY, region="middle")
    model, area, outlook, problem = problem_for(data)
    low, high = problem.land_bounds
    attributable = (outlook.works.sum() + outlook.buyout_business.sum()) / outlook.total_homes
    assert low == 0.0 and high <= attributable + 1e-6


@pytest.mark.parametrize("protocol", ["alternating_offers", "nash", "tradeoffs"])
def test_every_protocol_reaches_deals_both_sides_accept(protocol):
    data = one_area("building_claim", STEADY, region="middle")
    data["actors"] = {"negotiation": {"protocol": protocol}, "municipality": {"max_deficit_per_home": 40000.0}}
    m = AreaModel(from_dict(data)).run(12)
    deals = [e for e in m.events if e["event"] == "negotiation" and e["success"]]
    assert deals
    assert all(e["developer_surplus"] >= 0 and e["municipal_surplus"] >= 0 for e in deals)


def test_experience_speeds_up_negotiation_and_knowledge_sharing_spreads_it():
    """Parties that closed deals concede faster next time (experience cuts rounds and transaction costs); with
    knowledge sharing, municipalities that never negotiated benefit from the others' experience — paired
    (sharing on/off), in at least 9 of 10 futures."""
    holds = 0
    for seed in SEEDS:
        holds += experience_and_sharing_hold(seed)
    assert holds >= 9, f"held in {holds} of 10 futures"


def experience_and_sharing_hold(seed: int) -> bool:
    """Whether, in one future, experience and knowledge sharing speed up first deals as claimed."""
    areas = []
    for r, region in enumerate(["middle", "west"]):
        for i in range(4):
            areas.append({"name": f"{region}{i}", "region": region, "archetype": "complex", "homes": 600,
                          "phases": 2, "start_quarter": (0 if r == 0 else 16) + 3 * i,
                          "cooperation": "building_claim"})  # a negotiated deal (traditional sells at its price)
    rounds = {}
    for sharing in (False, True):
        data = mini(areas=areas, horizon_years=10, market=STEADY)
        data["regions"].append(dict(data["regions"][0], name="west"))
        data["actors"] = {"negotiation": {"knowledge_sharing": sharing},
                          "municipality": {"max_deficit_per_home": 40000.0}}  # deals the municipality can accept
        m = AreaModel(from_dict(data), seed=seed).run()
        first = [e for e in m.events if e["event"] == "negotiation" and e["why"] == "first deal"]
        rounds[sharing] = {e["area"]: e["duration_quarters"] for e in first}
        costs = m.ledger.to_frame().query("category == 'transaction_cost' and source == 'municipality:middle'")
        if not (len(costs) >= 2 and costs["amount"].iloc[-1] < costs["amount"].iloc[0]):  # cheaper with experience
            return False
    needed = {"middle0", "middle3", "west0"}
    if not (needed <= rounds[False].keys() and "west0" in rounds[True]):
        return False
    # within a municipality: its later first deals take less time than its first one; across municipalities:
    # the second region's first negotiation is faster with knowledge sharing
    return rounds[False]["middle3"] < rounds[False]["middle0"] and rounds[True]["west0"] < rounds[False]["west0"]


def test_social_homes_need_room_in_the_housing_association_ratios():
    data = one_area("traditional", STEADY, region="middle",
                    programme={"social": 0.8, "mid_rent": 0.0, "free_rent": 0.0, "owner_occupied": 0.2})
    data["actors"] = {"housing_associations": {"stock_homes": 100, "max_ltv": 0.7}}
    m = AreaModel(from_dict(data)).run()
    assert any(e["event"] == "social_block_refused" for e in m.events)
    assert all(p.construction_start is None for p in m.phases if p.homes[SOCIAL] > 0)


def test_party_values_are_vectorised_over_packages():
    data = one_area("traditional", STEADY, region="middle")
    model, area, outlook, _ = problem_for(data)
    dev = area.developer
    mult = dev.beliefs.price_multipliers(model.market.price_index[1, :7], model.market.cost_index[:7])
    v = party_npvs(outlook, np.array([0.0, 1e4]), np.array([0.5, 0.5]), np.array([0.0, 0.0]), area.coop, mult,
                   dev.beliefs.overrun_z)
    assert v.developer.shape == (2, mult.shape[0])
    assert np.all(v.developer[1] < v.developer[0])  # paying more for land is worth less to the developer
    from sim.negotiation.economics import Preferences
    prefs = Preferences(0.3, 0.5, 15000, 20000, 1e9)
    assert developer_surplus(v, prefs).shape == (2,)
