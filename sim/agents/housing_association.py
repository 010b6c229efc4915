"""Housing association: builds and owns the social-rent homes of a region, within its borrowing limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.agents.base import Actor
from sim.area import SOCIAL, PhaseState

if TYPE_CHECKING:
    import mesa

    from sim.context import RunContext


REFINANCED_PER_YEAR = 0.1
"""Share of the stock's debt refinanced each year at the current rate (fraction/yr): the sector borrows long
at fixed rates (WSW-guaranteed loans of about ten years on average; assumption)."""


class HousingAssociation(Actor):
    """The woningcorporaties of a region, with one balance sheet whose ratios limit new investment.

    The balance sheet (a memo of the associations' whole stock, outside the areas' ledger):
    ``homes`` social homes with rent income ``homes × 12 × rent_per_month × rent index`` (€/yr),
    operating costs ``homes × operating_cost_per_home × cost index`` (€/yr; maintenance is building
    work), interest ``debt × coupon`` (€/yr; the average rate on its fixed-rate loans: new loans
    at bond rate + ``borrowing_spread``, and ``REFINANCED_PER_YEAR`` of the debt reprices each
    year) and the policy value
    (beleidswaarde, €), a capitalisation of the rents that moves with the rent index. Each Q1 the
    year's investment in the existing stock (``stock_investment_per_home`` × cost index: renovation,
    sustainability) is paid from the operating cash flow after interest; the shortfall is borrowed
    and a surplus repays debt. New homes are financed fully with debt.

    Building room (WSW/Aw framework, sources.md#wsw-aw): the new debt (€) it can take before its
    interest cover ICR = (rents − operating costs) / interest falls below ``min_icr`` or its
    loan-to-value LTV = debt / policy value exceeds ``max_ltv``. A social block is committed only
    when its cost fits the room; otherwise it is refused and the binding ratio (ICR or LTV) is
    logged. The room is recomputed each quarter from that quarter's rents, costs and rates, so it
    regenerates as rents rise and shrinks when rates rise or costs outrun rents.

    Attributes:
        homes: social homes owned; debt: € outstanding.
        policy_value_real: policy value (€) divided by the rent index (so ``policy_value`` follows rents).
        refusal: the binding limit of the last refusal ("ICR" or "LTV"), "" if none.
    """

    kind = "housing_association"

    def __init__(self, model: mesa.Model, ctx: RunContext, name: str, region_index: int) -> None:
        super().__init__(model, ctx, name)
        self.region_index = region_index
        self.params = p = ctx.spec.actors.housing_associations
        self.homes = p.stock_homes
        self.debt = p.stock_homes * p.debt_per_home
        self.policy_value_real = p.stock_homes * p.policy_value_per_home / self._rent_index(0)
        self.refusal = ""
        self.coupon = self.rate()  # average rate on its debt (fraction/yr)

    def _rent_index(self, q: int) -> float:
        return float(self.ctx.market.rent_index[self.region_index, q])

    @property
    def policy_value(self) -> float:
        """Policy value (beleidswaarde, €) at today's rents."""
        return self.policy_value_real * self._rent_index(self.ctx.quarter)

    def accounts(self) -> dict[str, float]:
        """This year's operating account at today's rents, costs and rates (€/yr) and the two ratios."""
        p, q = self.params, self.ctx.quarter
        rents = self.homes * 12 * p.rent_per_month * self._rent_index(q)
        costs = self.homes * p.operating_cost_per_home * float(self.ctx.market.cost_index[q])
        interest = self.debt * self.coupon
        return {"rents": rents, "operating_costs": costs, "interest": interest,
                "icr": (rents - costs) / interest if interest > 0 else float("inf"),
                "ltv": self.debt / self.policy_value}

    def rate(self) -> float:
        """Borrowing rate (fraction/yr): bond rate + spread (WSW-guaranteed loans)."""
        return max(1e-4, float(self.ctx.market.bond_rate[self.ctx.quarter]) + self.params.borrowing_spread)

    def new_year(self) -> None:
        """Close the year: invest in the stock from the operating cash flow (borrow the rest); log the ratios."""
        acc = self.accounts()
        invest = self.homes * self.params.stock_investment_per_home * float(self.ctx.market.cost_index[self.ctx.quarter])
        old, self.debt = self.debt, max(0.0, self.debt + invest - (acc["rents"] - acc["operating_costs"] - acc["interest"]))
        if self.debt > 0:  # part of the debt reprices; new borrowing is at today's rate
            kept = old * (1 - REFINANCED_PER_YEAR)
            self.coupon = (min(kept, self.debt) * self.coupon + max(0.0, self.debt - kept) * self.rate()) / self.debt
        icr_room, ltv_room = self.room(self.ctx.econ.construction_cost[self.ctx.quarter, SOCIAL])
        acc = self.accounts()
        self.ctx.books.log_party(self.account, "housing_association_year", homes=self.homes, debt=self.debt,
                                 policy_value=self.policy_value, icr=acc["icr"], ltv=acc["ltv"],
                                 room=min(icr_room, ltv_room))

    def room(self, cost_per_home: float) -> tuple[float, float]:
        """New debt (€) it can take for homes costing ``cost_per_home`` (€) before breaching (ICR, LTV).

        ICR: (N + ΔD·k/c) ≥ icr·(coupon·D + r·ΔD), with N today's net rents, k a new home's net rent,
        c its cost and r today's rate; LTV: D + ΔD ≤ ltv·(V + s·ΔD), s the policy value a new home adds per € of cost.
        A limit that new homes cannot breach gives infinite room.
        """
        p = self.params
        acc = self.accounts()
        net = acc["rents"] - acc["operating_costs"]
        r = self.rate()
        q = self.ctx.quarter
        k = 12 * p.rent_per_month * self._rent_index(q) - p.operating_cost_per_home * float(self.ctx.market.cost_index[q])
        slope = p.min_icr * r - k / max(cost_per_home, 1.0)  # new debt is at today's rate
        head = net - p.min_icr * self.coupon * self.debt
        icr_room = head / slope if slope > 0 else (float("inf") if head >= 0 else -float("inf"))
        ltv_slope = 1 - p.max_ltv * p.new_home_policy_value_share
        ltv_head = p.max_ltv * self.policy_value - self.debt
        ltv_room = ltv_head / ltv_slope if ltv_slope > 0 else (float("inf") if ltv_head >= 0 else -float("inf"))
        return icr_room, ltv_room

    def consider_social_block(self, phase: PhaseState) -> bool:
        """Commit to a phase's social homes if their cost fits the building room under ICR and LTV (after fund
        support for the social homes, e.g. a start subsidy, which lowers the investment it finances)."""
        n = int(phase.homes[SOCIAL])
        if phase.social_committed or n == 0:
            return True
        q = self.ctx.quarter
        per_home = self.ctx.econ.construction_cost[q, SOCIAL] + self.ctx.econ.land_value[self.region_index, q, SOCIAL]
        cost = max(0.0, n * per_home - self.ctx.support.housing_support_phase(phase))  # a start subsidy lowers it
        icr_room, ltv_room = self.room(cost / n)
        if cost > min(icr_room, ltv_room):
            self.refusal = "ICR" if icr_room <= ltv_room else "LTV"
            if not phase.reason.startswith("housing association"):  # log once per spell of refusals
                acc = self.accounts()
                self.ctx.books.log(phase, "social_block_refused", homes=n, cost=cost, binding=self.refusal,
                                   icr_room=icr_room, ltv_room=ltv_room, icr=acc["icr"], ltv=acc["ltv"])
            return False
        self.homes += n
        self.coupon = (self.debt * self.coupon + cost * self.rate()) / (self.debt + cost)
        self.debt += cost
        self.policy_value_real += cost * self.params.new_home_policy_value_share / self._rent_index(q)
        phase.social_committed = True
        acc = self.accounts()
        self.ctx.books.log(phase, "social_block_committed", homes=n, cost=cost, icr=acc["icr"], ltv=acc["ltv"])
        return True
