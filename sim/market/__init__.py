"""Market paths: regime-switching housing cycles, historical replay, calibration statistics."""

from sim.market.generator import (
           CRASH,
           EXPANSION,
           SLOWDOWN,
           MarketPath,
           generate_path,
           transition_matrix,
)
from sim.market.history import historical_quarters
from sim.market.statistics import (
           CycleStatistics,
           annual_average,
           cycle_statistics,
           pooled_statistics,
)

__all__ = ["CRASH", "EXPANSION", "SLOWDOWN", "CycleStatistics", "MarketPath", "annual_average",
           "cycle_statistics", "generate_path", "historical_quarters", "pooled_statistics",
           "transition_matrix"]
