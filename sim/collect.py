"""What is observed each quarter: model-level series and an area-level table (Mesa DataCollector)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.area import ABANDONED, OWNER, STAGE_INDEX
from sim.scenario.schema import REGIMES, SEGMENTS

if TYPE_CHECKING:
    from mesa import Model as AreaModel  # sim.model.AreaModel, typed by its Mesa base (layers)

AREA_COLUMNS = ["quarter", "area", "region", "cooperation", "state", "stage", "homes_planned", "homes_started",
                "homes_completed",
                "public_costs_paid", "land_revenue", "presold_share"]


def _public_cash(m: AreaModel) -> float:
    return sum(a.cash for a in m.municipalities)


def _private_cash(m: AreaModel) -> float:
    return sum(a.cash for group in (m.developers, m.housing_associations, m.investors) for a in group)


def land_share(m: AreaModel, region: int, quarter: int | None = None) -> float:
    """Residual land value of an owner-occupied new home as a share of its price net of VAT (fraction)."""
    q = m.quarter if quarter is None else quarter
    econ = m.ctx.econ
    return float(econ.land_value[region, q, OWNER] / econ.sale_value[region, q, OWNER])


def phase_counts(m: AreaModel) -> tuple[int, int, int, int]:
    """(waiting, building, done, abandoned) phases now, counted in one pass and kept for the rest of the step
    (four series read it)."""
    known = getattr(m, "_phase_counts", None)
    if known is not None and known[0] == m.steps:
        return known[1]
    building, done = STAGE_INDEX["construction"], STAGE_INDEX["done"]
    counts = [0, 0, 0, 0]
    for p in m.phases:
        stage = p.stage
        counts[0] += p.waiting
        counts[1] += stage == building
        counts[2] += stage == done
        counts[3] += stage == ABANDONED
    m._phase_counts = (m.steps, tuple(counts))
    return m._phase_counts[1]


def model_reporters(model: AreaModel) -> dict:
    """Reporter functions (model → value) for the model-level time series."""
    reporters = {
        "quarter": lambda m: m.quarter,
        "year": lambda m: m.spec.start_year + m.quarter // 4,
        "regime": lambda m: REGIMES[int(m.market.regime[m.quarter])],
        "cost_index": lambda m: float(m.market.cost_index[m.quarter]),
        "bond_rate": lambda m: float(m.market.bond_rate[m.quarter]),
        "mortgage_rate": lambda m: float(m.market.mortgage_rate[m.quarter]),
        "phases_waiting": lambda m: phase_counts(m)[0],
        "phases_waiting_ready": lambda m: m.stalls.waiting_now,
        "unsold_stock": lambda m: m.ctx.sales.stock(),
        "income_index": lambda m: float(m.market.income_index[m.quarter]),
        "phases_building": lambda m: phase_counts(m)[1],
        "phases_done": lambda m: phase_counts(m)[2],
        "phases_abandoned": lambda m: phase_counts(m)[3],
        "public_cash": _public_cash,
        "private_cash": _private_cash,
        "cash_municipalities": lambda m: sum(a.cash for a in m.municipalities),
        "cash_developers": lambda m: sum(a.cash for a in m.developers),
        "cash_housing_associations": lambda m: sum(a.cash for a in m.housing_associations),
        "cash_investors": lambda m: sum(a.cash for a in m.investors),
        "municipal_provisions": lambda m: sum(x.total_provisions for x in m.municipalities),
        "homes_sold": lambda m: float(m.sold.sum()),
        "fund_cash": lambda m: sum(m.ledger.balance(f.account) for f in m.funds),
    }
    for r, region in enumerate(model.spec.regions):
        reporters[f"price_index_{region.name}"] = lambda m, r=r: float(m.market.price_index[r, m.quarter])
        reporters[f"absorption_{region.name}"] = lambda m, r=r: float(
            m.spec.regions[r].absorption_homes_per_quarter * m.market.absorption_factor[r, m.quarter])
        reporters[f"completed_{region.name}"] = lambda m, r=r: float(m.completed[r].sum())
        reporters[f"land_share_{region.name}"] = lambda m, r=r: land_share(m, r)
    for s, segment in enumerate(SEGMENTS):
        reporters[f"started_{segment}"] = lambda m, s=s: float(m.started[:, s].sum())
        reporters[f"completed_{segment}"] = lambda m, s=s: float(m.completed[:, s].sum())
        reporters[f"completed_total_{segment}"] = lambda m, s=s: float(m.completed_total[:, s].sum())
    return reporters


def collect_areas(model: AreaModel) -> None:
    """Append one row per area for this quarter to the 'areas' table."""
    dc = model.datacollector
    regions = model.spec.regions
    for area in model.areas:
        furthest = max(p.stage for p in area.phases)
        started = sum(p.total_homes for p in area.phases if p.construction_start is not None)
        completed = sum(p.total_homes for p in area.phases if p.completion is not None)
        owner = sum(p.owner_homes for p in area.phases)
        sold = sum(p.owner_sold for p in area.phases)
        dc.add_table_row("areas", {
            "quarter": model.quarter, "area": area.name, "region": regions[area.region_index].name,
            "cooperation": area.coop.name, "state": area.state(), "stage": furthest,
            "homes_planned": sum(p.total_homes for p in area.phases), "homes_started": started, "homes_completed": completed,
            "public_costs_paid": sum(p.public_costs_paid for p in area.phases),
            "land_revenue": sum(p.land_price_paid for p in area.phases),
            "presold_share": float(sold / owner) if owner else float(np.nan),
        })


class AreaDataCollector(mesa.DataCollector):
    """Mesa's DataCollector plus the per-area table."""

    def collect(self, model: AreaModel) -> None:
        """Mesa's collect, without its deep copy of every value once the reporters are validated: every
        reporter here returns a number or a string (immutable), so the copy is the value itself. A run that
        collects 'none' records nothing."""
        if model.collect_mode == "none":
            return
        if not self._validated:
            super().collect(model)
        else:
            self._collection_steps.append(model.time)
            model_vars = self.model_vars
            for var, reporter in self.model_reporters.items():
                model_vars[var].append(reporter(model))
        if model.collect_mode == "quarterly" or model.steps >= model.n_quarters:
            collect_areas(model)


def make_datacollector(model: AreaModel) -> AreaDataCollector:
    return AreaDataCollector(model_reporters=model_reporters(model), tables={"areas": AREA_COLUMNS})
