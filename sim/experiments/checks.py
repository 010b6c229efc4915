"""Checks of a whole experiment before it runs: size caps, the seed, every lever combination.

Each lever value alone is checked in :mod:`sim.experiments.spec`; here the values are checked
together (two levers can clash: more phases than homes), on the same validation path as
``areasim check`` (:func:`sim.scenario.inputs.validate_data`).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from sim.errors import InputError

MAX_RUNS = 200_000
"""Most runs one experiment may have (its design, manifest and status list are held in memory)."""

MAX_CHECKED = 5_000
"""Lever combinations × design points validated one by one before the runs; above this, every lever
combination is validated at the base values and each uncertainty at its extremes."""


def count_points(spec) -> int:
    """Design points over the uncertainties, computed without sampling."""
    us = spec.uncertainties
    if not us:
        return 1
    if spec.design.kind == "factorial":
        return math.prod(len(u.values) if u.values is not None else 2 for u in us)
    if spec.design.kind == "sobol":
        return spec.design.samples * (len(us) + 2)
    return spec.design.samples


def count_combinations(spec) -> int:
    return math.prod(len(lv.values) for lv in spec.levers) if spec.levers else 1


def check_size(spec, source: str) -> None:
    """Refuse an experiment with more than :data:`MAX_RUNS` runs before its runs are built."""
    combos, points, reps = count_combinations(spec), count_points(spec), spec.replications
    total = combos * points * reps
    if total > MAX_RUNS:
        field = "replications" if reps >= max(combos, points) else "design.samples" if points >= combos \
            else "levers"
        raise InputError(source, field, f"{combos} lever combinations × {points} design points × {reps} "
                         f"replications = {total:,} runs", f"at most {MAX_RUNS:,} runs per experiment",
                         problem="too many runs")


def check_seed_not_varied(spec, source: str) -> None:
    """A lever or uncertainty on ``seed`` would be silently overridden by the run seeds: refuse it."""
    for kind, items in (("levers", spec.levers), ("uncertainties", spec.uncertainties)):
        for i, item in enumerate(items):
            if item.path.strip() == "seed":
                raise InputError(source, f"{kind}[{i}].path", item.path, "a scenario parameter other than seed "
                                 "(run seeds come from the experiment's seed and replications)",
                                 problem="the seed cannot be varied this way")


def _validate(base: dict, overrides: dict[str, Any], scenario_source: str) -> None:
    from sim.experiments.paths import apply_all
    from sim.scenario.inputs import validate_data

    validate_data(apply_all(base, overrides.items()), scenario_source)


def check_combinations(spec, base: dict, source: str, scenario_source: str) -> int:
    """Validate every lever combination (with every design point when there are few enough); returns the count."""
    from sim.experiments.design import uncertainty_points

    combos = [dict(zip([lv.path for lv in spec.levers], combo, strict=True))
              for combo in itertools.product(*[lv.values for lv in spec.levers])] or [{}]
    points = uncertainty_points(spec) if len(combos) * count_points(spec) <= MAX_CHECKED else [{}]
    if len(combos) == 1 and points == [{}]:
        return 0  # each value alone was checked already
    checked = 0
    for point in points:
        for levers in combos:
            try:
                _validate(base, {**levers, **point}, scenario_source)
            except InputError as exc:
                shown = {**levers, **point}
                raise InputError(source, "levers" if not point else "levers × uncertainties", shown,
                                 f"combinations for which {exc.field or 'the scenario'} is valid ({exc.allowed})",
                                 problem=f"this combination makes {exc.field} = {exc.value!r} invalid"
                                 + (f" ({exc.problem})" if exc.problem else "")) from None
            checked += 1
    return checked
