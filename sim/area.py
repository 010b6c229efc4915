"""Areas and their phases: programme, public works and lifecycle state (pure domain, no Mesa).

An :class:`AreaPlan` is built once per run from the scenario: homes per phase and
segment, and the public-works cost items drawn with their uncertainty. A
:class:`PhaseState` holds what changes during the run (stage, sales, money paid).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.finance.grex import COST_ITEMS
from sim.scenario.schema import SEGMENTS, STAGES, Archetype, Scenario
from sim.scenario.schema import Area as AreaSpec
from sim.segments import ABANDONED, FREE_RENT, MID_RENT, OWNER, RENTAL_SEGMENTS, SOCIAL, STAGE_INDEX  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from sim.cooperation.base import CooperationModel
    from sim.deal import Deal

AREA_WIDE_ITEMS = ("infrastructure", "public_transport")
"""Cost items that serve the whole area and are paid with its first phase (bovenplans)."""
CIVIL_ITEMS = ("demolition", "remediation", "site_preparation", "infrastructure", "public_transport")
"""Cost items that count as civil works for plan costs (VTU) and contingency."""


def split_homes(total: int, shares: tuple[float, ...] | np.ndarray) -> np.ndarray:
    """Split ``total`` homes over shares by the largest-remainder method (sums exactly to total)."""
    shares = np.asarray(shares, dtype=float)
    if 0 < len(shares) < 8:
        few = _split_homes_few(total, shares.tolist(), float(shares.sum()))
        if few is not None:
            return few
    return split_homes_array(total, shares)


def split_homes_array(total: int, shares: np.ndarray) -> np.ndarray:
    """:func:`split_homes` in numpy for any number of shares (the general path)."""
    raw = total * shares / shares.sum()
    base = np.floor(raw).astype(np.int64)
    remainder = total - int(base.sum())
    if remainder:
        order = np.argsort(-(raw - base), kind="stable")
        base[order[:remainder]] += 1
    return base


def _split_homes_few(total: int, shares: list[float], whole: float) -> np.ndarray | None:
    """:func:`split_homes` for a few shares in scalar arithmetic, the same result: ``whole`` is numpy's sum of
    the shares (its summation order is its own), the other steps are element-wise, and the stable sort keeps
    ties in index order as numpy's stable argsort does."""
    if not whole > 0:  # degenerate shares: None, numpy's path keeps its own handling
        return None
    raw = [total * s / whole for s in shares]
    base = [math.floor(x) for x in raw]
    remainder = total - sum(base)
    if remainder:
        order = sorted(range(len(raw)), key=lambda i: -(raw[i] - base[i]))
        for i in order[:remainder]:
            base[i] += 1
    return np.array(base, dtype=np.int64)


_SPLITS: dict[tuple[int, tuple[float, ...]], np.ndarray] = {}
"""Remembered :func:`split_homes` results for :func:`build_areas` (read-only templates, copied out)."""


def _split_remembered(total: int, shares: tuple[float, ...]) -> np.ndarray:
    """``split_homes(total, shares)`` for a tuple of floats, remembered in this process: a pure function of the
    values (an area's phases and runs of one scenario repeat them); each caller gets its own copy.
    Guarded in tests/test_build_fastpath.py."""
    key = (total, shares)
    known = _SPLITS.get(key)
    if known is None:
        if len(_SPLITS) >= 4096:
            _SPLITS.clear()
        known = _SPLITS[key] = split_homes(total, shares)
        known.flags.writeable = False
    return known.copy()


def phase_sizes(spec: AreaSpec) -> list[int]:
    """Homes per phase: explicit ``phase_homes`` or ``phases`` near-equal parts."""
    if spec.phase_homes is not None:
        return list(spec.phase_homes)
    return _split_remembered(spec.homes, (1.0,) * spec.phases).tolist()  # np.ones(phases): the same shares


def cost_items_per_home(archetype: Archetype, municipal_share: float) -> dict[str, float]:
    """Public-works cost items (€/home, start-year prices) before uncertainty and VTU/contingency."""
    return {
        "acquisition": archetype.acquisition_per_home * (1.0 - municipal_share),
        "demolition": archetype.demolition_per_home,
        "remediation": archetype.remediation_per_home,
        "site_preparation": archetype.site_preparation_per_home,
        "infrastructure": archetype.infrastructure_per_home,
        "public_transport": archetype.public_transport_per_home,
    }


def with_overheads(items: dict[str, float], archetype: Archetype) -> dict[str, float]:
    """Add plan costs (VTU) and contingency as shares of civil works."""
    civil = sum(items[k] for k in CIVIL_ITEMS)
    out = dict(items)
    out["plan_costs"] = archetype.plan_cost_share * civil
    out["contingency"] = archetype.contingency_share * civil
    return out


_DONE = STAGE_INDEX["done"]


@dataclass(slots=True, eq=False)
class PhaseState:
    """A phase of an area: its programme, its public works, and where it is in its lifecycle.

    Money amounts are € at start-year prices unless named otherwise; ``*_paid`` are
    nominal euros actually paid.
    """

    area: AreaPlan
    index: int
    homes: np.ndarray  # (4,) homes per segment, SEGMENTS order
    costs: dict[str, float]  # public-works cost items at start-year prices (€)
    unpaid: dict[str, float]  # cost items not yet paid (start-year prices, €)
    estimates: dict[str, float]  # cost items as estimated before the uncertainty is drawn (€)
    planned_start: float  # quarter in which preparation is planned to begin
    stage: int = -1  # index into STAGES; -1 = not begun; ABANDONED
    stage_since: float = 0.0
    marketing_open: bool = False
    on_sale: bool = False  # owner-occupied homes are being offered to buyers
    land_ready: bool = False
    owner_sold: float = 0.0  # owner-occupied homes presold
    owner_revenue: float = 0.0  # € locked in presale contracts
    owner_received: float = 0.0  # € buyers have paid so far (instalments)
    fund_sold: float = 0.0  # owner-occupied homes bought by a fund (countercyclical), paid by the fund
    transferred: bool = False  # buyers have taken their homes; unsold homes are the developer's stock
    pipeline: str = "planned"  # where the phase stood at the start of the run (a scenario's pipeline)
    forward_funded: bool = False
    social_committed: bool = False
    wait_since: float | None = None  # quarter the phase started to wait for a go
    go_time: float | None = None
    construction_start: float | None = None
    completion: float | None = None
    land_price_paid: float = 0.0  # € paid for the land (market segments + social)
    public_costs_paid: float = 0.0  # € of public works paid
    rental_price: float = 0.0  # € agreed with the investor for the rental blocks
    developer: Any = None  # the Developer agent that built the market segments (set at construction start)
    investor: Any = None  # the Investor agent that forward-funded the rental blocks
    housing_association: Any = None  # the HousingAssociation building the social homes
    market_land_price: float = 0.0  # € the developer pays for the land of the market segments
    contract_market: float = 0.0  # € construction contract of the market segments (fixed at start)
    contract_social: float = 0.0  # € construction contract of the social homes (fixed at start)
    go_event: simpy.Event | None = None  # succeeded when the phase may start
    land_event: simpy.Event | None = None  # succeeded when its land may be bought and prepared (a signed deal
    # or, under active land policy, the municipality's own go)
    land_go_time: float | None = None
    process: simpy.Process | None = None
    reason: str = ""  # why it stalled / was abandoned / went

    @property
    def total_homes(self) -> int:
        return int(self.homes.sum())

    @property
    def owner_homes(self) -> int:
        return int(self.homes.item(OWNER))  # the same int as int(self.homes[OWNER]), without a numpy scalar

    @property
    def rental_homes(self) -> int:
        return int(self.homes[MID_RENT] + self.homes[FREE_RENT])

    @property
    def presale_share(self) -> float:
        """Share of owner-occupied homes sold (1.0 when the phase has none)."""
        owner = int(self.homes.item(OWNER))
        return 1.0 if owner == 0 else self.owner_sold / owner

    @property
    def waiting(self) -> bool:
        """Open, past its irrevocable zoning plan and not yet given the go (it waits for a decision)."""
        return self.wait_since is not None and self.go_time is None and self.stage < _DONE

    @property
    def unstarted(self) -> bool:
        """Open and not yet given the go (its terms can still be negotiated)."""
        return self.go_time is None and self.stage < _DONE

    @property
    def started(self) -> bool:
        """Construction has started."""
        return self.construction_start is not None

    @property
    def completed(self) -> bool:
        """Construction is complete."""
        return self.completion is not None

    @property
    def stage_name(self) -> str:
        if self.stage < 0:
            return "planned"
        return "abandoned" if self.stage == ABANDONED else STAGES[self.stage]

    @property
    def is_open(self) -> bool:
        """Not yet done and not abandoned."""
        return self.stage < _DONE


@dataclass(slots=True, eq=False)
class AreaPlan:
    """One transformation area in a run."""

    spec: AreaSpec
    region_index: int
    archetype: Archetype
    cooperation: str
    cost_draws: dict[str, float]  # multiplicative uncertainty per cost item (mean 1)
    phases: list[PhaseState] = field(default_factory=list)
    coop: CooperationModel = None  # type: ignore[assignment]  # set when the run is wired
    developer: Any = None  # the Developer agent holding the area
    deal: Deal | None = None  # the deal in force (sim.deal)
    last_attempt: float | None = None  # quarter of the last negotiation attempt
    last_attempt_price: float = 1.0  # regional price index at the last attempt
    affordable_demand: float = 0.0  # share of social + mid-rent homes the municipality demands now
    land_banked: bool = False  # a fund's land bank holds the developer's land position
    _developer_fraction: float | None = field(default=None, init=False, repr=False)  # see developer_land_fraction
    _held: list | None = field(default=None, init=False, repr=False)  # see developer_land_position

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def unstarted(self) -> list[PhaseState]:
        """Phases that have not had their go and are still open."""
        return [p for p in self.phases if p.go_time is None and p.stage < _DONE]

    @property
    def developer_land_fraction(self) -> float:
        """Share of the privately owned land (developers + businesses) that developers own (fraction)."""
        known = self._developer_fraction  # the scenario's ownership is frozen: computed once
        if known is None:
            own = self.spec.ownership
            private = own.developers + own.businesses
            known = self._developer_fraction = own.developers / private if private > 0 else 0.0
        return known

    def developer_land_position(self) -> float:
        """€ (start-year prices) of land the area's developer still holds and finances.

        A position is held until it is bought (when the cooperation model has developers' land
        bought) or until the phase starts construction (when the developer keeps its land).
        """
        known = self._held
        if known is not None and not known[1] and known[0] == self.coop.buys_developer_land:
            return 0.0  # no phase holds land any more (see below): closed for good, banked or not
        if self.land_banked:
            return 0.0
        dev_frac = self.developer_land_fraction
        if dev_frac <= 0:
            return 0.0
        # A phase that stops holding land never holds it again (its stage only advances, ``unpaid`` items are
        # only paid, a construction start is for good): the phases still holding land are kept (in the area's
        # order) with their sum, which is recomputed — the same additions in the same order as over all phases,
        # the others adding nothing — only when one of them stops. Guarded in tests/test_developer_fastpath.py.
        buys = self.coop.buys_developer_land
        if known is None or known[0] != buys:
            known = self._held = [buys, self.phases, None]
        phases = known[1]
        if buys:  # held until bought
            kept = [p for p in phases if p.stage < _DONE and "acquisition" in p.unpaid]
        else:  # held until the phase starts construction
            kept = [p for p in phases if p.stage < _DONE and p.construction_start is None]
        if len(kept) != len(phases) or known[2] is None:
            held = 0.0
            for phase in kept:
                held += phase.estimates.get("acquisition", 0.0) * dev_frac
            known[1], known[2] = kept, held
        return known[2]

    @property
    def land_position_closed(self) -> bool:
        """The developer land position is 0 for the rest of the run: the land is banked, developers own none
        here, or (as of the last ``developer_land_position``) no phase holds land any more (it never grows)."""
        known = self._held
        return (self.land_banked or self.developer_land_fraction <= 0
                or (known is not None and not known[1] and known[0] == self.coop.buys_developer_land))

    @property
    def homes_by_segment(self) -> np.ndarray:
        return np.sum([p.homes for p in self.phases], axis=0)

    def state(self) -> str:
        """'done', 'abandoned', 'stalled' (some phase waits for a go), 'active' or 'planned'."""
        stages = [p.stage for p in self.phases]
        if all(s == STAGE_INDEX["done"] for s in stages):
            return "done"
        if all(s in (STAGE_INDEX["done"], ABANDONED) for s in stages):
            return "abandoned" if any(s == ABANDONED for s in stages) else "done"
        if any(p.waiting for p in self.phases):
            return "stalled"
        if all(s < 0 for s in stages):
            return "planned"
        return "active"


def build_areas(scenario: Scenario, cost_rng: np.random.Generator) -> list[AreaPlan]:
    """Areas with phases and drawn public-works costs.

    Draws exactly ``len(areas) × len(COST_ITEMS)`` normals from ``cost_rng`` whatever the
    scenario's options, so other streams and policy variants see the same costs.
    """
    regions = {r.name: i for i, r in enumerate(scenario.regions)}
    archetypes = {a.name: a for a in scenario.archetypes}
    z = cost_rng.standard_normal((len(scenario.areas), len(COST_ITEMS)))
    areas = []
    for a_i, spec in enumerate(scenario.areas):
        arch = archetypes[spec.archetype]
        sigma = arch.cost_uncertainty
        mean = 1.0 + arch.overrun_mean  # reference class: overruns are positive on average and right-skewed
        draws = {item: float(mean * np.exp(sigma * z[a_i, k] - sigma**2 / 2)) for k, item in enumerate(COST_ITEMS)}
        area = AreaPlan(spec=spec, region_index=regions[spec.region], archetype=arch,
                        cooperation=spec.cooperation or scenario.cooperation.model, cost_draws=draws)
        per_home = cost_items_per_home(arch, spec.ownership.municipality)
        sizes = phase_sizes(spec)
        shares = spec.programme.shares()
        area.affordable_demand = shares[0] + shares[1]
        for p_i, size in enumerate(sizes):
            estimate = {item: (value * spec.homes if p_i == 0 else 0.0) if item in AREA_WIDE_ITEMS else value * size
                        for item, value in per_home.items()}
            estimate = with_overheads(estimate, arch)
            items = {item: amount * draws[item] for item, amount in estimate.items()}
            homes = _split_remembered(size, shares)
            pipeline = spec.pipeline_stage if p_i < spec.pipeline_phases else "planned"
            unpaid = {} if pipeline in ("land_ready", "construction") else (
                {k: v for k, v in items.items() if k != "plan_costs"} if pipeline == "zoned" else dict(items))
            area.phases.append(PhaseState(area=area, index=p_i, homes=homes, costs=items, unpaid=unpaid,
                                          estimates=estimate, pipeline=pipeline,
                                          planned_start=spec.start_quarter + p_i * spec.phase_interval_quarters))
        areas.append(area)
    return areas


__all__ = ["ABANDONED", "AREA_WIDE_ITEMS", "AreaPlan", "CIVIL_ITEMS", "FREE_RENT", "MID_RENT", "OWNER",
           "PhaseState", "RENTAL_SEGMENTS", "SEGMENTS", "SOCIAL", "STAGE_INDEX", "build_areas",
           "cost_items_per_home", "phase_sizes", "split_homes", "with_overheads"]
