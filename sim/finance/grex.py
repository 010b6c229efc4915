"""The municipal land-development account (grondexploitatie, "grex").

A grex lists the costs of making land buildable (acquisition, demolition,
remediation, site preparation, infrastructure, plan costs, contingency) and the
revenues from selling building land per segment, over time. Dutch municipal rules
(BBV) value it at net present value on the balance date, with cost and revenue
escalation and interest on the book value (docs/sources.md#gorinchem: Gorinchem accounts 2017, 2022).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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
    n = len(costs)
    c = costs * _quarterly_growth(n, cost_escalation)
    r = revenues * _quarterly_growth(n, revenue_escalation)
    net = r - c
    npv_value = float(np.sum(net / _quarterly_growth(n, discount_rate)))
    iq = (1 + interest_rate) ** 0.25 - 1
    book = float(np.sum(-net * _compounding_to_end(n, iq)))
    return GrexProjection(npv=npv_value, nominal_result=float(net.sum()), book_value_end=book)


@lru_cache(maxsize=4096)
def _quarterly_growth(n: int, rate: float) -> np.ndarray:
    """(n,) factors (1 + rate)^(q/4) for q = 0..n-1 (rate per year; read-only, cached)."""
    factors = (1 + rate) ** (np.arange(n) / 4)
    factors.flags.writeable = False
    return factors


@lru_cache(maxsize=4096)
def _compounding_to_end(n: int, rate_per_quarter: float) -> np.ndarray:
    """(n,) factors (1 + i)^(n-1-q): a flow in quarter q compounded to the last quarter (read-only, cached)."""
    q = np.arange(n)
    factors = (1 + rate_per_quarter) ** (n - 1 - q)
    factors.flags.writeable = False
    return factors


def static_result(cost_items: dict[str, float], land_revenues: float) -> float:
    """Undiscounted result at today's prices: land revenues minus all cost items (€)."""
    unknown = set(cost_items) - set(COST_ITEMS)
    if unknown:
        raise ValueError(f"unknown cost items: {sorted(unknown)}")
    return land_revenues - sum(cost_items.values())
