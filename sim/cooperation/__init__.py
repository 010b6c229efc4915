"""Cooperation models (plug-ins with one interface): who owns, pays, receives and bears what."""

from sim.cooperation.base import CooperationModel, Terms, register, registered, resolve
from sim.cooperation.models import (
           BuildingClaim,
           Concession,
           JointVenture,
           PrivateRealisation,
           Traditional,
)

__all__ = ["BuildingClaim", "Concession", "CooperationModel", "JointVenture", "PrivateRealisation", "Terms",
           "Traditional", "register", "registered", "resolve"]
