"""Measuring a fund design honestly: against the paired no-fund run on the same future (same seed).

Every stochastic draw of a run comes from streams fixed at the start (market, costs,
durations, behaviour), so the baseline and the fund run share the market path and all
draws; differences are the effect of the design (common random numbers).

The channels a fund acts on (issue #15), each a paired difference fund run − no-fund run:

- **homes**: extra homes and extra affordable (social + mid-rent) homes completed in the horizon;
- **timing**: months gained to an area's first construction start and to its completion (mean
  over the areas that reach it in both runs; > 0 = sooner with the fund), and **home-years gained**:
  the area between the two cumulative-completion curves at year ends (homes × years earlier; it
  counts both extra homes and earlier homes);
- **money**: what the funds paid, what came back (repayments, resales, claw-backs), what the funds
  still **hold** at the end (budget + returns + levies − payments: public money not spent, its own
  line, never a cost), and the **net public cost** = paid − returned − change in the municipalities'
  own result (their cash change with the levies they paid into a fund added back). Levies move
  public money from municipalities into a public fund: neither a cost nor a gain.
- **deadweight per funded phase**: a phase that received fund money is deadweight when, without the
  fund, it started no more than :data:`DEADWEIGHT_QUARTERS` after it started with the fund (or it
  started without the fund and never with it). Reported as the share of funded phases and the
  share of fund money that went to them.

The frame functions (:func:`timing_gains`, :func:`phase_deadweight`, :func:`home_years_gained`)
work on plain tables, so the single-run comparison here and the experiment report
(:mod:`sim.reports.paired`, from stored results) compute the same thing.
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
FUND_PREFIX = "fund:"
DEADWEIGHT_QUARTERS = 4
"""quarters: a funded phase that starts within this many quarters of its funded start without the fund is
deadweight. A reporting convention (one year, as issue #15 asks), not a model parameter: it changes no run."""
MONTHS_PER_QUARTER = 3


def fund_outcomes(model: AreaModel) -> dict:
    """Money of all funds in a run (€) and when they ran out."""
    funds = model.funds
    paid = sum(f.paid for f in funds)
    returned = sum(f.returned for f in funds)
    levies = sum(f.levies for f in funds)
    budget = sum(f.spec.budget for f in funds)
    loans = [i for f in funds for i in f.instruments if i.type == "revolving_loan"]
    lent = sum(i.disbursed for i in loans)
    exhausted = [f.exhausted_at for f in funds if f.exhausted_at is not None]
    return {
        "fund_budget": budget,
        "fund_committed": sum(f.committed for f in funds),
        "fund_paid": paid,
        "fund_returned": returned,
        "fund_levies": levies,
        "fund_net_cost": paid - returned - levies,
        "fund_held": budget + returned + levies - paid,
        "fund_awards": sum(len(f.awards) for f in funds),
        "revolving_ratio": (sum(i.repaid for i in loans) / lent) if lent else math.nan,
        "fund_exhausted_year": (model.spec.start_year + min(exhausted) / 4) if exhausted else math.nan,
    }


def private_investment(model: AreaModel) -> float:
    """€ private parties paid for land, works and construction in the run."""
    return model.ledger.paid_by(PRIVATE_KINDS, frozenset(INVESTMENT_CATEGORIES))


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


PHASE_COLUMNS = ("area", "phase", "homes", "affordable_homes", "start_quarter", "completion_quarter", "fund_paid")
"""The columns of :func:`phase_table` (and of an experiment's ``phases.parquet``)."""


def fund_paid_by_phase(model: AreaModel) -> dict[tuple[str, int], float]:
    """€ that left a ``fund:`` account for each (area, phase) in the ledger (phase −1: the area as a whole).

    The amounts are added in booking order with the compensated (Kahan) summation of pandas' groupby sum, so each
    total is the same double as ``frame[...].groupby(["area", "phase"])["amount"].sum()`` over the ledger's frame
    (guarded in tests/test_phase_table.py) without building the frame (~15 ms a run).
    """
    sums: dict[tuple[str, int], float] = {}
    compensations: dict[tuple[str, int], float] = {}
    for area, phase, amount in model.ledger.paid_from(FUND_PREFIX):
        if area == "":
            continue
        key = (area, phase)
        total = sums.get(key, 0.0)
        if amount != amount:  # NaN: skipped (pandas' skipna), the group kept
            sums[key] = total
            continue
        y = amount - compensations.get(key, 0.0)
        t = total + y
        compensation = t - total - y
        compensations[key] = compensation if compensation == compensation else 0.0  # reset after inf - inf
        sums[key] = t
    return sums


def phase_columns(model: AreaModel) -> dict[str, list]:
    """:func:`phase_table` as plain columns (name → list, one item per phase), without pandas."""
    by_phase = fund_paid_by_phase(model)
    columns: dict[str, list] = {name: [] for name in PHASE_COLUMNS}
    area_of, phase_of, homes, affordable, start, completion, fund_paid = columns.values()
    for area in model.areas:
        whole = by_phase.get((area.name, -1), 0.0) / max(1, len(area.phases))
        for p in area.phases:
            area_of.append(area.name)
            phase_of.append(p.index)
            homes.append(int(p.total_homes))
            affordable.append(int(p.homes[SOCIAL] + p.homes[MID_RENT]))
            start.append(math.nan if p.construction_start is None else float(p.construction_start))
            completion.append(math.nan if p.completion is None else float(p.completion))
            fund_paid.append(float(by_phase.get((area.name, p.index), 0.0) + whole))
    return columns


def phase_table(model: AreaModel) -> pd.DataFrame:
    """One row per phase: homes, affordable homes, construction start and completion (quarters; NaN if never)
    and the € funds paid for it.

    Fund money is what left a ``fund:`` account for the phase in the ledger; money paid to an area as a
    whole (phase −1, e.g. a land-risk compensation) is shared equally by the area's phases.
    """
    return pd.DataFrame(phase_columns(model), columns=list(PHASE_COLUMNS))


def _area_times(phases: pd.DataFrame) -> pd.DataFrame:
    """Per area: first construction start and completion (last phase completion, NaN unless every phase completed)."""
    grouped = phases.groupby("area")
    done = grouped["completion_quarter"].apply(lambda s: s.max() if s.notna().all() else math.nan)
    return pd.DataFrame({"first_start": grouped["start_quarter"].min(), "completion": done,
                         "fund_paid": grouped["fund_paid"].sum()})


def timing_gains(base: pd.DataFrame, treated: pd.DataFrame) -> dict:
    """Months gained (> 0 = sooner with the fund) to the first start and to completion, mean over the areas that
    reach it in both runs; also over funded areas only. NaN when no area reaches it in both."""
    b, t = _area_times(base), _area_times(treated)
    joined = t.join(b.add_suffix("_base"), how="inner")
    out = {}
    for name, column in (("first_start", "first_start"), ("completion", "completion")):
        for suffix, rows in (("", joined), ("_funded", joined[joined["fund_paid"] > 0])):
            both = rows[rows[column].notna() & rows[f"{column}_base"].notna()]
            gain = (both[f"{column}_base"] - both[column]) * MONTHS_PER_QUARTER
            out[f"months_gained_{name}{suffix}"] = float(gain.mean()) if len(gain) else math.nan
    return out


def phase_deadweight(base: pd.DataFrame, treated: pd.DataFrame, within: int = DEADWEIGHT_QUARTERS) -> dict:
    """Deadweight per funded phase (phases the fund paid for): would it have started within ``within`` quarters
    without the fund? Returns funded phases, deadweight phases, their share, the € to them and the € share."""
    merged = treated.merge(base[["area", "phase", "start_quarter"]], on=["area", "phase"], suffixes=("", "_base"))
    funded = merged[merged["fund_paid"] > 0]
    never = float("inf")
    start = funded["start_quarter"].fillna(never)
    start_base = funded["start_quarter_base"].fillna(never)
    dead = (start_base < never) & (start_base <= start + within)
    paid = float(funded["fund_paid"].sum())
    money = float(funded.loc[dead, "fund_paid"].sum())
    return {"funded_phases": int(len(funded)), "deadweight_phases": int(dead.sum()),
            "deadweight_phase_share": float(dead.mean()) if len(funded) else math.nan,
            "deadweight": money, "deadweight_share": money / paid if paid > 0 else math.nan}


def home_years_gained(cumulative_base, cumulative_treated) -> float:
    """Homes × years earlier: Σ over year ends of (cumulative homes with the fund − without), in home-years."""
    return float(np.sum(np.asarray(cumulative_treated, dtype=float) - np.asarray(cumulative_base, dtype=float)))


def public_money(fund: dict, municipal_cash_change: float) -> dict:
    """Net public cost and public money held by funds (€) from a run's fund outcomes and the municipalities'
    cash change against the paired baseline. Levies paid into a fund are public money that moved, not a cost."""
    municipal_result = municipal_cash_change + fund["fund_levies"]
    return {"municipal_cash_change": float(municipal_cash_change),
            "municipal_result_change": float(municipal_result),
            "held_by_funds": float(fund["fund_held"]),
            "net_public_cost": float(fund["fund_paid"] - fund["fund_returned"] - municipal_result)}


def cumulative_homes_at_year_ends(model: AreaModel) -> np.ndarray:
    """Homes completed since the start at each year end (homes)."""
    return homes_by_year(model)[list(SEGMENTS)].sum(axis=1).cumsum().to_numpy()


def paired_comparison(base: AreaModel, treated: AreaModel) -> dict:
    """Headline effect of a fund design against its paired baseline (homes, €, fractions, months, years)."""
    assert base.seed == treated.seed, "a paired comparison needs the same seed"
    done_b = base.completed_total.sum(axis=0)
    done_t = treated.completed_total.sum(axis=0)
    extra = done_t - done_b
    funds = fund_outcomes(treated)
    mun_b = sum(m.cash for m in base.municipalities)
    mun_t = sum(m.cash for m in treated.municipalities)
    money = public_money(funds, mun_t - mun_b)
    net_public = money["net_public_cost"]
    extra_total = float(extra.sum())
    extra_affordable = float(extra[SOCIAL] + extra[MID_RENT])
    phases_b, phases_t = phase_table(base), phase_table(treated)
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
        **money,
        "net_public_cost_per_additional_home": net_public / extra_total if extra_total > 0 else math.nan,
        "private_per_public_euro": ((private_investment(treated) - private_investment(base)) / funds["fund_paid"]
                                    if funds["fund_paid"] > 0 else math.nan),
        "home_years_gained": home_years_gained(cumulative_homes_at_year_ends(base),
                                               cumulative_homes_at_year_ends(treated)),
        **timing_gains(phases_b, phases_t),
        **phase_deadweight(phases_b, phases_t),
        "completion_change_years": (float(np.mean([delays_t[a] - delays_b[a] for a in both])) if both else math.nan),
        "areas_done_baseline": sum(a.state() == "done" for a in base.areas),
        "areas_done_with_fund": sum(a.state() == "done" for a in treated.areas),
    })
    return out
