"""Seed overrides reach every random stream, and each stream is its own.

sim/streams.py spawns the market, cost and duration streams from the run's generator (seeded by
``seed=`` / ``--seed``) and keys each party's belief stream and each municipality's election stream
off a behaviour stream. A stream that ignored the seed (e.g. seeded from the scenario file only, or a
fixed constant) would make every "future" of an experiment share that stream's draws: these tests
fail then. A stream that was not keyed per party would shift when a developer is added.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import AreaModel
from sim.scenario.loader import from_dict
from tests.conftest import mini


def build(seed: int, **changes) -> AreaModel:
    return AreaModel(from_dict(mini(**changes)), seed=seed)


STREAMS = {
    "market path (price index)": lambda m: m.ctx.market.price_index,
    "market path (bond rate)": lambda m: m.ctx.market.bond_rate,
    "public-works cost draws": lambda m: np.array([sorted(a.cost_draws.items()) for a in m.areas],
                                                  dtype=object)[..., 1].astype(float),
    "stage durations": lambda m: np.asarray(m.durations, dtype=float),
    "a developer's beliefs": lambda m: m.developers[0].beliefs.shocks,
    "a municipality's beliefs": lambda m: m.municipalities[0].beliefs.shocks,
    "elections": lambda m: np.asarray(m.election_draws, dtype=float),
}


@pytest.fixture(scope="module")
def runs() -> dict[str, AreaModel]:
    return {"a": build(11), "a again": build(11), "b": build(12)}


@pytest.mark.parametrize("stream", list(STREAMS))
def test_a_seed_override_changes_the_stream(runs, stream):
    """Two ``seed=`` values (same scenario file, seed 7 in it) give different draws of the stream."""
    draw = STREAMS[stream]
    assert not np.array_equal(draw(runs["a"]), draw(runs["b"])), f"{stream} ignores the seed override"


@pytest.mark.parametrize("stream", list(STREAMS))
def test_the_same_seed_reproduces_the_stream(runs, stream):
    """The same ``seed=`` reproduces the stream draw for draw."""
    draw = STREAMS[stream]
    assert np.array_equal(draw(runs["a"]), draw(runs["a again"]))


def test_the_seed_override_wins_over_the_scenario_seed():
    """``seed=`` replaces the scenario's seed: scenario seeds 7 and 8 with the same override are the same run."""
    one, two = AreaModel(from_dict(mini(seed=7)), seed=5), AreaModel(from_dict(mini(seed=8)), seed=5)
    for stream, draw in STREAMS.items():
        assert np.array_equal(draw(one), draw(two)), stream


def test_adding_a_developer_leaves_the_other_streams_unchanged():
    """A fourth developer gets its own belief stream; elections, municipalities', the first developers'
    beliefs, market, costs and durations keep their draws (streams keyed per
    purpose and per party, not drawn in sequence)."""
    base = build(11)
    data = mini()
    data["actors"] = {**data["actors"], "developers": {"count": 4}}
    more = AreaModel(from_dict(data), seed=11)
    assert len(more.developers) == len(base.developers) + 1
    assert np.array_equal(np.asarray(more.election_draws), np.asarray(base.election_draws))
    for old, new in zip(base.municipalities, more.municipalities, strict=True):
        assert np.array_equal(old.beliefs.shocks, new.beliefs.shocks)
    for old, new in zip(base.developers, more.developers, strict=False):
        assert np.array_equal(old.beliefs.shocks, new.beliefs.shocks)
    assert np.array_equal(more.ctx.market.price_index, base.ctx.market.price_index)
    assert np.array_equal(np.asarray(more.durations, dtype=float), np.asarray(base.durations, dtype=float))
    assert [a.cost_draws for a in more.areas] == [a.cost_draws for a in base.areas]
    assert not np.array_equal(more.developers[3].beliefs.shocks, more.developers[0].beliefs.shocks)


def test_each_municipality_has_its_own_election_stream():
    """Two regions' municipalities draw different elections (keyed by region, not one shared stream)."""
    model = build(11)
    assert len(model.election_draws) == 2
    assert not np.array_equal(model.election_draws[0], model.election_draws[1])
