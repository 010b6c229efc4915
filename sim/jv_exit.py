"""Joint-venture partners leaving a joint land company: the municipality takes over the share.

Two ways out (docs/ODD.md §7.7b):

- **forced**: the developer cannot meet a capital call, or fails (sim.payments, Developer.check_solvency);
- **by choice** (ontvlechting, sources.md#jv-ontvlechting): at a year end, when the company's
  updated land-development account (valued as the municipality's grex values it) is under water
  and has been written down since it was adopted, a partner weighs staying (its share of the
  future capital calls, at the shadow price of cash of a partner under pressure, less its share
  of what the account will still bring in) against leaving: it hands its share to the
  municipality for its share of the account's current value (negative: it pays the deficit),
  less a discount for the risk the municipality takes over (the municipality's risk aversion ×
  that deficit) — if it can pay that and stay solvent. After 2008 Dutch developers handed their
  shares in land companies to the municipality and paid a settlement (Waalsprong 2013: €12 M),
  keeping their building rights (Meerstad 2011); so here the developer keeps building the homes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.jv_share import is_joint, take_over_share

if TYPE_CHECKING:
    from sim.agents.developer import Developer
    from sim.agents.parties import Parties
    from sim.area import AreaPlan
    from sim.books import Books


def pressure(developer: Developer) -> float:
    """How hard-pressed a developer is (0-1): the larger of the share of its credit line (beyond its own
    written-down equity) it has drawn and the share of its equity written down; 1 when nothing is left.

    A developer investing only its own equity, with no write-downs, is under no pressure (0).
    """
    equity = developer.params.equity
    write_downs = developer.write_downs()
    own = max(0.0, equity + write_downs)
    line = developer.credit_limit - own  # credit line and projects beyond its own equity (€)
    drawn = max(0.0, -developer.cash - own)
    used = (1.0 if drawn > 0 else 0.0) if line <= 0 else min(1.0, drawn / line)
    lost = min(1.0, max(0.0, -write_downs / equity)) if equity > 0 else 0.0
    return float(max(used, lost))


def exit_terms(parties: Parties, books: Books, area: AreaPlan) -> dict:
    """The figures of the developer's by-choice decision on the area's joint company (€, NPV; fractions).

    ``deficit``: its share of the remaining account's deficit (future calls − future revenues − company cash);
    ``written_down``: the company's write-downs since the account was adopted; ``stay_cost``: its share of the
    future calls at the shadow price 1 / (1 − pressure) less its share of the revenues and cash;
    ``settlement``: what it pays to leave — the deficit × (1 + the municipality's risk aversion); ``room``: what it
    can still pay before it fails (credit limit + cash, ≥ 0).
    """
    municipality = parties.municipality_of(area)
    developer = area.developer
    s = area.coop.jv_municipal_share
    costs, revenues = municipality.account_flows(area, whole_company=True)
    future_calls, future_revenues = municipality.forward_npv(costs, revenues)
    cash = max(0.0, books.ledger.balance(parties.account_of(area, "jv")))
    deficit = (1 - s) * (future_calls - future_revenues - cash)
    written_down = max(0.0, municipality.provisions.get(area.name, 0.0)
                       - municipality.plan_provisions.get(area.name, 0.0)) / s if s > 0 else 0.0
    p = pressure(developer)
    room = max(0.0, developer.credit_limit + developer.cash)
    stay = float("inf") if p >= 1 else (1 - s) * (future_calls / (1 - p) - future_revenues - cash)
    settlement = max(0.0, deficit) * (1 + municipality.params.risk_aversion)
    figures = {"share": 1 - s, "future_calls": future_calls, "future_revenues": future_revenues, "jv_cash": cash,
            "deficit": deficit, "written_down": written_down, "pressure": p, "room": room,
            "stay_cost": stay, "settlement": settlement}
    return {k: float(v) for k, v in figures.items()}


def consider_exits(parties: Parties, books: Books, areas: list[AreaPlan]) -> None:
    """Year end: each developer partner in a joint company whose account is under water decides to stay or leave.

    It leaves when the account has been written down since its adoption, its share of the remaining account
    is a deficit, staying costs it more than the settlement, and it can pay the settlement (a partner that
    cannot stays until a capital call or its failure forces it out). On leaving it pays the settlement to the
    municipality (ledger category ``jv_exit_settlement``) and the municipality takes over its share; the event
    ``jv_exit`` (reason ``by_choice``) carries the figures.
    """
    for area in areas:
        developer = area.developer
        if not is_joint(area) or developer is None or developer.failed:
            continue
        municipality = parties.municipality_of(area)
        if not municipality.committed(area) or not any(p.unpaid for p in area.phases if p.is_open):
            continue
        held = municipality.provisions.get(area.name, 0.0) - municipality.plan_provisions.get(area.name, 0.0)
        if held <= 0:  # no write-down since the account was adopted: the case the partner signed still stands
            continue
        terms = exit_terms(parties, books, area)
        if terms["deficit"] <= 0 or terms["stay_cost"] <= terms["settlement"] or terms["settlement"] > terms["room"]:
            continue
        books.book(developer.account, municipality.account, terms["settlement"], "jv_exit_settlement",
                   area_name=area.name)
        take_over_share(books, area, "jv_exit", partner=developer.account, reason="by_choice", **terms)
