"""Money rules that mutation testing (tools/mutation.py, docs/testing.md) found unchecked.

Each test states a rule of who pays whom, how much, when or on which account, in the by-hand world of
tests/test_payments_by_hand.py (round numbers put in at quarter 0, expected values written out by hand).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.cooperation.base import CooperationModel
from sim.finance import accounting, cashflow, grex, land_value
from tests.test_payments_by_hand import (
    BUYERS,
    CONTRACTORS,
    DEV,
    HA,
    JV,
    LENDERS,
    MUN,
    OWNERS,
    ledger,
    world,
)

# ---------------------------------------------------------------------------------------------- joint venture


def rows(model) -> list[tuple[str, str, float, str, str, int]]:
    """Transfers with their area and phase: (payer, payee, €, category, area, phase)."""
    return [(t.source, t.target, round(t.amount, 2), t.category, t.area, t.phase)
            for t in model.ledger.transactions()]


def test_a_developer_exactly_at_its_credit_limit_still_meets_a_capital_call():
    """The limit is 'net invested may not go beyond −credit limit': a call that takes the developer to exactly
    −180m is met (179.5m invested + its half of a 1m call = 180m); one euro more and it exits."""
    model, area, _ = world("joint_venture")
    model.ctx.books.book(DEV, "outside:shareholders", 179_500_000.0, "setup")
    model.money.pay(area, "jv", CONTRACTORS, 1_000_000.0, "plan_costs", None)
    assert ledger(model)[1:3] == [(MUN, JV, 500_000.0, "capital_call"), (DEV, JV, 500_000.0, "capital_call")]
    assert area.coop.jv_municipal_share == 0.5
    assert not [e for e in model.ctx.books.events if e["event"] == "jv_partner_exit"]
    model.money.pay(area, "jv", CONTRACTORS, 2.0, "plan_costs", None)  # 1 € more for the developer: beyond
    assert ledger(model)[-2:] == [(MUN, JV, 2.0, "capital_call"), (JV, CONTRACTORS, 2.0, "plan_costs")]
    assert area.coop.jv_municipal_share == 1.0


def test_the_partner_exit_event_names_the_partner_the_call_and_the_limit():
    """The exit is explainable: who left, the call it could not meet (half of 975k), its cash and its limit."""
    model, area, phase = world("joint_venture")
    model.ctx.books.book(DEV, "outside:shareholders", 179_800_000.0, "setup")
    model.money.pay_public_works(phase, ("acquisition",))
    (event,) = [e for e in model.ctx.books.events if e["event"] == "jv_partner_exit"]
    assert event["partner"] == DEV and event["area"] == "north" and event["phase"] == -1
    assert event["call"] == pytest.approx(487_500.0)
    assert event["developer_cash"] == -179_800_000.0 and event["credit_limit"] == pytest.approx(180e6)
    assert "capital call" in event["reason"]


def test_a_failed_developer_pays_no_capital_call_however_small():
    """A failed developer never pays: even a €1 call (50 cents its half) passes to the municipality whole."""
    model, area, _ = world("joint_venture")
    area.developer.failed = True
    model.money.pay(area, "jv", CONTRACTORS, 1.0, "plan_costs", None)
    assert ledger(model) == [(MUN, JV, 1.0, "capital_call"), (JV, CONTRACTORS, 1.0, "plan_costs")]
    assert area.coop.jv_municipal_share == 1.0


def test_a_partner_leaves_a_joint_venture_once():
    """After the exit the developer owes nothing, so a later call logs no second exit."""
    model, area, _ = world("joint_venture")
    area.developer.failed = True
    model.money.pay(area, "jv", CONTRACTORS, 1_000.0, "plan_costs", None)
    model.money.pay(area, "jv", CONTRACTORS, 1_000.0, "plan_costs", None)
    assert [e["event"] for e in model.ctx.books.events] == ["jv_partner_exit"]
    assert [r[:2] for r in ledger(model)] == [(MUN, JV), (JV, CONTRACTORS)] * 2


def test_joint_venture_calls_are_booked_on_the_area_and_phase_they_pay_for():
    """A phase's payment and its capital calls carry the phase (index 0); an area-wide payment and its calls
    carry the area name and phase −1, so the area's business case holds both."""
    model, area, phase = world("joint_venture")
    model.money.pay_public_works(phase, ("plan_costs",))
    model.money.pay(area, "jv", CONTRACTORS, 10_000.0, "infrastructure", None)
    assert rows(model) == [
        (MUN, JV, 27_500.0, "capital_call", "north", 0), (DEV, JV, 27_500.0, "capital_call", "north", 0),
        (JV, "outside:consultants", 55_000.0, "plan_costs", "north", 0),
        (MUN, JV, 5_000.0, "capital_call", "north", -1), (DEV, JV, 5_000.0, "capital_call", "north", -1),
        (JV, CONTRACTORS, 10_000.0, "infrastructure", "north", -1),
    ]


def test_a_payout_is_booked_on_the_area_and_a_euro_or_less_is_not_paid_out():
    """The year-end payout belongs to the area's business case; a joint company holding €1 or less keeps it,
    one holding €1.50 pays it out 50/50."""
    model, area, _ = world("joint_venture")
    model.ctx.books.book("outside:home_buyers", JV, 1.0, "land_sale", area_name="north")
    model.money.distribute_jv(area)
    assert len(model.ledger) == 1
    model.ctx.books.book("outside:home_buyers", JV, 0.5, "land_sale", area_name="north")
    model.money.distribute_jv(area)
    assert rows(model)[1:] == [
        (BUYERS, JV, 0.5, "land_sale", "north", -1),
        (JV, MUN, 0.75, "jv_distribution", "north", -1), (JV, DEV, 0.75, "jv_distribution", "north", -1),
    ]


# ---------------------------------------------------------------------------------------------- pipeline

def test_a_phase_under_construction_at_the_start_pays_only_its_second_halves_in_the_run():
    """A pipeline phase already building: contracts stand at today's cost (market 10 × 180k + 20 × 200k = 5.8m,
    social 10 × 150k = 1.5m), 70 % of its 20 owner homes were presold (14 × 300k = 4.2m) and half of that was
    paid before the run. Nothing is booked at the start; at completion the second halves (2.9m, 750k) go to the
    contractors and at transfer the buyers pay the other 2.1m; 6 homes are left unsold."""
    model, area, phase = world("traditional")
    assert area.spec.pipeline_presold == 0.7
    model.money.start_in_pipeline(phase)
    assert len(model.ledger) == 0
    assert phase.developer is area.developer
    assert (phase.contract_market, phase.contract_social) == (5_800_000.0, 1_500_000.0)
    assert phase.owner_sold == pytest.approx(14.0)
    assert phase.owner_revenue == pytest.approx(4_200_000.0)
    assert phase.owner_received == pytest.approx(2_100_000.0)
    assert phase.social_committed and phase.forward_funded
    assert phase.construction_start == 0.0
    assert phase.on_sale and phase in model.ctx.sales.selling
    model.money.complete_construction(phase)
    model.money.transfer(phase)
    assert ledger(model) == [
        (DEV, CONTRACTORS, 2_900_000.0, "construction"),
        (HA, CONTRACTORS, 750_000.0, "construction"),
        (BUYERS, DEV, 2_100_000.0, "home_sales"),
    ]
    (unsold,) = [e for e in model.ctx.books.events if e["event"] == "unsold_at_completion"]
    assert unsold["homes"] == pytest.approx(6.0)


# ---------------------------------------------------------------------------------------------- books

def test_a_party_event_has_the_time_the_party_and_no_area():
    """Party events (elections, failures) are logged at the clock's time with the party, area '' and phase −1."""
    model, _, _ = world("traditional")
    model.ctx.books.log_party(DEV, "developer_failed", cash=-1.0)
    assert model.ctx.books.events == [{"time": 0.0, "area": "", "phase": -1, "event": "developer_failed",
                                       "party": DEV, "cash": -1.0}]


def test_a_party_with_no_land_flows_has_paid_and_received_nothing():
    model, _, _ = world("traditional")
    assert model.ctx.books.land_account(MUN, "north") == (0.0, 0.0)


# ---------------------------------------------------------------------------------------------- cooperation

def test_the_negotiated_land_price_range_is_symmetric_and_wide_enough():
    """The default range is ±max(50k, 2 × |land value|, attributable public cost) per market home."""
    from sim.cooperation.base import CooperationModel

    coop = CooperationModel()
    assert coop.land_price_bounds(10_000.0, 5_000.0) == (-50_000.0, 50_000.0)
    assert coop.land_price_bounds(10_000.0, -40_000.0) == (-80_000.0, 80_000.0)
    assert coop.land_price_bounds(120_000.0, 40_000.0) == (-120_000.0, 120_000.0)


def test_traditional_plots_go_at_todays_land_value_and_never_below_zero():
    from sim.cooperation.models import Traditional

    assert Traditional().land_price_bounds(99_000.0, 0.5) == (0.5, 0.5)
    assert Traditional().land_price_bounds(99_000.0, -20_000.0) == (0.0, 0.0)


def test_the_cost_recovery_contribution_is_capped_by_cost_and_land_value():
    """Omgevingswet cost recovery: between 0 and min(attributable cost, land value), never negative."""
    from sim.cooperation.models import PrivateRealisation

    coop = PrivateRealisation()
    assert coop.land_price_bounds(30_000.0, 0.5) == (0.0, 0.5)
    assert coop.land_price_bounds(30_000.0, 45_000.0) == (0.0, 30_000.0)
    assert coop.land_price_bounds(30_000.0, -5_000.0) == (0.0, 0.0)


def test_an_area_event_has_the_time_the_area_and_phase_minus_one():
    model, area, _ = world("traditional")
    model.ctx.books.log_area(area, "land_go", loss=-1.0)
    assert model.ctx.books.events == [{"time": 0.0, "area": "north", "phase": -1, "event": "land_go", "loss": -1.0}]


# ---------------------------------------------------------------------------------------------- finance

def test_a_yearly_rate_is_compounded_not_divided_into_quarters():
    """(1 + 21.550625 %)^(1/4) − 1 = 5 % a quarter (1.05^4 = 1.21550625); a negative yearly rate stays negative."""
    assert cashflow.annual_to_quarterly(0.21550625) == pytest.approx(0.05)
    assert cashflow.annual_to_quarterly(-0.18549375) == pytest.approx(-0.05)  # 0.95^4 = 0.81450625
    assert cashflow.annual_to_quarterly(0.0) == 0.0


def test_the_grex_escalates_costs_and_charges_interest_on_the_book_value():
    """Costs 100 and 100 in quarters 0 and 1 at 5 % a quarter cost escalation (100, 105); 300 of revenue in
    quarter 2 unescalated: nominal result 95, undiscounted NPV 95. Book value at the end with 5 % a quarter
    interest: 100 × 1.05² + 105 × 1.05 − 300 = −79.5 (money returned, nothing invested)."""
    yearly = 1.05 ** 4 - 1
    p = grex.project(np.array([100.0, 100.0, 0.0]), np.array([0.0, 0.0, 300.0]), yearly, 0.0, yearly, 0.0)
    assert p.nominal_result == pytest.approx(95.0)
    assert p.npv == pytest.approx(95.0)
    assert p.book_value_end == pytest.approx(-79.5)


def test_the_static_grex_result_is_revenue_minus_every_cost_item():
    assert grex.static_result({"acquisition": 30.0, "demolition": 5.0}, 100.0) == 65.0
    assert grex.static_result({}, 100.0) == 100.0
    with pytest.raises(ValueError, match="unknown cost items: \\['parking'\\]"):
        grex.static_result({"parking": 1.0, "acquisition": 1.0}, 100.0)


def test_rental_land_value_is_investor_value_less_margin_construction_and_finance():
    """€1,000 a month at a 6 % gross yield is worth 200k; the developer keeps 10 % (180k) and pays 150k to build
    and 10k of finance: 20k is left for the land."""
    assert land_value.rental_land_value(1_000.0, 0.06, 150_000.0, 0.10, 10_000.0) == pytest.approx(20_000.0)


def test_completion_is_zero_without_a_positive_budget_and_capped_at_one():
    """BBV percentage of completion: nothing is complete on an account without planned costs or revenues; a share
    realised beyond the plan counts as 1, and small positive budgets count normally."""
    assert accounting.percentage_of_completion(5.0, 0.0, 5.0, 10.0) == 0.0
    assert accounting.percentage_of_completion(5.0, 10.0, 5.0, 0.0) == 0.0
    assert accounting.percentage_of_completion(5.0, -1.0, 5.0, -1.0) == 0.0
    assert accounting.percentage_of_completion(0.25, 0.5, 0.5, 1.0) == pytest.approx(0.25)
    assert accounting.percentage_of_completion(0.5, 1.0, 0.25, 0.5) == pytest.approx(0.25)
    assert accounting.percentage_of_completion(300.0, 100.0, 50.0, 100.0) == pytest.approx(0.5)
    assert accounting.percentage_of_completion(50.0, 100.0, 300.0, 100.0) == pytest.approx(0.5)


def test_irr_finds_negative_high_and_the_root_nearest_zero():
    """IRR of −100 then 50 is −50 %; of −100 then 400 is +300 %; flows 1, −2.6, 1.65 have roots 10 % and 50 %
    (x = 1/(1 + r): 1.65 (x − 1/1.1)(x − 1/1.5)), the one nearest zero is reported."""
    assert cashflow.irr([-100.0, 50.0]) == pytest.approx(-0.5)
    assert cashflow.irr([-100.0, 400.0]) == pytest.approx(3.0)
    assert cashflow.irr([-100.0, 1_050.0]) == pytest.approx(9.5)
    assert cashflow.irr([1.0, -2.6, 1.65]) == pytest.approx(0.1)
    # roots 2 % and 5 %, both near zero: (x − 1/1.02)(x − 1/1.05) / (x1 x2) with x = 1/(1 + r)
    x1, x2 = 1 / 1.02, 1 / 1.05
    assert cashflow.irr([1.0, -(x1 + x2) / (x1 * x2), 1 / (x1 * x2)]) == pytest.approx(0.02)
    assert cashflow.irr([-100.0, 100.0]) == pytest.approx(0.0, abs=1e-9)


# ---------------------------------------------------------------------------------------------- construction

def test_construction_money_is_booked_on_its_phase_and_counted_in_its_region(monkeypatch):
    """Every construction payment belongs to the phase (area 'north', phase 0: its business case and interest);
    started and completed homes add to what the region had (10 social, 10 mid-rent, 20 owner homes), the other
    region is untouched, completion is timed, and the funds hear of the land sale and the start."""
    model, area, phase = world("building_claim")
    phase.owner_sold, phase.owner_revenue = 20.0, 6_000_000.0
    phase.investor = next(i for i in model.investors if i.account == "investor:1")
    phase.rental_price = 2_500_000.0
    heard = []
    monkeypatch.setattr(model.money.funds, "hook", lambda name, *args: heard.append((name, args)))
    ctx = model.ctx
    ctx.started[0] = ctx.completed[0] = ctx.completed_total[0] = [1.0, 1.0, 1.0, 1.0]
    model.money.start_construction(phase)
    assert ctx.started.tolist() == [[11.0, 11.0, 1.0, 21.0], [0.0, 0.0, 0.0, 0.0]]
    assert phase.owner_received == 3_000_000.0
    model.money.complete_construction(phase)
    assert ctx.completed.tolist() == ctx.completed_total.tolist() == [[11.0, 11.0, 1.0, 21.0], [0.0] * 4]
    assert phase.completion == 0.0
    assert {(t.area, t.phase) for t in model.ledger.transactions()} == {("north", 0)}
    assert [(name, args[0]) for name, args in heard] == [("on_land_sale", phase), ("on_construction_start", phase)]


def test_at_transfer_a_fund_buys_unsold_homes_first_and_the_rest_stay_with_the_developer(monkeypatch):
    """19.5 of 20 homes presold at 300k (5.85m): at transfer the buyers pay their second half (2.925m, on the
    phase); the half home left is offered to the funds at today's price, which here buy 0.3 of it (counted as
    sold and fund-sold on top of what they bought before); 0.2 homes stay with the developer and are logged."""
    model, area, phase = world("concession")
    phase.developer = area.developer
    phase.owner_sold, phase.owner_revenue, phase.owner_received = 19.5, 5_850_000.0, 2_925_000.0
    phase.fund_sold = 1.0
    offered = []

    def funds_buy(p, unsold, price):
        offered.append((p, unsold, price))
        return unsold - 0.3

    monkeypatch.setattr(model.money.funds, "unsold_after_funds", funds_buy)
    model.money.transfer(phase)
    assert offered == [(phase, pytest.approx(0.5), 300_000.0)]
    assert phase.owner_sold == pytest.approx(19.8) and phase.fund_sold == pytest.approx(1.3)
    (event,) = [e for e in model.ctx.books.events if e["event"] == "unsold_at_completion"]
    assert event["homes"] == pytest.approx(0.2) and event["price"] == 300_000.0
    assert rows(model) == [(BUYERS, DEV, 2_925_000.0, "home_sales", "north", 0)]
    assert phase.transferred is True


def test_a_fully_sold_phase_offers_nothing_to_the_funds(monkeypatch):
    model, area, phase = world("concession")
    phase.developer = area.developer
    phase.owner_sold, phase.owner_revenue, phase.owner_received = 20.0, 6_000_000.0, 3_000_000.0
    monkeypatch.setattr(model.money.funds, "unsold_after_funds", lambda *a: pytest.fail("offered to funds"))
    model.money.transfer(phase)
    assert ledger(model) == [(BUYERS, DEV, 3_000_000.0, "home_sales")]
    assert not model.ctx.books.events


def test_whose_money_a_party_is():
    """The municipality's money is all public, a joint company's by its share, a developer's none of it."""
    from sim.cooperation.models import JointVenture

    coop = JointVenture()
    coop.jv_municipal_share = 0.7
    assert [coop.municipal_share(p) for p in ("municipality", "jv", "developer")] == [1.0, 0.7, 0.0]
    assert [coop.developer_share(p) for p in ("municipality", "jv", "developer")] == [0.0, pytest.approx(0.3), 1.0]


# ---------------------------------------------------------------------------------------------- land works, by phase

def test_public_works_are_booked_on_their_phase_and_reported_to_the_funds(monkeypatch):
    """Every works payment belongs to the phase (area 'north', phase 0) and each item is reported to the funds
    with its € and payer: traditional acquisition 1.3m (including the developer's 325k position), remediation
    220k, plan costs 55k, all by the municipality."""
    model, _, phase = world("traditional")
    heard = []
    monkeypatch.setattr(model.money.funds, "hook", lambda name, *args: heard.append((name, *args)))
    model.money.pay_public_works(phase, ("acquisition", "remediation", "plan_costs"))
    assert {(t.area, t.phase) for t in model.ledger.transactions()} == {("north", 0)}
    assert heard == [("on_work_paid", phase, "acquisition", pytest.approx(1_300_000.0), "municipality"),
                     ("on_work_paid", phase, "remediation", pytest.approx(220_000.0), "municipality"),
                     ("on_work_paid", phase, "plan_costs", pytest.approx(55_000.0), "municipality")]


def test_a_concession_reports_only_the_land_it_buys_to_the_funds(monkeypatch):
    """The developer keeps its own quarter: 975k of buy-outs is what it pays and what the funds hear of."""
    model, _, phase = world("concession")
    heard = []
    monkeypatch.setattr(model.money.funds, "hook", lambda name, *args: heard.append((name, *args)))
    model.money.pay_public_works(phase, ("acquisition",))
    assert heard == [("on_work_paid", phase, "acquisition", pytest.approx(975_000.0), "developer")]


def test_works_items_not_due_are_skipped_and_small_ones_paid():
    """An item that is not (or no longer) unpaid is skipped, the next one is still paid; 50 cents of plan costs
    is paid at the index (55 cents); an item without an estimate has no overrun."""
    model, area, phase = world("traditional")
    area.coop = _Negotiable()
    phase.unpaid = {"remediation": 0.0, "plan_costs": 0.5, "demolition": 100.0}
    phase.estimates = {"plan_costs": 0.5}
    heard = []
    real_hook = model.money.funds.hook
    model.money.funds.hook = lambda name, *args: (heard.append(args[1]), real_hook(name, *args))
    model.money.pay_public_works(phase, ("infrastructure", "remediation", "plan_costs", "demolition"))
    assert ledger(model) == [(MUN, "outside:consultants", 0.55, "plan_costs"),
                             (MUN, CONTRACTORS, 110.0, "demolition")]
    assert heard == ["plan_costs", "demolition"]  # nothing paid, nothing reported


class _Negotiable(CooperationModel):
    name = "hand_negotiable"
    overrun_negotiable = True


def test_an_overrun_of_cents_is_shared_too():
    """Overrun (150,000.50 − 150,000) × 1.1 = 0.55; the developer carries 40 %: 0.22 to the municipality."""
    model, area, phase = world("traditional")
    area.coop = _Negotiable()
    phase.unpaid = {"remediation": 150_000.5}
    model.money.pay_public_works(phase, ("remediation",))
    assert rows(model)[1] == (DEV, MUN, 0.22, "overrun_share", "north", 0)


def test_an_area_wide_payment_is_booked_on_the_area():
    model, area, _ = world("traditional")
    model.money.pay(area, "municipality", CONTRACTORS, 0.5, "infrastructure", None)
    assert rows(model) == [(MUN, CONTRACTORS, 0.5, "infrastructure", "north", -1)]


# ---------------------------------------------------------------------------------------------- land sales, by phase

def test_land_sales_are_booked_on_their_phase_and_reported_to_the_funds(monkeypatch):
    """Building claim: 750k of claim price and 200k of social land, both on phase 0; the funds hear of the
    market land price and its receiver."""
    model, _, phase = world("building_claim")
    heard = []
    monkeypatch.setattr(model.money.funds, "hook", lambda name, *args: heard.append((name, *args)))
    model.money.sell_land(phase)
    assert {(t.area, t.phase) for t in model.ledger.transactions()} == {("north", 0)}
    assert heard == [("on_land_sale", phase, 750_000.0, "municipality")]


def test_a_municipal_contribution_is_booked_on_the_phase_and_the_funds_hear_of_no_land_price(monkeypatch):
    model, _, phase = world("concession", land_price=-10_000.0)
    heard = []
    monkeypatch.setattr(model.money.funds, "hook", lambda name, *args: heard.append((name, *args)))
    model.money.sell_land(phase)
    assert rows(model)[0] == (MUN, DEV, 300_000.0, "municipal_contribution", "north", 0)
    assert heard == [("on_land_sale", phase, 0.0, "municipality")]


def test_plots_without_residual_value_go_for_nothing_and_a_claim_without_a_deal_pays_nothing():
    """Traditional with negative residual values: no market land sale at all (only the social land, 200k); a
    building claim whose deal is gone pays no claim price."""
    model, _, phase = world("traditional")
    model.ctx.econ.land_value[0, 0] = [20_000.0, -10_000.0, 0.0, -30_000.0]
    assert model.money.sell_land(phase) == pytest.approx(200_000.0)
    assert ledger(model) == [(HA, MUN, 200_000.0, "land_sale")]
    model, area, phase = world("building_claim")
    area.deal = None
    model.money.sell_land(phase)
    assert ledger(model) == [(HA, MUN, 200_000.0, "land_sale")]
    assert phase.market_land_price == 0.0


def test_a_land_price_of_cents_is_still_paid():
    """Building claim at 1 cent per market home: 30 cents to the municipality (not a contribution)."""
    model, _, phase = world("building_claim", land_price=0.01)
    model.money.sell_land(phase)
    assert ledger(model)[0] == (DEV, MUN, 0.3, "land_sale")


# ---------------------------------------------------------------------------------------------- carrying and books

def test_land_carrying_cost_is_booked_on_the_area_and_needs_a_developer():
    model, area, _ = world("concession")
    model.money.charge_land_carrying(0.01560401)
    assert rows(model) == [(DEV, LENDERS, 3_250.0, "land_carrying_cost", "north", -1)]
    model, area, _ = world("concession")
    area.developer = None
    model.money.charge_land_carrying(0.01560401)
    assert len(model.ledger) == 0
    model, area, phase = world("concession")  # a position worth 65 cents (2 × 1/4 × 1.3) is carried too
    phase.estimates["acquisition"] = 2.0
    model.money.charge_land_carrying(0.01560401)
    assert model.ledger.transactions()[0].amount == pytest.approx(0.0065)


def test_a_booking_carries_the_clock_time_and_its_area_or_none():
    """A transfer outside any area (a set-up) has area '' and phase −1 and is no area's investment; a booking
    named by area has phase −1 even when a phase is at hand."""
    model, area, phase = world("traditional")
    books = model.ctx.books
    books.book(DEV, "outside:shareholders", 5.0, "setup")
    books.book(MUN, CONTRACTORS, 7.0, "infrastructure", phase, area_name="north")
    assert [(t.time, t.area, t.phase) for t in model.ledger.transactions()] == [(0.0, "", -1), (0.0, "north", -1)]
    assert dict(books.invested) == {(MUN, "north"): -7.0}


def test_interest_is_charged_on_cents_invested_too():
    """50 cents invested at 1 % a quarter: half a cent of interest."""
    model, _, _ = world("traditional")
    books = model.ctx.books
    books.book(MUN, CONTRACTORS, 0.5, "infrastructure", area_name="north")
    books.charge_interest(0.03060401, {"municipality": 0.01})
    last = model.ledger.transactions()[-1]
    assert (last.source, last.target, last.category) == (MUN, LENDERS, "interest")
    assert last.amount == pytest.approx(0.005)
    model, _, _ = world("traditional")  # 50 cents received net: no interest either way
    model.ctx.books.book(MUN, DEV, 0.5, "land_position_sale", area_name="north")
    model.ctx.books.charge_interest(0.03060401, {"developer": 0.01, "municipality": 0.01})
    assert [t.category for t in model.ledger.transactions()] == ["land_position_sale", "interest"]


def test_a_phase_event_has_the_time_area_and_phase():
    model, _, phase = world("traditional")
    model.ctx.books.log(phase, "land_ready", cost=1.0)
    assert model.ctx.books.events == [{"time": 0.0, "area": "north", "phase": 0, "event": "land_ready", "cost": 1.0}]


# ---------------------------------------------------------------------------------------------- ledger

def test_an_unknown_account_has_a_zero_balance_and_kinds_end_at_the_first_colon():
    from sim.ledger import Ledger, party_kind

    assert Ledger().balance("developer:9") == 0.0
    assert party_kind("municipality:a:b") == "municipality"


def test_business_cases_come_as_a_plain_numbered_table():
    from sim.ledger import Ledger, business_cases

    ledger_ = Ledger()
    ledger_.transfer(0.0, "municipality:a", CONTRACTORS, 7.0, "remediation", "y")
    ledger_.transfer(0.0, DEV, "municipality:a", 3.0, "land_sale", "x")
    cases = business_cases(ledger_.to_frame())
    assert list(cases.index) == [0, 1, 2, 3]
    assert list(cases.columns) == ["area", "party", "category", "net"]
    assert cases.values.tolist() == [["x", DEV, "land_sale", -3.0], ["x", "municipality:a", "land_sale", 3.0],
                                     ["y", "municipality:a", "remediation", -7.0],
                                     ["y", "outside:contractors", "remediation", 7.0]]


def test_the_ledger_frame_has_one_typed_row_per_transfer():
    """The frame is the ledger as written: time (quarters, float), source, target, amount (€), area, phase
    (int), category, in booking order; an area-less transfer has area '' and phase −1."""
    from sim.ledger import Ledger

    ledger_ = Ledger()
    ledger_.transfer(2.0, DEV, CONTRACTORS, 7, "construction", "north", 1)
    ledger_.transfer(3.0, "municipality:a", "developer:2", 2.5, "setup")
    frame = ledger_.to_frame()
    assert list(frame.columns) == ["time", "source", "target", "amount", "area", "phase", "category"]
    assert [str(t) for t in frame.dtypes] == ["float64", "string", "string", "float64", "string", "int64", "string"]
    assert frame.values.tolist() == [[2.0, DEV, CONTRACTORS, 7.0, "north", 1, "construction"],
                                     [3.0, "municipality:a", "developer:2", 2.5, "", -1, "setup"]]


def test_an_empty_ledger_frame_has_the_same_types():
    from sim.ledger import Ledger

    frame = Ledger().to_frame()
    assert [str(t) for t in frame.dtypes] == ["float64", "string", "string", "float64", "string", "int64", "string"]


def test_a_refused_transfer_says_why():
    from sim.ledger import Ledger

    with pytest.raises(ValueError, match="negative transfer -1.0 \\(x\\); swap source and target"):
        Ledger().transfer(0.0, "a:1", "b:1", -1.0, "x")
    with pytest.raises(ValueError, match="transfer from a:1 to itself \\(x\\)"):
        Ledger().transfer(0.0, "a:1", "a:1", 1.0, "x")


def test_a_sub_account_belongs_to_the_party_before_the_first_slash():
    from sim.ledger import party_of

    assert party_of("municipality:a/provisions/2030") == "municipality:a"


def test_financing_cost_is_interest_on_half_the_cost_over_the_build():
    """200k at 4 % a year over 2 years, on average half drawn: 200k × 0.04 × 2 / 2 = 8k."""
    assert land_value.financing_cost(200_000.0, 0.04, 2.0) == pytest.approx(8_000.0)


def test_land_flows_start_at_zero_for_each_party_and_area():
    """A party's first land cost or land revenue in an area is counted from zero."""
    model, _, phase = world("traditional")
    books = model.ctx.books
    books.book(DEV, MUN, 3.0, "land_sale", phase)
    books.book(MUN, OWNERS, 7.0, "acquisition", phase)
    assert books.land_account(MUN, "north") == (7.0, 3.0)
    assert books.land_account(DEV, "north") == (0.0, 0.0)
    books.book(MUN, OWNERS, 2.0, "acquisition", area_name="east")  # a first cost, before any revenue
    assert books.land_account(MUN, "east") == (2.0, 0.0)
