"""Municipality: pays for public works in its land-development accounts, sells building land,
keeps its books by the BBV rules and stops phases that wait too long."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.base import Actor
from sim.area import OWNER, SOCIAL, AreaPlan, PhaseState
from sim.finance import accounting, grex

if TYPE_CHECKING:
    from sim.model import AreaModel

HORIZON_QUARTERS = 80
"""Look-ahead (quarters) when projecting the remaining land-development account."""


class Municipality(Actor):
    """One municipality per region, running the land-development accounts of its areas.

    Attributes:
        region_index: index of its region.
        params: scenario ``[actors.municipality]`` (budget €, rates fraction/yr, staff).
        planning_staff: SimPy Resource, zoning procedures in parallel (set by the model).
        provisions: € provided for expected losses, per area.
        profit_taken: € profit taken by percentage of completion, per area.
    """

    kind = "municipality"
    public = True

    def __init__(self, model: AreaModel, name: str, region_index: int) -> None:
        super().__init__(model, name)
        self.region_index = region_index
        self.params = model.spec.actors.municipality
        self.planning_staff = None
        self.provisions: dict[str, float] = {}
        self.profit_taken: dict[str, float] = {}
        self.areas: list[AreaPlan] = []

    # ----------------------------------------------------------------- money
    def pay_public_works(self, phase: PhaseState, items: tuple[str, ...]) -> None:
        """Pay the given cost items of a phase at today's construction-cost index (€)."""
        index = self.model.market.cost_index[self.model.quarter]
        for item in items:
            base = phase.unpaid.pop(item, 0.0)
            if base <= 0:
                continue
            amount = base * index
            target = "outside:original_owners" if item == "acquisition" else (
                "outside:consultants" if item == "plan_costs" else "outside:contractors")
            self.pay(target, amount, item, phase)
            phase.public_costs_paid += amount

    # ----------------------------------------------------------------- decisions
    def stop_stale_phases(self) -> None:
        """TEMPORARY RULE (Core): stop a phase that has waited longer than ``max_wait_quarters`` for a go."""
        limit = self.model.spec.lifecycle.max_wait_quarters
        now = self.model.env.now
        for area in self.areas:
            for phase in area.phases:
                if (phase.wait_since is not None and phase.go_time is None and phase.is_open
                        and now - phase.wait_since > limit and phase.process.is_alive):
                    phase.process.interrupt(
                        f"no go after {now - phase.wait_since:.0f} quarters waiting (limit {limit}); "
                        f"last check: {phase.reason or 'none'}")

    # ----------------------------------------------------------------- accounting
    def expected_result(self, area: AreaPlan) -> tuple[float, float, float, float, float]:
        """Expected land-development result of an area at today's market (€, NPV at the BBV rate).

        Returns (expected result, costs realised, costs total, revenues realised, revenues total),
        all € nominal; totals are realised + remaining at today's prices.
        """
        model = self.model
        q = model.quarter
        r = area.region_index
        cost_index = model.market.cost_index[q]
        land_value = model.econ.land_value[r, q]
        costs = np.zeros(HORIZON_QUARTERS)
        revenues = np.zeros(HORIZON_QUARTERS)
        cost_paid = revenue_received = 0.0
        for phase in area.phases:
            cost_paid += phase.public_costs_paid
            revenue_received += phase.land_price_paid
            if not phase.is_open:
                continue
            when = int(min(HORIZON_QUARTERS - 1, max(0.0, phase.planned_start - q) + 4))
            costs[min(when, HORIZON_QUARTERS - 1)] += sum(phase.unpaid.values()) * cost_index
            if phase.land_price_paid == 0.0:
                market = float(np.dot(phase.homes[SOCIAL + 1:OWNER + 1], land_value[SOCIAL + 1:OWNER + 1]))
                social = phase.homes[SOCIAL] * land_value[SOCIAL]
                revenues[min(when + 8, HORIZON_QUARTERS - 1)] += max(0.0, market) + social
        p = self.params
        rate = model.market.bond_rate[q] + p.borrowing_spread
        projection = grex.project(costs, revenues, p.cost_escalation, p.revenue_escalation, rate, p.discount_rate)
        expected = revenue_received - cost_paid + projection.npv
        return (expected, cost_paid, cost_paid + costs.sum(), revenue_received, revenue_received + revenues.sum())

    def close_books(self) -> None:
        """Year-end (BBV): provide for expected losses at once; take profit by percentage of completion."""
        for area in self.areas:
            expected, c_done, c_all, r_done, r_all = self.expected_result(area)
            needed = accounting.required_provision(expected)
            held = self.provisions.get(area.name, 0.0)
            if needed > held:
                self.model.book(f"{self.account}/reserve", f"{self.account}/provisions", needed - held,
                                "provision", area.phases[0], area_name=area.name)
                self.model.log(area.phases[0], "provision", amount=needed - held, expected_result=expected)
            elif needed < held:
                self.model.book(f"{self.account}/provisions", f"{self.account}/reserve", held - needed,
                                "provision_release", area.phases[0], area_name=area.name)
            self.provisions[area.name] = needed
            completion = accounting.percentage_of_completion(c_done, c_all, r_done, r_all)
            take = accounting.profit_to_take(expected, completion, self.profit_taken.get(area.name, 0.0))
            if take > 0:
                self.model.book(f"{self.account}/grex", f"{self.account}/reserve", take, "profit_taken",
                                area.phases[0], area_name=area.name)
                self.profit_taken[area.name] = self.profit_taken.get(area.name, 0.0) + take

    @property
    def total_provisions(self) -> float:
        """€ currently provided for expected land-development losses."""
        return sum(self.provisions.values())

    @property
    def budget_left(self) -> float:
        """€ of budget room left after provisions."""
        return self.params.budget - self.total_provisions
