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
