"""Lifecycle money: who pays whom at each step of a phase, as the area's cooperation model says.

Every euro of a phase's lifecycle is booked here: public works and buy-outs when the land is
made ready, land payments and construction instalments at construction start, the second
instalment at completion, buyers' payments at transfer, joint-company capital calls and
payouts. Roles (``municipality``, ``developer``, ``jv``) map to ledger accounts per area: the
region's municipality, the developer holding the area, and the area's joint land company
``jv:<area>``. A joint company pays nothing from its own pocket: each payment is preceded by
a capital call on the partners pro rata; a partner that cannot pay exits (its share passes to
the municipality; a partner may also leave by choice at a year end, sim.jv_exit). Funds see each step through the portfolio's hooks. The municipality's
land-development account is a query on these transfers (sim.ledger.land_development_account).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.area import OWNER, SOCIAL, AreaPlan, PhaseState
from sim.jv_share import take_over_share
from sim.sales import BUYER_INSTALMENT_AT_START

if TYPE_CHECKING:
    from sim.agents.parties import Parties
    from sim.context import RunContext
    from sim.funds.portfolio import FundPortfolio


class LifecycleMoney:
    """Books every euro of the phases' lifecycles (€, nominal; time from the run's clock)."""

    def __init__(self, ctx: RunContext, parties: Parties, funds: FundPortfolio) -> None:
        self.ctx = ctx
        self.parties = parties
        self.funds = funds
        self._carrying: list[AreaPlan] | None = None  # areas whose developer may still hold land (see below)

    # ------------------------------------------------------------------ by role
    def pay(self, area: AreaPlan, role: str, target: str, amount: float, category: str,
            phase: PhaseState | None) -> None:
        """``role`` pays ``amount`` (€) to ``target``; a joint company first calls capital from its partners."""
        if amount <= 0:
            return
        if role == "jv":
            self.capital_call(area, amount, phase)
        self.ctx.books.book(self.parties.account_of(area, role), target, amount, category, phase,
                            area_name=None if phase is not None else area.name)

    def receive(self, area: AreaPlan, role: str, source: str, amount: float, category: str,
                phase: PhaseState) -> None:
        """``role`` receives ``amount`` (€) from account ``source``."""
        if amount <= 0:
            return
        self.ctx.books.book(source, self.parties.account_of(area, role), amount, category, phase)

    def capital_call(self, area: AreaPlan, amount: float, phase: PhaseState | None) -> None:
        """Partners pay ``amount`` (€) into the joint company pro rata; a developer beyond its limit exits."""
        books = self.ctx.books
        coop = area.coop
        jv = self.parties.account_of(area, "jv")
        developer = area.developer
        dev_part = amount * (1 - coop.jv_municipal_share)
        if dev_part > 0 and (developer.failed or developer.cash - dev_part < -developer.credit_limit):
            take_over_share(books, area, "jv_partner_exit", partner=developer.account, call=dev_part,
                            developer_cash=developer.cash, credit_limit=developer.credit_limit,
                            reason="developer cannot meet a capital call; the municipality takes over its share")
            dev_part = 0.0
        mun_part = amount - dev_part
        municipality = self.parties.municipality_of(area)
        name = None if phase is not None else area.name
        books.book(municipality.account, jv, mun_part, "capital_call", phase, area_name=name)
        books.book(developer.account, jv, dev_part, "capital_call", phase, area_name=name)

    # ------------------------------------------------------------------ land works
    def pay_public_works(self, phase: PhaseState, items: tuple[str, ...]) -> None:
        """Pay the given cost items of a phase at today's cost index, by the payer the cooperation model names.

        Buy-outs go to the original owners, or to the developer for its own land when the model has
        developers' land bought. Overruns above the estimate are shared as the deal says.
        """
        area = phase.area
        coop = area.coop
        dev_frac = area.developer_land_fraction
        deal = area.deal
        for item in items:
            base = phase.unpaid.pop(item, 0.0)
            if base <= 0:
                continue
            index = self.ctx.item_index(area, item)
            amount = base * index
            role = coop.payer_of(item)
            if item == "acquisition":
                to_developer = amount * dev_frac
                self.pay(area, role, "outside:original_owners", amount - to_developer, item, phase)
                if coop.buys_developer_land:
                    self.pay(area, role, area.developer.account, to_developer, "land_position_sale", phase)
                else:  # the developer keeps its own land: nothing to pay for that part
                    amount -= to_developer
            else:
                target = "outside:consultants" if item == "plan_costs" else "outside:contractors"
                self.pay(area, role, target, amount, item, phase)
            phase.public_costs_paid += amount
            self.funds.hook("on_work_paid", phase, item, amount, role)
            overrun = (base - phase.estimates.get(item, base)) * index
            share = deal.terms.overrun_share if (deal is not None and coop.overrun_negotiable) else coop.default_overrun
            if overrun > 0 and share > 0 and role != "developer":
                self.receive(area, role, area.developer.account, overrun * share, "overrun_share", phase)

    # ------------------------------------------------------------------ construction and transfer
    def sell_land(self, phase: PhaseState) -> float:
        """Land payments at construction start: the agreed price for market homes and the social land price.

        Returns the € paid for the phase's land (market + social).
        """
        area = phase.area
        coop = area.coop
        q, r = self.ctx.quarter, area.region_index
        market_homes = int(phase.homes[SOCIAL + 1:].sum())
        if coop.land_price_at_market:  # plots sold at today's residual value (land-price policy)
            price = max(0.0, float(np.dot(phase.homes[SOCIAL + 1:], self.ctx.econ.land_value[r, q, SOCIAL + 1:])))
        else:
            price = area.deal.terms.land_price * market_homes if area.deal is not None else 0.0
        receiver = coop.land_receiver
        if price >= 0:
            self.receive(area, receiver, area.developer.account, price, "land_sale", phase)
        else:  # a municipal contribution (negative land price)
            self.pay(area, receiver, area.developer.account, -price, "municipal_contribution", phase)
        social = float(phase.homes[SOCIAL] * self.ctx.econ.land_value[r, q, SOCIAL])
        self.receive(area, coop.social_land_receiver, phase.housing_association.account, social, "land_sale", phase)
        phase.market_land_price = price
        phase.land_price_paid = max(price, 0.0) + social
        self.funds.hook("on_land_sale", phase, max(price, 0.0), receiver)
        return phase.land_price_paid

    def start_construction(self, phase: PhaseState) -> None:
        """Land payments, first construction instalment and forward-funding payment at construction start."""
        ctx = self.ctx
        r = phase.area.region_index
        cost = ctx.econ.construction_cost[ctx.quarter]
        phase.developer = developer = phase.area.developer
        association = phase.housing_association
        self.sell_land(phase)
        phase.contract_market = float(np.dot(phase.homes[SOCIAL + 1:], cost[SOCIAL + 1:]))
        phase.contract_social = float(phase.homes[SOCIAL] * cost[SOCIAL])
        developer.pay("outside:contractors", phase.contract_market / 2, "construction", phase)
        association.pay("outside:contractors", phase.contract_social / 2, "construction", phase)
        if phase.investor is not None:
            developer.receive(phase.investor.account, phase.rental_price / 2, "forward_funding", phase)
        instalment = BUYER_INSTALMENT_AT_START * phase.owner_revenue
        developer.receive("outside:home_buyers", instalment, "home_sales", phase)
        phase.owner_received += instalment
        phase.construction_start = ctx.env.now
        ctx.started[r] += phase.homes
        self.funds.hook("on_construction_start", phase)

    def start_in_pipeline(self, phase: PhaseState) -> None:
        """A phase already under construction when the run starts: its contracts stand, its first instalments
        (and land) were paid before the run (outside the ledger); presales as the scenario says."""
        ctx = self.ctx
        q, r = ctx.quarter, phase.area.region_index
        cost = ctx.econ.construction_cost[q]
        phase.developer = phase.area.developer
        phase.contract_market = float(np.dot(phase.homes[SOCIAL + 1:], cost[SOCIAL + 1:]))
        phase.contract_social = float(phase.homes[SOCIAL] * cost[SOCIAL])
        sold = phase.area.spec.pipeline_presold * phase.owner_homes
        phase.owner_sold = sold
        phase.owner_revenue = sold * float(ctx.econ.sale_value[r, q, OWNER])
        phase.owner_received = BUYER_INSTALMENT_AT_START * phase.owner_revenue
        phase.social_committed = phase.forward_funded = True
        phase.construction_start = ctx.env.now
        ctx.sales.open(phase)

    def complete_construction(self, phase: PhaseState) -> None:
        """Second construction instalment and the rest of the forward-funding price at completion."""
        phase.developer.pay("outside:contractors", phase.contract_market / 2, "construction", phase)
        phase.housing_association.pay("outside:contractors", phase.contract_social / 2, "construction", phase)
        if phase.investor is not None:
            phase.developer.receive(phase.investor.account, phase.rental_price / 2, "forward_funding", phase)
        phase.completion = self.ctx.env.now
        r = phase.area.region_index
        self.ctx.completed[r] += phase.homes
        self.ctx.completed_total[r] += phase.homes

    def transfer(self, phase: PhaseState) -> None:
        """Buyers of presold homes pay the rest of their price; unsold homes stay with the developer.

        A sales guarantee buys unsold homes first; what is left is the developer's stock, which keeps
        selling at the region's absorption rate (sim.sales).
        """
        unsold = phase.owner_homes - phase.owner_sold
        if unsold > 1e-9:
            price = self.ctx.econ.sale_value[phase.area.region_index, self.ctx.quarter, OWNER]
            left = self.funds.unsold_after_funds(phase, unsold, price)
            phase.owner_sold += unsold - left  # bought and paid by the fund (not through the buyers)
            phase.fund_sold += unsold - left
            if left > 1e-9:
                self.ctx.books.log(phase, "unsold_at_completion", homes=left, price=price)
        phase.developer.receive("outside:home_buyers", phase.owner_revenue - phase.owner_received, "home_sales",
                                phase)
        phase.owner_received = phase.owner_revenue
        phase.transferred = True

    # ------------------------------------------------------------------ year end and carrying costs
    def distribute_jv(self, area: AreaPlan) -> None:
        """Year end: a joint company pays out its cash to the partners pro rata."""
        books = self.ctx.books
        jv = self.parties.account_of(area, "jv")
        cash = books.ledger.balance(jv)
        if cash <= 1.0:
            return
        share = area.coop.jv_municipal_share
        municipality = self.parties.municipality_of(area)
        books.book(jv, municipality.account, cash * share, "jv_distribution", area_name=area.name)
        books.book(jv, area.developer.account, cash * (1 - share), "jv_distribution", area_name=area.name)

    def charge_land_carrying(self, bond_rate: float) -> None:
        """Developers' quarterly carrying cost on land positions they still hold (at the cost index, €)."""
        spread = self.ctx.spec.actors.developers.borrowing_spread
        rate_q = (1 + max(0.0, float(bond_rate) + spread)) ** 0.25 - 1
        # areas whose land position is 0 for good (banked, no developers' land, every phase's land bought or
        # built on) are dropped from the loop: they would be skipped below every quarter from then on
        areas = self._carrying if self._carrying is not None else self.ctx.areas
        still = []
        payments = []  # (developer, € carrying cost, area): booked at once below, in this order
        indices: dict[tuple, float] = {}  # buy-out index per (region, hope value share): item_index reads nothing else
        for area in areas:
            held = area.developer_land_position()  # € at start-year prices; 0 once banked
            if held <= 0:  # nothing held costs nothing (the index is finite and ≥ 0)
                if not area.land_position_closed:
                    still.append(area)
                continue
            still.append(area)
            key = (area.region_index, area.archetype.hope_value_share)
            index = indices.get(key)
            if index is None:
                index = indices[key] = self.ctx.item_index(area, "acquisition")
            value = held * index
            if value > 0 and area.developer is not None:
                payments.append((area.developer.account, value * rate_q, area.name))
        self._carrying = still
        if payments:
            self.ctx.books.book_each("outside:lenders", "land_carrying_cost", payments)
