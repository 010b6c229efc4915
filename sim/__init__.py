"""areasim: agent-based simulation of Dutch inner-city area transformations.

Layers (imports point downwards only; see docs/architecture.md):
cli / reports -> model -> agents, rules -> market, finance, ledger, area -> scenario.
"""

__version__ = "0.1.0"
