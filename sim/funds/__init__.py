"""Public funds: designs (data), fund agents, instruments (plug-ins) and the portfolio a run sees."""

from sim.funds import instruments  # noqa: F401  (registers the built-in instruments)
