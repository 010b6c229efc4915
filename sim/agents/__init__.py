"""The actors (Mesa agents): municipalities, developers, housing associations, investors.

Their rules are described in docs/ODD.md (§7); deals are negotiated in sim.negotiation."""

from sim.agents.base import Actor
from sim.agents.developer import Developer
from sim.agents.housing_association import HousingAssociation
from sim.agents.investor import Investor
from sim.agents.municipality import Municipality

__all__ = ["Actor", "Developer", "HousingAssociation", "Investor", "Municipality"]
