"""Common base of all actors: a ledger account and a way to pay."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.area import PhaseState
    from sim.context import RunContext


class Actor(mesa.Agent):
    """A party with a cash account in the ledger.

    Mesa registers the agent with ``model`` (the clock); its behaviour reads only ``ctx``.

    Attributes:
        ctx: the run context (scenario, clock, market, areas, books).
        name: short identifier (region name or number).
        account: ledger account, ``"<kind>:<name>"``.
    """

    kind = "actor"
    public = False  # public parties count towards public cash positions

    def __init__(self, model: mesa.Model, ctx: RunContext, name: str) -> None:
        super().__init__(model)
        self.ctx = ctx
        self.name = name
        self.account = f"{self.kind}:{name}"

    @property
    def cash(self) -> float:
        """Net cash position (€): received minus paid since the start."""
        return self.ctx.books.ledger.balance(self.account)

    def pay(self, target: str, amount: float, category: str, phase: PhaseState | None = None) -> None:
        """Pay ``amount`` (€) to account ``target`` for ``phase`` (if any)."""
        self.ctx.books.book(self.account, target, amount, category, phase)

    def receive(self, source: str, amount: float, category: str, phase: PhaseState | None = None) -> None:
        """Receive ``amount`` (€) from account ``source``."""
        self.ctx.books.book(source, self.account, amount, category, phase)
