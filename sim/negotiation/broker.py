"""Negotiating area deals inside a run: build each side's view, run the protocol, log, apply.

A deal is negotiated per area between its municipality and the developer holding it, when
the first phase starts preparation; it is reopened when the regional price index moves by
more than ``renegotiation_threshold`` since the deal, or when an election changes the
municipality's programme demand. A failed renegotiation makes the developer leave the
area (its position passes to the next developer). Under private realisation a failed
voluntary agreement falls back to the public-law contribution at the legal cap.

Experience: every closed deal adds one to the experience of both parties with that
cooperation model; per deal of experience (compounded by ``learning_rate``) a party concedes
faster, its transaction cost falls, and rounds go faster (the pair's mean experience), so a
negotiation takes less time. With ``knowledge_sharing`` municipalities pool their experience.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.area import MID_RENT, OWNER, SOCIAL, AreaPlan
from sim.cooperation.base import Terms
from sim.deal import Deal
from sim.negotiation.economics import (
    Outlook,
    Preferences,
    developer_npvs,
    developer_surplus,
    discounting,
    municipal_npvs,
    municipal_surplus,
    package_batch,
    reprogramme,
)
from sim.negotiation.protocols import Outcome, Problem

if TYPE_CHECKING:
    from sim.agents import Developer, Municipality
    from sim.negotiation.desk import NegotiationDesk


@dataclass(frozen=True)
class Settlement:
    """What a negotiation settled: the protocol's outcome, the terms applied and their surpluses (€)."""

    outcome: Outcome
    terms: Terms | None
    imposed: bool
    developer_surplus: float
    municipal_surplus: float
    offers_log: str = "[]"  # the offers as JSON text, for the event log


LEAD_QUARTERS = 12.0
"""Expected quarters from the start of preparation to construction start (assumption: modes of
preparation, zoning, a third of an appeal, land works; sources.md#cbs-plan-to-home durations)."""


def build_outlook(desk: NegotiationDesk, area: AreaPlan, developer: Developer) -> Outlook | None:
    """Today's view of an area's unstarted phases, or None if none is left."""
    phases = area.unstarted
    if not phases:
        return None
    q, r = desk.ctx.quarter, area.region_index
    now = desk.ctx.env.now
    econ = desk.ctx.econ
    own = area.spec.ownership
    private = own.developers + own.businesses
    dev_frac = own.developers / private if private > 0 else 0.0
    works, biz, devland, lag = [], [], [], []
    index: dict[str, float] = {}  # each item's price index this quarter (the same for every phase)
    for p in phases:
        pending = {}
        for k in p.unpaid:
            item_index = index.get(k)
            if item_index is None:
                item_index = index[k] = desk.ctx.item_index(area, k)
            pending[k] = p.estimates[k] * item_index
        acquisition = pending.pop("acquisition", 0.0)
        works.append(sum(pending.values()))
        biz.append(acquisition * (1 - dev_frac))
        devland.append(acquisition * dev_frac)
        lead = 2.0 if p.marketing_open else LEAD_QUARTERS
        lag.append(max(0.0, p.planned_start - now) + lead)
    spec = desk.ctx.spec
    dev = spec.actors.developers
    mun = spec.actors.municipality
    build_years = spec.lifecycle.construction_quarters[1] / 4
    bond = desk.ctx.market.bond_rate[q]
    construction = econ.construction_cost[q]
    return Outlook(
        homes=np.array([p.homes for p in phases]), lag=np.array(lag), works=np.array(works),
        buyout_business=np.array(biz), buyout_developer=np.array(devland),
        owner_price=float(econ.sale_value[r, q, OWNER]), rental_value=econ.sale_value[r, q].copy(),
        construction=construction, finance=construction * (bond + dev.borrowing_spread) * build_years / 2,
        social_land_price=float(econ.land_value[r, q, SOCIAL]), cost_sigma=area.archetype.cost_uncertainty,
        overrun_mean=area.archetype.overrun_mean,
        margin=dev.required_margin, rental_margin=dev.rental_margin, sales_cost_share=dev.sales_cost_share,
        developer_rate=bond + dev.borrowing_spread, municipal_rate=mun.discount_rate)


def experience(desk: NegotiationDesk, account: str, coop_name: str, municipal: bool) -> int:
    """Deals closed under a cooperation model by a party (pooled for municipalities if shared)."""
    if municipal and desk.ctx.spec.actors.negotiation.knowledge_sharing:
        return sum(n for (acc, name), n in desk.experience.items() if name == coop_name
                   and acc.startswith("municipality:"))
    return desk.experience.get((account, coop_name), 0)


def make_problem(desk: NegotiationDesk, area: AreaPlan, municipality: Municipality, developer: Developer,
                 outlook: Outlook) -> Problem:
    """The negotiation problem: both sides' surpluses over their own belief ensembles."""
    spec = desk.ctx.spec
    neg = spec.actors.negotiation
    mun = spec.actors.municipality
    coop = area.coop
    r, q = area.region_index, desk.ctx.quarter
    prices = desk.ctx.market.price_index[r, : q + 1]
    costs = desk.ctx.market.cost_index[: q + 1]
    dev_drift = developer.beliefs.drift(prices, costs)  # the municipality's valuation uses no price multipliers

    n_phases = outlook.homes.shape[0]
    fund_municipal, fund_developer, fund_works = desk.funds.support(area)
    # A grant that binds the programme counts only for packages that meet its condition (and what was paid
    # already is at stake too: breaking the condition costs it back).
    conditions = desk.funds.conditions(area)
    fund_municipal -= sum(c[0] for c in conditions)
    binding = tuple((outstanding + paid, minimum) for outstanding, paid, minimum in conditions)
    if fund_works > 0 and outlook.works.sum() > 0:  # co-funded works cost the payer less
        outlook.works = outlook.works * max(0.0, 1 - fund_works / outlook.works.sum())
    # Only the part of the budget this area's losses could use matters (capped as in municipal_surplus).
    by_segment = outlook.homes.sum(axis=0)  # (4,) integers: every sum of homes below is exact in any order
    total = by_segment.sum()
    budget_for_area = min(max(0.0, municipality.budget_left), mun.max_deficit_per_home * float(total))
    prefs = Preferences(developer.risk_aversion, municipality.risk_aversion, mun.max_deficit_per_home,
                        mun.affordable_home_value, budget_for_area, fund_municipal, fund_developer, binding)
    # each side's ensemble inputs (after the co-funded works above): the developer's multipliers at the phases'
    # lags, their mean over the ensemble, its overrun and discount factors; the municipality's overrun and discount
    # factors (its valuation uses no price multipliers)
    dev_h, mun_h = developer.beliefs.steps.shape[0], municipality.beliefs.steps.shape[0]
    lag, dev_df, mun_df = discounting(outlook, dev_h)
    if mun_h != dev_h:
        mun_df = discounting(outlook, mun_h)[2]
    m = developer.beliefs.multipliers_at(dev_drift, lag)
    developer_side = (m, m.mean(axis=0), developer.beliefs.overrun_factors(outlook, n_phases), dev_df)
    municipal_side = (municipality.beliefs.overrun_factors(outlook, n_phases), mun_df)

    def surpluses(land: np.ndarray, affordable: np.ndarray, overrun: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(T,) developer's and (T,) municipality's surplus of T packages (side_valuations' arrays)."""
        packages = package_batch(outlook, land, affordable, overrun, coop)
        return (developer_surplus(developer_npvs(packages, *developer_side), prefs),
                municipal_surplus(municipal_npvs(packages, *municipal_side), prefs))

    def evaluate_batch(land: np.ndarray, affordable: np.ndarray, overrun: np.ndarray) -> np.ndarray:
        return np.stack(surpluses(land, affordable, overrun), axis=1)

    def evaluate(terms: Terms) -> tuple[float, float]:
        dev, mun = surpluses(np.array([terms.land_price]), np.array([terms.affordable_share]),
                             np.array([terms.overrun_share]))
        return float(dev[0]), float(mun[0])

    market_homes = by_segment[SOCIAL + 1:].sum()
    attributable = (outlook.works.sum() + outlook.buyout_business.sum()) / max(1, int(total))
    land_now = float(desk.ctx.econ.land_value[r, q, SOCIAL + 1:] @ outlook.homes[:, SOCIAL + 1:].sum(axis=0))
    land_bounds = coop.land_price_bounds(attributable, land_now / max(1.0, market_homes))
    social_share = by_segment[SOCIAL] / max(1, int(total))
    demand = max(area.affordable_demand, social_share, *(minimum for _, minimum in binding))  # the applied programme
    affordable_bounds = (max(social_share, demand - mun.affordable_flexibility), demand)
    overrun_bounds = (0.0, 1.0) if coop.overrun_negotiable else (coop.default_overrun, coop.default_overrun)
    weight = neg.exclusive_claim_power if coop.name == "building_claim" else coop.developer_weight
    exp_dev = experience(desk, developer.account, coop.name, False)
    exp_mun = experience(desk, municipality.account, coop.name, True)
    # The weaker side concedes faster (β scaled by the other side's weight over its own).
    problem = Problem(evaluate=evaluate, evaluate_batch=evaluate_batch, land_bounds=land_bounds,
                      affordable_bounds=affordable_bounds, overrun_bounds=overrun_bounds, developer_weight=weight,
                      max_rounds=neg.max_rounds,
                      developer_beta=neg.concession * (1 + neg.learning_rate) ** exp_dev * (1 - weight) / weight,
                      municipal_beta=neg.concession * (1 + neg.learning_rate) ** exp_mun * weight / (1 - weight))
    return problem


def offers_log(outcome: Outcome) -> str:
    """Every offer of a negotiation as JSON text (for the event log, explain and stories)."""
    if not outcome.offers:  # e.g. plots sold under the land-price policy
        return "[]"  # json.dumps([])
    return json.dumps([{"round": o.round, "by": o.proposer, "land_price": round(o.terms.land_price),
                        "affordable_share": round(o.terms.affordable_share, 3),
                        "overrun_share": round(o.terms.overrun_share, 3),
                        "developer_surplus": round(o.developer_surplus),
                        "municipal_surplus": round(o.municipal_surplus)} for o in outcome.offers])


def settle(desk: NegotiationDesk, area: AreaPlan, problem: Problem) -> Settlement:
    """Run the protocol on a problem (or sell plots under the land-price policy) and value the terms applied."""
    if area.coop.land_price_at_market:  # active land policy: plots are sold under the land-price policy
        terms = Terms(problem.land_bounds[0], problem.affordable_bounds[1], problem.overrun_bounds[0])
        outcome = Outcome(True, terms, 0, "land-price policy", "serviced plots sold at the municipality's land "
                          "price (today's residual value) with the programme it sets", [])
    else:
        outcome = desk.protocol.negotiate(problem)
    imposed = False
    terms = outcome.terms
    if not outcome.success and area.coop.fallback_on_failure:
        fallback = Terms(problem.land_bounds[1], problem.affordable_bounds[1], area.coop.default_overrun)
        if problem.evaluate(fallback)[0] >= 0:  # cost recovery is imposed only with a plan the owner can build
            terms, imposed = fallback, True
    s_dev, s_mun = problem.evaluate(terms) if terms is not None else (math.nan, math.nan)
    return Settlement(outcome, terms, imposed, s_dev, s_mun, offers_log(outcome))


def negotiate(desk: NegotiationDesk, area: AreaPlan, why: str) -> Deal | None:
    """Negotiate (or renegotiate) the deal on an area; apply and log the outcome."""
    municipality = desk.parties.municipalities[area.region_index]
    developer = area.developer
    outlook = build_outlook(desk, area, developer)
    if outlook is None:
        return area.deal
    neg = desk.ctx.spec.actors.negotiation
    problem = make_problem(desk, area, municipality, developer, outlook)
    settlement = settle(desk, area, problem)
    outcome, terms, imposed = settlement.outcome, settlement.terms, settlement.imposed
    s_dev, s_mun = settlement.developer_surplus, settlement.municipal_surplus
    now = desk.ctx.env.now
    r = area.region_index
    area.last_attempt = now
    area.last_attempt_price = float(desk.ctx.market.price_index[r, desk.ctx.quarter])
    exp_dev = experience(desk, developer.account, area.coop.name, False)  # before this deal counts
    exp_mun = experience(desk, municipality.account, area.coop.name, True)
    for party, exp in ((developer, exp_dev), (municipality, exp_mun)):
        cost = neg.transaction_cost * (1 - neg.learning_rate) ** exp
        desk.ctx.books.book(party.account, "outside:consultants", cost, "transaction_cost", area_name=area.name)
    # Experience also speeds up each round (known procedures, standard contracts).
    exp_pair = (exp_dev + exp_mun) / 2
    duration = outcome.rounds / (neg.rounds_per_quarter * (1 + neg.learning_rate) ** exp_pair)
    desk.ctx.books.log_area(area, "negotiation", why=why, protocol=outcome.protocol, success=bool(outcome.success),
                   imposed=imposed, rounds=outcome.rounds, duration_quarters=duration, reason=outcome.reason,
                   developer=developer.account, cooperation=area.coop.name,
                   land_price=None if terms is None else terms.land_price,
                   affordable_share=None if terms is None else terms.affordable_share,
                   overrun_share=None if terms is None else terms.overrun_share,
                   developer_surplus=s_dev, municipal_surplus=s_mun,
                   offers=settlement.offers_log)
    if terms is None:
        return None
    for key in ((developer.account, area.coop.name), (municipality.account, area.coop.name)):
        desk.experience[key] = desk.experience.get(key, 0) + 1
    # A first deal takes effect when its rounds are over; during a renegotiation the old deal holds.
    delay = duration if area.deal is None else 0.0
    deal = Deal(terms, developer, now, now + delay,
                area.last_attempt_price, outcome.rounds, outcome.protocol, imposed)
    apply_programme(area, terms.affordable_share)
    desk.funds.on_deal(area, terms)  # a deal that breaks a grant's condition costs the grant
    return deal


def apply_programme(area: AreaPlan, affordable_share: float) -> None:
    """Re-split mid-rent and owner-occupied homes of unstarted phases to the agreed affordable share."""
    phases = area.unstarted
    if not phases:
        return
    homes = reprogramme(np.array([p.homes for p in phases]), affordable_share)
    for p, h in zip(phases, homes, strict=True):
        sold = math.ceil(p.owner_sold - 1e-9)
        if h[OWNER] < sold:  # homes already sold to buyers stay owner-occupied
            h[MID_RENT] -= sold - h[OWNER]
            h[OWNER] = sold
        p.homes = h
