"""Building a run: the remembered draws equal the draws made afresh, bit for bit.

Performance work (docs/performance.md, seventh session, building a run) keeps results byte-identical; these
guards compare each shortcut of model construction with the plain code it replaced (kept here as the reference)
by exact equality (array bytes), not a tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import beliefs as beliefs_module
from sim.beliefs import Beliefs
from sim.model import AreaModel
from sim.scenario import from_dict
from sim.streams import Streams
from tests.conftest import mini


def reference_beliefs(rule, negotiation, streams, kind, index) -> Beliefs:
    """A party's beliefs drawn afresh from its own stream (the code before the draws were remembered)."""
    return Beliefs.for_party(rule, negotiation, streams.beliefs(kind, index))


def same_arrays(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("seed", [1, 7, 2**63 + 5])
@pytest.mark.parametrize("negotiation", [{}, {"ensemble_size": 8, "belief_horizon_quarters": 12},
                                         {"belief_volatility": 0.2}])
def test_remembered_beliefs_equal_fresh_draws(seed, negotiation):
    """Beliefs.for_stream (remembered per stream key and ensemble settings) gives every party of every kind the
    very imagination Beliefs.for_party draws from a fresh stream, on the first call and when remembered."""
    data = mini()
    data.setdefault("actors", {}).setdefault("negotiation", {}).update(negotiation)
    neg = from_dict(data).actors.negotiation
    beliefs_module._DRAWN.clear()
    for _ in range(2):  # drawn, then remembered
        streams = Streams(np.random.default_rng(seed))
        for kind in ("municipality", "developer", "housing_association", "investor"):
            for index in range(3):
                got = Beliefs.for_stream("anchored", neg, streams, kind, index)
                want = reference_beliefs("anchored", neg, streams, kind, index)
                assert got.rule == want.rule and got.volatility == want.volatility
                for name in ("shocks", "steps", "overrun_z"):
                    assert same_arrays(getattr(got, name), getattr(want, name)), (kind, index, name)
                    assert not getattr(got, name).flags.writeable


def test_remembered_beliefs_follow_the_settings():
    """A different seed, ensemble size or volatility is a different key: nothing stale is reused."""
    neg = from_dict(mini()).actors.negotiation
    a = Beliefs.for_stream("anchored", neg, Streams(np.random.default_rng(1)), "developer", 0)
    b = Beliefs.for_stream("anchored", neg, Streams(np.random.default_rng(2)), "developer", 0)
    assert not same_arrays(a.shocks, b.shocks)
    neg2 = neg.model_copy(update={"belief_volatility": neg.belief_volatility * 2})
    c = Beliefs.for_stream("anchored", neg2, Streams(np.random.default_rng(1)), "developer", 0)
    assert same_arrays(c.overrun_z, a.overrun_z) and not same_arrays(c.shocks, a.shocks)


def test_models_built_twice_have_the_same_parties_beliefs():
    """Two models of one seed (the second from remembered draws) give their parties equal imaginations."""
    scenario = from_dict(mini())
    beliefs_module._DRAWN.clear()
    first, second = AreaModel(scenario, seed=3), AreaModel(scenario, seed=3)
    for p, q in zip((*first.municipalities, *first.developers), (*second.municipalities, *second.developers),
                    strict=True):
        assert p.beliefs is not q.beliefs
        for name in ("shocks", "steps", "overrun_z"):
            assert same_arrays(getattr(p.beliefs, name), getattr(q.beliefs, name)), name


@pytest.mark.parametrize("total", [0, 1, 7, 500, 917, 6000])
@pytest.mark.parametrize("shares", [(0.3, 0.15, 0.1, 0.45), (0.25, 0.25, 0.25, 0.25), (1.0,), (1.0, 1.0, 1.0),
                                    (0.0, -0.0, 1.0, 0.0), (0.1, 0.2, 0.3, 0.4, 0.0, 0.5, 0.6, 0.7, 0.8)])
def test_remembered_splits_equal_split_homes(total, shares):
    """build_areas' remembered split of homes equals split_homes (the largest-remainder split) every time, and
    each caller gets its own writeable array."""
    from sim.area import _split_remembered, split_homes
    want = split_homes(total, np.asarray(shares, dtype=float))
    for _ in range(2):
        got = _split_remembered(total, shares)
        assert same_arrays(got, want) and got.flags.writeable
        got[...] = -1  # a caller's change does not reach the remembered split
    assert same_arrays(_split_remembered(total, shares), want)


def test_phase_sizes_equal_the_plain_split():
    """phase_sizes (remembered near-equal parts) gives the Python ints the plain numpy split gave."""
    from sim.area import phase_sizes, split_homes
    for spec in from_dict(mini()).areas:
        want = [int(h) for h in split_homes(spec.homes, np.ones(spec.phases))] if spec.phase_homes is None \
            else list(spec.phase_homes)
        got = phase_sizes(spec)
        assert got == want and all(type(h) is int for h in got)
