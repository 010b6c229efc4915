"""Results of a run: summary outcomes, files, figures, provenance (faces read these, not the model).

Names are imported on first use (PEP 562): the summary needs no matplotlib, the writer does.
"""

from importlib import import_module

_WHERE = {"summarise": "summary", "FILES": "writer", "write_results": "writer"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"sim.output.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'sim.output' has no attribute {name!r}")
