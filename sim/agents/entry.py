"""Market entry: when every developer has failed, a new one takes over the stranded positions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.agents.developer import Developer
from sim.negotiation.upkeep import hand_over

if TYPE_CHECKING:
    import mesa

    from sim.negotiation.desk import NegotiationDesk

CRASH = 2
"""Market regime code of a crash (sim.market.generator): no entry while banks do not lend."""


def enter_if_stranded(model: mesa.Model, desk: NegotiationDesk) -> Developer | None:
    """A new developer (the scenario's equity, no history) enters when all have failed and areas wait.

    After Dutch developer failures the positions were taken over by other parties (banks' work-out
    vehicles sold them on; sources.md#developer-writedowns: Eurocommerce's buildings went to bank
    vehicles); the model lets one new developer enter once the market is out of a crash and hands it
    every area a failed developer still holds with phases not yet started. Returns the entrant, if any.
    """
    parties, ctx = desk.parties, desk.ctx
    for developer in parties.developers:  # (a loop: any() with a generator costs more, asked every quarter)
        if not developer.failed:
            return None
    if ctx.market.regime[ctx.quarter] == CRASH:
        return None
    stranded = [a for d in parties.developers for a in d.areas if a.unstarted]
    if not stranded:
        return None
    index = len(parties.developers)
    entrant = Developer(model, ctx, str(index + 1), index)
    parties.developers.append(entrant)
    ctx.books.log_party(entrant.account, "developer_entered", areas=len(stranded))
    for area in stranded:
        hand_over(desk, area, "a new developer takes over the positions of a failed one")
    return entrant
