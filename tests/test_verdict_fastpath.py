"""The municipality's opening and year-end valuations: fast paths equal the plain code bit for bit.

Performance work (docs/performance.md, sixth session: the land account valuations) keeps results byte-identical.
``Municipality.account_flows`` keeps one entry per phase (its unpaid items' terms and its programme) and adds the
terms of each run of buy-outs or of other items with one share, without a choice per item; ``grex`` finds a
valuation's three growth-factor lists with one cached call. These guards compare with the plain code (``reference_account_flows`` in
tests/test_land_fastpath.py, ``grex._growth_list``) by exact equality, not a tolerance, including after the
phase's items, estimates or programme change under the cache.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from sim.agents.municipality import DONE, HORIZON_QUARTERS, NO_FLOWS_LEFT
from sim.finance import grex
from tests.test_land_fastpath import COOPERATION, exact, reference_account_flows, stepped_worlds


def test_factor_lists_are_the_three_growth_lists():
    """One cached call gives the same three tuples (the same objects) as three calls of ``_growth_list``."""
    rng = random.Random(5)
    for _ in range(200):
        n = rng.choice([80, 16, 40])
        rates = (rng.choice([0.02, 0.03]), rng.uniform(-0.05, 0.08), rng.choice([0.04, np.float64(0.035)]))
        got = grex._factor_lists(n, *rates)
        assert got == tuple(grex._growth_list(n, rate) for rate in rates)
        assert all(a is b for a, b in zip(got, (grex._growth_list(n, rate) for rate in rates), strict=True))


@pytest.mark.parametrize("cooperation", COOPERATION)
def test_account_flows_follow_changes_to_a_phases_items_estimates_and_programme(cooperation):
    """After the account is valued (and its phases' entries cached), a paid item removed, the estimates replaced
    or the programme replaced give the plain account's flows again: the entry is rebuilt, never reused stale.
    Phases with a buy-out among their items and with works only are both met, and items reordered so that works
    come before and after the buy-outs."""
    works_only = mixed = changed = reordered = 0
    for model in stepped_worlds(cooperation, seeds=(3,), quarters=40):
        for municipality in model.parties.municipalities:
            for area in municipality.areas:
                municipality.account_flows(area)  # fills the entries
                for phase in area.phases:
                    if phase.stage < DONE and phase.unpaid:
                        if "acquisition" in phase.unpaid:
                            mixed += 1
                        else:
                            works_only += 1
                open_phases = [p for p in area.phases if p.stage < DONE and p.unpaid]
                if not open_phases:
                    continue
                phase = open_phases[-1]
                saved = phase.unpaid, phase.estimates, phase.homes
                try:
                    for change in ("pay", "reorder", "estimates", "programme"):
                        if change == "pay":  # an item paid: removed from the same dict
                            phase.unpaid = dict(saved[0])
                            municipality.account_flows(area)
                            del phase.unpaid[next(iter(phase.unpaid))]
                        elif change == "reorder":  # the buy-outs among the works: works before and after them
                            items = [k for k in saved[0] if k != "acquisition"]
                            order = items[:1] + ["acquisition"] + items[1:]
                            phase.unpaid = {k: saved[0].get(k, 1.0) for k in order}
                            reordered += len(items) > 1
                        elif change == "estimates":  # new estimates (a new dict)
                            phase.estimates = {k: v * 1.5 for k, v in saved[1].items()}
                        else:  # a re-split programme (a new array)
                            homes = saved[2].copy()
                            homes[-1] += 7
                            phase.homes = homes
                        for whole in (False, True):
                            want = reference_account_flows(municipality, area, whole)
                            got = municipality.account_flows(area, whole)
                            assert exact(got[0]) == exact(want[0]) and exact(got[1]) == exact(want[1])
                        changed += 1
                finally:
                    phase.unpaid, phase.estimates, phase.homes = saved
    assert changed >= 30 and works_only > 0 and mixed > 0 and reordered > 0


def test_remembered_euro_texts_are_the_formatted_values():
    """``Municipality._euros`` (the walk-away loss and the reserves left in an opening verdict, remembered) gives
    ``f"{value:,.0f}"`` for every value, also signed zeros, values that round to "-0", non-finite values, integers
    and numpy scalars, asked in any order and again (a zero must not answer for the other zero)."""
    model = next(stepped_worlds("traditional", seeds=(1,), quarters=1))
    municipality = model.parties.municipalities[0]
    rng = random.Random(3)
    values = [0.0, -0.0, -0.4, 0.4, -0.5, 0.5, 1.5, 2.5, -2.5, 1e6, -1e6, 1234567.5, float("inf"), float("-inf"),
              float("nan"), 0, -7, 10**20, np.float64(-0.0), np.float64(-3.4e7), np.float64(0.0)]
    values += [rng.uniform(-1e9, 1e9) for _ in range(300)] + [round(rng.uniform(-1e6, 1e6)) + 0.5 for _ in range(100)]
    for _ in range(3):
        rng.shuffle(values)
        for value in values:
            assert municipality._euros(value) == f"{value:,.0f}"


def plain_expected_result(municipality, area) -> tuple:
    """``Municipality.expected_result`` as written before it skipped accounts with no flows left."""
    costs, revenues = municipality.account_flows(area)
    p = municipality.params
    npv, cost_total, revenue_total = grex.npv_totals_sparse(
        costs, revenues, HORIZON_QUARTERS, p.cost_escalation, municipality.revenue_expectation(area.region_index),
        p.discount_rate)
    done_c, done_r = municipality.realised(area)
    return done_r - done_c + npv, done_c, done_c + cost_total, done_r, done_r + revenue_total


def test_an_account_with_no_flows_left_is_valued_as_the_projection_of_nothing():
    """``NO_FLOWS_LEFT`` is ``grex.npv_totals_sparse`` of no flows at any rates: the same floats, types and signs."""
    rng = random.Random(11)
    for _ in range(100):
        rates = (rng.uniform(-0.05, 0.08), rng.uniform(-0.05, 0.08), rng.choice([0.04, np.float64(0.035), 0.0]))
        want = grex.npv_totals_sparse({}, {}, HORIZON_QUARTERS, *rates)
        assert [(type(v), float(v).hex()) for v in NO_FLOWS_LEFT] == [(type(v), float(v).hex()) for v in want]


@pytest.mark.parametrize("cooperation", COOPERATION)
def test_year_end_valuation_skips_only_accounts_with_no_flows_left(cooperation):
    """``expected_result`` (which skips the projection once an area's account has no flows left, for good) gives
    the plain valuation's five values, types and hex, every quarter; accounts with and without flows are met."""
    empty = full = 0
    for model in stepped_worlds(cooperation, seeds=(1, 2), quarters=59):
        for municipality in model.parties.municipalities:
            for area in municipality.areas:
                got = municipality.expected_result(area)
                want = plain_expected_result(municipality, area)
                assert [(type(v), float(v).hex()) for v in got] == [(type(v), float(v).hex()) for v in want]
                if municipality._flow_phases.get(area) == []:
                    empty += 1
                else:
                    full += 1
    assert empty > 0 and full > 0
