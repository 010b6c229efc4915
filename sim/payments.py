"""Who pays whom, as the cooperation model of an area says (every euro through the ledger).

Roles (``municipality``, ``developer``, ``jv``) map to ledger accounts per area: the region's
municipality, the developer holding the area, and the area's joint land company
``jv:<area>``. A joint company pays nothing from its own pocket: each payment is preceded by
a capital call on the partners pro rata; a partner that cannot pay exits (its share passes
to the municipality). The municipality's own costs and revenues per area are kept for its
land-development accounting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.area import SOCIAL, AreaPlan, PhaseState

if TYPE_CHECKING:
    from sim.model import AreaModel


def account_of(model: AreaModel, area: AreaPlan, role: str) -> str:
    """Ledger account playing ``role`` in ``area``."""
    if role == "municipality":
        return model.municipalities[area.region_index].account
    if role == "developer":
        return area.developer.account
    return f"jv:{area.name}"


def pay(model: AreaModel, area: AreaPlan, role: str, target: str, amount: float, category: str,
        phase: PhaseState | None) -> None:
    """``role`` pays ``amount`` (€) to ``target``; a joint company first calls capital from its partners."""
    if amount <= 0:
        return
    if role == "jv":
        capital_call(model, area, amount, phase)
    elif role == "municipality":
        area.municipal_costs += amount
    model.book(account_of(model, area, role), target, amount, category, phase,
               area_name=None if phase is not None else area.name)


def receive(model: AreaModel, area: AreaPlan, role: str, source: str, amount: float, category: str,
            phase: PhaseState) -> None:
    """``role`` receives ``amount`` (€) from account ``source``."""
    if amount <= 0:
        return
    if role == "municipality":
        area.municipal_revenues += amount
    elif role == "jv":
        area.municipal_revenues += amount * area.coop.jv_municipal_share
    model.book(source, account_of(model, area, role), amount, category, phase)


def capital_call(model: AreaModel, area: AreaPlan, amount: float, phase: PhaseState | None) -> None:
    """Partners pay ``amount`` (€) into the joint company pro rata; a developer beyond its limit exits."""
    coop = area.coop
    jv = account_of(model, area, "jv")
    developer = area.developer
    dev_part = amount * (1 - coop.jv_municipal_share)
    if dev_part > 0 and (developer.failed or developer.cash - dev_part < -developer.credit_limit):
        coop.jv_municipal_share = 1.0
        model.log_area(area, "jv_partner_exit", partner=developer.account, call=dev_part,
                       developer_cash=developer.cash, credit_limit=developer.credit_limit,
                       reason="developer cannot meet a capital call; the municipality takes over its share")
        dev_part = 0.0
    mun_part = amount - dev_part
    municipality = model.municipalities[area.region_index]
    area.municipal_costs += mun_part
    model.book(municipality.account, jv, mun_part, "capital_call", phase,
               area_name=None if phase is not None else area.name)
    model.book(developer.account, jv, dev_part, "capital_call", phase,
               area_name=None if phase is not None else area.name)


def pay_public_works(model: AreaModel, phase: PhaseState, items: tuple[str, ...]) -> None:
    """Pay the given cost items of a phase at today's cost index, by the payer the cooperation model names.

    Buy-outs go to the original owners, or to the developer for its own land when the model has
    developers' land bought. Overruns above the estimate are shared as the deal says.
    """
    area = phase.area
    coop = area.coop
    index = model.market.cost_index[model.quarter]
    own = area.spec.ownership
    private = own.developers + own.businesses
    dev_frac = own.developers / private if private > 0 else 0.0
    deal = area.deal
    for item in items:
        base = phase.unpaid.pop(item, 0.0)
        if base <= 0:
            continue
        amount = base * index
        role = coop.payer_of(item)
        if item == "acquisition":
            to_developer = amount * dev_frac
            pay(model, area, role, "outside:original_owners", amount - to_developer, item, phase)
            if coop.buys_developer_land:
                pay(model, area, role, area.developer.account, to_developer, "land_position_sale", phase)
            else:  # the developer keeps its own land: nothing to pay for that part
                amount -= to_developer
        else:
            target = "outside:consultants" if item == "plan_costs" else "outside:contractors"
            pay(model, area, role, target, amount, item, phase)
        phase.public_costs_paid += amount
        model.fund_hook("on_work_paid", phase, item, amount, role)
        overrun = (base - phase.estimates.get(item, base)) * index
        share = deal.terms.overrun_share if (deal is not None and coop.overrun_negotiable) else coop.default_overrun
        if overrun > 0 and share > 0 and role != "developer":
            receive(model, area, role, area.developer.account, overrun * share, "overrun_share", phase)


def sell_land(model: AreaModel, phase: PhaseState) -> float:
    """Land payments at construction start: the agreed price for market homes and the social land price.

    Returns the € paid for the phase's land (market + social).
    """
    area = phase.area
    coop = area.coop
    q, r = model.quarter, area.region_index
    market_homes = int(phase.homes[SOCIAL + 1:].sum())
    price = area.deal.terms.land_price * market_homes if area.deal is not None else 0.0
    receiver = coop.land_receiver
    if price >= 0:
        receive(model, area, receiver, area.developer.account, price, "land_sale", phase)
    else:  # a municipal contribution (negative land price)
        pay(model, area, receiver, area.developer.account, -price, "municipal_contribution", phase)
    social = float(phase.homes[SOCIAL] * model.econ.land_value[r, q, SOCIAL])
    receive(model, area, coop.social_land_receiver, phase.housing_association.account, social, "land_sale", phase)
    phase.market_land_price = price
    phase.land_price_paid = max(price, 0.0) + social
    model.fund_hook("on_land_sale", phase, max(price, 0.0), receiver)
    return phase.land_price_paid


def distribute_jv(model: AreaModel, area: AreaPlan) -> None:
    """Year end: a joint company pays out its cash to the partners pro rata."""
    jv = account_of(model, area, "jv")
    cash = model.ledger.balance(jv)
    if cash <= 1.0:
        return
    share = area.coop.jv_municipal_share
    municipality = model.municipalities[area.region_index]
    area.municipal_revenues += cash * share
    model.book(jv, municipality.account, cash * share, "jv_distribution", area_name=area.name)
    model.book(jv, area.developer.account, cash * (1 - share), "jv_distribution", area_name=area.name)


def developer_land_position(area: AreaPlan) -> float:
    """€ (start-year prices) of land the area's developer still holds and finances.

    A position is held until it is bought (when the cooperation model has developers' land
    bought) or until the phase starts construction (when the developer keeps its land).
    """
    own = area.spec.ownership
    private = own.developers + own.businesses
    if own.developers <= 0 or private <= 0 or area.land_banked:
        return 0.0
    dev_frac = own.developers / private
    held = 0.0
    for phase in area.phases:
        if not phase.is_open:
            continue
        if area.coop.buys_developer_land:
            if "acquisition" in phase.unpaid:
                held += phase.estimates.get("acquisition", 0.0) * dev_frac
        elif phase.construction_start is None:
            held += phase.estimates.get("acquisition", 0.0) * dev_frac
    return held


def phase_market_value(model: AreaModel, phase: PhaseState) -> float:
    """Residual land value (€) of a phase's market homes at today's prices and costs."""
    value = model.econ.land_value[phase.area.region_index, model.quarter]
    return float(np.dot(phase.homes[SOCIAL + 1:], value[SOCIAL + 1:]))
