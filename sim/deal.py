"""An agreed deal on an area: the terms and when and how they were agreed (plain data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.cooperation.base import Terms


@dataclass
class Deal:
    """An agreed deal on an area (terms in € per market home, fractions; times in quarters).

    Attributes:
        terms: land price, affordable share and overrun share agreed.
        developer: the Developer agent that signed it.
        time: quarter signed; effective_at: quarter from which phases may start under it.
        price_index: the region's price index when signed (for reopening on a market move).
        rounds: offers exchanged; protocol: the protocol's name.
        imposed: the public-law fallback (private realisation), not a voluntary agreement.
    """

    terms: Terms
    developer: Any
    time: float
    effective_at: float
    price_index: float
    rounds: int
    protocol: str
    imposed: bool = False
