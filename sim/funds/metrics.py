"""Measuring a fund design honestly: against the paired no-fund run on the same future (same seed).

Every stochastic draw of a run comes from streams fixed at the start (market, costs,
durations, behaviour), so the baseline and the fund run share the market path and all
draws; differences are the effect of the design (common random numbers).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.area import MID_RENT, SOCIAL
from sim.output.summary import area_delay_years
from sim.scenario.schema import SEGMENTS

if TYPE_CHECKING:
    from mesa import Model as AreaModel  # sim.model.AreaModel, typed by its Mesa base (layers)

PRIVATE_KINDS = ("developer:", "housing_association:", "investor:")
INVESTMENT_CATEGORIES = ("construction", "land_sale", "acquisition", "remediation", "demolition",
                         "site_preparation", "infrastructure", "public_transport", "plan_costs", "contingency")


def fund_outcomes(model: AreaModel) -> dict:
    """Money of all funds in a run (€) and when they ran out."""
    funds = model.funds
    paid = sum(f.paid for f in funds)
    returned = sum(f.returned for f in funds)
    loans = [i for f in funds for i in f.instruments if i.type == "revolving_loan"]
    lent = sum(i.disbursed for i in loans)
    exhausted = [f.exhausted_at for f in funds if f.exhausted_at is not None]
    return {
        "fund_budget": sum(f.spec.budget for f in funds),
        "fund_committed": sum(f.committed for f in funds),
        "fund_paid": paid,
        "fund_returned": returned,
        "fund_levies": sum(f.levies for f in funds),
        "fund_net_cost": paid - returned - sum(f.levies for f in funds),
        "fund_awards": sum(len(f.awards) for f in funds),
        "revolving_ratio": (sum(i.repaid for i in loans) / lent) if lent else math.nan,
        "fund_exhausted_year": (model.spec.start_year + min(exhausted) / 4) if exhausted else math.nan,
    }


def private_investment(model: AreaModel) -> float:
    """€ private parties paid for land, works and construction in the run."""
    frame = model.ledger.to_frame()
    mask = frame["source"].str.startswith(PRIVATE_KINDS) & frame["category"].isin(INVESTMENT_CATEGORIES)
    return float(frame.loc[mask, "amount"].sum())


def homes_by_year(model: AreaModel) -> pd.DataFrame:
    """Homes completed per calendar year and segment."""
    rows = {s: np.zeros(model.spec.horizon_years) for s in SEGMENTS}
    for p in model.phases:
        if p.completion is not None:
            year = min(int(p.completion // 4), model.spec.horizon_years - 1)
            for k, s in enumerate(SEGMENTS):
                rows[s][year] += p.homes[k]
    frame = pd.DataFrame(rows)
    frame.insert(0, "year", model.spec.start_year + np.arange(model.spec.horizon_years))
    return frame


def started_homes(model: AreaModel) -> dict[str, int]:
    return {a.name: sum(p.total_homes for p in a.phases if p.construction_start is not None) for a in model.areas}


def paired_comparison(base: AreaModel, treated: AreaModel) -> dict:
    """Headline effect of a fund design against its paired baseline (homes, €, fractions, years)."""
    assert base.seed == treated.seed, "a paired comparison needs the same seed"
    done_b = base.completed_total.sum(axis=0)
    done_t = treated.completed_total.sum(axis=0)
    extra = done_t - done_b
    funds = fund_outcomes(treated)
    mun_b = sum(m.cash for m in base.municipalities)
    mun_t = sum(m.cash for m in treated.municipalities)
    net_public = funds["fund_net_cost"] - (mun_t - mun_b)
    extra_total = float(extra.sum())
    extra_affordable = float(extra[SOCIAL] + extra[MID_RENT])
    base_started, treated_started = started_homes(base), started_homes(treated)
    deadweight = 0.0
    for fund in treated.funds:
        for award in fund.awards:
            if award.paid > 0 and treated_started[award.area.name] <= base_started[award.area.name]:
                deadweight += award.paid
    delays_b, delays_t = area_delay_years(base), area_delay_years(treated)
    both = [a for a in delays_b if not math.isnan(delays_b[a]) and not math.isnan(delays_t[a])]
    out = {
        "seed": treated.seed,
        "design": treated.fund_design.name,
        "homes_baseline": int(done_b.sum()),
        "homes_with_fund": int(done_t.sum()),
        "additional_homes": int(extra_total),
        "additional_affordable_homes": int(extra_affordable),
    }
    for k, s in enumerate(SEGMENTS):
        out[f"additional_{s}"] = int(extra[k])
    out.update({
        "affordable_share_with_fund": float((done_t[SOCIAL] + done_t[MID_RENT]) / done_t.sum()) if done_t.sum() else 0.0,
        "affordable_share_baseline": float((done_b[SOCIAL] + done_b[MID_RENT]) / done_b.sum()) if done_b.sum() else 0.0,
        **funds,
        "municipal_cash_change": mun_t - mun_b,
        "net_public_cost": net_public,
        "net_public_cost_per_additional_home": net_public / extra_total if extra_total > 0 else math.nan,
        "private_per_public_euro": ((private_investment(treated) - private_investment(base)) / funds["fund_paid"]
                                    if funds["fund_paid"] > 0 else math.nan),
        "deadweight": deadweight,
        "deadweight_share": deadweight / funds["fund_paid"] if funds["fund_paid"] > 0 else math.nan,
        "completion_change_years": (float(np.mean([delays_t[a] - delays_b[a] for a in both])) if both else math.nan),
        "areas_done_baseline": sum(a.state() == "done" for a in base.areas),
        "areas_done_with_fund": sum(a.state() == "done" for a in treated.areas),
    })
    return out
