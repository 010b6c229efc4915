"""The parties of a run and how a role in an area maps to one of them."""

from __future__ import annotations

from dataclasses import dataclass

from sim.agents.developer import Developer
from sim.agents.housing_association import HousingAssociation
from sim.agents.investor import Investor
from sim.agents.municipality import Municipality
from sim.area import AreaPlan, PhaseState


@dataclass(eq=False)
class Parties:
    """All actors of a run: one municipality and one housing association per region, developers, investors."""

    municipalities: list[Municipality]
    housing_associations: list[HousingAssociation]
    developers: list[Developer]
    investors: list[Investor]

    def municipality_of(self, area: AreaPlan) -> Municipality:
        """The municipality of the area's region."""
        return self.municipalities[area.region_index]

    def account_of(self, area: AreaPlan, role: str) -> str:
        """Ledger account playing ``role`` (``municipality``, ``developer`` or ``jv``) in ``area``."""
        if role == "municipality":
            return self.municipalities[area.region_index].account
        if role == "developer":
            return area.developer.account
        return f"jv:{area.name}"

    def pick_investor(self, phase: PhaseState) -> bool:
        """Offer a rental block to investors in turn (by region and phase); True if one funds it."""
        n = len(self.investors)
        for k in range(n):
            investor = self.investors[(phase.area.region_index + phase.index + k) % n]
            if investor.consider_forward_funding(phase):
                return True
        return False
