"""A fund's own money rules and the fund metrics, by hand (sim.funds.fund, sim.funds.metrics).

Found unchecked by mutation testing (tools/mutation.py, docs/testing.md). One fund of €10m with a deficit grant
in the mini world at quarter 0; awards are made by hand (€1m committed) so every number is written out. The
metrics: a paired comparison of two unrun worlds whose completions, payments and cash are set by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.funds.fund import Award
from sim.model import AreaModel
from sim.scenario import from_dict
from sim.segments import STAGE_INDEX
from tests.conftest import mini
from tests.test_funds import design

FUND = "fund:f"


def fund_world():
    """(model, fund, north, south, award of 1m to north) before anything was paid."""
    model = AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1,
                      fund_design=design({"type": "deficit_grant"}, budget=10e6))
    fund = model.funds[0]
    north, south = model.areas
    award = Award(fund, fund.instruments[0], north, 0.0, 1_000_000.0)
    fund.awards.append(award)
    return model, fund, north, south, award


def moves(model) -> list[tuple[str, str, float, str, str, int]]:
    """Transfers after the budget: (payer, payee, €, category, area, phase)."""
    return [(t.source, t.target, round(t.amount, 2), t.category, t.area, t.phase)
            for t in model.ledger.transactions() if t.category != "fund_budget"]


def test_money_taken_back_is_counted_and_booked_on_the_area_or_phase():
    """A repayment of 0.50 on the area and of 300k on phase 0 of north: both counted as returned (€300,000.50),
    both into the fund's account under their own category; nothing for a zero amount."""
    model, fund, north, _, award = fund_world()
    fund.take_back(award, "developer:1", 0.5, "loan_repayment")
    fund.take_back(award, "municipality:middle", 300_000.0, "grant_clawback", north.phases[0])
    fund.take_back(award, "developer:1", 0.0, "loan_repayment")
    assert award.returned == 300_000.5 and fund.returned == 300_000.5
    assert moves(model) == [("developer:1", FUND, 0.5, "loan_repayment", "north", -1),
                            ("municipality:middle", FUND, 300_000.0, "grant_clawback", "north", 0)]


def test_a_fund_pays_out_at_most_what_is_outstanding():
    """Of 1m committed, 600k is paid on phase 0, then an ask of 600k gets the 400k left, then nothing."""
    model, fund, north, _, award = fund_world()
    assert fund.pay_out(award, "municipality:middle", 600_000.0, "fund_grant", north.phases[0]) == 600_000.0
    assert fund.pay_out(award, "municipality:middle", 600_000.0, "fund_grant") == 400_000.0
    assert fund.pay_out(award, "municipality:middle", 1.0, "fund_grant") == 0.0
    assert moves(model) == [(FUND, "municipality:middle", 600_000.0, "fund_grant", "north", 0),
                            (FUND, "municipality:middle", 400_000.0, "fund_grant", "north", -1)]
    assert fund.paid == 1_000_000.0 and fund.available == pytest.approx(9_000_000.0)


def test_a_release_gives_back_what_is_unpaid_in_steps_and_never_more():
    """1m committed, 200k paid: releasing 300k then 100k leaves 400k outstanding; releasing 'all' gives back
    the 400k; a later release of 50k gives back nothing more. The fund can commit the released money again."""
    model, fund, _, _, award = fund_world()
    fund.pay_out(award, "municipality:middle", 200_000.0, "fund_grant")
    fund.release(award, 300_000.0)
    fund.release(award, 100_000.0)
    assert award.released == 400_000.0 and award.outstanding == 400_000.0
    fund.release(award)
    assert award.released == 800_000.0 and award.outstanding == 0.0
    fund.release(award, 50_000.0)
    assert award.released == 800_000.0
    assert fund.available == pytest.approx(10e6 - 200_000.0)


def test_awards_for_an_area_are_its_open_awards_of_the_asked_instrument():
    model, fund, north, south, award = fund_world()
    other = Award(fund, fund.instruments[0], south, 0.0, 5.0)
    closed = Award(fund, fund.instruments[0], north, 0.0, 7.0, closed=True)
    fund.awards += [other, closed]
    assert fund.awards_for(north) == [award]
    assert fund.awards_for(north, "deficit_grant") == [award]
    assert fund.awards_for(north, "land_bank") == []
    assert fund.awards_for(south) == [other]


# ---------------------------------------------------------------------------------------------- allocation

class Asks:
    """A stand-in instrument: every area asks its own € with its own score (eligible unless asking nothing)."""

    def __init__(self, type_: str, asks: dict[str, float], scores: dict[str, float] | None = None) -> None:
        self.type, self.asks, self.scores = type_, asks, scores or {}
        self.awarded = []

    def eligible(self, area):
        return area.name in self.asks, "asks"

    def award_size(self, area):
        return self.asks[area.name]

    def score(self, area):
        return self.scores.get(area.name, 0.0)

    def select_applications(self, applications):
        return applications  # every eligible area applies (the instrument default)

    def on_award(self, award):
        self.awarded.append((award.area.name, award.committed))


def allocating(budget: float = 10e6, **fund):
    model = AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1,
                      fund_design=design({"type": "deficit_grant"}, budget=budget, **fund))
    return model, model.funds[0]


def events(model, name: str) -> list[dict]:
    return [e for e in model.events if e["event"] == name]


def test_the_budget_comes_from_the_treasury_once():
    model, _ = allocating()
    assert moves(model) == [] and [(t.source, t.target, t.amount, t.category) for t in
                                   model.ledger.transactions()] == [("outside:treasury", FUND, 10e6, "fund_budget")]


def test_ranked_awards_go_to_the_best_score_first_and_a_partial_award_of_a_quarter_is_made():
    """Continuous allocation, 10m: south (score 2) asks 8m and gets it; north (score 1) asks 8m, 2m is left,
    exactly a quarter of its ask: awarded 2m. Nothing is left, so the fund is exhausted now."""
    model, fund = allocating()
    asks = Asks("grant", {"north": 8e6, "south": 8e6}, {"north": 1.0, "south": 2.0})
    fund.instruments = [asks]
    fund.allocate()
    assert asks.awarded == [("south", 8e6), ("north", 2e6)]
    assert [(a.fund, a.area.name, a.committed) for a in fund.awards] == [(fund, "south", 8e6), (fund, "north", 2e6)]
    assert [(e["area"], e["fund"], e["instrument"], e["committed"], e["score"]) for e in events(model, "fund_award")] \
        == [("south", FUND, "grant", 8e6, 2.0), ("north", FUND, "grant", 2e6, 1.0)]
    assert fund.exhausted_at == 0.0
    model, fund = allocating()  # the same with the scores the other way round: north first
    asks = Asks("grant", {"north": 8e6, "south": 8e6}, {"north": 2.0, "south": 1.0})
    fund.instruments = [asks]
    fund.allocate()
    assert asks.awarded == [("north", 8e6), ("south", 2e6)]


def test_an_award_below_a_quarter_of_the_ask_is_refused_and_said_so():
    """10m: south asks 9m first (score 2); north asks 8m, 1m is left (< 2m): refused, with the numbers; a smaller
    application ranked after it (north's 1m under another instrument) is still considered and awarded."""
    model, fund = allocating()
    small = Asks("small_grant", {"north": 1e6}, {"north": 0.5})  # ranked last: still considered after a refusal
    fund.instruments = [Asks("grant", {"north": 8e6, "south": 9e6}, {"north": 1.0, "south": 2.0}), small]
    fund.allocate()
    assert [(a.area.name, a.instrument.type) for a in fund.awards] == [("south", "grant"), ("north", "small_grant")]
    (refused,) = events(model, "fund_application_refused")
    assert (refused["area"], refused["fund"], refused["instrument"], refused["asked"], refused["available"]) == \
        ("north", FUND, "grant", 8e6, pytest.approx(1e6))
    assert fund.exhausted_at == 0.0  # the last 1m went to the small grant


def test_first_come_awards_go_to_the_earliest_area_whatever_its_score():
    """First come, first served: north starts at quarter 0, south at 2; north gets its 8m though south scores
    higher, south gets the 2m left."""
    for scores in ({"north": 1.0, "south": 2.0}, {"north": 1.0, "south": 0.5}):
        model, fund = allocating(allocation="first_come")
        asks = Asks("grant", {"north": 8e6, "south": 8e6}, scores)
        fund.instruments = [asks]
        fund.allocate()
        assert asks.awarded == [("north", 8e6), ("south", 2e6)], scores


def test_one_award_per_area_and_instrument_and_only_areas_it_serves():
    """A second round gives north nothing more under the same instrument, but a second instrument may award it;
    a fund for the relaxed region never awards north; asking nothing is no application, cents are."""
    model, fund = allocating()
    first, second = Asks("grant", {"north": 1e6}), Asks("loan", {"north": 0.5, "south": 0.0})
    fund.instruments = [first]
    fund.allocate()
    fund.instruments = [first, second]
    fund.allocate()
    assert first.awarded == [("north", 1e6)] and second.awarded == [("north", 0.5)]
    assert not events(model, "fund_application_refused")
    model, fund = allocating(regions=["relaxed"])
    only_south = Asks("grant", {"north": 1e6, "south": 1e6})
    fund.instruments = [only_south]
    fund.allocate()
    assert only_south.awarded == [("south", 1e6)]


def test_tranches_open_only_in_their_quarter():
    """A tranche in year 1 opens in quarter 4 only."""
    model, fund = allocating(allocation="tranches", tranche_years=[1.0])
    fund.instruments = [Asks("grant", {"north": 1e6})]
    for quarter, is_open in ((0, False), (4, True), (5, False)):
        model.ctx.quarter = quarter
        assert fund.is_open() is is_open, quarter
    model.ctx.quarter = 5
    fund.allocate()
    assert fund.awards == []
    model.ctx.quarter = 4
    fund.allocate()
    assert [a.committed for a in fund.awards] == [1e6]


def test_a_fund_is_exhausted_below_one_euro_left_and_stays_exhausted():
    """1.50 left is not exhausted, 1.00 left neither, 0.50 left is."""
    model, fund = allocating(budget=10.0)
    fund.instruments = [Asks("a", {"north": 8.5})]
    fund.allocate()
    assert fund.exhausted_at is None  # 1.50 left
    fund.instruments = [Asks("b", {"north": 0.5})]
    fund.allocate()
    assert fund.exhausted_at is None  # 1.00 left
    fund.instruments = [Asks("c", {"north": 0.5})]
    fund.allocate()
    assert fund.exhausted_at == 0.0


def test_cents_are_paid_out():
    model, fund, north, _, award = fund_world()
    assert fund.pay_out(award, "municipality:middle", 0.5, "fund_grant") == 0.5
    assert award.paid == 0.5


# ---------------------------------------------------------------------------------------------- metrics by hand

def paired_worlds():
    """(base, treated): the mini world without and with a fund, not run; completions, payments and cash set by hand.

    Base: north phase 0 starts at quarter 12, completes at 20 (year 5 of 15). Treated: phase 0 starts at 8 and
    completes at 16 (year 4), phase 1 (40 social, 60 mid-rent, 100 free-rent, 200 owner-occupied) at 14 / 24
    (year 6). The fund (10m) committed 5m to north (1m released), paid 1m on phase 0 and 2m on phase 1, got 0.5m
    back and 0.25m of levies from the municipality; it lent 3m and was repaid 1.5m; it ran out at quarter 8.
    The municipality received 1m more land revenue; developers built for 3m without and 6m with the fund.
    """
    from sim.funds.design import NO_FUND
    from sim.model import AreaModel

    scenario = from_dict(mini(market={"mode": "steady"}))
    base = AreaModel(scenario, seed=1, fund_design=NO_FUND)
    treated = AreaModel(scenario, seed=1, fund_design=design({"type": "revolving_loan"}, budget=10e6))
    mixed = np.array([40, 60, 100, 200])
    for model, times in ((base, [(12.0, 20.0)]), (treated, [(8.0, 16.0), (14.0, 24.0)])):
        north = model.areas[0]
        north.phases[1].homes = mixed.copy()
        for phase, (start, done) in zip(north.phases, times, strict=False):
            phase.construction_start, phase.completion = start, done
            model.completed_total[0] += phase.homes
    base.ledger.transfer(0.0, "developer:1", "outside:contractors", 3e6, "construction")
    treated.ledger.transfer(0.0, "developer:1", "outside:contractors", 6e6, "construction")
    fund = treated.funds[0]
    north = treated.areas[0]
    award = Award(fund, fund.instruments[0], north, 0.0, 5e6, released=1e6)
    fund.awards.append(award)
    fund.pay_out(award, "developer:1", 1e6, "loan_disbursed", north.phases[0])
    fund.pay_out(award, "developer:1", 2e6, "loan_disbursed", north.phases[1])
    fund.take_back(award, "developer:1", 0.5e6, "loan_repayment", north.phases[0])
    treated.ledger.transfer(0.0, "outside:home_buyers", "municipality:middle", 1e6, "land_sale")
    treated.ledger.transfer(0.0, "municipality:middle", FUND, 0.25e6, "regional_levy")
    fund.levies = 0.25e6
    fund.instruments[0].disbursed, fund.instruments[0].repaid = 3e6, 1.5e6
    fund.exhausted_at = 8.0
    return base, treated


def test_a_paired_comparison_by_hand():
    from sim.funds.metrics import paired_comparison

    base, treated = paired_worlds()
    c = paired_comparison(base, treated)
    expected = {
        "seed": 1, "design": "test", "homes_baseline": 400, "homes_with_fund": 800, "additional_homes": 400,
        "additional_affordable_homes": 100, "additional_social": 40, "additional_mid_rent": 60,
        "additional_free_rent": 100, "additional_owner_occupied": 200,
        "affordable_share_with_fund": 320 / 800, "affordable_share_baseline": 220 / 400,
        "fund_budget": 10e6, "fund_committed": 4e6, "fund_paid": 3e6, "fund_returned": 0.5e6, "fund_levies": 0.25e6,
        "fund_net_cost": 2.25e6, "fund_held": 7.75e6, "fund_awards": 1, "revolving_ratio": 0.5,
        "fund_exhausted_year": 2027.0,
        "municipal_cash_change": 0.75e6, "municipal_result_change": 1e6, "held_by_funds": 7.75e6,
        "net_public_cost": 1.5e6, "net_public_cost_per_additional_home": 1.5e6 / 400,
        "private_per_public_euro": 1.0,  # 3m more private construction per 3m paid
        # cumulative homes at the 15 year ends: base 400 from year 5; treated 400 at year 4 and 5, 800 from 6
        "home_years_gained": 400 + 0 + 9 * 400,
        "months_gained_first_start": 12.0, "months_gained_first_start_funded": 12.0,  # 12 → 8 quarters
        "funded_phases": 2, "deadweight_phases": 1, "deadweight_phase_share": 0.5,  # phase 0 started within 4 q
        "deadweight": 1e6, "deadweight_share": 1 / 3,
        "areas_done_baseline": 0, "areas_done_with_fund": 0,
    }
    for key, value in expected.items():
        assert c[key] == pytest.approx(value), key
    for key in ("months_gained_completion", "months_gained_completion_funded", "completion_change_years"):
        assert math.isnan(c[key]), key  # no area completes in both runs
    assert set(c) == {*expected, "months_gained_completion", "months_gained_completion_funded",
                      "completion_change_years"}


def test_without_money_paid_or_extra_homes_the_ratios_are_undefined_and_shares_zero():
    from sim.funds.design import NO_FUND
    from sim.funds.metrics import fund_outcomes, paired_comparison
    from sim.model import AreaModel

    scenario = from_dict(mini(market={"mode": "steady"}))
    base = AreaModel(scenario, seed=1, fund_design=NO_FUND)
    treated = AreaModel(scenario, seed=1, fund_design=design({"type": "deficit_grant"}, budget=10e6))
    c = paired_comparison(base, treated)
    for key in ("net_public_cost_per_additional_home", "private_per_public_euro", "revolving_ratio",
                "fund_exhausted_year", "deadweight_phase_share", "deadweight_share"):
        assert math.isnan(c[key]), key
    assert c["affordable_share_with_fund"] == 0.0 == c["affordable_share_baseline"]
    assert fund_outcomes(base)["fund_budget"] == 0 and math.isnan(fund_outcomes(base)["revolving_ratio"])
    other = AreaModel(scenario, seed=2, fund_design=NO_FUND)
    with pytest.raises(AssertionError, match="^a paired comparison needs the same seed$"):
        paired_comparison(base, other)


def test_deadweight_money_of_cents_is_a_share_of_the_cents_paid():
    """One funded phase paid 50 cents that started as early without the fund: all of the money is deadweight."""
    import pandas as pd

    from sim.funds.metrics import phase_deadweight

    columns = ["area", "phase", "homes", "affordable_homes", "start_quarter", "completion_quarter", "fund_paid"]
    base = pd.DataFrame([("a", 0, 10, 5, 4.0, 8.0, 0.0)], columns=columns)
    treated = pd.DataFrame([("a", 0, 10, 5, 4.0, 8.0, 0.5)], columns=columns)
    d = phase_deadweight(base, treated)
    assert (d["deadweight"], d["deadweight_share"]) == (0.5, 1.0)


def test_an_area_completed_in_both_runs_counts_its_delay_change_and_done_areas():
    """South (2 phases, start quarter 2, 12 planned years): done at quarter 40 without, 36 with the fund → one year
    sooner; an area done counts in both runs."""
    from sim.funds.metrics import paired_comparison

    base, treated = paired_worlds()
    for model, done in ((base, 40.0), (treated, 36.0)):
        for phase in model.areas[1].phases:
            phase.construction_start, phase.completion = done - 8, done
            phase.stage = STAGE_INDEX["done"]
            model.completed_total[1] += phase.homes
    c = paired_comparison(base, treated)
    assert c["completion_change_years"] == pytest.approx(-1.0)
    assert (c["areas_done_baseline"], c["areas_done_with_fund"]) == (1, 1)
    assert c["months_gained_completion"] == pytest.approx(12.0) and c["months_gained_first_start"] == pytest.approx(12.0)
    assert math.isnan(c["months_gained_completion_funded"])  # south got no fund money


def test_homes_by_year_and_the_cumulative_homes_at_year_ends():
    from sim.funds.metrics import cumulative_homes_at_year_ends, homes_by_year, started_homes

    _, treated = paired_worlds()
    treated.areas[0].phases[2].completion = 100.0  # after the horizon: counted in the last year
    treated.areas[0].phases[2].construction_start = 90.0
    frame = homes_by_year(treated)
    assert list(frame.columns) == ["year", "social", "mid_rent", "free_rent", "owner_occupied"]
    assert list(frame["year"]) == list(range(2025, 2040))
    assert frame.loc[4].tolist() == [2029, 120, 100, 0, 180] and frame.loc[6].tolist() == [2031, 40, 60, 100, 200]
    assert frame.loc[14].tolist() == [2039, 120, 100, 0, 180] and frame.loc[5, "social"] == 0
    assert list(cumulative_homes_at_year_ends(treated)) == [0] * 4 + [400, 400] + [800] * 8 + [1200]
    assert started_homes(treated) == {"north": 1200, "south": 0}


def test_private_investment_is_what_developers_associations_and_investors_paid_for_land_works_and_building():
    from sim.funds.metrics import private_investment

    _, treated = paired_worlds()
    ledger = treated.ledger
    for source, category in (("housing_association:middle", "construction"), ("investor:1", "land_sale"),
                             ("developer:1", "acquisition"), ("developer:1", "contingency"),
                             ("municipality:middle", "construction"), ("developer:1", "loan_interest")):
        ledger.transfer(0.0, source, "outside:x", 1e6, category)
    assert private_investment(treated) == pytest.approx(6e6 + 4e6)  # 6m of construction before + 4 here


def test_phase_table_counts_fund_money_per_phase_and_shares_area_money_equally():
    from sim.funds.metrics import phase_table

    _, treated = paired_worlds()
    fund = treated.funds[0]
    fund.pay_out(fund.awards[0], "municipality:middle", 0.6e6, "land_risk_compensation")  # north as a whole
    treated.ledger.transfer(0.0, FUND, "outside:x", 5e6, "fund_cost")  # not for an area
    treated.ledger.transfer(0.0, "developer:1", "outside:x", 5e6, "construction", "north", 0)
    table = phase_table(treated)
    assert list(table.columns) == ["area", "phase", "homes", "affordable_homes", "start_quarter",
                                   "completion_quarter", "fund_paid"]
    rows = table.to_dict("records")
    assert [(r["area"], r["phase"], r["homes"], r["affordable_homes"], r["fund_paid"]) for r in rows] == [
        ("north", 0, 400, 220, pytest.approx(1.2e6)), ("north", 1, 400, 100, pytest.approx(2.2e6)),
        ("north", 2, 400, 220, pytest.approx(0.2e6)), ("south", 0, 400, 220, 0.0), ("south", 1, 400, 220, 0.0)]
    assert (rows[0]["start_quarter"], rows[0]["completion_quarter"]) == (8.0, 16.0)
    assert math.isnan(rows[2]["start_quarter"]) and math.isnan(rows[2]["completion_quarter"])


def test_fund_outcomes_add_up_every_fund_and_every_loan_instrument():
    """Fund a (10m): 2m paid, 0.5m back; its loans lent 3m, 1m repaid; out of money at quarter 8. Fund b (5m): 1m
    paid, 0.1m levies; its loans lent 1m, all repaid; out at quarter 4 (2026). A grant's money is not a loan."""
    from sim.funds.design import FundDesign
    from sim.funds.metrics import fund_outcomes

    two = FundDesign.model_validate({"name": "two", "funds": [
        {"name": "a", "budget": 10e6, "allocation": "continuous",
         "instruments": [{"type": "deficit_grant"}, {"type": "revolving_loan"}]},
        {"name": "b", "budget": 5e6, "allocation": "continuous", "instruments": [{"type": "revolving_loan"}]}]})
    model = AreaModel(from_dict(mini(market={"mode": "steady"})), seed=1, fund_design=two)
    a, b = model.funds
    north = model.areas[0]
    a.awards.append(Award(a, a.instruments[0], north, 0.0, 3e6, paid=2e6, returned=0.5e6, released=0.5e6))
    b.awards.append(Award(b, b.instruments[0], north, 0.0, 1e6, paid=1e6))
    b.awards.append(Award(b, b.instruments[0], north, 0.0, 2e6, closed=True))
    b.levies = 0.1e6
    a.instruments[1].disbursed, a.instruments[1].repaid = 3e6, 1e6
    b.instruments[0].disbursed, b.instruments[0].repaid = 1e6, 1e6
    a.instruments[0].disbursed = 50e6  # not a loan instrument: never counted (a grant has no such field)
    a.exhausted_at, b.exhausted_at = 8.0, 4.0
    assert fund_outcomes(model) == {
        "fund_budget": 15e6, "fund_committed": 2.5e6 + 3e6, "fund_paid": 3e6, "fund_returned": 0.5e6,
        "fund_levies": 0.1e6, "fund_net_cost": 2.4e6, "fund_held": 15e6 + 0.5e6 + 0.1e6 - 3e6, "fund_awards": 3,
        "revolving_ratio": 2 / 4, "fund_exhausted_year": 2026.0}
