"""Guard: the books' batched postings give what one ``Books.book`` per transfer gives, bit for bit.

``Books.book_each`` (the quarter's land carrying costs in one call, docs/performance.md) must leave the same
ledger rows, balances, invested positions and land flows — values, key order and float types — as the plain
``book`` loop, so a later change to one cannot silently diverge from the other.
"""

from __future__ import annotations

import random

import pytest

from sim.books import Books
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


@pytest.mark.parametrize("make", [
    lambda: from_dict(mini(cooperation={"model": "building_claim"})),
    lambda: from_dict(mini(cooperation={"model": "traditional"})),
    lambda: load_scenario(DEFAULT_SCENARIO),
])
def test_runs_with_batched_carrying_equal_runs_with_one_book_each(make, monkeypatch):
    """Whole runs (land carrying costs posted every quarter) give the same books with the batch as with one
    ``book`` per area."""
    scenario = make()
    batched = AreaModel(scenario, seed=3, collect="lean").run()
    with monkeypatch.context() as patch:
        patch.setattr(Books, "book_each", plain_book_each)
        plain = AreaModel(scenario, seed=3, collect="lean").run()
    carrying = [row for row in batched.ledger._rows if row[-1] == "land_carrying_cost"]
    assert carrying, "no land carrying cost posted: the guard checks nothing"
    assert state(batched.ctx.books) == state(plain.ctx.books)
    assert batched.events == plain.events
