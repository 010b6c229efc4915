"""Belief ensembles: how a party imagines future prices (it does not see the true future).

Each party owns a fixed matrix of standard normal draws (its "imagination", drawn once
from the behaviour stream when the party is created). At each valuation it turns them into
an ensemble of price multipliers relative to today, with a drift set by its expectation rule:

- ``extrapolative``: recent growth continues (mean log growth of the last
  ``LOOKBACK`` quarters of the region's observed price index);
- ``anchored``: long-run trend growth (``ANCHOR_GROWTH``);
- ``fundamental``: prices revert towards the construction-cost index (house price
  relative to cost falls back at ``REVERSION`` per year).

Vectorised over the ensemble; the matrix is reused so valuations are deterministic.
"""

from __future__ import annotations

import numpy as np

LOOKBACK = 8
"""Quarters of price history an extrapolating party looks at."""
ANCHOR_GROWTH = 0.03
"""fraction/yr: long-run nominal price growth of an anchored party (assumption: between the
3.3 % of 2005-2024 and the CPI-like 2 %)."""
REVERSION = 0.15
"""1/yr: speed at which a fundamental party expects prices to revert to costs (assumption)."""
_ANCHOR_DRIFT = np.log1p(ANCHOR_GROWTH) / 4
"""Log price growth per quarter of ``ANCHOR_GROWTH`` (np.float64, computed once)."""


def expected_drift(rule: str, price_history: np.ndarray, cost_history: np.ndarray) -> float:
    """Expected log price growth per quarter under an expectation rule.

    Args:
        rule: 'extrapolative', 'anchored' or 'fundamental'.
        price_history: the region's price index up to and including today (≥ 1 value).
        cost_history: the construction-cost index over the same quarters.
    """
    if rule == "extrapolative":
        window = price_history[-(LOOKBACK + 1):]
        if len(window) < 2:
            return float(_ANCHOR_DRIFT)
        return float(np.log(window[-1] / window[0]) / (len(window) - 1))
    if rule == "fundamental":
        gap = np.log(price_history[-1] / cost_history[-1])
        return float(_ANCHOR_DRIFT - REVERSION / 4 * gap)
    return float(_ANCHOR_DRIFT)


_DRAWN: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
"""Belief draws remembered in this process (see :meth:`Beliefs.for_stream`): read-only arrays per stream key."""
_DRAWN_MAX = 256
"""Entries kept before the memory is cleared (each is K × (H + 256) doubles, ~75 kB at the defaults)."""


class Beliefs:
    """A party's belief ensemble generator.

    Args:
        rule: expectation rule.
        size: number of paths K.
        horizon: quarters ahead H.
        volatility: yearly sd of price growth the party imagines (fraction).
        rng: stream the imagination is drawn from (once).
    """

    def __init__(self, rule: str, size: int, horizon: int, volatility: float, rng: np.random.Generator) -> None:
        self.rule = rule
        self.volatility = volatility
        self.shocks = np.cumsum(rng.standard_normal((size, horizon)), axis=1) * volatility / 2.0  # sqrt(1/4)
        self.steps = np.arange(1, horizon + 1)
        self.shocks.flags.writeable = False  # drawn once; the digest of the imagination keys shared negotiations
        self.steps.flags.writeable = False

    @classmethod
    def for_party(cls, rule: str, negotiation, rng: np.random.Generator) -> Beliefs:
        """A party's beliefs with the scenario's negotiation settings, drawn from its own stream.

        Also draws the party's imagined public-works overruns (``overrun_z``: K × 256 normals).

        Args:
            rule: expectation rule; negotiation: the scenario's ``[actors.negotiation]``;
            rng: the party's belief stream (sim.streams.Streams.beliefs).
        """
        neg = negotiation
        beliefs = cls(rule, neg.ensemble_size, neg.belief_horizon_quarters, neg.belief_volatility, rng)
        beliefs.overrun_z = rng.standard_normal((neg.ensemble_size, 256))
        beliefs.overrun_z.flags.writeable = False  # drawn once; its digest keys shared negotiations
        return beliefs

    @classmethod
    def for_stream(cls, rule: str, negotiation, streams, kind: str, index: int) -> Beliefs:
        """:meth:`for_party` with the belief stream of party ``index`` of ``kind`` (sim.streams.Streams.beliefs),
        its draws remembered per process: the same stream (seed, kind, index) and the same ensemble size,
        horizon and volatility give the same imagination, so runs of one future (a Sobol study, paired lever
        values) draw it once. The remembered arrays are read-only and shared; each party gets its own object
        (its caches). Guarded equal to :meth:`for_party` in tests/test_build_fastpath.py.

        Args:
            rule: expectation rule; negotiation: the scenario's ``[actors.negotiation]``;
            streams: the run's :class:`sim.streams.Streams`; kind, index: the party (as ``Streams.beliefs``).
        """
        neg = negotiation
        size, horizon, volatility = neg.ensemble_size, neg.belief_horizon_quarters, neg.belief_volatility
        key = (streams.key("beliefs", kind, index), size, horizon, float(volatility).hex(), type(volatility))
        known = _DRAWN.get(key)
        if known is None:
            drawn = cls.for_party(rule, neg, streams.beliefs(kind, index))
            if len(_DRAWN) >= _DRAWN_MAX:
                _DRAWN.clear()
            known = _DRAWN[key] = (drawn.shocks, drawn.steps, drawn.overrun_z)
        beliefs = cls.__new__(cls)
        beliefs.rule, beliefs.volatility = rule, volatility
        beliefs.shocks, beliefs.steps, beliefs.overrun_z = known
        return beliefs

    def drift(self, price_history: np.ndarray, cost_history: np.ndarray) -> float:
        """Expected log price growth per quarter under this party's rule (see :func:`expected_drift`)."""
        return expected_drift(self.rule, price_history, cost_history)

    def multipliers(self, drift: float) -> np.ndarray:
        """(K, H) multipliers of today's price h = 1..H quarters ahead, for a drift per quarter."""
        return np.exp(drift * self.steps[None, :] + self.shocks)

    def multipliers_at(self, drift: float, lag: np.ndarray) -> np.ndarray:
        """(K, P) multipliers at the quarters ``lag`` (P,) ahead: ``multipliers(drift)[:, lag]`` (the same
        element-wise arithmetic on the gathered columns only; ``lag`` in 0..H − 1)."""
        return np.exp(drift * self.steps[lag][None, :] + self.shocks[:, lag])

    def overrun_factors(self, outlook, n_phases: int) -> np.ndarray:
        """(1, K, P) its imagined overruns per € of works for an area's archetype and P phases
        (:func:`sim.negotiation.economics.overrun_factors` of its ``overrun_z``), computed once per run (read-only)."""
        key = (outlook.cost_sigma, outlook.overrun_mean, n_phases)
        cache = self.__dict__.setdefault("_overrun_factors", {})
        known = cache.get(key)
        if known is None:
            from sim.negotiation.economics import overrun_factors

            known = cache[key] = overrun_factors(self.overrun_z, outlook, n_phases)
            known.flags.writeable = False
        return known

    def price_multipliers(self, price_history: np.ndarray, cost_history: np.ndarray) -> np.ndarray:
        """(K, H) multipliers of today's price h = 1..H quarters ahead."""
        return self.multipliers(self.drift(price_history, cost_history))


def score(values: np.ndarray, risk_aversion: float, tail: float = 0.05) -> float:
    """Risk-adjusted score of outcomes (€): (1 − λ)·mean + λ·CVaR at ``tail`` (mean of the worst share)."""
    values = np.sort(np.asarray(values, dtype=float))
    k = max(1, int(np.ceil(tail * len(values))))
    return float((1 - risk_aversion) * values.mean() + risk_aversion * values[:k].mean())
