"""Borrowing capacity under Dutch lending norms: what households can pay for a home (pure, numpy).

Dutch buyers borrow at most ``income × FLP / 12`` per month of annuity payments over 30 years
(Tijdelijke regeling hypothecair krediet; annuity requirement since 2013), where the
financing-cost percentage FLP rises with the test rate (Bijlage 1, Stcrt. 2023, 30022). The
maximum loan is that payment divided by the monthly annuity factor. DNB (2011, 2023) finds that
borrowing capacity passes almost fully into house prices, so the fundamental price level moves
with it. See docs/market.md and docs/sources.md (lending-norms, dnb-2023, asre-rate).
"""

from __future__ import annotations

import numpy as np

ArrayLike = float | np.ndarray

FLP_AT_375 = 0.225
"""Financing-cost percentage at a 3.5-4.0 % test rate (fraction of gross income; €37,000 row, 2024)."""
FLP_FLOOR, FLP_CAP = 0.13, 0.30
"""Range of the FLP table (fraction of income)."""


def annuity_factor(rate: ArrayLike, years: float = 30.0) -> ArrayLike:
    """Monthly payment per € borrowed on an annuity loan (rate fraction/yr, ``years`` term)."""
    i = np.maximum(np.asarray(rate, dtype=float), 1e-6) / 12.0
    n = 12.0 * years
    return i / (1.0 - (1.0 + i) ** (-n))


def financing_cost_share(rate: ArrayLike, slope: float) -> ArrayLike:
    """FLP (fraction of gross income that may go to mortgage payments) at a mortgage rate (fraction/yr).

    Linear around the published 3.75 % point with ``slope`` (FLP per unit of rate), within the table's range.
    """
    return np.clip(FLP_AT_375 + slope * (np.asarray(rate, dtype=float) - 0.0375), FLP_FLOOR, FLP_CAP)


def log_capacity_per_income(rate: ArrayLike, slope: float, years: float = 30.0) -> ArrayLike:
    """log(maximum loan / yearly income) at a mortgage rate: log(FLP / 12 / annuity factor)."""
    return np.log(financing_cost_share(rate, slope) / 12.0 / annuity_factor(rate, years))


def rate_elasticity(rate: float, slope: float, years: float = 30.0, step: float = 0.01) -> float:
    """Relative change of borrowing capacity when the mortgage rate rises by ``step`` (fraction)."""
    return float(np.exp(log_capacity_per_income(rate + step, slope, years)
                        - log_capacity_per_income(rate, slope, years)) - 1.0)
