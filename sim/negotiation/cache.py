"""Share settled negotiations between runs of the same future (paired experiment runs).

In a paired experiment every lever value (fund design, cooperation setting, ...) is run on
the same market future and the same behavioural draws. Until a lever changes what a
negotiation sees, those runs face *exactly* the same negotiations: same outlook, same
belief ensembles, same preferences, same bounds. The experiment runner therefore runs the
lever values of one future one after another in one worker and lets them share a
:class:`NegotiationCache`: a negotiation whose inputs are byte-for-byte those of one already
settled reuses its outcome instead of recomputing it. (With the ten shipped fund designs
about two thirds of all negotiations repeat; see docs/performance.md.)

The key is a BLAKE2b digest of *every* input the protocol and the valuation read (all arrays
by their bytes, shapes and dtypes; every scalar by its exact ``repr``), so a hit returns what
the computation would have returned: results are identical with and without the cache
(tested). Protocols and cooperation models from outside the ``sim`` package (plug-ins) may
keep state the key cannot see, so their negotiations are never cached.

A single model run (``areasim run``, the app, ``mesa.batch_run``) uses no cache.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from sim.cooperation.base import CooperationModel, Terms

MAX_ENTRIES = 20_000
"""Settled negotiations kept (least recently used dropped first); ~2 KB each."""

COOP_ATTRIBUTES = ("name", "works_payer", "acquisition_payer", "buys_developer_land", "land_receiver",
                   "social_land_receiver", "developer_weight", "overrun_negotiable", "default_overrun",
                   "contribution_capped", "fallback_on_failure", "jv_municipal_share")
"""Cooperation-model attributes a negotiation depends on (besides the bounds, which are keyed too)."""


@dataclass(frozen=True)
class Settlement:
    """What a negotiation settled: the protocol's outcome, the terms applied and their surpluses (€)."""

    outcome: Any  # sim.negotiation.protocols.Outcome (read-only once cached)
    terms: Terms | None
    imposed: bool
    developer_surplus: float
    municipal_surplus: float
    offers_log: str = "[]"  # the offers as JSON text, for the event log


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
"""{dataclass: its field names} (``dataclasses.fields`` once per class)."""
_BUILTIN: dict[type, bool] = {}
"""{class: defined in this package} (see is_builtin)."""


def is_builtin(obj: object) -> bool:
    """True for objects whose class is defined in this package (no hidden plug-in state)."""
    cls = type(obj)
    known = _BUILTIN.get(cls)
    if known is None:
        known = _BUILTIN[cls] = cls.__module__.split(".")[0] == "sim"
    return known


class ProblemKey:
    """Incremental BLAKE2b digest of a negotiation's inputs."""

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=20)

    def array(self, value: np.ndarray) -> ProblemKey:
        value = np.ascontiguousarray(value)
        self._hash.update(f"{value.dtype.str}{value.shape}".encode())
        self._hash.update(value.data)
        return self

    def scalars(self, *values: object) -> ProblemKey:
        self._hash.update(repr(values).encode())
        return self

    def dataclass(self, value: object) -> ProblemKey:
        """Every field of a dataclass instance: arrays by name, dtype, shape and bytes (in field order), then the
        other fields as one repr of their (name, value) pairs (three hash updates per array and one for the rest,
        instead of two per field: a key is made per negotiation)."""
        cls = type(value)
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(value))
        update = self._hash.update
        rest = []
        for name in names:
            item = getattr(value, name)
            if isinstance(item, np.ndarray):
                update(name.encode())
                self.array(item)
            else:
                rest.append((name, item))
        update(repr(rest).encode())
        return self

    def digest(self) -> bytes:
        return self._hash.digest()


def cooperation_fingerprint(coop: CooperationModel) -> tuple:
    cls = type(coop)
    return (f"{cls.__module__}.{cls.__qualname__}", tuple(getattr(coop, a, None) for a in COOP_ATTRIBUTES),
            coop.municipal_share("jv"), coop.developer_share("jv"), repr(sorted(vars(coop).items())))


class NegotiationCache:
    """Settlements by the digest of their inputs, shared by the runs of one future in one worker."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[bytes, Settlement] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: bytes) -> Settlement | None:
        found = self._entries.get(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
            self._entries.move_to_end(key)
        return found

    def put(self, key: bytes, settlement: Settlement) -> None:
        self._entries[key] = settlement
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
