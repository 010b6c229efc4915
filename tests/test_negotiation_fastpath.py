"""Exact-equality guards for the negotiation's fast paths (docs/performance.md, sixth session).

Each fast path must give the very doubles of the general code it replaces, so a later change to one cannot
silently diverge from the other: the broker's per-side valuations (developer_npvs, municipal_npvs on the
multipliers at the phases' lags only) against party_npvs on the full ensemble, Beliefs.multipliers_at against
the columns of Beliefs.multipliers.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.beliefs import Beliefs
from sim.model import AreaModel
from sim.negotiation import broker
from sim.negotiation.broker import build_outlook, make_problem
from sim.negotiation.economics import developer_surplus, municipal_surplus, party_npvs, scores
from sim.scenario import from_dict
from tests.conftest import mini


def test_multipliers_at_the_lags_are_the_columns_of_the_full_ensemble():
    """The gathered multipliers (exp of drift · step + shock at the phases' lags) equal the full (K, H)
    ensemble's columns bit for bit, for any drift and any lags (repeated, first and last quarter)."""
    rng = np.random.default_rng(11)
    for i in range(300):
        horizon = int(rng.integers(1, 60))
        beliefs = Beliefs("anchored", int(rng.integers(1, 40)), horizon, float(rng.uniform(0.01, 0.3)),
                          np.random.default_rng(i))
        drift = float(rng.normal(0, 0.02)) if i % 5 else 0.0
        lag = rng.integers(0, horizon, int(rng.integers(1, 9)))
        lag[0] = horizon - 1
        got = beliefs.multipliers_at(drift, lag)
        want = beliefs.multipliers(drift)[:, lag]
        assert got.dtype == want.dtype and got.shape == want.shape and got.tobytes() == want.tobytes()


@pytest.mark.parametrize("cooperation", ["traditional", "building_claim", "joint_venture", "concession",
                                         "private_realisation", "tests.plugin_models:HalfOverrunSharing"])
def test_the_problems_valuation_equals_party_npvs_on_each_sides_full_ensemble(cooperation, monkeypatch):
    """A negotiation problem's surpluses (the broker's per-side fast path) equal, bit for bit, the surplus
    functions on party_npvs (the general valuation: both parties' cash, full (K, H) multipliers) on each side's
    own beliefs with the problem's preferences, for batches of packages and for single terms. (The plug-in model
    splits overruns half-half: the only model here where both sides carry a share of them.)"""
    model = AreaModel(from_dict(mini(cooperation={"model": cooperation})), seed=1, collect="lean")
    model.run(8)  # some phases under way, deals in place
    made = []
    real = broker.Preferences
    monkeypatch.setattr(broker, "Preferences", lambda *a: made.append(real(*a)) or made[-1])
    rng = np.random.default_rng(5)
    checked = 0
    for area in model.areas:
        if area.developer is None:
            continue
        outlook = build_outlook(model.desk, area, area.developer)
        if outlook is None:
            continue
        municipality, developer = model.parties.municipalities[area.region_index], area.developer
        problem = make_problem(model.desk, area, municipality, developer, outlook)
        prefs = made[-1]
        q = model.ctx.quarter
        prices, costs = model.ctx.market.price_index[area.region_index, : q + 1], model.ctx.market.cost_index[: q + 1]
        dev_mult = developer.beliefs.multipliers(developer.beliefs.drift(prices, costs))
        mun_mult = municipality.beliefs.multipliers(municipality.beliefs.drift(prices, costs))
        for t in (1, 6):
            land = rng.uniform(-2e4, 6e4, t)
            affordable = rng.uniform(0.2, 0.6, t)
            overrun = rng.uniform(0, 1, t)
            args = (outlook, land, affordable, overrun, area.coop)
            want = np.stack([
                developer_surplus(party_npvs(*args, dev_mult, developer.beliefs.overrun_z), prefs),
                municipal_surplus(party_npvs(*args, mun_mult, municipality.beliefs.overrun_z), prefs)], axis=1)
            got = problem.evaluate_batch(land, affordable, overrun)
            assert got.dtype == want.dtype and got.shape == want.shape and got.tobytes() == want.tobytes()
            if t == 1:
                from sim.cooperation.base import Terms

                single = problem.evaluate(Terms(float(land[0]), float(affordable[0]), float(overrun[0])))
                assert single == (float(want[0, 0]), float(want[0, 1]))
                assert all(type(x) is float for x in single)
        checked += 1
    assert checked >= 1


def test_scores_take_the_mean_and_the_tail_as_numpy_does():
    """scores (the risk-adjusted score of each row) equals the formula with np.partition and ndarray.mean, bit for
    bit, on rows with and without ties, for any ensemble size, tail and risk aversion."""
    rng = np.random.default_rng(2)
    for i in range(3000):
        t, k = int(rng.integers(1, 50)), int(rng.integers(1, 70))
        values = rng.normal(0, 10 ** float(rng.uniform(0, 8)), (t, k))
        if i % 3 == 0:
            values = np.round(values, -int(rng.integers(0, 6)))  # ties
        risk, tail = float(rng.uniform(0, 1)), [0.05, 0.1, 0.5, 1.0][i % 4]
        n = max(1, int(np.ceil(tail * k)))
        want = (1 - risk) * values.mean(axis=1) + risk * np.partition(values, n - 1, axis=1)[:, :n].mean(axis=1)
        got = scores(values, risk, tail)
        assert got.dtype == want.dtype and got.shape == want.shape and got.tobytes() == want.tobytes()


def test_each_sides_valuation_equals_party_npvs_under_every_routing_of_cash():
    """The per-side valuations (developer_npvs, municipal_npvs: each account's postings only, some in place) equal
    party_npvs bit for bit under every routing a cooperation model can set (who pays the works and the buy-outs,
    who receives the land and the social land price, whether developers' land is bought, a fixed or negotiated
    overrun share), for one package and for several: the discounting product's operand has party_npvs' values
    and its C order (the product's summation depends on the layout)."""
    from itertools import product

    from sim.cooperation.base import CooperationModel
    from sim.negotiation.economics import discounting, side_valuations

    model = AreaModel(from_dict(mini()), seed=1, collect="lean")
    model.run(4)
    area = model.areas[0]
    outlook = build_outlook(model.desk, area, area.developer)
    outlook.buyout_developer = outlook.buyout_developer + 1e5  # every posting non-zero
    municipality = model.parties.municipalities[area.region_index]
    dev_b, mun_b = area.developer.beliefs, municipality.beliefs
    dev_mult, mun_mult = dev_b.multipliers(0.004), mun_b.multipliers(-0.002)
    n_p = outlook.homes.shape[0]
    assert discounting(outlook, dev_mult.shape[1])[0].shape == (n_p,)
    rng = np.random.default_rng(8)
    accounts = ("municipality", "developer", "jv")
    checked = 0
    for works, acquisition, land_to, social_to, buys, negotiable in product(accounts, accounts, accounts, accounts,
                                                                            (True, False), (True, False)):
        coop = CooperationModel()
        coop.works_payer, coop.acquisition_payer, coop.land_receiver = works, acquisition, land_to
        coop.social_land_receiver, coop.buys_developer_land, coop.overrun_negotiable = social_to, buys, negotiable
        coop.default_overrun, coop.jv_municipal_share = 0.3, 0.4
        for t in (1, 5):
            args = (outlook, rng.uniform(-2e4, 6e4, t), rng.uniform(0.2, 0.6, t), rng.uniform(0, 1, t), coop)
            dev_v, mun_v = side_valuations(*args, (dev_mult, dev_b.overrun_factors(outlook, n_p)),
                                           (mun_mult, mun_b.overrun_factors(outlook, n_p)))
            ref_dev = party_npvs(*args, dev_mult, dev_b.overrun_z)
            ref_mun = party_npvs(*args, mun_mult, mun_b.overrun_z)
            for got, want in ((dev_v.developer, ref_dev.developer), (dev_v.revenue, ref_dev.revenue),
                              (dev_v.required_margin, ref_dev.required_margin),
                              (mun_v.municipality, ref_mun.municipality)):
                assert got.shape == want.shape and got.tobytes() == want.tobytes()
            checked += 1
    assert checked == 3 ** 4 * 2 * 2 * 2


@pytest.mark.parametrize("cooperation", ["building_claim", "joint_venture", "concession", "private_realisation"])
def test_trade_offs_that_value_each_line_once_make_the_offers_of_one_that_values_every_line(cooperation):
    """TradeOffs reuses the values of a land-price line it already valued in the negotiation (evaluations are
    pure): every negotiation of a run (all its offers, rounds, outcome) equals that of the protocol valuing every
    line afresh, and lines do repeat (the reuse is exercised)."""
    from sim.negotiation.protocols import TradeOffs

    class Afresh(TradeOffs):
        reuse_lines = False

    model = AreaModel(from_dict(mini(cooperation={"model": cooperation})), seed=2, collect="lean")
    reused = fresh = 0
    outcomes = 0
    for _ in range(12):
        model.step()
        for area in model.areas:
            if area.developer is None or not area.unstarted:
                continue
            municipality = model.parties.municipalities[area.region_index]
            problem = make_problem(model.desk, area, municipality, area.developer,
                                   build_outlook(model.desk, area, area.developer))
            calls = [0]
            inner = problem.evaluate_batch

            def counting(land, affordable, overrun, inner=inner, calls=calls):
                calls[0] += 1
                return inner(land, affordable, overrun)

            problem.evaluate_batch = counting
            got = TradeOffs().negotiate(problem)
            reused += calls[0]
            calls[0] = 0
            want = Afresh().negotiate(problem)
            fresh += calls[0]
            assert (got.success, got.terms, got.rounds, got.reason) == (want.success, want.terms, want.rounds,
                                                                         want.reason)
            assert got.offers == want.offers
            outcomes += 1
    assert outcomes >= 5 and reused < fresh


def test_the_municipal_surplus_without_grant_conditions_adds_the_zero_grants_as_numpy_does():
    """municipal_surplus skips conditional_grants when no grant binds the programme (adding 0.0 per element): the
    same doubles as adding conditional_grants' zero array, also where the rest sums to −0.0 or is not finite."""
    from sim.negotiation.economics import Preferences, Valuation, conditional_grants, scores

    rng = np.random.default_rng(4)
    for i in range(500):
        t, k = int(rng.integers(1, 9)), 32
        values = rng.normal(0, 1e6, (t, k))
        if i % 10 == 0:
            values[0] = -0.0
        if i % 25 == 0:
            values[-1, 0] = [np.inf, -np.inf, np.nan][i % 3]
        v = Valuation(values, None, None, None, float(rng.integers(0, 900)), rng.uniform(0, 300, t))
        prefs = Preferences(0.3, float(rng.uniform(0, 1)), float(rng.uniform(0, 4e4)), float(rng.uniform(0, 2e4)),
                            float(rng.uniform(0, 5e7)) if i % 7 else 0.0, -0.0 if i % 10 == 0 else 1e5, 0.0, ())
        loss_room = min(prefs.max_deficit_per_home * v.homes, prefs.budget_left)
        want = scores(v.municipality, prefs.municipal_risk_aversion) + loss_room + \
            prefs.affordable_home_value * v.affordable_homes + prefs.municipal_support + conditional_grants(v, prefs)
        got = municipal_surplus(v, prefs)
        assert got.dtype == want.dtype and got.shape == want.shape and got.tobytes() == want.tobytes()


def test_expected_drift_with_the_anchor_computed_once_equals_the_formula():
    """The anchored growth per quarter is computed once (a module constant): every rule's drift equals the formula
    written out, bit for bit and as a Python float."""
    from sim.beliefs import ANCHOR_GROWTH, LOOKBACK, REVERSION, expected_drift

    rng = np.random.default_rng(6)
    for n in range(1, 30):
        prices, costs = np.cumprod(1 + rng.normal(0.01, 0.03, n)), np.cumprod(1 + rng.normal(0.008, 0.01, n))
        window = prices[-(LOOKBACK + 1):]
        want = {"anchored": float(np.log1p(ANCHOR_GROWTH) / 4),
                "fundamental": float(np.log1p(ANCHOR_GROWTH) / 4 - REVERSION / 4 * np.log(prices[-1] / costs[-1])),
                "extrapolative": float(np.log1p(ANCHOR_GROWTH) / 4) if len(window) < 2
                else float(np.log(window[-1] / window[0]) / (len(window) - 1))}
        for rule, value in want.items():
            got = expected_drift(rule, prices, costs)
            assert type(got) is float and repr(got) == repr(value)

