"""A fund's own money rules, by hand: what it pays, takes back and releases on an award (sim.funds.fund).

Found unchecked by mutation testing (tools/mutation.py, docs/testing.md). One fund of €10m with a deficit grant
in the mini world at quarter 0; awards are made by hand (€1m committed) so every number is written out.
"""

from __future__ import annotations

import pytest

from sim.funds.fund import Award
from sim.model import AreaModel
from sim.scenario import from_dict
from tests.conftest import mini
from tests.test_funds import design

FUND = "fund:f"


def fund_world():
    """(model, fund, north, south, award of 1m to north) before anything was paid."""
    model = AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1,
                      fund_design=design({"type": "deficit_grant"}, budget=10e6))
    fund = model.funds[0]
    north, south = model.areas
    award = Award(fund, fund.instruments[0], north, 0.0, 1_000_000.0)
    fund.awards.append(award)
    return model, fund, north, south, award


def moves(model) -> list[tuple[str, str, float, str, str, int]]:
    """Transfers after the budget: (payer, payee, €, category, area, phase)."""
    return [(t.source, t.target, round(t.amount, 2), t.category, t.area, t.phase)
            for t in model.ledger.transactions() if t.category != "fund_budget"]


def test_money_taken_back_is_counted_and_booked_on_the_area_or_phase():
    """A repayment of 0.50 on the area and of 300k on phase 0 of north: both counted as returned (€300,000.50),
    both into the fund's account under their own category; nothing for a zero amount."""
    model, fund, north, _, award = fund_world()
    fund.take_back(award, "developer:1", 0.5, "loan_repayment")
    fund.take_back(award, "municipality:middle", 300_000.0, "grant_clawback", north.phases[0])
    fund.take_back(award, "developer:1", 0.0, "loan_repayment")
    assert award.returned == 300_000.5 and fund.returned == 300_000.5
    assert moves(model) == [("developer:1", FUND, 0.5, "loan_repayment", "north", -1),
                            ("municipality:middle", FUND, 300_000.0, "grant_clawback", "north", 0)]


def test_a_fund_pays_out_at_most_what_is_outstanding():
    """Of 1m committed, 600k is paid on phase 0, then an ask of 600k gets the 400k left, then nothing."""
    model, fund, north, _, award = fund_world()
    assert fund.pay_out(award, "municipality:middle", 600_000.0, "fund_grant", north.phases[0]) == 600_000.0
    assert fund.pay_out(award, "municipality:middle", 600_000.0, "fund_grant") == 400_000.0
    assert fund.pay_out(award, "municipality:middle", 1.0, "fund_grant") == 0.0
    assert moves(model) == [(FUND, "municipality:middle", 600_000.0, "fund_grant", "north", 0),
                            (FUND, "municipality:middle", 400_000.0, "fund_grant", "north", -1)]
    assert fund.paid == 1_000_000.0 and fund.available == pytest.approx(9_000_000.0)


def test_a_release_gives_back_what_is_unpaid_in_steps_and_never_more():
    """1m committed, 200k paid: releasing 300k then 100k leaves 400k outstanding; releasing 'all' gives back
    the 400k; a later release of 50k gives back nothing more. The fund can commit the released money again."""
    model, fund, _, _, award = fund_world()
    fund.pay_out(award, "municipality:middle", 200_000.0, "fund_grant")
    fund.release(award, 300_000.0)
    fund.release(award, 100_000.0)
    assert award.released == 400_000.0 and award.outstanding == 400_000.0
    fund.release(award)
    assert award.released == 800_000.0 and award.outstanding == 0.0
    fund.release(award, 50_000.0)
    assert award.released == 800_000.0
    assert fund.available == pytest.approx(10e6 - 200_000.0)


def test_awards_for_an_area_are_its_open_awards_of_the_asked_instrument():
    model, fund, north, south, award = fund_world()
    other = Award(fund, fund.instruments[0], south, 0.0, 5.0)
    closed = Award(fund, fund.instruments[0], north, 0.0, 7.0, closed=True)
    fund.awards += [other, closed]
    assert fund.awards_for(north) == [award]
    assert fund.awards_for(north, "deficit_grant") == [award]
    assert fund.awards_for(north, "land_bank") == []
    assert fund.awards_for(south) == [other]


# ---------------------------------------------------------------------------------------------- allocation

class Asks:
    """A stand-in instrument: every area asks its own € with its own score (eligible unless asking nothing)."""

    def __init__(self, type_: str, asks: dict[str, float], scores: dict[str, float] | None = None) -> None:
        self.type, self.asks, self.scores = type_, asks, scores or {}
        self.awarded = []

    def eligible(self, area):
        return area.name in self.asks, "asks"

    def award_size(self, area):
        return self.asks[area.name]

    def score(self, area):
        return self.scores.get(area.name, 0.0)

    def select_applications(self, applications):
        return applications  # every eligible area applies (the instrument default)

    def on_award(self, award):
        self.awarded.append((award.area.name, award.committed))


def allocating(budget: float = 10e6, **fund):
    model = AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1,
                      fund_design=design({"type": "deficit_grant"}, budget=budget, **fund))
    return model, model.funds[0]


def events(model, name: str) -> list[dict]:
    return [e for e in model.events if e["event"] == name]


def test_the_budget_comes_from_the_treasury_once():
    model, _ = allocating()
    assert moves(model) == [] and [(t.source, t.target, t.amount, t.category) for t in
                                   model.ledger.transactions()] == [("outside:treasury", FUND, 10e6, "fund_budget")]


def test_ranked_awards_go_to_the_best_score_first_and_a_partial_award_of_a_quarter_is_made():
    """Continuous allocation, 10m: south (score 2) asks 8m and gets it; north (score 1) asks 8m, 2m is left,
    exactly a quarter of its ask: awarded 2m. Nothing is left, so the fund is exhausted now."""
    model, fund = allocating()
    asks = Asks("grant", {"north": 8e6, "south": 8e6}, {"north": 1.0, "south": 2.0})
    fund.instruments = [asks]
    fund.allocate()
    assert asks.awarded == [("south", 8e6), ("north", 2e6)]
    assert [(a.fund, a.area.name, a.committed) for a in fund.awards] == [(fund, "south", 8e6), (fund, "north", 2e6)]
    assert [(e["area"], e["fund"], e["instrument"], e["committed"], e["score"]) for e in events(model, "fund_award")] \
        == [("south", FUND, "grant", 8e6, 2.0), ("north", FUND, "grant", 2e6, 1.0)]
    assert fund.exhausted_at == 0.0
    model, fund = allocating()  # the same with the scores the other way round: north first
    asks = Asks("grant", {"north": 8e6, "south": 8e6}, {"north": 2.0, "south": 1.0})
    fund.instruments = [asks]
    fund.allocate()
    assert asks.awarded == [("north", 8e6), ("south", 2e6)]


def test_an_award_below_a_quarter_of_the_ask_is_refused_and_said_so():
    """10m: south asks 9m first (score 2); north asks 8m, 1m is left (< 2m): refused, with the numbers; a smaller
    application ranked after it (north's 1m under another instrument) is still considered and awarded."""
    model, fund = allocating()
    small = Asks("small_grant", {"north": 1e6}, {"north": 0.5})  # ranked last: still considered after a refusal
    fund.instruments = [Asks("grant", {"north": 8e6, "south": 9e6}, {"north": 1.0, "south": 2.0}), small]
    fund.allocate()
    assert [(a.area.name, a.instrument.type) for a in fund.awards] == [("south", "grant"), ("north", "small_grant")]
    (refused,) = events(model, "fund_application_refused")
    assert (refused["area"], refused["fund"], refused["instrument"], refused["asked"], refused["available"]) == \
        ("north", FUND, "grant", 8e6, pytest.approx(1e6))
    assert fund.exhausted_at == 0.0  # the last 1m went to the small grant


def test_first_come_awards_go_to_the_earliest_area_whatever_its_score():
    """First come, first served: north starts at quarter 0, south at 2; north gets its 8m though south scores
    higher, south gets the 2m left."""
    for scores in ({"north": 1.0, "south": 2.0}, {"north": 1.0, "south": 0.5}):
        model, fund = allocating(allocation="first_come")
        asks = Asks("grant", {"north": 8e6, "south": 8e6}, scores)
        fund.instruments = [asks]
        fund.allocate()
        assert asks.awarded == [("north", 8e6), ("south", 2e6)], scores


def test_one_award_per_area_and_instrument_and_only_areas_it_serves():
    """A second round gives north nothing more under the same instrument, but a second instrument may award it;
    a fund for the relaxed region never awards north; asking nothing is no application, cents are."""
    model, fund = allocating()
    first, second = Asks("grant", {"north": 1e6}), Asks("loan", {"north": 0.5, "south": 0.0})
    fund.instruments = [first]
    fund.allocate()
    fund.instruments = [first, second]
    fund.allocate()
    assert first.awarded == [("north", 1e6)] and second.awarded == [("north", 0.5)]
    assert not events(model, "fund_application_refused")
    model, fund = allocating(regions=["relaxed"])
    only_south = Asks("grant", {"north": 1e6, "south": 1e6})
    fund.instruments = [only_south]
    fund.allocate()
    assert only_south.awarded == [("south", 1e6)]


def test_tranches_open_only_in_their_quarter():
    """A tranche in year 1 opens in quarter 4 only."""
    model, fund = allocating(allocation="tranches", tranche_years=[1.0])
    fund.instruments = [Asks("grant", {"north": 1e6})]
    for quarter, is_open in ((0, False), (4, True), (5, False)):
        model.ctx.quarter = quarter
        assert fund.is_open() is is_open, quarter
    model.ctx.quarter = 5
    fund.allocate()
    assert fund.awards == []
    model.ctx.quarter = 4
    fund.allocate()
    assert [a.committed for a in fund.awards] == [1e6]


def test_a_fund_is_exhausted_below_one_euro_left_and_stays_exhausted():
    """1.50 left is not exhausted, 1.00 left neither, 0.50 left is."""
    model, fund = allocating(budget=10.0)
    fund.instruments = [Asks("a", {"north": 8.5})]
    fund.allocate()
    assert fund.exhausted_at is None  # 1.50 left
    fund.instruments = [Asks("b", {"north": 0.5})]
    fund.allocate()
    assert fund.exhausted_at is None  # 1.00 left
    fund.instruments = [Asks("c", {"north": 0.5})]
    fund.allocate()
    assert fund.exhausted_at == 0.0


def test_cents_are_paid_out():
    model, fund, north, _, award = fund_world()
    assert fund.pay_out(award, "municipality:middle", 0.5, "fund_grant") == 0.5
    assert award.paid == 0.5
