"""Cycle statistics of a house-price series, for calibrating the generator to Dutch data.

The same functions are applied to the observed annual CBS index and to simulated paths
(averaged to years the same way CBS averages months), so like is compared with like.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DOWNTURN_THRESHOLD = 0.02
"""A fall of the annual index of at least this fraction, peak to trough, counts as a downturn."""


@dataclass(frozen=True)
class CycleStatistics:
    """Summary of a price series.

    Attributes:
        growth: compound nominal growth, fraction/yr.
        volatility: standard deviation of year-on-year growth, fraction.
        downturns_per_45y: downturns (peak-to-trough ≥ 2 %) per 45 years.
        mean_depth: mean peak-to-trough fall of those downturns, fraction (0 if none).
        mean_duration: mean years from peak to trough (0 if none).
    """

    growth: float
    volatility: float
    downturns_per_45y: float
    mean_depth: float
    mean_duration: float


def annual_average(quarterly: np.ndarray) -> np.ndarray:
    """Average quarters into years along the last axis (drops an incomplete last year)."""
    n = quarterly.shape[-1] // 4 * 4
    return quarterly[..., :n].reshape(*quarterly.shape[:-1], -1, 4).mean(axis=-1)


def downturns(annual: np.ndarray, threshold: float = DOWNTURN_THRESHOLD) -> list[tuple[int, int, float]]:
    """(peak index, trough index, depth) of every drawdown episode deeper than ``threshold``.

    An episode runs from a running maximum (the peak) until the index first exceeds that
    peak again (or the series ends); its trough is the lowest point in between.
    """
    annual = np.asarray(annual, dtype=float)
    found = []
    peak = 0
    for i in range(1, len(annual) + 1):
        if i == len(annual) or annual[i] > annual[peak]:
            if i - peak > 1:
                trough = peak + int(np.argmin(annual[peak:i]))
                depth = 1 - annual[trough] / annual[peak]
                if depth >= threshold:
                    found.append((peak, trough, float(depth)))
            peak = i
    return found


def cycle_statistics(annual: np.ndarray) -> CycleStatistics:
    """Statistics of one annual index series (levels, any base)."""
    annual = np.asarray(annual, dtype=float)
    years = len(annual) - 1
    growth = (annual[-1] / annual[0]) ** (1 / years) - 1
    yoy = annual[1:] / annual[:-1] - 1
    falls = downturns(annual)
    return CycleStatistics(
        growth=float(growth),
        volatility=float(np.std(yoy, ddof=1)),
        downturns_per_45y=len(falls) * 45 / years,
        mean_depth=float(np.mean([d for _, _, d in falls])) if falls else 0.0,
        mean_duration=float(np.mean([t - p for p, t, _ in falls])) if falls else 0.0,
    )


def pooled_statistics(annual_paths: np.ndarray) -> CycleStatistics:
    """Statistics pooled over many simulated annual paths (rows), weighting every path equally."""
    stats = [cycle_statistics(row) for row in annual_paths]
    depths = [s.mean_depth for s in stats if s.downturns_per_45y > 0]
    durations = [s.mean_duration for s in stats if s.downturns_per_45y > 0]
    return CycleStatistics(
        growth=float(np.median([s.growth for s in stats])),
        volatility=float(np.median([s.volatility for s in stats])),
        downturns_per_45y=float(np.mean([s.downturns_per_45y for s in stats])),
        mean_depth=float(np.median(depths)) if depths else 0.0,
        mean_duration=float(np.median(durations)) if durations else 0.0,
    )
