"""The municipality's year-end books and a developer's credit, by hand (BBV rules; sim.agents).

Found unchecked by mutation testing (tools/mutation.py, docs/testing.md). The municipality's expectation for an
area is put in by hand (expected result, realised and planned costs and revenues), so every booking is written
out: provisions for expected losses at once, profit by percentage of completion, reversals when it falls.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.cooperation.base import Terms
from sim.deal import Deal
from sim.model import AreaModel
from sim.scenario import from_dict
from tests.conftest import mini

MUN = "municipality:middle"


def year_end_world(monkeypatch):
    """(model, municipality, north, expectation) with north's account opened; set expectation['now'] per year."""
    model = AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1)
    municipality = model.municipalities[0]
    north = model.areas[0]
    assert municipality.areas == [north]
    expectation = {"now": (0.0, 0.0, 1.0, 0.0, 1.0)}
    monkeypatch.setattr(municipality, "committed", lambda area: area is north)
    monkeypatch.setattr(municipality, "expected_result", lambda area: expectation["now"])
    return model, municipality, north, expectation


def book_entries(model) -> list[tuple[str, str, float, str, str]]:
    return [(t.source, t.target, round(t.amount, 2), t.category, t.area) for t in model.ledger.transactions()]


def test_a_loss_is_provided_for_at_once_and_released_as_it_shrinks(monkeypatch):
    """Expected −5m: 5m from the reserve to the provisions (and an event); a year later −3m: 2m released."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (-5e6, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/reserve", f"{MUN}/provisions", 5e6, "provision", "north")]
    (event,) = [e for e in model.events if e["event"] == "provision"]
    assert (event["area"], event["amount"], event["expected_result"], event["cooperation"]) == \
        ("north", 5e6, -5e6, north.coop.name)
    assert municipality.provisions == {"north": 5e6} and municipality.total_provisions == 5e6
    assert municipality.budget_left == pytest.approx(400e6 - 5e6)
    expectation["now"] = (-3e6, 20.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert book_entries(model)[1:] == [(f"{MUN}/provisions", f"{MUN}/reserve", 2e6, "provision_release", "north")]
    assert municipality.provisions == {"north": 3e6}


def test_profit_is_taken_by_completion_and_reversed_when_the_expectation_falls(monkeypatch):
    """Expected +10m at completion 0.5 × 0.4 = 0.2: 2m profit taken (grex → reserve), the 3m provision released.
    Expected +5m at the same completion: 1m may stay taken, so 1m is reversed (reserve → grex)."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    municipality.provisions["north"] = 3e6
    expectation["now"] = (10e6, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/provisions", f"{MUN}/reserve", 3e6, "provision_release", "north"),
                                   (f"{MUN}/grex", f"{MUN}/reserve", 2e6, "profit_taken", "north")]
    assert municipality.profit_taken == {"north": pytest.approx(2e6)}
    assert municipality.provisions == {"north": 0.0}
    expectation["now"] = (5e6, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    assert book_entries(model)[2:] == [(f"{MUN}/reserve", f"{MUN}/grex", 1e6, "profit_reversed", "north")]
    assert municipality.profit_taken == {"north": pytest.approx(1e6)}
    municipality.close_books()  # nothing changed: nothing booked
    assert len(model.ledger) == 3


def test_an_account_not_opened_is_not_valued(monkeypatch):
    model, municipality, north, expectation = year_end_world(monkeypatch)
    monkeypatch.setattr(municipality, "committed", lambda area: False)
    expectation["now"] = (-5e6, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert len(model.ledger) == 0 and municipality.provisions == {}


def test_provisions_beyond_the_budget_bring_provincial_supervision(monkeypatch):
    """Budget 400m: a 400m provision is still within it, 400m and one euro is not."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (-400e6, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert municipality.supervised is False and municipality.budget_left == 0.0
    expectation["now"] = (-400e6 - 1.0, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert municipality.supervised is True and municipality.budget_left == -1.0


def test_a_developer_fails_once_when_beyond_its_credit_limit():
    """Equity 60m × (1 + leverage 2) = 180m at a normal credit index; at credit index 0.25 and bank sensitivity s
    the line shrinks to 60m × (1 + 2 × 0.25 ** s). Exactly at −limit it survives; beyond it, it fails once."""
    model = AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1)
    developer = model.developers[0]
    ctx = model.ctx
    ctx.market.credit_index[0] = 1.0
    assert developer.credit_limit == pytest.approx(180e6)
    s = developer.params.bank_credit_sensitivity
    ctx.market.credit_index[0] = 0.25
    assert developer.credit_limit == pytest.approx(60e6 * (1 + 2 * 0.25 ** s))
    ctx.market.credit_index[0] = 2.0  # better than normal credit adds no room
    assert developer.credit_limit == pytest.approx(180e6)
    ctx.market.credit_index[0] = 1.0
    ctx.books.book(developer.account, "outside:shareholders", 180e6, "setup")
    assert developer.check_solvency() is False and not developer.failed
    ctx.books.book(developer.account, "outside:shareholders", 1.0, "setup")
    assert developer.check_solvency() is True and developer.failed
    assert developer.check_solvency() is False  # it fails only once


def test_a_provision_that_grows_books_only_the_increase_as_a_write_down(monkeypatch):
    """Expected −3m: 3m provided (basis plan); a year later −5m: only the 2m increase moves from the reserve to
    the provisions (basis write_down), so 5m is held, not 8m."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (-3e6, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    expectation["now"] = (-5e6, 20.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/reserve", f"{MUN}/provisions", 3e6, "provision", "north"),
                                   (f"{MUN}/reserve", f"{MUN}/provisions", 2e6, "provision", "north")]
    events = [(e["amount"], e["expected_result"], e["basis"]) for e in model.events if e["event"] == "provision"]
    assert events == [(3e6, -3e6, "plan"), (2e6, -5e6, "write_down")]
    assert municipality.provisions == {"north": 5e6} and municipality.plan_provisions == {"north": 3e6}
    assert model.ledger.balance(f"{MUN}/provisions") == pytest.approx(5e6)
    assert model.ledger.balance(f"{MUN}/reserve") == pytest.approx(-5e6)


def test_an_area_after_one_whose_account_is_not_opened_is_still_valued(monkeypatch):
    """Two areas of one municipality: north's account not opened (skipped), south's opened with an expected −4m:
    south gets its 4m provision; north gets nothing, not even an entry in the provisions."""
    data = mini(market={"mode": "steady"})
    data["areas"][1]["region"] = "middle"
    model = AreaModel(from_dict(data), seed=1)
    municipality = model.municipalities[0]
    north, south = model.areas
    assert municipality.areas == [north, south]
    monkeypatch.setattr(municipality, "committed", lambda area: area is south)
    monkeypatch.setattr(municipality, "expected_result", lambda area: (-4e6, 10.0, 100.0, 0.0, 100.0))
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/reserve", f"{MUN}/provisions", 4e6, "provision", "south")]
    assert municipality.provisions == {"south": 4e6}
    assert [e["area"] for e in model.events if e["event"] == "provision"] == ["south"]


def test_two_profit_takes_in_a_row_take_only_the_growth(monkeypatch):
    """Expected +10m: at completion 0.2 2m is taken; at completion 0.5 a further 3m (5m in all), not 5m again."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (10e6, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    expectation["now"] = (10e6, 100.0, 100.0, 50.0, 100.0)
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/grex", f"{MUN}/reserve", 2e6, "profit_taken", "north"),
                                   (f"{MUN}/grex", f"{MUN}/reserve", 3e6, "profit_taken", "north")]
    assert municipality.profit_taken == {"north": pytest.approx(5e6)}
    assert model.ledger.balance(f"{MUN}/reserve") == pytest.approx(5e6)
    assert model.ledger.balance(f"{MUN}/grex") == pytest.approx(-5e6)


def test_no_provision_is_logged_when_none_is_needed_or_it_is_unchanged(monkeypatch):
    """Expected +10m with nothing done: no provision needed, none booked, none logged (the provision held is 0).
    Then −2m twice: 2m provided once; the second year-end with the same −2m books and logs nothing."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (10e6, 0.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    assert len(model.ledger) == 0 and municipality.provisions == {"north": 0.0}
    assert not [e for e in model.events if e["event"] == "provision"]
    expectation["now"] = (-2e6, 10.0, 100.0, 0.0, 100.0)
    municipality.close_books()
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/reserve", f"{MUN}/provisions", 2e6, "provision", "north")]
    assert [(e["amount"], e["basis"]) for e in model.events if e["event"] == "provision"] == \
        [(2e6, "write_down")]


def test_a_tiny_profit_taken_is_reversed_when_a_loss_is_expected(monkeypatch):
    """Expected +€2.50 at completion 0.2: €0.50 taken (more than the 10⁻⁶ € threshold). Then an expected loss of
    €1: the 50 cents are reversed (reserve → grex) and €1 is provided; nothing taken is left."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (2.5, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    assert book_entries(model) == [(f"{MUN}/grex", f"{MUN}/reserve", 0.5, "profit_taken", "north")]
    expectation["now"] = (-1.0, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    assert book_entries(model)[1:] == [(f"{MUN}/reserve", f"{MUN}/provisions", 1.0, "provision", "north"),
                                       (f"{MUN}/reserve", f"{MUN}/grex", 0.5, "profit_reversed", "north")]
    assert municipality.profit_taken == {"north": pytest.approx(0.0)}
    assert model.ledger.balance(f"{MUN}/grex") == pytest.approx(0.0)


def test_a_take_below_a_millionth_of_a_euro_is_neither_taken_nor_reversed(monkeypatch):
    """Expected +€4 × 10⁻⁶ at completion 0.2: 8 × 10⁻⁷ € to take, below the 10⁻⁶ € threshold: nothing booked."""
    model, municipality, north, expectation = year_end_world(monkeypatch)
    expectation["now"] = (4e-6, 50.0, 100.0, 40.0, 100.0)
    municipality.close_books()
    assert len(model.ledger) == 0 and municipality.profit_taken == {}


# ---------------------------------------------------------------- investors, parties, entry (decisions by hand)


def steady_world():
    """The mini world in a steady market at quarter 0 (north: middle, developer:1; south: relaxed, developer:2)."""
    return AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1)


def test_an_investor_forward_funds_a_rental_block_at_its_capitalised_value_while_its_allocation_lasts():
    """North's first phase: 100 mid-rent homes (free rent 0) at the mid-rent investor value of today. The
    allocation is 800m a year × appetite 1: a block that fits is funded (booked on the phase, logged), one
    that would pass the allocation is not; a new year resets what was committed."""
    model = steady_world()
    investor = model.parties.investors[0]
    phase = model.areas[0].phases[0]
    value = model.ctx.econ.sale_value[0, 0]
    price = 100 * value[1]
    assert investor.block_value(phase) == pytest.approx(price)
    investor.committed = 800e6 - price  # exactly at the allocation: still funded
    assert investor.consider_forward_funding(phase) is True
    assert (phase.forward_funded, phase.rental_price, phase.investor) == (True, pytest.approx(price), investor)
    assert investor.committed == pytest.approx(800e6)
    (event,) = [e for e in model.events if e["event"] == "forward_funded"]
    assert (event["area"], event["phase"], event["price"], event["homes"]) == ("north", 0, pytest.approx(price), 100)
    assert investor.consider_forward_funding(phase) is True and investor.committed == pytest.approx(800e6)  # funded once
    other = model.areas[0].phases[1]
    assert investor.consider_forward_funding(other) is False and not other.forward_funded
    investor.new_year()
    assert investor.committed == 0.0 and investor.consider_forward_funding(other) is True


def test_an_investors_allocation_shrinks_with_its_appetite_and_a_block_without_rental_homes_needs_none():
    model = steady_world()
    investor = model.parties.investors[0]
    phase = model.areas[0].phases[0]
    model.ctx.market.investor_appetite[0] = 0.5
    investor.committed = 400e6 - investor.block_value(phase) + 1.0
    assert investor.consider_forward_funding(phase) is False
    phase.homes[1] = phase.homes[2] = 0
    assert phase.rental_homes == 0 and investor.consider_forward_funding(phase) is True
    assert not phase.forward_funded and not [e for e in model.events if e["event"] == "forward_funded"]


def test_rental_blocks_are_offered_to_investors_in_turn_by_region_and_phase():
    """Investor k of n is asked first for phase i of an area in region r when (r + i) mod n = k; if it has no
    room the next one is asked."""
    model = steady_world()
    first, second = model.parties.investors
    north, south = model.areas
    asked = []
    for inv in (first, second):
        inv.consider_forward_funding = lambda phase, inv=inv: asked.append(inv.account) or inv is second
    assert model.parties.pick_investor(north.phases[0]) is True and asked == ["investor:1", "investor:2"]
    asked.clear()
    assert model.parties.pick_investor(north.phases[1]) is True and asked == ["investor:2"]
    asked.clear()
    assert model.parties.pick_investor(south.phases[0]) is True and asked == ["investor:2"]  # region 1
    second.consider_forward_funding = lambda phase: asked.append("investor:2") and False
    asked.clear()
    assert model.parties.pick_investor(south.phases[1]) is False and asked == ["investor:1", "investor:2"]


def test_each_role_in_an_area_has_its_ledger_account():
    model = steady_world()
    north, south = model.areas
    parties = model.parties
    assert parties.municipality_of(south) is parties.municipalities[1]
    assert parties.account_of(south, "municipality") == "municipality:relaxed"
    assert parties.account_of(north, "developer") == "developer:1"
    assert parties.account_of(south, "jv") == "jv:south"
    municipality = parties.municipalities[0]
    assert (municipality.account, municipality.public, model.developers[0].public) == \
        ("municipality:middle", True, False)
    municipality.pay("outside:x", 5.0, "works", north.phases[0])
    municipality.receive("outside:y", 2.0, "land_sale")
    entries = [(t.source, t.target, t.amount, t.category, t.area, t.phase) for t in model.ledger.transactions()]
    assert entries == [("municipality:middle", "outside:x", 5.0, "works", "north", 0),
                       ("outside:y", "municipality:middle", 2.0, "land_sale", "", -1)]
    assert municipality.cash == -3.0


def test_a_new_developer_enters_when_all_have_failed_and_takes_every_stranded_position():
    """All three developers failed; north still has unstarted phases, south none: a fourth developer enters
    (outside a crash) and takes north. Not while one developer is solvent, nor in a crash, nor with nothing
    stranded."""
    from sim.agents.entry import enter_if_stranded

    model = steady_world()
    north, south = model.areas
    developers = model.parties.developers
    for d in developers[:2]:
        d.failed = True
    assert enter_if_stranded(model, model.desk) is None
    developers[2].failed = True
    model.ctx.market.regime[0] = 2  # a crash: banks do not lend
    assert enter_if_stranded(model, model.desk) is None
    model.ctx.market.regime[0] = 0
    for p in south.phases:
        p.go_time = 0.0
    entrant = enter_if_stranded(model, model.desk)
    assert entrant.account == "developer:4" and developers[-1] is entrant and len(developers) == 4
    assert north.developer is entrant and entrant.areas == [north] and south.developer is developers[1]
    entered = [e for e in model.events if e["event"] == "developer_entered"]
    assert [(e["party"], e["areas"]) for e in entered] == [("developer:4", 1)]
    (exit_,) = [e for e in model.events if e["event"] == "developer_exit"]
    assert (exit_["leaving"], exit_["joining"], exit_["reason"]) == \
        ("developer:1", "developer:4", "a new developer takes over the positions of a failed one")
    for p in north.phases:
        p.go_time = 0.0
    for d in developers:
        d.failed = True
    assert enter_if_stranded(model, model.desk) is None  # nothing stranded


@pytest.mark.parametrize(("change", "shift_draw", "shift"), [(0.49, 1.0, 0.1), (0.49, 0.0, -0.1), (0.49, 0.75, 0.05),
                                                             (0.5, 1.0, 0.0)])
def test_an_election_shifts_the_affordable_demand_of_every_area_with_the_change_probability(change, shift_draw,
                                                                                          shift):
    """Change probability 0.5: a draw below it changes the council; the shift is (2u − 1) × 0.1 share points."""
    model = steady_world()
    municipality = model.municipalities[0]
    north = model.areas[0]
    north.affordable_demand = 0.55
    municipality.hold_election(change, shift_draw)
    assert north.affordable_demand == pytest.approx(0.55 + shift)
    assert municipality.demand_shift == pytest.approx(shift)
    assert model.areas[1].affordable_demand == 0.55  # another municipality's area
    (event,) = [e for e in model.events if e["event"] == "election"]
    assert event["party"] == "municipality:middle" and event["changed"] is (change < 0.5)
    if change < 0.5:
        assert event["shift"] == pytest.approx(shift)


def test_an_elections_shift_keeps_the_demand_between_nothing_and_everything():
    model = steady_world()
    municipality = model.municipalities[0]
    north = model.areas[0]
    north.affordable_demand = 0.97
    municipality.hold_election(0.0, 1.0)
    municipality.hold_election(0.0, 1.0)
    assert north.affordable_demand == 1.0 and municipality.demand_shift == pytest.approx(0.2)
    north.affordable_demand = 0.03
    municipality.hold_election(0.0, 0.0)
    assert north.affordable_demand == 0.0


# ---------------------------------------------------------------- the municipality's land decisions


def land_world(monkeypatch, cooperation: str = "traditional", result: float = -48e6):
    """(model, municipality, north): north (1,200 homes, middle) under ``cooperation``; its three phases wait for
    a land decision; the area's expected result is ``result`` (the walk-away loss is 40,000 × 1,200 = 48m)."""
    data = mini(market={"mode": "steady"})
    data["areas"][0]["cooperation"] = cooperation
    model = AreaModel(from_dict(data), seed=1)
    municipality = model.municipalities[0]
    north = model.areas[0]
    for phase in north.phases:
        phase.land_event = model.ctx.env.event()
    monkeypatch.setattr(municipality, "expected_result", lambda area: (result, 0.0, 1.0, 0.0, 1.0))
    monkeypatch.setattr(municipality, "opening_result", lambda area: result)  # the land decision's own valuation
    return model, municipality, north


def land_goes(model) -> list[tuple[int, str]]:
    return [(e["phase"], e["basis"]) for e in model.events if e["event"] == "land_go"]


def test_the_council_opens_an_areas_account_when_its_expected_loss_is_what_it_accepts(monkeypatch):
    """Expected −48m, exactly the walk-away loss and within 400m of reserves: every phase's land may be bought,
    on the municipality's own decision (logged with the phase's expected result)."""
    model, municipality, north = land_world(monkeypatch)
    municipality.decide_land_works()
    assert land_goes(model) == [(0, "municipal decision"), (1, "municipal decision"), (2, "municipal decision")]
    assert all(p.land_event.triggered for p in north.phases)
    first = [e for e in model.events if e["event"] == "land_go"][0]
    assert first["expected_result"] == pytest.approx(municipality.phase_result(north, north.phases[0]))
    municipality.decide_land_works()  # decided once
    assert len(land_goes(model)) == 3


def test_a_loss_beyond_the_walk_away_loss_keeps_the_land_waiting_with_the_reason(monkeypatch):
    model, municipality, north = land_world(monkeypatch, result=-48e6 - 1)
    north.phases[2].go_time = 0.0  # a phase the developer gave the go keeps its reason
    north.phases[2].reason = "go"
    municipality.decide_land_works()
    assert land_goes(model) == []
    why = ("no land decision: the area's expected result €-48,000,001 is below what the municipality accepts "
           "(€-48,000,000, reserves left €400,000,000)")
    assert [p.reason for p in north.phases] == [why, why, "go"]


def test_a_loss_beyond_the_reserves_left_keeps_the_land_waiting(monkeypatch):
    model, municipality, north = land_world(monkeypatch, result=-10e6)
    municipality.provisions["south"] = 390e6 + 1  # 9,999,999 left
    municipality.decide_land_works()
    assert land_goes(model) == [] and "reserves left €9,999,999" in north.phases[0].reason
    municipality.provisions["south"] = 390e6  # exactly 10m left: it goes
    municipality.decide_land_works()
    assert len(land_goes(model)) == 3


def test_under_provincial_supervision_no_account_is_opened_without_an_agreement(monkeypatch):
    model, municipality, north = land_world(monkeypatch, result=0.0)
    municipality.supervised = True
    municipality.decide_land_works()
    assert land_goes(model) == [] and north.phases[0].reason == \
        "no land decision: provincial supervision allows no new commitments without an agreement"


@pytest.mark.parametrize("cooperation", ["joint_venture", "concession", "private_realisation"])
def test_without_active_land_policy_land_waits_for_an_agreement_in_force(monkeypatch, cooperation):
    model, municipality, north = land_world(monkeypatch, cooperation, result=0.0)
    municipality.decide_land_works()
    assert land_goes(model) == []
    assert north.phases[0].reason == "no land decision: nobody pays for land before an agreement"
    north.deal = Deal(Terms(0.0, 0.5, 0.0), north.developer, 0.0, 0.5, 1.0, 4, "nash")  # in force next quarter
    municipality.decide_land_works()
    assert land_goes(model) == []
    north.deal.effective_at = 0.0
    municipality.decide_land_works()
    assert land_goes(model) == [(0, "agreement"), (1, "agreement"), (2, "agreement")]


@pytest.mark.parametrize(("waited", "rephased"), [(4.0, True), (3.0, False)])
def test_later_phases_are_re_phased_while_an_earlier_phase_on_ready_land_does_not_sell(monkeypatch, waited,
                                                                                    rephased):
    """Phase 0's land is ready and it has waited for presales 4 quarters: phases 1 and 2 are not bought, even
    though the account is open (phase 0's land was decided). After 3 quarters they go."""
    model, municipality, north = land_world(monkeypatch, result=0.0)
    first = north.phases[0]
    first.land_event.succeed()
    first.land_ready, first.wait_since = True, -waited
    municipality.decide_land_works()
    if rephased:
        assert land_goes(model) == []
        assert [p.reason for p in north.phases[1:]] == ["no land decision: re-phased while an earlier phase does "
                                                        "not sell"] * 2
    else:
        assert land_goes(model) == [(1, "municipal decision"), (2, "municipal decision")]


def test_an_account_is_open_once_land_is_decided_for_a_phase_or_an_agreement_is_signed(monkeypatch):
    model, municipality, north = land_world(monkeypatch)
    assert not municipality.committed(north)
    north.phases[1].land_event.succeed()
    assert municipality.committed(north)
    model2, municipality2, north2 = land_world(monkeypatch)
    north2.phases[2].land_go_time = 3.0
    assert municipality2.committed(north2)
    model3, municipality3, north3 = land_world(monkeypatch, "joint_venture")
    north3.deal = Deal(Terms(0.0, 0.5, 0.0), north3.developer, 0.0, 9.0, 1.0, 4, "nash")
    assert municipality3.committed(north3)  # signed (in force or not)
    model4, municipality4, north4 = land_world(monkeypatch)  # traditional: a plot sale commits nobody
    north4.deal = Deal(Terms(0.0, 0.5, 0.0), north4.developer, 0.0, 0.0, 1.0, 0, "land-price policy")
    assert not municipality4.committed(north4)


@pytest.mark.parametrize(("quarter", "prices", "expected"), [
    (0, [1.0], 0.02), (8, [1.0] * 8 + [1.02], 1.02 ** 0.5 - 1), (8, [1.0] * 8 + [1.5], 0.08),
    (8, [1.0] * 8 + [0.8], -0.05), (9, [100.0] + [1.0] * 8 + [1.02], 1.02 ** 0.5 - 1),
    (2, [1.0, 1.0, 1.01], 1.01 ** 2 - 1)])
def test_an_extrapolating_account_expects_the_last_two_years_price_growth_within_bounds(quarter, prices, expected):
    """The region's annualised price growth over the last 8 quarters (fewer early on), within −5 % … +8 %/yr;
    with one price only, the scenario's revenue escalation (2 %/yr)."""
    model = steady_world()
    municipality = model.municipalities[0]
    model.ctx.quarter = quarter
    model.ctx.market.price_index[1, : quarter + 1] = prices
    model.ctx.market.price_index[0, : quarter + 1] = 1.0
    assert municipality.revenue_expectation(1) == pytest.approx(expected)
    model.ctx.market.price_index[1, quarter] = 3.0  # known for the quarter: not recomputed
    assert municipality.revenue_expectation(1) == pytest.approx(expected)
    assert municipality.revenue_expectation(0) == pytest.approx(0.02 if quarter == 0 else 0.0)


def test_a_fixed_expectation_is_the_scenarios_revenue_escalation():
    data = mini(market={"mode": "steady"})
    data["actors"]["municipality"]["grex_expectation"] = "fixed"
    data["actors"]["municipality"]["revenue_escalation"] = 0.013
    model = AreaModel(from_dict(data), seed=1)
    model.ctx.quarter = 8
    model.ctx.market.price_index[0, :9] = 2.0 ** np.arange(9)
    assert model.municipalities[0].revenue_expectation(0) == 0.013


# ---------------------------------------------------------------- the developer's go decision


def go_world(monkeypatch, cooperation: str = "joint_venture", value: float = 10e6, investor: bool = True,
             social: bool = True):
    """(model, developer, phase): north's first phase (120 social, 100 mid-rent, 180 owner-occupied homes) under
    ``cooperation``, waiting for its go, 70 % presold (126 of 180), a deal in force at €40,000 per market home
    (280 × 40,000 = 11.2m), the residual land value of its market homes ``value``."""
    data = mini(market={"mode": "steady"})
    data["areas"][0]["cooperation"] = cooperation
    model = AreaModel(from_dict(data), seed=1)
    north = model.areas[0]
    developer = north.developer
    phase = north.phases[0]
    for p in north.phases:
        p.go_event = model.ctx.env.event() if p is phase else None
    phase.owner_sold = 126.0
    north.deal = Deal(Terms(40_000.0, 0.55, 0.0), developer, 0.0, 0.0, 1.0, 4, "nash")
    monkeypatch.setattr("sim.agents.developer.phase_market_value", lambda econ, p, q: value)
    monkeypatch.setattr(phase.housing_association, "consider_social_block", lambda p: social)
    phase.housing_association.refusal = "" if social else "LTV"
    model.test_investor = investor
    return model, developer, phase


def decide(model, developer):
    developer.decide(lambda phase: model.test_investor)


@pytest.mark.parametrize(("cooperation", "value", "go"), [("joint_venture", 5.6e6, True),
                                                          ("joint_venture", 5.6e6 - 1, False),
                                                          ("concession", 11.2e6, True),
                                                          ("concession", 11.2e6 - 1, False)])
def test_a_phase_goes_when_its_residual_land_value_covers_the_land_price_net_to_the_developer(
        monkeypatch, cooperation, value, go):
    """A joint venture pays half the 11.2m land price back to the developer (its half of the company): net 5.6m;
    under a concession the developer pays the municipality all 11.2m."""
    model, developer, phase = go_world(monkeypatch, cooperation, value)
    decide(model, developer)
    if go:
        assert (phase.go_time, phase.reason, phase.go_event.triggered) == (0.0, "go", True)
        (event,) = [e for e in model.events if e["event"] == "go"]
        net = 5.6e6 if cooperation == "joint_venture" else 11.2e6
        assert (event["land_value"], event["land_price"], event["net_land_price"], event["presale_share"]) == \
            (value, 11.2e6, net, 0.7)
    else:
        assert phase.go_time is None and not phase.go_event.triggered
        net = "5,600,000" if cooperation == "joint_venture" else "11,200,000"
        assert phase.reason == (f"residual land value €{value:,.0f} below the agreed land price €11,200,000 "
                                f"(net to the developer €{net})")


def test_under_the_land_price_policy_the_developer_pays_todays_residual_value_but_never_builds_on_a_negative_one(
        monkeypatch):
    model, developer, phase = go_world(monkeypatch, "traditional", value=3e6)
    decide(model, developer)
    (event,) = [e for e in model.events if e["event"] == "go"]
    assert (event["land_price"], event["net_land_price"]) == (3e6, 3e6)
    model, developer, phase = go_world(monkeypatch, "traditional", value=-1e6)
    decide(model, developer)
    assert phase.go_time is None and phase.reason == \
        "residual land value €-1,000,000 below the agreed land price €0 (net to the developer €0)"


def test_a_phase_waits_for_a_deal_in_force_and_for_presales(monkeypatch):
    model, developer, phase = go_world(monkeypatch)
    phase.owner_sold = 125.0
    decide(model, developer)
    assert phase.reason == "presales 69% < 70%" and phase.go_time is None
    phase.owner_sold = 126.0
    phase.area.deal.effective_at = 0.5
    decide(model, developer)
    assert phase.reason == "deal not yet in force"
    phase.area.deal = None
    decide(model, developer)
    assert phase.reason == "no deal in force" and not [e for e in model.events if e["event"] == "go"]


def test_a_phase_waits_for_the_housing_association_and_an_investor(monkeypatch):
    model, developer, phase = go_world(monkeypatch, social=False)
    decide(model, developer)
    assert phase.reason == "housing association cannot invest (LTV limit)" and phase.go_time is None
    model, developer, phase = go_world(monkeypatch, investor=False)
    decide(model, developer)
    assert phase.reason == "no investor with capital for the rental homes" and phase.go_time is None
    phase.homes[1] = 0  # no rental homes: no investor needed
    decide(model, developer)
    assert phase.reason == "go"


def test_a_failed_developer_decides_nothing_and_a_phase_given_the_go_is_not_given_it_again(monkeypatch):
    model, developer, phase = go_world(monkeypatch)
    developer.failed = True
    decide(model, developer)
    assert phase.go_time is None and phase.reason != "go"
    developer.failed = False
    decide(model, developer)
    decide(model, developer)
    assert len([e for e in model.events if e["event"] == "go"]) == 1


# ---------------------------------------------------------------- the housing association's balance sheet


def association_world():
    """(model, association, phase): the middle region's associations with 1,000 homes, 50m of debt at 3 %,
    a policy value of 100m, rents of €500 a month and costs of €2,000 a year per home; bond rate 3 %, spread
    1 %: new debt at 4 %. A social home costs 170,000 to build on land of 30,000 (200,000). Limits: interest
    cover ≥ 1.4, loan-to-value ≤ 0.7; a new home adds 0.6 of its cost to the policy value."""
    data = mini(market={"mode": "steady"})
    data["actors"]["housing_associations"] = {
        "stock_homes": 1000, "debt_per_home": 50_000.0, "policy_value_per_home": 100_000.0, "rent_per_month": 500.0,
        "operating_cost_per_home": 2000.0, "stock_investment_per_home": 1000.0, "min_icr": 1.4, "max_ltv": 0.7,
        "new_home_policy_value_share": 0.6, "borrowing_spread": 0.01}
    model = AreaModel(from_dict(data), seed=1)
    market, econ = model.ctx.market, model.ctx.econ
    assert market.rent_index[0, 0] == 1.0 and market.cost_index[0] == 1.0
    market.bond_rate[0] = 0.03
    econ.construction_cost[0, 0] = 170_000.0
    econ.land_value[0, 0, 0] = 30_000.0
    association = model.parties.housing_associations[0]
    association.coupon = 0.03
    phase = model.areas[0].phases[0]
    assert phase.homes[0] == 120 and phase.housing_association is association
    return model, association, phase


def test_the_associations_ratios_and_building_room_by_hand():
    """Rents 6m, costs 2m, interest 1.5m: cover 4/1.5, LTV 0.5. Room for homes of 200,000 (net rent 4,000 a year):
    ICR (4m − 1.4 × 0.03 × 50m) / (1.4 × 0.04 − 4,000/200,000) = 1.9m / 0.036; LTV (0.7 × 100m − 50m) / (1 − 0.42)."""
    model, association, _ = association_world()
    acc = association.accounts()
    assert (acc["rents"], acc["operating_costs"], acc["interest"]) == pytest.approx((6e6, 2e6, 1.5e6))
    assert (acc["icr"], acc["ltv"]) == pytest.approx((4 / 1.5, 0.5))
    assert association.rate() == pytest.approx(0.04)
    assert association.room(200_000.0) == pytest.approx((1.9e6 / 0.036, 20e6 / 0.58))
    model.ctx.market.bond_rate[0] = -0.02  # a rate never falls below 0.01 %
    assert association.rate() == 1e-4


def test_a_limit_new_homes_cannot_breach_gives_unlimited_room_and_no_debt_unlimited_cover():
    model, association, _ = association_world()
    assert association.room(10_000.0)[0] == float("inf")  # each new home's net rent covers its interest
    association.params = association.params.model_copy(update={"new_home_policy_value_share": 1 / 0.7 + 0.01})
    assert association.room(200_000.0)[1] == float("inf")
    association.debt = 0.0
    assert association.accounts()["icr"] == float("inf")
    association.debt, association.policy_value_real = 200e6, 100e6  # beyond both limits, and no slope to fix it
    assert association.room(10_000.0)[0] == -float("inf") and association.room(200_000.0)[1] == -float("inf")


def test_a_social_block_that_fits_is_financed_with_new_debt():
    """120 homes × 200,000 = 24m (within both rooms): 1,120 homes, 74m of debt at (50m × 3 % + 24m × 4 %) / 74m,
    policy value 100m + 0.6 × 24m; logged with the new ratios."""
    model, association, phase = association_world()
    assert association.consider_social_block(phase) is True
    assert (association.homes, association.debt) == (1120, pytest.approx(74e6))
    assert association.coupon == pytest.approx((1.5e6 + 0.96e6) / 74e6)
    assert association.policy_value == pytest.approx(114.4e6) and phase.social_committed
    (event,) = [e for e in model.events if e["event"] == "social_block_committed"]
    assert (event["homes"], event["cost"], event["ltv"]) == (120, pytest.approx(24e6), pytest.approx(74 / 114.4))
    assert association.consider_social_block(phase) is True and association.homes == 1120  # committed once


def test_a_start_subsidy_lowers_what_the_association_finances(monkeypatch):
    model, association, phase = association_world()
    monkeypatch.setattr(model.ctx.support, "housing_support_phase", lambda p: 4e6)
    association.consider_social_block(phase)
    assert association.debt == pytest.approx(70e6)


@pytest.mark.parametrize(("coupon", "homes", "binding"), [(0.03, 200, "LTV"), (0.04, 170, "ICR")])
def test_a_block_beyond_the_room_is_refused_naming_the_binding_ratio_once(coupon, homes, binding):
    """At 3 % the LTV room (34.5m) binds: 200 homes (40m) are refused. At 4 % the ICR room (1.2m / 0.036 = 33.3m)
    binds: 170 homes (34m) are refused. The refusal is logged once per spell."""
    model, association, phase = association_world()
    association.coupon = coupon
    phase.homes[0] = homes
    assert association.consider_social_block(phase) is False
    assert association.refusal == binding and association.debt == 50e6 and association.homes == 1000
    (event,) = [e for e in model.events if e["event"] == "social_block_refused"]
    icr_room, ltv_room = association.room(200_000.0)
    assert (event["homes"], event["cost"], event["binding"]) == (homes, pytest.approx(homes * 200_000.0), binding)
    assert (event["icr_room"], event["ltv_room"]) == pytest.approx((icr_room, ltv_room))
    phase.reason = "housing association cannot invest (LTV limit)"
    association.consider_social_block(phase)
    assert len([e for e in model.events if e["event"] == "social_block_refused"]) == 1


def test_a_phase_without_social_homes_needs_nothing_from_the_association():
    model, association, phase = association_world()
    phase.homes[0] = 0
    assert association.consider_social_block(phase) is True and association.debt == 50e6


def test_at_year_end_the_association_invests_in_its_stock_from_its_operating_cash_flow():
    """Operating cash flow 6m − 2m − 1.5m = 2.5m; stock investment 1m: 1.5m of debt repaid (48.5m). A tenth of the
    old debt reprices: 45m keeps 3 %, the 3.5m above it is at today's 4 %."""
    model, association, _ = association_world()
    association.new_year()
    assert association.debt == pytest.approx(48.5e6)
    assert association.coupon == pytest.approx((45e6 * 0.03 + 3.5e6 * 0.04) / 48.5e6)
    (event,) = [e for e in model.events if e["event"] == "housing_association_year"]
    assert (event["homes"], event["debt"], event["policy_value"]) == (1000, pytest.approx(48.5e6), 100e6)
    assert event["room"] == pytest.approx(min(association.room(170_000.0)))


def test_an_association_whose_rents_repay_all_its_debt_keeps_its_coupon():
    model, association, _ = association_world()
    association.debt = 1e6
    association.new_year()
    assert association.debt == 0.0 and association.coupon == 0.03


# ---------------------------------------------------------------- what the municipality expects of a phase


def valued_world(monkeypatch, cooperation: str = "traditional", grant: float = 0.0, works_fund: float = 0.0):
    """(model, municipality, north) at quarter 0: residual land values per home 30k social, 20k mid-rent, 25k free
    rent, 50k owner-occupied; each phase still has to pay 1m of buy-outs (index 1.1) and 2m of infrastructure
    (index 1.2). North's first phase has 120 social, 100 mid-rent and 180 owner-occupied homes."""
    data = mini(market={"mode": "steady"})
    data["areas"][0]["cooperation"] = cooperation
    model = AreaModel(from_dict(data), seed=1)
    model.ctx.econ.land_value[0, 0] = [30_000.0, 20_000.0, 25_000.0, 50_000.0]
    north = model.areas[0]
    for p in north.phases:
        p.estimates = {"acquisition": 1e6, "infrastructure": 2e6}
        p.unpaid = dict(p.estimates)
    monkeypatch.setattr(model.ctx, "item_index", lambda area, item: 1.1 if item == "acquisition" else 1.2)
    monkeypatch.setattr(model.ctx.support, "support", lambda area: (grant, 0.0, works_fund))
    return model, model.municipalities[0], north


def test_a_phases_expected_result_under_the_traditional_split(monkeypatch):
    """Plots at today's residual value (100 × 20k + 180 × 50k = 11m), social land 120 × 30k = 3.6m, works and
    buy-outs 2.4m + 1.1m; a 1m grant and 0.5m of co-funded works, a third of them for this phase's 400 of 1,200
    homes: 11 + 3.6 − 3.5 + 0.5 = 11.6m."""
    model, municipality, north = valued_world(monkeypatch, grant=1e6, works_fund=0.5e6)
    assert municipality.phase_result(north, north.phases[0]) == pytest.approx(11.1e6 + 0.5e6)
    model.ctx.econ.land_value[0, 0, 1:] = -10_000.0  # a negative residual value sells for nothing
    assert municipality.phase_result(north, north.phases[0]) == pytest.approx(3.6e6 - 3.5e6 + 0.5e6)


@pytest.mark.parametrize(("cooperation", "expected"), [
    ("joint_venture", 0.5 * (2.8e6 + 3.6e6 - 3.5e6)),  # the company receives and pays; half is the municipality's
    ("concession", 2.8e6),  # the fee only: the developer pays all works and keeps the social land price
    ("private_realisation", 2.8e6 + 0.0 - 2.4e6)])  # contribution in, works out; the owner buys out
def test_a_phases_expected_result_is_the_municipalitys_share_at_the_agreed_price(monkeypatch, cooperation, expected):
    """A deal at €10,000 per market home: 280 × 10,000 = 2.8m."""
    model, municipality, north = valued_world(monkeypatch, cooperation)
    north.deal = Deal(Terms(10_000.0, 0.55, 0.0), north.developer, 0.0, 0.0, 1.0, 4, "nash")
    assert municipality.phase_result(north, north.phases[0]) == pytest.approx(expected)


def test_the_land_development_account_places_costs_a_year_after_the_planned_start_and_revenues_two_years_later(
        monkeypatch):
    """Phases planned at quarters 0, 8 and 100: costs in quarters 4, 12 and 79 (the horizon's last), revenues 8
    quarters later (capped at 79). Phase 1 is under construction (its land sold: no revenue left); phase 0
    pays only its infrastructure (buy-outs paid). A closed phase counts nothing."""
    model, municipality, north = valued_world(monkeypatch)
    first, second, third = north.phases
    del first.unpaid["acquisition"]
    second.construction_start = 0.0
    third.planned_start = 100.0
    costs, revenues = municipality.account_flows(north)
    assert costs == pytest.approx({4: 2.4e6, 12: 3.5e6, 79: 3.5e6})
    land = [100 * 20_000.0 + 180 * 50_000.0, None, None]
    land[2] = float(third.homes[1:] @ np.array([20_000.0, 25_000.0, 50_000.0]))
    assert revenues == pytest.approx({12: land[0] + 3.6e6, 79: land[2] + third.homes[0] * 30_000.0})
    third.stage = 99  # done
    assert 79 not in municipality.account_flows(north)[0]


def test_a_joint_companys_whole_account_and_the_municipalitys_half_of_it(monkeypatch):
    model, municipality, north = valued_world(monkeypatch, "joint_venture")
    north.deal = Deal(Terms(10_000.0, 0.55, 0.0), north.developer, 0.0, 0.0, 1.0, 4, "nash")
    first = north.phases[0]
    for p in north.phases[1:]:
        p.stage = 99
    whole = municipality.account_flows(north, whole_company=True)
    assert whole == (pytest.approx({4: 3.5e6}), pytest.approx({12: 2.8e6 + 3.6e6}))
    assert municipality.account_flows(north) == (pytest.approx({4: 1.75e6}), pytest.approx({12: 3.2e6}))
    assert first.homes[0] == 120


# ---------------------------------------------------------------- what a developer's projects are worth


def test_a_developers_projects_count_what_buyers_and_investors_still_owe_and_unsold_homes_less_the_discount():
    """Two of north's phases under construction by developer:1 (owner-occupied price 400,000, unsold discount
    10 %). Phase 0: 180 owner-occupied homes, 150 presold for 60m of which 20m received; 30 unsold; an investor
    pays 30m (half still to come); the contractor's 50m (half still to pay). Phase 1: completed, all 180 sold
    (10m still owed). Phase 2 is another developer's (not counted)."""
    model = steady_world()
    developer, other = model.developers[0], model.developers[2]
    first, second, third = model.areas[0].phases
    model.ctx.econ.sale_value[0, 0, 3] = 400_000.0
    for p in (first, second, third):
        p.construction_start, p.developer = 0.0, developer
    third.developer = other
    first.owner_sold, first.owner_revenue, first.owner_received = 150.0, 60e6, 20e6
    first.rental_price, first.investor, first.contract_market = 30e6, model.parties.investors[0], 50e6
    second.owner_sold = float(second.owner_homes)
    second.owner_revenue, second.owner_received, second.completion = 72e6, 62e6, 1.0
    second.contract_market = 40e6
    expected = (60e6 - 20e6) + 30 * 400_000.0 * 0.9 + 15e6 - 25e6 + (72e6 - 62e6)
    assert developer.project_marks() == pytest.approx(expected)
    first.investor = None  # not forward-funded: nothing to come from an investor
    assert developer.project_marks() == pytest.approx(expected - 15e6)
    first.stage = 99 + 1  # abandoned (not open, not transferred): worth nothing
    first.transferred = False
    assert developer.project_marks() == pytest.approx(72e6 - 62e6)


def test_a_land_bank_is_written_down_below_the_mean_land_value_of_the_last_five_years():
    """Residual land values (owner-occupied, both regions) double at quarter 10 and fall back at quarter 30: at 30
    the land bank's cost is the mean index of quarters 11-30, (19 × 2 + 1) / 20 = 1.95, so it is written down by
    1 − 1/1.95 of land_bank × equity; an entrant at quarter 20 bought at the prices from its entry on."""
    model = steady_world()
    land = model.ctx.econ.land_value
    base = land[:, 0, 3].copy()
    path = np.ones(land.shape[1])
    path[10:30] = 2.0
    land[:, :, 3] = base[:, None] * path[None, :]
    developer = model.developers[0]
    developer.areas = []
    marks = developer._bank_marks()
    assert marks[30] == pytest.approx(1 / 1.95 - 1) and marks[29] == 0.0 and marks[5] == 0.0
    model.ctx.quarter = 30
    p = developer.params
    assert p.land_bank > 0
    assert developer.write_downs() == pytest.approx(p.land_bank * p.equity * (1 / 1.95 - 1))
    entrant = model.developers[1]
    entrant.entered, entrant.areas = 20, []
    assert entrant._bank_marks()[30] == pytest.approx(1 / ((10 * 2 + 1) / 11) - 1)  # quarters 20-30


def test_a_new_investor_can_fund_a_block_before_its_first_year_end():
    model = steady_world()
    investor = model.parties.investors[1]
    phase = model.areas[0].phases[0]
    assert investor.committed == 0.0 and investor.consider_forward_funding(phase) is True
    assert investor.committed == pytest.approx(investor.block_value(phase))


# ---------------------------------------------------------------- survivors of the second agents sample (fifth session)


def test_a_start_subsidy_lowers_only_the_subsidised_phases_financing(monkeypatch):
    """The association asks the fund support for the phase it finances, not for any other."""
    model, association, phase = association_world()
    monkeypatch.setattr(model.ctx.support, "housing_support_phase", lambda p: 4e6 if p is phase else 0.0)
    association.consider_social_block(phase)
    assert association.debt == pytest.approx(70e6)


def test_a_phase_counts_only_the_fund_money_awarded_to_its_own_area(monkeypatch):
    """The municipality's expected result of north's first phase includes north's grant (1m) and co-funded works
    (0.5m) pro rata (400 of 1,200 homes), not another area's: 11.1m + 0.5m."""
    model, municipality, north = valued_world(monkeypatch)
    monkeypatch.setattr(model.ctx.support, "support", lambda area: (1e6, 0.0, 0.5e6) if area is north else (0, 0, 0))
    assert municipality.phase_result(north, north.phases[0]) == pytest.approx(11.1e6 + 0.5e6)


def test_without_a_positive_land_value_at_the_start_land_moves_with_the_buy_out_index(monkeypatch):
    """Where the residual land value at the start is not positive, the developer's land index is the buy-out
    (acquisition) index of the area, not another item's."""
    model = steady_world()
    developer, area = model.developers[0], model.areas[0]
    model.ctx.econ.land_value[area.region_index, 0, 1:] = -5_000.0
    monkeypatch.setattr(model.ctx, "item_index", lambda a, item: 1.3 if (a is area and item == "acquisition") else 0.7)
    assert developer.land_index(area) == pytest.approx(1.3)


def test_a_position_taken_over_later_is_written_down_against_its_value_at_take_over(monkeypatch):
    """Booked at an index of 0.8 when taken over, a position of 10m at an index of 0.6 now stands 25 % below
    its cost: 10m × (0.6 / 0.8 − 1) = −2.5m."""
    model = steady_world()
    developer, area = model.developers[0], model.areas[0]
    developer.areas = [area]
    monkeypatch.setattr(type(area), "developer_land_position", lambda self: 10e6 if self is area else 0.0)
    monkeypatch.setattr(developer, "land_index", lambda a: 0.6)
    developer._area_cost[area.name] = 0.8
    developer.params = developer.params.model_copy(update={"land_bank": 0.0})
    assert developer.write_downs() == pytest.approx(10e6 * (0.6 / 0.8 - 1))


def test_a_land_bank_index_is_each_regions_value_over_its_own_start_and_can_fall_below_it():
    """Two regions with different start values (10k and 40k per home); the first's land value halves at quarter
    10, the second's stays. The index is the mean over regions of value / own start: 0.75 from quarter 10, so at
    quarter 29 the land bank's cost (mean of quarters 10-29 = 0.75) is not written down, and at quarter 12 (mean
    of quarters 0-12: (10 × 1 + 3 × 0.75) / 13) it is written down by 1 − 0.75 / that mean."""
    model = steady_world()
    land = model.ctx.econ.land_value
    assert land.shape[0] == 2
    path = np.ones(land.shape[1])
    path[10:] = 0.5
    land[0, :, 3] = 10_000.0 * path
    land[1, :, 3] = 40_000.0
    developer = model.developers[0]
    developer.areas, developer._bank = [], None
    marks = developer._bank_marks()
    assert marks[9] == 0.0
    assert marks[12] == pytest.approx(0.75 / ((10 * 1 + 3 * 0.75) / 13) - 1)
    assert marks[29] == pytest.approx(0.0)
