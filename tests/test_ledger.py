"""Ledger: double entry, balances that always sum to zero, business cases derived from it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.ledger import Ledger, business_cases, party_of

ACCOUNTS = ["municipality:a", "developer:1", "outside:contractors", "outside:home_buyers", "investor:1"]


def test_a_transfer_moves_money_from_one_account_to_another():
    ledger = Ledger()
    ledger.transfer(0.0, "developer:1", "outside:contractors", 100.0, "construction", "x", 0)
    assert ledger.balance("developer:1") == -100.0
    assert ledger.balance("outside:contractors") == 100.0
    assert len(ledger) == 1


def test_negative_and_self_transfers_are_refused():
    ledger = Ledger()
    with pytest.raises(ValueError):
        ledger.transfer(0.0, "a:1", "b:1", -1.0, "x")
    with pytest.raises(ValueError):
        ledger.transfer(0.0, "a:1", "a:1", 1.0, "x")


def test_zero_transfers_are_not_recorded():
    ledger = Ledger()
    ledger.transfer(0.0, "a:1", "b:1", 0.0, "x")
    assert len(ledger) == 0


transfers = st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS),
                               st.floats(0, 1e9, allow_nan=False), st.sampled_from(["p", "q"])), max_size=60)


@given(transfers)
def test_balances_sum_to_zero_and_match_the_transactions(items):
    ledger = Ledger()
    for source, target, amount, area in items:
        if source != target:
            ledger.transfer(1.0, source, target, amount, "cat", area, 0)
    assert abs(ledger.total()) <= 1e-6 * max(1.0, sum(abs(v) for v in ledger.balances.values()))
    frame = ledger.to_frame()
    for account, balance in ledger.balances.items():
        recomputed = frame.loc[frame.target == account, "amount"].sum() - frame.loc[frame.source == account,
                                                                                   "amount"].sum()
        assert recomputed == pytest.approx(balance, abs=1e-3)


@given(transfers)
def test_every_area_business_case_sums_to_zero_over_parties(items):
    ledger = Ledger()
    for source, target, amount, area in items:
        if source != target:
            ledger.transfer(1.0, source, target, amount, "cat", area, 0)
    cases = business_cases(ledger.to_frame())
    for _, group in cases.groupby("area"):
        assert group["net"].sum() == pytest.approx(0.0, abs=1e-3)


def test_book_entries_are_left_out_of_business_cases():
    ledger = Ledger()
    ledger.transfer(0.0, "municipality:a/reserve", "municipality:a/provisions", 5.0, "provision", "x")
    ledger.transfer(0.0, "municipality:a", "outside:contractors", 7.0, "remediation", "x")
    cases = business_cases(ledger.to_frame())
    assert set(cases["category"]) == {"remediation"}
    assert party_of("municipality:a/reserve") == "municipality:a"


def test_the_municipal_land_development_account_is_a_query_on_the_ledger():
    """What a municipality counts as paid and received in an area's grex equals the ledger query, for every
    cooperation model (the running sums in the books are only a fast form of the query)."""
    from sim.ledger import land_development_account
    from sim.model import AreaModel
    from sim.scenario import from_dict
    from tests.conftest import mini

    models = ["traditional", "building_claim", "joint_venture", "concession", "private_realisation"]
    areas = [{"name": name, "region": "middle", "archetype": "complex", "homes": 600, "phases": 2,
              "start_quarter": 2 * i, "cooperation": name} for i, name in enumerate(models)]
    model = AreaModel(from_dict(mini(areas=areas, horizon_years=12)), seed=2).run()
    frame = model.ledger.to_frame()
    for area in model.areas:
        municipality = model.parties.municipality_of(area)
        paid, received = model.ctx.books.land_account(municipality.account, area.name)
        assert (paid, received) == pytest.approx(land_development_account(frame, municipality.account, area.name))
        assert paid > 0 or area.coop.name in ("concession", "private_realisation")


def test_paid_by_sums_the_matching_payments_as_the_frame_query_does():
    """Private investment is read from the ledger without building a frame: only payments from the named kinds
    of account, only in the named categories, summed exactly as pandas sums the matching rows."""
    ledger = Ledger()
    ledger.transfer(0, "developer:d1", "municipality:m", 0.1, "land_sale")
    ledger.transfer(1, "investor:i", "developer:d1", 0.2, "construction")
    ledger.transfer(2, "municipality:m", "contractor", 5.0, "construction")  # public money: not counted
    ledger.transfer(3, "developer:d1", "bank", 7.0, "interest")              # not an investment category
    ledger.transfer(4, "housing_association:h", "contractor", 0.7, "infrastructure")
    kinds, categories = ("developer:", "investor:", "housing_association:"), {"land_sale", "construction",
                                                                             "infrastructure"}
    frame = ledger.to_frame()
    mask = frame["source"].str.startswith(kinds) & frame["category"].isin(categories)
    assert ledger.paid_by(kinds, categories) == float(frame.loc[mask, "amount"].sum())
    assert ledger.paid_by(kinds, categories) == pytest.approx(1.0)
    assert ledger.paid_by(("fund:",), categories) == 0.0


payments_to_lenders = st.lists(st.tuples(st.sampled_from(ACCOUNTS[:2] + ["investor:1"]), st.floats(0, 1e9, allow_nan=False),
                                         st.sampled_from(["x", "y", ""])), max_size=40)


@given(payments_to_lenders)
def test_many_transfers_booked_at_once_are_the_same_rows_and_balances_as_one_by_one(payments):
    """Guard for the quarterly interest's batch posting: rows, order, balances, zero amounts skipped."""
    one_by_one, at_once = Ledger(), Ledger()
    for source, amount, area in payments:
        one_by_one.transfer(3.0, source, "outside:lenders", amount, "interest", area, -1)
    at_once.transfer_each(3.0, "outside:lenders", "interest", payments)
    assert at_once._rows == one_by_one._rows
    assert {k: v.hex() for k, v in at_once.balances.items()} == {k: v.hex() for k, v in one_by_one.balances.items()}


def test_a_batch_refuses_a_negative_or_self_transfer_like_one_transfer():
    with pytest.raises(ValueError, match="negative transfer"):
        Ledger().transfer_each(0.0, "outside:lenders", "interest", [("developer:1", -1.0, "x")])
    with pytest.raises(ValueError, match="to itself"):
        Ledger().transfer_each(0.0, "outside:lenders", "interest", [("outside:lenders", 1.0, "x")])
