"""The run's books: the double-entry ledger, money invested per party and area, and the event log.

Bound to the clock (the SimPy environment): every transfer and every event carries the time
in quarters. Behaviour code books money and logs reasons here, never on the model.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import TYPE_CHECKING

from sim.ledger import (
    BOOK_CATEGORIES,
    LAND_DEVELOPMENT_COSTS,
    LAND_DEVELOPMENT_REVENUES,
    Ledger,
    party_kind,
    party_of,
)

if TYPE_CHECKING:
    import simpy

    from sim.area import AreaPlan, PhaseState

INTEREST_PAYERS = ("municipality", "developer")
"""Parties charged interest on money invested in an area (grex book value; development loans)."""


_CASH, _LAND_COST, _LAND_REVENUE, _BOOK_ENTRY = "cash", "land cost", "land revenue", "book entry"
_CATEGORY_KIND = {**{c: _LAND_COST for c in LAND_DEVELOPMENT_COSTS}, **{c: _LAND_REVENUE for c in LAND_DEVELOPMENT_REVENUES},
                  **{c: _BOOK_ENTRY for c in BOOK_CATEGORIES}}
"""What a category is to the books (one look-up instead of three set tests; the three sets are disjoint)."""
assert len(_CATEGORY_KIND) == len(LAND_DEVELOPMENT_COSTS) + len(LAND_DEVELOPMENT_REVENUES) + len(BOOK_CATEGORIES)


@cache  # a run has a few dozen account names
def interest_party(account: str) -> str | None:
    """The party of an account if it is an interest payer (``'developer:1/x'`` → ``'developer:1'``), else None."""
    return party_of(account) if party_kind(account) in INTEREST_PAYERS else None


class Books:
    """Ledger, invested positions and the explainable event log of one run.

    Attributes:
        ledger: every transfer (€) with time, area, phase and category.
        events: explainable events (dicts: time in quarters, area, phase, event, numbers in € or fractions).
        invested: net € per (party, area) of interest payers, excluding book entries (negative = invested).
        land_flows: [€ paid, € received] per (account, area) in the land-development categories — the
            running form of :func:`sim.ledger.land_development_account` (tests check they agree).
    """

    def __init__(self, clock: simpy.Environment) -> None:
        self.clock = clock
        self.ledger = Ledger()
        self.events: list[dict] = []
        self.invested: defaultdict[tuple[str, str], float] = defaultdict(float)
        self.land_flows: dict[tuple[str, str], list[float]] = {}

    def book(self, source: str, target: str, amount: float, category: str, phase: PhaseState | None = None,
             area_name: str | None = None) -> None:
        """Record a transfer (€) from ``source`` to ``target``, attributed to a phase (or just an area).

        The amount is kept as a Python float (the same double as a numpy scalar, cheaper in every later sum).
        A positive transfer between two accounts is appended here as :meth:`Ledger.transfer` appends it (its
        checks pass); anything else goes through it (zero skipped, negative or to itself refused). Guarded
        against the plain form in tests/test_books_batch.py.
        """
        amount = float(amount)
        if area_name is not None:
            area, index = area_name, -1
        elif phase is not None:
            area, index = phase.area.name, phase.index
        else:
            area, index = "", -1
        ledger = self.ledger
        if amount > 0 and source != target:
            ledger._rows.append((self.clock.now, source, target, amount, area, index, category))
            balances = ledger.balances
            balances[source] -= amount
            balances[target] += amount
        else:
            ledger.transfer(self.clock.now, source, target, amount, category, area, index)
        if area:
            kind = _CATEGORY_KIND.get(category, _CASH)
            if kind is _BOOK_ENTRY:
                return
            party = interest_party(source)  # the source first, then the target (same order of additions)
            if party is not None:
                self.invested[(party, area)] += -1.0 * amount
            party = interest_party(target)
            if party is not None:
                self.invested[(party, area)] += amount
            if kind is _LAND_COST:
                self.land_flows.setdefault((source, area), [0.0, 0.0])[0] += amount
            elif kind is _LAND_REVENUE:
                self.land_flows.setdefault((target, area), [0.0, 0.0])[1] += amount

    def book_each(self, target: str, category: str, payments: list[tuple[str, float, str]]) -> None:
        """Record many transfers (€) to one ``target`` in one ``category``, each attributed to an area (phase -1):
        ``payments`` are (source, €, area name) in booking order. The same ledger rows, balances, invested
        positions and land flows as one :meth:`book` each with ``area_name`` (guarded in tests/test_books_batch.py):
        the rows through :meth:`Ledger.transfer_each`, then the positions in the same order of additions."""
        payments = [(source, float(amount), area) for source, amount, area in payments]
        self.ledger.transfer_each(self.clock.now, target, category, payments)
        kind = _CATEGORY_KIND.get(category, _CASH)
        if kind is _BOOK_ENTRY:
            return
        invested = self.invested
        target_party = interest_party(target)
        for source, amount, area in payments:
            if not area:
                continue
            party = interest_party(source)  # the source first, then the target (as book() adds them)
            if party is not None:
                invested[(party, area)] += -1.0 * amount
            if target_party is not None:
                invested[(target_party, area)] += amount
            if kind is _LAND_COST:
                self.land_flows.setdefault((source, area), [0.0, 0.0])[0] += amount
            elif kind is _LAND_REVENUE:
                self.land_flows.setdefault((target, area), [0.0, 0.0])[1] += amount

    def land_account(self, account: str, area: str) -> tuple[float, float]:
        """(€ paid, € received) by ``account`` in ``area``'s land development so far."""
        paid, received = self.land_flows.get((account, area), (0.0, 0.0))
        return paid, received

    def log(self, phase: PhaseState, event: str, **numbers) -> None:
        """Record an explainable event of a phase."""
        self.events.append({"time": float(self.clock.now), "area": phase.area.name, "phase": phase.index,
                            "event": event, **numbers})

    def log_area(self, area: AreaPlan, event: str, **numbers) -> None:
        """Record an event of a whole area (phase -1)."""
        self.events.append({"time": float(self.clock.now), "area": area.name, "phase": -1, "event": event,
                            **numbers})

    def log_party(self, account: str, event: str, **numbers) -> None:
        """Record an event of a party (area '', phase -1), e.g. an election or a failure."""
        self.events.append({"time": float(self.clock.now), "area": "", "phase": -1, "event": event,
                            "party": account, **numbers})

    def charge_interest(self, bond_rate: float, spreads: dict[str, float]) -> None:
        """Quarterly interest on money invested per party and area, at bond rate + the party's spread (fraction/yr).

        One pass: each payment is ``book(party, "outside:lenders", amount, "interest", area_name=area)`` — the payer
        is an interest payer with money in the area, the lenders are outside, interest is no land flow — so its
        ledger row and balances are appended as :meth:`Ledger.transfer` appends them (in the order of the
        positions) and the position grows by the interest. Guarded in tests/test_books_batch.py.
        """
        factors: dict[str, float] = {}  # quarterly rate per party (the same for all parties of a kind)
        invested = self.invested
        ledger = self.ledger
        rows, balances = ledger._rows, ledger.balances
        now = self.clock.now
        lenders = "outside:lenders"
        for key, net in invested.items():
            if net < 0:
                party, area = key
                factor = factors.get(party)
                if factor is None:
                    rate = max(0.0, float(bond_rate) + spreads[party_kind(party)])
                    factor = factors[party] = (1 + rate) ** 0.25 - 1
                amount = -net * factor
                if amount > 0 and party != lenders:
                    rows.append((now, party, lenders, amount, area, -1, "interest"))
                    balances[party] -= amount
                    balances[lenders] += amount
                else:  # zero (or NaN): as Ledger.transfer does
                    ledger.transfer(now, party, lenders, amount, "interest", area)
                invested[key] = net + -1.0 * amount  # the same addition as += (no new key: safe while iterating)
