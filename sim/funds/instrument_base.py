"""What every fund instrument is: a plug-in class with its own parameter model and documented hooks.

An instrument is one class: a subclass of :class:`InstrumentBase` with a ``type`` (its name in
design files), a ``Params`` model (pydantic, every field with unit and source, a ``type``
literal) and the hooks it needs, registered with ``@INSTRUMENTS.register``. Adding one touches
no other file (tests/plugin_instruments.py shows one outside the package).

Hooks the run calls through the fund portfolio (all optional; the base class does nothing):

- ``eligible(area)`` → (bool, reason); ``award_size(area)`` → €; ``score(area)`` → ranking value;
- ``select_applications([(area, €)])`` → the applications actually submitted (applicants choose);
- ``on_award(award)`` — money and deadlines at award time;
- ``municipal_support(area)`` / ``developer_support(area)`` / ``works_support(area)`` → € that
  the parties count in their deal valuations;
- ``programme_condition(area)`` → (€ outstanding, € paid, minimum affordable share) of a grant that
  binds the agreed programme, or None; ``on_deal(area, terms)`` — check a new deal against the
  conditions (a broken condition costs the grant: claw-back);
- ``presale_threshold(phase, base)`` → the presale share (fraction) that applies to the phase;
- ``developer_support_phase(phase)`` → € counted in the developer's go decision;
- ``housing_support_phase(phase)`` → € that lowers the housing association's investment in the phase's
  social homes;
- ``on_work_paid(phase, item, amount, payer_role)``, ``on_construction_start(phase)``,
  ``on_land_sale(phase, amount, receiver_role)``, ``on_transfer(phase, unsold, price)`` → homes it
  takes, ``on_year_end()``, ``on_quarter()``.

Money in €; time in quarters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sim.registry import Registry
from sim.scenario.schema import Strict
from sim.segments import MID_RENT, SOCIAL

if TYPE_CHECKING:
    from sim.agents.parties import Parties
    from sim.area import AreaPlan, PhaseState
    from sim.context import RunContext


class InstrumentParams(Strict):
    """Parameters of a fund instrument (each instrument's ``Params`` subclasses this)."""

    type: str


def affordable_share(area: AreaPlan) -> float:
    """Share of an area's homes that are social or mid-rent (fraction)."""
    homes = area.homes_by_segment
    return float((homes[SOCIAL] + homes[MID_RENT]) / homes.sum()) if homes.sum() else 0.0


class InstrumentBase:
    """Interface and defaults of an instrument.

    Attributes:
        spec: its parameters (an instance of the class's ``Params``).
        fund: the Fund agent it belongs to (budget, awards, payments through the ledger).
        ctx: the run context; parties: the run's actors.
    """

    type: ClassVar[str] = "base"
    Params: ClassVar[type[InstrumentParams]] = InstrumentParams

    def __init__(self, spec: InstrumentParams, fund: Any) -> None:
        self.spec = spec
        self.fund = fund
        self.ctx: RunContext = fund.ctx
        self.parties: Parties = fund.parties

    # eligibility and awards
    def eligible(self, area: AreaPlan) -> tuple[bool, str]:
        return False, "not applicable"

    def award_size(self, area: AreaPlan) -> float:
        return 0.0

    def score(self, area: AreaPlan) -> float:
        """Default ranking: affordable homes in unstarted phases per € asked."""
        size = self.award_size(area)
        homes = sum(p.homes[SOCIAL] + p.homes[MID_RENT] for p in area.unstarted)
        return float(homes) / size if size > 0 else 0.0

    def select_applications(self, applications: list[tuple[AreaPlan, float]]) -> list[tuple[AreaPlan, float]]:
        """The applications submitted, from the eligible (area, € asked) pairs (default: all)."""
        return applications

    def on_award(self, award) -> None:
        pass

    # effects on decisions
    def outstanding(self, area: AreaPlan) -> float:
        return sum(a.outstanding for a in self.fund.awards_for(area, self.type) if a.instrument is self)

    def municipal_support(self, area: AreaPlan) -> float:
        return 0.0

    def developer_support(self, area: AreaPlan) -> float:
        return 0.0

    def works_support(self, area: AreaPlan) -> float:
        return 0.0

    def programme_condition(self, area: AreaPlan) -> tuple[float, float, float] | None:
        return None

    def on_deal(self, area: AreaPlan, terms) -> None:
        pass

    def presale_threshold(self, phase: PhaseState, base: float) -> float:
        return base

    def housing_support_phase(self, phase: PhaseState) -> float:
        return 0.0

    def developer_support_phase(self, phase: PhaseState) -> float:
        return 0.0

    # cash flows
    def on_work_paid(self, phase: PhaseState, item: str, amount: float, payer_role: str) -> None:
        pass

    def on_construction_start(self, phase: PhaseState) -> None:
        pass

    def on_land_sale(self, phase: PhaseState, amount: float, receiver_role: str) -> None:
        pass

    def on_transfer(self, phase: PhaseState, unsold: float, price: float) -> float:
        return 0.0

    def on_quarter(self) -> None:
        pass

    def on_year_end(self) -> None:
        pass

    def my_awards(self, area: AreaPlan | None = None) -> list:
        return [a for a in self.fund.awards if a.instrument is self and not a.closed
                and (area is None or a.area is area)]


INSTRUMENTS: Registry[InstrumentBase] = Registry("fund instrument", InstrumentBase, key="type")
"""The fund instruments available by ``type`` (see sim.registry)."""
