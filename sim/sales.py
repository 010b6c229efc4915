"""The new-build sales market: phases on sale share each region's absorption each quarter.

Owner-occupied homes go on sale from a phase's irrevocable zoning plan on. Each quarter the
region's absorption (homes/quarter at the going price) is shared over the phases on sale in
proportion to their unsold homes. Buyers pay :data:`BUYER_INSTALMENT_AT_START` of the price at
construction start (or at sale, if later) and the rest at transfer. Homes still unsold at
transfer stay with the developer as stock and keep selling at the region's absorption rate, at a
discount in a weak market, paid in full at sale; the developer carries them meanwhile (interest
on its invested money). In a crash, buyers' financing conditions dissolve part of the presales
of phases not yet under construction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.area import ABANDONED, OWNER, PhaseState

if TYPE_CHECKING:
    from sim.books import Books
    from sim.market.generator import MarketPath
    from sim.scenario.schema import DeveloperParams, Region
    from sim.valuation import HomeEconomics

BUYER_INSTALMENT_AT_START = 0.5
"""Share of the price buyers pay at construction start (or at sale, if later), the rest at transfer
(assumption: Dutch new-build buyers pay the land part and construction terms during construction)."""


def share_absorption(unsold: list[float], absorption: float) -> tuple[list[float], float] | None:
    """Homes sold per phase this quarter and their total: ``absorption`` (homes) shared in proportion to the
    phases' ``unsold`` homes, no phase selling more than it has unsold; None when nothing is unsold.

    The numbers of ``np.minimum(u, absorption * u / u.sum())`` and its ``.sum()`` on the array ``u``. Below eight
    phases (a region's usual case) in Python floats: numpy adds fewer than eight numbers one by one from
    0.0, left to right, and ``np.minimum(a, b)`` is ``a if a < b else b`` (the same doubles; guarded in
    tests/test_sales.py); from eight on, numpy's pairwise order is numpy's own.
    """
    if len(unsold) >= 8:
        homes = np.array(unsold)
        total = homes.sum()
        if total <= 0:
            return None
        sold = np.minimum(homes, absorption * homes / total)
        return sold.tolist(), float(sold.sum())
    total = 0.0
    for homes in unsold:
        total += homes
    if total <= 0:
        return None
    sold = []
    sold_total = 0.0
    for homes in unsold:
        share = absorption * homes / total
        n = homes if homes < share else share
        sold.append(n)
        sold_total += n
    return sold, sold_total


class NewBuildSales:
    """Phases on sale and the homes sold per region this quarter.

    Attributes:
        selling: phases whose owner-occupied homes are on offer.
        sold: owner-occupied new homes sold this quarter, per region (homes).
    """

    def __init__(self, regions: list[Region], market: MarketPath, econ: HomeEconomics, developers: DeveloperParams,
                 books: Books) -> None:
        self.absorption = np.array([r.absorption_homes_per_quarter for r in regions], dtype=float)
        self.market = market
        self.econ = econ
        self.discount = developers.unsold_discount
        self.dissolve_share = developers.presale_dissolve_share
        self.books = books
        self.selling: list[PhaseState] = []
        self.sold = np.zeros(len(regions))

    def open(self, phase: PhaseState) -> None:
        """Offer a phase's owner-occupied homes to buyers (from the irrevocable zoning plan on)."""
        if phase.owner_homes and not phase.on_sale:
            phase.on_sale = True
            self.selling.append(phase)

    def on_sale_in(self, region: int) -> list[PhaseState]:
        """Phases of a region on sale (in the order they went on sale)."""
        return [p for p in self.selling if p.area.region_index == region]

    def dissolve_presales(self, quarter: int) -> None:
        """In a crash quarter, a share of the presales of phases not yet under construction dissolves."""
        if self.market.regime[quarter] != 2 or self.dissolve_share <= 0:
            return
        for phase in self.selling:
            buyers = phase.owner_sold - phase.fund_sold
            if phase.construction_start is not None or buyers <= 1e-9:
                continue
            homes = self.dissolve_share * buyers
            value = phase.owner_revenue * homes / phase.owner_sold
            phase.owner_sold -= homes
            phase.owner_revenue -= value
            self.books.log(phase, "presales_dissolved", homes=homes, value=value,
                           reason="buyers' financing fell through in the downturn")

    def sell(self, quarter: int) -> None:
        """Share each region's new-build absorption (homes/quarter) over phases on sale, by unsold homes.

        Numbers read with ``item()`` (the same doubles as numpy's scalars; their products the same IEEE
        products; guarded against the plain form in tests/test_sales.py).
        """
        self.sold[:] = 0
        if not self.selling:
            return
        q = quarter
        self.dissolve_presales(q)
        weak = self.market.regime.item(q) != 0
        by_region: dict[int, list[PhaseState]] = {}  # regions in the order their first phase went on sale
        for phase in self.selling:
            r = phase.area.region_index
            group = by_region.get(r)
            if group is None:
                by_region[r] = [phase]
            else:
                group.append(phase)
        factor = self.market.absorption_factor
        sale_value = self.econ.sale_value
        for r, phases in by_region.items():
            absorption = self.absorption.item(r) * factor.item(r, q)
            # float(): a fund's purchases can make ``owner_sold`` a numpy scalar; the shares stay Python floats
            shared = share_absorption([float(p.owner_homes - p.owner_sold) for p in phases], absorption)
            if shared is None:
                continue
            sold, sold_total = shared
            self.sold[r] += sold_total
            price = sale_value.item(r, q, OWNER)
            for phase, n in zip(phases, sold, strict=True):
                if phase.transferred:  # the developer's completed stock: paid in full, discounted if weak
                    value = n * price * (1 - self.discount if weak else 1.0)
                    phase.owner_sold += n
                    phase.owner_revenue += value
                    phase.developer.receive("outside:home_buyers", value, "home_sales", phase)
                    phase.owner_received += value
                    continue
                phase.owner_sold += n
                phase.owner_revenue += n * price
                if phase.construction_start is not None:  # sold during construction: first instalment now
                    instalment = BUYER_INSTALMENT_AT_START * n * price
                    phase.developer.receive("outside:home_buyers", instalment, "home_sales", phase)
                    phase.owner_received += instalment
        self._close()

    def _close(self) -> None:
        """Take sold-out and abandoned phases off the market (completed stock keeps selling)."""
        keep = []
        for p in self.selling:
            if p.owner_sold < p.owner_homes - 1e-9 and p.stage != ABANDONED:
                keep.append(p)
            else:
                p.on_sale = False
        self.selling = keep

    def stock(self) -> float:
        """Completed homes the developers still hold unsold (homes)."""
        return float(sum(p.owner_homes - p.owner_sold for p in self.selling if p.transferred))
