"""Municipality: runs the land-development accounts of its areas (where the cooperation model says
so), negotiates deals, keeps its books by the BBV rules, holds elections, stops stale phases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.base import Actor
from sim.area import SOCIAL, AreaPlan
from sim.beliefs import Beliefs
from sim.finance import accounting, grex

if TYPE_CHECKING:
    import mesa

    from sim.context import RunContext

HORIZON_QUARTERS = 80
"""Look-ahead (quarters) when projecting the remaining land-development account."""


class Municipality(Actor):
    """One municipality per region.

    Attributes:
        region_index: index of its region.
        params: scenario ``[actors.municipality]`` (budget €, rates fraction/yr, staff, preferences).
        provisions: € provided for expected losses, per area.
        profit_taken: € profit taken by percentage of completion, per area.
        demand_shift: change (share points) of the affordable share demanded since the start (elections).
        beliefs: its belief-ensemble generator; risk_aversion: weight of the downside (0-1).
    """

    kind = "municipality"
    public = True

    def __init__(self, model: mesa.Model, ctx: RunContext, name: str, region_index: int) -> None:
        super().__init__(model, ctx, name)
        self.region_index = region_index
        self.params = ctx.spec.actors.municipality
        self.beliefs = Beliefs.for_party(self.params.expectation, ctx.spec.actors.negotiation,
                                         ctx.streams.beliefs("municipality", region_index))
        self.risk_aversion = self.params.risk_aversion
        self.provisions: dict[str, float] = {}
        self.profit_taken: dict[str, float] = {}
        self.areas: list[AreaPlan] = []
        self.demand_shift = 0.0

    # ----------------------------------------------------------------- decisions
    def stop_stale_phases(self) -> None:
        """Stop a phase that has waited longer than ``max_wait_quarters`` for a go (it is abandoned)."""
        limit = self.ctx.spec.lifecycle.max_wait_quarters
        now = self.ctx.env.now
        for area in self.areas:
            for phase in area.phases:
                if phase.waiting and now - phase.wait_since > limit and phase.process.is_alive:
                    phase.process.interrupt(
                        f"no go after {now - phase.wait_since:.0f} quarters waiting (limit {limit}); "
                        f"last check: {phase.reason or 'none'}")

    def hold_election(self, uniform_change: float, uniform_shift: float) -> None:
        """An election: with ``election_change_probability`` the new council shifts its affordable demand.

        The shift is uniform in ±``election_shift`` (share points), applied to all its areas' demands
        (clipped to [0, 1]); deals whose affordable share falls outside the new demand's flexibility
        are reopened by the model.
        """
        p = self.params
        if uniform_change >= p.election_change_probability:
            self.ctx.books.log_party(self.account, "election", changed=False)
            return
        shift = (2 * uniform_shift - 1) * p.election_shift
        self.demand_shift += shift
        for area in self.areas:
            area.affordable_demand = float(np.clip(area.affordable_demand + shift, 0.0, 1.0))
        self.ctx.books.log_party(self.account, "election", changed=True, shift=shift)

    # ----------------------------------------------------------------- accounting
    def expected_result(self, area: AreaPlan) -> tuple[float, float, float, float, float]:
        """Expected result (€, NPV at the BBV rate) of the municipality's part of an area's land development.

        Counts the public works it pays (its share, under the area's cooperation model) and the land
        revenues or contributions it receives; remaining items are valued at today's market.
        Returns (expected result, costs realised, costs total, revenues realised, revenues total).
        """
        ctx = self.ctx
        q = ctx.quarter
        r = area.region_index
        coop = area.coop
        land_value = ctx.econ.land_value[r, q]
        costs = np.zeros(HORIZON_QUARTERS)
        revenues = np.zeros(HORIZON_QUARTERS)
        deal = area.deal
        shares: dict[str, float] = {}  # municipal share of each work item under the area's model
        for phase in area.phases:
            if not phase.is_open:
                continue
            when = int(min(HORIZON_QUARTERS - 1, max(0.0, phase.planned_start - q) + 4))
            for item in phase.unpaid:  # the plan's estimates: overruns count when they are paid
                base = phase.estimates.get(item, 0.0)
                share = shares.get(item)
                if share is None:
                    share = shares[item] = coop.municipal_share(coop.payer_of(item)) * ctx.item_index(area, item)
                costs[when] += base * share
            if phase.construction_start is None:
                market_homes = phase.homes[SOCIAL + 1:]
                price = (deal.terms.land_price * market_homes.sum() if deal is not None
                         else max(0.0, float(np.dot(market_homes, land_value[SOCIAL + 1:]))))
                social = phase.homes[SOCIAL] * land_value[SOCIAL]
                later = min(when + 8, HORIZON_QUARTERS - 1)
                revenues[later] += price * coop.municipal_share(coop.land_receiver) \
                    + social * coop.municipal_share(coop.social_land_receiver)
        p = self.params
        rate = ctx.market.bond_rate[q] + p.borrowing_spread
        projection = grex.project(costs, revenues, p.cost_escalation, p.revenue_escalation, rate, p.discount_rate)
        done_c, done_r = self.realised(area)
        expected = done_r - done_c + projection.npv
        return expected, done_c, done_c + costs.sum(), done_r, done_r + revenues.sum()

    def realised(self, area: AreaPlan) -> tuple[float, float]:
        """(€ paid, € received) so far in its part of an area's land development: a ledger query.

        Under a joint venture its part is its capital calls and payouts plus its share of the joint
        company's cash not yet paid out.
        """
        books = self.ctx.books
        paid, received = books.land_account(self.account, area.name)
        if area.coop.land_receiver == "jv" or area.coop.works_payer == "jv":
            received += max(0.0, books.ledger.balance(f"jv:{area.name}")) * area.coop.jv_municipal_share
        return paid, received

    def close_books(self) -> None:
        """Year-end (BBV): provide for expected losses at once; take profit by percentage of completion."""
        for area in self.areas:
            expected, c_done, c_all, r_done, r_all = self.expected_result(area)
            needed = accounting.required_provision(expected)
            held = self.provisions.get(area.name, 0.0)
            if needed > held:
                self.ctx.books.book(f"{self.account}/reserve", f"{self.account}/provisions", needed - held,
                                "provision", area_name=area.name)
                self.ctx.books.log_area(area, "provision", amount=needed - held, expected_result=expected,
                                    cooperation=area.coop.name)
            elif needed < held:
                self.ctx.books.book(f"{self.account}/provisions", f"{self.account}/reserve", held - needed,
                                "provision_release", area_name=area.name)
            self.provisions[area.name] = needed
            completion = accounting.percentage_of_completion(c_done, c_all, r_done, r_all)
            take = accounting.profit_to_take(expected, completion, self.profit_taken.get(area.name, 0.0))
            if take > 0:
                self.ctx.books.book(f"{self.account}/grex", f"{self.account}/reserve", take, "profit_taken",
                                area_name=area.name)
                self.profit_taken[area.name] = self.profit_taken.get(area.name, 0.0) + take

    @property
    def total_provisions(self) -> float:
        """€ currently provided for expected land-development losses."""
        return sum(self.provisions.values())

    @property
    def budget_left(self) -> float:
        """€ of budget room left after provisions."""
        return self.params.budget - self.total_provisions
