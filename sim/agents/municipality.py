"""Municipality: runs the land-development accounts of its areas (where the cooperation model says
so), negotiates deals, keeps its books by the BBV rules, holds elections, stops stale phases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.base import Actor
from sim.area import SOCIAL, STAGE_INDEX, AreaPlan
from sim.beliefs import Beliefs
from sim.finance import accounting, grex

if TYPE_CHECKING:
    import mesa

    from sim.context import RunContext

DONE = STAGE_INDEX["done"]
HORIZON_QUARTERS = 80
"""Look-ahead (quarters) when projecting the remaining land-development account."""
FREEZE_AFTER_QUARTERS = 4
"""An area's next phase is re-phased (its land is not bought) while an earlier phase has waited this long
for presales (assumption; Amsterdam 2010: phases paused because developers missed their presale shares)."""
GROWTH_WINDOW = 8
"""Quarters of price history an extrapolating land-development account looks at."""
GROWTH_RANGE = (-0.05, 0.08)
"""Bounds of an extrapolated revenue escalation (fraction/yr)."""
NO_FLOWS_LEFT = grex.npv_totals_sparse({}, {}, HORIZON_QUARTERS, 0.0, 0.0, 0.0)
"""(€ NPV, € costs, € revenues) of an account with no flows left: (0.0, np.float64(0.0), np.float64(0.0)) whatever
the rates (no term is added to the +0.0 accumulators), so valuing an area none of whose phases has a flow left
(each closed, or started with every item paid; see ``account_flows``) skips the projection — at the year end and
when a fund asks (guarded in tests/test_verdict_fastpath.py)."""


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
        self.beliefs = Beliefs.for_stream(self.params.expectation, ctx.spec.actors.negotiation, ctx.streams,
                                          "municipality", region_index)
        self.risk_aversion = self.params.risk_aversion
        self.provisions: dict[str, float] = {}
        self.plan_provisions: dict[str, float] = {}  # € provided at each account's first valuation (plan deficit)
        self.profit_taken: dict[str, float] = {}
        self.areas: list[AreaPlan] = []
        self.demand_shift = 0.0
        self.supervised = False  # provisions exceed its reserves: the province restricts new commitments
        self._revenue_expectations: dict[tuple[int, int], float] = {}  # (region, quarter) → fraction/yr
        self._phase_terms: dict = {}  # phase → its unpaid items' terms and its programme, see _phase_entry
        self._euro_texts: dict[float, str] = {}  # € → its text, see _euros
        self._land_decided: set[AreaPlan] = set()  # areas with land decided for a phase (see committed)
        # per area: its phases still open without a triggered land event, in order (closed phases and decided land
        # stay so, so the others need not be looked at again; see decide_land_works)
        self._land_undecided: dict[AreaPlan, list] = {}
        # per area: its phases with flows left (open, with unpaid items or not started), in order (see account_flows)
        self._flow_phases: dict[AreaPlan, list] = {}
        self._without_go: list | None = None  # its phases without a go, open, in area order (see stop_stale_phases)

    # ----------------------------------------------------------------- decisions
    def stop_stale_phases(self) -> None:
        """Stop a phase that has waited longer than ``max_wait_quarters`` for a go (it is abandoned).

        Its phases without a go, open, are kept in one list in the order of its areas and their phases (a go or a
        close is for good), refiltered only in a quarter where one got its go or closed; its areas are fixed when
        the model is built. The list holds every open phase without a go, in order: tests/test_land_fastpath.py."""
        limit = self.ctx.spec.lifecycle.max_wait_quarters
        now = self.ctx.env.now
        phases = self._without_go
        if phases is None:
            phases = self._without_go = [phase for area in self.areas for phase in area.phases]
        gone = False  # a phase got its go or closed this quarter: dropped from the list after the loop
        for phase in phases:
            if phase.go_time is not None or phase.stage >= DONE:
                gone = True
                continue
            if phase.wait_since is not None and now - phase.wait_since > limit and phase.process.is_alive:
                phase.process.interrupt(
                    f"no go after {now - phase.wait_since:.0f} quarters waiting (limit {limit}); "
                    f"last check: {phase.reason or 'none'}")
        if gone:
            self._without_go = [phase for phase in phases if phase.go_time is None and phase.stage < DONE]

    def decide_land_works(self) -> None:
        """Give phases the go to buy and prepare their land, or keep them waiting (with the reason).

        Under active land policy (the municipality pays buy-outs and works: traditional, building claim)
        a signed deal in force is enough; without one it decides on its own expectations (see
        :meth:`_land_wait_reason`: opening the area's account, re-phasing, supervision). Under every other
        model nobody pays for land before a signed agreement is in force.
        """
        ctx = self.ctx
        now = ctx.env.now
        undecided = self._land_undecided
        for area in self.areas:
            phases = undecided.get(area, area.phases)
            if not phases:
                continue
            deal = area.deal
            # a plot sale under the land-price policy commits nobody to develop: it decides on its own expectations
            in_force = deal is not None and deal.effective_at <= now and not area.coop.land_price_at_market
            active = area.coop.works_payer == "municipality" and area.coop.acquisition_payer == "municipality"
            verdict: list[str] = []  # the council's opening verdict for the area, valued once a quarter
            left = undecided[area] = []  # phases that may still wait for a land decision (see _land_undecided)
            for phase in phases:
                event = phase.land_event
                if event is None:
                    left.append(phase)
                    continue
                if event.triggered or not phase.is_open:
                    continue
                left.append(phase)
                why = self._land_wait_reason(area, phase, in_force, active, verdict)
                if why:
                    if phase.go_time is None:  # a phase the developer already gave the go keeps "go"
                        phase.reason = why
                    continue
                event.succeed()
                ctx.books.log(phase, "land_go", basis="agreement" if in_force else "municipal decision",
                              expected_result=self.phase_result(area, phase))

    def committed(self, area: AreaPlan) -> bool:
        """It runs a land-development account for the area: land decided for a phase, or an agreement signed."""
        deal = area.deal
        if deal is not None and not area.coop.land_price_at_market:  # signed
            return True
        if area in self._land_decided:
            return True
        for p in area.phases:  # any(...) as a plain loop: no generator to resume per phase (asked every verdict)
            if p.land_go_time is not None or (p.land_event is not None and p.land_event.triggered):
                self._land_decided.add(area)  # for good: a land decision is not undone (nor a triggered event)
                return True
        return False

    def _land_wait_reason(self, area: AreaPlan, phase, in_force: bool, active: bool, verdict: list[str]) -> str:
        """Why a phase's land works wait ('' if they may start).

        The first decision for an area is the council's decision to open its land-development account: the
        whole area's expected result (NPV, its own revenue expectations) must stay above its walk-away loss
        (``max_deficit_per_home`` × homes) and within the reserves left. Later phases follow the plan unless an
        earlier phase does not sell (re-phasing) or the province has put it under supervision. ``verdict``
        holds the area's opening verdict once it has been valued this quarter (the valuation is the costly part).
        """
        if in_force:
            return ""
        if not active:
            return "no land decision: nobody pays for land before an agreement"
        if self.supervised:
            return "no land decision: provincial supervision allows no new commitments without an agreement"
        now = self.ctx.env.now
        for earlier in area.phases[: phase.index]:
            if (earlier.stage < DONE and earlier.construction_start is None and earlier.wait_since is not None
                    and earlier.land_ready and now - earlier.wait_since >= FREEZE_AFTER_QUARTERS):
                return "no land decision: re-phased while an earlier phase does not sell"
        if verdict:  # valued for an earlier phase this quarter: the area was uncommitted then and is still, unless
            return verdict[0]  # that phase got its go on a verdict of '' (then committed: '' again)
        if self.committed(area):
            return ""
        result = self.opening_result(area) + sum(self.ctx.support.support(area)[::2])
        walk_away = -self.params.max_deficit_per_home * area.spec.homes
        left = self.budget_left
        verdict.append(
            f"no land decision: the area's expected result €{result:,.0f} is below what the municipality "
            f"accepts (€{self._euros(walk_away)}, reserves left €{self._euros(left)})"
            if result < walk_away or -result > max(0.0, left) else "")
        return verdict[0]

    def _euros(self, value: float) -> str:
        """``f"{value:,.0f}"`` (€ in words), remembered for values met again: an area's walk-away loss and the
        reserves left change at most once a year, and formatting with separators costs about a microsecond. Zeros
        are formatted each time (``-0.0 == 0.0`` as keys, but prints as "-0")."""
        text = self._euro_texts.get(value) if value else None
        if text is None:
            text = f"{value:,.0f}"
            if value:
                if len(self._euro_texts) > 256:
                    self._euro_texts.clear()
                self._euro_texts[value] = text
        return text

    def phase_result(self, area: AreaPlan, phase) -> float:
        """The municipality's expected land-development result of one phase at today's values (€).

        Land revenue at the agreed price (or today's residual value, floored at zero) plus the social land
        price, minus the phase's remaining estimated public works it pays (today's indices), plus its part of
        the fund money awarded to the area (a deficit grant, co-funded works).
        """
        ctx = self.ctx
        q, r = ctx.quarter, area.region_index
        coop = area.coop
        values = ctx.econ.land_value[r, q]
        market_homes = phase.homes[SOCIAL + 1:]
        if area.deal is not None and not coop.land_price_at_market:
            land = area.deal.terms.land_price * market_homes.sum()
        else:
            land = max(0.0, float(np.dot(market_homes, values[SOCIAL + 1:])))
        revenue = land * coop.municipal_share(coop.land_receiver) \
            + phase.homes[SOCIAL] * values[SOCIAL] * coop.municipal_share(coop.social_land_receiver)
        costs = sum(phase.estimates.get(item, 0.0) * ctx.item_index(area, item)
                    * coop.municipal_share(coop.payer_of(item)) for item in phase.unpaid)
        grant, _, works = ctx.support.support(area)  # fund money for this area, pro rata to the phase's homes
        left = sum(p.total_homes for p in area.unstarted) or 1
        return float(revenue - costs + (grant + works) * phase.total_homes / left)

    def revenue_expectation(self, region: int) -> float:
        """Revenue escalation (fraction/yr) of its land-development accounts.

        'extrapolative': the region's price growth over the last two years, within GROWTH_RANGE (planners
        extrapolate, so accounts look better in a boom and losses surface when the market turns);
        'fixed': the scenario's ``revenue_escalation``.
        """
        p = self.params
        if p.grex_expectation == "fixed":
            return p.revenue_escalation
        key = (region, self.ctx.quarter)  # the price path is drawn before the run: one value per region and quarter
        known = self._revenue_expectations.get(key)
        if known is None:
            known = self._revenue_expectations[key] = self._extrapolated_growth(region)
        return known

    def _extrapolated_growth(self, region: int) -> float:
        """The region's annualised price growth over the last GROWTH_WINDOW quarters, within GROWTH_RANGE."""
        p = self.params
        prices = self.ctx.market.price_index[region, : self.ctx.quarter + 1]
        window = prices[-(GROWTH_WINDOW + 1):]
        if len(window) < 2:
            return p.revenue_escalation
        growth = (window[-1] / window[0]) ** (4 / (len(window) - 1)) - 1
        low, high = GROWTH_RANGE
        return float(min(max(growth, low), high))  # np.clip on a scalar, without numpy's call overhead

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
        if self._flow_phases.get(area) == []:  # no flows left, for good (see account_flows): nothing to project
            npv, cost_total, revenue_total = NO_FLOWS_LEFT
        else:
            costs, revenues = self.account_flows(area)
            p = self.params
            # the projection's NPV and totals alone (grex.npv_totals_sparse: the same floats as project_sparse's)
            npv, cost_total, revenue_total = grex.npv_totals_sparse(
                costs, revenues, HORIZON_QUARTERS, p.cost_escalation, self.revenue_expectation(area.region_index),
                p.discount_rate)
        done_c, done_r = self.realised(area)
        expected = done_r - done_c + npv
        return expected, done_c, done_c + cost_total, done_r, done_r + revenue_total

    def opening_result(self, area: AreaPlan) -> float:
        """``expected_result(area)[0]`` (€), the same float, valued on the net present value alone."""
        costs, revenues = self.account_flows(area)
        p = self.params
        npv = grex.npv_sparse(costs, revenues, HORIZON_QUARTERS, p.cost_escalation,
                              self.revenue_expectation(area.region_index), p.discount_rate)
        done_c, done_r = self.realised(area)
        return done_r - done_c + npv

    def account_flows(self, area: AreaPlan, whole_company: bool = False) -> tuple[dict[int, float], dict[int, float]]:
        """(costs, revenues): the remaining land-development flows, {quarter ahead: € at today's values}.

        Sparse: only the few quarters with a flow are present. By default its own part under the area's
        cooperation model (its share of each payer's and receiver's money); with ``whole_company`` the joint
        land company's whole account (what the company pays and receives, before the partners' shares).
        """
        ctx = self.ctx
        q = ctx.quarter
        coop = area.coop
        share_of = (lambda party: 1.0 if party == "jv" else 0.0) if whole_company else coop.municipal_share
        # Python floats: the same doubles as numpy's scalars, without their overhead
        social_value, value_1, value_2, value_3 = ctx.econ.land_value[area.region_index, q].tolist()
        costs: dict[int, float] = {}
        revenues: dict[int, float] = {}
        deal = area.deal
        agreed = deal is not None and not coop.land_price_at_market
        # share × price index of each work item under the area's model: the buy-outs have their own payer and
        # index; every other item has the works payer and the construction-cost index (context.item_index)
        works_share: float | None = None
        acquisition_share: float | None = None
        land_share: float | None = None  # the receivers' shares of the plots and the social land
        social_share = 0.0
        known_phases = self._phase_terms
        phases = self._flow_phases.get(area)
        if phases is None:
            phases = self._flow_phases[area] = area.phases
        spent = False  # a phase closed or has nothing left to flow: dropped from _flow_phases after the loop
        for phase in phases:
            if phase.stage >= DONE:  # not open
                spent = True
                continue
            ahead = phase.planned_start - q  # int(min(HORIZON_QUARTERS - 1, max(0.0, ahead) + 4)) without builtins
            when = int(ahead + 4) if ahead > 0.0 else 4
            if when > HORIZON_QUARTERS - 1:
                when = HORIZON_QUARTERS - 1
            unpaid = phase.unpaid
            unstarted = phase.construction_start is None
            if not unpaid and not unstarted:
                spent = True
                continue
            # the phase's cached terms and programme (see _phase_entry), inline: the loop's costly part is calls
            known = known_phases.get(phase)
            if (known is None or known[0] is not unpaid or known[1] != len(unpaid) or known[2] is not phase.estimates
                    or known[3] is not phase.homes):
                known = self._phase_entry(phase)
            if unpaid:  # the plan's estimates: overruns count when they are paid
                total = costs.get(when, 0.0)  # the same additions in the same order as one by one into costs[when]
                # the works before the buy-outs, the buy-outs, the works after, in the order of phase.unpaid
                head, buyout, tail = known[4]
                if works_share is None and (head or tail):
                    works_share = share_of(coop.payer_of(known[8])) * ctx.item_index(area, known[8])
                for estimate in head:
                    total = total + estimate * works_share
                if buyout is not None:
                    if acquisition_share is None:
                        acquisition_share = share_of(coop.payer_of("acquisition")) * ctx.item_index(area, "acquisition")
                    total = total + buyout * acquisition_share
                for estimate in tail:
                    total = total + estimate * works_share
                costs[when] = total
            if unstarted:
                if agreed:
                    price = float(deal.terms.land_price * known[7])
                else:  # np.dot of the market homes and values: the same products added left to right (see _phase_entry)
                    homes_1, homes_2, homes_3 = known[5]
                    price = homes_1 * value_1 + homes_2 * value_2 + homes_3 * value_3
                    if not price > 0.0:  # max(0.0, price) without the builtin (0.0 also for -0.0)
                        price = 0.0
                if land_share is None:
                    land_share = share_of(coop.land_receiver)
                    social_share = share_of(coop.social_land_receiver)
                social = known[6] * social_value
                later = when + 8
                if later > HORIZON_QUARTERS - 1:
                    later = HORIZON_QUARTERS - 1
                revenues[later] = revenues.get(later, 0.0) + (price * land_share + social * social_share)
        if spent:  # for good: the stage only advances, unpaid items are only paid, a construction start stays
            self._flow_phases[area] = [p for p in phases
                                       if p.stage < DONE and (p.unpaid or p.construction_start is None)]
        return costs, revenues

    def _phase_entry(self, phase) -> tuple:
        """A phase's terms of the account, kept while its unpaid items are the same dict with the same number of
        items (items are only ever removed, when paid), its estimates the same dict and its programme the same array:
        (unpaid, its length, estimates, homes,
        the unpaid items' estimates (€) in the order of ``phase.unpaid`` as (the works before the buy-outs, the
        buy-outs' estimate or None, the works after): a dict holds the buy-outs once, and every other item has the
        works payer's share and the construction-cost index, so the terms are added in order with no choice per item
        (the same products and additions in the same order),
        the market homes (segments after social, in order) as a tuple of floats, the social homes as a float,
        the number of market homes, a works item's name or None). A paid item rebuilds the terms but keeps the
        programme's.

        The plots' price is ``np.dot`` of the market homes and the land values: ``np.dot`` of the integer homes
        with float values converts them to exactly these floats first, and numpy's dot of three doubles (the
        OpenBLAS kernel of this build) adds the three products left to right without fused multiply-adds, so
        ``h1 * v1 + h2 * v2 + h3 * v3`` in Python floats is the same double (guarded in tests/test_land_fastpath.py
        on random triples and on every call of mini runs under each cooperation model).
        """
        unpaid, estimates, homes = phase.unpaid, phase.estimates, phase.homes
        head: list[float] = []  # the works before the buy-outs
        tail: list[float] = []  # the works after
        buyout = None
        works_item = None
        for item in unpaid:
            if item == "acquisition":
                buyout = estimates.get(item, 0.0)
                continue
            works_item = item
            (head if buyout is None else tail).append(estimates.get(item, 0.0))
        old = self._phase_terms.get(phase)
        if old is not None and old[3] is homes:  # an item paid: the same programme, its terms kept
            programme = old[5:8]
        else:
            market = homes[SOCIAL + 1:]
            programme = (tuple(market.astype(float).tolist()), float(homes[SOCIAL]), int(market.sum()))
        known = self._phase_terms[phase] = (
            unpaid, len(unpaid), estimates, homes, (tuple(head), buyout, tuple(tail))) + programme + (works_item,)
        return known

    def forward_npv(self, costs: dict[int, float], revenues: dict[int, float]) -> tuple[float, float]:
        """(€ costs, € revenues): net present values of remaining flows ({quarter ahead: €}) as its
        land-development account values them (BBV discount rate, its cost and revenue escalation)."""
        p = self.params
        escalation = self.revenue_expectation(self.region_index)
        # grex.npv_sparse: the same float as project_sparse(...)[0].npv (the book value's interest rate plays no part)
        cost_npv = grex.npv_sparse(costs, {}, HORIZON_QUARTERS, p.cost_escalation, escalation, p.discount_rate)
        revenue_npv = grex.npv_sparse({}, revenues, HORIZON_QUARTERS, p.cost_escalation, escalation, p.discount_rate)
        return -cost_npv, revenue_npv

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
        """Year-end (BBV): provide for expected losses at once; take profit by percentage of completion.

        Only areas whose land-development account it has opened (:meth:`committed`) are valued: before the
        council decides, there is no account to provide for. The first valuation of an account provides
        for its plan deficit (the loss the council accepts when it adopts the account, event basis
        "plan"); later increases are write-downs when the updated account shows a larger loss (basis
        "write_down"), the losses Dutch municipalities reported after 2008.
        """
        for area in self.areas:
            if not self.committed(area):
                continue
            expected, c_done, c_all, r_done, r_all = self.expected_result(area)
            needed = accounting.required_provision(expected)
            first = area.name not in self.provisions  # the account's first valuation: its plan deficit
            held = self.provisions.get(area.name, 0.0)
            if needed > held:
                self.ctx.books.book(f"{self.account}/reserve", f"{self.account}/provisions", needed - held,
                                "provision", area_name=area.name)
                self.ctx.books.log_area(area, "provision", amount=needed - held, expected_result=expected,
                                        cooperation=area.coop.name, basis="plan" if first else "write_down")
            elif needed < held:
                self.ctx.books.book(f"{self.account}/provisions", f"{self.account}/reserve", held - needed,
                                "provision_release", area_name=area.name)
            self.provisions[area.name] = needed
            if first:
                self.plan_provisions[area.name] = needed
            completion = accounting.percentage_of_completion(c_done, c_all, r_done, r_all)
            take = accounting.profit_to_take(expected, completion, self.profit_taken.get(area.name, 0.0))
            if take > 1e-6:
                self.ctx.books.book(f"{self.account}/grex", f"{self.account}/reserve", take, "profit_taken",
                                    area_name=area.name)
                self.profit_taken[area.name] = self.profit_taken.get(area.name, 0.0) + take
            elif take < -1e-6:  # the expected result fell: profit taken before is reversed
                self.ctx.books.book(f"{self.account}/reserve", f"{self.account}/grex", -take, "profit_reversed",
                                    area_name=area.name)
                self.profit_taken[area.name] = self.profit_taken.get(area.name, 0.0) + take
        self.supervised = self.total_provisions > self.params.budget

    @property
    def total_provisions(self) -> float:
        """€ currently provided for expected land-development losses."""
        return sum(self.provisions.values())

    @property
    def budget_left(self) -> float:
        """€ of budget room left after provisions."""
        return self.params.budget - self.total_provisions
