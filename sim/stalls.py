"""Stalls measured over time: phases waiting on ready land, phases behind their own schedule.

Read once a quarter (after the decisions, before the processes run): a phase past its zoning plan
whose land nobody has decided to buy and prepare waits for a land decision; a phase whose land is
ready (its land works are done) but that has no go waits for a reason — no deal in force,
presales short of the threshold, a residual land value below the agreed price, no room at the
housing association, no investor. The monitor counts those phase-quarters by reason and keeps,
per phase, the quarter its construction was due by its own plan (planned start + the modes of
preparation, zoning and land works), so a phase more than a year late is visible whether or
not it ever starts (an unfinished phase is counted at the horizon: censored, not dropped).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from sim.area import STAGE_INDEX
from sim.durations import STAGE_KINDS

if TYPE_CHECKING:
    from sim.area import PhaseState
    from sim.scenario.schema import Scenario

REASONS = ("land decision", "no deal", "presales", "land value", "housing association", "investor", "other")
"""Why a phase waits: for the decision to buy and prepare its land (after its zoning plan), or, on ready
land, for its go (categories of the developer's last check)."""
_DONE = STAGE_INDEX["done"]  # a stage from here on (done, abandoned) is closed
LATE_QUARTERS = 4
"""A phase whose construction starts (or had not started) this many quarters after its plan is behind."""


def reason_category(reason: str) -> str:
    """The category of a waiting phase's reason text."""
    if reason.startswith(("no deal", "deal not yet")):
        return "no deal"
    if reason.startswith("presales"):
        return "presales"
    if reason.startswith("residual land value"):
        return "land value"
    if reason.startswith("housing association"):
        return "housing association"
    if reason.startswith("no investor"):
        return "investor"
    return "other"


def planned_go(scenario: Scenario, phase: PhaseState) -> float:
    """Quarter the phase's construction would start by its own plan (the modes of the stages before)."""
    life, arch = scenario.lifecycle, phase.area.archetype
    modes = {"preparation": life.preparation_quarters[1], "zoning": life.zoning_quarters[1],
             "acquisition": arch.acquisition_quarters[1], "remediation": arch.remediation_quarters[1],
             "site_preparation": life.site_preparation_quarters[1]}
    assert set(modes) <= set(STAGE_KINDS)
    return phase.planned_start + sum(modes.values())


class StallMonitor:
    """Phase-quarters waiting on ready land (by reason) and lateness against each phase's own plan.

    Attributes:
        waiting: phase-quarters waiting on ready land, by reason category.
        waiting_now: phases waiting on ready land this quarter.
        planned: quarter each phase's construction was due by its plan.
    """

    def __init__(self, scenario: Scenario, phases: list[PhaseState]) -> None:
        self.phases = phases
        self.waiting: Counter[str] = Counter({r: 0 for r in REASONS})
        self.waiting_now = 0
        self.planned = np.array([planned_go(scenario, p) for p in phases])
        self._may_wait = list(phases)  # phases that may still wait (not closed, not given the go with their land decided)
        self._categories: dict[str, str] = {}  # reason text → category (see observe)

    def observe(self) -> None:
        """Count this quarter's phases waiting on ready land.

        A phase's ``is_open`` and ``waiting`` read inline, each reason's category looked up once per reason
        text, and the phases waiting for a land decision added once (every category is a key from the start,
        so the counter's order stays; integer counts). A phase is dropped from the list for good once it is closed,
        or given the go with no land decision pending. Guarded in tests/test_stalls_fastpath.py.
        """
        now = 0
        land = 0
        waiting = self.waiting
        categories = self._categories
        may_wait = []
        for p in self._may_wait:
            if p.stage >= _DONE:  # done or abandoned: it counts nowhere, now or later
                continue
            if p.land_ready and p.wait_since is not None and p.go_time is None:  # PhaseState.waiting, open
                may_wait.append(p)
                reason = p.reason
                category = categories.get(reason)
                if category is None:
                    category = categories[reason] = reason_category(reason)
                waiting[category] += 1
                now += 1
                continue
            event = p.land_event
            if event is not None and not event.triggered:
                may_wait.append(p)
                land += 1
            elif p.go_time is None:
                may_wait.append(p)
            # else: given the go (for good) with its land decided or never to be decided (a phase's land event is
            # made before its go event, and a triggered event stays so): it counts nowhere, now or later
        if land:
            waiting["land decision"] += land
        self._may_wait = may_wait
        self.waiting_now = now

    def share_behind(self, now: float, late: float = LATE_QUARTERS) -> float:
        """Share of phases due by now whose construction started (or had not started) ``late`` quarters late.

        Abandoned phases that were due count as behind; a phase not yet due is left out.
        """
        due = self.planned <= now - late
        if not due.any():
            return 0.0
        starts = np.array([p.construction_start if p.construction_start is not None else np.inf
                           for p in self.phases])
        behind = (starts - self.planned > late) & due
        return float(behind.sum() / due.sum())
