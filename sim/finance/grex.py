"""The municipal land-development account (grondexploitatie, "grex").

A grex lists the costs of making land buildable (acquisition, demolition,
remediation, site preparation, infrastructure, plan costs, contingency) and the
revenues from selling building land per segment, over time. Dutch municipal rules
(BBV) value it at net present value on the balance date, with cost and revenue
escalation and interest on the book value (FACTS.md; Gorinchem accounts 2017, 2022).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COST_ITEMS: tuple[str, ...] = (
    "acquisition", "demolition", "remediation", "site_preparation", "infrastructure",
    "public_transport", "plan_costs", "contingency",
)
"""Cost categories of a land-development account, in a fixed order."""


@dataclass(frozen=True)
class GrexProjection:
    """Result of projecting a land-development account.

    Attributes:
        npv: net present value of revenues minus costs at the balance date (€); negative = deficit.
        nominal_result: undiscounted escalated revenues minus costs (€).
        book_value_end: book value at the end including interest (€; positive = money still invested).
    """

    npv: float
    nominal_result: float
    book_value_end: float


def project(costs: np.ndarray, revenues: np.ndarray, cost_escalation: float, revenue_escalation: float,
            interest_rate: float, discount_rate: float) -> GrexProjection:
    """Project a land-development account given flows at today's prices per future quarter.

    Args:
        costs: (n,) costs at today's prices per quarter ahead (€).
        revenues: (n,) revenues at today's prices per quarter ahead (€).
        cost_escalation, revenue_escalation: fraction per year.
        interest_rate: rate charged on the book value, fraction per year.
        discount_rate: BBV discount rate for the net present value, fraction per year.
    """
    costs = np.asarray(costs, dtype=float)
    revenues = np.asarray(revenues, dtype=float)
    q = np.arange(len(costs))
    c = costs * (1 + cost_escalation) ** (q / 4)
    r = revenues * (1 + revenue_escalation) ** (q / 4)
    net = r - c
    npv_value = float(np.sum(net / (1 + discount_rate) ** (q / 4)))
    iq = (1 + interest_rate) ** 0.25 - 1
    book = float(np.sum(-net * (1 + iq) ** (len(net) - 1 - q)))
    return GrexProjection(npv=npv_value, nominal_result=float(net.sum()), book_value_end=book)


def static_result(cost_items: dict[str, float], land_revenues: float) -> float:
    """Undiscounted result at today's prices: land revenues minus all cost items (€)."""
    unknown = set(cost_items) - set(COST_ITEMS)
    if unknown:
        raise ValueError(f"unknown cost items: {sorted(unknown)}")
    return land_revenues - sum(cost_items.values())
