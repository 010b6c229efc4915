"""Results of a run: summary outcomes, files, figures, provenance (faces read these, not the model)."""

from sim.output.summary import summarise
from sim.output.writer import FILES, write_results

__all__ = ["FILES", "summarise", "write_results"]
