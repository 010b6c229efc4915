"""Investor: forward-funds (buys before construction) mid-rent and free-rent blocks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.base import Actor
from sim.area import FREE_RENT, MID_RENT, PhaseState

if TYPE_CHECKING:
    import mesa

    from sim.context import RunContext


class Investor(Actor):
    """An institutional investor with capital for forward funding.

    Attributes:
        committed: € committed to forward-funding deals this year.
    """

    kind = "investor"

    def __init__(self, model: mesa.Model, ctx: RunContext, name: str) -> None:
        super().__init__(model, ctx, name)
        self.params = ctx.spec.actors.investors
        self.committed = 0.0

    def new_year(self) -> None:
        """Reset the yearly forward-funding allocation."""
        self.committed = 0.0

    def block_value(self, phase: PhaseState) -> float:
        """€ the investor will pay for the phase's rental homes: rent capitalised at its required yield."""
        value = self.ctx.econ.sale_value[phase.area.region_index, self.ctx.quarter]
        return float(np.dot(phase.homes[[MID_RENT, FREE_RENT]], value[[MID_RENT, FREE_RENT]]))

    def consider_forward_funding(self, phase: PhaseState) -> bool:
        """Fund a rental block at its capitalised value while this year's allocation lasts.

        The price is 12 × rent / (bond rate + risk premium), the mid-rent capped by rent regulation;
        buying before construction removes the presale risk for the developer. The year's allocation
        shrinks with the market's investor appetite: when bond yields jump, investors retreat
        (new-build rental purchases fell by more than half from Q1 2022 to Q1 2023, Capital Value).
        """
        if phase.forward_funded or phase.rental_homes == 0:
            return True
        price = self.block_value(phase)
        appetite = self.ctx.market.investor_appetite[self.ctx.quarter]  # falls when yields jump (2022-23)
        if self.committed + price > self.params.capital_per_year * appetite:
            return False
        self.committed += price
        phase.forward_funded = True
        phase.rental_price = price
        phase.investor = self
        self.ctx.books.log(phase, "forward_funded", price=price, homes=phase.rental_homes)
        return True
