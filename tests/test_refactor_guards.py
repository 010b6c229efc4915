"""Refactors of hot paths give the straightforward code's results bit for bit (exact equality, not a tolerance).

Performance work (docs/performance.md) must keep results byte-identical; these guards compare each fast
path with the plain numpy formulation it replaced, over many random inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.area import split_homes, split_homes_array
from sim.model import AreaModel
from sim.negotiation.broker import build_outlook
from sim.negotiation.economics import overrun_factors, party_npvs, side_valuations
from sim.scenario import from_dict
from tests.conftest import mini


def test_split_homes_scalar_path_equals_numpy():
    """Ties in the remainders (round shares) are where a different sum of the shares would show."""
    rng = np.random.default_rng(3)
    for i in range(20000):
        n = int(rng.integers(1, 8))
        shares = [rng.random(n), np.ones(n), np.round(rng.random(n), 2) + 0.01, rng.dirichlet(np.ones(n))][i % 4]
        total = int(rng.integers(0, 3000))
        got = split_homes(total, tuple(shares) if i % 2 else shares)
        assert got.dtype == np.int64 and np.array_equal(got, split_homes_array(total, np.asarray(shares, dtype=float)))


@pytest.mark.parametrize("cooperation", ["traditional", "building_claim", "joint_venture", "concession",
                                         "private_realisation"])
def test_each_sides_valuation_equals_party_npvs(cooperation):
    """``side_valuations`` (both sides of a negotiation at once, each only what its surplus uses) gives the
    arrays ``party_npvs`` gives on that side's ensemble, under each cooperation model."""
    model = AreaModel(from_dict(mini(cooperation={"model": cooperation})), seed=1, collect="lean")
    model.run(8)  # some phases under way, deals in place
    rng = np.random.default_rng(5)
    checked = 0
    for area in model.areas:
        assert area.coop.name == cooperation
        if area.developer is None:
            continue
        outlook = build_outlook(model.desk, area, area.developer)
        if outlook is None:
            continue
        municipality = model.parties.municipalities[area.region_index]
        dev_b, mun_b = area.developer.beliefs, municipality.beliefs
        dev_mult, mun_mult = dev_b.multipliers(0.004), mun_b.multipliers(-0.002)
        t = 5
        land = rng.uniform(-2e4, 6e4, t)
        affordable = rng.uniform(0.2, 0.6, t)
        overrun = rng.uniform(0, 1, t)
        n_p = outlook.homes.shape[0]
        dev_v, mun_v = side_valuations(outlook, land, affordable, overrun, area.coop,
                                       (dev_mult, dev_b.overrun_factors(outlook, n_p)),
                                       (mun_mult, mun_b.overrun_factors(outlook, n_p)))
        ref_dev = party_npvs(outlook, land, affordable, overrun, area.coop, dev_mult, dev_b.overrun_z)
        ref_mun = party_npvs(outlook, land, affordable, overrun, area.coop, mun_mult, mun_b.overrun_z)
        assert np.array_equal(dev_v.developer, ref_dev.developer)
        assert np.array_equal(dev_v.required_margin, ref_dev.required_margin)
        assert np.array_equal(dev_v.revenue, ref_dev.revenue)
        assert np.array_equal(mun_v.municipality, ref_mun.municipality)
        assert np.array_equal(mun_v.affordable_homes, ref_mun.affordable_homes) and mun_v.homes == ref_mun.homes
        assert np.array_equal(overrun_factors(dev_b.overrun_z, outlook, n_p), dev_b.overrun_factors(outlook, n_p))
        checked += 1
    assert checked >= 1
