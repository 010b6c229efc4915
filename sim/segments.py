"""Indices of the housing segments and lifecycle stages (a light module: no numpy, simpy or model code).

``sim.area`` re-exports these; code on the ``areasim check`` path (fund instruments, designs) imports
them from here so that validating a scenario does not load numpy.
"""

from __future__ import annotations

from sim.scenario.schema import STAGES

SOCIAL, MID_RENT, FREE_RENT, OWNER = range(4)
"""Index of each housing segment in per-segment arrays (order of ``sim.scenario.schema.SEGMENTS``)."""
RENTAL_SEGMENTS = (MID_RENT, FREE_RENT)
STAGE_INDEX = {name: i for i, name in enumerate(STAGES)}
"""Lifecycle stage name → stage code."""
ABANDONED = len(STAGES)  # stage code for abandoned phases (after 'done' in reports)
