"""Developer: sells homes before building, buys serviced land and builds the market segments."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.base import Actor
from sim.area import OWNER, SOCIAL, PhaseState

if TYPE_CHECKING:
    from sim.model import AreaModel


class Developer(Actor):
    """A project developer.

    Attributes:
        params: scenario ``[actors.developers]`` (margins as fractions of revenue,
            presale threshold as a fraction of owner-occupied homes).
        phases: phases whose market segments this developer builds.
    """

    kind = "developer"

    def __init__(self, model: AreaModel, name: str) -> None:
        super().__init__(model, name)
        self.params = model.spec.actors.developers
        self.phases: list[PhaseState] = []

    def market_land_value(self, phase: PhaseState) -> float:
        """Residual land value (€) of the phase's market segments at today's prices and costs."""
        value = self.model.econ.land_value[phase.area.region_index, self.model.quarter]
        return float(np.dot(phase.homes[SOCIAL + 1:OWNER + 1], value[SOCIAL + 1:OWNER + 1]))

    def decide(self) -> None:
        """TEMPORARY RULE (Core): give a phase the go when it is presold, feasible and its blocks are funded.

        Go when (1) presales ≥ the presale threshold, (2) the residual land value of the
        market segments at today's prices is ≥ 0 (the required margin is met), (3) the
        housing association commits to the social homes and (4) an investor forward-funds
        the rental homes. The land price is that residual value (traditional model:
        the municipality sells serviced land at market value). The Actors issue replaces
        this with valuation on belief ensembles and negotiation.
        """
        model = self.model
        for phase in self.phases:
            if phase.go_event is None or phase.go_time is not None or not phase.is_open:
                continue
            threshold = self.params.presale_threshold
            if phase.presale_share < threshold:
                phase.reason = f"presales {phase.presale_share:.0%} < {threshold:.0%}"
                continue
            land_value = self.market_land_value(phase)
            if land_value < 0:
                phase.reason = f"residual land value of market homes €{land_value:,.0f} < 0"
                continue
            if not phase.housing_association.consider_social_block(phase):
                phase.reason = "housing association has no investment room this year"
                continue
            if phase.rental_homes and not model.pick_investor(phase):
                phase.reason = "no investor with capital for the rental homes"
                continue
            phase.market_land_price = land_value
            phase.go_time = model.env.now
            phase.reason = "go"
            phase.go_event.succeed()
            model.log(phase, "go", land_price=land_value, presale_share=phase.presale_share,
                      rental_price=phase.rental_price)
