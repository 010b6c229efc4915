"""Experiment files (TOML): a base scenario, levers, uncertainties, a sampling design, replications.

Validated like scenarios: unknown keys, wrong types and ranges are one-line errors; an unknown
parameter path is named with the nearest valid ones; every lever value and the extremes of every
uncertainty are applied to the base scenario and validated before any run starts.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from sim.errors import InputError
from sim.experiments.checks import check_combinations, check_seed_not_varied, check_size
from sim.experiments.paths import apply, check_path
from sim.scenario.errors import from_validation_error
from sim.scenario.inputs import validate_data, with_override
from sim.scenario.loader import read_toml
from sim.scenario.names import check_name
from sim.scenario.schema import P, Strict


class Lever(Strict):
    """A policy choice varied in full factorial: every value is combined with every other lever's."""

    path: str = Field(description="Scenario parameter path, e.g. 'funds.design' or 'cooperation.model'.")
    values: list[Any] = Field(min_length=1, description="Values to try.")


class Uncertainty(Strict):
    """An uncertain parameter sampled by the design: a range (uniform) or a list of values."""

    path: str = Field(description="Scenario parameter path.")
    low: float | None = P(None, "unit of the parameter", "-", "Lower bound (uniform).")
    high: float | None = P(None, "unit of the parameter", "-", "Upper bound (uniform).")
    values: list[Any] | None = P(None, "-", "-", "Discrete values (instead of a range).")
    integer: bool = P(False, "-", "-", "Round sampled values to integers.")


class Design(Strict):
    """How uncertainties are sampled."""

    kind: Literal["factorial", "lhs", "sobol"] = P(
        "lhs", "-", "scipy.stats.qmc (LHS), SALib (Saltelli/Sobol)",
        "'factorial': all combinations of uncertainty values; 'lhs': Latin hypercube of `samples` points; "
        "'sobol': Saltelli sample with N = `samples` (N·(D+2) points) for Sobol indices.")
    samples: int = P(1, "points", "-", "Sample size (lhs: points; sobol: base N, a power of 2 is best).",
                     ge=1, le=1_000_000)


class Outputs(Strict):
    """Which tables are stored per run besides the scalar outcomes."""

    timeseries: bool = P(True, "-", "-", "Yearly series per run (homes by segment, cash, regime).")
    areas: bool = P(True, "-", "-", "Final state of every area and of every phase per run (areas and phases tables).")


class Experiment(Strict):
    """An experiment: many runs of one base scenario."""

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = Field("", max_length=2000)
    scenario: str = P("../scenarios/nl_programme.toml", "path", "-",
                      "Base scenario file, relative to the experiment file.")
    seed: int = P(0, "-", "-", "Experiment seed: spawns every run seed (numpy SeedSequence).", ge=0, le=2**63 - 1)
    replications: int = P(1, "futures", "-", "Replications (market futures) per design point.", ge=1, le=1_000_000)
    horizon_years: int | None = P(None, "years", "-", "Override of the scenario horizon.", ge=1, le=100)
    levers: list[Lever] = Field(default_factory=list)
    uncertainties: list[Uncertainty] = Field(default_factory=list)
    design: Design = Field(default_factory=Design)
    outputs: Outputs = Field(default_factory=Outputs)


class LoadedExperiment:
    """A validated experiment with its base scenario data and provenance."""

    def __init__(self, spec: Experiment, path: Path, scenario_path: Path, scenario_data: dict) -> None:
        self.spec = spec
        self.path = path
        self.scenario_path = scenario_path
        self.scenario_data = scenario_data

        self.experiment_hash = hashlib.sha256(path.read_bytes()).hexdigest()
        self.scenario_hash = hashlib.sha256(json.dumps(scenario_data, sort_keys=True, default=str).encode()).hexdigest()


def _check_value(source: str, field: str, base: dict, path: str, value: Any, scenario_path: Path) -> None:
    from sim.scenario.inputs import validate_data

    try:
        data = apply(base, path, value)
    except KeyError as exc:  # the path is wrong, not the value: blame the path field
        path_field = (field[: -len(".values")] if field.endswith(".values") else field) + ".path"
        raise InputError(source, path_field, path, "a path whose list selectors match entries of the scenario",
                         problem=str(exc).strip("'\"")) from None
    try:
        validate_data(data, str(scenario_path))
    except InputError as exc:
        raise InputError(source, field, value, exc.allowed, problem=f"invalid for {path}: {exc.problem or exc.field}") \
            from None


def load_experiment(path: str | Path) -> LoadedExperiment:
    """Read and fully validate an experiment file; raises :class:`InputError`."""
    path = Path(path)
    source = str(path)
    raw = read_toml(path)
    try:
        spec = Experiment.model_validate(raw)
    except ValidationError as exc:
        raise from_validation_error(source, exc, Experiment) from None
    check_name(source, "name", spec.name)
    check_size(spec, source)
    check_seed_not_varied(spec, source)
    scenario_path = (path.parent / spec.scenario).resolve()
    if not scenario_path.is_file():
        raise InputError(source, "scenario", spec.scenario, "a scenario file path relative to the experiment file",
                         problem="file not found")
    base = read_toml(scenario_path)
    validate_data(base, str(scenario_path))  # the scenario as written: its own mistakes blame its fields
    if spec.horizon_years is not None:
        base["horizon_years"] = spec.horizon_years
        with_override(base, str(scenario_path), "horizon_years", spec.horizon_years, source, "horizon_years")
    for kind, items in (("levers", spec.levers), ("uncertainties", spec.uncertainties)):
        for i, item in enumerate(items):
            hint = check_path(item.path)
            if hint is not None:
                raise InputError(source, f"{kind}[{i}].path", item.path, hint, problem="unknown parameter path")
    for i, lever in enumerate(spec.levers):
        for value in lever.values:
            _check_value(source, f"levers[{i}].values", base, lever.path, value, scenario_path)
    for i, u in enumerate(spec.uncertainties):
        if u.values is None and (u.low is None or u.high is None or u.low > u.high):
            raise InputError(source, f"uncertainties[{i}]", {"low": u.low, "high": u.high},
                             "either values = [...] or low <= high", problem="no valid range")
        for value in (u.values if u.values is not None else [u.low, u.high]):
            _check_value(source, f"uncertainties[{i}]", base, u.path, int(round(value)) if u.integer else value,
                         scenario_path)
    if spec.design.kind == "sobol" and any(u.values is not None for u in spec.uncertainties):
        raise InputError(source, "design.kind", "sobol", "lhs or factorial when uncertainties have discrete values",
                         problem="Sobol sampling needs ranges")
    if spec.design.kind == "sobol" and not spec.uncertainties:
        raise InputError(source, "design.kind", "sobol", "at least one uncertainty with a range")
    check_combinations(spec, base, source, str(scenario_path))
    return LoadedExperiment(spec, path, scenario_path, base)
