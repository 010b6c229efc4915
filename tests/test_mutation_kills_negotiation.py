"""What a deal is worth to each side, and which deal is struck, by hand (sim.negotiation).

Found unchecked by mutation testing (tools/mutation.py, docs/testing.md). The valuation is written out for one
small outlook (one or two phases, two belief paths, no overrun uncertainty), so every cash flow of every
cooperation model can be followed: who receives the land price and the social land price, who pays the works,
the overruns and the buy-outs, and how each party's share is discounted at its own rate. The protocols are
played on small problems whose offers can be computed by hand, and the broker and upkeep on the mini world.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from sim.cooperation import Terms, resolve
from sim.cooperation.base import CooperationModel
from sim.deal import Deal
from sim.errors import InputError
from sim.model import AreaModel
from sim.negotiation.broker import (
    apply_programme,
    build_outlook,
    experience,
    make_problem,
    negotiate,
    offers_log,
    settle,
)
from sim.negotiation.economics import (
    Outlook,
    Preferences,
    Valuation,
    conditional_grants,
    developer_surplus,
    municipal_surplus,
    party_npvs,
    reprogramme,
    scores,
)
from sim.negotiation.protocols import Offer, Outcome, Problem, Protocol, resolve_protocol
from sim.negotiation.upkeep import check_developers, hand_over, upkeep
from sim.scenario import from_dict
from tests.conftest import mini

# ---------------------------------------------------------------- valuation (sim.negotiation.economics)

OWNER_PRICE = 300_000.0
RENTAL = (11.5e6)  # 20 mid-rent × 200k + 30 free-rent × 250k (investor value)
BUILD = 16.15e6  # 20 × (160k + 6k) + 30 × (170k + 7k) + 40 × (180k + 8k) (construction + financing)
SOCIAL_LAND = 200_000.0  # 10 social homes × 20k
WORKS, BUSINESS, DEV_LAND = 1_000_000.0, 400_000.0, 300_000.0
OVERRUN = 100_000.0  # +10 % of the works, no uncertainty


def outlook(phases: int = 1, **changes) -> Outlook:
    """One phase of 10 social, 20 mid-rent, 30 free-rent and 40 owner-occupied homes, one year (4 quarters)
    from construction; the developer discounts at 10 %/yr, the municipality at 5 %/yr."""
    values = dict(
        homes=np.array([[10, 20, 30, 40]] * phases), lag=np.array([4.0] * phases),
        works=np.array([WORKS] * phases), buyout_business=np.array([BUSINESS] * phases),
        buyout_developer=np.array([DEV_LAND] * phases), owner_price=OWNER_PRICE,
        rental_value=np.array([0.0, 200_000.0, 250_000.0, 0.0]),
        construction=np.array([150_000.0, 160_000.0, 170_000.0, 180_000.0]),
        finance=np.array([5_000.0, 6_000.0, 7_000.0, 8_000.0]), social_land_price=20_000.0, cost_sigma=0.0,
        overrun_mean=0.1, margin=0.15, rental_margin=0.1, sales_cost_share=0.05, developer_rate=0.1,
        municipal_rate=0.05)
    values.update(changes)
    return Outlook(**values)


def paths() -> np.ndarray:
    """Two belief paths over 8 quarters: prices rising 10 % a quarter, and prices halved throughout."""
    return np.array([[1.0 + 0.1 * h for h in range(8)], [0.5] * 8])


M = (1.4, 0.5)  # the two paths' price multipliers one year (4 quarters) ahead
DEV_DF, MUN_DF = 1 / 1.1, 1 / 1.05


def value(coop: CooperationModel, land: float, overrun_share: float = 0.0, share: float = 0.3,
          out: Outlook | None = None, z: np.ndarray | None = None) -> Valuation:
    return party_npvs(out or outlook(), np.array([land]), np.array([share]), np.array([overrun_share]), coop,
                      paths(), np.zeros((2, 3)) if z is None else z)


def profit(m: float) -> float:
    """The developer's building profit on a path: sales less sales costs, plus investor values, less building."""
    return 40 * OWNER_PRICE * m * 0.95 + RENTAL - BUILD


def test_under_the_traditional_split_the_municipality_receives_the_land_and_pays_works_overruns_and_buy_outs():
    """Land price 50k on 90 market homes (4.5m) and the social land price to the municipality; it pays the works,
    the expected +10 % overrun, the business buy-outs and the developer's land position (which the developer
    receives). Each side discounts one year at its own rate."""
    v = value(resolve("traditional"), 50_000.0)
    mun = 4.5e6 + SOCIAL_LAND - WORKS - OVERRUN - BUSINESS - DEV_LAND
    assert v.municipality[0] == pytest.approx([mun * MUN_DF] * 2)
    assert v.developer[0] == pytest.approx([(profit(m) - 4.5e6 + DEV_LAND) * DEV_DF for m in M])
    assert v.revenue[0] == pytest.approx((40 * OWNER_PRICE * 0.95 + RENTAL) * DEV_DF)  # mean multiplier 0.95
    assert v.required_margin[0] == pytest.approx((0.15 * 40 * OWNER_PRICE * 0.95 + 0.1 * RENTAL) * DEV_DF)
    assert v.homes == 100.0 and v.affordable_homes[0] == 30.0


def test_under_a_concession_the_developer_pays_works_overruns_and_buy_outs_and_keeps_the_social_land_price():
    v = value(resolve("concession"), 20_000.0)
    assert v.municipality[0] == pytest.approx([1.8e6 * MUN_DF] * 2)
    dev = [profit(m) - 1.8e6 + SOCIAL_LAND - WORKS - OVERRUN - BUSINESS for m in M]
    assert v.developer[0] == pytest.approx([d * DEV_DF for d in dev])


def test_under_a_joint_venture_the_company_receives_and_pays_and_each_partner_owns_half():
    """The company receives land and social land price, pays works, overrun, buy-outs and the developer's
    land position; each partner's NPV holds half of the company's cash, the developer's also its own."""
    v = value(resolve("joint_venture"), 10_000.0)
    jv = 0.9e6 + SOCIAL_LAND - WORKS - OVERRUN - BUSINESS - DEV_LAND
    assert v.municipality[0] == pytest.approx([0.5 * jv * MUN_DF] * 2)
    assert v.developer[0] == pytest.approx([(profit(m) - 0.9e6 + DEV_LAND + 0.5 * jv) * DEV_DF for m in M])


def test_under_private_realisation_the_owner_buys_out_and_keeps_social_land_and_the_municipality_pays_works():
    v = value(resolve("private_realisation"), 15_000.0)
    assert v.municipality[0] == pytest.approx([(1.35e6 - WORKS - OVERRUN) * MUN_DF] * 2)
    assert v.developer[0] == pytest.approx([(profit(m) - 1.35e6 + SOCIAL_LAND - BUSINESS) * DEV_DF for m in M])


def test_a_negotiated_overrun_share_moves_that_share_of_the_overrun_to_the_developer():
    """The base model leaves the overrun share open: at 0.25 the developer carries 25k of the 100k overrun."""
    v = value(CooperationModel(), 0.0, overrun_share=0.25)
    assert v.municipality[0] == pytest.approx([(SOCIAL_LAND - WORKS - 75_000 - BUSINESS - DEV_LAND) * MUN_DF] * 2)
    assert v.developer[0] == pytest.approx([(profit(m) - 25_000 + DEV_LAND) * DEV_DF for m in M])
    fixed = value(resolve("building_claim"), 0.0, overrun_share=0.25)  # not negotiable: its default, 0
    assert fixed.developer[0] == pytest.approx([(profit(m) + DEV_LAND) * DEV_DF for m in M])


def test_overruns_are_right_skewed_around_the_expected_overrun():
    """σ = 0.5: the overrun factor is 1.1 · exp(σz − σ²/2) − 1 at each path's standard normal z (1 and −1)."""
    z = np.array([[1.0, 9.0, 9.0], [-1.0, 9.0, 9.0]])
    v = value(resolve("traditional"), 0.0, out=outlook(cost_sigma=0.5), z=z)
    over = [WORKS * (1.1 * np.exp(0.5 * zi - 0.125) - 1) for zi in (1.0, -1.0)]
    assert v.municipality[0] == pytest.approx([(SOCIAL_LAND - WORKS - o - BUSINESS - DEV_LAND) * MUN_DF
                                               for o in over])


def test_each_phase_is_priced_and_discounted_at_its_own_start():
    """Two phases, starting in 0 and 12 quarters; the belief horizon is 8 quarters, so the later phase takes the
    last multiplier (quarter 7) and is discounted 7 quarters."""
    out = outlook(phases=2, lag=np.array([0.0, 12.0]))
    v = value(resolve("traditional"), 0.0, out=out)
    m0, m1 = (1.0, 0.5), (1.7, 0.5)
    dev = [(profit(a) + DEV_LAND) + (profit(b) + DEV_LAND) * 1.1 ** -1.75 for a, b in zip(m0, m1, strict=True)]
    assert v.developer[0] == pytest.approx(dev)
    mun = SOCIAL_LAND - WORKS - OVERRUN - BUSINESS - DEV_LAND
    assert v.municipality[0] == pytest.approx([mun * (1 + 1.05 ** -1.75)] * 2)
    assert v.homes == 200.0 and v.affordable_homes[0] == 60.0
    sales = 40 * OWNER_PRICE
    assert v.revenue[0] == pytest.approx(sales * 0.75 + RENTAL + (sales * 1.1 + RENTAL) * 1.1 ** -1.75)  # mean paths


def test_several_packages_are_valued_at_once_each_with_its_programme():
    """Shares 0.3 and 0.5: at 0.5, 40 mid-rent and 20 owner-occupied homes (the 10 social stay)."""
    v = party_npvs(outlook(), np.array([0.0, 10_000.0]), np.array([0.3, 0.5]), np.array([0.0, 0.0]),
                   resolve("traditional"), paths(), np.zeros((2, 1)))
    assert v.affordable_homes.tolist() == [30.0, 50.0]
    smooth = party_npvs(outlook(), np.array([0.0]), np.array([0.333]), np.array([0.0]), resolve("traditional"),
                        paths(), np.zeros((2, 1)))
    assert smooth.affordable_homes[0] == pytest.approx(33.3)  # valuations keep fractional homes
    rental = 40 * 200_000.0 + 30 * 250_000.0
    build = 40 * 166_000.0 + 30 * 177_000.0 + 20 * 188_000.0
    assert v.developer[1] == pytest.approx([(20 * OWNER_PRICE * m * 0.95 + rental - build - 0.9e6 + DEV_LAND)
                                            * DEV_DF for m in M])


def test_reprogramming_moves_homes_between_owner_occupied_and_mid_rent_only():
    homes = np.array([[10, 20, 30, 40], [0, 0, 50, 50]])
    assert reprogramme(homes, 0.5).tolist() == [[10, 40, 30, 20], [0, 50, 50, 0]]
    assert reprogramme(homes, 0.0).tolist() == [[10, 0, 30, 60], [0, 0, 50, 50]]  # not below the social homes
    assert reprogramme(homes, 0.333, integer=False)[0].tolist() == pytest.approx([10, 23.3, 30, 36.7])
    assert reprogramme(homes, 0.333).tolist()[0] == [10, 23, 30, 37]
    both = reprogramme(homes, np.array([0.1, 0.9]))
    assert both.shape == (2, 2, 4) and both[1, 0].tolist() == [10, 60, 30, 0]
    out = outlook()
    assert out.total_homes == 100 and out.current_affordable_share() == pytest.approx(0.3)
    assert out.homes_at(0.5).tolist() == [[10, 40, 30, 20]]
    assert outlook(homes=np.zeros((1, 4), dtype=int)).current_affordable_share() == 0.0


def test_a_score_weighs_the_mean_against_the_worst_five_percent():
    """40 paths 1..40: mean 20.5, worst 5 % = the 2 worst (mean 1.5); 10 paths: the single worst."""
    values = np.arange(1.0, 41.0)[None, :]
    assert scores(values, 0.0)[0] == pytest.approx(20.5)
    assert scores(values, 1.0)[0] == pytest.approx(1.5)
    assert scores(values, 0.25)[0] == pytest.approx(0.75 * 20.5 + 0.25 * 1.5)
    assert scores(np.arange(10.0, 0.0, -1.0)[None, :], 1.0)[0] == pytest.approx(1.0)
    assert scores(values, 1.0, tail=0.1)[0] == pytest.approx(2.5)
    assert scores(np.array([[5.0, 1.0, 9.0, 3.0] * 5]), 1.0)[0] == 1.0  # 20 paths: the worst one, wherever it is


def prefs(**changes) -> Preferences:
    values = dict(developer_risk_aversion=0.0, municipal_risk_aversion=0.0, max_deficit_per_home=1_000.0,
                  affordable_home_value=500.0, budget_left=1e9)
    values.update(changes)
    return Preferences(**values)


def valuation() -> Valuation:
    return Valuation(municipality=np.array([[-300_000.0, -100_000.0]]), developer=np.array([[2e6, 4e6]]),
                     revenue=np.array([10e6]), required_margin=np.array([1.5e6]), homes=100.0,
                     affordable_homes=np.array([30.0]))


def test_the_developer_signs_for_its_npv_less_its_margin_plus_fund_support():
    v = valuation()
    assert developer_surplus(v, prefs())[0] == pytest.approx(3e6 - 1.5e6)
    assert developer_surplus(v, prefs(developer_support=0.2e6))[0] == pytest.approx(1.7e6)
    assert developer_surplus(v, prefs(developer_risk_aversion=1.0))[0] == pytest.approx(2e6 - 1.5e6)


def test_the_municipality_accepts_a_loss_up_to_its_limit_or_budget_and_values_affordable_homes():
    """NPV −200k; it accepts 1,000 € × 100 homes (or its budget if less), adds 500 € per affordable home (30),
    the fund money committed to it, and a conditional grant only if the package meets its share."""
    v = valuation()
    assert municipal_surplus(v, prefs())[0] == pytest.approx(-200_000 + 100_000 + 15_000)
    assert municipal_surplus(v, prefs(budget_left=40_000.0))[0] == pytest.approx(-200_000 + 40_000 + 15_000)
    assert municipal_surplus(v, prefs(municipal_risk_aversion=1.0))[0] == pytest.approx(-300_000 + 115_000)
    assert municipal_surplus(v, prefs(municipal_support=50_000.0))[0] == pytest.approx(-35_000)
    met = prefs(conditions=((70_000.0, 0.3), (1e6, 0.31)))
    assert conditional_grants(v, met).tolist() == [70_000.0]
    assert municipal_surplus(v, met)[0] == pytest.approx(-15_000)
    empty = Valuation(v.municipality, v.developer, v.revenue, v.required_margin, 0.0, np.array([0.0]))
    assert conditional_grants(empty, prefs(conditions=((5.0, 0.0),))).tolist() == [5.0]


# ---------------------------------------------------------------- protocols (sim.negotiation.protocols)


def land_problem(dev_at: float = 30.0, mun_at: float = 10.0, rounds: int = 6, dev_beta: float = 1.0,
                 mun_beta: float = 1.0, weight: float = 0.5, batch: bool = False) -> Problem:
    """Only the land price (0-40 €/home) is open: the developer gains ``dev_at − L``, the municipality
    ``L − mun_at``. Along the line θ the price is 40 − 40θ, so a price of 10 lies exactly at θ = 0.75."""

    def evaluate(terms: Terms) -> tuple[float, float]:
        return dev_at - terms.land_price, terms.land_price - mun_at

    def evaluate_batch(land, affordable, overrun):
        return np.stack([dev_at - land, land - mun_at], axis=1)

    return Problem(evaluate=evaluate, evaluate_batch=evaluate_batch if batch else None, land_bounds=(0.0, 40.0),
                   affordable_bounds=(0.3, 0.3), overrun_bounds=(0.0, 0.0), developer_weight=weight,
                   max_rounds=rounds, developer_beta=dev_beta, municipal_beta=mun_beta)


def test_the_line_runs_from_the_municipal_to_the_developer_ideal():
    problem = Problem(evaluate=lambda t: (0.0, 0.0), evaluate_batch=None, land_bounds=(-10.0, 30.0),
                      affordable_bounds=(0.2, 0.6), overrun_bounds=(0.0, 1.0))
    assert problem.municipal_ideal() == Terms(30.0, 0.6, 1.0)
    assert problem.developer_ideal() == Terms(-10.0, 0.2, 0.0)
    assert problem.on_line(0.25).as_tuple() == pytest.approx((20.0, 0.5, 0.75))
    defaults = (problem.developer_weight, problem.max_rounds, problem.developer_beta, problem.municipal_beta)
    assert defaults == (0.5, 12, 1.0, 1.0)


@pytest.mark.parametrize("batch", [False, True])
def test_reservation_points_are_the_last_packages_each_side_accepts_at_zero_surplus(batch):
    """Surplus exactly 0 is acceptable: the municipality accepts up to θ = 0.75 (price 10), the developer from
    θ = 0.25 (price 30); a side that gains nowhere has no reservation point."""
    assert land_problem(batch=batch).reservation_points() == (0.75, 0.25)
    assert land_problem(mun_at=50.0, batch=batch).reservation_points() == (None, 0.25)
    assert land_problem(dev_at=-1.0, batch=batch).reservation_points() == (0.75, None)
    values = land_problem(batch=batch).evaluate_line(np.array([0.0, 0.5, 1.0]))
    assert values.tolist() == [[-10.0, 30.0], [10.0, 10.0], [30.0, -10.0]]


def test_alternating_offers_concede_by_each_sides_tactic_until_the_developer_accepts():
    """β_mun = 2 (concedes early: θ = 0.75·√(t/5)), β_dev = 0.5 (holds out: θ = 1 − 0.75·(t/5)²). Round 3 the
    municipality offers θ = 0.474 (price 21.03, worth 8.97 to the developer, less than its own next offer
    at price 10.8); round 4 the developer offers 10.8 (worth 0.8 to the municipality, less than its next
    offer at 13.17); round 5 the municipality offers 13.17, worth 16.83 to the developer, at least its last
    offer (price 30, worth 0): accepted."""
    outcome = resolve_protocol("alternating_offers").negotiate(land_problem(dev_beta=0.5, mun_beta=2.0))
    script = [(o.round, o.proposer, round(o.terms.land_price, 2), round(o.developer_surplus, 2),
               round(o.municipal_surplus, 2)) for o in outcome.offers]
    assert script == [(1, "municipality", 40.0, -10.0, 30.0), (2, "developer", 1.2, 28.8, -8.8),
                      (3, "municipality", 21.03, 8.97, 11.03), (4, "developer", 10.8, 19.2, 0.8),
                      (5, "municipality", 13.17, 16.83, 3.17)]
    assert (outcome.success, outcome.rounds, outcome.reason) == (True, 5, "developer accepted")
    assert outcome.terms.land_price == pytest.approx(40 - 40 * 0.75 * 0.8 ** 0.5)


@pytest.mark.parametrize(("dev_at", "mun_at", "who"), [(30.0, 50.0, "municipality"), (-1.0, 10.0, "developer"),
                                                       (-1.0, 50.0, "municipality")])
def test_alternating_offers_without_an_acceptable_package_end_at_once_naming_the_side(dev_at, mun_at, who):
    outcome = resolve_protocol("alternating_offers").negotiate(land_problem(dev_at, mun_at))
    assert (outcome.success, outcome.terms, outcome.rounds, outcome.protocol, outcome.reason, outcome.offers) == \
        (False, None, 0, "alternating_offers", f"no package is acceptable to the {who}", [])


def test_alternating_offers_that_never_meet_end_at_the_deadline_with_the_reason():
    """Reservation points apart (the municipality accepts a price ≥ 20, the developer ≤ 10): every offer made,
    no deal. With overlapping points but one round, the municipality's opening offer is refused."""
    apart = resolve_protocol("alternating_offers").negotiate(land_problem(dev_at=10.0, mun_at=20.0, rounds=4))
    assert (apart.success, apart.terms, apart.rounds, len(apart.offers)) == (False, None, 4, 4)
    assert apart.reason == "deadline passed: the parties' reservation points do not overlap"
    short = resolve_protocol("alternating_offers").negotiate(land_problem(rounds=1))
    assert (short.success, short.rounds, short.reason) == (False, 1, "deadline passed before the offers met")
    assert [(o.round, o.proposer, o.terms.land_price) for o in short.offers] == [(1, "municipality", 40.0)]


def test_the_municipality_accepts_a_developer_offer_worth_at_least_its_own_next_offer():
    """Two rounds: the developer's θ = 1 − 0.75 = 0.25 (price 30, worth 20 to the municipality) is at least the
    municipality's own next (last) offer θ = 0.75 (price 10, worth 0): accepted in round 2."""
    outcome = resolve_protocol("alternating_offers").negotiate(land_problem(rounds=2))
    assert (outcome.success, outcome.rounds, outcome.reason) == (True, 2, "municipality accepted")
    assert outcome.terms.land_price == pytest.approx(30.0)
    assert [(o.proposer, o.municipal_surplus) for o in outcome.offers] == [("municipality", 30.0), ("developer", 20.0)]


@pytest.mark.parametrize(("weight", "price"), [(0.5, 20.0), (0.75, 15.0), (0.25, 25.0)])
def test_nash_maximises_the_weighted_log_surpluses(weight, price):
    """max w·log(30 − L) + (1 − w)·log(L − 10): L = 30 − 20w (20 at equal weights, 15 for a strong developer)."""
    problem = land_problem(weight=weight)
    outcome = resolve_protocol("nash").negotiate(problem)
    assert (outcome.success, outcome.rounds, outcome.protocol, outcome.reason) == \
        (True, 1, "nash", "Nash bargaining solution")
    assert outcome.terms.land_price == pytest.approx(price, abs=0.01)
    assert outcome.terms.affordable_share == 0.3 and outcome.terms.overrun_share == 0.0
    (offer,) = outcome.offers
    assert (offer.round, offer.proposer, offer.terms) == (1, "arbiter", outcome.terms)
    assert (offer.developer_surplus, offer.municipal_surplus) == pytest.approx((30 - price, price - 10), abs=0.01)


def test_nash_fails_without_a_package_both_sides_gain_from():
    """Touching reservation points (both gain 0 at price 20) are not enough: the surplus must be positive."""
    for problem in (land_problem(dev_at=10.0, mun_at=20.0), land_problem(dev_at=20.0, mun_at=20.0)):
        outcome = resolve_protocol("nash").negotiate(problem)
        assert (outcome.success, outcome.terms, outcome.rounds, outcome.protocol, outcome.reason) == \
            (False, None, 1, "nash", "no package gives both sides a positive surplus")


# ---------------------------------------------------------------- deal upkeep (sim.negotiation.upkeep)


def mini_world(**changes):
    """The mini world (steady market): north (middle, developer:1) and south (relaxed, developer:2);
    three developers; the quarter is 0 and no phase has started preparation."""
    return AreaModel(from_dict(mini(market={"mode": "steady"}, **changes)), seed=1)


def events_of(model, name: str) -> list[dict]:
    return [e for e in model.events if e["event"] == name]


def test_a_position_passes_to_the_next_solvent_developer_in_turn():
    """north is developer:1's: it passes to developer:2; if that one failed, to developer:3; from developer:3 it
    wraps round to developer:1. The deal and the last attempt are void (a new developer negotiates afresh)."""
    model = mini_world()
    north, south = model.areas
    d1, d2, d3 = model.parties.developers
    north.deal, north.last_attempt = "a deal", 3.0
    hand_over(model.desk, north, "developer failed")
    assert north.developer is d2 and north in d2.areas and north not in d1.areas
    assert (north.deal, north.last_attempt) == (None, None)
    assert events_of(model, "developer_exit") == [
        {"time": 0.0, "area": "north", "phase": -1, "event": "developer_exit", "leaving": "developer:1",
         "joining": "developer:2", "reason": "developer failed"}]
    d3.failed = True
    hand_over(model.desk, south, "renegotiation failed")
    assert south.developer is d1 and d2.areas == [north] and d1.areas == [south]
    d3.failed, d1.failed = False, True
    north.developer, d2.areas, d3.areas = d3, [], [north]
    hand_over(model.desk, north, "x")
    assert north.developer is d2


def test_with_no_solvent_developer_left_the_position_stays_and_the_deal_is_void():
    model = mini_world()
    north = model.areas[0]
    d1, d2, d3 = model.parties.developers
    d2.failed = d3.failed = True
    north.deal, north.last_attempt = "a deal", 3.0
    hand_over(model.desk, north, "developer failed")
    assert north.developer is d1 and d1.areas == [north]
    assert (north.deal, north.last_attempt) == (None, None)
    (event,) = events_of(model, "developer_exit")
    assert (event["leaving"], event["joining"], event["reason"]) == \
        ("developer:1", "", "developer failed; no developer left")


def test_a_developer_beyond_its_credit_limit_fails_and_hands_over_only_its_unstarted_areas():
    """developer:1 (north) and developer:2 (south) both pay out more than their credit lines; south has all its
    phases given the go, so only north passes on: to developer:2, which fails next in the same check and passes
    it on to developer:3; south stays with developer:2."""
    model = mini_world()
    north, south = model.areas
    d1, d2, d3 = model.parties.developers
    for p in south.phases:
        p.go_time = 0.0
    books = model.ctx.books
    books.book(d1.account, "outside:shareholders", d1.credit_limit + 1.0, "setup")
    books.book(d2.account, "outside:shareholders", d2.credit_limit + 1.0, "setup")
    check_developers(model.desk)
    failed = events_of(model, "developer_failed")
    assert [(e["party"], e["cash"]) for e in failed] == [("developer:1", d1.cash), ("developer:2", d2.cash)]
    assert failed[0]["credit_limit"] == pytest.approx(d1.credit_limit)
    assert d1.failed and d2.failed and not d3.failed
    assert north.developer is d3 and south.developer is d2
    assert [(e["area"], e["joining"], e["reason"]) for e in events_of(model, "developer_exit")] == \
        [("north", "developer:2", "developer failed"), ("north", "developer:3", "developer failed")]
    check_developers(model.desk)  # a failed developer fails once
    assert len(events_of(model, "developer_failed")) == 2


@pytest.fixture
def upkeep_world(monkeypatch):
    """(model, calls, replies): north and south have started preparation; `negotiate` is replaced by a recorder
    that returns replies[area name] (default: a new deal string)."""
    model = mini_world()
    for area in model.areas:
        area.phases[0].stage = 0
    calls, replies = [], {}

    def negotiate(desk, area, why):
        calls.append((area.name, why))
        return replies.get(area.name, f"deal {len(calls)}")

    monkeypatch.setattr("sim.negotiation.upkeep.negotiate", negotiate)
    return model, calls, replies


def price_now(model, area) -> float:
    return float(model.ctx.market.price_index[area.region_index, 0])


def test_a_first_deal_is_opened_once_preparation_starts(upkeep_world):
    model, calls, _ = upkeep_world
    north, south = model.areas
    for p in north.phases:
        p.stage = -1  # north has not started preparation: nothing to negotiate yet
    upkeep(model.desk)
    assert calls == [("south", "first deal")] and south.deal == "deal 1" and north.deal is None


@pytest.mark.parametrize("skip", ["failed", "no developer", "all given the go"])
def test_no_deal_is_opened_without_a_solvent_developer_or_an_unstarted_phase(upkeep_world, skip):
    model, calls, _ = upkeep_world
    north = model.areas[0]
    if skip == "failed":
        north.developer.failed = True
    elif skip == "no developer":
        north.developer = None
    else:
        for p in north.phases:
            p.go_time = 0.0
    upkeep(model.desk)
    assert calls == [("south", "first deal")]


@pytest.mark.parametrize(("last", "move", "retried"), [(-7.0, 1.0, False), (-8.0, 1.0, True), (-1.0, 1.21, True),
                                                      (-1.0, 1.19, False), (-1.0, 0.79, True), (-1.0, 0.81, False)])
def test_a_failed_negotiation_is_retried_after_eight_quarters_or_a_price_move_of_over_20_percent(
        upkeep_world, last, move, retried):
    model, calls, _ = upkeep_world
    north, south = model.areas
    for area in (north, south):
        area.last_attempt = last
        area.last_attempt_price = price_now(model, area) / move
    upkeep(model.desk)
    assert calls == ([("north", "retry"), ("south", "retry")] if retried else [])


def deal_on(area, share: float = 0.5, time: float = -8.0, index: float = 1.0, imposed: bool = False) -> Deal:
    return Deal(Terms(1000.0, share, 0.0), area.developer, time, time, index, 4, "nash", imposed)


@pytest.mark.parametrize(("time", "move", "demand", "why"), [
    (-8.0, 1.21, None, "market moved"), (-7.0, 1.21, None, None), (-8.0, 1.19, None, None),
    (-8.0, 0.79, None, "market moved"), (-8.0, 1.0, 0.5 + 0.11, "programme demand changed"),
    (-8.0, 1.0, 0.5 - 0.11, "programme demand changed"), (-8.0, 1.0, 0.5 + 0.09, None),
    (-7.0, 1.0, 0.5 + 0.2, None)])
def test_a_deal_is_reopened_when_the_market_or_the_programme_demand_moved_after_eight_quarters(
        upkeep_world, time, move, demand, why):
    """Threshold 20 % on the price index since signing; the demanded affordable share off the deal's 0.5 by more
    than the municipality's flexibility (0.1); never within 8 quarters of signing."""
    model, calls, _ = upkeep_world
    assert model.spec.actors.municipality.affordable_flexibility == 0.1
    north = model.areas[0]
    model.areas[1].phases[0].stage = -1
    north.deal = deal_on(north, time=time, index=price_now(model, north) / move)
    north.affordable_demand = 0.5 if demand is None else demand
    upkeep(model.desk)
    assert calls == ([] if why is None else [("north", "renegotiation: " + why)])
    assert north.deal == ("deal 1" if why else deal_on(north, time=time, index=price_now(model, north) / move))


def test_an_imposed_deal_is_never_reopened(upkeep_world, monkeypatch):
    model, calls, _ = upkeep_world
    north = model.areas[0]
    model.areas[1].phases[0].stage = -1
    north.deal = deal_on(north, index=price_now(model, north) / 2, imposed=True)
    north.affordable_demand = 0.9
    monkeypatch.setattr(model.desk.funds, "conditions", lambda area: [(1e6, 0.0, 0.6)])
    upkeep(model.desk)
    assert calls == []


def test_a_grant_on_a_higher_share_reopens_a_fresh_deal_at_once_and_if_that_fails_the_grant_is_lost(
        upkeep_world, monkeypatch):
    """A grant needs share 0.6 and the deal (signed this quarter) has 0.5: reopened at once. No agreement: the
    old deal holds, the developer stays, and the funds are told the deal in force (which costs the grant)."""
    model, calls, replies = upkeep_world
    north = model.areas[0]
    model.areas[1].phases[0].stage = -1
    old = north.deal = deal_on(north, time=0.0, index=price_now(model, north))
    north.affordable_demand = 0.5
    monkeypatch.setattr(model.desk.funds, "conditions", lambda area: [(1e6, 0.0, 0.6)] if area is north else [])
    told = []
    monkeypatch.setattr(model.desk.funds, "on_deal", lambda area, terms: told.append((area.name, terms)))
    replies["north"] = None
    upkeep(model.desk)
    assert calls == [("north", "renegotiation: grant condition (affordable share)")]
    assert north.deal is old and north.developer is model.parties.developers[0] and told == [("north", old.terms)]
    del replies["north"]
    upkeep(model.desk)
    assert north.deal == "deal 2"


def test_a_grant_condition_the_deal_meets_reopens_nothing(upkeep_world, monkeypatch):
    model, calls, _ = upkeep_world
    north = model.areas[0]
    model.areas[1].phases[0].stage = -1
    north.deal = deal_on(north, share=0.6 - 0.5e-6, time=0.0, index=price_now(model, north))
    north.affordable_demand = 0.6
    monkeypatch.setattr(model.desk.funds, "conditions", lambda area: [(1e6, 0.0, 0.6)])
    upkeep(model.desk)
    assert calls == []


def test_a_failed_renegotiation_passes_the_position_to_the_next_developer(upkeep_world):
    model, calls, replies = upkeep_world
    north = model.areas[0]
    model.areas[1].phases[0].stage = -1
    north.deal = deal_on(north, index=price_now(model, north) / 1.5)
    replies["north"] = None
    upkeep(model.desk)
    assert calls == [("north", "renegotiation: market moved")]
    assert north.deal is None and north.developer is model.parties.developers[1]
    assert [(e["leaving"], e["joining"], e["reason"]) for e in events_of(model, "developer_exit")] == \
        [("developer:1", "developer:2", "renegotiation failed")]


def test_a_side_accepts_an_offer_worth_exactly_nothing_to_it_when_that_is_its_last_position():
    """Reservation points touch at price 20 (both gain 0 there). Over two rounds the developer's last offer, 20,
    is worth 0 to the municipality, as much as its own last offer: accepted. Over three rounds the
    municipality's last offer, 20, is accepted by the developer the same way. Over one round the opening
    offer (40) is refused: the deadline passes before the offers met (the points do not lie apart)."""
    two = resolve_protocol("alternating_offers").negotiate(land_problem(dev_at=20.0, mun_at=20.0, rounds=2))
    assert (two.success, two.rounds, two.protocol, two.reason) == \
        (True, 2, "alternating_offers", "municipality accepted")
    assert two.terms.land_price == 20.0 and two.offers[-1].municipal_surplus == 0.0
    three = resolve_protocol("alternating_offers").negotiate(land_problem(dev_at=20.0, mun_at=20.0, rounds=3))
    assert (three.success, three.rounds, three.protocol, three.reason) == \
        (True, 3, "alternating_offers", "developer accepted")
    assert three.terms.land_price == 20.0 and three.offers[-1].developer_surplus == 0.0
    one = resolve_protocol("alternating_offers").negotiate(land_problem(dev_at=20.0, mun_at=20.0, rounds=1))
    assert (one.success, one.protocol, one.reason) == \
        (False, "alternating_offers", "deadline passed before the offers met")


def test_nash_finds_a_small_surplus_and_splits_it():
    """Only 60 cents to share (developer 10.5 − L, municipality L − 9.9): each side gains 30 cents at L = 10.2.
    (The zone of agreement must hold a point of the 41-point line: here L = 10.)"""
    outcome = resolve_protocol("nash").negotiate(land_problem(dev_at=10.5, mun_at=9.9))
    assert outcome.success and outcome.terms.land_price == pytest.approx(10.2, abs=1e-3)


def two_issue_problem(weight: float = 0.5) -> Problem:
    """Land price −40…40 and affordable share 0…1 open: an affordable home costs the developer 10 and is worth 40
    to the municipality (developer 30 − L − 10a, municipality L − 10 + 40a). The line between the ideals
    (40, 1) and (−40, 0) moves both issues together; the best package is off it: a = 1 and L = 30 − 10 − 50w."""

    def evaluate(terms: Terms) -> tuple[float, float]:
        a = terms.affordable_share
        return 30.0 - terms.land_price - 10.0 * a, terms.land_price - 10.0 + 40.0 * a

    return Problem(evaluate=evaluate, evaluate_batch=None, land_bounds=(-40.0, 40.0), affordable_bounds=(0.0, 1.0),
                   overrun_bounds=(0.0, 0.0), developer_weight=weight)


@pytest.mark.parametrize(("weight", "price"), [(0.5, -5.0), (0.3, 5.0)])
def test_nash_searches_all_issues_not_only_the_line_between_the_ideals(weight, price):
    """Surplus 20 + 30a is largest at a = 1 (50 to share): split by weight, w·50 to the developer."""
    outcome = resolve_protocol("nash").negotiate(two_issue_problem(weight))
    assert outcome.terms.affordable_share == pytest.approx(1.0, abs=1e-3)
    assert outcome.terms.land_price == pytest.approx(price, abs=0.05)
    assert outcome.offers[0].developer_surplus == pytest.approx(50 * weight, abs=0.05)


@pytest.mark.parametrize("flat", ["developer", "municipality"])
def test_nash_never_settles_on_a_package_worth_nothing_to_a_side(flat):
    """The developer gains 30 − L, the municipality L − 10, but one side's surplus is floored at zero (a flat
    zero beyond its reservation price). The Nash package (L = 20) gives both 10; a package worth exactly
    0 to a side is never taken for a gain (its log is not taken)."""

    def evaluate(terms: Terms) -> tuple[float, float]:
        dev, mun = 30.0 - terms.land_price, terms.land_price - 10.0
        return (max(0.0, dev), mun) if flat == "developer" else (dev, max(0.0, mun))

    problem = Problem(evaluate=evaluate, evaluate_batch=None, land_bounds=(0.0, 40.0), affordable_bounds=(0.3, 0.3),
                      overrun_bounds=(0.0, 0.0))
    outcome = resolve_protocol("nash").negotiate(problem)
    assert outcome.success and outcome.terms.land_price == pytest.approx(20.0, abs=0.01)


# ---------------------------------------------------------------- the broker (sim.negotiation.broker)


class Scripted(Protocol):
    """A protocol that returns a set outcome and counts its calls (to follow what the broker does with it)."""

    name = "scripted"

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.calls = 0

    def negotiate(self, problem: Problem) -> Outcome:
        self.calls += 1
        return self.outcome


AGREED = Terms(1000.0, 0.5, 0.0)


def agreed(rounds: int = 6) -> Outcome:
    return Outcome(True, AGREED, rounds, "scripted", "developer accepted",
                   [Offer(1, "municipality", AGREED, 12_345.6, -7.4)])


def broker_world(cooperation: str = "joint_venture", outcome: Outcome | None = None, **negotiation):
    """(model, north, protocol): north (middle, developer:1, 1,200 homes, 55 % affordable demanded) under
    ``cooperation`` has started preparation; the desk's protocol is scripted."""
    data = mini(market={"mode": "steady"})
    data["areas"][0]["cooperation"] = cooperation
    data["actors"]["negotiation"] = negotiation
    model = AreaModel(from_dict(data), seed=1)
    north = model.areas[0]
    north.phases[0].stage = 0
    model.desk.protocol = protocol = Scripted(outcome or agreed())
    return model, north, protocol


def cost_entries(model) -> list[tuple[str, str, float, str, str]]:
    return [(t.source, t.target, round(t.amount, 2), t.category, t.area) for t in model.ledger.transactions()
            if t.category == "transaction_cost"]


def test_a_first_deal_costs_both_sides_their_consultants_and_takes_effect_when_its_rounds_are_over(monkeypatch):
    """Six rounds at four a quarter: 1.5 quarters, after which the deal takes effect. Each side pays €250,000 of
    transaction costs, the programme of the unstarted phases is re-split to the agreed 50 % affordable, the
    funds hear of the deal, and each side has one deal of experience with the joint venture."""
    model, north, protocol = broker_world()
    told = []
    monkeypatch.setattr(model.desk.funds, "on_deal", lambda area, terms: told.append((area.name, terms)))
    municipality = model.parties.municipality_of(north)
    problem = make_problem(model.desk, north, municipality, north.developer, build_outlook(model.desk, north,
                                                                                          north.developer))
    deal = negotiate(model.desk, north, "first deal")
    price = float(model.ctx.market.price_index[0, 0])
    assert deal == Deal(AGREED, north.developer, 0.0, 1.5, price, 6, "scripted", False)
    assert cost_entries(model) == [("developer:1", "outside:consultants", 250_000.0, "transaction_cost", "north"),
                                   ("municipality:middle", "outside:consultants", 250_000.0, "transaction_cost",
                                    "north")]
    assert model.desk.experience == {("developer:1", "joint_venture"): 1, ("municipality:middle", "joint_venture"): 1}
    assert (north.last_attempt, north.last_attempt_price) == (0.0, price)
    assert told == [("north", AGREED)] and protocol.calls == 1
    assert all(abs((p.homes[0] + p.homes[1]) / p.homes.sum() - 0.5) < 0.01 for p in north.phases)
    (event,) = events_of(model, "negotiation")
    s_dev, s_mun = problem.evaluate(AGREED)
    assert event == {"time": 0.0, "area": "north", "phase": -1, "event": "negotiation", "why": "first deal",
                     "protocol": "scripted", "success": True, "imposed": False, "rounds": 6, "duration_quarters": 1.5,
                     "reason": "developer accepted", "developer": "developer:1", "cooperation": "joint_venture",
                     "land_price": 1000.0, "affordable_share": 0.5, "overrun_share": 0.0,
                     "developer_surplus": pytest.approx(s_dev), "municipal_surplus": pytest.approx(s_mun),
                     "offers": offers_log(agreed())}


def test_experience_makes_the_next_deal_cheaper_and_faster_and_a_renegotiation_holds_the_old_deal_meanwhile():
    """With one deal of experience each (learning rate 0.3): consultants cost 250,000 × 0.7 = 175,000 and the six
    rounds take 6 / (4 × 1.3) quarters; a renegotiated deal takes effect at once (the old one held meanwhile)."""
    model, north, _ = broker_world()
    north.deal = negotiate(model.desk, north, "first deal")
    again = negotiate(model.desk, north, "renegotiation: market moved")
    assert again.effective_at == again.time == 0.0
    assert cost_entries(model)[2:] == [
        ("developer:1", "outside:consultants", 175_000.0, "transaction_cost", "north"),
        ("municipality:middle", "outside:consultants", 175_000.0, "transaction_cost", "north")]
    second = events_of(model, "negotiation")[1]
    assert second["duration_quarters"] == pytest.approx(6 / 5.2) and second["why"] == "renegotiation: market moved"
    assert model.desk.experience[("developer:1", "joint_venture")] == 2


@pytest.mark.parametrize("sharing", [False, True])
def test_experience_is_counted_per_party_and_model_and_pooled_among_municipalities_that_share_knowledge(sharing):
    desk = broker_world(knowledge_sharing=sharing)[0].desk
    desk.experience.update({("municipality:relaxed", "joint_venture"): 2, ("municipality:middle", "joint_venture"): 1,
                            ("municipality:middle", "concession"): 5, ("developer:2", "joint_venture"): 4})
    assert experience(desk, "municipality:middle", "joint_venture", True) == (3 if sharing else 1)
    assert experience(desk, "developer:1", "joint_venture", False) == 0  # developers do not pool
    assert experience(desk, "developer:2", "joint_venture", False) == 4


def test_a_failed_negotiation_still_costs_both_sides_and_gives_no_deal_nor_experience():
    failed = Outcome(False, None, 12, "scripted", "deadline passed before the offers met", [])
    model, north, _ = broker_world(outcome=failed)
    assert negotiate(model.desk, north, "first deal") is None
    assert len(cost_entries(model)) == 2 and model.desk.experience == {}
    (event,) = events_of(model, "negotiation")
    assert (event["success"], event["land_price"], event["affordable_share"], event["overrun_share"]) == \
        (False, None, None, None)
    assert np.isnan(event["developer_surplus"]) and np.isnan(event["municipal_surplus"])
    assert (event["rounds"], event["duration_quarters"], event["offers"]) == (12, 3.0, "[]")


def test_under_the_land_price_policy_plots_are_sold_at_todays_residual_value_with_the_municipal_programme():
    """Traditional: no protocol is run; the terms are the lowest land price bound (today's residual value), the
    demanded affordable share and no overruns for the developer."""
    model, north, protocol = broker_world("traditional")
    municipality = model.parties.municipality_of(north)
    problem = make_problem(model.desk, north, municipality, north.developer, build_outlook(model.desk, north,
                                                                                          north.developer))
    settlement = settle(model.desk, north, problem)
    assert protocol.calls == 0
    assert settlement.terms == Terms(problem.land_bounds[0], problem.affordable_bounds[1], 0.0)
    assert settlement.outcome.protocol == "land-price policy" and settlement.outcome.rounds == 0
    assert settlement.outcome.success and not settlement.imposed
    assert (settlement.developer_surplus, settlement.municipal_surplus) == problem.evaluate(settlement.terms)


def fallback_problem(dev_at: float) -> Problem:
    def evaluate(terms: Terms) -> tuple[float, float]:
        return dev_at - terms.land_price, terms.land_price - 10.0

    return Problem(evaluate=evaluate, evaluate_batch=None, land_bounds=(0.0, 40.0), affordable_bounds=(0.2, 0.4),
                   overrun_bounds=(0.0, 0.0))


@pytest.mark.parametrize(("dev_at", "imposed"), [(40.0, True), (39.0, False)])
def test_a_failed_voluntary_agreement_falls_back_to_the_capped_contribution_only_if_the_owner_can_still_build(
        dev_at, imposed):
    """Private realisation: no deal → the contribution at its cap (the highest land price, 40) with the demanded
    programme (0.4) is imposed, if the owner's surplus is still ≥ 0 (exactly 0 at 40); else no deal."""
    failed = Outcome(False, None, 12, "scripted", "deadline passed", [])
    desk = SimpleNamespace(protocol=Scripted(failed))
    settlement = settle(desk, SimpleNamespace(coop=resolve("private_realisation")), fallback_problem(dev_at))
    assert settlement.imposed is imposed and settlement.outcome is failed
    if imposed:
        assert settlement.terms == Terms(40.0, 0.4, 0.0)
        assert (settlement.developer_surplus, settlement.municipal_surplus) == (0.0, 30.0)
    else:
        assert settlement.terms is None and np.isnan(settlement.developer_surplus)
    other = settle(desk, SimpleNamespace(coop=resolve("concession")), fallback_problem(dev_at))
    assert other.terms is None and not other.imposed  # no public-law fallback under other models


def test_the_offers_are_logged_rounded_to_euros_and_thousandths():
    outcome = Outcome(True, AGREED, 2, "x", "y", [
        Offer(1, "municipality", Terms(1234.56, 0.45678, 0.12345), 1e6 + 0.6, -2.4),
        Offer(2, "developer", Terms(-10.4, 0.3, 1.0), -0.5, 7.5)])
    assert json.loads(offers_log(outcome)) == [
        {"round": 1, "by": "municipality", "land_price": 1235, "affordable_share": 0.457, "overrun_share": 0.123,
         "developer_surplus": 1000001, "municipal_surplus": -2},
        {"round": 2, "by": "developer", "land_price": -10, "affordable_share": 0.3, "overrun_share": 1.0,
         "developer_surplus": 0, "municipal_surplus": 8}]


def test_a_new_programme_keeps_homes_already_sold_to_buyers_owner_occupied():
    """Phase 1 of north (400 homes) with 150.2 owner-occupied homes presold: at 80 % affordable only 80 would stay
    owner-occupied, but 151 are sold (rounded up): they stay, the mid-rent homes give way. Started phases
    keep their programme."""
    model, north, _ = broker_world()
    first, second, third = north.phases
    first.owner_sold = 150.2
    third.go_time = 0.0
    kept = third.homes.copy()
    apply_programme(north, 0.8)
    assert first.homes[3] == 151 and first.homes.sum() == 400
    assert second.homes[3] == 400 - round(0.8 * 400) and (second.homes[0] + second.homes[1]) == 320
    assert third.homes.tolist() == kept.tolist()
    for p in north.phases:
        p.go_time = 0.0
    apply_programme(north, 0.1)  # nothing unstarted: nothing changes
    assert first.homes[3] == 151


@pytest.mark.parametrize("batch", [False, True])
def test_trade_offs_on_land_price_alone_offer_the_price_nearest_the_other_side_that_meets_the_aspiration(batch):
    """Only the land price is open (0-40; developer 30 − L, municipality L − 10; both at best 30). Aspirations
    fall linearly to 0 over rounds 0-5: 30, 24, 18, 12, 6. The municipality opens at 40; the developer offers
    the highest price still worth 24 to it (6, on the 0.5-step fine grid), the municipality the lowest
    worth 18 (28), the developer 18 (worth 12); that is worth 8 to the municipality, above its next
    aspiration of 6: accepted in round 4."""
    outcome = resolve_protocol("tradeoffs").negotiate(land_problem(batch=batch))
    script = [(o.round, o.proposer, o.terms.land_price, o.developer_surplus, o.municipal_surplus)
              for o in outcome.offers]
    assert script == [(1, "municipality", 40.0, -10.0, 30.0), (2, "developer", 6.0, 24.0, -4.0),
                      (3, "municipality", 28.0, 2.0, 18.0), (4, "developer", 18.0, 12.0, 8.0)]
    assert (outcome.success, outcome.rounds, outcome.protocol, outcome.reason) == \
        (True, 4, "tradeoffs", "municipality accepted")
    assert outcome.terms == Terms(18.0, 0.3, 0.0)


def test_trade_offs_concede_by_each_sides_tactic():
    """β_mun = 2 (aspiration 30·(1 − √(t/5))), β_dev = 0.5 (30·(1 − (t/5)²)): offers 40, 1 (worth ≥ 28.8 to the
    developer), 21.5 (≥ 11.03 to the municipality), 10.5 (≥ 19.2), 13.5 (≥ 3.17); the developer accepts
    the last (16.5, at least its final aspiration 0) in round 5."""
    outcome = resolve_protocol("tradeoffs").negotiate(land_problem(dev_beta=0.5, mun_beta=2.0))
    assert [(o.proposer, o.terms.land_price) for o in outcome.offers] == [
        ("municipality", 40.0), ("developer", 1.0), ("municipality", 21.5), ("developer", 10.5),
        ("municipality", 13.5)]
    assert (outcome.success, outcome.rounds, outcome.reason) == (True, 5, "developer accepted")


@pytest.mark.parametrize(("dev_at", "mun_at", "who"), [(30.0, 50.0, "municipality"), (-1.0, 10.0, "developer"),
                                                       (-1.0, 50.0, "municipality")])
def test_trade_offs_without_an_acceptable_package_end_at_once_naming_the_side(dev_at, mun_at, who):
    outcome = resolve_protocol("tradeoffs").negotiate(land_problem(dev_at, mun_at))
    assert (outcome.success, outcome.terms, outcome.rounds, outcome.protocol, outcome.reason, outcome.offers) == \
        (False, None, 0, "tradeoffs", f"no package is acceptable to the {who}", [])


def test_trade_offs_that_never_meet_end_at_the_deadline_with_the_reason():
    """Points apart (the developer accepts ≤ 10, the municipality ≥ 20): no package for both. Touching at 20
    (both gain 0 there) but one round: the opening offer is refused before the offers met."""
    apart = resolve_protocol("tradeoffs").negotiate(land_problem(dev_at=10.0, mun_at=20.0, rounds=4))
    assert (apart.success, apart.terms, apart.rounds, apart.protocol, len(apart.offers)) == \
        (False, None, 4, "tradeoffs", 4)
    assert apart.reason == "deadline passed: no package is acceptable to both"
    short = resolve_protocol("tradeoffs").negotiate(land_problem(dev_at=20.0, mun_at=20.0, rounds=1))
    assert (short.success, short.rounds, short.reason) == (False, 1, "deadline passed before the offers met")


def test_trade_off_packages_span_every_open_issue_and_keep_a_closed_one_fixed():
    problem = Problem(evaluate=lambda t: (0.0, 0.0), evaluate_batch=None, land_bounds=(0.0, 40.0),
                      affordable_bounds=(0.2, 0.6), overrun_bounds=(0.5, 0.5))
    x = resolve_protocol("tradeoffs").candidates(problem)
    assert x.shape == (17 * 9, 3)
    assert sorted(set(x[:, 0])) == pytest.approx(list(np.linspace(0.0, 40.0, 17)))
    assert sorted(set(x[:, 1])) == pytest.approx(list(np.linspace(0.2, 0.6, 9)))
    assert set(x[:, 2]) == {0.5}
    assert x[:9, 0].tolist() == [0.0] * 9 and x[:9, 1].tolist() == pytest.approx(list(np.linspace(0.2, 0.6, 9)))


def test_with_shared_knowledge_a_municipality_pays_and_takes_time_by_the_pooled_experience_a_developer_by_its_own():
    """developer:1 has two joint-venture deals (consultants 250,000 × 0.7² = 122,500); the middle municipality
    none but the relaxed one one, pooled: 1 (175,000). The rounds go at the pair's mean experience, 1.5."""
    model, north, _ = broker_world(knowledge_sharing=True)
    model.desk.experience.update({("developer:1", "joint_venture"): 2, ("municipality:relaxed", "joint_venture"): 1})
    negotiate(model.desk, north, "first deal")
    assert cost_entries(model) == [("developer:1", "outside:consultants", 122_500.0, "transaction_cost", "north"),
                                   ("municipality:middle", "outside:consultants", 175_000.0, "transaction_cost",
                                    "north")]
    (event,) = events_of(model, "negotiation")
    assert event["duration_quarters"] == pytest.approx(6 / (4 * 1.3 ** 1.5))


def test_the_land_price_policy_sells_at_the_lowest_bound_with_the_programme_demanded_and_no_overrun_share():
    """Any model with the land-price policy (here a stand-in with open bounds): land price 0 (today's residual
    value, the lower bound), affordable 0.4 (the upper bound, the programme demanded), overrun share 0."""
    coop = SimpleNamespace(land_price_at_market=True, fallback_on_failure=False)
    problem = fallback_problem(40.0)
    problem.overrun_bounds = (0.0, 1.0)
    desk = SimpleNamespace(protocol=Scripted(agreed()))
    settlement = settle(desk, SimpleNamespace(coop=coop), problem)
    assert settlement.terms == Terms(0.0, 0.4, 0.0) and desk.protocol.calls == 0
    assert settlement.outcome.reason == ("serviced plots sold at the municipality's land price (today's residual "
                                         "value) with the programme it sets")
    assert settlement.outcome.offers == [] and settlement.offers_log == "[]"


def test_the_negotiators_see_each_unstarted_phase_with_its_remaining_works_buy_outs_and_expected_start(monkeypatch):
    """North under a joint venture at quarter 0: phase 0 given the go (not negotiated), phase 1 with marketing open
    (starts 2 quarters after its planned start, 8), phase 2 with its plan (12 quarters after 16). Works at a
    cost index of 1.2, buy-outs at 1.1; the land not the municipality's is 20 % developers', 60 % businesses'
    (a quarter of the buy-outs is developers' positions). Financing: half the construction cost over 5/4 years
    at bond rate + spread."""
    model, north, _ = broker_world()
    first, second, third = north.phases
    first.go_time = 0.0
    second.marketing_open = True
    for p in (second, third):
        p.estimates = {"acquisition": 1000.0, "demolition": 100.0, "infrastructure": 10.0}
        p.unpaid = dict(p.estimates)
    del third.unpaid["infrastructure"]  # paid already
    monkeypatch.setattr(model.ctx, "item_index", lambda area, item: 1.1 if item == "acquisition" else 1.2)
    out = build_outlook(model.desk, north, north.developer)
    assert out.homes.tolist() == [second.homes.tolist(), third.homes.tolist()]
    assert (second.planned_start, third.planned_start) == (8.0, 16.0)
    assert out.lag.tolist() == [8.0 + 2.0, 16.0 + 12.0]
    assert out.works.tolist() == pytest.approx([110 * 1.2, 100 * 1.2])
    assert out.buyout_business.tolist() == pytest.approx([1100 * 0.75] * 2)
    assert out.buyout_developer.tolist() == pytest.approx([1100 * 0.25] * 2)
    spec, econ = model.spec, model.ctx.econ
    bond = model.ctx.market.bond_rate[0]
    spread = spec.actors.developers.borrowing_spread
    assert out.construction.tolist() == econ.construction_cost[0].tolist()
    assert out.finance.tolist() == pytest.approx((econ.construction_cost[0] * (bond + spread) * 5 / 8).tolist())
    assert (out.developer_rate, out.municipal_rate) == (pytest.approx(bond + spread), 0.02)
    assert out.owner_price == econ.sale_value[0, 0, 3] and out.rental_value.tolist() == econ.sale_value[0, 0].tolist()
    assert out.social_land_price == econ.land_value[0, 0, 0]
    assert (out.cost_sigma, out.overrun_mean) == (north.archetype.cost_uncertainty, north.archetype.overrun_mean)
    dev = spec.actors.developers
    assert (out.margin, out.rental_margin, out.sales_cost_share) == \
        (dev.required_margin, dev.rental_margin, dev.sales_cost_share)
    second.planned_start, third.planned_start = -3.0, 1.0  # past its planned start: only the lead is left
    assert build_outlook(model.desk, north, north.developer).lag.tolist() == [2.0, 1.0 + 12.0]
    for p in north.phases:
        p.go_time = 0.0
    assert build_outlook(model.desk, north, north.developer) is None


def test_without_private_owners_there_are_no_developer_positions_to_buy(monkeypatch):
    data = mini(market={"mode": "steady"})
    data["areas"][0]["cooperation"] = "joint_venture"
    data["areas"][0]["ownership"] = {"municipality": 1.0, "developers": 0.0, "businesses": 0.0}
    model = AreaModel(from_dict(data), seed=1)
    north = model.areas[0]
    for p in north.phases:
        p.estimates["acquisition"] = p.unpaid["acquisition"] = 1000.0
    out = build_outlook(model.desk, north, north.developer)
    assert out.buyout_developer.tolist() == [0.0] * 3 and (out.buyout_business > 0).all()


def expected_surpluses(model, north, outlook, prefs, land, share, overrun):
    """Each side's surplus by the valuation of sim.negotiation.economics on its own beliefs (drift from today's
    price and cost history) and its own imagined overruns."""
    municipality, developer = model.parties.municipality_of(north), north.developer
    prices, costs = model.ctx.market.price_index[0, :1], model.ctx.market.cost_index[:1]
    args = (outlook, np.array([land]), np.array([share]), np.array([overrun]), north.coop)
    dev = developer_surplus(party_npvs(*args, developer.beliefs.multipliers(developer.beliefs.drift(prices, costs)),
                                       developer.beliefs.overrun_z), prefs)
    mun = municipal_surplus(party_npvs(*args, municipality.beliefs.multipliers(
        municipality.beliefs.drift(prices, costs)), municipality.beliefs.overrun_z), prefs)
    return float(dev[0]), float(mun[0])


def test_the_problem_values_each_package_on_each_sides_beliefs_with_the_funds_and_the_programme_demanded(
        monkeypatch):
    """North under a joint venture with funds: 3m for the municipality of which 2.5m (2m outstanding + 0.5m paid)
    is a grant kept only at an affordable share ≥ 0.6, 1m for the developer, and a quarter of the remaining works
    co-funded. The programme demanded is 0.6 (the grant's minimum, above the 0.55 demand), so the share is
    open from 0.5 (flexibility 0.1) to 0.6. The municipality can lose at most 40,000 × 1,200 = 48m here."""
    model, north, _ = broker_world()
    municipality, developer = model.parties.municipality_of(north), north.developer
    outlook = build_outlook(model.desk, north, developer)
    works = outlook.works.copy()
    monkeypatch.setattr(model.desk.funds, "support", lambda area: (3e6, 1e6, 0.25 * works.sum()))
    monkeypatch.setattr(model.desk.funds, "conditions", lambda area: [(2e6, 0.5e6, 0.6)])
    problem = make_problem(model.desk, north, municipality, developer, outlook)
    assert outlook.works == pytest.approx(0.75 * works)
    assert problem.affordable_bounds == pytest.approx((0.5, 0.6)) and problem.overrun_bounds == (0.0, 0.0)
    attributable = (outlook.works.sum() + outlook.buyout_business.sum()) / 1200
    market = outlook.homes[:, 1:].sum()
    land_now = model.ctx.econ.land_value[0, 0, 1:] @ outlook.homes[:, 1:].sum(axis=0)
    assert problem.land_bounds == pytest.approx(north.coop.land_price_bounds(attributable, land_now / market))
    assert (problem.developer_weight, problem.max_rounds) == (0.5, 12)
    prefs = Preferences(developer.risk_aversion, municipality.risk_aversion, 40_000.0, 20_000.0, 48e6, 1e6, 1e6,
                        ((2.5e6, 0.6),))
    for terms in (Terms(10_000.0, 0.6, 0.0), Terms(-5_000.0, 0.5, 0.0)):
        assert problem.evaluate(terms) == pytest.approx(expected_surpluses(model, north, outlook, prefs,
                                                                           *terms.as_tuple()), rel=1e-12)
    batch = problem.evaluate_batch(np.array([10_000.0, -5_000.0]), np.array([0.6, 0.5]), np.array([0.0, 0.0]))
    assert batch[:, 0].tolist() == pytest.approx([problem.evaluate(Terms(10_000.0, 0.6, 0.0))[0],
                                                  problem.evaluate(Terms(-5_000.0, 0.5, 0.0))[0]], rel=1e-12)
    assert batch[:, 1].tolist() == pytest.approx([problem.evaluate(Terms(10_000.0, 0.6, 0.0))[1],
                                                  problem.evaluate(Terms(-5_000.0, 0.5, 0.0))[1]], rel=1e-12)


def test_a_municipality_beyond_its_budget_accepts_no_loss_and_an_open_overrun_share_is_valued(monkeypatch):
    """Provisions elsewhere exceed the 400m budget: no room for a loss here. Under a model with an open overrun
    share (the base model), the share runs 0-1 and the developer's part of the overruns is valued."""
    model, north, _ = broker_world()
    north.coop = CooperationModel()
    municipality, developer = model.parties.municipality_of(north), north.developer
    municipality.provisions["south"] = 401e6
    outlook = build_outlook(model.desk, north, developer)
    problem = make_problem(model.desk, north, municipality, developer, outlook)
    assert problem.overrun_bounds == (0.0, 1.0)
    prefs = Preferences(developer.risk_aversion, municipality.risk_aversion, 40_000.0, 20_000.0, 0.0)
    for terms in (Terms(10_000.0, 0.55, 0.0), Terms(10_000.0, 0.55, 0.8)):
        assert problem.evaluate(terms) == pytest.approx(expected_surpluses(model, north, outlook, prefs,
                                                                           *terms.as_tuple()), rel=1e-12)
    assert problem.evaluate(Terms(10_000.0, 0.55, 0.8))[0] < problem.evaluate(Terms(10_000.0, 0.55, 0.0))[0]


def test_the_weaker_side_concedes_faster_and_experience_speeds_both():
    """Joint venture (weight 0.5) with 2 deals of developer and 1 of municipal experience: β_dev = 1.3², β_mun = 1.3.
    Building claim: the exclusive claim gives the developer weight 0.6: β_dev = 0.4/0.6, β_mun = 0.6/0.4."""
    model, north, _ = broker_world()
    model.desk.experience.update({("developer:1", "joint_venture"): 2, ("municipality:middle", "joint_venture"): 1,
                                  ("developer:1", "concession"): 7})
    problem = make_problem(model.desk, north, model.parties.municipality_of(north), north.developer,
                           build_outlook(model.desk, north, north.developer))
    assert (problem.developer_beta, problem.municipal_beta) == pytest.approx((1.69, 1.3))
    model, north, _ = broker_world("building_claim")
    problem = make_problem(model.desk, north, model.parties.municipality_of(north), north.developer,
                           build_outlook(model.desk, north, north.developer))
    assert problem.developer_weight == 0.6
    assert (problem.developer_beta, problem.municipal_beta) == pytest.approx((0.4 / 0.6, 0.6 / 0.4))


def test_each_side_reads_the_price_and_cost_history_up_to_today_by_its_own_rule():
    """Fundamental expectations (prices revert to costs) at quarter 8 after prices rose 20 % and costs 5 %: each
    side's drift comes from today's price and cost index, and the problem values packages on them."""
    data = mini(market={"mode": "steady"})
    data["areas"][0]["cooperation"] = "joint_venture"
    data["actors"]["developers"] = {"expectation": "fundamental"}
    data["actors"]["municipality"]["expectation"] = "fundamental"
    model = AreaModel(from_dict(data), seed=1)
    north = model.areas[0]
    north.phases[0].stage = 0
    model.ctx.quarter = 8
    market = model.ctx.market
    market.price_index[0, :12] = np.linspace(1.0, 1.2, 9).tolist() + [2.0, 2.0, 2.0]
    market.cost_index[:12] = np.linspace(1.0, 1.05, 9).tolist() + [3.0, 3.0, 3.0]
    municipality, developer = model.parties.municipality_of(north), north.developer
    outlook = build_outlook(model.desk, north, developer)
    problem = make_problem(model.desk, north, municipality, developer, outlook)
    prices, costs = market.price_index[0, :9], market.cost_index[:9]
    terms = Terms(10_000.0, 0.55, 0.0)
    args = (outlook, np.array([terms.land_price]), np.array([0.55]), np.array([0.0]), north.coop)
    prefs = Preferences(developer.risk_aversion, municipality.risk_aversion, 40_000.0, 20_000.0, 48e6)
    dev = developer_surplus(party_npvs(*args, developer.beliefs.multipliers(developer.beliefs.drift(prices, costs)),
                                       developer.beliefs.overrun_z), prefs)[0]
    mun = municipal_surplus(party_npvs(*args, municipality.beliefs.multipliers(
        municipality.beliefs.drift(prices, costs)), municipality.beliefs.overrun_z), prefs)[0]
    assert problem.evaluate(terms) == pytest.approx((dev, mun), rel=1e-12)


def test_the_exclusive_claim_power_sets_the_developers_weight_under_a_building_claim_and_shared_knowledge_speeds():
    """exclusive_claim_power 0.7 (the model's own 0.6 is replaced); shared municipal experience (2 deals of another
    municipality) counts for the municipality's concessions, not for the developer's."""
    model, north, _ = broker_world("building_claim", knowledge_sharing=True, exclusive_claim_power=0.7)
    model.desk.experience.update({("municipality:relaxed", "building_claim"): 2})
    problem = make_problem(model.desk, north, model.parties.municipality_of(north), north.developer,
                           build_outlook(model.desk, north, north.developer))
    assert problem.developer_weight == 0.7
    assert (problem.developer_beta, problem.municipal_beta) == pytest.approx((0.3 / 0.7, 1.69 * 0.7 / 0.3))


def batched(problem: Problem) -> Problem:
    """The same problem with a batch evaluator (every issue passed through, as in the model)."""

    def evaluate_batch(land, affordable, overrun):
        return np.array([problem.evaluate(Terms(*row)) for row in zip(land, affordable, overrun, strict=True)])

    return Problem(evaluate=problem.evaluate, evaluate_batch=evaluate_batch, land_bounds=problem.land_bounds,
                   affordable_bounds=problem.affordable_bounds, overrun_bounds=problem.overrun_bounds,
                   developer_weight=problem.developer_weight, max_rounds=problem.max_rounds)


def three_issue_problem() -> Problem:
    """Land −40…40, affordable share 0…1 and overrun share 0…1 open: an affordable home costs the developer 10 and
    is worth 40 to the municipality; carrying the overruns costs the developer 12 and saves the municipality 4."""

    def evaluate(terms: Terms) -> tuple[float, float]:
        a, r = terms.affordable_share, terms.overrun_share
        return 30.0 - terms.land_price - 10.0 * a - 12.0 * r, terms.land_price - 10.0 + 40.0 * a + 4.0 * r

    return Problem(evaluate=evaluate, evaluate_batch=None, land_bounds=(-40.0, 40.0), affordable_bounds=(0.0, 1.0),
                   overrun_bounds=(0.0, 1.0))


@pytest.mark.parametrize("name", ["tradeoffs", "alternating_offers"])
def test_a_batch_evaluator_and_one_package_at_a_time_give_the_same_negotiation(name):
    problem = three_issue_problem()
    one, batch = resolve_protocol(name).negotiate(problem), resolve_protocol(name).negotiate(batched(problem))
    assert [o.terms for o in one.offers] == [o.terms for o in batch.offers] and one.terms == batch.terms


def test_trade_offs_give_on_the_issue_each_side_values_less():
    """The municipality values affordable homes four times what they cost the developer, the developer values
    carrying no overruns three times what they save the municipality. The municipality opens with its best package
    (price 40, all affordable, all overruns on the developer); the deal carries no overruns for the developer and
    at least 7/8 affordable, and shares more than 90 % of the most the two can share (50: all affordable, no
    overruns), more than any package on the line between the ideals (all issues moving together: at most 42)."""
    problem = three_issue_problem()
    outcome = resolve_protocol("tradeoffs").negotiate(problem)
    assert outcome.success and outcome.offers[0].terms == Terms(40.0, 1.0, 1.0)
    assert outcome.terms.overrun_share == 0.0 and outcome.terms.affordable_share >= 0.875
    s_dev, s_mun = problem.evaluate(outcome.terms)
    line = problem.evaluate_line(np.linspace(0.0, 1.0, 41)).sum(axis=1)
    assert s_dev >= 0 and s_mun >= 0 and s_dev + s_mun > 45.0 > line.max() == pytest.approx(42.0)


def test_an_unknown_protocol_is_one_line_naming_the_file_and_field():
    with pytest.raises(InputError) as error:
        resolve_protocol("haggling", "my.toml")
    assert "my.toml" in str(error.value) and "actors.negotiation.protocol" in str(error.value)
    assert "haggling" in str(error.value)


def test_a_deal_at_the_edge_of_the_municipalitys_flexibility_is_not_reopened(upkeep_world):
    """Demand 0.55, deal at 0.45 (its lowest acceptable share, 0.55 − 0.1): within flexibility, however the
    subtraction rounds."""
    model, calls, _ = upkeep_world
    north = model.areas[0]
    model.areas[1].phases[0].stage = -1
    north.deal = deal_on(north, share=0.55 - 0.1, index=price_now(model, north))
    north.affordable_demand = 0.55
    upkeep(model.desk)
    assert calls == []


def test_an_area_whose_deal_holds_does_not_stop_the_next_areas_upkeep(upkeep_world):
    model, calls, _ = upkeep_world
    north, south = model.areas
    north.deal = deal_on(north, index=price_now(model, north))
    north.affordable_demand = 0.5
    upkeep(model.desk)
    assert calls == [("south", "first deal")]
