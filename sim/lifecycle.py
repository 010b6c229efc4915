"""Each phase of each area is a SimPy process walking its lifecycle.

preparation → zoning (needs a municipal planning-staff slot) → [appeal (needs an
appeals-court slot), with the phase's drawn probability] → then two things in
parallel: the land works (acquisition and buy-outs → remediation → site
preparation) and marketing (presales, forward funding, the go decision). When
both are done (``AllOf``) construction starts as soon as the region's
construction capacity (a ``Container`` of homes) allows; then transfer and done.

Decisions are not taken here: agents take them in the model's step (in the fixed
order of :mod:`sim.model`) and signal the process through ``phase.go_event``; a
stop is an ``Interrupt``. Durations come from :mod:`sim.durations`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from sim.area import ABANDONED, STAGE_INDEX, PhaseState
from sim.durations import STAGE_KINDS
from sim.payments import pay_public_works

if TYPE_CHECKING:
    from sim.model import AreaModel

D = {kind: k for k, kind in enumerate(STAGE_KINDS)}


def enter(model: AreaModel, phase: PhaseState, stage: str) -> None:
    """Move a phase to ``stage`` and log it."""
    phase.stage = STAGE_INDEX[stage]
    phase.stage_since = model.env.now
    model.log(phase, f"stage:{stage}")


def land_works(model: AreaModel, phase: PhaseState, durations) -> simpy.events.Event:
    """Acquisition and buy-outs, remediation, site preparation; paid by whom the cooperation model says."""
    try:
        enter(model, phase, "acquisition")
        pay_public_works(model, phase, ("acquisition",))
        yield model.env.timeout(durations[D["acquisition"]])
        enter(model, phase, "remediation")
        pay_public_works(model, phase, ("demolition", "remediation"))
        yield model.env.timeout(durations[D["remediation"]])
        enter(model, phase, "site_preparation")
        pay_public_works(model, phase, ("site_preparation", "infrastructure", "public_transport"))
        yield model.env.timeout(durations[D["site_preparation"]])
        pay_public_works(model, phase, ("contingency",))
        phase.land_ready = True
        if phase.go_time is None:
            enter(model, phase, "marketing")
    except simpy.Interrupt:
        return


def phase_lifecycle(model: AreaModel, phase: PhaseState, gid: int):
    """The SimPy process of one phase (``gid``: its index in the model's phase list)."""
    env = model.env
    durations = model.durations[gid]
    municipality = model.municipality_of(phase)
    land = None
    try:
        if phase.planned_start > env.now:
            yield env.timeout(phase.planned_start - env.now)
        enter(model, phase, "preparation")
        pay_public_works(model, phase, ("plan_costs",))
        yield env.timeout(durations[D["preparation"]])
        with municipality.planning_staff.request() as slot:
            yield slot
            enter(model, phase, "zoning")
            yield env.timeout(durations[D["zoning"]])
        if model.appealed[gid]:
            with model.appeals_court.request() as slot:
                yield slot
                enter(model, phase, "appeal")
                yield env.timeout(durations[D["appeal"]])
        # The zoning plan is irrevocable: presales and deals may begin while the land is made ready.
        phase.marketing_open = True
        phase.wait_since = env.now
        model.open_sales(phase)
        land = env.process(land_works(model, phase, durations))
        phase.go_event = env.event()
        yield land & phase.go_event
        capacity = model.construction_capacity[phase.area.region_index]
        need = min(phase.total_homes, capacity.capacity)
        yield capacity.get(need)
        enter(model, phase, "construction")
        model.start_construction(phase)
        yield env.timeout(durations[D["construction"]])
        yield capacity.put(need)
        model.complete_construction(phase)
        enter(model, phase, "transfer")
        yield env.timeout(durations[D["transfer"]])
        model.transfer(phase)
        enter(model, phase, "done")
    except simpy.Interrupt as stop:
        if land is not None and land.is_alive:
            land.interrupt(stop.cause)
        phase.stage = ABANDONED
        phase.stage_since = env.now
        phase.reason = str(stop.cause)
        model.log(phase, "abandoned", reason=phase.reason)
