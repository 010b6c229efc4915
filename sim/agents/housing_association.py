"""Housing association: builds and owns the social-rent homes of a region, within its ratios."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.agents.base import Actor
from sim.area import SOCIAL, PhaseState

if TYPE_CHECKING:
    import mesa

    from sim.context import RunContext


class HousingAssociation(Actor):
    """A woningcorporatie with a balance sheet that limits new investment.

    Binding limits (WSW/Aw 2020, sources.md#wsw-aw): interest cover ICR = (rents − operating costs) /
    interest ≥ ``min_icr`` and loan-to-value LTV = debt / policy value ≤ ``max_ltv``, both after
    the new investment; plus a yearly room in homes. New homes are financed fully with debt.

    Attributes:
        homes: social homes owned; debt: € outstanding; policy_value: € (beleidswaarde).
        room_left: social homes it can still commit to this year.
    """

    kind = "housing_association"

    def __init__(self, model: mesa.Model, ctx: RunContext, name: str, region_index: int) -> None:
        super().__init__(model, ctx, name)
        self.region_index = region_index
        self.params = p = ctx.spec.actors.housing_associations
        self.room_left = p.social_homes_per_year
        self.homes = p.stock_homes
        self.debt = p.stock_homes * p.debt_per_home
        self.policy_value = p.stock_homes * p.policy_value_per_home

    def new_year(self) -> None:
        """Reset the yearly investment room (homes/yr)."""
        self.room_left = self.params.social_homes_per_year

    def ratios_after(self, new_homes: int, cost: float) -> tuple[float, float]:
        """(ICR, LTV) after investing ``cost`` (€) in ``new_homes`` homes at today's rates and rents."""
        p = self.params
        ctx = self.ctx
        q = ctx.quarter
        rent_index = ctx.market.rent_index[self.region_index, q]
        rate = max(1e-4, ctx.market.bond_rate[q] + p.borrowing_spread)
        homes = self.homes + new_homes
        net_rent = homes * (12 * p.rent_per_month * rent_index - p.operating_cost_per_home)
        debt = self.debt + cost
        value = self.policy_value + cost * p.new_home_policy_value_share
        icr = net_rent / (debt * rate) if debt > 0 else float("inf")
        return icr, debt / value

    def consider_social_block(self, phase: PhaseState) -> bool:
        """Commit to a phase's social homes if the yearly room, the ICR and the LTV allow it (after fund support
        for the social homes, e.g. a start subsidy, which lowers the investment)."""
        n = int(phase.homes[SOCIAL])
        if phase.social_committed or n == 0:
            return True
        if n > self.room_left:
            return False
        q = self.ctx.quarter
        cost = n * (self.ctx.econ.construction_cost[q, SOCIAL] + self.ctx.econ.land_value[self.region_index, q, SOCIAL])
        cost = max(0.0, cost - self.ctx.support.housing_support_phase(phase))  # a start subsidy lowers the investment
        icr, ltv = self.ratios_after(n, cost)
        if icr < self.params.min_icr or ltv > self.params.max_ltv:
            if not phase.reason.startswith("housing association"):  # log once per spell of refusals
                self.ctx.books.log(phase, "social_block_refused", homes=n, icr=icr, ltv=ltv)
            return False
        self.room_left -= n
        self.homes += n
        self.debt += cost
        self.policy_value += cost * self.params.new_home_policy_value_share
        phase.social_committed = True
        self.ctx.books.log(phase, "social_block_committed", homes=n, icr=icr, ltv=ltv)
        return True
