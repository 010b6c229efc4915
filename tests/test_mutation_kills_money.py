"""Money rules that mutation testing (tools/mutation.py, docs/testing.md) found unchecked.

Each test states a rule of who pays whom, how much, when or on which account, in the by-hand world of
tests/test_payments_by_hand.py (round numbers put in at quarter 0, expected values written out by hand).
"""

from __future__ import annotations

import pytest

from tests.test_payments_by_hand import (
    CONTRACTORS,
    DEV,
    JV,
    MUN,
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
