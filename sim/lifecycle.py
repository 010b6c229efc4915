"""Each phase of each area is a SimPy process walking its lifecycle.

preparation → zoning (needs a municipal planning-staff slot) → [appeal (needs an
appeals-court slot), with the phase's drawn probability] → then two things in
parallel: the land works (acquisition and buy-outs → remediation → site
preparation) and marketing (presales, forward funding, the go decision). When
both are done (``AllOf``) construction starts as soon as the region's
construction capacity (a ``Container`` of homes) allows; then transfer and done.

Decisions are not taken here: agents take them in the model's step (in the fixed
order of :mod:`sim.model`) and signal the process through ``phase.go_event``; a
stop is an ``Interrupt``. Durations come from :mod:`sim.durations`; every euro is
booked by :class:`sim.payments.LifecycleMoney`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from sim.area import ABANDONED, OWNER, STAGE_INDEX, PhaseState
from sim.durations import STAGE_KINDS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sim.context import RunContext
    from sim.payments import LifecycleMoney
    from sim.scenario.schema import Scenario

D = {kind: k for k, kind in enumerate(STAGE_KINDS)}


class Capacities:
    """What phases queue for: planning staff per municipality, the appeals court, construction per region.

    Attributes:
        planning_staff: SimPy Resources, zoning procedures in parallel per region's municipality.
        appeals_court: a Resource, appeals heard in parallel.
        construction: Containers of homes under construction per region.
    """

    def __init__(self, env: simpy.Environment, spec: Scenario) -> None:
        self.planning_staff = [simpy.Resource(env, capacity=spec.actors.municipality.planning_staff)
                               for _ in spec.regions]
        self.appeals_court = simpy.Resource(env, capacity=spec.lifecycle.appeals_court_capacity)
        self.construction = [simpy.Container(env, capacity=r.construction_capacity_homes,
                                             init=r.construction_capacity_homes) for r in spec.regions]


def enter(ctx: RunContext, phase: PhaseState, stage: str) -> None:
    """Move a phase to ``stage`` and log it."""
    phase.stage = STAGE_INDEX[stage]
    phase.stage_since = ctx.env.now
    ctx.books.log(phase, f"stage:{stage}")


def land_works(ctx: RunContext, money: LifecycleMoney, phase: PhaseState, durations: Sequence[float]):
    """Acquisition and buy-outs, remediation, site preparation; paid by whom the cooperation model says.

    Nothing is bought or prepared before ``phase.land_event``: a signed agreement or, under active land
    policy, the municipality's own go (Municipality.decide_land_works).
    """
    try:
        yield phase.land_event
        phase.land_go_time = ctx.env.now
        enter(ctx, phase, "acquisition")
        money.pay_public_works(phase, ("acquisition",))
        yield ctx.env.timeout(durations[D["acquisition"]])
        enter(ctx, phase, "remediation")
        money.pay_public_works(phase, ("demolition", "remediation"))
        yield ctx.env.timeout(durations[D["remediation"]])
        enter(ctx, phase, "site_preparation")
        money.pay_public_works(phase, ("site_preparation", "infrastructure", "public_transport"))
        yield ctx.env.timeout(durations[D["site_preparation"]])
        money.pay_public_works(phase, ("contingency",))
        phase.land_ready = True
        if phase.go_time is None:
            enter(ctx, phase, "marketing")
    except simpy.Interrupt:
        return


def phase_lifecycle(ctx: RunContext, money: LifecycleMoney, capacities: Capacities, phase: PhaseState,
                    durations: Sequence[float], appealed: bool):
    """The SimPy process of one phase (``durations``: its drawn stage durations in quarters).

    A phase of a scenario's pipeline starts further on: zoned (waits for its land decision), on ready
    land (waits for its go) or under construction (halfway); what was spent before is outside the run.
    """
    env = ctx.env
    land = None
    try:
        if phase.pipeline == "planned":
            if phase.planned_start > env.now:
                yield env.timeout(phase.planned_start - env.now)
            enter(ctx, phase, "preparation")
            money.pay_public_works(phase, ("plan_costs",))
            yield env.timeout(durations[D["preparation"]])
            with capacities.planning_staff[phase.area.region_index].request() as slot:
                yield slot
                enter(ctx, phase, "zoning")
                yield env.timeout(durations[D["zoning"]])
            if appealed:
                with capacities.appeals_court.request() as slot:
                    yield slot
                    enter(ctx, phase, "appeal")
                    yield env.timeout(durations[D["appeal"]])
        # The zoning plan is irrevocable: presales and deals may begin while the land is made ready.
        phase.marketing_open = True
        phase.wait_since = env.now
        capacity = capacities.construction[phase.area.region_index]
        need = min(phase.total_homes, capacity.capacity)
        if phase.pipeline == "construction":  # under construction when the run starts: halfway
            phase.land_ready = True
            phase.land_go_time = phase.go_time = env.now
            phase.reason = "go"
            yield capacity.get(need)
            enter(ctx, phase, "construction")
            money.start_in_pipeline(phase)
            building = durations[D["construction"]] / 2
        else:
            ctx.sales.open(phase)
            if phase.pipeline == "land_ready":  # on ready land when the run starts, its presales under way
                phase.go_event = env.event()
                phase.owner_sold = phase.area.spec.pipeline_presold * phase.owner_homes
                phase.owner_revenue = phase.owner_sold * float(
                    ctx.econ.sale_value[phase.area.region_index, ctx.quarter, OWNER])
                phase.land_ready = True
                phase.land_go_time = env.now
                enter(ctx, phase, "marketing")
                yield phase.go_event
            else:  # waits for the decision to buy and prepare its land, and for its go
                phase.land_event = env.event()
                land = env.process(land_works(ctx, money, phase, durations))
                phase.go_event = env.event()
                yield land & phase.go_event
            yield capacity.get(need)
            enter(ctx, phase, "construction")
            money.start_construction(phase)
            building = durations[D["construction"]]
        yield env.timeout(building)
        yield capacity.put(need)
        money.complete_construction(phase)
        enter(ctx, phase, "transfer")
        yield env.timeout(durations[D["transfer"]])
        money.transfer(phase)
        enter(ctx, phase, "done")
    except simpy.Interrupt as stop:
        if land is not None and land.is_alive:
            land.interrupt(stop.cause)
        phase.stage = ABANDONED
        phase.stage_since = env.now
        phase.reason = str(stop.cause)
        ctx.books.log(phase, "abandoned", reason=phase.reason)
