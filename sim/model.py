"""AreaModel: one run of the portfolio of areas, one Mesa step per quarter.

The model keeps the clock, the fixed order of a quarter and the wiring; the run's parts own
their work (see docs/architecture.md). The order of a quarter (docs/ODD.md, "Process
overview and scheduling"):

1. **market** — the quarter's prices, costs, rates and absorption are read from the
   pre-drawn market path (``ctx.quarter`` indexes it);
2. **funds** — funds open and allocate; instruments monitor deadlines, loans, guarantees and
   purchases (:class:`sim.funds.portfolio.FundPortfolio`);
3. **municipalities act** — elections; phases that waited too long are stopped; developers
   beyond their credit limit fail and hand their areas over (a new developer enters when all
   have failed, out of a crash); in Q1 housing associations and investors start a new year;
4. **negotiations** — area deals are opened, retried or reopened (:mod:`sim.negotiation.upkeep`);
5. **home buyers, then developers decide** — the region's new-build absorption is shared over
   phases on sale (:class:`sim.sales.NewBuildSales`); developers give phases the go, asking
   housing associations and investors;
6. **interest** on money invested in land development and construction, and developers'
   land carrying costs (:class:`sim.books.Books`, :class:`sim.payments.LifecycleMoney`);
7. **SimPy** runs every lifecycle process to the end of the quarter (``env.run``); in Q4
   municipalities close their books (BBV), joint companies pay out, partners may leave them by choice
   (sim.jv_exit), instruments settle the year;
8. **data collected**.

Randomness (sim.streams): ``model.rng`` (seeded by the scenario seed) spawns one child stream
per purpose — market, costs, durations, each party's beliefs, each municipality's elections —
so the market future and the drawn costs and durations of a seed are the same whatever the
agents do, and adding a party or belief draws shifts no other stream (common random numbers).
"""

from __future__ import annotations

import mesa
import simpy

from sim.agents import Developer, HousingAssociation, Investor, Municipality
from sim.agents.entry import enter_if_stranded
from sim.agents.parties import Parties
from sim.area import build_areas
from sim.books import Books
from sim.collect import make_datacollector
from sim.context import RunContext
from sim.cooperation import resolve
from sim.durations import APPEAL_DRAW, draw_uniforms, stage_durations
from sim.funds.design import FundDesign, load_design
from sim.funds.portfolio import FundPortfolio
from sim.jv_exit import consider_exits
from sim.lifecycle import Capacities, phase_lifecycle
from sim.market import generate_path
from sim.negotiation import upkeep
from sim.negotiation.desk import NegotiationDesk
from sim.negotiation.protocols import resolve_protocol
from sim.payments import LifecycleMoney
from sim.sales import NewBuildSales
from sim.scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from sim.stalls import StallMonitor
from sim.streams import Streams
from sim.valuation import home_economics

ELECTION_YEAR = 2026
"""A Dutch municipal election year (elections every four years, in Q1)."""


class AreaModel(mesa.Model):
    """The area-transformation model for one scenario and seed.

    Args:
        scenario: a validated scenario (default: the built-in ``nl_programme``).
        seed: overrides the scenario's seed.
        rng: accepted for ``mesa.batch_run`` compatibility (an int seed); same as ``seed``.
        fund_design: the fund design in force (default: the scenario's ``[funds] design``, by name).
        collect: 'quarterly' (model series and area table every quarter), 'lean' (series at year ends, areas
            in the last quarter) or 'none' (nothing: runs that store outcomes, read off the finished run).
    """

    def __init__(self, scenario: Scenario | None = None, seed: int | None = None, rng: int | None = None,
                 fund_design: FundDesign | None = None, collect: str = "quarterly") -> None:
        scenario = load_scenario(DEFAULT_SCENARIO) if scenario is None else scenario
        seed = (rng if rng is not None else scenario.seed) if seed is None else seed
        super().__init__(rng=int(seed))
        if collect not in ("quarterly", "lean", "none"):
            raise ValueError(f"collect must be 'quarterly', 'lean' or 'none', not {collect!r}")
        self.spec, self.seed, self.collect_mode, self.n_quarters = scenario, int(seed), collect, scenario.n_quarters
        streams = Streams(self.rng)
        env = simpy.Environment()
        market = generate_path(scenario.market, scenario.regions, self.n_quarters, scenario.start_year, streams.market)
        econ = home_economics(scenario, market)
        books = Books(env)
        sales = NewBuildSales(scenario.regions, market, econ, scenario.actors.developers, books)
        self.ctx = ctx = RunContext(scenario, env, market, econ, build_areas(scenario, streams.costs), books, sales,
                                    streams)
        uniforms = draw_uniforms(len(ctx.phases), streams.durations)
        self.durations = durations = stage_durations(scenario, uniforms, [p.area.archetype for p in ctx.phases])
        self.appealed = appealed = uniforms[:, APPEAL_DRAW] < scenario.lifecycle.appeal_probability
        for area in ctx.areas:
            area.coop = resolve(area.cooperation, field=f"areas[{area.name}].cooperation")
        self.parties = self._create_parties(ctx)
        self.capacities = Capacities(env, scenario)
        self.fund_design = fund_design if fund_design is not None else load_design(scenario.funds.design)
        self.portfolio = ctx.support = FundPortfolio(self, ctx, self.parties, self.fund_design)
        self.desk = NegotiationDesk(ctx, self.parties, self.portfolio, resolve_protocol(
            scenario.actors.negotiation.protocol))
        self.money = LifecycleMoney(ctx, self.parties, self.portfolio)
        n_elections = self.n_quarters // 16 + 2
        self.election_draws = [streams.elections(i).random((n_elections, 2))
                               for i in range(len(self.parties.municipalities))]
        self.first_election_quarter = 4 * ((ELECTION_YEAR - scenario.start_year) % 4)
        self.stalls = StallMonitor(scenario, ctx.phases)
        for gid, (phase, phase_durations) in enumerate(zip(ctx.phases, durations.tolist(), strict=True)):  # floats
            phase.process = env.process(phase_lifecycle(ctx, self.money, self.capacities, phase, phase_durations,
                                                        bool(appealed[gid])))
        self.datacollector = make_datacollector(self)

    def _create_parties(self, ctx: RunContext) -> Parties:
        """One municipality and housing association per region, developers and investors; areas assigned."""
        regions, actors = ctx.spec.regions, ctx.spec.actors
        parties = Parties([Municipality(self, ctx, r.name, i) for i, r in enumerate(regions)],
                          [HousingAssociation(self, ctx, r.name, i) for i, r in enumerate(regions)],
                          [Developer(self, ctx, str(i + 1), i) for i in range(actors.developers.count)],
                          [Investor(self, ctx, str(i + 1)) for i in range(actors.investors.count)])
        for a_i, area in enumerate(ctx.areas):
            parties.municipalities[area.region_index].areas.append(area)
            # Developers hold areas in turn (assumption: positions spread over the market parties).
            area.developer = parties.developers[a_i % len(parties.developers)]
            area.developer.areas.append(area)
            for phase in area.phases:
                phase.housing_association = parties.housing_associations[area.region_index]
        return parties

    def _hold_elections(self, q: int) -> None:
        if q >= self.first_election_quarter and (q - self.first_election_quarter) % 16 == 0:
            k = (q - self.first_election_quarter) // 16
            for i, m in enumerate(self.parties.municipalities):
                m.hold_election(*self.election_draws[i][k])

    def step(self) -> None:
        """One quarter, in the fixed order documented in the module docstring."""
        ctx, parties = self.ctx, self.parties
        ctx.quarter = q = self.steps - 1                                  # 1. market
        ctx.started[:] = 0
        ctx.completed[:] = 0
        self.portfolio.allocate()                                         # 2. funds
        self._hold_elections(q)                                           # 3. municipalities act
        for m in parties.municipalities:
            m.stop_stale_phases()
            m.decide_land_works()
        upkeep.check_developers(self.desk)
        enter_if_stranded(self, self.desk)
        if q % 4 == 0:
            for actor in (*parties.housing_associations, *parties.investors):
                actor.new_year()
        upkeep.upkeep(self.desk)                                          # 4. negotiations
        ctx.sales.sell(q)                                                 # 5. buyers, then developers
        for d in parties.developers:
            d.decide(parties.pick_investor)
        self.stalls.observe()
        bond = ctx.market.bond_rate[q]                                    # 6. interest
        ctx.books.charge_interest(bond, {"municipality": ctx.spec.actors.municipality.borrowing_spread,
                                         "developer": ctx.spec.actors.developers.borrowing_spread})
        self.money.charge_land_carrying(bond)
        ctx.env.run(until=q + 1)                                          # 7. processes; year end
        if q % 4 == 3:
            for m in parties.municipalities:
                m.close_books()
            for area in [a for a in ctx.areas if a.coop.land_receiver == "jv"]:
                self.money.distribute_jv(area)
            consider_exits(parties, ctx.books, ctx.areas)
            self.portfolio.hook("on_year_end")
        if self.collect_mode == "quarterly" or q % 4 == 3 or self.steps >= self.n_quarters:
            self.datacollector.collect(self)                              # 8. data
        if self.steps >= self.n_quarters:
            self.running = False

    def run(self, quarters: int | None = None, progress=None) -> AreaModel:
        """Run ``quarters`` steps (default: the whole horizon); ``progress(q)`` is called after each."""
        for _ in range(self.n_quarters - self.steps if quarters is None else quarters):
            self.step()
            if progress is not None:
                progress(self.steps)
        return self


def _reader(owner: str, name: str) -> property:
    return property(lambda self: getattr(getattr(self, owner), name),
                    doc=f"The run's {name.replace('_', ' ')} (``model.{owner}.{name}``), for readers of a run.")


for _owner, _names in {"ctx": ("quarter", "env", "market", "econ", "areas", "phases", "started", "completed",
                               "completed_total"),
                       "parties": ("municipalities", "housing_associations", "developers", "investors")}.items():
    for _name in _names:
        setattr(AreaModel, _name, _reader(_owner, _name))
AreaModel.ledger = property(lambda self: self.ctx.books.ledger, doc="The run's double-entry ledger.")
AreaModel.events = property(lambda self: self.ctx.books.events, doc="The run's explainable event log.")
AreaModel.sold = property(lambda self: self.ctx.sales.sold, doc="Owner-occupied new homes sold this quarter.")
AreaModel.funds = property(lambda self: self.portfolio.funds, doc="The fund agents in force.")
