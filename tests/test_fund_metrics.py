"""Fund metrics on the channels (sim/funds/metrics.py) by hand, and explain's fund story (sim/output/explain.py).

Small hand-made phase tables, with the expected numbers worked out in the comments, never computed by model code.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.funds.metrics import home_years_gained, phase_deadweight, public_money, timing_gains

NAN = math.nan


def phases(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area", "phase", "homes", "affordable_homes", "start_quarter",
                                       "completion_quarter", "fund_paid"])


BASE = phases([("a", 0, 100, 50, 10.0, 18.0, 0.0), ("a", 1, 100, 50, 20.0, 28.0, 0.0),
               ("b", 0, 200, 60, 8.0, 16.0, 0.0), ("c", 0, 80, 40, NAN, NAN, 0.0)])
TREATED = phases([("a", 0, 100, 50, 10.0, 18.0, 5e6),   # same start: deadweight
                  ("a", 1, 100, 50, 12.0, 20.0, 5e6),   # 8 quarters earlier: not deadweight
                  ("b", 0, 200, 60, 6.0, 14.0, 2e6),    # base starts 2 quarters later (within 4): deadweight
                  ("c", 0, 80, 40, 30.0, NAN, 4e6)])    # never starts without the fund: not deadweight


def test_deadweight_is_judged_per_funded_phase():
    d = phase_deadweight(BASE, TREATED)
    assert d["funded_phases"] == 4 and d["deadweight_phases"] == 2
    assert d["deadweight_phase_share"] == pytest.approx(0.5)
    assert d["deadweight"] == pytest.approx(7e6)  # 5 M (a/0) + 2 M (b/0)
    assert d["deadweight_share"] == pytest.approx(7 / 16)
    assert phase_deadweight(BASE, TREATED, within=1)["deadweight_phases"] == 1  # b/0 starts 2 quarters later


def test_a_phase_that_went_without_the_fund_but_not_with_it_is_deadweight():
    treated = TREATED.copy()
    treated.loc[1, "start_quarter"] = NAN  # a/1 never starts with the fund, started at 20 without
    assert phase_deadweight(BASE, treated)["deadweight_phases"] == 3


def test_months_gained_to_first_start_and_completion():
    g = timing_gains(BASE, TREATED)
    # first start: a 10 → 10 (0), b 8 → 6 (+2 quarters); c never starts without the fund: left out. Mean 1 q = 3 months
    assert g["months_gained_first_start"] == pytest.approx(3.0)
    # completion (all phases done): a 28 → 20 (+8 q), b 16 → 14 (+2 q); mean 5 quarters = 15 months
    assert g["months_gained_completion"] == pytest.approx(15.0)
    assert g["months_gained_first_start_funded"] == pytest.approx(3.0)  # every area here was funded


def test_home_years_count_homes_times_years_earlier():
    # 100 homes a year earlier (year 2 instead of 3) and 50 extra homes in the last year: 100 × 1 + 50 × 1
    assert home_years_gained([0, 0, 100, 100], [0, 100, 100, 150]) == pytest.approx(150.0)


def test_levies_are_public_money_held_not_a_cost():
    fund = {"fund_paid": 30e6, "fund_returned": 5e6, "fund_levies": 400e6, "fund_held": 375e6}
    money = public_money(fund, municipal_cash_change=-400e6)  # the municipalities paid exactly the levies
    assert money["net_public_cost"] == pytest.approx(25e6)  # paid − returned; the levy is not a cost
    assert money["held_by_funds"] == pytest.approx(375e6) and money["municipal_result_change"] == pytest.approx(0)


def _story(events: list[dict], ledger: pd.DataFrame | None = None) -> str:
    from sim.output.explain import story

    areas = pd.DataFrame([{"area": "x", "quarter": 39, "region": "middle", "state": "abandoned",
                           "homes_completed": 0, "homes_planned": 500}])
    cases = pd.DataFrame(columns=["area", "party", "category", "net"])
    return story(pd.DataFrame(events), areas, cases, {"start_year": 2025, "scenario": "s", "seed": 1,
                                                     "fund_design": "woningbouwimpuls"}, "x", ledger=ledger)


def test_explain_shows_every_fund_event_kind_generically():
    """Awards, lapses and kinds added later (a broken condition, a claw-back) appear with their numbers."""
    events = [
        {"time": 4.0, "area": "x", "phase": -1, "event": "fund_award", "fund": "fund:state", "instrument":
         "deficit_grant", "committed": 12e6},
        {"time": 9.0, "area": "x", "phase": 0, "event": "fund_condition_broken", "fund": "fund:state",
         "condition": "min_affordable_share", "affordable_share": 0.25},
        {"time": 10.0, "area": "x", "phase": 0, "event": "fund_clawback", "fund": "fund:state", "amount": 3e6},
        {"time": 12.0, "area": "x", "phase": -1, "event": "fund_award_lapsed", "fund": "fund:state", "released": 9e6},
        {"time": 13.0, "area": "x", "phase": 0, "event": "forward_funded", "homes": 100.0},
        {"time": 14.0, "area": "x", "phase": 0, "event": "abandoned", "reason": "no presales"},
    ]
    ledger = pd.DataFrame([{"time": 6.0, "source": "fund:state", "target": "municipality:middle", "amount": 3e6,
                            "area": "x", "phase": 0, "category": "fund_grant"},
                           {"time": 10.0, "source": "municipality:middle", "target": "fund:state", "amount": 3e6,
                            "area": "x", "phase": 0, "category": "fund_clawback"}])
    text = _story(events, ledger)
    funds = text.split("Funds (design woningbouwimpuls):")[1].split("\nWhy:")[0]
    for line in ("2026 Q1 · fund award · fund:state, deficit_grant: committed €12.0 M",
                 "2027 Q2 · fund condition broken (phase 1) · fund:state: condition min_affordable_share, "
                 "affordable share 25%",
                 "2027 Q3 · fund clawback (phase 1) · fund:state: amount €3.0 M",
                 "2028 Q1 · fund award lapsed · fund:state: released €9.0 M",
                 "2026 Q3 · paid by fund:state to municipality:middle: €3.0 M (fund grant, phase 1)",
                 "2027 Q3 · money back to fund:state from municipality:middle: €3.0 M (fund clawback, phase 1)",
                 "In total funds paid €3.0 M for this area and got €3.0 M back"):
        assert line in funds, line
    assert "forward funded" not in funds  # 'funded' is not a fund event
    assert "Funds: 1 award(s); 3 ended early (last: fund award lapsed 2028 Q1)" in text


def test_explain_collapses_repeated_fund_events():
    refusals = [{"time": float(q), "area": "x", "phase": -1, "event": "fund_application_refused",
                 "fund": "fund:state", "asked": 5e6, "available": 0.0} for q in range(10)]
    text = _story([*refusals, {"time": 14.0, "area": "x", "phase": 0, "event": "abandoned", "reason": "no deal"}])
    assert text.count("· fund application refused") == 2 and "… 8 more fund application refused events …" in text
