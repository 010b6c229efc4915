"""The built-in fund instruments (plug-ins; the interface and hooks are in sim.funds.instrument_base).

Each is one class with its ``type``, its ``Params`` (the parameter model in sim.funds.design,
every field with unit and source) and the hooks it uses. Money in €; time in quarters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.funds import design
from sim.funds.instrument_base import INSTRUMENTS, InstrumentBase, affordable_share
from sim.segments import MID_RENT, OWNER, SOCIAL, STAGE_INDEX

if TYPE_CHECKING:
    from sim.area import AreaPlan, PhaseState
    from sim.funds.fund import Award, Fund


@dataclass(eq=False)
class Loan:
    """A subordinated loan to a phase's developer (€; due in quarters)."""

    award: Award
    principal: float
    due: float


@dataclass(eq=False)
class Lot:
    """Homes a fund holds until it resells them (homes; € paid; resale time in quarters)."""

    award: Award
    phase: PhaseState
    homes: float
    paid: float = 0.0
    sell_at: float = 0.0


@INSTRUMENTS.register
class DeficitGrantInstrument(InstrumentBase):
    """Grant on the municipality's expected public deficit (Woningbouwimpuls-like), with the scheme's conditions.

    - at most ``max_share_of_deficit`` of the deficit, and no more than the municipality's own part allows
      when it co-finances ``co_financing_share`` of the grant (grant × (1 + co-financing) ≤ deficit);
    - the municipality applies only while its reserves left cover the co-financing of its applications,
      for the areas where the grant changes its decision most (:meth:`select_applications`);
    - the agreed programme must keep at least ``min_affordable_share`` affordable homes: the condition
      enters the negotiation (the grant counts only for packages that meet it) and a deal that breaks it
      costs the grant: the unpaid part lapses and ``clawback_share`` of the paid part is reclaimed
      (ledger ``fund_clawback``, municipality → fund);
    - paid per phase start, pro rata to homes; lapses if the first start misses its deadline, and
      what is unpaid at the last deadline lapses.
    """

    type = "deficit_grant"
    Params = design.DeficitGrant

    def __init__(self, spec, fund: Fund) -> None:
        super().__init__(spec, fund)
        self.applied: dict[str, tuple[float, float, float]] = {}  # (share, € asked, € deficit) each area applied with

    def deficit(self, area: AreaPlan) -> float:
        municipality = self.parties.municipalities[area.region_index]
        return max(0.0, -municipality.expected_result(area)[0])

    def co_financing(self, size: float) -> float:
        """€ the municipality must put in from its own reserves for a grant of ``size``."""
        return getattr(self.spec, "co_financing_share", 0.0) * size

    def eligible(self, area: AreaPlan) -> tuple[bool, str]:
        s = self.spec
        if not area.unstarted or any(p.construction_start is not None for p in area.phases):
            return False, "construction already started or nothing left"
        if not any(p.marketing_open for p in area.phases):
            return False, "no irrevocable zoning plan yet"
        if area.spec.homes < s.min_homes:
            return False, f"fewer than {s.min_homes} homes"
        if self.reachable_share(area) < s.min_affordable_share - 1e-9:
            return False, f"affordable share below {s.min_affordable_share:.0%} even with the programme raised"
        if self.deficit(area) <= 0:
            return False, "no public deficit"
        return True, "eligible"

    def reachable_share(self, area: AreaPlan) -> float:
        """Highest affordable share (fraction) the municipality can apply with: its programme (or the current
        one) raised by at most its ``affordable_flexibility``."""
        flex = self.ctx.spec.actors.municipality.affordable_flexibility
        return min(1.0, max(affordable_share(area), area.affordable_demand) + flex)

    def award_size(self, area: AreaPlan) -> float:
        return self.size_for(self.deficit(area))

    def size_for(self, deficit: float) -> float:
        """€ asked for a deficit of ``deficit`` €: the scheme's share, the co-financing rule and the cap."""
        own = 1 + getattr(self.spec, "co_financing_share", 0.0)
        return min(self.spec.max_share_of_deficit * deficit, deficit / own, self.spec.max_award)

    def programme_choice(self, area: AreaPlan) -> tuple[float, float, float]:
        """(affordable share, € asked, € deficit at that share) the municipality applies with.

        A grant on a share of the deficit pays part of every extra affordable home's land-revenue loss, so
        the municipality weighs its programme: among its current share and steps of 5 points up to
        :meth:`reachable_share` (at least the scheme minimum), the share that maximises its expected result
        + the grant + ``affordable_home_value`` × affordable homes (the same value it uses in negotiations).
        """
        import numpy as np  # here, not at import: `areasim check` registers the instruments without numpy

        from sim.negotiation.economics import reprogramme

        municipality = self.parties.municipalities[area.region_index]
        value = self.ctx.spec.actors.municipality.affordable_home_value
        minimum = getattr(self.spec, "min_affordable_share", 0.0)
        now = max(affordable_share(area), area.affordable_demand)
        top = self.reachable_share(area)
        shares = sorted({s for s in [now, *np.arange(now + 0.05, top + 1e-9, 0.05), top] if s >= minimum - 1e-9})
        phases = area.unstarted
        original = [p.homes for p in phases]
        best: tuple[float, float, float] | None = None
        try:
            for share in shares:
                homes = reprogramme(np.array(original), share)
                for p, h in zip(phases, homes, strict=True):
                    p.homes = h
                result = municipality.expected_result(area)[0]
                size = self.size_for(max(0.0, -result))
                affordable = float(sum(h[SOCIAL] + h[MID_RENT] for h in homes))
                score = result + size + value * affordable
                if best is None or score > best[0] + 1e-6:
                    best = (score, float(share), size, max(0.0, -result))
        finally:
            for p, h in zip(phases, original, strict=True):
                p.homes = h
        return best[1:] if best is not None else (now, 0.0, 0.0)

    def score(self, area: AreaPlan) -> float:
        """Ranking in a round: affordable homes of the unstarted phases at the programme applied with, per € asked."""
        share, size, _ = self.applied.get(area.name, (affordable_share(area), self.award_size(area), 0.0))
        homes = sum(p.total_homes for p in area.unstarted)
        return share * homes / size if size > 0 else 0.0

    def decision_change(self, area: AreaPlan, size: float) -> tuple[int, float]:
        """How much a grant of ``size`` changes the municipality's decision on an area: (1 if it lifts the
        area's expected result above what the municipality accepts (walk-away loss) — the grant decides —
        else 0, then the share of the deficit it covers)."""
        municipality = self.parties.municipalities[area.region_index]
        result = municipality.expected_result(area)[0]
        walk_away = -municipality.params.max_deficit_per_home * area.spec.homes
        return int(result < walk_away <= result + size), size / max(1.0, -result)

    def select_applications(self, applications: list[tuple[AreaPlan, float]]) -> list[tuple[AreaPlan, float]]:
        """Each municipality applies for its areas in the order of :meth:`decision_change` while its reserves
        left cover the co-financing; the areas it leaves out are logged (``fund_application_withheld``)."""
        kept: list[tuple[AreaPlan, float]] = []
        by_municipality: dict[int, list[tuple[AreaPlan, float]]] = {}
        for area, _ in applications:
            share, size, deficit = self.programme_choice(area)
            self.applied[area.name] = (share, size, deficit)
            if size > 0:
                by_municipality.setdefault(area.region_index, []).append((area, size))
        for r, asks in sorted(by_municipality.items()):
            municipality = self.parties.municipalities[r]
            room = max(0.0, municipality.budget_left)
            asks.sort(key=lambda a: (*(-x for x in self.decision_change(*a)), a[0].name))
            for area, size in asks:
                need = self.co_financing(size)
                if need > room + 1e-6:
                    self.ctx.books.log_area(area, "fund_application_withheld", fund=self.fund.account,
                                            instrument=self.type, asked=size, co_financing=need, reserves_left=room,
                                            reason="co-financing exceeds the municipality's reserves left")
                    continue
                room -= need
                kept.append((area, size))
        return kept

    def on_award(self, award: Award) -> None:
        award.first_deadline = award.time + 4 * self.spec.first_start_within_years
        award.last_deadline = award.time + 4 * self.spec.last_start_within_years
        award.programme_share, _, deficit = self.applied.get(award.area.name, (0.0, 0.0, 0.0))
        minimum = self.min_affordable()
        if minimum is not None:
            self.ctx.books.log_area(award.area, "fund_conditions", fund=self.fund.account, instrument=self.type,
                                    deficit=deficit, min_affordable_share=max(minimum, award.programme_share),
                                    first_start_by=award.first_deadline, last_start_by=award.last_deadline,
                                    co_financing=self.co_financing(award.committed),
                                    clawback_share=getattr(self.spec, "clawback_share", 1.0))

    def municipal_support(self, area: AreaPlan) -> float:
        return self.outstanding(area)

    def min_affordable(self) -> float | None:
        return getattr(self.spec, "min_affordable_share", None)

    def required_share(self, award: Award) -> float | None:
        """Affordable share (fraction) the award's programme must keep: the scheme minimum or the share applied with."""
        minimum = self.min_affordable()
        return None if minimum is None else max(minimum, award.programme_share)

    def programme_condition(self, area: AreaPlan) -> tuple[float, float, float] | None:
        awards = [a for a in self.my_awards(area) if self.required_share(a) is not None]
        if not awards:
            return None
        return (sum(a.outstanding for a in awards), sum(a.paid - a.returned for a in awards),
                max(self.required_share(a) for a in awards))

    def on_deal(self, area: AreaPlan, terms) -> None:
        for award in self.my_awards(area):
            required = self.required_share(award)
            if required is not None and terms.affordable_share < required - 1e-6:
                self.break_condition(award, "min_affordable_share", required, terms.affordable_share)

    def break_condition(self, award: Award, condition: str, required: float, agreed: float) -> None:
        """A condition is broken: reclaim ``clawback_share`` of what was paid, release the rest, close."""
        area = award.area
        municipality = self.parties.account_of(area, "municipality")
        books = self.ctx.books
        books.log_area(area, "fund_condition_broken", fund=self.fund.account, instrument=self.type,
                       condition=condition, required=required, agreed=agreed, paid=award.paid,
                       released=award.outstanding)
        reclaim = getattr(self.spec, "clawback_share", 1.0) * max(0.0, award.paid - award.returned)
        if reclaim > 0:
            self.fund.take_back(award, municipality, reclaim, "fund_clawback")
            books.log_area(area, "fund_clawback", fund=self.fund.account, instrument=self.type,
                           payer=municipality, amount=reclaim, reason=f"{condition} broken")
        self.fund.release(award)
        award.closed = True

    def on_construction_start(self, phase: PhaseState) -> None:
        area = phase.area
        for award in self.my_awards(area):
            if self.ctx.env.now > award.last_deadline:
                continue
            required = self.required_share(award)
            if required is not None and area.deal is not None and area.deal.terms.affordable_share < required - 1e-6:
                self.break_condition(award, "min_affordable_share", required, area.deal.terms.affordable_share)
                continue
            left = [p for p in area.phases if p.is_open and (p.construction_start is None or p is phase)]
            homes_left = sum(p.total_homes for p in left) or 1
            amount = award.outstanding * phase.total_homes / homes_left
            self.fund.pay_out(award, self.parties.account_of(area, "municipality"), amount, "fund_grant", phase)

    def on_quarter(self) -> None:
        now = self.ctx.env.now
        for award in self.my_awards():
            started = any(p.construction_start is not None for p in award.area.phases)
            if (not started and now > award.first_deadline) or now > award.last_deadline:
                if award.outstanding > 0:
                    self.ctx.books.log_area(award.area, "fund_award_lapsed", fund=self.fund.account,
                                        instrument=self.type, released=award.outstanding,
                                        reason="first start deadline missed" if not started else "last deadline")
                self.fund.release(award)
                award.closed = True


@INSTRUMENTS.register
class StartSubsidyInstrument(InstrumentBase):
    """€ per home for phases that start before the deadline (Startbouwimpuls-like), paid at construction start to
    whoever builds the homes: the developer for the market homes, the housing association for the social homes.

    The builders count it in their go decisions: the developer adds its part to the phase's business case and,
    because the bank counts a secured subsidy as secured revenue, needs that much less presold
    (:meth:`presale_threshold`); the housing association invests that much less in the social homes
    (:meth:`housing_support_phase`, which eases its ICR and LTV).
    """

    type = "start_subsidy"
    Params = design.StartSubsidy

    def rate(self) -> float:
        return min(self.spec.per_home, self.spec.cap_per_home)

    def meets_conditions(self, phase: PhaseState) -> bool:
        """At least ``min_homes`` homes and ``min_affordable_share`` social + mid-rent homes."""
        s = self.spec
        return phase.total_homes >= s.min_homes and \
            (phase.homes[SOCIAL] + phase.homes[MID_RENT]) / phase.total_homes >= s.min_affordable_share

    def eligible_phases(self, area: AreaPlan) -> list[PhaseState]:
        return [p for p in area.phases if p.is_open and p.construction_start is None and self.meets_conditions(p)]

    def ready(self, phase: PhaseState) -> bool:
        """Close to a start: on sale and its site being prepared or ready (applications need a start date) and,
        with ``only_waiting_phases``, still without the developer's go (it would not start as things stand)."""
        close = phase.marketing_open and (phase.land_ready or phase.stage >= STAGE_INDEX["site_preparation"])
        return close and (phase.go_time is None or not self.spec.only_waiting_phases)

    def eligible(self, area: AreaPlan) -> tuple[bool, str]:
        ready = [p for p in self.eligible_phases(area) if self.ready(p)]
        return (bool(ready), "phases ready to start" if ready else "no eligible phase ready to start")

    def award_size(self, area: AreaPlan) -> float:
        return self.rate() * sum(p.total_homes for p in self.eligible_phases(area) if self.ready(p))

    def on_award(self, award: Award) -> None:
        award.deadline = award.time + 4 * self.spec.start_within_years
        self.ctx.books.log_area(award.area, "fund_conditions", fund=self.fund.account, instrument=self.type,
                                min_affordable_share=self.spec.min_affordable_share, start_by=award.deadline,
                                per_home=self.rate())

    def developer_support(self, area: AreaPlan) -> float:
        return self.outstanding(area)

    def covered(self, phase: PhaseState) -> bool:
        """The phase would receive the subsidy if it started now (award in force, before the deadline, eligible)."""
        return any(self.ctx.env.now <= a.deadline for a in self.my_awards(phase.area)) and \
            phase in self.eligible_phases(phase.area)

    def developer_support_phase(self, phase: PhaseState) -> float:
        return self.rate() * phase.homes[SOCIAL + 1:].sum() if self.covered(phase) else 0.0

    def housing_support_phase(self, phase: PhaseState) -> float:
        return self.rate() * phase.homes[SOCIAL] if self.covered(phase) else 0.0

    def presale_threshold(self, phase: PhaseState, base: float) -> float:
        """The developer's part counts as secured revenue: the presold share needed falls by subsidy / value of
        the owner-occupied homes (assumption: the bank's presale condition secures revenue, sources.md#presale-70)."""
        if phase.owner_homes <= 0 or not self.covered(phase):
            return base
        price = self.ctx.econ.sale_value[phase.area.region_index, self.ctx.quarter, OWNER]
        value = phase.owner_homes * price
        return max(0.0, base - self.developer_support_phase(phase) / value) if value > 0 else base

    def on_construction_start(self, phase: PhaseState) -> None:
        if not self.meets_conditions(phase):  # a phase whose programme breaks the conditions gets nothing
            return
        for award in self.my_awards(phase.area):
            if self.ctx.env.now <= award.deadline:
                market = self.rate() * phase.homes[SOCIAL + 1:].sum()
                social = self.rate() * phase.homes[SOCIAL]
                self.fund.pay_out(award, phase.area.developer.account, market, "start_subsidy", phase)
                self.fund.pay_out(award, phase.housing_association.account, social, "start_subsidy", phase)

    def on_quarter(self) -> None:
        for award in self.my_awards():
            if self.ctx.env.now > award.deadline:
                if award.outstanding > 0:
                    self.ctx.books.log_area(award.area, "fund_award_lapsed", fund=self.fund.account,
                                            instrument=self.type, released=award.outstanding,
                                            reason="start deadline passed")
                self.fund.release(award)
                award.closed = True


@INSTRUMENTS.register
class RevolvingLoanInstrument(InstrumentBase):
    """Subordinated interest-only loans at construction start, repaid from the phase's margin."""

    type = "revolving_loan"
    Params = design.RevolvingLoan

    def __init__(self, spec, fund: Fund) -> None:
        super().__init__(spec, fund)
        self.loans: dict[PhaseState, Loan] = {}
        self.disbursed = 0.0
        self.repaid = 0.0

    def eligible(self, area: AreaPlan) -> tuple[bool, str]:
        ok = any(p.marketing_open for p in area.unstarted)
        return ok, "phases ready to start" if ok else "no phase ready"

    def award_size(self, area: AreaPlan) -> float:
        return self.spec.max_loan * sum(1 for p in area.unstarted if p.marketing_open)

    def developer_support(self, area: AreaPlan) -> float:
        dev = self.ctx.spec.actors.developers
        rate = self.ctx.market.bond_rate[self.ctx.quarter] + dev.borrowing_spread
        saving = max(0.0, rate - self.spec.interest_rate) * min(self.spec.term_years, 2.0)
        return self.outstanding(area) * saving

    def developer_support_phase(self, phase: PhaseState) -> float:
        """€ the developer saves on the phase's financing with the loan it would get at start: the interest
        difference with its own debt over half the construction time (drawn gradually)."""
        if not self.my_awards(phase.area):
            return 0.0
        ctx = self.ctx
        rate = ctx.market.bond_rate[ctx.quarter] + ctx.spec.actors.developers.borrowing_spread
        r, q = phase.area.region_index, ctx.quarter
        outlay = float(phase.homes[SOCIAL + 1:] @ ctx.econ.construction_cost[q, SOCIAL + 1:]) + max(
            0.0, float(phase.homes[SOCIAL + 1:] @ ctx.econ.land_value[r, q, SOCIAL + 1:]))
        loan = min(self.spec.max_loan, self.spec.max_share_of_financing * outlay)
        years = ctx.spec.lifecycle.construction_quarters[1] / 4 / 2
        return loan * max(0.0, rate - self.spec.interest_rate) * years

    def on_construction_start(self, phase: PhaseState) -> None:
        developer = phase.area.developer
        unused = developer.credit_limit + developer.cash
        if unused < self.spec.min_equity_share * developer.credit_limit:
            return
        for award in self.my_awards(phase.area):
            outlay = phase.market_land_price + phase.contract_market
            amount = min(self.spec.max_loan, self.spec.max_share_of_financing * outlay)
            paid = self.fund.pay_out(award, developer.account, amount, "loan_disbursed", phase)
            if paid > 0:
                self.loans[phase] = Loan(award, paid, self.ctx.env.now + 4 * self.spec.term_years)
                self.disbursed += paid
            break

    def settle(self, phase: PhaseState, reason: str) -> None:
        loan = self.loans.pop(phase)
        developer = phase.developer or phase.area.developer
        if developer.failed or phase.stage_name == "abandoned":
            repay = 0.0
        else:  # subordinated: repaid out of the phase's margin only
            revenue = phase.owner_revenue + phase.rental_price
            margin = revenue - phase.contract_market - max(phase.market_land_price, 0.0)
            repay = min(loan.principal, max(0.0, margin))
        self.fund.take_back(loan.award, developer.account, repay, "loan_repayment", phase)
        self.repaid += repay
        if repay < loan.principal:
            self.ctx.books.log(phase, "loan_default", principal=loan.principal, repaid=repay, reason=reason)

    def on_quarter(self) -> None:
        now = self.ctx.env.now
        for phase, loan in list(self.loans.items()):
            developer = phase.developer or phase.area.developer
            if not developer.failed:
                interest = loan.principal * self.spec.interest_rate / 4
                self.fund.take_back(loan.award, developer.account, interest, "loan_interest", phase)
            if phase.completion is not None or now >= loan.due or developer.failed \
                    or phase.stage_name == "abandoned":
                self.settle(phase, "term ended" if now >= loan.due else "phase completed or stopped")

    @property
    def revolving_ratio(self) -> float:
        """Principal repaid / principal lent (fraction); sources.md#svn-transformatiefaciliteit: ≥ 0.8 was 'revolving enough'."""
        return self.repaid / self.disbursed if self.disbursed else float("nan")


@INSTRUMENTS.register
class SalesGuaranteeInstrument(InstrumentBase):
    """Lower presale threshold; the fund buys homes unsold at completion at a discount, resells later."""

    type = "sales_guarantee"
    Params = design.SalesGuarantee

    def __init__(self, spec, fund: Fund) -> None:
        super().__init__(spec, fund)
        self.stock: list[Lot] = []

    def guaranteed_value(self, area: AreaPlan) -> float:
        r, q = area.region_index, self.ctx.quarter
        price = self.ctx.econ.sale_value[r, q, OWNER]
        owner = sum(p.owner_homes for p in area.unstarted)
        return owner * price * (1 - self.spec.presale_threshold) * (1 - self.spec.purchase_discount)

    def eligible(self, area: AreaPlan) -> tuple[bool, str]:
        ok = any(p.owner_homes for p in area.unstarted) and any(p.stage >= 0 for p in area.phases)
        return ok, "owner-occupied homes to guarantee" if ok else "nothing to guarantee"

    def award_size(self, area: AreaPlan) -> float:
        return self.guaranteed_value(area)

    def presale_threshold(self, phase: PhaseState, base: float) -> float:
        return min(base, self.spec.presale_threshold) if self.my_awards(phase.area) else base

    def on_construction_start(self, phase: PhaseState) -> None:
        for award in self.my_awards(phase.area):
            fee = self.spec.fee_share * award.committed * phase.owner_homes / max(
                1, sum(p.owner_homes for p in phase.area.phases))
            self.fund.take_back(award, phase.developer.account, fee, "guarantee_fee", phase)

    def on_transfer(self, phase: PhaseState, unsold: float, price: float) -> float:
        for award in self.my_awards(phase.area):
            paid = self.fund.pay_out(award, phase.developer.account, unsold * price * (1 - self.spec.purchase_discount),
                                     "guarantee_purchase", phase)
            homes = paid / (price * (1 - self.spec.purchase_discount)) if price > 0 else 0.0
            if homes > 0:
                self.stock.append(Lot(award, phase, homes, paid, self.ctx.env.now + self.spec.resale_after_quarters))
                self.ctx.books.log(phase, "guarantee_purchase", homes=homes, paid=paid)
            return homes
        return 0.0

    def on_quarter(self) -> None:
        now, q = self.ctx.env.now, self.ctx.quarter
        for lot in list(self.stock):
            if now >= lot.sell_at:
                price = self.ctx.econ.sale_value[lot.phase.area.region_index, q, OWNER]
                self.fund.take_back(lot.award, "outside:home_buyers", lot.homes * price, "guarantee_resale",
                                    lot.phase)
                self.stock.remove(lot)


@INSTRUMENTS.register
class LandRiskSharingInstrument(InstrumentBase):
    """Covers a share of the municipality's expected land-development losses, up to a share of acquisition."""

    type = "land_risk_sharing"
    Params = design.LandRiskSharing

    def cover(self, area: AreaPlan) -> float:
        acquisition = sum(p.estimates.get("acquisition", 0.0) for p in area.phases)
        return self.spec.share * acquisition * self.ctx.item_index(area, "acquisition")

    def eligible(self, area: AreaPlan) -> tuple[bool, str]:
        ok = (area.coop.acquisition_payer == "municipality" and any(p.stage >= 0 for p in area.phases)
              and any("acquisition" in p.unpaid for p in area.phases))
        return ok, "municipal land purchases ahead" if ok else "no municipal land purchase"

    def award_size(self, area: AreaPlan) -> float:
        return self.cover(area)

    def municipal_support(self, area: AreaPlan) -> float:
        return self.outstanding(area)

    def on_year_end(self) -> None:
        for award in self.my_awards():
            municipality = self.parties.municipalities[award.area.region_index]
            provided = municipality.provisions.get(award.area.name, 0.0)
            due = min(self.spec.share * provided, award.committed) - award.paid
            if due > 0:
                self.fund.pay_out(award, municipality.account, due, "land_risk_compensation")


@INSTRUMENTS.register
class LandBankInstrument(InstrumentBase):
    """Buys developers' land positions; sells each phase's part back at cost (plus a charge) at its start."""

    type = "land_bank"
    Params = design.LandBank

    def eligible(self, area: AreaPlan) -> tuple[bool, str]:
        ok = area.developer_land_position() > 0 and any(p.stage >= 0 for p in area.phases)
        return ok, "developer land position" if ok else "no land position"

    def award_size(self, area: AreaPlan) -> float:
        return area.developer_land_position() * self.ctx.item_index(area, "acquisition")

    def on_award(self, award: Award) -> None:
        area = award.area
        self.fund.pay_out(award, area.developer.account, award.committed, "land_bank_purchase")
        area.land_banked = True
        award.per_home = award.paid / max(1, sum(p.total_homes for p in area.unstarted))

    def on_construction_start(self, phase: PhaseState) -> None:
        for award in self.my_awards(phase.area):
            years = (self.ctx.env.now - award.time) / 4
            price = award.per_home * phase.total_homes * (1 + self.spec.markup) ** years
            self.fund.take_back(award, phase.area.developer.account, price, "land_bank_sale", phase)


@INSTRUMENTS.register
class RegionalCrossSubsidyInstrument(DeficitGrantInstrument):
    """Levy on land revenues of areas in surplus; grants to deficit areas of the same region."""

    type = "regional_cross_subsidy"
    Params = design.RegionalFund

    def eligible(self, area: AreaPlan) -> tuple[bool, str]:
        if not area.unstarted or any(p.construction_start is not None for p in area.phases):
            return False, "construction already started"
        if all(p.stage < 0 for p in area.phases):
            return False, "not yet in preparation"
        return (self.deficit(area) > 0, "deficit" if self.deficit(area) > 0 else "no deficit")

    def award_size(self, area: AreaPlan) -> float:
        return self.spec.max_share_of_deficit * self.deficit(area)

    def select_applications(self, applications: list[tuple[AreaPlan, float]]) -> list[tuple[AreaPlan, float]]:
        return applications  # a regional fund sets no programme and asks no co-financing

    score = InstrumentBase.score  # ranked on the area's own programme

    def on_award(self, award: Award) -> None:
        award.first_deadline = award.time + 12
        award.last_deadline = award.time + 40

    def on_land_sale(self, phase: PhaseState, amount: float, receiver_role: str) -> None:
        area = phase.area
        if receiver_role != "municipality" or amount <= 0 or any(
                a.area is area for a in self.fund.awards if a.instrument is self):
            return  # areas that received support from the fund pay no levy
        municipality = self.parties.municipalities[area.region_index]
        if municipality.expected_result(area)[0] <= 0:
            return
        levy = self.spec.levy_share * amount
        self.fund.levies += levy
        self.ctx.books.book(municipality.account, self.fund.account, levy, "regional_levy", phase)


@INSTRUMENTS.register
class CountercyclicalInstrument(InstrumentBase):
    """In a crash the fund buys presale contracts so phases reach their threshold; resells after completion."""

    type = "countercyclical_purchase"
    Params = design.Countercyclical

    def __init__(self, spec, fund: Fund) -> None:
        super().__init__(spec, fund)
        self.holdings: list[Lot] = []

    def on_quarter(self) -> None:
        ctx = self.ctx
        q = ctx.quarter
        if ctx.market.regime[q] == 2:
            for r in range(len(ctx.spec.regions)):
                self.buy_in_region(r)
        for lot in list(self.holdings):
            phase = lot.phase
            if phase.completion is not None and ctx.env.now >= phase.completion + self.spec.resale_after_quarters:
                price = ctx.econ.sale_value[phase.area.region_index, q, OWNER]
                self.fund.take_back(lot.award, "outside:home_buyers", lot.homes * price, "countercyclical_resale",
                                    phase)
                self.holdings.remove(lot)
            elif phase.stage_name == "abandoned":  # contract void: the developer returns the money
                self.fund.take_back(lot.award, phase.area.developer.account, lot.paid, "countercyclical_refund",
                                    phase)
                self.holdings.remove(lot)

    def buy_in_region(self, r: int) -> None:
        from sim.funds.fund import Award

        ctx = self.ctx
        region_name = ctx.spec.regions[r].name
        if self.fund.regions and region_name not in self.fund.regions:
            return
        budget_homes = self.spec.homes_per_quarter
        price = ctx.econ.sale_value[r, ctx.quarter, OWNER] * (1 - self.spec.discount)
        for phase in [p for p in ctx.sales.on_sale_in(r) if p.construction_start is None]:
            if budget_homes <= 0 or price <= 0:
                break
            n = min(budget_homes, phase.owner_homes - phase.owner_sold, self.fund.available / price)
            if n <= 0:
                continue
            award = Award(self.fund, self, phase.area, ctx.env.now, n * price)
            self.fund.awards.append(award)
            paid = self.fund.pay_out(award, phase.area.developer.account, n * price, "countercyclical_purchase", phase)
            phase.owner_sold += n
            phase.fund_sold += n
            budget_homes -= n
            self.holdings.append(Lot(award, phase, n, paid))
            ctx.books.log(phase, "countercyclical_purchase", homes=n, paid=paid)


@INSTRUMENTS.register
class EarmarkedInstrument(InstrumentBase):
    """Pays a share of named public-works items of eligible areas when they are paid."""

    type = "earmarked_cofunding"
    Params = design.Earmarked

    def needed(self, area: AreaPlan) -> float:
        return self.spec.share * sum(p.estimates.get(i, 0.0) * self.ctx.item_index(area, i)
                                     for p in area.phases if p.is_open for i in self.spec.items if i in p.unpaid)

    def eligible(self, area: AreaPlan) -> tuple[bool, str]:
        ok = area.spec.homes >= self.spec.min_homes and self.needed(area) > 0 and any(
            p.stage >= 0 for p in area.phases)
        return ok, "earmarked works ahead" if ok else "no eligible works"

    def award_size(self, area: AreaPlan) -> float:
        return self.needed(area) * 1.2  # room for overruns

    def works_support(self, area: AreaPlan) -> float:
        return min(self.outstanding(area), self.needed(area))

    def on_work_paid(self, phase: PhaseState, item: str, amount: float, payer_role: str) -> None:
        if item not in self.spec.items:
            return
        for award in self.my_awards(phase.area):
            self.fund.pay_out(award, self.parties.account_of(phase.area, payer_role), self.spec.share * amount,
                              "earmarked_cofunding", phase)


def make_instrument(spec: design.InstrumentParams, fund: Fund) -> InstrumentBase:
    """The instrument of ``spec.type`` for a fund (a registered type; the design was validated)."""
    return INSTRUMENTS.resolve(spec.type, field="funds.instruments.type")(spec, fund)
