"""The actors (Mesa agents). Decision rules marked TEMPORARY are Core placeholders that the
Actors issue replaces with valuation on belief ensembles and negotiation (see docs/ODD.md)."""

from sim.agents.base import Actor
from sim.agents.developer import Developer
from sim.agents.housing_association import HousingAssociation
from sim.agents.investor import Investor
from sim.agents.municipality import Municipality

__all__ = ["Actor", "Developer", "HousingAssociation", "Investor", "Municipality"]
