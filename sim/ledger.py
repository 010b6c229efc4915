"""The double-entry ledger: every euro that moves in a run is one transaction.

Accounts are strings ``"kind:name"``: actors (``municipality:tight``,
``developer:1``, ``housing_association:middle``, ``investor:1``), funds
(``fund:state``) and outside parties (``outside:contractors``,
``outside:home_buyers``, ``outside:lenders``, ``outside:original_owners``,
``outside:shareholders``). A transaction moves a positive amount from one
account to another, so all balances always sum to zero; a negative balance is
a net cash outflow (for an actor: money borrowed or equity spent).

Book entries that are not cash (municipal loss provisions, profit taken) use
the categories in :data:`BOOK_CATEGORIES` and sub-accounts of the actor
(``municipality:tight/provisions``); business cases and cash positions ignore them.

The ledger appends one row (a tuple) per transaction, so a 30-year run with
thousands of transactions stays cheap; :meth:`Ledger.to_frame` gives pandas (columns built on demand).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

BOOK_CATEGORIES = frozenset({"provision", "provision_release", "profit_taken", "profit_reversed"})
"""Categories that are accounting entries, not cash."""

LAND_DEVELOPMENT_COSTS = frozenset({
    "plan_costs", "acquisition", "demolition", "remediation", "site_preparation", "infrastructure",
    "public_transport", "contingency", "land_position_sale", "capital_call", "municipal_contribution",
    "regional_levy", "fund_clawback"})
"""Categories a party pays into an area's land development (works, buy-outs, capital calls, contributions, levies,
grants reclaimed)."""
LAND_DEVELOPMENT_REVENUES = frozenset({
    "land_sale", "overrun_share", "jv_distribution", "fund_grant", "land_risk_compensation",
    "earmarked_cofunding", "jv_exit_settlement"})
"""Categories a party receives from an area's land development (land sales, overrun shares, payouts, fund money,
a leaving joint-venture partner's settlement)."""

OUTSIDE = ("outside:contractors", "outside:home_buyers", "outside:lenders",
           "outside:original_owners", "outside:shareholders", "outside:consultants")
"""Parties outside the model whose money enters or leaves through the ledger."""


@dataclass(frozen=True)
class Transaction:
    """One movement of money (€) at quarter ``time`` from ``source`` to ``target``."""

    time: float
    source: str
    target: str
    amount: float
    area: str
    phase: int
    category: str


class Ledger:
    """Columnar double-entry ledger with running balances per account."""

    __slots__ = ("_rows", "balances")

    def __init__(self) -> None:
        self._rows: list[tuple] = []  # (time, source, target, amount, area, phase, category) per transaction
        self.balances: defaultdict[str, float] = defaultdict(float)

    def _columns(self) -> tuple[list, ...]:
        """The seven columns (time, source, target, amount, area, phase, category) as lists."""
        if not self._rows:
            return ([], [], [], [], [], [], [])
        return tuple(list(column) for column in zip(*self._rows, strict=True))

    def transfer(self, time: float, source: str, target: str, amount: float, category: str,
                 area: str = "", phase: int = -1) -> None:
        """Move ``amount`` (€, ≥ 0) from ``source`` to ``target``; zero amounts are skipped."""
        if amount < 0:
            raise ValueError(f"negative transfer {amount!r} ({category}); swap source and target")
        if amount == 0:
            return
        if source == target:
            raise ValueError(f"transfer from {source} to itself ({category})")
        self._rows.append((time, source, target, amount, area, phase, category))
        self.balances[source] -= amount
        self.balances[target] += amount

    def transfer_each(self, time: float, target: str, category: str, payments: list[tuple[str, float, str]]) -> None:
        """Book many transfers to one ``target`` in one ``category`` at once: ``payments`` are (source, € ≥ 0,
        area) in booking order; the same rows and balances as one :meth:`transfer` each (phase -1)."""
        rows, balances = self._rows, self.balances
        for source, amount, area in payments:
            if not (amount > 0 and source != target):  # zero, negative, NaN or to itself: as transfer() does
                self.transfer(time, source, target, amount, category, area)
                continue
            rows.append((time, source, target, amount, area, -1, category))
            balances[source] -= amount
            balances[target] += amount

    def __len__(self) -> int:
        return len(self._rows)

    def balance(self, account: str) -> float:
        """Current balance of an account (€)."""
        return self.balances.get(account, 0.0)

    def total(self) -> float:
        """Sum of all balances (€); zero up to rounding by construction."""
        return float(sum(self.balances.values()))

    def transactions(self) -> list[Transaction]:
        """All transactions as objects (slow; for tests and inspection)."""
        return [Transaction(t, s, g, a, area, phase, c) for t, s, g, a, area, phase, c in self._rows]

    def paid_by(self, source_prefixes: tuple[str, ...], categories: frozenset[str] | set[str]) -> float:
        """€ paid from accounts starting with one of ``source_prefixes`` in one of ``categories``, summed in
        booking order exactly as a pandas sum over the matching rows of :meth:`to_frame` would (numpy's
        pairwise sum), without building the frame."""
        picked = [amount for _, source, _, amount, _, _, category in self._rows
                  if category in categories and source.startswith(source_prefixes)]
        return float(np.asarray(picked, dtype=np.float64).sum())

    def paid_from(self, source_prefix: str) -> list[tuple[str, int, float]]:
        """(area, phase, €) of every transfer out of an account starting with ``source_prefix``, in booking order."""
        return [(area, phase, amount) for _, source, _, amount, area, phase, _ in self._rows
                if source.startswith(source_prefix)]

    def to_frame(self) -> pd.DataFrame:
        """All transactions as a DataFrame (one row each)."""
        time, source, target, amount, area, phase, category = self._columns()
        return pd.DataFrame({
            "time": pd.Series(time, dtype="float64"),
            "source": pd.Series(source, dtype="string"),
            "target": pd.Series(target, dtype="string"),
            "amount": pd.Series(amount, dtype="float64"),
            "area": pd.Series(area, dtype="string"),
            "phase": pd.Series(phase, dtype="int64"),
            "category": pd.Series(category, dtype="string"),
        })


@cache
def party_of(account: str) -> str:
    """The party an account belongs to: ``'municipality:tight/provisions'`` → ``'municipality:tight'``."""
    return account.split("/", 1)[0]


@cache  # a run has a few dozen account names and asks ~100k times
def party_kind(account: str) -> str:
    """The kind of party: ``'developer:1'`` → ``'developer'``."""
    return account.split(":", 1)[0]


def land_development_account(frame: pd.DataFrame, party: str, area: str) -> tuple[float, float]:
    """(€ paid, € received) by ``party`` in ``area``'s land development, from a ledger frame.

    The grondexploitatie as a query: the party's transfers in the categories
    :data:`LAND_DEVELOPMENT_COSTS` and :data:`LAND_DEVELOPMENT_REVENUES`.
    """
    rows = frame[frame["area"] == area]
    paid = rows[(rows["source"] == party) & rows["category"].isin(LAND_DEVELOPMENT_COSTS)]["amount"].sum()
    received = rows[(rows["target"] == party) & rows["category"].isin(LAND_DEVELOPMENT_REVENUES)]["amount"].sum()
    return float(paid), float(received)


def business_cases(frame: pd.DataFrame) -> pd.DataFrame:
    """Net cash (€) per area, party and category from a ledger frame.

    Positive = the party received money; negative = it paid. Book entries are left
    out. For every area, the column sums to zero over all parties (every euro
    paid by one party is received by another).
    """
    cash = frame[~frame["category"].isin(BOOK_CATEGORIES)]
    out = pd.concat([
        cash.assign(party=cash["target"].map(party_of), net=cash["amount"]),
        cash.assign(party=cash["source"].map(party_of), net=-cash["amount"]),
    ])
    table = out.groupby(["area", "party", "category"], as_index=False)["net"].sum()
    return table.sort_values(["area", "party", "category"], ignore_index=True)
