"""Fund agents: budget, applications, allocation, awards, monitoring — all money through the ledger.

A fund receives its budget from ``outside:treasury`` at the start. Its instruments (see
:mod:`sim.funds.instruments`) decide eligibility, award sizes and cash flows. The fund never
commits more than it has: available = budget + money returned − commitments (paid or not)
+ commitments released.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sim.agents.base import Actor
from sim.funds.design import FundSpec

if TYPE_CHECKING:
    import mesa

    from sim.agents.parties import Parties
    from sim.area import AreaPlan
    from sim.context import RunContext


class Instrument(Protocol):
    """What a fund knows of its instruments (the full interface is sim.funds.instruments.InstrumentBase)."""

    type: str


@dataclass
class Award:
    """A commitment of a fund to an area under one instrument (€)."""

    fund: Fund
    instrument: Instrument
    area: AreaPlan
    time: float
    committed: float
    paid: float = 0.0
    returned: float = 0.0
    released: float = 0.0  # commitment given back (deadline missed, clawback, not needed)
    closed: bool = False
    first_deadline: float = float("inf")  # quarter by which the first phase must start (grants)
    last_deadline: float = float("inf")  # quarter by which the last phase must start (grants)
    deadline: float = float("inf")  # quarter by which a subsidised phase must start (start subsidies)
    per_home: float = 0.0  # € paid per home (land bank positions, sold back per phase)
    programme_share: float = 0.0  # affordable share (fraction) the area applied with and must keep (grants)

    @property
    def outstanding(self) -> float:
        """€ committed but neither paid nor released."""
        return max(0.0, self.committed - self.paid - self.released)


class Fund(Actor):
    """A public fund (state, province or region).

    Attributes:
        spec: its design (budget €, allocation, instruments).
        awards: all awards made.
        exhausted_at: quarter when it could no longer make an award (None while it can).
    """

    kind = "fund"
    public = True

    def __init__(self, model: mesa.Model, ctx: RunContext, parties: Parties, spec: FundSpec) -> None:
        super().__init__(model, ctx, spec.name)
        self.parties = parties
        self.spec = spec
        self.instruments: list[Instrument] = []  # set by the portfolio (sim.funds.portfolio)
        self.awards: list[Award] = []
        self.exhausted_at: float | None = None
        self.levies = 0.0  # € received from regional levies (cross-subsidy)
        self.regions = set(spec.regions)
        ctx.books.book("outside:treasury", self.account, spec.budget, "fund_budget")

    # ------------------------------------------------------------------ money
    @property
    def committed(self) -> float:
        return sum(a.committed - a.released for a in self.awards)

    @property
    def paid(self) -> float:
        return sum(a.paid for a in self.awards)

    @property
    def returned(self) -> float:
        return sum(a.returned for a in self.awards)

    @property
    def available(self) -> float:
        """€ the fund can still commit."""
        return max(0.0, self.spec.budget + self.returned + self.levies - self.committed)

    def serves(self, area: AreaPlan) -> bool:
        return not self.regions or self.ctx.spec.regions[area.region_index].name in self.regions

    def pay_out(self, award: Award, target: str, amount: float, category: str, phase=None) -> float:
        """Pay (part of) an award; never more than what is outstanding. Returns € paid."""
        amount = min(amount, award.outstanding)
        if amount <= 0:
            return 0.0
        award.paid += amount
        self.ctx.books.book(self.account, target, amount, category, phase,
                        area_name=None if phase is not None else award.area.name)
        return amount

    def take_back(self, award: Award, source: str, amount: float, category: str, phase=None) -> None:
        """Money flowing back to the fund (repayment, clawback, resale, levy)."""
        if amount <= 0:
            return
        award.returned += amount
        self.ctx.books.book(source, self.account, amount, category, phase,
                        area_name=None if phase is not None else award.area.name)

    def release(self, award: Award, amount: float | None = None) -> None:
        """Give back an unpaid commitment (all of it by default)."""
        award.released += award.outstanding if amount is None else min(amount, award.outstanding)

    # ------------------------------------------------------------------ allocation
    def is_open(self) -> bool:
        """Does the fund decide on applications this quarter?"""
        q = self.ctx.quarter
        if self.spec.allocation == "tranches":
            return any(int(round(4 * y)) == q for y in self.spec.tranche_years)
        return True

    def allocate(self) -> None:
        """Collect applications from eligible areas and award them in the fund's order.

        Each instrument's applicants choose what they submit (a municipality applies where a grant changes
        its decision most, within the co-financing its reserves allow). Applications compete in the round:
        ranked by the instrument's score (tranches, continuous) or by arrival (first come); when the money
        runs out the rest are refused (``fund_application_refused``), and the round is logged
        (tranches: ``fund_round`` with applications, € asked, awards, € awarded, refused).
        """
        if not self.is_open():
            return
        ctx = self.ctx
        applications = []
        for instrument in self.instruments:
            asks = []
            for area in ctx.areas:
                if not self.serves(area) or any(a.area is area and a.instrument is instrument for a in self.awards):
                    continue  # one award per area and instrument (a lapsed award is not renewed)
                ok, reason = instrument.eligible(area)
                if ok:
                    size = instrument.award_size(area)
                    if size > 0:
                        asks.append((area, size))
            for area, size in instrument.select_applications(asks):
                applications.append((instrument.score(area), area.spec.start_quarter, area, instrument, size))
        if self.spec.allocation == "first_come":
            applications.sort(key=lambda a: (a[1], a[2].name))  # earliest areas first
        else:  # tranches and continuous: ranked by the instrument's scoring rule
            applications.sort(key=lambda a: (-a[0], a[2].name))
        awarded, refused, granted = 0, 0, 0.0
        for score, _, area, instrument, size in applications:
            grant = min(size, self.available)
            if grant <= 0 or grant < 0.25 * size:  # partial awards below a quarter of the ask are refused
                ctx.books.log_area(area, "fund_application_refused", fund=self.account,
                               instrument=instrument.type, asked=size, available=self.available,
                               reason="budget oversubscribed: ranked below the awards of this round")
                refused += 1
                continue
            award = Award(self, instrument, area, ctx.env.now, grant)
            self.awards.append(award)
            instrument.on_award(award)
            ctx.books.log_area(area, "fund_award", fund=self.account, instrument=instrument.type, committed=grant,
                           score=score)
            awarded += 1
            granted += grant
        if applications and self.spec.allocation == "tranches":
            ctx.books.log_party(self.account, "fund_round", applications=len(applications),
                                asked=float(sum(a[4] for a in applications)), awards=awarded, awarded=granted,
                                refused=refused)
        if self.exhausted_at is None and self.available < 1.0 and self.awards:
            self.exhausted_at = ctx.env.now

    def awards_for(self, area: AreaPlan, instrument_type: str | None = None) -> list[Award]:
        return [a for a in self.awards if a.area is area and not a.closed
                and (instrument_type is None or a.instrument.type == instrument_type)]
