"""The run's books: the double-entry ledger, money invested per party and area, and the event log.

Bound to the clock (the SimPy environment): every transfer and every event carries the time
in quarters. Behaviour code books money and logs reasons here, never on the model.
"""

from __future__ import annotations

from collections import defaultdict
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
        """
        amount = float(amount)
        area = area_name if area_name is not None else (phase.area.name if phase is not None else "")
        index = phase.index if (phase is not None and area_name is None) else -1
        self.ledger.transfer(self.clock.now, source, target, amount, category, area, index)
        if area and category not in BOOK_CATEGORIES:
            if party_kind(source) in INTEREST_PAYERS:  # the source first, then the target (same order of additions)
                self.invested[(party_of(source), area)] += -1.0 * amount
            if party_kind(target) in INTEREST_PAYERS:
                self.invested[(party_of(target), area)] += amount
            if category in LAND_DEVELOPMENT_COSTS:
                self.land_flows.setdefault((source, area), [0.0, 0.0])[0] += amount
            elif category in LAND_DEVELOPMENT_REVENUES:
                self.land_flows.setdefault((target, area), [0.0, 0.0])[1] += amount

    def book_each(self, target: str, category: str, payments: list[tuple[str, float, str]]) -> None:
        """Record many transfers (€) to one ``target`` in one ``category``, each attributed to an area (phase -1):
        ``payments`` are (source, €, area name) in booking order. The same ledger rows, balances, invested
        positions and land flows as one :meth:`book` each with ``area_name`` (guarded in tests/test_books_batch.py):
        the rows through :meth:`Ledger.transfer_each`, then the positions in the same order of additions."""
        payments = [(source, float(amount), area) for source, amount, area in payments]
        self.ledger.transfer_each(self.clock.now, target, category, payments)
        if category in BOOK_CATEGORIES:
            return
        invested = self.invested
        target_pays = party_kind(target) in INTEREST_PAYERS
        cost, revenue = category in LAND_DEVELOPMENT_COSTS, category in LAND_DEVELOPMENT_REVENUES
        for source, amount, area in payments:
            if not area:
                continue
            if party_kind(source) in INTEREST_PAYERS:  # the source first, then the target (as book() adds them)
                invested[(party_of(source), area)] += -1.0 * amount
            if target_pays:
                invested[(party_of(target), area)] += amount
            if cost:
                self.land_flows.setdefault((source, area), [0.0, 0.0])[0] += amount
            elif revenue:
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
        """Quarterly interest on money invested per party and area, at bond rate + the party's spread (fraction/yr)."""
        quarterly: dict[str, float] = {}  # quarterly rate per kind of party (the same for all its areas)
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
                # book(party, "outside:lenders", amount, "interest", area_name=area) for each, at once: the payer
                # is an interest payer with money in the area; the lenders are outside; interest is no land flow
                amount = -net * factor
                payments.append((party, amount, area))
                invested[key] = net + -1.0 * amount  # the same addition as += (no new key: safe while iterating)
        self.ledger.transfer_each(self.clock.now, "outside:lenders", "interest", payments)
