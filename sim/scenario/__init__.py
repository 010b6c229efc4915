"""Scenario files: schema, loading and validation (plain data, no model logic)."""

from sim.scenario.loader import DEFAULT_SCENARIO, file_hash, from_dict, load_scenario, read_toml
from sim.scenario.schema import REGIMES, SEGMENTS, STAGES, Scenario

__all__ = ["DEFAULT_SCENARIO", "REGIMES", "SEGMENTS", "STAGES", "Scenario", "file_hash", "from_dict",
           "load_scenario", "read_toml"]
