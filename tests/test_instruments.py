"""Fund instruments: one contract every registered instrument passes (built-ins and a plug-in outside sim/).

Each instrument alone, with its default parameters, in a generous fund on a small programme:
the parameter model documents every field (unit, source), a run is deterministic and keeps the
books, the fund's cash reconciles with its awards, and the design survives a round trip.
"""

from __future__ import annotations

import pickle

import pytest

import tests.plugin_instruments  # noqa: F401  (registers an instrument written outside the package)
from sim.funds.design import FundDesign
from sim.funds.instrument_base import INSTRUMENTS
from sim.model import AreaModel
from sim.scenario import from_dict
from tests.conftest import check_invariants, mini

CRASH = {"mode": "steady", "shock": {"year": 3, "price_drop": 0.35, "duration_quarters": 10}}


def design_with(kind: str) -> FundDesign:
    return FundDesign.model_validate({"name": f"only_{kind}", "funds": [
        {"name": "f", "budget": 400e6, "allocation": "continuous", "instruments": [{"type": kind}]}]})


def world() -> dict:
    areas = [{"name": f"a{i}", "region": "middle", "archetype": "complex", "homes": 900, "phases": 3,
              "start_quarter": 2 * i, "phase_interval_quarters": 4, "programme": {"social": 0.3, "mid_rent": 0.25},
              "ownership": {"municipality": 0.4, "developers": 0.3, "businesses": 0.3}} for i in range(3)]
    return mini(areas=areas, horizon_years=14, market=CRASH)


@pytest.mark.parametrize("kind", INSTRUMENTS.names())
class TestEveryInstrument:
    def test_its_parameters_carry_unit_and_source(self, kind):
        params = INSTRUMENTS.classes()[kind].Params
        assert params.__doc__
        for name, info in params.model_fields.items():
            if name == "type":
                continue
            extra = info.json_schema_extra or {}
            assert extra.get("unit") and extra.get("source"), f"{kind}.{name} lacks a unit or a source"

    def test_a_run_is_deterministic_and_keeps_the_books(self, kind):
        a = AreaModel(from_dict(world()), seed=4, fund_design=design_with(kind)).run()
        b = AreaModel(from_dict(world()), seed=4, fund_design=design_with(kind)).run()
        assert a.ledger.to_frame().equals(b.ledger.to_frame())
        check_invariants(a)

    def test_the_fund_cash_reconciles_with_its_awards(self, kind):
        model = AreaModel(from_dict(world()), seed=4, fund_design=design_with(kind)).run()
        fund = model.funds[0]
        cash = model.ledger.balance(fund.account)
        assert cash == pytest.approx(fund.spec.budget - fund.paid + fund.returned + fund.levies, abs=1.0)

    def test_the_design_round_trips_and_pickles(self, kind):
        design = design_with(kind)
        again = FundDesign.model_validate(design.model_dump())
        assert again == design and pickle.loads(pickle.dumps(again)) == design
        assert type(again.funds[0].instruments[0]) is INSTRUMENTS.classes()[kind].Params


def test_an_instrument_outside_the_package_is_one_class_and_moves_money():
    model = AreaModel(from_dict(world()), seed=4, fund_design=design_with("affordable_start_bonus")).run()
    paid = model.ledger.to_frame().query("category == 'start_bonus'")
    assert len(paid) > 0 and (paid["source"] == "fund:f").all()
