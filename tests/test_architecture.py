"""The run's seam: layers point downwards and nothing below the entry points reaches up into the model.

Imports are read from the source (type-checking imports included), so a hint that would tie a
lower module to a higher one fails here as a real import would.
"""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[1] / "sim"
ENTRY_POINTS = {"sim.cli", "sim.app", "sim.experiments", "sim.ema", "sim.validation", "sim.model",
                "sim.reports", "sim.output"}
"""Faces and entry points that may import the model (they run or read runs)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Modules of ``sim`` imported anywhere in the file (top level, functions, TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    found = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("sim"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.startswith("sim"):
                found.add(base)
                found.update(f"{base}.{a.name}" for a in node.names)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in SIM.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def layer_of(name: str) -> str:
    return next((e for e in ENTRY_POINTS if name == e or name.startswith(e + ".")), "")


def test_no_module_below_the_entry_points_imports_the_model():
    offenders = sorted(name for name, deps in graph().items() if "sim.model" in deps and not layer_of(name))
    assert offenders == [], f"modules that reach up into sim.model: {offenders}"


def test_there_is_no_import_circle_in_sim():
    deps = graph()
    # A package's __init__ re-exporting its own modules is not a circle: drop edges from a package to its children.
    deps = {name: {m for m in ms if not m.startswith(name + ".")} for name, ms in deps.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(deps.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(deps):
        if node not in state:
            visit(node, [node])
    assert cycles == [], "import circles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


def test_the_model_is_the_schedule():
    lines = (SIM / "model.py").read_text().splitlines()
    assert len(lines) <= 200, f"sim/model.py has {len(lines)} lines; it should be the schedule and the wiring"
