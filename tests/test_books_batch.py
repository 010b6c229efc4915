"""Guard: the books' batched postings give what one ``Books.book`` per transfer gives, bit for bit.

``Books.book_each`` (the quarter's land carrying costs in one call, docs/performance.md) must leave the same
ledger rows, balances, invested positions and land flows — values, key order and float types — as the plain
``book`` loop, so a later change to one cannot silently diverge from the other.
"""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest

from sim.books import INTEREST_PAYERS, Books
from sim.ledger import (
    BOOK_CATEGORIES,
    LAND_DEVELOPMENT_COSTS,
    LAND_DEVELOPMENT_REVENUES,
    party_kind,
    party_of,
)
from sim.model import AreaModel
from sim.scenario import DEFAULT_SCENARIO, from_dict, load_scenario
from tests.conftest import mini


class Clock:
    now = 7.0


def state(books: Books) -> tuple:
    """Everything a posting touches, floats as hex (exact) with their types."""
    def exact(x):
        return (type(x).__name__, x.hex()) if isinstance(x, float) else x
    rows = [tuple(exact(v) for v in row) for row in books.ledger._rows]
    return (rows, [(k, exact(v)) for k, v in books.ledger.balances.items()],
            [(k, exact(v)) for k, v in books.invested.items()],
            [(k, [exact(v) for v in flows]) for k, flows in books.land_flows.items()])


SOURCES = ("developer:1", "developer:2", "municipality:tight", "municipality:tight/provisions",
           "housing_association:a", "fund:state", "outside:contractors")
TARGETS = ("outside:lenders", "developer:1", "municipality:loose", "fund:state")
CATEGORIES = ("land_carrying_cost", "interest", "acquisition", "land_sale", "provision", "home_sales")
AREAS = ("north", "south", "")


def plain_book(books, source, target, amount, category, phase=None, area_name=None):
    """``Books.book`` as first written: through ``Ledger.transfer``, three set tests, party look-ups per call."""
    amount = float(amount)
    area = area_name if area_name is not None else (phase.area.name if phase is not None else "")
    index = phase.index if (phase is not None and area_name is None) else -1
    books.ledger.transfer(books.clock.now, source, target, amount, category, area, index)
    if area and category not in BOOK_CATEGORIES:
        if party_kind(source) in INTEREST_PAYERS:
            books.invested[(party_of(source), area)] += -1.0 * amount
        if party_kind(target) in INTEREST_PAYERS:
            books.invested[(party_of(target), area)] += amount
        if category in LAND_DEVELOPMENT_COSTS:
            books.land_flows.setdefault((source, area), [0.0, 0.0])[0] += amount
        elif category in LAND_DEVELOPMENT_REVENUES:
            books.land_flows.setdefault((target, area), [0.0, 0.0])[1] += amount


ALL_CATEGORIES = (*CATEGORIES, *sorted(LAND_DEVELOPMENT_COSTS), *sorted(LAND_DEVELOPMENT_REVENUES),
                  *sorted(BOOK_CATEGORIES), "construction", "interest")


def test_book_equals_the_plain_book():
    """Random postings (phases, area names, none; zero, tiny, integer, NaN and infinite amounts; every category;
    accounts of interest payers, sub-accounts and outsiders): the same state, and the same refusals."""
    rng = random.Random(11)
    phases = [SimpleNamespace(area=SimpleNamespace(name=n), index=i) for n in ("north", "south") for i in range(3)]
    accounts = (*SOURCES, *TARGETS, "municipality:loose/provisions", "investor:1", "jv:north")
    for _ in range(200):
        fast, plain = Books(Clock()), Books(Clock())
        for _ in range(rng.randrange(1, 40)):
            source, target = rng.choice(accounts), rng.choice(accounts)
            amount = rng.choice([0.0, -0.0, rng.uniform(0, 1e7), rng.uniform(0, 1e-6), rng.randrange(1, 10**5),
                                 np.float64(rng.uniform(0, 1e5)), float("nan"), float("inf")])
            where = rng.choice([{"phase": rng.choice(phases)}, {"area_name": rng.choice(AREAS)},
                                {"phase": rng.choice(phases), "area_name": rng.choice(AREAS)}, {}])
            category = rng.choice(ALL_CATEGORIES)
            outcomes = []
            for books, post in ((fast, Books.book), (plain, plain_book)):
                try:
                    post(books, source, target, amount, category, **where)
                    outcomes.append(None)
                except ValueError as error:
                    outcomes.append(str(error))
            assert outcomes[0] == outcomes[1]
            assert state(fast) == state(plain)


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("target", TARGETS)
def test_book_each_equals_one_book_per_payment(category, target):
    """Random batches (zero amounts, numpy-free floats and ints, areas and none, the target among the sources'
    parties) on books that already hold positions: the same state as ``book`` per payment in order."""
    rng = random.Random(hash((category, target)) & 0xFFFF)
    for _ in range(60):
        plain, batched = Books(Clock()), Books(Clock())
        for books in (plain, batched):  # some history first, so additions land on existing keys too
            books.book("developer:1", "municipality:tight", 1234.5, "land_sale", area_name="north")
            books.book("municipality:tight", "outside:contractors", 99.25, "acquisition", area_name="south")
        payments = []
        for _ in range(rng.randrange(0, 12)):
            source = rng.choice([s for s in SOURCES if s != target])
            amount = rng.choice([0.0, rng.uniform(0, 1e6), rng.uniform(0, 1e-3), float(rng.randrange(1, 10**6)),
                                 rng.randrange(1, 10**4)])
            payments.append((source, amount, rng.choice(AREAS)))
        for source, amount, area in payments:
            plain.book(source, target, amount, category, area_name=area)
        batched.book_each(target, category, payments)
        assert state(batched) == state(plain)


def test_book_each_refuses_what_book_refuses():
    """A negative amount raises as ``Ledger.transfer`` does."""
    with pytest.raises(ValueError, match="negative transfer"):
        Books(Clock()).book_each("outside:lenders", "land_carrying_cost", [("developer:1", -1.0, "north")])


def plain_book_each(self, target, category, payments):
    for source, amount, area in payments:
        self.book(source, target, amount, category, area_name=area)


def plain_charge_interest(self, bond_rate, spreads):
    """``Books.charge_interest`` before its one-pass form: the payments collected, then ``Ledger.transfer_each``."""
    quarterly = {}
    invested = self.invested
    payments = []
    for key, net in invested.items():
        if net < 0:
            party, area = key
            kind = party_kind(party)
            factor = quarterly.get(kind)
            if factor is None:
                rate = max(0.0, float(bond_rate) + spreads[kind])
                factor = quarterly[kind] = (1 + rate) ** 0.25 - 1
            amount = -net * factor
            payments.append((party, amount, area))
            invested[key] = net + -1.0 * amount
    self.ledger.transfer_each(self.clock.now, "outside:lenders", "interest", payments)


def test_charge_interest_equals_the_plain_form():
    """Random positions (negative, zero, positive, -0.0, tiny; both kinds of payer; sub-accounts) and rates
    (negative bond rates that floor at 0, numpy scalars): the same rows, balances and positions."""
    rng = random.Random(5)
    parties = ("developer:1", "developer:2", "municipality:tight", "municipality:loose/provisions")
    for _ in range(300):
        fast, plain = Books(Clock()), Books(Clock())
        for books in (fast, plain):
            books.book("developer:1", "outside:lenders", 5.0, "interest", area_name="north")  # a balance first
        for _ in range(rng.randrange(0, 30)):
            key = (rng.choice(parties), rng.choice(AREAS[:2] + ("east", "west")))
            net = rng.choice([-rng.uniform(0, 1e8), rng.uniform(0, 1e6), 0.0, -0.0, -1e-300, -rng.uniform(0, 1)])
            fast.invested[key] = plain.invested[key] = net
        bond = rng.choice([rng.uniform(-0.03, 0.08), np.float64(rng.uniform(-0.01, 0.06)), 0.0])
        spreads = {"municipality": rng.uniform(0, 0.01), "developer": rng.uniform(0, 0.04)}
        for _ in range(rng.randrange(1, 4)):  # a few quarters in a row
            fast.charge_interest(bond, spreads)
            plain_charge_interest(plain, bond, spreads)
            assert state(fast) == state(plain)


@pytest.mark.parametrize("make", [
    lambda: from_dict(mini(cooperation={"model": "building_claim"})),
    lambda: from_dict(mini(cooperation={"model": "traditional"})),
    lambda: load_scenario(DEFAULT_SCENARIO),
])
def test_runs_with_batched_postings_equal_runs_with_the_plain_forms(make, monkeypatch):
    """Whole runs (land carrying costs and interest posted every quarter) give the same books with the batched
    postings as with one ``book`` per area and the two-pass interest."""
    scenario = make()
    batched = AreaModel(scenario, seed=3, collect="lean").run()
    with monkeypatch.context() as patch:
        patch.setattr(Books, "book_each", plain_book_each)
        patch.setattr(Books, "charge_interest", plain_charge_interest)
        plain = AreaModel(scenario, seed=3, collect="lean").run()
    carrying = [row for row in batched.ledger._rows if row[-1] == "land_carrying_cost"]
    assert carrying, "no land carrying cost posted: the guard checks nothing"
    assert any(row[-1] == "interest" for row in batched.ledger._rows)
    assert state(batched.ctx.books) == state(plain.ctx.books)
    assert batched.events == plain.events
