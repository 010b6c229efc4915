"""AreaModel: one run of the portfolio of areas, one Mesa step per quarter.

The fixed order of a quarter (see docs/ODD.md, "Process overview and scheduling"):

1. **market** — the quarter's prices, costs, rates and absorption are read from the
   pre-drawn market path;
2. **funds** — open and allocate (slot for the Funds issue; no fund in Core);
3. **municipalities act** — stop phases that waited too long; in Q4 close the books (BBV);
4. **negotiations** — (Core: none; land is sold at residual value, a temporary rule);
5. **home buyers, housing associations, investors and developers decide** — the
   region's new-build absorption is shared over phases on sale; housing associations
   reset their room in Q1; developers give phases the go;
6. **interest** on money invested in land development and construction;
7. **SimPy** runs every lifecycle process to the end of the quarter (``env.run``);
8. **data collected**.

Randomness: ``model.rng`` (seeded by the scenario seed) spawns four independent streams,
market, costs, durations and behaviour, so the market future and the drawn costs and
durations of a seed are the same whatever the agents do (common random numbers).
"""

from __future__ import annotations

from collections import defaultdict

import mesa
import numpy as np
import simpy

from sim import payments
from sim.agents import Developer, HousingAssociation, Investor, Municipality
from sim.area import OWNER, SOCIAL, AreaPlan, PhaseState, build_areas
from sim.collect import make_datacollector
from sim.cooperation import resolve
from sim.durations import APPEAL_DRAW, draw_uniforms, stage_durations
from sim.funds.design import FundDesign, load_design
from sim.funds.fund import Fund
from sim.ledger import BOOK_CATEGORIES, Ledger, party_kind, party_of
from sim.lifecycle import phase_lifecycle
from sim.market import generate_path
from sim.negotiation.broker import negotiate, unstarted
from sim.negotiation.cache import NegotiationCache
from sim.negotiation.protocols import resolve_protocol
from sim.scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from sim.valuation import home_economics

BUYER_INSTALMENT_AT_START = 0.5
"""Share of the price buyers pay at construction start (or at sale, if later), the rest at transfer
(assumption: Dutch new-build buyers pay the land part and construction terms during construction)."""
INTEREST_PAYERS = ("municipality", "developer")
"""Parties charged interest on money invested in an area (grex book value; development loans)."""
RETRY_QUARTERS = 8
"""Quarters after a failed negotiation before the parties try again (unless prices move)."""
MIN_DEAL_QUARTERS = 8
"""A deal is not reopened within this many quarters of signing."""
ELECTION_YEAR = 2026
"""A Dutch municipal election year (elections every four years, in Q1)."""


class AreaModel(mesa.Model):
    """The area-transformation model for one scenario and seed.

    Args:
        scenario: a validated scenario (default: the built-in ``nl_programme``).
        seed: overrides the scenario's seed.
        rng: accepted for ``mesa.batch_run`` compatibility (an int seed); same as ``seed``.
        fund_design: the fund design in force (default: the scenario's ``[funds] design``, by name).
        collect: 'quarterly' records the model series and the per-area table every quarter;
            'lean' records the model series at year ends and the area table only in the last quarter
            (what experiments store; data collection is a quarter to a third of a run).
        negotiation_cache: shared by runs of the same future (paired lever values) so identical
            negotiations are settled once (see sim.negotiation.cache; results are unchanged).
    """

    def __init__(self, scenario: Scenario | None = None, seed: int | None = None, rng: int | None = None,
                 fund_design: FundDesign | None = None, collect: str = "quarterly",
                 negotiation_cache: NegotiationCache | None = None) -> None:
        if scenario is None:
            scenario = load_scenario(DEFAULT_SCENARIO)
        if seed is None:
            seed = rng if rng is not None else scenario.seed
        super().__init__(rng=int(seed))
        self.spec = scenario
        self.seed = int(seed)
        if collect not in ("quarterly", "lean"):
            raise ValueError(f"collect must be 'quarterly' or 'lean', not {collect!r}")
        self.collect_mode = collect
        self.negotiation_cache = negotiation_cache
        market_rng, cost_rng, duration_rng, behaviour_rng = self.rng.spawn(4)
        self.behaviour_rng = behaviour_rng
        self.quarter = 0
        self.n_quarters = scenario.n_quarters

        self.market = generate_path(scenario.market, scenario.regions, self.n_quarters, scenario.start_year,
                                    market_rng)
        self.econ = home_economics(scenario, self.market)
        self.areas = build_areas(scenario, cost_rng)
        self.phases: list[PhaseState] = [p for a in self.areas for p in a.phases]
        uniforms = draw_uniforms(len(self.phases), duration_rng)
        self.durations = stage_durations(scenario, uniforms, [p.area.archetype for p in self.phases])
        self.appealed = uniforms[:, APPEAL_DRAW] < scenario.lifecycle.appeal_probability

        self.env = simpy.Environment()
        self.ledger = Ledger()
        self.events: list[dict] = []
        self._invested: defaultdict[tuple[str, str], float] = defaultdict(float)
        self.experience: dict[tuple[str, str], int] = {}
        self.protocol = resolve_protocol(scenario.actors.negotiation.protocol)
        for area in self.areas:
            area.coop = resolve(area.cooperation, field=f"areas[{area.name}].cooperation")
        self._create_actors()
        self._create_capacity()
        self.fund_design = fund_design if fund_design is not None else load_design(scenario.funds.design)
        self.funds = [Fund(self, spec) for spec in self.fund_design.funds]
        self._instruments = [i for f in self.funds for i in f.instruments]
        n_elections = self.n_quarters // 16 + 2
        self.election_draws = behaviour_rng.random((n_elections, len(self.municipalities), 2))
        self.first_election_quarter = 4 * ((ELECTION_YEAR - scenario.start_year) % 4)

        n_regions = len(scenario.regions)
        self.started = np.zeros((n_regions, 4))
        self.completed = np.zeros((n_regions, 4))
        self.completed_total = np.zeros((n_regions, 4))
        self.sold = np.zeros(n_regions)  # owner-occupied new homes sold this quarter, per region
        self._selling: list[PhaseState] = []
        for gid, phase in enumerate(self.phases):
            phase.process = self.env.process(phase_lifecycle(self, phase, gid))
        self.datacollector = make_datacollector(self)

    # ------------------------------------------------------------------ set-up
    def _create_actors(self) -> None:
        spec = self.spec
        self.municipalities = [Municipality(self, r.name, i) for i, r in enumerate(spec.regions)]
        self.housing_associations = [HousingAssociation(self, r.name, i) for i, r in enumerate(spec.regions)]
        self.developers = [Developer(self, str(i + 1)) for i in range(spec.actors.developers.count)]
        self.investors = [Investor(self, str(i + 1)) for i in range(spec.actors.investors.count)]
        for a_i, area in enumerate(self.areas):
            self.municipalities[area.region_index].areas.append(area)
            # Developers hold areas in turn (assumption: positions spread over the market parties).
            area.developer = self.developers[a_i % len(self.developers)]
            area.developer.areas.append(area)
            for phase in area.phases:
                phase.housing_association = self.housing_associations[area.region_index]

    def _create_capacity(self) -> None:
        spec = self.spec
        for m in self.municipalities:
            m.planning_staff = simpy.Resource(self.env, capacity=spec.actors.municipality.planning_staff)
        self.appeals_court = simpy.Resource(self.env, capacity=spec.lifecycle.appeals_court_capacity)
        self.construction_capacity = [
            simpy.Container(self.env, capacity=r.construction_capacity_homes, init=r.construction_capacity_homes)
            for r in spec.regions]

    def municipality_of(self, phase: PhaseState) -> Municipality:
        return self.municipalities[phase.area.region_index]

    # ------------------------------------------------------------------ funds
    def fund_hook(self, name: str, *args) -> None:
        """Call an instrument hook on every instrument of every fund (see sim.funds.instruments)."""
        for instrument in self._instruments:
            getattr(instrument, name)(*args)

    def presale_threshold(self, phase: PhaseState) -> float:
        """Presale share a phase needs (a sales guarantee may lower it)."""
        threshold = self.spec.actors.developers.presale_threshold
        for instrument in self._instruments:
            threshold = instrument.presale_threshold(phase, threshold)
        return threshold

    def fund_support(self, area: AreaPlan) -> tuple[float, float, float]:
        """(€ for the municipality, € for the developer, € of works paid) that funds bring to an area's deal."""
        return (float(sum(i.municipal_support(area) for i in self._instruments)),
                float(sum(i.developer_support(area) for i in self._instruments)),
                float(sum(i.works_support(area) for i in self._instruments)))

    def developer_support_phase(self, phase: PhaseState) -> float:
        """€ of fund support counted in a phase's go decision (start subsidies)."""
        return sum(i.developer_support_phase(phase) for i in self._instruments)

    def pick_investor(self, phase: PhaseState) -> bool:
        """Offer a rental block to investors in turn (by region and phase); True if one funds it."""
        n = len(self.investors)
        for k in range(n):
            investor = self.investors[(phase.area.region_index + phase.index + k) % n]
            if investor.consider_forward_funding(phase):
                return True
        return False

    # ------------------------------------------------------------------ money and log
    def book(self, source: str, target: str, amount: float, category: str, phase: PhaseState | None = None,
             area_name: str | None = None) -> None:
        """Record a transfer (€) in the ledger, attributed to a phase (or just an area)."""
        area = area_name if area_name is not None else (phase.area.name if phase is not None else "")
        index = phase.index if (phase is not None and area_name is None) else -1
        self.ledger.transfer(self.env.now, source, target, amount, category, area, index)
        if area and category not in BOOK_CATEGORIES:
            for account, sign in ((source, -1.0), (target, 1.0)):
                if party_kind(account) in INTEREST_PAYERS:
                    self._invested[(party_of(account), area)] += sign * amount

    def log(self, phase: PhaseState, event: str, **numbers) -> None:
        """Record an explainable event for a phase (time in quarters, numbers in € or fractions)."""
        self.events.append({"time": float(self.env.now), "area": phase.area.name, "phase": phase.index,
                            "event": event, **numbers})

    def log_area(self, area: AreaPlan, event: str, **numbers) -> None:
        """Record an event for a whole area (phase -1)."""
        self.events.append({"time": float(self.env.now), "area": area.name, "phase": -1, "event": event, **numbers})

    def log_municipal(self, municipality: Municipality, event: str, **numbers) -> None:
        """Record an event of a municipality (area '')."""
        self.events.append({"time": float(self.env.now), "area": "", "phase": -1, "event": event,
                            "party": municipality.account, **numbers})

    # ------------------------------------------------------------------ lifecycle callbacks
    def start_construction(self, phase: PhaseState) -> None:
        """Land payments, first construction instalment and forward-funding payment at construction start."""
        q = self.quarter
        r = phase.area.region_index
        cost = self.econ.construction_cost[q]
        phase.developer = developer = phase.area.developer
        association = phase.housing_association
        payments.sell_land(self, phase)
        phase.contract_market = float(np.dot(phase.homes[SOCIAL + 1:], cost[SOCIAL + 1:]))
        phase.contract_social = float(phase.homes[SOCIAL] * cost[SOCIAL])
        developer.pay("outside:contractors", phase.contract_market / 2, "construction", phase)
        association.pay("outside:contractors", phase.contract_social / 2, "construction", phase)
        if phase.investor is not None:
            developer.receive(phase.investor.account, phase.rental_price / 2, "forward_funding", phase)
        instalment = BUYER_INSTALMENT_AT_START * phase.owner_revenue
        developer.receive("outside:home_buyers", instalment, "home_sales", phase)
        phase.owner_received += instalment
        phase.construction_start = self.env.now
        self.started[r] += phase.homes
        self.fund_hook("on_construction_start", phase)

    def complete_construction(self, phase: PhaseState) -> None:
        """Second construction instalment and the rest of the forward-funding price at completion."""
        phase.developer.pay("outside:contractors", phase.contract_market / 2, "construction", phase)
        phase.housing_association.pay("outside:contractors", phase.contract_social / 2, "construction", phase)
        if phase.investor is not None:
            phase.developer.receive(phase.investor.account, phase.rental_price / 2, "forward_funding", phase)
        phase.completion = self.env.now
        r = phase.area.region_index
        self.completed[r] += phase.homes
        self.completed_total[r] += phase.homes

    def transfer(self, phase: PhaseState) -> None:
        """Buyers pay for their homes: presold at the contract price, the rest at today's price."""
        unsold = phase.owner_homes - phase.owner_sold
        if unsold > 0:
            price = self.econ.sale_value[phase.area.region_index, self.quarter, OWNER]
            for instrument in self._instruments:  # a sales guarantee takes unsold homes first
                unsold -= instrument.on_transfer(phase, unsold, price)
            phase.owner_revenue += unsold * price
            phase.owner_sold = float(phase.owner_homes)
            self.log(phase, "sold_at_completion", homes=unsold, price=price)
        phase.developer.receive("outside:home_buyers", phase.owner_revenue - phase.owner_received, "home_sales",
                                phase)
        phase.owner_received = phase.owner_revenue

    # ------------------------------------------------------------------ the quarter
    def open_sales(self, phase: PhaseState) -> None:
        """Offer a phase's owner-occupied homes to buyers (from the irrevocable zoning plan on)."""
        if phase.owner_homes and not phase.on_sale:
            phase.on_sale = True
            self._selling.append(phase)

    def _sell_new_homes(self) -> None:
        """Share each region's new-build absorption (homes/quarter) over phases on sale, by unsold homes."""
        if not self._selling:
            return
        q = self.quarter
        by_region: dict[int, list[PhaseState]] = defaultdict(list)
        for phase in self._selling:
            by_region[phase.area.region_index].append(phase)
        for r, phases in by_region.items():
            absorption = self.spec.regions[r].absorption_homes_per_quarter * self.market.absorption_factor[r, q]
            unsold = np.array([p.owner_homes - p.owner_sold for p in phases])
            total = unsold.sum()
            if total <= 0:
                continue
            sold = np.minimum(unsold, absorption * unsold / total)
            self.sold[r] += sold.sum()
            price = self.econ.sale_value[r, q, OWNER]
            for phase, n in zip(phases, sold, strict=True):
                phase.owner_sold += float(n)
                phase.owner_revenue += float(n) * price
                if phase.construction_start is not None:  # sold during construction: first instalment now
                    instalment = BUYER_INSTALMENT_AT_START * float(n) * price
                    phase.developer.receive("outside:home_buyers", instalment, "home_sales", phase)
                    phase.owner_received += instalment
        self._close_sales()

    def _close_sales(self) -> None:
        """Take sold-out, transferred and abandoned phases off the market."""
        keep = []
        for p in self._selling:
            if p.is_open and p.owner_sold < p.owner_homes - 1e-9 and p.completion is None:
                keep.append(p)
            else:
                p.on_sale = False
        self._selling = keep

    def _charge_interest(self) -> None:
        """Quarterly interest on money invested per party and area, and developers' land carrying cost."""
        q = self.quarter
        bond = self.market.bond_rate[q]
        spreads = {"municipality": self.spec.actors.municipality.borrowing_spread,
                   "developer": self.spec.actors.developers.borrowing_spread}
        for (party, area), net in list(self._invested.items()):
            if net < 0:
                rate = max(0.0, bond + spreads[party_kind(party)])
                interest = -net * ((1 + rate) ** 0.25 - 1)
                self.book(party, "outside:lenders", interest, "interest", area_name=area)
        rate_q = (1 + max(0.0, bond + spreads["developer"])) ** 0.25 - 1
        index = self.market.cost_index[q]
        for area in self.areas:
            value = payments.developer_land_position(area) * index  # 0 once a land bank holds it
            if value > 0 and area.developer is not None:
                self.book(area.developer.account, "outside:lenders", value * rate_q, "land_carrying_cost",
                          area_name=area.name)

    def _hold_elections(self) -> None:
        q = self.quarter
        if q >= self.first_election_quarter and (q - self.first_election_quarter) % 16 == 0:
            k = (q - self.first_election_quarter) // 16
            for i, m in enumerate(self.municipalities):
                m.hold_election(*self.election_draws[k, i])

    def _check_developers(self) -> None:
        """Developers beyond their credit limit fail; their areas pass to the next developer."""
        for developer in self.developers:
            if developer.check_solvency():
                self.events.append({"time": float(self.env.now), "area": "", "phase": -1,
                                    "event": "developer_failed", "party": developer.account,
                                    "cash": developer.cash, "credit_limit": developer.credit_limit})
                for area in list(developer.areas):
                    if unstarted(area):
                        self.hand_over(area, "developer failed")

    def hand_over(self, area: AreaPlan, reason: str) -> None:
        """The area's position passes to the next solvent developer (the deal is void)."""
        old = area.developer
        n = len(self.developers)
        start = self.developers.index(old)
        candidates = [self.developers[(start + k) % n] for k in range(1, n + 1)]
        new = next((d for d in candidates if not d.failed and d is not old), None)
        area.deal = None
        area.last_attempt = None
        if new is None:
            self.log_area(area, "developer_exit", leaving=old.account, joining="", reason=reason + "; no developer left")
            return
        old.areas.remove(area)
        new.areas.append(area)
        area.developer = new
        self.log_area(area, "developer_exit", leaving=old.account, joining=new.account, reason=reason)

    def _negotiations(self) -> None:
        """Open, retry or reopen area deals (see sim.negotiation.broker)."""
        neg = self.spec.actors.negotiation
        flex = self.spec.actors.municipality.affordable_flexibility
        now = self.env.now
        for area in self.areas:
            if area.developer is None or area.developer.failed or not unstarted(area):
                continue
            if all(p.stage < 0 for p in area.phases):
                continue
            price = self.market.price_index[area.region_index, self.quarter]
            deal = area.deal
            if deal is None:
                moved = abs(price / area.last_attempt_price - 1) > neg.renegotiation_threshold
                if area.last_attempt is None or moved or now - area.last_attempt >= RETRY_QUARTERS:
                    area.deal = negotiate(self, area, "first deal" if area.last_attempt is None else "retry")
                continue
            moved = abs(price / deal.price_index - 1) > neg.renegotiation_threshold
            gap = abs(area.affordable_demand - deal.terms.affordable_share) > flex + 1e-9
            if (moved or gap) and now - deal.time >= MIN_DEAL_QUARTERS and not deal.imposed:
                why = "market moved" if moved else "programme demand changed"
                new = negotiate(self, area, "renegotiation: " + why)
                if new is None:
                    self.hand_over(area, "renegotiation failed")
                else:
                    area.deal = new

    def step(self) -> None:
        """One quarter, in the fixed order documented in the module docstring."""
        self.quarter = q = self.steps - 1
        self.started[:] = 0
        self.completed[:] = 0
        self.sold[:] = 0
        # 2. funds open and allocate; instruments monitor deadlines, loans, guarantees, purchases
        for fund in self.funds:
            fund.allocate()
        self.fund_hook("on_quarter")
        # 3. municipalities act: elections, stale phases; developers that went bankrupt are out
        self._hold_elections()
        for m in self.municipalities:
            m.stop_stale_phases()
        self._check_developers()
        if q % 4 == 0:
            for h in self.housing_associations:
                h.new_year()
            for i in self.investors:
                i.new_year()
        # 4. negotiations
        self._negotiations()
        # 5. home buyers, then developers (who ask housing associations and investors) decide
        self._sell_new_homes()
        for d in self.developers:
            d.decide()
        # 6. interest
        self._charge_interest()
        # 7. processes run to the end of the quarter
        self.env.run(until=q + 1)
        if q % 4 == 3:
            for m in self.municipalities:
                m.close_books()
            for area in self.areas:
                if area.coop.land_receiver == "jv":
                    payments.distribute_jv(self, area)
            self.fund_hook("on_year_end")
        # 8. data
        if self.collect_mode == "quarterly" or q % 4 == 3 or self.steps >= self.n_quarters:
            self.datacollector.collect(self)
        if self.steps >= self.n_quarters:
            self.running = False

    def run(self, quarters: int | None = None, progress=None) -> AreaModel:
        """Run ``quarters`` steps (default: the whole horizon); ``progress(q)`` is called after each."""
        n = self.n_quarters - self.steps if quarters is None else quarters
        for _ in range(n):
            self.step()
            if progress is not None:
                progress(self.steps)
        return self
