"""A tenth fund instrument written as one class outside the package (used by tests/test_instruments.py).

A start bonus: € per home paid to the developer when a phase starts construction,
for phases with at least a minimum affordable share. Its parameters, with units and sources,
travel with the class.
"""

from typing import Literal

from sim.area import MID_RENT, SOCIAL, PhaseState
from sim.funds.instrument_base import INSTRUMENTS, InstrumentBase, InstrumentParams
from sim.scenario.schema import P


@INSTRUMENTS.register
class AffordableStartBonus(InstrumentBase):
    """€ per home for affordable-enough phases, paid at construction start (assumption: a test plug-in)."""

    type = "affordable_start_bonus"

    class Params(InstrumentParams):
        """Start bonus parameters."""

        type: Literal["affordable_start_bonus"]
        per_home: float = P(5000.0, "€/home", "assumption (test plug-in)", "Bonus per home.", ge=0, le=1e6)
        min_affordable_share: float = P(0.3, "fraction", "assumption (test plug-in)",
                                        "Affordable share a phase needs.", ge=0, le=1)

    def phase_qualifies(self, phase: PhaseState) -> bool:
        return (phase.total_homes > 0 and phase.construction_start is None
                and (phase.homes[SOCIAL] + phase.homes[MID_RENT]) / phase.total_homes >= self.spec.min_affordable_share)

    def eligible(self, area):
        ok = any(self.phase_qualifies(p) for p in area.unstarted) and any(p.stage >= 0 for p in area.phases)
        return ok, "qualifying phases" if ok else "no qualifying phase"

    def award_size(self, area) -> float:
        return self.spec.per_home * sum(p.total_homes for p in area.unstarted if self.phase_qualifies(p))

    def developer_support_phase(self, phase: PhaseState) -> float:
        return self.spec.per_home * phase.total_homes if self.my_awards(phase.area) and self.phase_qualifies(phase) \
            else 0.0

    def on_construction_start(self, phase: PhaseState) -> None:
        for award in self.my_awards(phase.area):
            self.fund.pay_out(award, phase.area.developer.account, self.spec.per_home * phase.total_homes,
                              "start_bonus", phase)
