"""Cooperation models: one contract every registered model passes (built-ins and a plug-in outside sim/)."""

from __future__ import annotations

import pickle

import pytest

import tests.plugin_models  # noqa: F401  (registers a sixth cooperation model written outside the package)
from sim.cooperation import registered, resolve
from sim.cooperation.base import REGISTRY
from sim.model import AreaModel
from sim.negotiation.broker import build_outlook, make_problem
from sim.scenario import from_dict
from tests.conftest import check_invariants, mini

STEADY = {"mode": "steady"}


def one_area(cooperation: str) -> dict:
    area = {"name": "x", "region": "middle", "archetype": "complex", "homes": 1200, "phases": 3,
            "phase_interval_quarters": 4, "cooperation": cooperation}
    return mini(areas=[area], horizon_years=12, market=STEADY)


def first_problem(name: str):
    """The model stepped to the area's first negotiation, and the negotiation problem it faces."""
    model = AreaModel(from_dict(one_area(name)), seed=11)
    area = model.areas[0]
    while all(p.stage < 0 for p in area.phases):
        model.step()
    outlook = build_outlook(model.desk, area, area.developer)
    return model, make_problem(model.desk, area, model.parties.municipality_of(area), area.developer, outlook)


@pytest.mark.parametrize("name", list(registered()))
class TestEveryCooperationModel:
    """Terms within bounds and both surpluses ≥ 0 on a voluntary deal; deterministic; picklable; books balanced."""

    def test_a_voluntary_deal_is_within_bounds_and_both_sides_gain(self, name):
        model, problem = first_problem(name)
        outcome = model.desk.protocol.negotiate(problem)
        if not outcome.success:
            pytest.skip(f"{name}: no voluntary deal in this world ({outcome.reason})")
        t = outcome.terms
        for value, (low, high) in ((t.land_price, problem.land_bounds), (t.affordable_share, problem.affordable_bounds),
                                   (t.overrun_share, problem.overrun_bounds)):
            assert low - 1e-9 <= value <= high + 1e-9
        s_dev, s_mun = problem.evaluate(t)
        assert s_dev >= -1e-6 and s_mun >= -1e-6

    def test_the_same_seed_gives_the_same_ledger(self, name):
        a = AreaModel(from_dict(one_area(name)), seed=5).run()
        b = AreaModel(from_dict(one_area(name)), seed=5).run()
        assert a.ledger.to_frame().equals(b.ledger.to_frame())

    def test_it_is_picklable_and_resolves_by_name(self, name):
        model = resolve(name)
        assert model.name == name and type(pickle.loads(pickle.dumps(model))) is type(model)

    def test_a_short_run_keeps_the_books_and_the_invariants(self, name):
        check_invariants(AreaModel(from_dict(one_area(name)), seed=5).run())


def test_a_model_outside_the_package_is_one_registered_class():
    assert "half_overrun_sharing" in REGISTRY.names()
    assert resolve("tests.plugin_models:HalfOverrunSharing").default_overrun == 0.5


@pytest.mark.parametrize("path, problem", [
    ("nope", "unknown cooperation model"),
    ("..x:X", "not a valid 'package.module:Class' path"),
    ("this:x", "package 'this' is not allowed"),
    ("tests.no_such_module:X", "cannot import module 'tests.no_such_module' (ModuleNotFoundError"),
    ("tests.plugin_models:Nope", "has no 'Nope'"),
    ("tests.conftest:mini", "not a CooperationModel subclass"),
])
def test_a_bad_plugin_name_is_one_line_that_says_what_went_wrong(path, problem):
    from sim.errors import InputError

    with pytest.raises(InputError) as info:
        resolve(path, "s.toml")
    line = str(info.value)
    assert problem in line and "\n" not in line and line.startswith("s.toml: cooperation.model")
