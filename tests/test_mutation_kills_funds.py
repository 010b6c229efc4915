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
