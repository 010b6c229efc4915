"""Fund instruments by hand: who pays whom, how much, under which category, and which decision is taken.

Found unchecked by mutation testing (tools/mutation.py, docs/testing.md): the instruments were reached only through
whole runs. Here every hook of every built-in instrument (sim/funds/instruments.py) is called on the mini world at
quarter 0, in a steady market, with the state it reads set by hand (phase stages, prices, the municipality's
expected result) so that every number is written out. One fund of €10m unless said otherwise.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.cooperation import Terms
from sim.funds.fund import Award
from sim.model import AreaModel
from sim.scenario import from_dict
from sim.segments import MID_RENT, OWNER, SOCIAL, STAGE_INDEX
from tests.conftest import mini
from tests.test_funds import design

FUND = "fund:f"
MUNICIPALITY = "municipality:middle"  # north's municipality (south's is municipality:relaxed)


def world(instrument: dict, budget: float = 10e6, actors: dict | None = None, **fund):
    """(model, fund, instrument, north, south) at quarter 0. North: 3 phases of 400 homes (120 social, 100 mid-rent,
    180 owner-occupied) in region middle; south: 2 phases of 400 in region relaxed."""
    data = mini(market={"mode": "steady"})
    for party, params in (actors or {}).items():
        data["actors"].setdefault(party, {}).update(params)
    model = AreaModel(from_dict(data), seed=1, fund_design=design(instrument, budget=budget, **fund))
    f = model.funds[0]
    north, south = model.areas
    return model, f, f.instruments[0], north, south


def results(model, **by_area: float) -> None:
    """Stub every municipality's expected result of an area (€, the first element of ``expected_result``)."""
    for municipality in model.municipalities:
        municipality.expected_result = lambda area: (by_area[area.name], 0.0, 0.0, 0.0, 0.0)


def moves(model) -> list[tuple[str, str, float, str, str, int]]:
    """Transfers after the budget: (payer, payee, €, category, area, phase)."""
    return [(t.source, t.target, round(t.amount, 2), t.category, t.area, t.phase)
            for t in model.ledger.transactions() if t.category != "fund_budget"]


def events(model, name: str) -> list[dict]:
    return [e for e in model.events if e["event"] == name]


def award(fund, instrument, area, committed: float, time: float = 0.0, **fields) -> Award:
    a = Award(fund, instrument, area, time, committed, **fields)
    fund.awards.append(a)
    return a


def at(model, quarter: float) -> None:
    """Move the run's clock (quarters) without running processes."""
    model.ctx.env._now = quarter
    model.ctx.quarter = int(quarter)


# ---------------------------------------------------------------------------------------------- deficit grant

GRANT = {"type": "deficit_grant", "max_share_of_deficit": 0.5, "co_financing_share": 0.0, "min_homes": 500,
         "min_affordable_share": 0.5, "max_award": 50e6}


def test_the_deficit_is_the_municipality_s_expected_loss_and_nothing_for_a_surplus():
    model, _, grant, north, south = world(GRANT)
    results(model, north=-7e6, south=2e6)
    assert grant.deficit(north) == 7e6 and grant.deficit(south) == 0.0


@pytest.mark.parametrize("deficit,share,co,cap,asked", [
    (10e6, 0.5, 0.0, 50e6, 5e6),      # the scheme's share binds: 50 % of 10m
    (10e6, 1.0, 0.25, 50e6, 8e6),     # co-financing binds: grant × 1.25 ≤ 10m
    (10e6, 0.5, 0.0, 3e6, 3e6),       # the cap binds
    (0.0, 0.5, 0.0, 3e6, 0.0)])
def test_the_grant_asked_is_the_smallest_of_share_co_financing_rule_and_cap(deficit, share, co, cap, asked):
    _, _, grant, _, _ = world({**GRANT, "max_share_of_deficit": share, "co_financing_share": co, "max_award": cap})
    assert grant.size_for(deficit) == pytest.approx(asked)
    assert grant.co_financing(4e6) == pytest.approx(co * 4e6)


def test_award_size_is_the_grant_for_the_area_s_deficit():
    model, _, grant, north, _ = world(GRANT)
    results(model, north=-7e6, south=0.0)
    assert grant.award_size(north) == pytest.approx(3.5e6)


def test_a_grant_is_open_to_an_area_with_a_zoning_plan_a_deficit_enough_homes_and_an_affordable_programme():
    model, _, grant, north, _ = world({**GRANT, "min_homes": 1200})
    results(model, north=-7e6, south=-1e6)
    assert grant.eligible(north) == (False, "no irrevocable zoning plan yet")
    north.phases[2].marketing_open = True
    assert grant.eligible(north) == (True, "eligible")  # exactly min_homes (1200) homes
    results(model, north=0.0, south=-1e6)
    assert grant.eligible(north) == (False, "no public deficit")
    results(model, north=-0.01, south=-1e6)
    assert grant.eligible(north)[0]
    north.phases[1].construction_start = 5.0
    assert grant.eligible(north) == (False, "construction already started or nothing left")
    model, _, grant, north, _ = world({**GRANT, "min_homes": 1201})
    north.phases[0].marketing_open = True
    assert grant.eligible(north) == (False, "fewer than 1201 homes")


def test_the_affordable_share_reachable_is_the_programme_raised_by_the_municipality_s_flexibility():
    """North: 55 % affordable, demand 55 %, flexibility 10 points → 65 %: eligible under a 65 % minimum, not 66 %."""
    model, _, grant, north, _ = world({**GRANT, "min_affordable_share": 0.65})
    results(model, north=-7e6, south=0.0)
    north.phases[0].marketing_open = True
    assert grant.reachable_share(north) == pytest.approx(0.65)
    assert grant.eligible(north) == (True, "eligible")
    north.affordable_demand = 0.6  # the municipality demands more now: 70 % reachable
    assert grant.reachable_share(north) == pytest.approx(0.70)
    north.affordable_demand = 0.95
    assert grant.reachable_share(north) == 1.0
    model, _, grant, north, _ = world({**GRANT, "min_affordable_share": 0.66})
    results(model, north=-7e6, south=0.0)
    north.phases[0].marketing_open = True
    assert grant.eligible(north) == (False, "affordable share below 66% even with the programme raised")


def per_affordable_home_loss(model, loss: float = 20_000.0) -> None:
    """The municipality loses ``loss`` € per affordable home of the unstarted phases (a stub of its land account)."""
    def result(area):
        return (-loss * sum(float(p.homes[SOCIAL] + p.homes[MID_RENT]) for p in area.unstarted), 0.0, 0.0, 0.0, 0.0)
    for municipality in model.municipalities:
        municipality.expected_result = result


@pytest.mark.parametrize("value,share", [(0.0, 0.55), (15_000.0, 0.65)])
def test_the_municipality_applies_with_the_programme_that_is_worth_most_to_it(value, share):
    """Each affordable home loses 20k, the grant pays half of it (10k): worth 0 per home, it keeps its 55 %
    (660 homes: deficit 13.2m, asks 6.6m); worth 15k per home (more than its net loss of 10k), it raises the
    programme as far as it can (65 %, 780 homes: deficit 15.6m, asks 7.8m). Its programme is not changed by asking."""
    model, _, grant, north, _ = world(GRANT, actors={"municipality": {"affordable_home_value": value}})
    per_affordable_home_loss(model)
    before = [p.homes.copy() for p in north.phases]
    chosen, asked, deficit = grant.programme_choice(north)
    homes = round(share * 1200)
    assert chosen == pytest.approx(share) and deficit == pytest.approx(20_000 * homes)
    assert asked == pytest.approx(10_000 * homes)
    assert all((p.homes == h).all() for p, h in zip(north.phases, before, strict=True))


def test_a_programme_below_the_scheme_minimum_is_not_applied_with():
    """Minimum 60 %: the 55 % now is not a choice, the municipality applies with 60 % (worth 0 per home)."""
    model, _, grant, north, _ = world({**GRANT, "min_affordable_share": 0.6},
                                      actors={"municipality": {"affordable_home_value": 0.0}})
    per_affordable_home_loss(model)
    assert grant.programme_choice(north)[0] == pytest.approx(0.6)


def test_an_area_in_surplus_asks_nothing_at_any_programme():
    model, _, grant, north, _ = world(GRANT, actors={"municipality": {"affordable_home_value": 0.0}})
    results(model, north=5e6, south=0.0)
    share, asked, deficit = grant.programme_choice(north)
    assert (share, asked, deficit) == (pytest.approx(0.55), 0.0, 0.0)


def test_grants_rank_affordable_homes_at_the_programme_applied_with_per_euro_asked():
    model, _, grant, north, south = world(GRANT)
    grant.applied["north"] = (0.6, 2e6, 4e6)
    assert grant.score(north) == pytest.approx(0.6 * 1200 / 2e6)
    results(model, north=-7e6, south=-4e6)  # south did not apply: its own programme (55 %) and its award size
    assert grant.score(south) == pytest.approx(0.55 * 800 / 2e6)
    grant.applied["north"] = (0.6, 0.0, 0.0)
    assert grant.score(north) == 0.0
    grant.applied["north"] = (0.6, 0.5, 1.0)
    assert grant.score(north) == pytest.approx(0.6 * 1200 / 0.5)


def test_a_grant_decides_when_it_lifts_the_result_to_what_the_municipality_accepts():
    """North: 1200 homes × 40k accepted loss per home = walk-away at −48m."""
    model, _, grant, north, _ = world(GRANT)
    results(model, north=-50e6, south=0.0)
    assert grant.decision_change(north, 2e6) == (1, pytest.approx(2e6 / 50e6))  # −50m + 2m reaches −48m exactly
    assert grant.decision_change(north, 1.99e6)[0] == 0
    results(model, north=-48e6, south=0.0)
    assert grant.decision_change(north, 5e6)[0] == 0  # already acceptable without it
    results(model, north=-0.5, south=0.0)
    assert grant.decision_change(north, 3.0) == (0, 3.0)  # shares of tiny deficits are per euro at least


def test_co_financing_is_taken_from_the_reserves_left_in_the_order_the_grant_matters():
    model, _, grant, north, south = world({**GRANT, "max_share_of_deficit": 0.5, "co_financing_share": 0.5},
                                          actors={"municipality": {"budget": 3e6}})
    south.region_index = 0
    results(model, north=-8e6, south=-4e6)  # asks 4m (co 2m) and 2m (co 1m)
    kept = grant.select_applications([(south, 1.0), (north, 1.0)])
    assert [(a.name, s) for a, s in kept] == [("north", 4e6), ("south", 2e6)]  # 2m + 1m = exactly the 3m reserves
    assert not events(model, "fund_application_withheld")
    assert grant.applied["north"][1:] == (4e6, 8e6)
    model, _, grant, north, south = world({**GRANT, "max_share_of_deficit": 0.5, "co_financing_share": 0.5},
                                          actors={"municipality": {"budget": 2.5e6}})
    south.region_index = 0
    results(model, north=-8e6, south=-4e6)
    kept = grant.select_applications([(south, 1.0), (north, 1.0)])
    assert [a.name for a, _ in kept] == ["north"]
    (withheld,) = events(model, "fund_application_withheld")
    assert (withheld["area"], withheld["fund"], withheld["instrument"], withheld["asked"], withheld["co_financing"],
            withheld["reserves_left"]) == ("south", FUND, "deficit_grant", 2e6, 1e6, pytest.approx(0.5e6))
    assert withheld["reason"] == "co-financing exceeds the municipality's reserves left"


def test_the_area_where_the_grant_decides_is_served_before_a_larger_share():
    """North (−49m, walk-away −48m): a 2m grant decides it; south (−3m) gets a larger share of its deficit but
    the grant decides nothing there: north's co-financing comes first and south's is withheld."""
    model, _, grant, north, south = world({**GRANT, "max_share_of_deficit": 1.0, "co_financing_share": 1.0,
                                           "max_award": 2e6}, actors={"municipality": {"budget": 2.5e6}})
    south.region_index = 0
    results(model, north=-49e6, south=-3e6)
    kept = grant.select_applications([(south, 1.0), (north, 1.0)])
    assert [a.name for a, _ in kept] == ["north"]
    model, _, grant, north, south = world({**GRANT, "max_share_of_deficit": 1.0, "co_financing_share": 1.0,
                                           "max_award": 2e6}, actors={"municipality": {"budget": 2.5e6}})
    south.region_index = 0
    results(model, north=-10e6, south=-3e6)  # neither decided: the larger share of its deficit (south) first
    assert [a.name for a, _ in grant.select_applications([(north, 1.0), (south, 1.0)])] == ["south"]


def test_each_municipality_uses_its_own_reserves_and_an_area_in_surplus_does_not_apply():
    model, _, grant, north, south = world({**GRANT, "co_financing_share": 0.5},
                                          actors={"municipality": {"budget": 1e6}})
    results(model, north=-4e6, south=-4e6)  # each asks 2m, co-finances 1m from its own 1m
    assert [a.name for a, _ in grant.select_applications([(north, 1.0), (south, 1.0)])] == ["north", "south"]
    results(model, north=-4e6, south=1e6)
    assert [a.name for a, _ in grant.select_applications([(north, 1.0), (south, 1.0)])] == ["north"]


def test_an_award_sets_the_deadlines_and_logs_the_conditions():
    model, fund, grant, north, _ = world({**GRANT, "first_start_within_years": 2.5, "last_start_within_years": 6,
                                          "co_financing_share": 0.5, "clawback_share": 0.75})
    grant.applied["north"] = (0.62, 3e6, 9e6)
    a = award(fund, grant, north, 3e6, time=4.0)
    grant.on_award(a)
    assert (a.first_deadline, a.last_deadline, a.programme_share) == (14.0, 28.0, 0.62)
    (logged,) = events(model, "fund_conditions")
    assert {k: logged[k] for k in ("area", "fund", "instrument", "deficit", "min_affordable_share", "first_start_by",
                                   "last_start_by", "co_financing", "clawback_share")} == {
        "area": "north", "fund": FUND, "instrument": "deficit_grant", "deficit": 9e6, "min_affordable_share": 0.62,
        "first_start_by": 14.0, "last_start_by": 28.0, "co_financing": 1.5e6, "clawback_share": 0.75}


def test_the_grant_counts_for_the_municipality_and_binds_the_programme():
    """Outstanding 3m of 5m (2m paid, 0.5m of it returned): the municipality counts 3m; the condition is
    (3m outstanding, 1.5m kept, the higher of the scheme's 50 % and the 62 % applied with)."""
    model, fund, grant, north, south = world(GRANT)
    a = award(fund, grant, north, 5e6, paid=2e6, returned=0.5e6, programme_share=0.62)
    assert grant.municipal_support(north) == 3e6 and grant.municipal_support(south) == 0.0
    assert grant.programme_condition(north) == (3e6, 1.5e6, 0.62)
    assert grant.programme_condition(south) is None
    award(fund, grant, north, 1e6, programme_share=0.3)
    assert grant.programme_condition(north) == (4e6, 1.5e6, 0.62)
    a.closed = True
    assert grant.programme_condition(north) == (1e6, 0.0, 0.5)
    assert grant.required_share(a) == 0.62


def test_a_deal_at_the_required_share_keeps_the_grant_and_one_below_costs_what_was_paid():
    """Paid 2m of 5m, 0.5m already returned, claw-back 80 %: a deal at 55 % (required 55 %) keeps it; a deal at
    54 % reclaims 80 % × 1.5m = 1.2m from the municipality, releases the 3m unpaid and closes the award."""
    model, fund, grant, north, _ = world({**GRANT, "clawback_share": 0.8})
    a = award(fund, grant, north, 5e6, paid=2e6, returned=0.5e6, programme_share=0.55)
    grant.on_deal(north, Terms(0.0, 0.55, 0.0))
    assert not a.closed and moves(model) == []
    grant.on_deal(north, Terms(0.0, 0.54, 0.0))
    assert moves(model) == [(MUNICIPALITY, FUND, 1.2e6, "fund_clawback", "north", -1)]
    assert a.closed and a.released == 3e6 and a.outstanding == 0.0 and a.returned == pytest.approx(1.7e6)
    (broken,) = events(model, "fund_condition_broken")
    assert (broken["area"], broken["fund"], broken["instrument"], broken["condition"], broken["required"],
            broken["agreed"], broken["paid"], broken["released"]) == \
        ("north", FUND, "deficit_grant", "min_affordable_share", 0.55, 0.54, 2e6, 3e6)
    (clawback,) = events(model, "fund_clawback")
    assert (clawback["area"], clawback["fund"], clawback["instrument"], clawback["payer"], clawback["amount"],
            clawback["reason"]) == \
        ("north", FUND, "deficit_grant", MUNICIPALITY, pytest.approx(1.2e6), "min_affordable_share broken")


def test_without_a_claw_back_share_in_its_rules_a_grant_reclaims_all_that_was_paid():
    """A grant type whose rules have no claw-back share (a regional fund's grant) reclaims everything kept: 1.5m.
    A 40-cent grant kept is reclaimed too."""
    model, fund, inst, north, _ = world(REGIONAL)
    a = award(fund, inst, north, 5e6, paid=2e6, returned=0.5e6)
    inst.break_condition(a, "min_affordable_share", 0.5, 0.4)
    b = award(fund, inst, north, 1.0, paid=0.4)
    inst.break_condition(b, "min_affordable_share", 0.5, 0.4)
    assert moves(model) == [(MUNICIPALITY, FUND, 1.5e6, "fund_clawback", "north", -1),
                            (MUNICIPALITY, FUND, 0.4, "fund_clawback", "north", -1)]


def test_a_broken_condition_with_nothing_paid_reclaims_nothing_and_releases_all():
    model, fund, grant, north, _ = world(GRANT)
    a = award(fund, grant, north, 5e6)
    grant.break_condition(a, "min_affordable_share", 0.5, 0.4)
    assert moves(model) == [] and not events(model, "fund_clawback") and a.released == 5e6 and a.closed


def started(phase, quarter: float = 0.0) -> None:
    phase.construction_start = quarter
    phase.go_time = quarter
    phase.stage = STAGE_INDEX["construction"]


def test_the_grant_is_paid_at_each_start_pro_rata_to_the_homes_left_to_the_municipality():
    """6m outstanding over 3 phases of 400: the first start gets 2m, the second 2m (4m over 800), the last the
    rest; each on its phase, fund → municipality."""
    model, fund, grant, north, _ = world(GRANT)
    award(fund, grant, north, 6e6, last_deadline=10.0)
    for k in range(3):
        started(north.phases[k])
        grant.on_construction_start(north.phases[k])
    assert moves(model) == [(FUND, MUNICIPALITY, 2e6, "fund_grant", "north", k) for k in range(3)]


def test_a_phase_already_done_or_abandoned_does_not_share_the_grant():
    model, fund, grant, north, _ = world(GRANT)
    award(fund, grant, north, 6e6)
    north.phases[1].stage = STAGE_INDEX["done"]
    started(north.phases[0])
    grant.on_construction_start(north.phases[0])
    assert moves(model) == [(FUND, MUNICIPALITY, 3e6, "fund_grant", "north", 0)]


def test_no_grant_for_a_start_after_the_last_deadline_nor_for_a_deal_below_the_programme():
    model, fund, grant, north, _ = world(GRANT)
    a = award(fund, grant, north, 6e6, last_deadline=3.0)
    at(model, 3.0)
    started(north.phases[0], 3.0)
    grant.on_construction_start(north.phases[0])  # on the deadline: paid
    at(model, 3.25)
    started(north.phases[1], 3.25)
    grant.on_construction_start(north.phases[1])  # after it: not paid
    assert moves(model) == [(FUND, MUNICIPALITY, 2e6, "fund_grant", "north", 0)]
    assert not a.closed

    model, fund, grant, north, _ = world(GRANT)
    a = award(fund, grant, north, 6e6, programme_share=0.6)
    north.deal = type("Deal", (), {"terms": Terms(0.0, 0.59, 0.0)})()
    started(north.phases[0])
    grant.on_construction_start(north.phases[0])
    assert moves(model) == [] and a.closed
    assert [(e["condition"], e["required"], e["agreed"]) for e in events(model, "fund_condition_broken")] == [
        ("min_affordable_share", 0.6, 0.59)]
    model, fund, grant, north, _ = world(GRANT)
    award(fund, grant, north, 6e6, programme_share=0.6)
    north.deal = type("Deal", (), {"terms": Terms(0.0, 0.6, 0.0)})()
    started(north.phases[0])
    grant.on_construction_start(north.phases[0])
    assert moves(model) == [(FUND, MUNICIPALITY, 2e6, "fund_grant", "north", 0)]


def test_an_award_lapses_after_its_first_or_last_deadline_and_says_why():
    model, fund, grant, north, south = world(GRANT)
    first = award(fund, grant, north, 6e6, first_deadline=4.0, last_deadline=20.0)
    last = award(fund, grant, south, 5e6, first_deadline=4.0, last_deadline=8.0, paid=1e6)
    started(south.phases[0])
    at(model, 4.0)
    grant.on_quarter()
    assert not first.closed and not last.closed  # on the deadline: still open
    at(model, 5.0)
    grant.on_quarter()
    assert first.closed and first.released == 6e6 and not last.closed  # south started: only its last deadline counts
    at(model, 8.0)
    grant.on_quarter()
    assert not last.closed  # on its last deadline: still open
    at(model, 8.5)
    grant.on_quarter()
    assert last.closed and last.released == 4e6
    assert [(e["area"], e["fund"], e["instrument"], e["released"], e["reason"])
            for e in events(model, "fund_award_lapsed")] == [
        ("north", FUND, "deficit_grant", 6e6, "first start deadline missed"),
        ("south", FUND, "deficit_grant", 4e6, "last deadline")]


def test_a_fully_paid_award_closes_at_its_deadline_without_a_lapse_event():
    model, fund, grant, north, south = world(GRANT)
    a = award(fund, grant, north, 6e6, paid=6e6, first_deadline=1.0, last_deadline=1.0)
    cents = award(fund, grant, south, 6e6, paid=6e6 - 0.5, first_deadline=1.0, last_deadline=1.0)
    at(model, 2.0)
    grant.on_quarter()
    assert a.closed and cents.closed
    assert [(e["area"], e["released"]) for e in events(model, "fund_award_lapsed")] == [("south", 0.5)]


def owner_price(model, euros: float) -> None:
    """Every region's owner-occupied home sells for ``euros`` (€/home) in every quarter."""
    model.ctx.econ.sale_value[:, :, OWNER] = euros


# ---------------------------------------------------------------------------------------------- countercyclical

CRASH = 2  # market regime code of a crash quarter


def countercyclical(budget: float = 100e6, **params):
    model, fund, inst, north, south = world({"type": "countercyclical_purchase", "homes_per_quarter": 100,
                                             "discount": 0.1, "resale_after_quarters": 8, **params}, budget=budget)
    owner_price(model, 400_000.0)
    model.ctx.market.regime[:] = 0
    return model, fund, inst, north, south


def test_in_a_crash_the_fund_buys_presale_contracts_at_a_discount_from_the_developer():
    """North's first phase on sale, 180 owner-occupied homes, 30 sold: in a crash quarter the fund buys 100 homes
    at 400k − 10 % = 360k: 36m to the developer, on the phase; the phase counts them as sold (and fund-sold)."""
    model, fund, inst, north, _ = countercyclical()
    phase = north.phases[0]
    phase.owner_sold = 30.0
    model.ctx.sales.selling.append(phase)
    inst.on_quarter()
    assert moves(model) == []  # no crash, no purchase
    model.ctx.market.regime[0] = CRASH
    inst.on_quarter()
    assert moves(model) == [(FUND, "developer:1", 36e6, "countercyclical_purchase", "north", 0)]
    assert (phase.owner_sold, phase.fund_sold) == (130.0, 100.0)
    (a,) = fund.awards  # an award per purchase, of this fund, made now
    assert (a.fund, a.area, a.instrument, a.time, a.committed, a.paid) == (fund, north, inst, 0.0, 36e6, 36e6)
    assert [(lot.phase, lot.homes, lot.paid) for lot in inst.holdings] == [(phase, 100.0, 36e6)]
    assert [(e["homes"], e["paid"]) for e in events(model, "countercyclical_purchase")] == [(100.0, 36e6)]


def test_the_homes_per_quarter_are_shared_by_the_phases_on_sale_in_turn_and_started_phases_are_skipped():
    model, fund, inst, north, _ = countercyclical()
    first, second, third = north.phases
    first.owner_sold = 180.0  # sold out: nothing to buy
    second.owner_sold = 150.0  # 30 left
    model.ctx.sales.selling += [first, second, third]
    inst.buy_in_region(0)
    assert [(p, h) for p, h in ((lot.phase.index, lot.homes) for lot in inst.holdings)] == [(1, 30.0), (2, 70.0)]
    assert [m[2] for m in moves(model)] == [30 * 360e3, 70 * 360e3]
    model, fund, inst, north, _ = countercyclical()
    started(north.phases[0])
    model.ctx.sales.selling += [north.phases[0], north.phases[1]]
    inst.buy_in_region(0)
    assert [lot.phase.index for lot in inst.holdings] == [1]


def test_fractions_of_homes_are_bought_and_count_against_the_homes_per_quarter():
    """100 homes a quarter: 0.5 left in the first phase, 99 in the second, 10 in the third → 0.5, 99, 0.5."""
    model, fund, inst, north, _ = countercyclical()
    for phase, left in zip(north.phases, (0.5, 99.0, 10.0), strict=True):
        phase.owner_sold = 180.0 - left
        model.ctx.sales.selling.append(phase)
    inst.buy_in_region(0)
    assert [lot.homes for lot in inst.holdings] == [0.5, 99.0, 0.5]


def test_the_fund_buys_only_what_its_money_left_pays_for_and_only_in_its_regions():
    model, fund, inst, north, _ = countercyclical(budget=9e6)  # 25 homes at 360k
    model.ctx.sales.selling.append(north.phases[0])
    inst.buy_in_region(0)
    assert [lot.homes for lot in inst.holdings] == [pytest.approx(25.0)] and fund.available == pytest.approx(0.0)
    inst.buy_in_region(0)
    assert len(inst.holdings) == 1  # nothing left to buy with
    model, fund, inst, north, south = world({"type": "countercyclical_purchase"}, budget=100e6, regions=["relaxed"])
    model.ctx.sales.selling += [north.phases[0], south.phases[0]]
    inst.buy_in_region(0)
    assert inst.holdings == []
    inst.buy_in_region(1)
    assert [lot.phase.area.name for lot in inst.holdings] == ["south"]


def test_no_purchase_at_a_zero_price_or_without_homes_to_buy():
    model, fund, inst, north, _ = countercyclical(homes_per_quarter=0)
    model.ctx.sales.selling.append(north.phases[0])
    inst.buy_in_region(0)
    assert inst.holdings == [] and fund.awards == []
    model, fund, inst, north, _ = countercyclical(discount=1.0)
    model.ctx.sales.selling.append(north.phases[0])
    inst.buy_in_region(0)
    assert inst.holdings == [] and fund.awards == []


def test_the_fund_resells_its_homes_after_completion_and_is_refunded_when_the_phase_is_abandoned():
    """Bought 100 homes of north phase 0 for 36m and 50 of phase 1 for 18m. Phase 0 completes at quarter 10: at
    quarter 17 the fund still holds, at 18 (8 quarters later) it sells the 100 homes to buyers at today's 450k
    (45m back). Phase 1 is abandoned: the developer returns the 18m."""
    model, fund, inst, north, _ = countercyclical()
    model.ctx.sales.selling += [north.phases[0], north.phases[1]]
    north.phases[1].owner_sold = 130.0
    model.ctx.market.regime[0] = CRASH
    inst.on_quarter()
    assert [lot.homes for lot in inst.holdings] == [100.0]
    inst.spec = inst.spec.model_copy(update={"homes_per_quarter": 50})
    model.ctx.sales.selling.remove(north.phases[0])
    inst.on_quarter()
    model.ctx.market.regime[:] = 0
    owner_price(model, 450_000.0)
    north.phases[0].completion = 10.0
    at(model, 17.0)
    inst.on_quarter()
    assert len(inst.holdings) == 2
    at(model, 18.0)
    inst.on_quarter()
    assert len(inst.holdings) == 1
    north.phases[1].stage = len(STAGE_INDEX)  # abandoned
    inst.on_quarter()
    assert inst.holdings == []
    assert moves(model)[2:] == [("outside:home_buyers", FUND, 45e6, "countercyclical_resale", "north", 0),
                                ("developer:1", FUND, 18e6, "countercyclical_refund", "north", 1)]
    assert fund.returned == pytest.approx(63e6)


# ---------------------------------------------------------------------------------------------- sales guarantee

GUARANTEE = {"type": "sales_guarantee", "presale_threshold": 0.5, "purchase_discount": 0.1,
             "resale_after_quarters": 4, "fee_share": 0.01}


def test_the_guarantee_covers_the_unpresold_part_of_the_owner_occupied_homes_at_the_purchase_price():
    """North: 3 × 180 owner-occupied homes unstarted at 400k; the guarantee covers the 50 % not presold at 90 %:
    540 × 400k × 0.5 × 0.9 = 97.2m; a started phase no longer counts (360 homes: 64.8m)."""
    model, _, inst, north, _ = world(GUARANTEE)
    owner_price(model, 400_000.0)
    assert inst.guaranteed_value(north) == pytest.approx(97.2e6) == inst.award_size(north)
    north.phases[0].go_time = 1.0
    assert inst.guaranteed_value(north) == pytest.approx(64.8e6)


def test_a_guarantee_is_open_to_an_area_in_preparation_with_owner_occupied_homes_to_come():
    model, _, inst, north, _ = world(GUARANTEE)
    assert inst.eligible(north) == (False, "nothing to guarantee")  # not in preparation yet
    north.phases[2].stage = 0
    assert inst.eligible(north) == (True, "owner-occupied homes to guarantee")
    for p in north.phases:
        p.homes = np.array([200, 200, 0, 0])
    assert inst.eligible(north) == (False, "nothing to guarantee")


def test_with_a_guarantee_the_bank_needs_only_the_guaranteed_presale_share():
    model, fund, inst, north, south = world(GUARANTEE)
    phase = north.phases[0]
    assert inst.presale_threshold(phase, 0.7) == 0.7  # no award: the bank's own threshold
    award(fund, inst, north, 1e6)
    assert inst.presale_threshold(phase, 0.7) == 0.5 and inst.presale_threshold(phase, 0.4) == 0.4
    assert inst.presale_threshold(south.phases[0], 0.7) == 0.7


def test_the_developer_pays_the_fee_per_phase_pro_rata_to_its_owner_occupied_homes():
    """1 % of 9m committed, a third of north's owner-occupied homes in the phase: 30k, developer → fund."""
    model, fund, inst, north, _ = world(GUARANTEE)
    award(fund, inst, north, 9e6)
    phase = north.phases[0]
    phase.developer = north.developer
    inst.on_construction_start(phase)
    assert moves(model) == [("developer:1", FUND, 30_000.0, "guarantee_fee", "north", 0)]


def test_an_area_with_a_single_owner_occupied_home_pays_the_whole_fee_at_its_start():
    model, fund, inst, north, _ = world(GUARANTEE)
    for p in north.phases:
        p.homes = np.array([200, 200, 0, 0])
    north.phases[0].homes = np.array([200, 199, 0, 1])
    award(fund, inst, north, 9e6)
    north.phases[0].developer = north.developer
    inst.on_construction_start(north.phases[0])
    assert moves(model) == [("developer:1", FUND, 90_000.0, "guarantee_fee", "north", 0)]


def test_at_transfer_the_fund_buys_the_unsold_homes_at_the_discount_and_resells_them_later():
    """20 homes unsold at transfer (price 400k): the fund pays 20 × 360k = 7.2m to the developer and takes the 20
    homes; 4 quarters later it sells them at today's 420k (8.4m from buyers)."""
    model, fund, inst, north, _ = world(GUARANTEE)
    phase = north.phases[0]
    phase.developer = north.developer
    assert inst.on_transfer(phase, 20.0, 400_000.0) == 0.0  # no award, no purchase
    award(fund, inst, north, 10e6)
    at(model, 6.0)
    assert inst.on_transfer(phase, 20.0, 400_000.0) == pytest.approx(20.0)
    assert [(e["homes"], e["paid"]) for e in events(model, "guarantee_purchase")] == [(pytest.approx(20.0), 7.2e6)]
    owner_price(model, 420_000.0)
    at(model, 9.0)
    inst.on_quarter()
    assert len(inst.stock) == 1
    at(model, 10.0)
    inst.on_quarter()
    assert inst.stock == []
    assert moves(model) == [(FUND, "developer:1", 7.2e6, "guarantee_purchase", "north", 0),
                            ("outside:home_buyers", FUND, 8.4e6, "guarantee_resale", "north", 0)]


def test_the_guarantee_buys_no_more_than_is_left_of_the_award():
    """2.7m left of north's award: 7.5 of the 20 homes (at 360k); a zero price buys nothing. South's award is not
    north's money."""
    model, fund, inst, north, south = world(GUARANTEE)
    phase = north.phases[0]
    phase.developer = north.developer
    award(fund, inst, south, 9e6)
    award(fund, inst, north, 2.7e6)
    assert inst.on_transfer(phase, 20.0, 400_000.0) == pytest.approx(7.5)
    assert inst.on_transfer(phase, 20.0, 0.0) == 0.0
    assert [lot.homes for lot in inst.stock] == [pytest.approx(7.5)]


def test_the_portfolio_takes_the_fund_s_homes_off_the_unsold_and_the_lowest_threshold():
    model, fund, inst, north, _ = world(GUARANTEE)
    phase = north.phases[0]
    phase.developer = north.developer
    award(fund, inst, north, 10e6)
    assert model.portfolio.unsold_after_funds(phase, 20.0, 400_000.0) == pytest.approx(0.0)
    assert model.portfolio.presale_threshold(phase, 0.7) == 0.5


# ---------------------------------------------------------------------------------------------- start subsidy

SUBSIDY = {"type": "start_subsidy", "per_home": 10_000, "cap_per_home": 12_500, "min_homes": 400,
           "min_affordable_share": 0.55, "start_within_years": 2.0, "only_waiting_phases": True}


def ready(phase, site_ready: bool = True) -> None:
    """On sale and its land ready (close to a start)."""
    phase.marketing_open = True
    phase.land_ready = site_ready
    phase.stage = STAGE_INDEX["site_preparation"] - 1


def test_the_subsidy_is_per_home_up_to_its_cap_for_phases_meeting_the_size_and_affordability_conditions():
    """Phases of 400 homes, 55 % affordable: exactly at both minimums."""
    model, _, inst, north, _ = world(SUBSIDY)
    assert inst.rate() == 10_000
    assert inst.meets_conditions(north.phases[0])
    model, _, inst, north, _ = world({**SUBSIDY, "min_homes": 401})
    assert not inst.meets_conditions(north.phases[0])
    model, _, inst, north, _ = world({**SUBSIDY, "min_affordable_share": 0.56})
    assert not inst.meets_conditions(north.phases[0])


def test_only_phases_close_to_a_start_and_still_waiting_for_their_go_apply():
    """Phase 0 ready and without a go: 400 homes × 10k = 4m asked; phase 1 on sale but its site not prepared;
    phase 2 ready but with its go already (screened out as 'would go anyway')."""
    model, _, inst, north, _ = world(SUBSIDY)
    assert inst.eligible(north) == (False, "no eligible phase ready to start")
    ready(north.phases[0])
    ready(north.phases[1], site_ready=False)
    ready(north.phases[2])
    north.phases[2].go_time = 1.0
    assert inst.eligible(north) == (True, "phases ready to start")
    assert inst.award_size(north) == 4e6
    north.phases[1].stage = STAGE_INDEX["site_preparation"]  # its site is being prepared: close enough
    assert inst.award_size(north) == 8e6
    north.phases[0].construction_start = 1.0
    assert inst.award_size(north) == 4e6
    model, _, inst, north, _ = world({**SUBSIDY, "only_waiting_phases": False})
    ready(north.phases[2])
    north.phases[2].go_time = 1.0
    assert inst.award_size(north) == 4e6  # without the screening a phase with its go applies too
    north.phases[2].stage = STAGE_INDEX["done"]
    assert inst.award_size(north) == 0.0


def test_the_award_sets_the_start_deadline_and_logs_the_conditions():
    model, fund, inst, north, _ = world(SUBSIDY)
    a = award(fund, inst, north, 4e6, time=3.0)
    inst.on_award(a)
    assert a.deadline == 11.0
    (logged,) = events(model, "fund_conditions")
    assert (logged["fund"], logged["instrument"], logged["min_affordable_share"], logged["start_by"],
            logged["per_home"]) == (FUND, "start_subsidy", 0.55, 11.0, 10_000)


def test_the_builders_count_the_subsidy_of_a_covered_phase_and_the_bank_counts_it_as_presold():
    """Phase 0: 280 market homes (100 mid-rent + 180 owner-occupied) → 2.8m for the developer, 120 social →
    1.2m for the housing association. Owner-occupied value 180 × 400k = 72m: the presale share needed falls by
    2.8/72."""
    model, fund, inst, north, _ = world(SUBSIDY)
    owner_price(model, 400_000.0)
    phase = north.phases[0]
    assert inst.developer_support_phase(phase) == 0.0 and inst.presale_threshold(phase, 0.7) == 0.7  # no award
    award(fund, inst, north, 4e6, deadline=2.0, paid=1e6)
    assert inst.developer_support(north) == 3e6
    assert inst.covered(phase)
    assert inst.developer_support_phase(phase) == 2.8e6 and inst.housing_support_phase(phase) == 1.2e6
    assert inst.presale_threshold(phase, 0.7) == pytest.approx(0.7 - 2.8 / 72)
    assert inst.presale_threshold(phase, 0.01) == 0.0
    at(model, 2.0)
    assert inst.covered(phase)  # on the deadline
    at(model, 2.25)
    assert not inst.covered(phase) and inst.developer_support_phase(phase) == 0.0
    assert inst.housing_support_phase(phase) == 0.0 and inst.presale_threshold(phase, 0.7) == 0.7


def test_a_phase_without_owner_occupied_homes_or_value_keeps_its_threshold():
    model, fund, inst, north, _ = world({**SUBSIDY, "min_affordable_share": 0.0})
    award(fund, inst, north, 4e6)
    phase = north.phases[0]
    owner_price(model, 0.0)
    assert inst.presale_threshold(phase, 0.7) == 0.7
    phase.homes = np.array([200, 200, 0, 0])
    owner_price(model, 400_000.0)
    assert inst.presale_threshold(phase, 0.7) == 0.7
    phase.homes = np.array([200, 199, 0, 1])  # one owner-occupied home (400k): the 200 market homes' 2m covers it
    assert inst.presale_threshold(phase, 0.7) == 0.0


def test_at_the_start_the_developer_gets_the_market_homes_part_and_the_association_the_social_part():
    model, fund, inst, north, _ = world(SUBSIDY)
    award(fund, inst, north, 10e6, deadline=2.0)
    at(model, 2.0)
    inst.on_construction_start(north.phases[0])
    assert moves(model) == [(FUND, "developer:1", 2.8e6, "start_subsidy", "north", 0),
                            (FUND, "housing_association:middle", 1.2e6, "start_subsidy", "north", 0)]
    at(model, 2.25)
    inst.on_construction_start(north.phases[1])  # after the deadline: nothing
    assert len(moves(model)) == 2


def test_a_phase_whose_programme_breaks_the_conditions_gets_nothing():
    model, fund, inst, north, _ = world(SUBSIDY)
    award(fund, inst, north, 10e6)
    north.phases[0].homes = np.array([100, 100, 0, 200])  # 50 % affordable < 55 %
    inst.on_construction_start(north.phases[0])
    assert moves(model) == []


def test_a_start_subsidy_lapses_after_its_deadline():
    model, fund, inst, north, south = world(SUBSIDY)
    late = award(fund, inst, north, 4e6, deadline=2.0, paid=1e6)
    done = award(fund, inst, south, 1e6, deadline=2.0, paid=1e6)
    at(model, 2.0)
    inst.on_quarter()
    assert not late.closed
    at(model, 2.25)
    inst.on_quarter()
    assert late.closed and late.released == 3e6 and done.closed
    assert [(e["area"], e["released"], e["reason"]) for e in events(model, "fund_award_lapsed")] == [
        ("north", 3e6, "start deadline passed")]


def indices(model, acquisition: float = 1.2, works: float = 1.1) -> None:
    """Buy-outs cost ``acquisition`` × their start-year estimate now, other works ``works`` × (both every quarter)."""
    market = model.ctx.market
    market.income_index[:] = acquisition
    market.price_index[:] = acquisition
    market.cost_index[:] = works


ACQUISITION = 9_548_800.0  # € estimated for the buy-outs of each of north's phases (start-year prices)


# ---------------------------------------------------------------------------------------------- land risk sharing

def test_land_risk_cover_is_a_share_of_the_acquisition_at_today_s_prices():
    model, _, inst, north, _ = world({"type": "land_risk_sharing", "share": 0.5})
    indices(model)
    assert inst.cover(north) == pytest.approx(0.5 * 3 * ACQUISITION * 1.2) == inst.award_size(north)


def test_land_risk_sharing_is_for_municipal_land_purchases_still_ahead_in_an_area_in_preparation():
    model, _, inst, north, _ = world({"type": "land_risk_sharing"})
    assert inst.eligible(north) == (False, "no municipal land purchase")  # not in preparation
    north.phases[1].stage = 0
    assert inst.eligible(north) == (True, "municipal land purchases ahead")
    for p in north.phases:
        p.unpaid.pop("acquisition")
    assert inst.eligible(north) == (False, "no municipal land purchase")
    model, _, inst, north, _ = world({"type": "land_risk_sharing"})
    north.phases[1].stage = 0
    north.coop.acquisition_payer = "developer"
    assert inst.eligible(north) == (False, "no municipal land purchase")


def test_the_fund_compensates_its_share_of_the_municipality_s_loss_provision_at_year_end_up_to_its_award():
    """Share 50 %, 3m committed: a provision of 4m → 2m paid to the municipality on the area; a provision of 5m
    later → 0.5m more; a provision of 10m → the 0.5m left of the award; no provision, nothing."""
    model, fund, inst, north, south = world({"type": "land_risk_sharing", "share": 0.5})
    a = award(fund, inst, north, 3e6)
    award(fund, inst, south, 3e6)
    assert inst.municipal_support(north) == 3e6
    provisions = model.municipalities[0].provisions
    provisions["north"] = 4e6
    inst.on_year_end()
    provisions["north"] = 5e6
    inst.on_year_end()
    provisions["north"] = 5e6 + 1.0
    inst.on_year_end()  # 50 cents more
    provisions["north"] = 10e6
    inst.on_year_end()
    inst.on_year_end()
    assert moves(model) == [(FUND, MUNICIPALITY, 2e6, "land_risk_compensation", "north", -1),
                            (FUND, MUNICIPALITY, 0.5e6, "land_risk_compensation", "north", -1),
                            (FUND, MUNICIPALITY, 0.5, "land_risk_compensation", "north", -1),
                            (FUND, MUNICIPALITY, 499_999.5, "land_risk_compensation", "north", -1)]
    assert a.paid == 3e6 and inst.municipal_support(north) == 0.0


# ---------------------------------------------------------------------------------------------- land bank

def test_a_land_bank_buys_the_developer_s_land_position_at_today_s_value():
    """North: developers own a quarter of the private land; 3 × 9.55m of buy-outs ahead → a position of 7.16m,
    at an acquisition index of 1.2: 8.59m, paid to the developer at the award; the area is then land-banked."""
    model, fund, inst, north, _ = world({"type": "land_bank", "markup": 0.04})
    indices(model)
    assert inst.eligible(north) == (False, "no land position")  # not in preparation
    north.phases[0].stage = 0
    assert inst.eligible(north) == (True, "developer land position")
    position = 0.25 * 3 * ACQUISITION
    assert inst.award_size(north) == pytest.approx(position * 1.2)
    a = award(fund, inst, north, 8.4e6, time=2.0)
    inst.on_award(a)
    assert moves(model) == [(FUND, "developer:1", 8.4e6, "land_bank_purchase", "north", -1)]
    assert north.land_banked and a.per_home == pytest.approx(8.4e6 / 1200)
    assert inst.eligible(north) == (False, "no land position")


def test_a_land_bank_sells_each_phase_its_land_back_at_its_start_at_cost_plus_the_yearly_charge():
    """7,000 € per home, 4 % a year: phase 0 starts two years after the award (400 × 7k × 1.04² from the developer),
    phase 1 at once (400 × 7k); the per-home price counts only unstarted homes at the award."""
    model, fund, inst, north, _ = world({"type": "land_bank", "markup": 0.04})
    north.phases[2].go_time = 0.0  # already started: not in the position
    a = award(fund, inst, north, 5.6e6, time=2.0)
    inst.on_award(a)
    assert a.per_home == 7_000.0
    at(model, 10.0)
    inst.on_construction_start(north.phases[0])
    at(model, 2.0)
    inst.on_construction_start(north.phases[1])
    assert moves(model)[1:] == [("developer:1", FUND, round(400 * 7000 * 1.04 ** 2, 2), "land_bank_sale", "north", 0),
                                ("developer:1", FUND, 2.8e6, "land_bank_sale", "north", 1)]


# ---------------------------------------------------------------------------------------------- regional fund

REGIONAL = {"type": "regional_cross_subsidy", "levy_share": 0.3, "max_share_of_deficit": 0.5}
GRANT_STANDIN = type("OtherInstrument", (), {"type": "deficit_grant"})()


def test_a_regional_fund_grants_a_share_of_the_deficit_of_areas_in_preparation_before_construction():
    model, fund, inst, north, _ = world(REGIONAL)
    results(model, north=-8e6, south=0.0)
    assert inst.eligible(north) == (False, "not yet in preparation")
    north.phases[2].stage = 0
    assert inst.eligible(north) == (True, "deficit")
    assert inst.award_size(north) == 4e6
    assert inst.select_applications([(north, 4e6)]) == [(north, 4e6)]  # no programme, no co-financing
    assert inst.score(north) == pytest.approx(660 / 4e6)  # its own affordable homes per € asked
    results(model, north=-0.5, south=0.0)
    assert inst.eligible(north) == (True, "deficit")  # half a euro is a deficit
    results(model, north=0.0, south=0.0)
    assert inst.eligible(north) == (False, "no deficit")
    started(north.phases[0])
    assert inst.eligible(north) == (False, "construction already started")
    a = award(fund, inst, north, 4e6, time=3.0)
    inst.on_award(a)
    assert (a.first_deadline, a.last_deadline) == (15.0, 43.0)


def test_a_regional_fund_asks_no_co_financing():
    _, _, inst, _, _ = world(REGIONAL)
    assert inst.co_financing(4e6) == 0.0


def test_the_levy_is_a_share_of_the_land_revenue_of_areas_in_surplus_that_received_nothing():
    """Land sold for 10m by the municipality in an area in surplus: 3m from the municipality into the fund, on the
    phase; not for a loss-making area, not for land the developer sells, not for an area the fund supported."""
    model, fund, inst, north, south = world(REGIONAL, budget=0.0)
    results(model, north=1.0, south=-1.0)
    inst.on_land_sale(north.phases[0], 10e6, "municipality")
    inst.on_land_sale(south.phases[0], 10e6, "municipality")
    inst.on_land_sale(north.phases[1], 10e6, "developer")
    inst.on_land_sale(north.phases[1], 0.0, "municipality")
    assert moves(model) == [(MUNICIPALITY, FUND, 3e6, "regional_levy", "north", 0)]
    assert fund.levies == 3e6
    results(model, north=0.0, south=-1.0)
    inst.on_land_sale(north.phases[0], 10e6, "municipality")
    assert fund.levies == 3e6
    results(model, north=1.0, south=-1.0)
    inst.on_land_sale(north.phases[0], 0.5, "municipality")  # cents of land revenue pay cents of levy
    assert fund.levies == 3e6 + 0.15
    award(fund, GRANT_STANDIN, north, 1e6)  # the fund supported north under another instrument: still levied
    inst.on_land_sale(north.phases[0], 10e6, "municipality")
    assert fund.levies == 6e6 + 0.15
    award(fund, inst, north, 0.0, closed=True)  # supported by this instrument (even an award now closed)
    inst.on_land_sale(north.phases[0], 10e6, "municipality")
    assert fund.levies == 6e6 + 0.15


# ---------------------------------------------------------------------------------------------- earmarked co-funding

EARMARKED = {"type": "earmarked_cofunding", "items": ["public_transport", "plan_costs"], "share": 0.5,
             "min_homes": 1200}
PLAN_0, PLAN_1 = 4_847_200.0, 1_715_200.0  # € of plan costs estimated for north's phase 0 and 1 (start-year prices)


def test_earmarked_money_covers_a_share_of_the_named_works_still_to_pay_at_today_s_prices():
    """Share 50 % of public transport and plan costs of the open phases (× 1.1 works index); phase 0's public
    transport is paid, phase 2 is done (public transport is all in phase 0); room for overruns of 20 % in the ask."""
    model, fund, inst, north, _ = world(EARMARKED)
    indices(model)
    assert inst.eligible(north) == (False, "no eligible works")  # not in preparation
    north.phases[0].stage = 0
    assert inst.eligible(north) == (True, "earmarked works ahead")
    north.phases[0].unpaid.pop("public_transport")
    north.phases[2].stage = STAGE_INDEX["done"]
    needed = 0.5 * 1.1 * (PLAN_0 + PLAN_1)
    assert inst.needed(north) == pytest.approx(needed)
    assert inst.award_size(north) == pytest.approx(1.2 * needed)
    award(fund, inst, north, 2e6)
    assert inst.works_support(north) == pytest.approx(2e6)  # what is left of the award
    award(fund, inst, north, 10e6)
    assert inst.works_support(north) == pytest.approx(needed)  # 12m left, 3.6m needed
    model, _, inst, north, _ = world({**EARMARKED, "min_homes": 1201})
    north.phases[0].stage = 0
    assert inst.eligible(north) == (False, "no eligible works")


def test_earmarked_money_pays_its_share_of_a_named_work_to_whoever_paid_it():
    model, fund, inst, north, _ = world(EARMARKED)
    award(fund, inst, north, 10e6)
    inst.on_work_paid(north.phases[1], "public_transport", 4e6, "municipality")
    inst.on_work_paid(north.phases[1], "plan_costs", 3e6, "developer")
    inst.on_work_paid(north.phases[1], "demolition", 3e6, "municipality")
    assert moves(model) == [(FUND, MUNICIPALITY, 2e6, "earmarked_cofunding", "north", 1),
                            (FUND, "developer:1", 1.5e6, "earmarked_cofunding", "north", 1)]


# ---------------------------------------------------------------------------------------------- revolving loan

LOAN = {"type": "revolving_loan", "max_share_of_financing": 0.45, "max_loan": 3.5e6, "term_years": 5.0,
        "interest_rate": 0.03, "min_equity_share": 0.1}
SPREAD = 0.051 - 0.03  # the developer borrows at the bond rate 2.6 % + 2.5 % spread in the mini world at quarter 0


def test_a_loan_is_asked_per_phase_on_sale_and_saves_the_developer_interest():
    """Two unstarted phases on sale: 2 × 3.5m asked. 2m outstanding saves 2.1 % a year over (at most) 2 years."""
    model, fund, inst, north, _ = world(LOAN)
    assert inst.eligible(north) == (False, "no phase ready")
    north.phases[0].marketing_open = north.phases[1].marketing_open = True
    assert inst.eligible(north) == (True, "phases ready to start")
    assert inst.award_size(north) == 7e6
    north.phases[1].go_time = 0.0
    assert inst.award_size(north) == 3.5e6
    award(fund, inst, north, 3e6, paid=1e6)
    assert inst.developer_support(north) == pytest.approx(2e6 * SPREAD * 2)
    model, fund, inst, north, _ = world({**LOAN, "term_years": 1.5})
    award(fund, inst, north, 2e6)
    assert inst.developer_support(north) == pytest.approx(2e6 * SPREAD * 1.5)
    model, fund, inst, north, _ = world({**LOAN, "interest_rate": 0.06})
    award(fund, inst, north, 2e6)
    assert inst.developer_support(north) == 0.0  # dearer than its own debt: no saving


def test_the_go_decision_counts_the_interest_saved_on_the_loan_over_half_the_construction_time():
    """Phase 0's 280 market homes cost 200k to build and their land is worth 50k a home: 70m of outlay, 45 % =
    31.5m, capped at 3.5m; 2.1 % saved for 5/8 of a year (construction takes at most 5 quarters, drawn gradually).
    A land value below zero counts as none."""
    model, fund, inst, north, _ = world(LOAN)
    econ = model.ctx.econ
    econ.construction_cost[:, :] = 200_000.0
    econ.land_value[:, :, :] = 50_000.0
    phase = north.phases[0]
    assert inst.developer_support_phase(phase) == 0.0  # no award
    award(fund, inst, north, 3e6)
    assert inst.developer_support_phase(phase) == pytest.approx(3.5e6 * SPREAD * 5 / 8)
    model, fund, inst, north, _ = world({**LOAN, "max_loan": 1e9})
    econ = model.ctx.econ
    econ.construction_cost[:, :] = 200_000.0
    econ.construction_cost[:, SOCIAL] = 1e9  # social homes are the association's, not in the developer's outlay
    econ.land_value[:, :, :] = -50_000.0
    award(fund, inst, north, 3e6)
    assert inst.developer_support_phase(north.phases[0]) == pytest.approx(0.45 * 56e6 * SPREAD * 5 / 8, rel=0,
                                                                          abs=1e-4)  # not a euro of land


def loan_started(model, fund, inst, area, phase, land: float = 4e6, contract: float = 6e6, committed: float = 10e6):
    award(fund, inst, area, committed)
    phase.market_land_price, phase.contract_market = land, contract
    phase.developer = area.developer
    started(phase, model.ctx.env.now)
    inst.on_construction_start(phase)


def test_at_the_start_the_developer_borrows_its_share_of_the_land_and_construction_outlay():
    """Land 4m + contract 6m: 45 % = 4.5m, capped at 3.5m, paid to the developer on the phase, due in 5 years."""
    model, fund, inst, north, _ = world(LOAN)
    at(model, 4.0)
    loan_started(model, fund, inst, north, north.phases[0])
    assert moves(model) == [(FUND, "developer:1", 3.5e6, "loan_disbursed", "north", 0)]
    loan = inst.loans[north.phases[0]]
    assert (loan.principal, loan.due, inst.disbursed) == (3.5e6, 24.0, 3.5e6)
    model, fund, inst, north, _ = world({**LOAN, "max_loan": 1e9})
    loan_started(model, fund, inst, north, north.phases[0], land=-1e6)
    assert inst.loans[north.phases[0]].principal == pytest.approx(0.45 * 5e6)


def test_one_loan_per_phase_from_the_first_award_and_nothing_once_the_award_is_used():
    model, fund, inst, north, _ = world(LOAN)
    award(fund, inst, north, 1e6)
    loan_started(model, fund, inst, north, north.phases[0], committed=5e6)
    assert [m[2] for m in moves(model)] == [1e6]  # the first award's 1m, not the second's
    inst.on_construction_start(north.phases[1])  # the first award is used up: the loop stops at it
    assert [m[2] for m in moves(model)] == [1e6] and north.phases[1] not in inst.loans


def test_a_developer_without_its_equity_gets_no_loan():
    """The developer must keep 10 % of its credit limit unused: with 90 % of it drawn less 1 € it gets the loan,
    with 1 € more it does not."""
    for extra, lent in ((-1.0, True), (1.0, False)):
        model, fund, inst, north, _ = world(LOAN)
        phase = north.phases[0]
        award(fund, inst, north, 10e6)
        phase.market_land_price, phase.contract_market, phase.developer = 4e6, 6e6, north.developer
        started(phase)
        limit = north.developer.credit_limit
        model.ctx.books.book("developer:1", "outside:contractors", 0.9 * limit + extra, "construction")
        assert north.developer.credit_limit == limit
        inst.on_construction_start(phase)
        assert (phase in inst.loans) is lent, extra


def test_the_developer_pays_quarterly_interest_and_repays_from_the_phase_margin_at_completion():
    """3.5m at 3 %: 26,250 a quarter. The phase completes with 12m of sales and rents against 4m land + 6m
    contract: a 2m margin repays 2m; the 1.5m short is a default, logged."""
    model, fund, inst, north, _ = world(LOAN)
    phase = north.phases[0]
    loan_started(model, fund, inst, north, phase)
    at(model, 1.0)
    inst.on_quarter()
    phase.owner_revenue, phase.rental_price = 9e6, 3e6
    phase.completion = 2.0
    at(model, 2.0)
    inst.on_quarter()
    assert moves(model)[1:] == [("developer:1", FUND, 26_250.0, "loan_interest", "north", 0),
                                ("developer:1", FUND, 26_250.0, "loan_interest", "north", 0),
                                ("developer:1", FUND, 2e6, "loan_repayment", "north", 0)]
    assert inst.loans == {} and inst.repaid == 2e6 and inst.revolving_ratio == pytest.approx(2 / 3.5)
    (default,) = events(model, "loan_default")
    assert (default["principal"], default["repaid"], default["reason"]) == (3.5e6, 2e6, "phase completed or stopped")


def test_a_margin_above_the_principal_repays_the_principal_only_and_no_default():
    model, fund, inst, north, _ = world(LOAN)
    phase = north.phases[0]
    loan_started(model, fund, inst, north, phase)
    phase.owner_revenue = 20e6
    inst.settle(phase, "phase completed or stopped")
    assert moves(model)[-1] == ("developer:1", FUND, 3.5e6, "loan_repayment", "north", 0)
    assert not events(model, "loan_default")


def test_land_worth_less_than_nothing_does_not_add_to_the_margin():
    """Land −1m, contract 6m (a loan of 45 % × 5m = 2.25m), sales 6.5m: the margin is 0.5m, not 1.5m."""
    model, fund, inst, north, _ = world(LOAN)
    phase = north.phases[0]
    loan_started(model, fund, inst, north, phase, land=-1e6)
    phase.owner_revenue = 6.5e6
    inst.settle(phase, "phase completed or stopped")
    assert moves(model) == [(FUND, "developer:1", 2.25e6, "loan_disbursed", "north", 0),
                            ("developer:1", FUND, 0.5e6, "loan_repayment", "north", 0)]


def test_at_the_end_of_the_term_the_loan_is_settled_and_a_failed_developer_or_abandoned_phase_repays_nothing():
    model, fund, inst, north, _ = world(LOAN)
    phase = north.phases[0]
    loan_started(model, fund, inst, north, phase)
    phase.owner_revenue = 30e6
    at(model, 19.0)
    inst.on_quarter()
    assert phase in inst.loans
    at(model, 20.0)  # 5 years after the start at quarter 0
    inst.on_quarter()
    assert phase not in inst.loans and inst.repaid == 3.5e6
    model, fund, inst, north, _ = world(LOAN)
    phase = north.phases[0]
    loan_started(model, fund, inst, north, phase)
    phase.owner_revenue = 30e6
    north.developer.failed = True
    inst.on_quarter()
    assert [m[3] for m in moves(model)] == ["loan_disbursed"]  # no interest, no repayment
    assert [e["reason"] for e in events(model, "loan_default")] == ["phase completed or stopped"]
    model, fund, inst, north, _ = world(LOAN)
    phase = north.phases[0]
    loan_started(model, fund, inst, north, phase)
    phase.owner_revenue = 30e6
    phase.stage = len(STAGE_INDEX)  # abandoned
    inst.on_quarter()
    assert [m[3] for m in moves(model)] == ["loan_disbursed", "loan_interest"] and inst.repaid == 0.0
    assert phase not in inst.loans and [e["repaid"] for e in events(model, "loan_default")] == [0.0]
    model, fund, inst, north, _ = world(LOAN)
    phase = north.phases[0]
    loan_started(model, fund, inst, north, phase)
    at(model, 20.0)
    inst.on_quarter()
    assert [e["reason"] for e in events(model, "loan_default")] == ["term ended"]


def test_the_revolving_ratio_is_undefined_before_any_loan():
    _, _, inst, _, _ = world(LOAN)
    assert math.isnan(inst.revolving_ratio)


# ---------------------------------------------------------------------------------------------- base and portfolio

def test_an_instrument_without_hooks_does_nothing_and_ranks_affordable_homes_per_euro_asked():
    from sim.funds.instrument_base import InstrumentBase, InstrumentParams, affordable_share

    class Bare(InstrumentBase):
        type = "bare"

    class Asking(Bare):
        def award_size(self, area):
            return 2e6

    model, fund, grant, north, _ = world(GRANT)
    bare = Bare(InstrumentParams(type="bare"), fund)
    assert (bare.ctx, bare.parties) == (model.ctx, model.parties)
    phase = north.phases[0]
    assert bare.eligible(north) == (False, "not applicable") and bare.award_size(north) == 0.0
    assert bare.score(north) == 0.0
    assert Asking(InstrumentParams(type="bare"), fund).score(north) == pytest.approx(660 / 2e6)
    Asking.award_size = lambda self, area: 0.5  # fifty cents asked
    assert Asking(InstrumentParams(type="bare"), fund).score(north) == pytest.approx(660 / 0.5)
    assert bare.select_applications([(north, 1.0)]) == [(north, 1.0)]
    assert (bare.municipal_support(north), bare.developer_support(north), bare.works_support(north)) == (0, 0, 0)
    assert bare.programme_condition(north) is None and bare.presale_threshold(phase, 0.7) == 0.7
    assert bare.housing_support_phase(phase) == 0.0 and bare.developer_support_phase(phase) == 0.0
    assert bare.on_transfer(phase, 5.0, 1.0) == 0.0
    for hook, args in (("on_award", (None,)), ("on_deal", (north, None)), ("on_work_paid", (phase, "x", 1.0, "m")),
                       ("on_construction_start", (phase,)), ("on_land_sale", (phase, 1.0, "municipality")),
                       ("on_quarter", ()), ("on_year_end", ())):
        assert getattr(bare, hook)(*args) is None
    award(fund, grant, north, 3e6)  # another instrument's award: not this one's
    assert bare.outstanding(north) == 0.0 and bare.my_awards() == []
    mine = award(fund, bare, north, 2e6, paid=0.5e6)
    award(fund, bare, north, 1e6, closed=True)
    assert bare.outstanding(north) == 1.5e6 and bare.my_awards() == [mine] == bare.my_awards(north)
    assert affordable_share(north) == pytest.approx(0.55)
    for p in north.phases:
        p.homes = np.zeros(4, dtype=int)
    assert affordable_share(north) == 0.0


def test_the_portfolio_adds_up_the_support_of_every_instrument_of_every_fund_in_design_order():
    from sim.funds.design import FundDesign
    from sim.funds.instrument_base import InstrumentBase

    two = FundDesign.model_validate({"name": "two", "funds": [
        {"name": "a", "budget": 10e6, "allocation": "continuous",
         "instruments": [{"type": "deficit_grant"}, {"type": "start_subsidy", "min_affordable_share": 0.5}]},
        {"name": "b", "budget": 20e6, "allocation": "continuous",
         "instruments": [{"type": "earmarked_cofunding", "items": ["plan_costs"]},
                         {"type": "sales_guarantee", "presale_threshold": 0.6}]}]})
    model = AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1, fund_design=two)
    portfolio = model.portfolio
    assert portfolio.design is two
    a, b = portfolio.funds
    assert [f.account for f in portfolio.funds] == ["fund:a", "fund:b"]
    assert [i.type for i in portfolio.instruments] == ["deficit_grant", "start_subsidy", "earmarked_cofunding",
                                                       "sales_guarantee"]
    assert all(isinstance(i, InstrumentBase) for i in portfolio.instruments)
    assert [i.fund for i in portfolio.instruments] == [a, a, b, b]
    grant, subsidy, earmarked, guarantee = portfolio.instruments
    north = model.areas[0]
    phase = north.phases[0]
    award(a, grant, north, 3e6, programme_share=0.6)
    award(a, subsidy, north, 4e6)
    award(b, earmarked, north, 1e6)
    award(b, guarantee, north, 10e6)
    assert portfolio.support(north) == (3e6, 4e6, 1e6)
    assert portfolio.developer_support_phase(phase) == 2.8e6  # 280 market homes × 10k
    assert portfolio.housing_support_phase(phase) == 1.2e6
    assert portfolio.conditions(north) == [(3e6, 0.0, 0.6)] and portfolio.conditions(model.areas[1]) == []
    relief = 2.8e6 / (180 * 392_561.98347107)  # the subsidy as a share of the owner-occupied homes' value
    assert portfolio.presale_threshold(phase, 0.7) == 0.6  # 0.7 − relief = 0.66, then the guarantee's 0.6
    assert portfolio.presale_threshold(phase, 0.5) == pytest.approx(0.5 - relief)
    south_grant = award(a, grant, model.areas[1], 1e6, programme_share=0.6)
    portfolio.on_deal(north, Terms(0.0, 0.5, 0.0))
    assert [(e["area"], e["instrument"]) for e in events(model, "fund_condition_broken")] == [
        ("north", "deficit_grant")]
    assert not south_grant.closed  # a deal in north says nothing of south's programme


def test_the_portfolio_allocates_every_fund_then_lets_every_instrument_monitor():
    model, fund, inst, north, south = world(SUBSIDY, allocation="tranches", tranche_years=[1.0])
    late = award(fund, inst, north, 4e6, deadline=-1.0)
    ready(south.phases[0])
    model.portfolio.allocate()  # quarter 0: no tranche, but the deadline is checked
    assert late.closed and len(fund.awards) == 1
    at(model, 4.0)
    model.portfolio.allocate()
    assert [(a.area.name, a.committed) for a in fund.awards] == [("north", 4e6), ("south", 4e6)]


def test_a_regional_grant_binds_no_programme():
    """The regional fund's grant has no affordable-share condition: no programme condition in the negotiation and
    no claw-back for any deal; its area applies with its own programme."""
    model, fund, inst, north, _ = world(REGIONAL)
    a = award(fund, inst, north, 4e6, paid=1e6)
    assert inst.min_affordable() is None and inst.required_share(a) is None
    assert inst.programme_condition(north) is None
    inst.on_deal(north, Terms(0.0, 0.0, 0.0))
    assert not a.closed and moves(model) == []
