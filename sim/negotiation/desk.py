"""The negotiation desk of a run: what all negotiations share.

The protocol and the experience of every party with every cooperation model. Deals are
made in :mod:`sim.negotiation.broker` and kept up in :mod:`sim.negotiation.upkeep`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.agents.parties import Parties
    from sim.context import RunContext
    from sim.funds.portfolio import FundPortfolio
    from sim.negotiation.protocols import Protocol


@dataclass(eq=False)
class NegotiationDesk:
    """Negotiations of one run (time in quarters).

    Attributes:
        experience: deals closed per (party account, cooperation model name).
        upkeep_areas: the areas that may still need upkeep, in the run's order (see sim.negotiation.upkeep.upkeep;
            None until its first quarter).
    """

    ctx: RunContext
    parties: Parties
    funds: FundPortfolio
    protocol: Protocol
    experience: dict[tuple[str, str], int] = field(default_factory=dict)
    upkeep_areas: list | None = None
