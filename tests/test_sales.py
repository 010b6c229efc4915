"""The new-build market's sharing of absorption over the phases on sale (sim.sales)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.sales import share_absorption


def numpy_sharing(unsold: list[float], absorption: float):
    """The rule as the array formula it was written as: pro rata to unsold homes, capped by them."""
    homes = np.array(unsold)
    total = homes.sum()
    if total <= 0:
        return None
    sold = np.minimum(homes, absorption * homes / total)
    return [float(x) for x in sold], float(sold.sum())


@pytest.mark.parametrize("phases", range(1, 13))
def test_sharing_absorption_gives_the_array_formulas_doubles_for_any_number_of_phases(phases):
    """Guard for the scalar path (fewer than eight phases): bit for bit the array formula's numbers."""
    rng = np.random.default_rng(phases)
    for _ in range(3000):
        unsold = (rng.random(phases) * 10.0 ** rng.integers(0, 4, size=phases)).tolist()
        if rng.random() < 0.2:
            unsold[int(rng.integers(phases))] = 0.0
        absorption = float(rng.random() * 10.0 ** rng.integers(0, 4))
        got = share_absorption(unsold, absorption)
        want = numpy_sharing(unsold, absorption)
        if want is None:  # nothing unsold
            assert got is None
            continue
        assert [x.hex() for x in got[0]] == [x.hex() for x in want[0]]
        assert got[1].hex() == want[1].hex()
        assert all(type(x) is float for x in got[0]) and type(got[1]) is float


def test_no_phase_sells_more_than_it_has_unsold_and_the_market_takes_at_most_its_absorption():
    sold, total = share_absorption([10.0, 200.0, 5.0], absorption=50.0)
    assert sold[0] <= 10.0 and sold[2] <= 5.0
    assert total == pytest.approx(50.0)
    sold, total = share_absorption([10.0, 20.0], absorption=1000.0)  # a deep market sells everything unsold
    assert sold == [10.0, 20.0] and total == 30.0


def test_nothing_unsold_sells_nothing():
    assert share_absorption([0.0, 0.0], absorption=50.0) is None
    assert share_absorption([0.0] * 9, absorption=50.0) is None


def plain_sell(self, quarter: int) -> None:
    """``NewBuildSales.sell`` as first written (numpy scalars, properties, ``Agent.receive``)."""
    from collections import defaultdict

    from sim.area import OWNER
    from sim.sales import BUYER_INSTALMENT_AT_START
    self.sold[:] = 0
    if not self.selling:
        return
    q = quarter
    self.dissolve_presales(q)
    weak = self.market.regime[q] != 0
    by_region = defaultdict(list)
    for phase in self.selling:
        by_region[phase.area.region_index].append(phase)
    for r, phases in by_region.items():
        absorption = float(self.absorption[r] * self.market.absorption_factor[r, q])
        shared = share_absorption([float(p.owner_homes - p.owner_sold) for p in phases], absorption)
        if shared is None:
            continue
        sold, sold_total = shared
        self.sold[r] += sold_total
        price = float(self.econ.sale_value[r, q, OWNER])
        for phase, n in zip(phases, sold, strict=True):
            if phase.transferred:
                value = n * price * (1 - self.discount if weak else 1.0)
                phase.owner_sold += n
                phase.owner_revenue += value
                phase.developer.receive("outside:home_buyers", value, "home_sales", phase)
                phase.owner_received += value
                continue
            phase.owner_sold += n
            phase.owner_revenue += n * price
            if phase.construction_start is not None:
                instalment = BUYER_INSTALMENT_AT_START * n * price
                phase.developer.receive("outside:home_buyers", instalment, "home_sales", phase)
                phase.owner_received += instalment
    keep = []
    for p in self.selling:
        if p.owner_sold < p.owner_homes - 1e-9 and p.stage_name != "abandoned":
            keep.append(p)
        else:
            p.on_sale = False
    self.selling = keep


@pytest.mark.parametrize(("seed", "design"), [(1, None), (2, None), (4, None), (1, "countercyclical")])
def test_sales_give_the_plain_sales_numbers(seed, design, monkeypatch):
    """Guard for ``NewBuildSales.sell`` (``item()`` reads, inline owner homes, buyers' payments booked directly):
    whole default runs with weak quarters and the developers' unsold stock, and with a fund buying homes (numpy
    scalars among the homes sold), give the same ledger, events, homes sold per quarter and phase figures (every
    float's hex and type) as the plain form."""
    from sim.funds.design import load_design
    from sim.model import AreaModel
    from sim.sales import NewBuildSales
    from sim.scenario import DEFAULT_SCENARIO, load_scenario

    def record(model):
        sold = []
        sell = model.ctx.sales.sell

        def sell_and_record(q):
            sell(q)
            sold.append([x.hex() for x in model.ctx.sales.sold.tolist()])
        model.ctx.sales.sell = sell_and_record
        model.run()
        phases = [(type(x).__name__, float(x).hex()) for p in model.ctx.phases
                  for x in (p.owner_sold, p.owner_revenue, p.owner_received, p.on_sale)]
        return model.ledger._rows, model.events, sold, phases

    scenario = load_scenario(DEFAULT_SCENARIO)
    fund = {} if design is None else {"fund_design": load_design(design)}
    fast = record(AreaModel(scenario, seed=seed, collect="lean", **fund))
    with monkeypatch.context() as patch:
        patch.setattr(NewBuildSales, "sell", plain_sell)
        plain = record(AreaModel(scenario, seed=seed, collect="lean", **fund))
    assert sum(row[-1] == "home_sales" for row in fast[0]) > 50
    assert fast == plain
