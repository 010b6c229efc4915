"""A developer's share of a joint land company passing to the municipality (forced or by choice, sim.jv_exit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.area import AreaPlan
    from sim.books import Books


def is_joint(area: AreaPlan) -> bool:
    """The area is run by a joint land company in which the developer still holds a share."""
    coop = area.coop
    return (coop.works_payer == "jv" or coop.land_receiver == "jv") and coop.jv_municipal_share < 1


def take_over_share(books: Books, area: AreaPlan, event: str, **figures) -> None:
    """The municipality takes over the developer's share of the area's joint company (share → 1), logged."""
    area.coop.jv_municipal_share = 1.0
    books.log_area(area, event, **figures)
