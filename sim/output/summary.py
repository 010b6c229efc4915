"""Scalar outcomes of one run (one row per run in experiments; the terminal summary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.area import MID_RENT, SOCIAL
from sim.collect import land_share
from sim.scenario.schema import SEGMENTS

if TYPE_CHECKING:
    from sim.model import AreaModel


def area_delay_years(model: AreaModel) -> dict[str, float]:
    """Years each area finished later than planned (NaN if it did not finish).

    Planned finish = start_quarter/4 + planned_years; actual = last completion of a phase
    (abandoned phases leave the area unfinished).
    """
    out = {}
    for area in model.areas:
        done = [p.completion for p in area.phases]
        if any(t is None for t in done):
            out[area.name] = float("nan")
            continue
        planned = area.spec.start_quarter / 4 + area.spec.planned_years
        out[area.name] = max(done) / 4 - planned
    return out


def censored_delay_years(model: AreaModel) -> dict[str, float]:
    """Years each area is behind its plan, unfinished areas counted at the end of the run (a lower bound).

    Planned finish = start_quarter/4 + planned_years; an area whose phases are not all complete
    counts as finishing at the horizon (censored): its true delay is at least this.
    """
    end = model.steps / 4
    out = {}
    for area in model.areas:
        done = [p.completion for p in area.phases]
        finish = max(done) / 4 if all(t is not None for t in done) else end
        out[area.name] = finish - (area.spec.start_quarter / 4 + area.spec.planned_years)
    return out


def homes_completed_within(model: AreaModel, years: float) -> int:
    """Homes whose construction completed within ``years`` of the start."""
    return int(sum(p.total_homes for p in model.phases if p.completion is not None and p.completion <= 4 * years))


def summarise(model: AreaModel) -> dict[str, float | int | str]:
    """Headline outcomes of a run: homes (count), money (€), shares (fraction), time (years)."""
    completed = model.completed_total.sum(axis=0)
    planned = np.sum([a.homes_by_segment for a in model.areas], axis=0)
    total = float(completed.sum())
    states = [a.state() for a in model.areas]
    delays = np.array(list(area_delay_years(model).values()))
    finished = delays[~np.isnan(delays)]
    out: dict[str, float | int | str] = {
        "seed": model.seed,
        "quarters": model.steps,
        "homes_planned": int(planned.sum()),
        "homes_completed": int(total),
        "completion_share": total / planned.sum() if planned.sum() else 0.0,
        "affordable_share": float((completed[SOCIAL] + completed[MID_RENT]) / total) if total else 0.0,
    }
    for s, segment in enumerate(SEGMENTS):
        out[f"homes_completed_{segment}"] = int(completed[s])
    out.update({
        "areas_done": states.count("done"),
        "areas_abandoned": states.count("abandoned"),
        "areas_stalled": states.count("stalled"),
        "areas_active": states.count("active") + states.count("planned"),
        "phases_abandoned": sum(1 for p in model.phases if p.stage_name == "abandoned"),
        "mean_delay_years": float(finished.mean()) if len(finished) else float("nan"),
        "share_areas_delayed": float((finished > 0).sum() / len(delays)) if len(delays) else 0.0,
        "mean_delay_years_censored": float(np.mean(list(censored_delay_years(model).values()))),
        "homes_completed_10y": homes_completed_within(model, 10),
        "homes_completed_20y": homes_completed_within(model, 20),
        "phase_quarters_waiting": int(sum(model.stalls.waiting.values())),
        **{f"phase_quarters_waiting_{k.replace(' ', '_')}": int(v) for k, v in model.stalls.waiting.items()},
        "share_phases_behind": model.stalls.share_behind(model.steps),
        "unsold_stock_end": model.ctx.sales.stock(),
        "developers_failed": sum(1 for d in model.developers if d.failed),
        "land_share_end": float(np.mean([land_share(model, r, model.steps - 1)
                                          for r in range(len(model.spec.regions))])),
        "public_cash_end": float(sum(m.cash for m in model.municipalities)),
        "private_cash_end": float(sum(a.cash for g in (model.developers, model.housing_associations,
                                                        model.investors) for a in g)),
        "municipal_provisions_end": float(sum(m.total_provisions for m in model.municipalities)),
        "public_works_paid": float(sum(p.public_costs_paid for p in model.phases)),
        "land_revenue": float(sum(p.land_price_paid for p in model.phases)),
        "crash_quarters": int((model.market.regime[: model.steps] == 2).sum()),
        "ledger_transactions": len(model.ledger),
        "ledger_imbalance": model.ledger.total(),
    })
    return out
