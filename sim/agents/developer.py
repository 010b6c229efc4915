"""Developer: holds areas, negotiates deals, sells homes before building, starts phases, may fail."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.base import Actor
from sim.area import OWNER, STAGE_INDEX, AreaPlan, PhaseState
from sim.beliefs import Beliefs
from sim.jv_share import is_joint, take_over_share
from sim.valuation import phase_market_value

if TYPE_CHECKING:
    import mesa

    from sim.context import RunContext


_BANK_MARKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Per run context: {entry quarter: (T,) land-bank write-downs per € of cost} (see Developer._bank_marks)."""
_PRESALE_REASONS: dict[tuple[float, float], str] = {}
"""{(presale share, threshold): the waiting reason as formatted} (the same string; formatting is the costly part)."""
_DONE = STAGE_INDEX["done"]  # a phase is open while its stage is below this (PhaseState.is_open)
LAND_BANK_YEARS = 5
"""Years over which a developer's land bank was bought (its cost is the mean land value of those years);
assumption, checked against the 25-30 % write-down of Dutch land banks 2008-2012 (docs/ODD.md §7.8)."""


def _settled(phase: PhaseState, developer: Developer) -> bool:
    """A phase that adds exactly 0.0 to ``developer``'s project marks in this and every later quarter.

    Started by another developer (``phase.developer`` is set once, at the construction start), or settled:
    handed over to its buyers (``transferred``, after completion), off the market with no unsold homes and
    nothing owed by buyers (``owner_revenue − owner_received`` is 0.0). Nothing changes such a phase's sales
    any more (sales and fund purchases need it on the market or not yet started, presales dissolve only
    before the start, programmes are re-split only before the go), so its term stays ``0.0``; and adding
    ±0.0 leaves the marks' running total (which starts at +0.0, so it is never −0.0) the same double.
    Guarded in tests/test_developer_fastpath.py.
    """
    if phase.construction_start is None:
        return False
    if phase.developer is not developer:
        return True
    return (phase.transferred and not phase.on_sale and phase.completion is not None
            and phase.owner_revenue - phase.owner_received == 0.0
            and not int(phase.homes.item(OWNER)) - phase.owner_sold > 1e-9)


def _jv_stake(coop) -> bool:
    """The developer holds a stake in the area's joint land company (a share strictly between 0 and 1)."""
    return (coop.works_payer == "jv" or coop.land_receiver == "jv") and 0 < coop.jv_municipal_share < 1


def _position_write_down(book: float, index: float, cost: float) -> float:
    """€ (≤ 0) a land position of ``book`` € (start-year prices) stands below its cost: book × min(0, index / cost − 1)
    with land index ``index`` and cost index ``cost`` (nothing without a positive cost). The one rule for
    ``Developer.write_downs`` and the floor under it (``Developer._set_floor``)."""
    if cost > 0:
        below = index / cost - 1
        return book * (below if below < 0.0 else 0.0)  # min(0.0, below), without the builtin
    return 0.0


class Developer(Actor):
    """A project developer.

    Attributes:
        params: scenario ``[actors.developers]`` (margins and presale threshold as fractions,
            equity €, leverage × equity).
        areas: areas it holds.
        beliefs: its belief-ensemble generator (extrapolative by default); risk_aversion (0-1).
        failed: it went bankrupt (its net cash fell below −(equity + borrowing limit)).
    """

    kind = "developer"

    def __init__(self, model: mesa.Model, ctx: RunContext, name: str, index: int) -> None:
        super().__init__(model, ctx, name)
        self.params = ctx.spec.actors.developers
        self.beliefs = Beliefs.for_stream(self.params.expectation, ctx.spec.actors.negotiation, ctx.streams,
                                          "developer", index)
        self.risk_aversion = self.params.risk_aversion
        self.areas: list[AreaPlan] = []
        self.failed = False
        self.entered = ctx.quarter  # quarter it entered the market (0, or later for an entrant)
        self._bank: np.ndarray | None = None  # land bank write-down per € of cost, per quarter
        self._area_cost: dict[str, float] = {}  # land index at which it holds each area's positions (cost)
        self._land_start: dict[str, tuple] = {}  # per area: (€ residual land value at the start, homes weights)
        self._undecided: dict[AreaPlan, list[PhaseState]] = {}  # per area: its phases that may still get a go
        self._marked: dict[AreaPlan, list[PhaseState]] = {}  # per area: its phases that may still add to its marks
        self._write_down_areas: list | None = None  # [its areas as last seen, those that may add write-downs]
        self._floor: tuple[list[AreaPlan], float] | None = None  # (its areas, € floor on write-downs): see _set_floor

    @property
    def credit_limit(self) -> float:
        """€ it can be net invested before it fails: its equity after write-downs, a credit line on it, its projects.

        Land is carried at the lower of cost and market value (Dutch annual accounts): a fall in land
        values below cost is a write-down (``write_downs``) that eats equity; banks lend leverage ×
        the written-down equity, shrinking further when credit conditions tighten (× credit index **
        bank_credit_sensitivity: banks withdrew development finance after 2008). Projects it builds
        (``project_marks``) count at what buyers still owe and unsold homes at today's price.
        """
        return self._limit_given(self.write_downs())

    def _limit_given(self, write_downs: float) -> float:
        """``credit_limit`` for the given € write-downs. Never smaller for larger write-downs (less negative):
        every step is an addition or a product with a factor ≥ 0 (leverage, the bank factor), all monotone in
        floating point too."""
        p = self.params
        bank = self.ctx.market.credit_index.item(self.ctx.quarter) ** p.bank_credit_sensitivity  # item(): float()'s double
        equity = p.equity + write_downs  # negative when write-downs exceed it: no credit line then
        return equity + p.leverage * max(0.0, equity) * min(1.0, bank) + self.project_marks()

    def land_index(self, area: AreaPlan) -> float:
        """Market value of building land in ``area`` now relative to the start (≥ 0).

        The residual land value of the area's market homes (sale value − construction cost −
        margin, per segment, weighted by the programme) now over its value at the start: it moves
        with house prices with leverage, as Dutch developers' land banks did after 2008. Where the
        start value is not positive, the buy-out index (existing use + hope value) is used.
        """
        known = self._land_start.get(area.name)
        if known is None:
            econ, r = self.ctx.econ, area.region_index
            weights = area.homes_by_segment[1:].astype(float)
            start = float(econ.land_value[r, 0, 1:] @ weights)
            series = None
            if not start <= 0:  # (as the plain test `start <= 0` reads a NaN)
                # The index of every quarter at once, each the same double as ``max(0.0, float(np.dot(
                # land_value[r, q, 1:], weights)) / start)``: numpy's vecdot loops over the rows calling the same
                # inner product as np.dot of two 1-d arrays (DOUBLE_dot, on the same memory and strides), then
                # the same Python division and max per quarter. Guarded in tests/test_developer_fastpath.py.
                series = [max(0.0, value / start) for value in np.vecdot(econ.land_value[r, :, 1:], weights).tolist()]
            known = self._land_start[area.name] = (start, weights, series)
        series = known[2]
        if series is None:  # start value not positive
            return self.ctx.item_index(area, "acquisition")
        return series[self.ctx.quarter]

    def write_downs(self) -> float:
        """€ (≤ 0) by which its land stands below cost: positions in its areas and its land bank elsewhere.

        Positions in its areas were bought before the run (cost = start value): book × min(0, index − 1);
        positions taken over later (from a failed developer) are booked at their value on take-over.
        A stake in a joint land company carries its share of the company's write-downs since the plan (the
        plan deficit was priced into the deal): the growth of the municipality's provision for the area
        (its share s of the expected loss) since the account's first valuation × (1 − s) / s.
        The land bank (``land_bank`` × equity) turns over: its cost follows the mean land value of the
        last ``LAND_BANK_YEARS`` years (positions bought at the prices of their years), so it is written
        down when land values fall below that mean — after 2008 by 25-30 % (sources.md#developer-writedowns).

        ``_set_floor`` bounds this from below for ``check_solvency`` (the same terms at the lowest land index to
        come): a new term here, or a term that can fall by other means than the land index, must be added there
        too, or the floor stops being a lower bound (guarded in tests/test_developer_fastpath.py).
        """
        total = 0.0
        area_cost, later = self._area_cost, self.ctx.quarter > 0
        # The areas that may still add something: those whose land position is closed for good
        # (``AreaPlan.land_position_closed``: banked, no developers' land, no phase holding land) and that hold no
        # joint-company stake add nothing in any later quarter, so they are left out until the developer's areas
        # change (a hand-over); the others are visited in the developer's order. Guarded in
        # tests/test_developer_fastpath.py.
        known_areas = self._write_down_areas
        if known_areas is None or known_areas[0] != self.areas:
            known_areas = self._write_down_areas = [list(self.areas), list(self.areas)]
        closed = False
        for area in known_areas[1]:
            book = area.developer_land_position()  # € at start-year prices
            coop = area.coop
            jv = _jv_stake(coop)
            if book > 0:
                index = self.land_index(area)
                total += _position_write_down(book, index, area_cost.setdefault(area.name, index if later else 1.0))
            elif not (closed or jv) and area.land_position_closed:
                closed = True
            if jv:
                # its stake in a joint land company: its share of the company's write-downs since the plan (the
                # plan deficit was priced into the deal it signed), from the municipality's provisions (BBV)
                s = coop.jv_municipal_share
                municipality = self.model.parties.municipality_of(area)
                held = municipality.provisions.get(area.name, 0.0) - municipality.plan_provisions.get(area.name, 0.0)
                total -= max(0.0, held) * (1 - s) / s
        if closed:
            known_areas[1] = [area for area in known_areas[1] if not area.land_position_closed or _jv_stake(area.coop)]
        if self.params.land_bank > 0:
            total += self._land_bank_write_down(self._bank_marks().item(self.ctx.quarter))  # float()
        return total

    def _land_bank_write_down(self, mark: float) -> float:
        """€ (≤ 0) its land bank (``land_bank`` × equity) stands below cost at ``mark`` (write-down per € of cost)."""
        return self.params.land_bank * self.params.equity * mark

    def _bank_marks(self) -> np.ndarray:
        """(T,) the land bank's write-down per € of cost each quarter (≤ 0), computed once per run.

        The same for every developer that entered in the same quarter: computed once per run and entry
        quarter (kept on the run's context), read-only.
        """
        if self._bank is None:
            shared = _BANK_MARKS.setdefault(self.ctx, {})
            known = shared.get(self.entered)
            if known is not None:
                self._bank = known
                return known
            lv = self.ctx.econ.land_value[:, :, OWNER]  # (R, T) residual land value of an owner-occupied home
            base = np.where(lv[:, :1] > 0, lv[:, :1], 1.0)
            index = np.maximum(0.0, np.where(lv[:, :1] > 0, lv / base, self.ctx.market.price_index)).mean(axis=0)
            window = 4 * LAND_BANK_YEARS
            first = self.entered  # an entrant buys its land bank at the prices from its entry on
            cost = np.array([index[max(first, q - window + 1):q + 1].mean() if q >= first else index[first]
                             for q in range(len(index))])
            self._bank = np.minimum(0.0, index / np.maximum(cost, 1e-12) - 1) * (cost > 1e-12)  # no cost, no write-down
            self._bank.flags.writeable = False
            shared[self.entered] = self._bank
        return self._bank

    def project_marks(self) -> float:
        """€ its projects are worth beyond what its cash shows.

        Phases it builds, under construction or completed: what buyers and investors still owe
        (presold homes' remaining price, the forward funder's second half), plus unsold homes at
        today's price less the unsold discount, less the contractor's second instalment still to pay.
        """
        sale_value, q = self.ctx.econ.sale_value, self.ctx.quarter
        keep = 1 - self.params.unsold_discount
        total = 0.0
        marked = self._marked
        for area in self.areas:
            price = None  # the area's owner-occupied sale price this quarter, read once (item(): float()'s double)
            phases = marked.get(area)
            if phases is None:
                phases = marked[area] = area.phases
            dropped = False
            for phase in phases:
                if phase.construction_start is None:
                    continue
                if phase.developer is not self:  # started by another developer: for good (set at the start)
                    dropped = True
                    continue
                if phase.stage >= _DONE and not phase.transferred:  # abandoned (not is_open, not transferred)
                    continue
                unsold = int(phase.homes.item(OWNER)) - phase.owner_sold  # (PhaseState.owner_homes, inline)
                owed = phase.owner_revenue - phase.owner_received
                total += owed
                if unsold > 1e-9:
                    if price is None:
                        price = sale_value.item(area.region_index, q, OWNER)
                    total += unsold * price * keep
                elif owed == 0.0 and _settled(phase, self):
                    dropped = True  # settled for good: adds exactly 0.0 in every later quarter
                if phase.completion is None:
                    total += (phase.rental_price / 2 if phase.investor is not None else 0.0) - phase.contract_market / 2
            if dropped:
                marked[area] = [phase for phase in phases if not _settled(phase, self)]
        return total

    def check_solvency(self) -> bool:
        """Fail (once) when net cash is below −credit_limit; returns True if it just failed.

        A failed developer leaves the joint land companies it is a partner in: the municipality takes
        over its share (as when a partner cannot meet a capital call).

        The write-downs are computed only when the floor on them (``_set_floor``) leaves the test open: with
        the floor in their place the limit is never larger (``_limit_given``), so a developer whose cash is
        above minus that limit is solvent whatever the write-downs are (the same answer; most quarters).
        """
        if self.failed:
            return False
        floor = self._floor
        if floor is not None and floor[0] == self.areas and self.cash >= -self._limit_given(floor[1]):
            return False
        if self.cash < -self.credit_limit:
            self.failed = True
            for area in self.areas:
                if is_joint(area):
                    take_over_share(self.ctx.books, area, "jv_partner_exit", partner=self.account, call=0.0,
                                    developer_cash=self.cash, credit_limit=self.credit_limit,
                                    reason="developer failed; the municipality takes over its share")
            return True
        self._set_floor()
        return False

    def _set_floor(self) -> None:
        """Set the floor (€) under ``write_downs`` in this and every later quarter while it holds the same areas.

        Right after ``write_downs`` ran this quarter (so the cost of every position it holds is set; a position
        not held now is never held again), each area's term is at least its land position now (positions only
        shrink: phases stop holding land, never start again) × the write-down at the lowest land index from now
        on (``_lowest_index``; 0 where the index is the buy-out index, which is ≥ 0), and the land bank's at the
        lowest of its marks from now on. Each step is monotone in floating point (a sum of fewer non-negative
        estimates is not larger; products with a non-negative factor), so the floor is below the write-downs'
        double; a margin (10⁻⁶ relative and €1) is taken off besides. No floor (None) while it holds a stake in a
        joint land company (that term follows the municipality's provisions and has no bound; a stake, once
        given up, is not taken again). Guarded in tests/test_developer_fastpath.py.
        """
        q, area_cost, total = self.ctx.quarter, self._area_cost, 0.0
        for area in self.areas:
            if _jv_stake(area.coop):
                self._floor = None
                return
            book = area.developer_land_position()
            if book > 0:
                total += _position_write_down(book, self._lowest_index(area), area_cost[area.name])
        if self.params.land_bank > 0:
            total += self._land_bank_write_down(self._bank_marks()[q:].min().item())
        self._floor = (list(self.areas), total * (1 + 1e-6) - 1.0)

    def _lowest_index(self, area: AreaPlan) -> float:
        """The lowest ``land_index`` of ``area`` from this quarter on (0.0 where it is the buy-out index)."""
        self.land_index(area)  # (its series, made at first sight)
        series = self._land_start[area.name][2]
        return 0.0 if series is None else min(series[self.ctx.quarter:])

    def decide(self, pick_investor: Callable[[PhaseState], bool]) -> None:
        """Give a phase the go when the deal allows it, it is presold, still feasible and its blocks are funded.

        Go when (1) the area has a deal in force, (2) presales ≥ the presale threshold (owner-occupied
        homes; rental homes are forward-funded instead), (3) the residual land value of the phase's
        market homes at today's prices covers the agreed land price (the developer's margin is
        inside the residual value), (4) the housing association commits to the social homes and
        (5) an investor forward-funds the rental homes (``pick_investor``). Otherwise it waits (the
        reason is kept). Fund support counts through ``ctx.support`` (lower threshold, start subsidy).
        """
        ctx = self.ctx
        now = ctx.env.now
        if self.failed:
            return
        undecided = self._undecided
        presale_threshold, base = ctx.support.presale_threshold, self.params.presale_threshold  # read once
        for area in self.areas:
            deal = area.deal
            phases = undecided.get(area)
            if phases is None:
                phases = undecided[area] = area.phases
            if not phases:
                continue
            gone = False  # some phase got a go or closed (for good): the list is rebuilt after the loop
            for phase in phases:
                if phase.go_time is not None or phase.stage >= _DONE:  # given a go or closed (not is_open)
                    gone = True
                    continue
                if phase.go_event is None:
                    continue
                if deal is None or deal.effective_at > now:
                    phase.reason = "no deal in force" if deal is None else "deal not yet in force"
                    continue
                threshold = presale_threshold(phase, base)
                owner = int(phase.homes.item(OWNER))  # phase.presale_share, inline (the same ints and division)
                share = 1.0 if owner == 0 else phase.owner_sold / owner
                if share < threshold:
                    # (a signed zero formats as "-0%" but equals 0.0 as a key: zeros are formatted each time)
                    reason = _PRESALE_REASONS.get((share, threshold)) if share and threshold else None
                    if reason is None:
                        if len(_PRESALE_REASONS) > 4096:
                            _PRESALE_REASONS.clear()
                        reason = _PRESALE_REASONS[share, threshold] = f"presales {share:.0%} < {threshold:.0%}"
                    phase.reason = reason
                    continue
                value = phase_market_value(ctx.econ, phase, ctx.quarter)
                price = (max(0.0, value) if area.coop.land_price_at_market  # plots at today's residual value
                         else deal.terms.land_price * int(phase.homes[1:].sum()))
                # what the land costs the developer net: in a joint venture part of the price comes back
                net_price = price * (1 - area.coop.developer_share(area.coop.land_receiver))
                value += ctx.support.developer_support_phase(phase)  # e.g. a start subsidy
                if value < net_price:
                    phase.reason = (f"residual land value €{value:,.0f} below the agreed land price "
                                    f"€{price:,.0f} (net to the developer €{net_price:,.0f})")
                    continue
                if not phase.housing_association.consider_social_block(phase):
                    phase.reason = f"housing association cannot invest ({phase.housing_association.refusal} limit)"
                    continue
                if phase.rental_homes and not pick_investor(phase):
                    phase.reason = "no investor with capital for the rental homes"
                    continue
                phase.go_time = now
                gone = True
                phase.reason = "go"
                phase.go_event.succeed()
                ctx.books.log(phase, "go", land_value=value, land_price=price, net_land_price=net_price,
                          presale_share=phase.presale_share,
                          rental_price=phase.rental_price)
            if gone:  # the phases that may still get a go, in the area's order
                undecided[area] = [p for p in phases if p.go_time is None and p.stage < _DONE]
