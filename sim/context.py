"""The run context: what behaviour code receives instead of the model.

The model (sim.model) keeps the clock and the order of the quarter; everything a decision
or a payment reads about the run is here: the scenario, the clock, the market path and the
home economics over it, the areas and phases, the books, the new-build sales market, the
capacities that make phases queue, and the fund support the parties count. Parties (the
agents) live in :class:`sim.agents.parties.Parties`, which is built on this context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    import simpy

    from sim.area import AreaPlan, PhaseState
    from sim.books import Books
    from sim.market.generator import MarketPath
    from sim.sales import NewBuildSales
    from sim.scenario.schema import Scenario
    from sim.streams import Streams
    from sim.valuation import HomeEconomics


class FundSupport(Protocol):
    """What the parties ask of the funds in force (see sim.funds.portfolio)."""

    def presale_threshold(self, phase: PhaseState, base: float) -> float:
        """Presale share (fraction) the phase needs, given the developer's own ``base``."""

    def developer_support_phase(self, phase: PhaseState) -> float:
        """€ of support counted in a phase's go decision (e.g. a start subsidy)."""

    def support(self, area: AreaPlan) -> tuple[float, float, float]:
        """(€ for the municipality, € for the developer, € of works paid) funds bring to an area."""

    def housing_support_phase(self, phase: PhaseState) -> float:
        """€ that lowers the housing association's investment in a phase's social homes (a start subsidy)."""


class NoFunds:
    """Support when no fund is in force (until the portfolio is wired)."""

    def presale_threshold(self, phase: PhaseState, base: float) -> float:
        return base

    def developer_support_phase(self, phase: PhaseState) -> float:
        return 0.0

    def support(self, area: AreaPlan) -> tuple[float, float, float]:
        return 0.0, 0.0, 0.0

    def housing_support_phase(self, phase: PhaseState) -> float:
        return 0.0


@dataclass(eq=False)
class RunContext:
    """One run's state that behaviour code reads (money in €, time in quarters).

    Attributes:
        spec: the validated scenario; env: the SimPy environment (``env.now`` in quarters).
        quarter: the quarter being stepped (set by the model at the start of each step).
        market: the pre-drawn market path; econ: per-home economics over it.
        areas, phases: the areas and all their phases (in area order).
        books: ledger, invested positions and event log; sales: the new-build market.
        support: the fund support the parties count in their decisions.
        streams: the run's random streams, one per purpose (sim.streams).
        started, completed: homes started / completed this quarter per (region, segment);
            completed_total: since the start.
    """

    spec: Scenario
    env: simpy.Environment
    market: MarketPath
    econ: HomeEconomics
    areas: list[AreaPlan]
    books: Books
    sales: NewBuildSales
    streams: Streams
    quarter: int = 0
    support: FundSupport = field(default_factory=NoFunds)
    phases: list[PhaseState] = field(init=False)
    started: np.ndarray = field(init=False)
    completed: np.ndarray = field(init=False)
    completed_total: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.phases = [p for a in self.areas for p in a.phases]
        n_regions = len(self.spec.regions)
        self.started = np.zeros((n_regions, 4))
        self.completed = np.zeros((n_regions, 4))
        self.completed_total = np.zeros((n_regions, 4))

    def item_index(self, area: AreaPlan, item: str) -> float:
        """Price index (1.0 at the start) of a public-works cost item of an area this quarter.

        Buy-outs follow the existing use's value (moving with incomes) plus the owner's hope value
        (moving with the housing market), weighted by the archetype's ``hope_value_share``; every
        other item follows construction costs.
        """
        q = self.quarter
        if item == "acquisition":
            hope = area.archetype.hope_value_share
            # in Python floats (item(): the same doubles): the same IEEE products and sum as on numpy's scalars
            return (1 - hope) * float(self.market.income_index.item(q)) \
                + hope * float(self.market.price_index.item(area.region_index, q))
        return float(self.market.cost_index.item(q))

    @property
    def now(self) -> float:
        """The time (quarters since the start)."""
        return self.env.now
