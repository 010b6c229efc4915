"""Random streams: one independent child stream per purpose, so one purpose never shifts another's draws.

The run's generator (Mesa's ``model.rng``, seeded by the scenario seed or ``--seed``) spawns the
market, cost, duration and behaviour streams; the behaviour stream is split further, by a fixed
key per purpose and per party, into each party's belief stream and each municipality's election
stream. Adding a developer, a region or belief draws therefore leaves every other stream as it
was (common random numbers across policy variants and scenario changes).
"""

from __future__ import annotations

import numpy as np

BELIEFS = {"municipality": 0, "developer": 1, "housing_association": 2, "investor": 3}
"""Key of each party kind's belief streams."""
ELECTIONS = 9
"""Key of the municipalities' election streams."""


class Streams:
    """The named random streams of one run.

    Attributes:
        market, costs, durations: generators of the market path, the drawn public-works costs and
            the stage durations (drawn up front whatever the agents do).
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.market, self.costs, self.durations, behaviour = rng.spawn(4)
        self._behaviour = behaviour.bit_generator.seed_seq

    def _child(self, *key: int) -> np.random.Generator:
        root = self._behaviour
        return np.random.default_rng(np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *key)))

    def key(self, purpose: str, kind: str, index: int) -> tuple:
        """A hashable identity of a behaviour child stream (``purpose`` 'beliefs': ``beliefs(kind, index)``): equal
        keys, equal streams (the same root entropy and spawn key), so its draws can be remembered across runs."""
        if purpose != "beliefs":
            raise ValueError(f"no stream key for {purpose!r}")
        root = self._behaviour
        entropy = root.entropy if isinstance(root.entropy, int) else tuple(np.ravel(root.entropy).tolist())
        return (entropy, (*root.spawn_key, BELIEFS[kind], index), root.pool_size)

    def beliefs(self, kind: str, index: int) -> np.random.Generator:
        """The belief stream of party ``index`` (0-based, per kind) of ``kind``."""
        return self._child(BELIEFS[kind], index)

    def elections(self, municipality: int) -> np.random.Generator:
        """The election stream of the municipality of region ``municipality``."""
        return self._child(ELECTIONS, municipality)
