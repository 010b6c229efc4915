"""The developers' quarterly work and the land carrying costs: fast paths equal the plain code bit for bit.

Performance work (docs/performance.md, sixth session: "the developers' quarterly work") keeps results
byte-identical. These guards step mini worlds under every cooperation model (and with a land bank, which
banks developers' positions) quarter by quarter and compare each fast path with the straightforward code it
replaced (kept here as the reference), by exact equality of every float (its hex and type), not a tolerance.
"""

from __future__ import annotations

import collections

import numpy as np
import pytest

from sim.area import OWNER
from sim.funds.design import FundDesign
from sim.model import AreaModel
from sim.scenario import from_dict
from tests.conftest import mini
from tests.test_land_fastpath import plain_land_position

COOPERATION = ["traditional", "building_claim", "joint_venture", "concession", "private_realisation"]


def plain_project_marks(developer) -> float:
    """``Developer.project_marks`` as written before: the sale value read as a numpy scalar per phase."""
    econ, q = developer.ctx.econ, developer.ctx.quarter
    keep = 1 - developer.params.unsold_discount
    total = 0.0
    for area in developer.areas:
        for phase in area.phases:
            if phase.construction_start is None or phase.developer is not developer:
                continue
            if not (phase.is_open or phase.transferred):
                continue
            unsold = phase.owner_homes - phase.owner_sold
            total += phase.owner_revenue - phase.owner_received
            if unsold > 1e-9:
                total += unsold * float(econ.sale_value[area.region_index, q, OWNER]) * keep
            if phase.completion is None:
                total += (phase.rental_price / 2 if phase.investor is not None else 0.0) - phase.contract_market / 2
    return total


def plain_credit_limit(developer, write_downs: float) -> float:
    """``Developer.credit_limit`` as written before (the credit index as a numpy scalar), given the write-downs."""
    p = developer.params
    bank = float(developer.ctx.market.credit_index[developer.ctx.quarter]) ** p.bank_credit_sensitivity
    equity = p.equity + write_downs
    return equity + p.leverage * max(0.0, equity) * min(1.0, bank) + plain_project_marks(developer)


def land_bank_design() -> FundDesign:
    return FundDesign.model_validate({"name": "only_land_bank", "funds": [
        {"name": "f", "budget": 400e6, "allocation": "continuous", "instruments": [{"type": "land_bank"}]}]})


def slow_sales() -> dict:
    """The mini world with slow sales and a lower presale threshold: phases start with homes unsold."""
    data = mini()
    for region in data["regions"]:
        region["absorption_homes_per_quarter"] = 10.0
    data["actors"]["developers"] = {"presale_threshold": 0.5}
    return data


def stepped(cooperation: str, design: FundDesign | None = None, seeds=(1, 2), quarters: int = 60, **changes):
    """Yield a mini model under ``cooperation`` after each of its first ``quarters`` quarters."""
    for seed in seeds:
        data = mini(**changes)
        data["cooperation"] = {"model": cooperation}
        model = AreaModel(from_dict(data), seed=seed, collect="lean", fund_design=design)
        for _ in range(quarters):
            model.step()
            yield model


@pytest.mark.parametrize("cooperation,banked", [(c, False) for c in COOPERATION] + [("traditional", True)])
def test_land_positions_and_carrying_keep_every_area_the_plain_loop_counts(cooperation, banked):
    """An area's land position (its phases still holding land kept with their sum) equals the plain loop's double
    every quarter; an area the land carrying drops (position 0 for good: ``land_position_closed``) holds no land in
    any later quarter, and every area still holding land is in the carrying loop's list."""
    held = closed_seen = 0
    closed: set[str] = set()
    model_id = None
    for model in stepped(cooperation, land_bank_design() if banked else None):
        if id(model) != model_id:
            model_id, closed = id(model), set()
        carrying = model.money._carrying
        for area in model.areas:
            plain = plain_land_position(area)
            got = area.developer_land_position()
            assert type(got) is float and got.hex() == plain.hex()
            if area.name in closed:
                assert plain == 0.0  # closed for good: never holds land again
            if area.land_position_closed:
                assert plain == 0.0
                closed.add(area.name)
                closed_seen += 1
            if plain > 0:
                held += 1
                assert area in carrying
    assert held > 0 and closed_seen > 0
    if banked:
        assert any(area.land_banked for area in model.areas)


@pytest.mark.parametrize("cooperation", COOPERATION)
def test_project_marks_and_credit_limit_equal_the_plain_code(cooperation):
    """A developer's project marks (the sale price read once per area with ``item``) and its credit limit (the
    credit index read with ``item``) equal the plain code's doubles and types every quarter, with projects under
    way and unsold homes among them (slow sales, a lower presale threshold)."""
    unsold = 0
    for model in stepped(cooperation, **slow_sales()):
        for developer in model.parties.developers:
            got = developer.project_marks()
            assert type(got) is float and got.hex() == plain_project_marks(developer).hex()
            limit = developer.credit_limit
            assert type(limit) is float and limit.hex() == plain_credit_limit(developer, developer.write_downs()).hex()
            unsold += any(p.developer is developer and p.construction_start is not None
                          and p.owner_homes - p.owner_sold > 1e-9 for a in developer.areas for p in a.phases)
    assert unsold > 0


def test_land_index_series_equals_the_inner_product_per_quarter():
    """The land index kept per area as a series (``np.vecdot`` over the region's quarters, then the Python division
    and ``max``) equals, quarter by quarter, the plain ``np.dot`` of that quarter's market land values and the
    homes weights: the same doubles over random land values of every sign and scale (strided (T, 3) views of a
    (R, T, 4) array, as in the run) and integer or fractional weights, also with zero and negative start values."""
    rng = np.random.default_rng(19)
    for i in range(3000):
        land_value = rng.normal(0, 10.0 ** rng.integers(0, 6), (3, 40, 4))
        weights = rng.integers(0, 400, 3).astype(float) if i % 2 else rng.random(3) * 1e3
        r = int(rng.integers(0, 3))
        rows = land_value[r, :, 1:]
        start = float(land_value[r, 0, 1:] @ weights) if i % 5 else float(rng.choice([1.0, 7e5, -3e5]))
        series = [max(0.0, value / start) for value in np.vecdot(rows, weights).tolist()]
        for q in range(40):
            plain = max(0.0, float(np.dot(land_value[r, q, 1:], weights)) / start)
            assert type(series[q]) is float and series[q].hex() == plain.hex()


@pytest.mark.parametrize("cooperation", ["traditional", "joint_venture"])
def test_land_index_in_a_run_equals_the_plain_index(cooperation):
    """``Developer.land_index`` (its series read at the quarter) equals the plain inner product's index every quarter
    for every area whose position it values, and the buy-out index where the start value is not positive."""
    indexed = 0
    for model in stepped(cooperation):
        ctx = model.ctx
        for developer in model.parties.developers:
            for area in developer.areas:
                known = developer._land_start.get(area.name)
                if known is None:
                    continue
                start, weights = known[0], known[1]
                plain = (ctx.item_index(area, "acquisition") if start <= 0 else
                         max(0.0, float(np.dot(ctx.econ.land_value[area.region_index, ctx.quarter, 1:], weights))
                             / start))
                assert developer.land_index(area).hex() == plain.hex()
                indexed += 1
    assert indexed > 0


def hand_last_area_over(developers) -> int:
    """A hand-over, as ``hand_over`` moves an area: the first developer's last area to the next one (1 if moved)."""
    if len(developers) < 2 or not developers[0].areas:
        return 0
    old, new = developers[0], developers[1]
    area = old.areas[-1]
    old.areas.remove(area)
    new.areas.append(area)
    area.developer = new
    return 1


@pytest.mark.parametrize("cooperation", COOPERATION)
def test_write_downs_visit_every_area_that_may_add_also_after_hand_overs(cooperation):
    """``Developer.write_downs`` leaves out the areas whose land position is closed for good and that hold no
    joint-company stake (they add nothing in any later quarter), until its areas change: its total equals the plain
    loop over all its areas every quarter, also after areas are handed over between developers (moved within the
    lists, as ``hand_over`` does, and the lists replaced), and a left-out area never holds land again."""
    from tests.test_land_fastpath import plain_write_downs

    skipped = moved = 0
    for model in stepped(cooperation, quarters=60):
        developers = model.parties.developers
        q = model.ctx.quarter
        if q in (20, 40):
            moved += hand_last_area_over(developers)
        if q == 30 and len(developers) > 1:  # lists replaced (as tests and an entrant do): re-read at once
            developers[0].areas, developers[1].areas = list(developers[1].areas), list(developers[0].areas)
            for d in developers[:2]:
                for area in d.areas:
                    area.developer = d
        for developer in developers:
            got = developer.write_downs()
            assert type(got) is float and got.hex() == float(plain_write_downs(developer)).hex()
            known = developer._write_down_areas
            assert known[0] == developer.areas
            for area in developer.areas:
                if area not in known[1]:
                    skipped += 1
                    assert area.land_position_closed and plain_land_position(area) == 0.0
                    coop = area.coop
                    assert not ((coop.works_payer == "jv" or coop.land_receiver == "jv")
                                and 0 < coop.jv_municipal_share < 1)
    assert moved > 0 and skipped > 0


def plain_phase_mark(developer, phase) -> float:
    """One phase's term of ``plain_project_marks`` (0.0 where the plain loop skips it)."""
    if phase.construction_start is None or phase.developer is not developer:
        return 0.0
    if not (phase.is_open or phase.transferred):
        return 0.0
    econ, q = developer.ctx.econ, developer.ctx.quarter
    unsold = phase.owner_homes - phase.owner_sold
    term = phase.owner_revenue - phase.owner_received
    if unsold > 1e-9:
        term += unsold * float(econ.sale_value[phase.area.region_index, q, OWNER]) * (1 - developer.params.unsold_discount)
    if phase.completion is None:
        term += (phase.rental_price / 2 if phase.investor is not None else 0.0) - phase.contract_market / 2
    return term


@pytest.mark.parametrize("cooperation", ["traditional", "joint_venture", "private_realisation"])
def test_project_marks_leave_out_only_phases_settled_for_good_also_after_hand_overs(cooperation):
    """``Developer.project_marks`` leaves out a phase once it adds exactly 0.0 for good (started by another
    developer, or handed over to its buyers with nothing unsold or owed): its total equals the plain loop's double
    every quarter, also after areas are handed over between developers, and a left-out phase's plain term stays
    exactly 0.0 in every later quarter (the mini world, and with slow sales: unsold stock kept)."""
    import itertools

    from sim.agents.developer import _settled

    left_out: dict[int, set] = {}
    dropped = moved = 0
    for model in itertools.chain(stepped(cooperation, quarters=60), stepped(cooperation, quarters=60, **slow_sales())):
        developers = model.parties.developers
        if model.ctx.quarter in (20, 40):
            moved += hand_last_area_over(developers)
        for developer in developers:
            got = developer.project_marks()
            assert type(got) is float and got.hex() == plain_project_marks(developer).hex()
            gone = left_out.setdefault(id(developer), set())
            for area in developer.areas:
                kept = developer._marked.get(area, area.phases)
                for phase in area.phases:
                    if phase not in kept or _settled(phase, developer):  # left out, or would be at the next drop
                        gone.add(id(phase))
                    if id(phase) in gone:
                        assert plain_phase_mark(developer, phase) == 0.0
            dropped += len(gone)
    assert moved > 0 and dropped > 0


@pytest.mark.parametrize("cooperation", ["traditional", "private_realisation"])
def test_decide_keeps_every_phase_that_may_still_get_a_go(cooperation):
    """``Developer.decide`` rebuilds its per-area list of phases that may still get a go only when one got a go or
    closed: every quarter each list holds, in the area's order, every phase of the area without a go that is still
    open (it may hold more: those that got a go or closed since, dropped at the next visit)."""
    from sim.segments import STAGE_INDEX

    done = STAGE_INDEX["done"]
    checked = 0
    for model in stepped(cooperation, quarters=60, **slow_sales()):
        for developer in model.parties.developers:
            for area, phases in developer._undecided.items():
                waiting = [p for p in area.phases if p.go_time is None and p.stage < done]
                assert [p for p in phases if p in waiting] == waiting
                assert all(p in area.phases for p in phases)
                checked += len(waiting)
    assert checked > 0


@pytest.mark.parametrize("cooperation,banked", [(c, False) for c in COOPERATION] + [("traditional", True)])
def test_write_down_floor_stays_below_the_write_downs_while_the_areas_are_the_same(cooperation, banked):
    """The floor ``check_solvency`` sets under a developer's write-downs (``Developer._set_floor``) is below the
    plain write-downs' double in every later quarter in which it holds the same areas, and the credit limit with
    the floor in their place is below the credit limit: also after hand-overs (areas moved, a new floor set), with
    slow sales (unsold stock) and with a land bank (positions banked). No floor while it holds a stake in a joint
    land company. Checked to fail with a floor of 0.0 (no write-downs)."""
    from tests.test_land_fastpath import plain_write_downs

    checked = below = moved = 0
    for model in stepped(cooperation, land_bank_design() if banked else None, **slow_sales()):
        developers = model.parties.developers
        if model.ctx.quarter in (20, 40):  # the first developer holding areas hands one to the next
            first = next((i for i, d in enumerate(developers) if d.areas), 0)
            moved += hand_last_area_over(developers[first:] + developers[:first])
        for developer in developers:
            floor = developer._floor
            if floor is None or floor[0] != developer.areas:
                continue
            assert not any(0 < a.coop.jv_municipal_share < 1 and "jv" in (a.coop.works_payer, a.coop.land_receiver)
                           for a in developer.areas)
            plain = float(plain_write_downs(developer))
            assert floor[1] <= plain
            assert developer._limit_given(floor[1]) <= plain_credit_limit(developer, plain)
            checked += 1
            below += plain < 0.0
    assert checked > 0 and below > 0 and moved > 0


def crash_world(cooperation: str = "building_claim") -> dict:
    """Two thin developers (€5M equity) on most of an area's land, in a −35 % crash: developers fail."""
    from tests.test_behaviour import CRASH, one_area

    data = one_area(cooperation, CRASH, region="middle",
                    ownership={"municipality": 0.2, "developers": 0.7, "businesses": 0.1})
    data["actors"] = {"developers": {"count": 2, "equity": 5e6, "leverage": 1.0}}
    return data


@pytest.mark.parametrize("data,seeds,fail", [
    (crash_world(), (1, 2, 3, 4), True),
    (crash_world("joint_venture"), (1, 2), True),
    (mini(cooperation={"model": "building_claim"}), (1,), False),
])
def test_runs_with_the_write_down_floor_equal_runs_computing_every_credit_limit(data, seeds, fail, monkeypatch):
    """Whole runs give the same events (failures, hand-overs, joint-company exits) and ledger when solvency checks
    skip the write-downs above the floor as when every check computes the full credit limit (no floor ever set);
    the floor is used, and developers fail in the crash world. Checked to fail with the lowest land index replaced
    by the index of the floor's quarter, and with a floor of 0.0."""
    from sim.agents.developer import Developer

    scenario = from_dict(data)
    calls: collections.Counter = collections.Counter()
    limit, check = Developer.credit_limit.fget, Developer.check_solvency

    def counted_limit(developer):
        calls["limit"] += 1
        return limit(developer)

    def counted_check(developer):
        calls["check"] += 1
        return check(developer)

    failures = skipped = 0
    for seed in seeds:
        calls.clear()
        with monkeypatch.context() as patch:
            patch.setattr(Developer, "credit_limit", property(counted_limit))
            patch.setattr(Developer, "check_solvency", counted_check)
            fast = AreaModel(scenario, seed=seed, collect="lean").run()
        with monkeypatch.context() as patch:
            patch.setattr(Developer, "_set_floor", lambda d: None)
            plain = AreaModel(scenario, seed=seed, collect="lean").run()
        assert fast.events == plain.events
        assert fast.ledger.transactions() == plain.ledger.transactions()
        failures += sum(e["event"] == "developer_failed" for e in fast.events)
        skipped += calls["limit"] < calls["check"]
    assert skipped == len(seeds)
    assert (failures > 0) == fail


@pytest.mark.parametrize("cooperation", ["traditional", "joint_venture", "private_realisation"])
def test_upkeep_leaves_out_only_areas_with_no_unstarted_phase(cooperation):
    """The deal upkeep leaves an area out for good once none of its phases is unstarted (each had its go or closed):
    every quarter its list is the run's areas in order, less areas with no unstarted phase, and such an area has
    none in any later quarter either; areas are left out in the run (the mini world, slow sales)."""
    left_out = checked = 0
    gone: set[str] = set()
    model_id = None
    for model in stepped(cooperation, quarters=60, **slow_sales()):
        if id(model) != model_id:
            model_id, gone = id(model), set()
        kept = model.desk.upkeep_areas
        assert [a for a in model.ctx.areas if a in kept] == kept
        for area in model.ctx.areas:
            if area not in kept:
                assert not area.unstarted
                gone.add(area.name)
            if area.name in gone:
                assert not area.unstarted
                left_out += 1
            checked += 1
    assert left_out > 0 and checked > left_out


@pytest.mark.parametrize("data", [mini(cooperation={"model": "traditional"}), slow_sales(), crash_world()])
def test_runs_with_the_upkeep_list_equal_runs_visiting_every_area(data, monkeypatch):
    """Whole runs give the same events and ledger when the upkeep visits only the areas that may still need it as
    when it visits every area every quarter (its list reset each quarter)."""
    from sim.negotiation import upkeep as upkeep_module

    scenario = from_dict(data)
    fast = AreaModel(scenario, seed=2, collect="lean").run()
    plain_upkeep = upkeep_module.upkeep

    def every_area(desk):
        desk.upkeep_areas = None
        plain_upkeep(desk)

    with monkeypatch.context() as patch:
        patch.setattr(upkeep_module, "upkeep", every_area)
        plain = AreaModel(scenario, seed=2, collect="lean").run()
    assert len(fast.desk.upkeep_areas) < len(fast.ctx.areas)
    assert fast.events == plain.events
    assert fast.ledger.transactions() == plain.ledger.transactions()
