"""Why a party says no: its belief paths and the value distribution of the deal on the table.

For an area and a party (its developer or its municipality) this recomputes, from the live
model, what the negotiation code computes: the party's ensemble of imagined price paths
(:class:`sim.beliefs.Beliefs`), the net present value (€) of the deal on the table on each
path (:func:`sim.negotiation.economics.party_npvs`), the mean, the CVaR (mean of the worst
5 %), the risk-adjusted score (1 − λ)·mean + λ·CVaR for a chosen risk aversion λ, and the
score the party needs to sign. Reading only: it draws no random numbers and changes nothing,
so looking at it never alters the run.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from sim.negotiation.broker import build_outlook
from sim.negotiation.economics import Preferences, developer_surplus, municipal_surplus, party_npvs

PARTIES = ("developer", "municipality")
TAIL = 0.05
"""CVaR tail: the worst 5 % of the belief paths (as in the negotiations)."""


@dataclass(frozen=True)
class RiskView:
    """What one party expects from the deal on the table (money in €, λ 0-1).

    Attributes:
        area, party: what is shown; terms_source: where the deal on the table comes from.
        land_price (€ per market home), affordable_share, overrun_share: the deal's terms.
        price_paths: (K, H) imagined price index paths (today's index × belief multipliers),
            quarters 1..H ahead; history: the region's observed index up to now.
        values: (K,) NPV of the deal for the party on each path.
        mean, cvar: mean and CVaR(5 %) of ``values``.
        risk_aversion: λ used; score: (1 − λ)·mean + λ·cvar.
        needed: the score at which the party is indifferent (surplus 0); says_yes: score ≥ needed.
        rule: the party's expectation rule.
    """

    area: str
    party: str
    terms_source: str
    land_price: float
    affordable_share: float
    overrun_share: float
    price_paths: np.ndarray
    history: np.ndarray
    values: np.ndarray
    mean: float
    cvar: float
    risk_aversion: float
    score: float
    needed: float
    says_yes: bool
    rule: str
    quarter: int


def cvar(values: np.ndarray, tail: float = TAIL) -> float:
    """Mean of the worst ``tail`` share of outcomes (€)."""
    ordered = np.sort(np.asarray(values, dtype=float))
    k = max(1, int(math.ceil(tail * len(ordered))))
    return float(ordered[:k].mean())


def deal_on_the_table(model, area) -> tuple[tuple[float, float, float], str]:
    """(land price €/market home, affordable share, overrun share) and where they come from.

    The agreed deal if there is one; else the last offer of the last negotiation; else the
    middle of the negotiable range (nothing has been offered yet).
    """
    if area.deal is not None:
        t = area.deal.terms
        return (float(t.land_price), float(t.affordable_share), float(t.overrun_share)), "the agreed deal"
    for event in reversed(model.events):
        if event.get("area") == area.name and event.get("event") == "negotiation" and event.get("offers"):
            offers = json.loads(event["offers"])
            if offers:
                o = offers[-1]
                return ((float(o["land_price"]), float(o["affordable_share"]), float(o["overrun_share"])),
                        f"the last offer (round {o['round']}, by the {o['by']})")
    coop = area.coop
    overrun = 0.5 if coop.overrun_negotiable else coop.default_overrun
    return (0.0, float(area.affordable_demand), overrun), "a neutral package (no offer made yet)"


def risk_view(model, area_name: str, party: str, risk_aversion: float | None = None) -> RiskView | None:
    """The risk view of ``party`` ('developer' or 'municipality') on ``area_name``; None if nothing is left to negotiate."""
    if party not in PARTIES:
        raise ValueError(f"party must be one of {PARTIES}, not {party!r}")
    area = next(a for a in model.areas if a.name == area_name)
    municipality = model.municipalities[area.region_index]
    developer = area.developer
    if developer is None:
        return None
    outlook = build_outlook(model.desk, area, developer)
    if outlook is None:
        return None
    who = developer if party == "developer" else municipality
    lam = float(who.risk_aversion if risk_aversion is None else risk_aversion)
    r, q = area.region_index, model.quarter
    prices = model.market.price_index[r, : q + 1]
    costs = model.market.cost_index[: q + 1]
    multipliers = who.beliefs.multipliers(who.beliefs.drift(prices, costs))
    (land, affordable, overrun), source = deal_on_the_table(model, area)

    fund_municipal, fund_developer, fund_works = model.portfolio.support(area)
    if fund_works > 0 and outlook.works.sum() > 0:
        outlook.works = outlook.works * max(0.0, 1 - fund_works / outlook.works.sum())
    valuation = party_npvs(outlook, np.array([land]), np.array([affordable]), np.array([overrun]), area.coop,
                           multipliers, who.beliefs.overrun_z)
    mun = model.spec.actors.municipality
    budget = min(max(0.0, municipality.budget_left), mun.max_deficit_per_home * float(outlook.homes.sum()))
    prefs = Preferences(lam if party == "developer" else developer.risk_aversion,
                        lam if party == "municipality" else municipality.risk_aversion,
                        mun.max_deficit_per_home, mun.affordable_home_value, budget, fund_municipal, fund_developer)
    values = (valuation.developer if party == "developer" else valuation.municipality)[0]
    surplus = float((developer_surplus if party == "developer" else municipal_surplus)(valuation, prefs)[0])
    mean, tail = float(values.mean()), cvar(values)
    score = (1 - lam) * mean + lam * tail
    return RiskView(area=area.name, party=party, terms_source=source, land_price=land, affordable_share=affordable,
                    overrun_share=overrun, price_paths=prices[-1] * multipliers, history=np.array(prices),
                    values=np.array(values), mean=mean, cvar=tail, risk_aversion=lam, score=score,
                    needed=score - surplus, says_yes=surplus >= 0, rule=who.beliefs.rule, quarter=q)


def explain(view: RiskView) -> str:
    """One paragraph in words: what the party expects and why it says yes or no."""
    m = 1e6
    verdict = "says YES" if view.says_yes else "says NO"
    gap = view.score - view.needed
    return (f"The {view.party} looks at {view.terms_source}: land price €{view.land_price:,.0f} per market home, "
            f"{view.affordable_share:.0%} affordable, the developer bears {view.overrun_share:.0%} of public-works "
            f"overruns. It imagines {len(view.values)} price futures ({view.rule} expectations). "
            f"On average the deal is worth €{view.mean / m:,.1f} M to it; in the worst {TAIL:.0%} of its futures "
            f"€{view.cvar / m:,.1f} M (CVaR). With risk aversion λ = {view.risk_aversion:.2f} it scores the deal "
            f"(1 − λ)·mean + λ·CVaR = €{view.score / m:,.1f} M and needs €{view.needed / m:,.1f} M to sign, "
            f"so it {verdict} (margin €{gap / m:+,.1f} M).")

