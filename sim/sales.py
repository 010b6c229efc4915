"""The new-build sales market: phases on sale share each region's absorption each quarter.

Owner-occupied homes go on sale from a phase's irrevocable zoning plan on. Each quarter the
region's absorption (homes/quarter at the going price) is shared over the phases on sale in
proportion to their unsold homes. Buyers pay :data:`BUYER_INSTALMENT_AT_START` of the price at
construction start (or at sale, if later) and the rest at transfer.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from sim.area import OWNER, PhaseState

if TYPE_CHECKING:
    from sim.market.generator import MarketPath
    from sim.scenario.schema import Region
    from sim.valuation import HomeEconomics

BUYER_INSTALMENT_AT_START = 0.5
"""Share of the price buyers pay at construction start (or at sale, if later), the rest at transfer
(assumption: Dutch new-build buyers pay the land part and construction terms during construction)."""


class NewBuildSales:
    """Phases on sale and the homes sold per region this quarter.

    Attributes:
        selling: phases whose owner-occupied homes are on offer.
        sold: owner-occupied new homes sold this quarter, per region (homes).
    """

    def __init__(self, regions: list[Region], market: MarketPath, econ: HomeEconomics) -> None:
        self.absorption = np.array([r.absorption_homes_per_quarter for r in regions], dtype=float)
        self.market = market
        self.econ = econ
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

    def sell(self, quarter: int) -> None:
        """Share each region's new-build absorption (homes/quarter) over phases on sale, by unsold homes."""
        self.sold[:] = 0
        if not self.selling:
            return
        q = quarter
        by_region: dict[int, list[PhaseState]] = defaultdict(list)
        for phase in self.selling:
            by_region[phase.area.region_index].append(phase)
        for r, phases in by_region.items():
            absorption = self.absorption[r] * self.market.absorption_factor[r, q]
            unsold = np.array([p.owner_homes - p.owner_sold for p in phases])
            total = unsold.sum()
            if total <= 0:
                continue
            sold = np.minimum(unsold, absorption * unsold / total)
            self.sold[r] += sold.sum()
            price = self.econ.sale_value[r, q, OWNER]
            for phase, n in zip(phases, sold, strict=True):
                phase.owner_sold += float(n)
                phase.owner_revenue += float(n) * price
                if phase.construction_start is not None:  # sold during construction: first instalment now
                    instalment = BUYER_INSTALMENT_AT_START * float(n) * price
                    phase.developer.receive("outside:home_buyers", instalment, "home_sales", phase)
                    phase.owner_received += instalment
        self._close()

    def _close(self) -> None:
        """Take sold-out, transferred and abandoned phases off the market."""
        keep = []
        for p in self.selling:
            if p.is_open and p.owner_sold < p.owner_homes - 1e-9 and p.completion is None:
                keep.append(p)
            else:
                p.on_sale = False
        self.selling = keep
