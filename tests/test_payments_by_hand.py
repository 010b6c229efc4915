"""Who pays whom, by hand: one small phase under each cooperation model, every transfer written out.

The world is the mini scenario with a steady market, one area of one phase, and round numbers put
in by hand at quarter 0: the cost index is 1.1 (works cost 110 % of their start-year price), the
buy-out index is 0.7 × income index 1.0 + 0.3 (hope-value share) × price index 2.0 = 1.3, the
developers own a quarter of the private land (ownership 0.2 developers / 0.6 businesses), and the
phase has 10 social, 10 mid-rent and 20 owner-occupied homes. The expected ledgers below are written
out by hand (the arithmetic in the comments), never computed by calling model code: a sign, a
direction, a payer or a share that changes in sim/payments.py or sim/cooperation/models.py fails here.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.area import OWNER
from sim.cooperation.base import CooperationModel, Terms
from sim.deal import Deal
from sim.model import AreaModel
from sim.scenario.loader import from_dict
from tests.conftest import mini

MUN = "municipality:middle"
DEV = "developer:1"
HA = "housing_association:middle"
INV = "investor:1"
JV = "jv:north"
OWNERS = "outside:original_owners"
CONTRACTORS = "outside:contractors"
CONSULTANTS = "outside:consultants"
BUYERS = "outside:home_buyers"
LENDERS = "outside:lenders"


def world(cooperation: str, land_price: float = 25_000.0, overrun_share: float = 0.4):
    """A model with one phase of round numbers under ``cooperation``, at quarter 0 (nothing booked yet)."""
    data = mini(market={"mode": "steady"})
    data["areas"] = [{"name": "north", "region": "middle", "archetype": "complex", "homes": 40, "phases": 1,
                      "cooperation": cooperation}]
    model = AreaModel(from_dict(data), seed=1)
    ctx = model.ctx
    ctx.quarter = 0
    ctx.market.cost_index[0] = 1.1
    ctx.market.income_index[0] = 1.0
    ctx.market.price_index[0, 0] = 2.0
    ctx.market.credit_index[0] = 1.0
    area = ctx.areas[0]
    assert area.archetype.hope_value_share == 0.3
    assert area.developer_land_fraction == 0.25  # 0.2 / (0.2 + 0.6)
    phase = area.phases[0]
    phase.homes = np.array([10, 10, 0, 20])  # social, mid-rent, free rent, owner-occupied
    # start-year prices: buy-outs 1.0m (as estimated), remediation 200k (estimated 150k), plan costs 50k
    phase.unpaid = {"acquisition": 1_000_000.0, "remediation": 200_000.0, "plan_costs": 50_000.0}
    phase.estimates = {"acquisition": 1_000_000.0, "remediation": 150_000.0, "plan_costs": 50_000.0}
    ctx.econ.land_value[0, 0] = [20_000.0, 10_000.0, 0.0, 30_000.0]  # residual land value per home
    ctx.econ.construction_cost[0] = [150_000.0, 180_000.0, 0.0, 200_000.0]
    ctx.econ.sale_value[0, 0, OWNER] = 300_000.0
    area.deal = Deal(Terms(land_price=land_price, affordable_share=0.5, overrun_share=overrun_share),
                     area.developer, time=0.0, effective_at=0.0, price_index=1.0, rounds=1, protocol="hand")
    assert area.developer.account == DEV and phase.housing_association.account == HA
    assert model.parties.municipality_of(area).account == MUN
    return model, area, phase


def ledger(model) -> list[tuple[str, str, float, str]]:
    """The run's transfers as (payer, payee, €, category), rounded to cents."""
    return [(t.source, t.target, round(t.amount, 2), t.category) for t in model.ledger.transactions()]


WORKS = ("acquisition", "remediation", "plan_costs")


# ---------------------------------------------------------------------------------------------- land works

def test_traditional_municipality_buys_all_land_pays_works_and_keeps_overruns():
    """Traditional: the municipality buys out the owners and the developer's position, pays the works
    at today's index, and keeps the overrun (default_overrun 0, not negotiable)."""
    model, _, phase = world("traditional")
    model.money.pay_public_works(phase, WORKS)
    assert ledger(model) == [
        (MUN, OWNERS, 975_000.0, "acquisition"),  # 1.0m × 1.3 = 1.3m; 3/4 to the other owners
        (MUN, DEV, 325_000.0, "land_position_sale"),  # 1/4 of 1.3m: the developer's land bought
        (MUN, CONTRACTORS, 220_000.0, "remediation"),  # 200k × 1.1; overrun 55k stays with the municipality
        (MUN, CONSULTANTS, 55_000.0, "plan_costs"),  # 50k × 1.1
    ]
    assert phase.public_costs_paid == pytest.approx(1_300_000 + 220_000 + 55_000)
    assert phase.unpaid == {}


def test_building_claim_municipality_buys_the_claimed_land_and_keeps_overruns():
    """Building claim: developers trade their land for the right to build, so the municipality buys
    the developer's position too; the municipality runs the grex and keeps overruns."""
    model, _, phase = world("building_claim")
    model.money.pay_public_works(phase, WORKS)
    assert ledger(model) == [
        (MUN, OWNERS, 975_000.0, "acquisition"),
        (MUN, DEV, 325_000.0, "land_position_sale"),
        (MUN, CONTRACTORS, 220_000.0, "remediation"),
        (MUN, CONSULTANTS, 55_000.0, "plan_costs"),
    ]


def test_joint_venture_calls_capital_pro_rata_before_each_payment():
    """Joint venture: the company pays nothing from its own pocket; each payment is preceded by a
    capital call split 50/50 over the municipality and the developer."""
    model, _, phase = world("joint_venture")
    model.money.pay_public_works(phase, WORKS)
    assert ledger(model) == [
        (MUN, JV, 487_500.0, "capital_call"), (DEV, JV, 487_500.0, "capital_call"),  # 975k / 2
        (JV, OWNERS, 975_000.0, "acquisition"),
        (MUN, JV, 162_500.0, "capital_call"), (DEV, JV, 162_500.0, "capital_call"),  # 325k / 2
        (JV, DEV, 325_000.0, "land_position_sale"),
        (MUN, JV, 110_000.0, "capital_call"), (DEV, JV, 110_000.0, "capital_call"),  # 220k / 2
        (JV, CONTRACTORS, 220_000.0, "remediation"),
        (MUN, JV, 27_500.0, "capital_call"), (DEV, JV, 27_500.0, "capital_call"),  # 55k / 2
        (JV, CONSULTANTS, 55_000.0, "plan_costs"),
    ]
    assert model.ledger.balance(JV) == pytest.approx(0.0)


def test_joint_venture_developer_that_cannot_meet_a_call_exits_and_the_municipality_takes_over():
    """A partner beyond its credit limit exits: the municipality pays the whole call and every later one.

    Credit limit = equity 60m × (1 + leverage 2 × credit index 1) = 180m. With the developer already
    179.8m invested, its half of the first call (487.5k) would take it to −180.2875m: it exits.
    """
    model, area, phase = world("joint_venture")
    assert area.developer.credit_limit == pytest.approx(180e6)
    model.ctx.books.book(DEV, "outside:shareholders", 179_800_000.0, "setup")
    model.money.pay_public_works(phase, ("acquisition",))
    assert ledger(model)[1:] == [
        (MUN, JV, 975_000.0, "capital_call"),  # the whole call: the developer's half passes to it
        (JV, OWNERS, 975_000.0, "acquisition"),
        (MUN, JV, 325_000.0, "capital_call"),  # later calls: the municipality alone (share 1.0)
        (JV, DEV, 325_000.0, "land_position_sale"),
    ]
    assert area.coop.jv_municipal_share == 1.0
    assert [e["event"] for e in model.ctx.books.events] == ["jv_partner_exit"]


def under_water(model, area, calls: float, revenues: float):
    """The joint company's account as the municipality's grex values it, put in by hand: the remaining calls and
    revenues (€, NPV) and a write-down since adoption (provision 2m over a plan provision of 0)."""
    municipality = model.parties.municipality_of(area)
    municipality.plan_provisions[area.name] = 0.0
    municipality.provisions[area.name] = 2_000_000.0
    municipality.forward_npv = lambda costs, revenue: (calls, revenues)
    return municipality


def test_joint_venture_partner_under_pressure_leaves_by_choice_and_pays_the_settlement():
    """Ontvlechting by hand. The account is under water: remaining calls 40m, revenues 30m, so the developer's
    half of the deficit is 5m. The municipality's 2m write-down since adoption is 2m × (1 − 0.5)/0.5 = 2m on the
    developer's stake: written-down equity 58m, credit limit 58m × (1 + 2) = 174m, its own equity lost 2/60.
    It has 100m invested: 42m drawn of its 116m credit line, pressure 42/116 = 0.362. Staying costs it
    0.5 × (40m / (1 − 0.362) − 30m) = 16.35m; leaving costs the settlement 5m × (1 + risk aversion 0.5) = 7.5m,
    within its room 174m − 100m = 74m: it leaves, pays 7.5m to the municipality, which takes over its share
    and pays the next call alone."""
    from sim.jv_exit import consider_exits

    model, area, phase = world("joint_venture")
    model.ctx.books.book(DEV, "outside:shareholders", 100_000_000.0, "setup")
    under_water(model, area, 40e6, 30e6)
    assert area.developer.credit_limit == pytest.approx(174e6)
    consider_exits(model.parties, model.ctx.books, model.ctx.areas)
    assert ledger(model)[1:] == [(DEV, MUN, 7_500_000.0, "jv_exit_settlement")]
    assert area.coop.jv_municipal_share == 1.0
    (event,) = [e for e in model.ctx.books.events if e["event"] == "jv_exit"]
    assert event["reason"] == "by_choice" and event["partner"] == DEV
    assert event["pressure"] == pytest.approx(42 / 116)
    assert event["stay_cost"] == pytest.approx(0.5 * (40e6 / (1 - 42 / 116) - 30e6))
    assert event["deficit"] == pytest.approx(5e6) and event["room"] == pytest.approx(74e6)
    assert model.ctx.books.land_account(MUN, "north") == (0.0, 7_500_000.0)  # a revenue of its area account
    model.money.pay_public_works(phase, ("plan_costs",))
    assert ledger(model)[2:] == [(MUN, JV, 55_000.0, "capital_call"), (JV, CONSULTANTS, 55_000.0, "plan_costs")]


def test_joint_venture_partner_without_pressure_stays_in_the_same_account():
    """The same account, but the developer has drawn none of its credit line: its pressure is only the 2/60 of
    equity written down, so staying costs 0.5 × (40m / (1 − 1/30) − 30m) = 5.69m < the 7.5m settlement: it
    stays, nothing is paid and the share is unchanged."""
    from sim.jv_exit import consider_exits

    model, area, _ = world("joint_venture")
    under_water(model, area, 40e6, 30e6)
    consider_exits(model.parties, model.ctx.books, model.ctx.areas)
    assert ledger(model) == []
    assert area.coop.jv_municipal_share == 0.5
    assert not [e for e in model.ctx.books.events if e["event"] == "jv_exit"]


def test_joint_venture_partner_does_not_leave_an_account_that_is_not_under_water():
    """Under the same pressure as above, a partner whose remaining account is in surplus (revenues 50m > calls
    40m) stays: there is no loss to walk away from."""
    from sim.jv_exit import consider_exits

    model, area, _ = world("joint_venture")
    model.ctx.books.book(DEV, "outside:shareholders", 100_000_000.0, "setup")
    under_water(model, area, 40e6, 50e6)
    consider_exits(model.parties, model.ctx.books, model.ctx.areas)
    assert ledger(model)[1:] == [] and area.coop.jv_municipal_share == 0.5


def test_joint_venture_pays_out_its_cash_at_year_end_pro_rata():
    """Year end: the company pays out its cash 50/50 (here 950k of land sales: 750k + 200k social)."""
    model, area, phase = world("joint_venture")
    model.money.sell_land(phase)
    model.money.distribute_jv(area)
    assert ledger(model) == [
        (DEV, JV, 750_000.0, "land_sale"),  # 25k × 30 market homes (mid-rent + owner)
        (HA, JV, 200_000.0, "land_sale"),  # social: 10 × 20k
        (JV, MUN, 475_000.0, "jv_distribution"),  # 950k × 0.5
        (JV, DEV, 475_000.0, "jv_distribution"),  # 950k × (1 − 0.5)
    ]
    assert model.ledger.balance(JV) == pytest.approx(0.0)


def test_joint_venture_payout_follows_an_unequal_share():
    """With a 70 % municipal share the payout is 70/30, not the other way round."""
    model, area, phase = world("joint_venture")
    area.coop.jv_municipal_share = 0.7
    model.money.sell_land(phase)
    model.money.distribute_jv(area)
    assert ledger(model)[2:] == [
        (JV, MUN, 665_000.0, "jv_distribution"),  # 950k × 0.7
        (JV, DEV, 285_000.0, "jv_distribution"),  # 950k × 0.3
    ]


def test_concession_developer_pays_everything_and_keeps_its_own_land():
    """Concession: the developer buys out the other owners, keeps its own land (no sale to itself),
    pays all works and bears the overrun itself (no transfer: it is the payer)."""
    model, _, phase = world("concession")
    model.money.pay_public_works(phase, WORKS)
    assert ledger(model) == [
        (DEV, OWNERS, 975_000.0, "acquisition"),  # 1.3m less the developer's own quarter
        (DEV, CONTRACTORS, 220_000.0, "remediation"),
        (DEV, CONSULTANTS, 55_000.0, "plan_costs"),
    ]
    assert phase.public_costs_paid == pytest.approx(975_000 + 220_000 + 55_000)


def test_private_realisation_owner_buys_out_and_municipality_pays_works():
    """Private realisation: the developer (owner) buys out the others and keeps its land; the
    municipality pays the public works and keeps the overrun (default_overrun 0)."""
    model, _, phase = world("private_realisation")
    model.money.pay_public_works(phase, WORKS)
    assert ledger(model) == [
        (DEV, OWNERS, 975_000.0, "acquisition"),
        (MUN, CONTRACTORS, 220_000.0, "remediation"),
        (MUN, CONSULTANTS, 55_000.0, "plan_costs"),
    ]


class _NegotiatedOverruns(CooperationModel):
    name = "hand_negotiated"
    overrun_negotiable = True


class _DefaultOverruns(CooperationModel):
    name = "hand_default"
    overrun_negotiable = False
    default_overrun = 0.25


def test_negotiated_overrun_share_is_paid_by_the_developer_to_the_works_payer():
    """A model with a negotiable overrun term: the developer pays the deal's share (0.4) of the overrun.

    None of the five shipped models has one (see docs/testing.md), so a plain subclass checks the rule.
    Overrun = (200k − 150k) × 1.1 = 55k; developer pays 0.4 × 55k = 22k to the municipality.
    """
    model, area, phase = world("traditional")
    area.coop = _NegotiatedOverruns()
    model.money.pay_public_works(phase, ("remediation",))
    assert ledger(model) == [
        (MUN, CONTRACTORS, 220_000.0, "remediation"),
        (DEV, MUN, 22_000.0, "overrun_share"),
    ]


def test_default_overrun_share_applies_when_the_term_is_not_negotiable():
    """Not negotiable: the model's default share (0.25) applies, whatever the deal says (0.4).

    0.25 × 55k = 13,750 from the developer to the municipality.
    """
    model, area, phase = world("traditional")
    area.coop = _DefaultOverruns()
    model.money.pay_public_works(phase, ("remediation",))
    assert ledger(model) == [
        (MUN, CONTRACTORS, 220_000.0, "remediation"),
        (DEV, MUN, 13_750.0, "overrun_share"),
    ]


# ---------------------------------------------------------------------------------------------- land sales

def test_traditional_sells_plots_at_todays_residual_value():
    """Traditional: market plots at today's residual value (10 × 10k + 20 × 30k = 700k), not the deal's
    25k per home; social land 10 × 20k = 200k; both to the municipality."""
    model, _, phase = world("traditional")
    assert model.money.sell_land(phase) == pytest.approx(900_000.0)
    assert ledger(model) == [
        (DEV, MUN, 700_000.0, "land_sale"),
        (HA, MUN, 200_000.0, "land_sale"),
    ]


def test_building_claim_developer_pays_the_agreed_claim_price():
    """Building claim: the agreed price per market home (25k × 30 = 750k) to the municipality."""
    model, _, phase = world("building_claim")
    model.money.sell_land(phase)
    assert ledger(model) == [
        (DEV, MUN, 750_000.0, "land_sale"),
        (HA, MUN, 200_000.0, "land_sale"),
    ]


def test_concession_fee_goes_to_the_municipality_and_social_land_to_the_developer():
    """Concession with a positive fee: 25k × 30 = 750k to the municipality; the developer owns the land,
    so the housing association pays the social land price (200k) to the developer."""
    model, _, phase = world("concession")
    model.money.sell_land(phase)
    assert ledger(model) == [
        (DEV, MUN, 750_000.0, "land_sale"),
        (HA, DEV, 200_000.0, "land_sale"),
    ]


def test_concession_negative_land_price_is_a_municipal_contribution():
    """A negative land price (−10k per market home) is paid by the municipality: 10k × 30 = 300k."""
    model, _, phase = world("concession", land_price=-10_000.0)
    model.money.sell_land(phase)
    assert ledger(model) == [
        (MUN, DEV, 300_000.0, "municipal_contribution"),
        (HA, DEV, 200_000.0, "land_sale"),
    ]
    assert phase.market_land_price == -300_000.0
    assert phase.land_price_paid == pytest.approx(200_000.0)  # only the social land counts as land paid


def test_private_realisation_cost_recovery_contribution_to_the_municipality():
    """Private realisation: the contribution (20k × 30 = 600k) to the municipality; social land to the owner."""
    model, _, phase = world("private_realisation", land_price=20_000.0)
    model.money.sell_land(phase)
    assert ledger(model) == [
        (DEV, MUN, 600_000.0, "land_sale"),
        (HA, DEV, 200_000.0, "land_sale"),
    ]


# ---------------------------------------------------------------------------------------------- construction

def _presold(phase, model, sold: float = 20.0) -> None:
    phase.owner_sold = sold
    phase.owner_revenue = sold * 300_000.0
    phase.investor = next(i for i in model.investors if i.account == INV)
    phase.rental_price = 2_500_000.0


@pytest.mark.parametrize("cooperation", ["traditional", "building_claim", "joint_venture", "concession",
                                         "private_realisation"])
def test_construction_start_completion_and_transfer(cooperation):
    """Construction under any model: half the contract at start and half at completion (to contractors),
    forward funding in two halves from the investor, buyers 50 % at start and the rest at transfer.

    Market contract 10 × 180k + 20 × 200k = 5.8m (halves 2.9m); social 10 × 150k = 1.5m (halves 750k);
    rental blocks 2.5m (halves 1.25m); 20 presold homes × 300k = 6m (halves 3m).
    """
    model, _, phase = world(cooperation)
    _presold(phase, model)
    model.money.start_construction(phase)
    land = ledger(model)[:2]  # the model's land payments (checked by the land-sale tests above)
    assert [row[3] for row in land] == ["land_sale", "land_sale"]
    start = ledger(model)[2:]
    assert start == [
        (DEV, CONTRACTORS, 2_900_000.0, "construction"),
        (HA, CONTRACTORS, 750_000.0, "construction"),
        (INV, DEV, 1_250_000.0, "forward_funding"),
        (BUYERS, DEV, 3_000_000.0, "home_sales"),
    ]
    model.money.complete_construction(phase)
    model.money.transfer(phase)
    assert ledger(model)[6:] == [
        (DEV, CONTRACTORS, 2_900_000.0, "construction"),
        (HA, CONTRACTORS, 750_000.0, "construction"),
        (INV, DEV, 1_250_000.0, "forward_funding"),
        (BUYERS, DEV, 3_000_000.0, "home_sales"),
    ]
    assert phase.owner_received == phase.owner_revenue == 6_000_000.0


def test_unsold_homes_stay_with_the_developer_at_transfer():
    """15 of 20 homes presold: buyers pay 2.25m at start and 2.25m at transfer; the 5 unsold homes are
    not paid by anyone (the developer's stock), and the event log says so."""
    model, _, phase = world("concession")
    _presold(phase, model, sold=15.0)
    phase.investor, phase.rental_price = None, 0.0
    model.money.start_construction(phase)
    model.money.complete_construction(phase)
    model.money.transfer(phase)
    sales = [row for row in ledger(model) if row[3] == "home_sales"]
    assert sales == [(BUYERS, DEV, 2_250_000.0, "home_sales"), (BUYERS, DEV, 2_250_000.0, "home_sales")]
    assert not [row for row in ledger(model) if row[3] == "forward_funding"]
    assert phase.owner_sold == 15.0
    unsold = [e for e in model.ctx.books.events if e["event"] == "unsold_at_completion"]
    assert len(unsold) == 1 and unsold[0]["homes"] == 5 and unsold[0]["price"] == 300_000.0


# ---------------------------------------------------------------------------------------------- interest

def test_interest_is_charged_on_invested_money_only_and_paid_to_lenders():
    """Interest = −net × ((1 + bond + spread)^0.25 − 1) on a party's negative (invested) net per area.

    Bond 3.060401 % + spread 1 % = 4.060401 % a year = exactly 1 % a quarter (1.01^4 = 1.04060401).
    The municipality has 220k invested in remediation: 2,200 of interest. The developer received
    more than it paid (land position 325k in, nothing out): no interest, and no negative interest.
    """
    model, _, phase = world("traditional")
    model.money.pay_public_works(phase, ("acquisition", "remediation"))
    books = model.ctx.books
    assert books.invested[(MUN, "north")] == pytest.approx(-(975_000 + 325_000 + 220_000))
    assert books.invested[(DEV, "north")] == pytest.approx(325_000)
    before = len(model.ledger)
    books.charge_interest(0.03060401, {"municipality": 0.01, "developer": 0.02})
    rows = ledger(model)[before:]
    # 1,520,000 × 1 % = 15,200
    assert rows == [(MUN, LENDERS, 15_200.0, "interest")]
    assert model.ledger.transactions()[-1].phase == -1 and model.ledger.transactions()[-1].area == "north"


def test_developer_carries_its_land_position_until_it_is_bought():
    """A developer pays carrying cost on land it still holds, at the buy-out index, to its lenders.

    Position = acquisition estimate 1.0m × developer fraction 1/4 = 250k × index 1.3 = 325k; bond
    1.560401 % + developers' spread 2.5 % = 4.060401 % a year = 1 % a quarter: 3,250. Once the
    municipality has bought the position (traditional), nothing is carried.
    """
    model, _, phase = world("concession")
    assert model.spec.actors.developers.borrowing_spread == 0.025
    model.money.charge_land_carrying(0.01560401)
    assert ledger(model) == [(DEV, LENDERS, 3_250.0, "land_carrying_cost")]

    model, _, phase = world("traditional")
    model.money.pay_public_works(phase, ("acquisition",))
    before = len(model.ledger)
    model.money.charge_land_carrying(0.01560401)
    assert len(model.ledger) == before
