"""One validation path for everything a run will use: the scenario, its fund design, overrides.

``areasim check``, ``areasim run`` and ``areasim experiment`` (for every lever combination)
all go through :func:`validate_data`, so whatever passes ``check`` runs, and whatever would
fail a run fails here first, before anything runs or is written. Errors blame what the user
wrote: a field of the scenario file, a field of a fund design file, or a command-line argument.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.scenario.loader import DEFAULT_SCENARIO, from_dict, read_toml


def validate_data(data: dict[str, Any], source: str):
    """Validate scenario data fully (schema, cross-field rules, plug-ins, fund design); returns (scenario, design)."""
    from sim.funds.design import check_design_for
    from sim.plugins import check_plugins

    scenario = from_dict(data, source)
    design = check_plugins(scenario, source)
    check_design_for(design, scenario, source, "funds.design")
    return scenario, design


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def blame(exc: InputError, source: str, field: str, value: Any) -> InputError:
    """Re-address an error caused by an override to the argument or field that made the override."""
    where = f"{exc.source}: " if exc.source else ""
    inner = f"{exc.field} = {_short(exc.value)}" if exc.field else _short(exc.value)
    problem = f"makes {where}{inner} invalid" + (f" ({exc.problem})" if exc.problem else "")
    return InputError(source, field, value, f"a value for which {exc.field or 'the scenario'} is valid "
                      f"({exc.allowed})", problem=problem)


def with_override(data: dict[str, Any], source: str, key: str, value: Any, arg_source: str, arg: str):
    """Validate ``data`` with top-level ``key`` set to ``value``; an error blames ``arg`` (e.g. '--years')."""
    try:
        return validate_data({**data, key: value}, source)
    except InputError as exc:
        raise blame(exc, arg_source, arg, value) from None


def load_run_inputs(path: str | Path | None, years: int | None = None):
    """Read and fully validate a scenario file, then the ``--years`` override; returns (scenario, source, design, data).

    The file is validated as written first, so its own mistakes are blamed on its fields; only
    then is the override applied, and a conflict it causes is blamed on ``--years``.
    """
    source = str(path) if path is not None else str(DEFAULT_SCENARIO)
    data = read_toml(source)
    scenario, design = validate_data(data, source)
    if years is not None:
        data = {**data, "horizon_years": years}
        scenario, design = with_override(data, source, "horizon_years", years, "", "--years")
    return scenario, source, design, data


def load_fund_designs(names: list[str], scenario, base_dir: Path, arg: str = "--fund") -> list:
    """Fund designs named on the command line, checked exactly like the one a scenario names."""
    from sim.funds.design import check_design_for, load_design

    seen: set[str] = set()
    designs = []
    for name in names:
        if name in seen:
            raise InputError("", arg, name, "each design once", problem="given twice")
        seen.add(name)
        design = load_design(name, base_dir, arg, "")
        check_design_for(design, scenario, "", f"{arg} {name}")
        designs.append(design)
    names_seen: set[str] = set()
    for design in designs:
        if design.name in names_seen:
            raise InputError("", arg, design.name, "designs with different names (results folders are named by "
                             "them)", problem="two designs share this name")
        names_seen.add(design.name)
    return designs
