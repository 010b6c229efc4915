"""Cross-field rules a scenario must satisfy beyond single-field types and ranges."""

from __future__ import annotations

import math
from collections.abc import Iterator

from pydantic import BaseModel

from sim.errors import InputError
from sim.scenario.names import check_name
from sim.scenario.schema import REGIMES, Scenario

TOLERANCE = 1e-6
"""Shares must sum to 1 within this tolerance (fraction)."""

MAX_DURATION_QUARTERS = 400.0
"""Longest duration a triangular distribution may reach (100 years)."""


def _triangles(model: BaseModel, path: str) -> Iterator[tuple[str, tuple[float, float, float]]]:
    """All (min, mode, max) duration fields in a model tree, with their paths."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        here = f"{path}.{name}" if path else name
        if name.endswith("_quarters") and isinstance(value, tuple):
            yield here, value
        elif isinstance(value, BaseModel):
            yield from _triangles(value, here)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _triangles(item, f"{here}[{i}]")


def _unique(source: str, items: list, section: str) -> set[str]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        check_name(source, f"{section}[{i}].name", item.name)
        if item.name in seen:
            raise InputError(source, f"{section}[{i}].name", item.name, f"a name not used by another {section} entry",
                             problem="duplicate name")
        seen.add(item.name)
    return seen


def check_consistency(scenario: Scenario, source: str) -> None:
    """Raise :class:`InputError` for the first cross-field rule the scenario breaks."""
    check_name(source, "name", scenario.name)
    regions = _unique(source, scenario.regions, "regions")
    archetypes = _unique(source, scenario.archetypes, "archetypes")
    _unique(source, scenario.areas, "areas")

    for path, (lo, mode, hi) in _triangles(scenario, ""):
        if not all(math.isfinite(v) for v in (lo, mode, hi)) or not (0 <= lo <= mode <= hi):
            raise InputError(source, path, [lo, mode, hi], "[min, mode, max] with 0 <= min <= mode <= max (quarters)",
                             problem="not a valid triangular distribution")
        if hi > MAX_DURATION_QUARTERS:
            raise InputError(source, path, [lo, mode, hi], f"[min, mode, max] with max <= {MAX_DURATION_QUARTERS:g} "
                             "quarters", problem="longer than 100 years")

    for name in REGIMES:
        regime = getattr(scenario.market.regimes, name)
        path = f"market.regimes.{name}.next"
        if name in regime.next:
            raise InputError(source, path, dict(regime.next), "the other regimes only", problem=f"'{name}' cannot follow itself")
        total = sum(regime.next.values())
        if any(not math.isfinite(v) or v < 0 for v in regime.next.values()) or not abs(total - 1) <= TOLERANCE:
            raise InputError(source, path, dict(regime.next), "non-negative probabilities summing to 1",
                             problem=f"they sum to {total:g}")

    if scenario.market.mode == "historical" and not 2005 <= scenario.start_year <= 2024:
        raise InputError(source, "start_year", scenario.start_year, "2005..2024 in historical mode (the replayed years)")
    if scenario.market.shock is not None and scenario.market.shock.year >= scenario.horizon_years:
        raise InputError(source, "market.shock.year", scenario.market.shock.year,
                         f"0..{scenario.horizon_years - 1} (within horizon_years)")

    for i, area in enumerate(scenario.areas):
        where = f"areas[{i}]"
        if area.region not in regions:
            raise InputError(source, f"{where}.region", area.region, "one of " + ", ".join(sorted(regions)),
                             problem="unknown region")
        if area.archetype not in archetypes:
            raise InputError(source, f"{where}.archetype", area.archetype, "one of " + ", ".join(sorted(archetypes)),
                             problem="unknown archetype")
        total = sum(area.programme.shares())
        if abs(total - 1) > TOLERANCE:
            raise InputError(source, f"{where}.programme", area.programme.model_dump(),
                             "segment shares summing to 1", problem=f"shares sum to {total:g}")
        own = area.ownership
        total = own.municipality + own.developers + own.businesses
        if abs(total - 1) > TOLERANCE:
            raise InputError(source, f"{where}.ownership", own.model_dump(), "ownership shares summing to 1",
                             problem=f"shares sum to {total:g}")
        if area.phase_homes is not None:
            if any(h < 1 for h in area.phase_homes) or not area.phase_homes:
                raise InputError(source, f"{where}.phase_homes", area.phase_homes, "a list of positive home counts")
            if sum(area.phase_homes) != area.homes:
                raise InputError(source, f"{where}.phase_homes", area.phase_homes,
                                 f"phase sizes summing to homes = {area.homes}",
                                 problem=f"phases hold {sum(area.phase_homes)} homes")
        elif area.phases > area.homes:
            raise InputError(source, f"{where}.phases", area.phases, f"1..{area.homes} (no more phases than homes)",
                             problem="phases larger than the area")
        if area.start_quarter >= scenario.n_quarters:
            raise InputError(source, f"{where}.start_quarter", area.start_quarter,
                             f"0..{scenario.n_quarters - 1} (within the horizon)")
