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


def project_sparse(costs: dict[int, float], revenues: dict[int, float], n: int, cost_escalation: float,
                   revenue_escalation: float, interest_rate: float, discount_rate: float
                   ) -> tuple[GrexProjection, float, float]:
    """:func:`project` for flows given as {quarter ahead: € at today's prices} over n quarters (few non-zero).

    Returns (projection, total costs, total revenues) with the same floats and types, bit for bit, as
    :func:`project` on the dense (n,) arrays and their ``.sum()``: the products use the same cached factors,
    and the sums reproduce numpy's pairwise summation (:func:`pairwise_sum`), in which zero entries change
    nothing. Scalar arithmetic on the few entries instead of numpy on (n,) arrays: the municipality values
    its areas' accounts about a thousand times a run.
    """
    if n < 8 or n > 128 or n % 8:
        dense_c, dense_r = np.zeros(n), np.zeros(n)
        for q, v in costs.items():
            dense_c[q] = v
        for q, v in revenues.items():
            dense_r[q] = v
        return (project(dense_c, dense_r, cost_escalation, revenue_escalation, interest_rate, discount_rate),
                dense_c.sum(), dense_r.sum())
    gc = _growth_list(n, cost_escalation)
    gr = _growth_list(n, revenue_escalation)
    gd = _growth_list(n, discount_rate)
    comp = _compounding_list(n, (1 + interest_rate) ** 0.25 - 1)
    # eight interleaved accumulators per sum, filled in index order (see pairwise_sum)
    npv, nominal, book, cost_sum, revenue_sum = ([0.0] * 8 for _ in range(5))
    for q in sorted(costs.keys() | revenues.keys()):
        k = q & 7
        c = costs.get(q)
        r = revenues.get(q)
        # np.float64 inputs as Python floats: the same IEEE doubles, without numpy's scalar overhead
        if c is not None:
            c = float(c)
            cost_sum[k] += c
        if r is not None:
            r = float(r)
            revenue_sum[k] += r
        net = (0.0 if r is None else r) * gr[q] - (0.0 if c is None else c) * gc[q]
        nominal[k] += net
        npv[k] += net / gd[q]
        book[k] += -net * comp[q]
    projection = GrexProjection(npv=_combine(npv), nominal_result=_combine(nominal), book_value_end=_combine(book))
    # the totals keep the type of ndarray.sum(): np.float64 (Python's sum() rounds float and np.float64 differently)
    return projection, np.float64(_combine(cost_sum)), np.float64(_combine(revenue_sum))


def npv_sparse(costs: dict[int, float], revenues: dict[int, float], n: int, cost_escalation: float,
               revenue_escalation: float, discount_rate: float) -> float:
    """``project_sparse(...)[0].npv`` alone (€), the same float bit for bit: the same terms added into the
    same accumulators in the same order, without the other four sums (the municipality's opening verdict
    on an area needs only the net present value)."""
    if n < 8 or n > 128 or n % 8:
        return project_sparse(costs, revenues, n, cost_escalation, revenue_escalation, 0.0, discount_rate)[0].npv
    gc, gr, gd = _factor_lists(n, cost_escalation, revenue_escalation, discount_rate)
    npv = [0.0] * 8
    for q in sorted(costs.keys() | revenues.keys()):
        c = costs.get(q)
        r = revenues.get(q)
        net = (0.0 if r is None else float(r)) * gr[q] - (0.0 if c is None else float(c)) * gc[q]
        npv[q & 7] += net / gd[q]
    return _combine(npv)


def npv_totals_sparse(costs: dict[int, float], revenues: dict[int, float], n: int, cost_escalation: float,
                      revenue_escalation: float, discount_rate: float) -> tuple[float, np.float64, np.float64]:
    """(``project_sparse(...)[0].npv``, total costs, total revenues) alone, the same floats and types bit for bit:
    the same terms added into the same accumulators in the same order, without the nominal result and the book
    value (the municipality's year-end valuation uses only these three)."""
    if n < 8 or n > 128 or n % 8:
        projection, cost_total, revenue_total = project_sparse(costs, revenues, n, cost_escalation,
                                                               revenue_escalation, 0.0, discount_rate)
        return projection.npv, cost_total, revenue_total
    gc, gr, gd = _factor_lists(n, cost_escalation, revenue_escalation, discount_rate)
    npv, cost_sum, revenue_sum = [0.0] * 8, [0.0] * 8, [0.0] * 8
    for q in sorted(costs.keys() | revenues.keys()):
        k = q & 7
        c = costs.get(q)
        r = revenues.get(q)
        if c is not None:
            c = float(c)
            cost_sum[k] += c
        if r is not None:
            r = float(r)
            revenue_sum[k] += r
        npv[k] += ((0.0 if r is None else r) * gr[q] - (0.0 if c is None else c) * gc[q]) / gd[q]
    return _combine(npv), np.float64(_combine(cost_sum)), np.float64(_combine(revenue_sum))


def _combine(acc: list[float]) -> float:
    """numpy's combination of its eight pairwise-sum accumulators."""
    return float(((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])))


def pairwise_sum(values: dict[int, float], n: int) -> float:
    """Sum of a sparse (n,) float vector {index: value}, rounded exactly as numpy's ``np.sum`` of the dense array.

    numpy sums a contiguous float64 array of 8 <= n <= 128 elements (n a multiple of 8) in eight
    interleaved accumulators combined as ((a0+a1)+(a2+a3))+((a4+a5)+(a6+a7)); adding the absent zeros
    changes no accumulator. Other n fall back to numpy on the dense array.
    """
    if n < 8 or n > 128 or n % 8:
        dense = np.zeros(n)
        for q, v in values.items():
            dense[q] = v
        return float(np.sum(dense))
    acc = [0.0] * 8
    for q in sorted(values):
        acc[q & 7] += values[q]
    return _combine(acc)


@lru_cache(maxsize=4096)
def _growth_list(n: int, rate: float) -> tuple[float, ...]:
    """:func:`_quarterly_growth` as Python floats (cached)."""
    return tuple(_quarterly_growth(n, rate).tolist())


@lru_cache(maxsize=4096)
def _factor_lists(n: int, cost_escalation: float, revenue_escalation: float, discount_rate: float
                  ) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """(cost growth, revenue growth, discount factors) over n quarters: :func:`_growth_list` of each rate, the same
    tuples, found with one cached call instead of three (the municipality values about a thousand accounts a run
    at a few sets of rates)."""
    return _growth_list(n, cost_escalation), _growth_list(n, revenue_escalation), _growth_list(n, discount_rate)


@lru_cache(maxsize=4096)
def _compounding_list(n: int, rate_per_quarter: float) -> tuple[float, ...]:
    """:func:`_compounding_to_end` as Python floats (cached)."""
    return tuple(_compounding_to_end(n, rate_per_quarter).tolist())


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
