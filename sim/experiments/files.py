"""Write scenario and experiment files from Python (for notebooks and scripts).

    >>> from sim.experiments.files import write_scenario, write_experiment
    >>> write_scenario("small.toml", data)                       # a scenario dict, e.g. from read_toml
    >>> write_experiment("sobol.toml", name="tutorial_sobol", scenario="small.toml", seed=11,
    ...                  uncertainties={"actors.developers.presale_threshold": (0.5, 0.8)},
    ...                  design={"kind": "sobol", "samples": 16})

The files are plain TOML that ``areasim check``/``areasim experiment`` read; a written file is
read back and validated, so a mistake shows here, not later in the runner.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() else '"' + k.replace('"', '\\"') + '"'


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"TOML has no value for {v!r}")
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_scalar(x)}" for k, x in v.items()) + " }"
    if isinstance(v, Sequence):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    if hasattr(v, "item"):  # numpy scalars
        return _scalar(v.item())
    raise TypeError(f"cannot write {type(v).__name__} to TOML: {v!r}")


def _is_table_list(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, Mapping) for x in v)


def to_toml(data: Mapping[str, Any]) -> str:
    """TOML text of a dict: scalars and inline values first, then tables and arrays of tables."""
    lines: list[str] = []

    def table(prefix: str, d: Mapping[str, Any]) -> None:
        for k, v in d.items():
            if not isinstance(v, Mapping) and not _is_table_list(v):
                lines.append(f"{_key(k)} = {_scalar(v)}")
        for k, v in d.items():
            name = f"{prefix}{_key(k)}"
            if isinstance(v, Mapping):
                lines.append(f"\n[{name}]")
                table(f"{name}.", v)
            elif _is_table_list(v):
                for item in v:
                    lines.append(f"\n[[{name}]]")
                    table(f"{name}.", item)

    table("", data)
    return "\n".join(lines).lstrip("\n") + "\n"


def write_scenario(path: str | Path, data: Mapping[str, Any]) -> Path:
    """Write a scenario dict as TOML and validate it (raises the usual one-line error if invalid)."""
    from sim.scenario import load_scenario

    path = Path(path)
    path.write_text(to_toml(data))
    load_scenario(path)
    return path


def write_experiment(path: str | Path, *, name: str, scenario: str | Path, seed: int = 1, replications: int = 1,
                     levers: Mapping[str, Sequence[Any]] | None = None,
                     uncertainties: Mapping[str, tuple[float, float]] | None = None,
                     design: Mapping[str, Any] | None = None, horizon_years: int | None = None,
                     **extra: Any) -> Path:
    """Write an experiment file and validate it.

    Args:
        name: experiment name (results go to results/<name>/ by default).
        scenario: scenario file, relative to the experiment file's folder or absolute.
        seed, replications: master seed and replications per design point.
        levers: scenario path → list of values (full factorial over levers).
        uncertainties: scenario path → (low, high), sampled by ``design``.
        design: e.g. ``{"kind": "lhs", "samples": 20}`` or ``{"kind": "sobol", "samples": 16}``.
        horizon_years: override of the scenario's horizon.
        extra: further top-level sections (e.g. ``outputs={"timeseries": False}``).
    """
    from sim.experiments import load_experiment

    data: dict[str, Any] = {"name": name, "scenario": str(scenario), "seed": seed, "replications": replications}
    if horizon_years is not None:
        data["horizon_years"] = horizon_years
    data.update(extra)
    if levers:
        data["levers"] = [{"path": p, "values": list(values)} for p, values in levers.items()]
    if uncertainties:
        data["uncertainties"] = [{"path": p, "low": lo, "high": hi} for p, (lo, hi) in uncertainties.items()]
    if design:
        data["design"] = dict(design)
    path = Path(path)
    path.write_text(to_toml(data))
    load_experiment(path)
    return path
