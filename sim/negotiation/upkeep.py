"""Deal upkeep: when area deals are opened, retried or reopened; developer failure and hand-over.

The model calls :func:`check_developers` and :func:`upkeep` once a quarter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.area import STAGE_INDEX
from sim.negotiation.broker import negotiate

if TYPE_CHECKING:
    from sim.area import AreaPlan
    from sim.negotiation.desk import NegotiationDesk

RETRY_QUARTERS = 8
"""Quarters after a failed negotiation before the parties try again (unless prices move)."""
MIN_DEAL_QUARTERS = 8
"""A deal is not reopened within this many quarters of signing."""
_DONE = STAGE_INDEX["done"]  # a phase is open while its stage is below this (PhaseState.is_open)


def check_developers(desk: NegotiationDesk) -> None:
    """Developers beyond their credit limit fail; their unstarted areas pass to the next developer."""
    for developer in desk.parties.developers:
        if developer.check_solvency():
            desk.ctx.books.log_party(developer.account, "developer_failed", cash=developer.cash,
                                     credit_limit=developer.credit_limit)
            for area in list(developer.areas):
                if area.unstarted:
                    hand_over(desk, area, "developer failed")


def hand_over(desk: NegotiationDesk, area: AreaPlan, reason: str) -> None:
    """The area's position passes to the next solvent developer (the deal is void)."""
    developers = desk.parties.developers
    old = area.developer
    n = len(developers)
    start = developers.index(old)
    candidates = [developers[(start + k) % n] for k in range(1, n + 1)]
    new = next((d for d in candidates if not d.failed and d is not old), None)
    area.deal = None
    area.last_attempt = None
    books = desk.ctx.books
    if new is None:
        books.log_area(area, "developer_exit", leaving=old.account, joining="",
                       reason=reason + "; no developer left")
        return
    old.areas.remove(area)
    new.areas.append(area)
    area.developer = new
    books.log_area(area, "developer_exit", leaving=old.account, joining=new.account, reason=reason)


def upkeep(desk: NegotiationDesk) -> None:
    """Open, retry or reopen area deals: a first deal, a retry after a failure or a market move,
    a renegotiation when the market moved or the programme demand changed, or at once when a grant was
    awarded on an affordable share the deal in force does not meet (if that fails the old deal holds and
    the grant is lost)."""
    ctx = desk.ctx
    neg = ctx.spec.actors.negotiation
    threshold = neg.renegotiation_threshold
    flex = ctx.spec.actors.municipality.affordable_flexibility
    now = ctx.env.now
    funds = desk.funds
    prices = None  # today's regional price indices as floats (the same doubles), read once when first needed
    # An area none of whose phases is unstarted (each had its go or closed: a go is for good and a stage only
    # advances) needs no upkeep in this or any later quarter: it is left out of the list for good (the others are
    # visited in the run's order). Guarded in tests/test_developer_fastpath.py.
    areas = desk.upkeep_areas
    if areas is None:
        areas = desk.upkeep_areas = list(ctx.areas)
    any_finished = False  # an area visited has no unstarted phase left: dropped from the list after the loop
    for area in areas:
        developer = area.developer
        if developer is None or developer.failed:
            continue
        # one pass over the phases for both tests (pure reads): some phase unstarted (``area.unstarted`` not
        # empty: no go and still open) and some phase begun (not ``all(p.stage < 0 ...)``)
        unstarted = begun = False
        for p in area.phases:
            stage = p.stage
            if stage >= 0:
                begun = True
            if stage < _DONE and p.go_time is None:
                unstarted = True
        if not unstarted:
            any_finished = True
            continue
        if not begun:
            continue
        if prices is None:
            prices = ctx.market.price_index[:, ctx.quarter].tolist()
        price = prices[area.region_index]
        deal = area.deal
        if deal is None:
            moved = abs(price / area.last_attempt_price - 1) > threshold
            if area.last_attempt is None or moved or now - area.last_attempt >= RETRY_QUARTERS:
                area.deal = negotiate(desk, area, "first deal" if area.last_attempt is None else "retry")
            continue
        terms = deal.terms
        moved = abs(price / deal.price_index - 1) > threshold
        gap = abs(area.affordable_demand - terms.affordable_share) > flex + 1e-9
        # a grant awarded on a programme the deal does not yet meet: the parties reopen the deal at once
        condition = False  # any(terms.affordable_share < minimum - 1e-6 ...), as a loop (no generator per area)
        for *_, minimum in funds.conditions(area):
            if terms.affordable_share < minimum - 1e-6:
                condition = True
                break
        if condition and not deal.imposed:
            why = "grant condition (affordable share)"
        elif (moved or gap) and now - deal.time >= MIN_DEAL_QUARTERS and not deal.imposed:
            why = "market moved" if moved else "programme demand changed"
        else:
            continue
        new = negotiate(desk, area, "renegotiation: " + why)
        if new is not None:
            area.deal = new
        elif condition:  # no agreement on the programme the grant needs: the old deal holds, the grant is lost
            funds.on_deal(area, deal.terms)
        else:
            hand_over(desk, area, "renegotiation failed")
    if any_finished:  # the areas that may still need upkeep, in the run's order
        desk.upkeep_areas = [area for area in areas if area.unstarted]
