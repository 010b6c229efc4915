"""Discounting: net present value and internal rate of return (pure functions).

Conventions follow numpy-financial (the test oracle): ``values[0]`` is at time 0,
``values[t]`` at the end of period ``t``; the rate is per period.
"""

from __future__ import annotations

import math

import numpy as np


def npv(rate: float, values: np.ndarray | list[float]) -> float:
    """Net present value of ``values`` (€ per period) at ``rate`` (fraction per period)."""
    v = np.asarray(values, dtype=float)
    return float(np.sum(v / (1.0 + rate) ** np.arange(len(v))))


def irr(values: np.ndarray | list[float]) -> float:
    """Internal rate of return (fraction per period) of a cash-flow series; NaN if none exists.

    Looks for a sign change of the NPV on a grid from -99.5 % to +1000 % per period and
    refines the root closest to zero with Brent's method (the grid starts below -99 % so that a
    return of exactly -99 % is found, not lost to rounding at the grid's end). Like numpy-financial,
    returns NaN when all flows have the same sign.
    """
    v = np.asarray(values, dtype=float)
    if not (np.any(v > 0) and np.any(v < 0)):
        return math.nan
    grid = np.concatenate([np.linspace(-0.995, -0.1, 60), np.linspace(-0.1, 1.0, 400), np.linspace(1.0, 10.0, 60)])
    f = np.array([npv(r, v) for r in grid])
    roots = []
    for i in np.nonzero(np.sign(f[:-1]) * np.sign(f[1:]) <= 0)[0]:
        if f[i] == 0:
            roots.append(grid[i])
        else:
            from scipy.optimize import brentq  # lazy: scipy.optimize costs ~0.4 s to import

            roots.append(brentq(lambda r: npv(r, v), grid[i], grid[i + 1], xtol=1e-12))
    if not roots:
        return math.nan
    return float(min(roots, key=abs))


def annual_to_quarterly(rate_pa: float) -> float:
    """Equivalent quarterly rate of a yearly rate (both fractions)."""
    return (1.0 + rate_pa) ** 0.25 - 1.0
