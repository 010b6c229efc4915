"""One validation path for everything a run will use: the scenario, its fund design, overrides.

``areasim check``, ``areasim run`` and ``areasim experiment`` (for every lever combination)
all go through :func:`check_data`, so whatever passes ``check`` runs, and whatever would
fail a run fails here first, before anything runs or is written. Errors blame what the user
wrote: a field of the scenario file, a field of a fund design file, or a command-line argument.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.scenario.loader import DEFAULT_SCENARIO, from_dict, read_toml


def check_data(data: dict[str, Any], source: str):
    """Validate scenario data fully (schema, cross-field rules, plug-ins, fund design); returns (scenario, design).

    ``design`` is None for the baseline ``none``: nothing to load or check, and the fund modules stay
    unimported (``areasim check`` of a scenario without a fund). :func:`validate_data` gives the design.
    """
    from sim.plugins import check_plugins

    scenario = from_dict(data, source)
    design = check_plugins(scenario, source)
    if design is not None:
        from sim.funds.design import check_design_for

        check_design_for(design, scenario, source, "funds.design")
    return scenario, design


def validate_data(data: dict[str, Any], source: str):
    """:func:`check_data`, with the baseline as ``NO_FUND``; returns (scenario, design) for a run."""
    scenario, design = check_data(data, source)
    if design is None:
        from sim.funds.design import NO_FUND

        design = NO_FUND
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


def check_file(path: str | Path) -> tuple[Any, str]:
    """What ``areasim check`` does: read a scenario file and check it fully (:func:`check_data`, the
    checks of :func:`load_run_inputs` without ``--years``); returns (scenario, source)."""
    source = str(path)
    scenario, _ = check_data(read_toml(source), source)
    return scenario, source


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
