"""All funds of a run seen as one: allocation, instrument hooks and the support parties count.

The model and the lifecycle money call the portfolio, never a fund or an instrument directly.
Hooks (see :mod:`sim.funds.instruments`) are called on every instrument of every fund, in the
order of the design file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.funds.fund import Fund
from sim.funds.instruments import InstrumentBase, make_instrument

if TYPE_CHECKING:
    import mesa

    from sim.agents.parties import Parties
    from sim.area import AreaPlan, PhaseState
    from sim.context import RunContext
    from sim.funds.design import FundDesign


class FundPortfolio:
    """The funds of a design and their instruments.

    Attributes:
        funds: the Fund agents (each books its budget from ``outside:treasury`` when created).
        instruments: every instrument of every fund, in design order.
    """

    def __init__(self, model: mesa.Model, ctx: RunContext, parties: Parties, design: FundDesign) -> None:
        self.design = design
        self.funds: list[Fund] = []
        for spec in design.funds:
            fund = Fund(model, ctx, parties, spec)
            fund.instruments = [make_instrument(i, fund) for i in spec.instruments]
            self.funds.append(fund)
        self.instruments: list[InstrumentBase] = [i for f in self.funds for i in f.instruments]

    def allocate(self) -> None:
        """Funds open and allocate; then every instrument monitors deadlines, loans, guarantees, purchases."""
        for fund in self.funds:
            fund.allocate()
        self.hook("on_quarter")

    def hook(self, name: str, *args) -> None:
        """Call an instrument hook on every instrument of every fund."""
        for instrument in self.instruments:
            getattr(instrument, name)(*args)

    def presale_threshold(self, phase: PhaseState, base: float) -> float:
        """Presale share a phase needs (a sales guarantee may lower the developer's ``base``)."""
        threshold = base
        for instrument in self.instruments:
            threshold = instrument.presale_threshold(phase, threshold)
        return threshold

    def support(self, area: AreaPlan) -> tuple[float, float, float]:
        """(€ for the municipality, € for the developer, € of works paid) that funds bring to an area's deal."""
        if not self.instruments:  # no fund in force (asked for every opening verdict): the sums of nothing
            return (0.0, 0.0, 0.0)
        return (float(sum(i.municipal_support(area) for i in self.instruments)),
                float(sum(i.developer_support(area) for i in self.instruments)),
                float(sum(i.works_support(area) for i in self.instruments)))

    def developer_support_phase(self, phase: PhaseState) -> float:
        """€ of fund support counted in a phase's go decision (start subsidies)."""
        return sum(i.developer_support_phase(phase) for i in self.instruments)

    def housing_support_phase(self, phase: PhaseState) -> float:
        """€ of fund support that lowers the housing association's investment in a phase's social homes."""
        return sum(i.housing_support_phase(phase) for i in self.instruments)

    def conditions(self, area: AreaPlan) -> list[tuple[float, float, float]]:
        """(€ outstanding, € paid, minimum affordable share) of every grant that binds the area's programme."""
        found = (i.programme_condition(area) for i in self.instruments)
        return [c for c in found if c is not None]

    def on_deal(self, area: AreaPlan, terms) -> None:
        """A deal was agreed: instruments check it against their conditions (see sim.funds.instruments)."""
        self.hook("on_deal", area, terms)

    def unsold_after_funds(self, phase: PhaseState, unsold: float, price: float) -> float:
        """Homes still unsold at transfer after funds took theirs (a sales guarantee buys them first)."""
        for instrument in self.instruments:
            unsold -= instrument.on_transfer(phase, unsold, price)
        return unsold
