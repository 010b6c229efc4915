"""Stage durations drawn up front from the model's duration stream (quarters).

Every phase gets one uniform draw per stage kind (and one for whether its zoning
decision is appealed), in a fixed layout, before the run starts. Durations are then
the inverse triangular CDF of those uniforms, so two runs with the same seed see the
same durations for the same phase whatever happens in between (common random numbers).
"""

from __future__ import annotations

import numpy as np

from sim.scenario.schema import Scenario

STAGE_KINDS: tuple[str, ...] = (
    "preparation", "zoning", "appeal", "acquisition", "remediation", "site_preparation",
    "construction", "transfer",
)
APPEAL_DRAW = len(STAGE_KINDS)
"""Column of the uniform that decides whether a phase's zoning is appealed."""


def triangular_quantile(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution (vectorised)."""
    if high <= low:
        return np.full_like(u, low, dtype=float)
    split = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
    return np.where(u < split, left, right)


def draw_uniforms(n_phases: int, rng: np.random.Generator) -> np.ndarray:
    """(n_phases, len(STAGE_KINDS) + 1) uniforms: one per stage kind, then the appeal draw."""
    return rng.random((n_phases, len(STAGE_KINDS) + 1))


def stage_durations(scenario: Scenario, uniforms: np.ndarray, archetype_of_phase: list) -> np.ndarray:
    """(n_phases, len(STAGE_KINDS)) durations in quarters; acquisition and remediation per archetype."""
    life = scenario.lifecycle
    out = np.empty((uniforms.shape[0], len(STAGE_KINDS)))
    common = {
        "preparation": life.preparation_quarters, "zoning": life.zoning_quarters,
        "appeal": life.appeal_quarters, "site_preparation": life.site_preparation_quarters,
        "construction": life.construction_quarters, "transfer": life.transfer_quarters,
    }
    for k, kind in enumerate(STAGE_KINDS):
        if kind in common:
            out[:, k] = triangular_quantile(uniforms[:, k], *common[kind])
        else:  # per archetype: the same element-wise arithmetic on each archetype's phases at once
            rows: dict[int, list[int]] = {}
            archetypes = {}
            for i, arch in enumerate(archetype_of_phase):
                rows.setdefault(id(arch), []).append(i)
                archetypes[id(arch)] = arch
            for key, index in rows.items():
                out[index, k] = triangular_quantile(uniforms[index, k], *getattr(archetypes[key], f"{kind}_quarters"))
    return out
