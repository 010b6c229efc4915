"""The municipality's land decisions and the developers' solvency checks: fast paths equal the plain code bit for bit.

Performance work (docs/performance.md, sixth session) keeps results byte-identical; these guards run mini worlds
under every cooperation model quarter by quarter and compare each fast path with the straightforward code it
replaced (kept here as the reference), by exact equality of every float (its hex), not a tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents.municipality import DONE, HORIZON_QUARTERS
from sim.area import OWNER, SOCIAL
from sim.model import AreaModel
from sim.scenario import from_dict
from tests.conftest import mini

COOPERATION = ["traditional", "building_claim", "joint_venture", "concession", "private_realisation"]


def reference_account_flows(municipality, area, whole_company: bool = False):
    """``Municipality.account_flows`` as written before its caches: numpy land values, one dot per phase, the
    shares and indices looked up per item and phase."""
    ctx = municipality.ctx
    q = ctx.quarter
    coop = area.coop
    share_of = (lambda party: 1.0 if party == "jv" else 0.0) if whole_company else coop.municipal_share
    land_value = ctx.econ.land_value[area.region_index, q]
    market_values, social_value = land_value[SOCIAL + 1:], float(land_value[SOCIAL])
    costs: dict[int, float] = {}
    revenues: dict[int, float] = {}
    deal = area.deal
    works_share = acquisition_share = None
    for phase in area.phases:
        if phase.stage >= DONE:
            continue
        when = int(min(HORIZON_QUARTERS - 1, max(0.0, phase.planned_start - q) + 4))
        if phase.unpaid:
            for item in phase.unpaid:
                estimate = phase.estimates.get(item, 0.0)
                if item == "acquisition":
                    if acquisition_share is None:
                        acquisition_share = share_of(coop.payer_of(item)) * ctx.item_index(area, item)
                    share = acquisition_share
                else:
                    if works_share is None:
                        works_share = share_of(coop.payer_of(item)) * ctx.item_index(area, item)
                    share = works_share
                costs[when] = costs.get(when, 0.0) + estimate * share
        if phase.construction_start is None:
            if deal is not None and not coop.land_price_at_market:
                price = float(deal.terms.land_price * phase.homes[SOCIAL + 1:].sum())
            else:
                price = max(0.0, float(np.dot(phase.homes[SOCIAL + 1:], market_values)))
            social = float(phase.homes[SOCIAL] * social_value)
            later = min(when + 8, HORIZON_QUARTERS - 1)
            revenues[later] = revenues.get(later, 0.0) + (price * share_of(coop.land_receiver)
                                                          + social * share_of(coop.social_land_receiver))
    return costs, revenues


def exact(flows: dict) -> list:
    """A flow dict as comparable exact values: keys in order, each value's type and hex."""
    return [(k, type(v), float(v).hex()) for k, v in flows.items()]


def stepped_worlds(cooperation: str, seeds=(1, 2), quarters: int = 48, **changes):
    """Yield a mini model under ``cooperation`` after each of its first ``quarters`` quarters (two seeds)."""
    for seed in seeds:
        model = AreaModel(from_dict(mini(cooperation={"model": cooperation}, **changes)), seed=seed, collect="lean")
        for _ in range(quarters):
            model.step()
            yield model


@pytest.mark.parametrize("cooperation", COOPERATION)
def test_account_flows_equal_the_plain_account(cooperation):
    """The municipal account (plots valued once per market programme and land values, shares once per valuation,
    horizon quarters by comparisons) gives the plain account's flows, in the same order, every quarter, for its
    own part and for a joint land company's whole account; valued twice, the second answer (from the caches)
    is the same."""
    checked = agreed = 0
    for model in stepped_worlds(cooperation):
        for municipality in model.parties.municipalities:
            for area in municipality.areas:
                for whole in (False, True):
                    want = reference_account_flows(municipality, area, whole)
                    for _ in range(2):
                        got = municipality.account_flows(area, whole)
                        assert exact(got[0]) == exact(want[0]) and exact(got[1]) == exact(want[1])
                checked += 1
                agreed += area.deal is not None
    assert checked >= 150 and agreed > 0


def plain_committed(area) -> bool:
    """``Municipality.committed`` as written before it remembered decided areas."""
    deal = area.deal
    signed = deal is not None and not area.coop.land_price_at_market
    return signed or any(p.land_go_time is not None or (p.land_event is not None and p.land_event.triggered)
                         for p in area.phases)


@pytest.mark.parametrize("cooperation", COOPERATION)
def test_land_decisions_look_at_the_phases_the_plain_loop_decides(cooperation):
    """The land decisions skip, for good, the phases that are closed or whose land event has triggered; every phase
    the plain loop would decide on (open, with an untriggered land event) is still in the area's list, in order
    (and so for the stale-phase check: every open phase without a go);
    ``committed`` (which remembers decided areas) answers as the plain test; the buy-out and works indices equal
    numpy's scalar arithmetic."""
    seen = 0
    for model in stepped_worlds(cooperation):
        ctx = model.ctx
        for municipality in model.parties.municipalities:
            for area in municipality.areas:
                assert municipality.committed(area) == plain_committed(area)
                left = municipality._land_undecided.get(area, area.phases)
                plain = [p for p in area.phases if p.land_event is not None and not p.land_event.triggered
                         and p.is_open]
                assert [p for p in left if p in plain] == plain
                seen += len(plain)
                may_stall = municipality._without_go  # the stale-phase check's list (all its areas, in order)
                plain = [p for p in area.phases if p.go_time is None and p.is_open]
                assert [p for p in may_stall if p in plain] == plain
                q, r, hope = ctx.quarter, area.region_index, area.archetype.hope_value_share
                want = float((1 - hope) * ctx.market.income_index[q] + hope * ctx.market.price_index[r, q])
                assert ctx.item_index(area, "acquisition").hex() == want.hex()
                assert ctx.item_index(area, "remediation").hex() == float(ctx.market.cost_index[q]).hex()
        for municipality in model.parties.municipalities:  # the same phases in the plain loop's order
            plain = [p for area in municipality.areas for p in area.phases if p.go_time is None and p.is_open]
            assert [p for p in municipality._without_go if p in plain] == plain
    assert seen > 0


def plain_land_position(area) -> float:
    """``AreaPlan.developer_land_position`` as written before: one loop, the ownership read each time."""
    if area.land_banked:
        return 0.0
    own = area.spec.ownership
    private = own.developers + own.businesses
    dev_frac = own.developers / private if private > 0 else 0.0
    if dev_frac <= 0:
        return 0.0
    held = 0.0
    for phase in area.phases:
        if phase.stage >= DONE:
            continue
        if area.coop.buys_developer_land:
            if "acquisition" in phase.unpaid:
                held += phase.estimates.get("acquisition", 0.0) * dev_frac
        elif phase.construction_start is None:
            held += phase.estimates.get("acquisition", 0.0) * dev_frac
    return held


def plain_write_downs(developer) -> float:
    """``Developer.write_downs`` with ``min`` (after it ran this quarter: the costs of its positions are set)."""
    total = 0.0
    for area in developer.areas:
        book = plain_land_position(area)
        if book > 0:
            index = developer.land_index(area)
            cost = developer._area_cost[area.name]
            total += book * min(0.0, index / cost - 1) if cost > 0 else 0.0
        coop = area.coop
        if (coop.works_payer == "jv" or coop.land_receiver == "jv") and 0 < coop.jv_municipal_share < 1:
            s = coop.jv_municipal_share
            municipality = developer.model.parties.municipality_of(area)
            held = municipality.provisions.get(area.name, 0.0) - municipality.plan_provisions.get(area.name, 0.0)
            total -= max(0.0, held) * (1 - s) / s
    if developer.params.land_bank > 0:
        total += developer.params.land_bank * developer.params.equity * float(developer._bank_marks()[developer.ctx.quarter])
    return total


@pytest.mark.parametrize("cooperation", COOPERATION)
def test_developers_positions_and_write_downs_equal_the_plain_code(cooperation):
    """An area's developer land position (ownership share computed once, one loop per cooperation rule), the
    developers' write-downs (``min`` as a comparison) and a phase's owner-occupied homes and presale share
    (read with ``item``) equal the plain code's floats and ints, every quarter; with positions held (developer-
    owned land in the mini world's areas)."""
    held = 0
    for model in stepped_worlds(cooperation):
        for area in model.areas:
            got = area.developer_land_position()
            assert type(got) is float and got.hex() == plain_land_position(area).hex()
            held += got > 0
            for phase in area.phases:
                owner = phase.owner_homes
                assert type(owner) is int and owner == int(phase.homes[OWNER])
                plain_share = 1.0 if owner == 0 else phase.owner_sold / int(phase.homes[OWNER])
                assert phase.presale_share.hex() == float(plain_share).hex()
        for developer in model.parties.developers:
            got = developer.write_downs()
            assert float(got).hex() == float(plain_write_downs(developer)).hex()
    assert held > 0


@pytest.mark.parametrize("cooperation", ["traditional", "joint_venture", "private_realisation"])
def test_developers_go_decisions_look_at_the_phases_the_plain_loop_decides(cooperation):
    """The developers' go decisions skip, for good, the phases given a go or closed; every phase the plain loop
    would decide on (with a go event, no go yet, open) is still in its area's list, in order; a phase waiting for
    presales carries the reason as formatted now (the formatted reasons are kept per share and threshold); the
    land index's inner product (``np.dot``) equals the ``@`` it replaced."""
    waiting = indexed = 0
    for model in stepped_worlds(cooperation):
        ctx = model.ctx
        for developer in model.parties.developers:
            for area in developer.areas:
                left = developer._undecided.get(area, area.phases)
                plain = [p for p in area.phases if p.go_event is not None and p.go_time is None and p.is_open]
                if not developer.failed:
                    assert [p for p in left if p in plain] == plain
                for phase in plain:
                    if phase.reason.startswith("presales") and not developer.failed:
                        threshold = ctx.support.presale_threshold(phase, developer.params.presale_threshold)
                        assert phase.reason == f"presales {phase.presale_share:.0%} < {threshold:.0%}"
                        waiting += 1
                start, weights = developer._land_start.get(area.name, (0.0, None))[:2]
                if start > 0:
                    plain_index = max(0.0, float(ctx.econ.land_value[area.region_index, ctx.quarter, 1:] @ weights)
                                      / start)
                    assert developer.land_index(area).hex() == plain_index.hex()
                    indexed += 1
    assert waiting > 0 and indexed > 0


def test_inner_products_of_dot_and_matmul_are_the_same_doubles():
    """``np.dot`` and ``@`` of two 1-d float64 arrays of three elements (land values × homes weights) give the same
    double on random inputs of every sign and scale (both call numpy's DOUBLE_dot)."""
    rng = np.random.default_rng(11)
    for i in range(20000):
        a = rng.normal(0, 10.0 ** rng.integers(0, 6), 3)
        b = rng.integers(0, 400, 3).astype(float) if i % 2 else rng.random(3) * 1e3
        assert float(np.dot(a, b)).hex() == float(a @ b).hex()


def test_plot_prices_in_python_floats_are_numpys_dot():
    """``Municipality.account_flows`` prices a phase's plots as ``h1 * v1 + h2 * v2 + h3 * v3`` in Python floats
    (integer homes as floats, land values of every sign and scale) where the plain code took
    ``max(0.0, float(np.dot(homes, values)))``: the same double on random inputs, zero homes and signed zeros
    included (a numpy built on a BLAS whose three-element dot fused multiply-adds would fail here)."""
    rng = np.random.default_rng(19)
    for i in range(30000):
        homes = rng.integers(0, 400, 3) * (rng.random(3) < 0.8)
        values = rng.normal(0, 10.0 ** rng.integers(0, 7), 3)
        if i % 7 == 0:
            values[rng.integers(0, 3)] = -0.0
        plain = max(0.0, float(np.dot(homes, values)))
        h1, h2, h3 = homes.astype(float).tolist()
        v1, v2, v3 = values.tolist()
        price = h1 * v1 + h2 * v2 + h3 * v3
        if not price > 0.0:
            price = 0.0
        assert price.hex() == plain.hex()
