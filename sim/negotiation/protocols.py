"""Negotiation protocols: settle the open terms of a deal between a municipality and a developer.

A :class:`Problem` gives each side's surplus (€ over walking away) for any :class:`Terms`, the
range of each issue and the parties' bargaining weights and concession speeds. A protocol
returns an :class:`Outcome` with every offer made, so a negotiation can be read back.

- :class:`AlternatingOffers` — Rubinstein-style alternating offers with a deadline; each side
  concedes over time from its ideal package towards its reservation point with a
  time-dependent tactic (Faratin, Sierra & Jennings 1998: ``(t/T)^(1/β)``; β < 1 holds out,
  β > 1 concedes early). Offers are packages on the line between the two ideals (all issues
  move together). A side accepts when the offer is worth at least its own next offer to it.
- :class:`NashBargaining` — the generalised Nash solution: maximise
  ``w·log S_dev + (1 − w)·log S_mun`` over all issues (scipy.optimize), or fail if no package
  gives both sides a positive surplus.
- :class:`TradeOffs` — alternating offers that trade issues against each other (Faratin,
  Sierra & Jennings 2002, sources.md#faratin-tradeoffs): each side lowers its aspiration with
  the same time-dependent tactic, but instead of moving all issues together it offers, among
  the packages worth at least its aspiration to itself, the one most *similar* to the other
  side's last offer. A side can so give on the issue it cares less about (land price) and hold
  the one it cares more about (affordable share, e.g. when a grant hangs on it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.cooperation.base import Terms
from sim.registry import Registry

if TYPE_CHECKING:
    import numpy as np

GRID = 41
"""Points on the line between the ideals used to find reservation points."""


@dataclass(frozen=True)
class Offer:
    """One offer: who made it, in which round, and what it is worth to each side (€)."""

    round: int
    proposer: str
    terms: Terms
    developer_surplus: float
    municipal_surplus: float


@dataclass
class Outcome:
    """Result of a negotiation."""

    success: bool
    terms: Terms | None
    rounds: int
    protocol: str
    reason: str
    offers: list[Offer] = field(default_factory=list)


@dataclass
class Problem:
    """A negotiation to settle.

    Attributes:
        evaluate: terms → (developer surplus, municipal surplus), € over walking away.
        evaluate_batch: (land, affordable, overrun) arrays (T,) → (T, 2) surpluses, or None.
            Both are pure (the same terms give the same surpluses): a protocol may reuse a value it computed.
        land_bounds, affordable_bounds, overrun_bounds: (low, high) of each issue.
        developer_weight: bargaining weight of the developer (0-1).
        max_rounds: deadline.
        developer_beta, municipal_beta: concession exponents (β > 1 concedes faster).
    """

    evaluate: Callable[[Terms], tuple[float, float]]
    evaluate_batch: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None
    land_bounds: tuple[float, float]
    affordable_bounds: tuple[float, float]
    overrun_bounds: tuple[float, float]
    developer_weight: float = 0.5
    max_rounds: int = 12
    developer_beta: float = 1.0
    municipal_beta: float = 1.0

    def municipal_ideal(self) -> Terms:
        return Terms(self.land_bounds[1], self.affordable_bounds[1], self.overrun_bounds[1])

    def developer_ideal(self) -> Terms:
        return Terms(self.land_bounds[0], self.affordable_bounds[0], self.overrun_bounds[0])

    def on_line(self, theta: float) -> Terms:
        """Package at fraction θ of the way from the municipality's ideal (0) to the developer's (1)."""
        import numpy as np  # lazily: `areasim check` resolves protocols without numpy
        a, b = np.array(self.municipal_ideal().as_tuple()), np.array(self.developer_ideal().as_tuple())
        return Terms(*(a + theta * (b - a)).tolist())

    def evaluate_line(self, thetas: np.ndarray) -> np.ndarray:
        """(T, 2) surpluses of the packages at fractions ``thetas`` along the line."""
        import numpy as np  # lazily: `areasim check` resolves protocols without numpy
        a, b = np.array(self.municipal_ideal().as_tuple()), np.array(self.developer_ideal().as_tuple())
        x = a[None, :] + thetas[:, None] * (b - a)[None, :]
        if self.evaluate_batch is not None:
            return self.evaluate_batch(x[:, 0], x[:, 1], x[:, 2])
        return np.array([self.evaluate(Terms(*row)) for row in x.tolist()])

    def reservation_points(self) -> tuple[float | None, float | None]:
        """(θ_mun, θ_dev): the municipality accepts θ ≤ θ_mun, the developer θ ≥ θ_dev (None: never)."""
        import numpy as np  # lazily: `areasim check` resolves protocols without numpy
        thetas = np.linspace(0.0, 1.0, GRID)
        values = self.evaluate_line(thetas)
        mun_ok = thetas[values[:, 1] >= 0]
        dev_ok = thetas[values[:, 0] >= 0]
        return (float(mun_ok.max()) if len(mun_ok) else None, float(dev_ok.min()) if len(dev_ok) else None)


class Protocol:
    """Interface of a negotiation protocol."""

    name = "protocol"

    def negotiate(self, problem: Problem) -> Outcome:  # pragma: no cover - interface
        raise NotImplementedError


class AlternatingOffers(Protocol):
    """Alternating offers with time-dependent concession and a deadline (the municipality opens)."""

    name = "alternating_offers"

    def negotiate(self, problem: Problem) -> Outcome:
        import numpy as np  # lazily: `areasim check` resolves protocols without numpy
        theta_mun, theta_dev = problem.reservation_points()
        if theta_mun is None or theta_dev is None:
            who = "municipality" if theta_mun is None else "developer"
            return Outcome(False, None, 0, self.name, f"no package is acceptable to the {who}")
        offers: list[Offer] = []
        last = max(1, problem.max_rounds - 1)

        def mun_offer(t: int) -> float:
            return theta_mun * (t / last) ** (1 / problem.municipal_beta)

        def dev_offer(t: int) -> float:
            return 1 - (1 - theta_dev) * (t / last) ** (1 / problem.developer_beta)

        rounds = np.arange(problem.max_rounds)
        mun_thetas = np.array([mun_offer(t) for t in rounds] + [mun_offer(last)])
        dev_thetas = np.array([dev_offer(t) for t in rounds] + [dev_offer(last)])
        mun_values = problem.evaluate_line(mun_thetas)  # what each municipal offer is worth to both
        dev_values = problem.evaluate_line(dev_thetas)
        for t in rounds:
            nxt = min(t + 1, last)
            if t % 2 == 0:  # the municipality offers; the developer compares with its own next offer
                s_dev, s_mun = mun_values[t]
                terms = problem.on_line(float(mun_thetas[t]))
                offers.append(Offer(int(t) + 1, "municipality", terms, float(s_dev), float(s_mun)))
                if s_dev >= 0 and s_dev >= dev_values[nxt, 0]:
                    return Outcome(True, terms, int(t) + 1, self.name, "developer accepted", offers)
            else:
                s_dev, s_mun = dev_values[t]
                terms = problem.on_line(float(dev_thetas[t]))
                offers.append(Offer(int(t) + 1, "developer", terms, float(s_dev), float(s_mun)))
                if s_mun >= 0 and s_mun >= mun_values[nxt, 1]:
                    return Outcome(True, terms, int(t) + 1, self.name, "municipality accepted", offers)
        reason = ("deadline passed: the parties' reservation points do not overlap"
                  if theta_dev > theta_mun else "deadline passed before the offers met")
        return Outcome(False, None, problem.max_rounds, self.name, reason, offers)


class NashBargaining(Protocol):
    """Generalised Nash bargaining solution over all issues (one round)."""

    name = "nash"

    def negotiate(self, problem: Problem) -> Outcome:
        import numpy as np  # lazily: `areasim check` resolves protocols without numpy
        w = problem.developer_weight
        bounds = [problem.land_bounds, problem.affordable_bounds, problem.overrun_bounds]
        scale = max(1.0, abs(problem.land_bounds[1] - problem.land_bounds[0]))

        def objective(x: np.ndarray) -> float:
            s_dev, s_mun = problem.evaluate(Terms(*np.clip(x, [b[0] for b in bounds], [b[1] for b in bounds])))
            if s_dev <= 0 or s_mun <= 0:
                return 1e6 - min(s_dev, 0) / scale - min(s_mun, 0) / scale
            return -(w * math.log(s_dev) + (1 - w) * math.log(s_mun))

        thetas = np.linspace(0, 1, GRID)
        line = problem.evaluate_line(thetas)
        ok = (line > 0).all(axis=1)
        if not ok.any():
            return Outcome(False, None, 1, self.name, "no package gives both sides a positive surplus")
        logs = np.where(ok, w * np.log(np.where(ok, line[:, 0], 1)) + (1 - w) * np.log(np.where(ok, line[:, 1], 1)),
                        -np.inf)
        x0 = np.array(problem.on_line(float(thetas[int(np.argmax(logs))])).as_tuple())
        if objective(x0) >= 1e6:
            return Outcome(False, None, 1, self.name, "no package gives both sides a positive surplus")
        from scipy.optimize import minimize  # lazy: scipy.optimize costs ~0.4 s to import

        best = minimize(objective, x0, method="Powell", bounds=bounds,
                        options={"xtol": 1e-4, "ftol": 1e-9, "maxfev": 400})
        x = best.x if best.fun <= objective(x0) else x0
        terms = Terms(*np.clip(x, [b[0] for b in bounds], [b[1] for b in bounds]).tolist())
        s_dev, s_mun = problem.evaluate(terms)
        offer = Offer(1, "arbiter", terms, s_dev, s_mun)
        return Outcome(True, terms, 1, self.name, "Nash bargaining solution", [offer])


class TradeOffs(Protocol):
    """Similarity-based trade-off offers over a grid of packages (Faratin, Sierra & Jennings 2002).

    The packages are a grid over the open issues (``levels`` points per issue: land price, affordable
    share, overrun share; an issue whose bounds coincide has one point). Both surpluses of every
    package are valued once. The municipality opens with its best package. In round t a side's
    aspiration is ``top · (1 − (t/T)^(1/β))`` (``top``: its best surplus on the grid; it reaches its
    reservation point 0 at the deadline T); it offers, among the packages worth at least its
    aspiration to itself, the one nearest to the other side's last offer (Euclidean distance over
    issues scaled to 0-1, equal issue weights; ties: more for itself), then moves that package's land
    price on a fine grid (``fine`` points) to the price nearest the other side's that still meets its
    aspiration, so the offer lies on its aspiration level rather than above it. The other side
    accepts when the offer is worth at least its own aspiration of the next round and at least 0.
    """

    name = "tradeoffs"
    levels = (17, 9, 5)
    """Grid points per issue (land price, affordable share, overrun share)."""
    fine = 81
    """Land prices tried when an offer is moved onto the proposer's aspiration level."""
    reuse_lines = True
    """Value each land-price line once per negotiation (offers often return to a package: about two thirds of the
    lines in a run repeat); False values every line afresh (the same outcome: tests/test_negotiation_fastpath.py)."""

    def candidates(self, problem: Problem) -> np.ndarray:
        """(N, 3) packages on the grid."""
        import numpy as np  # lazily: `areasim check` resolves protocols without numpy
        bounds = (problem.land_bounds, problem.affordable_bounds, problem.overrun_bounds)
        axes = [np.linspace(lo, hi, n) if hi > lo else np.array([lo]) for (lo, hi), n in
                zip(bounds, self.levels, strict=True)]
        mesh = np.meshgrid(*axes, indexing="ij")
        return np.stack([m.ravel() for m in mesh], axis=1)

    @staticmethod
    def values_of(problem: Problem, x: np.ndarray) -> np.ndarray:
        """(N, 2) surpluses (developer, municipality) of packages (N, 3)."""
        import numpy as np  # lazily: `areasim check` resolves protocols without numpy
        if problem.evaluate_batch is not None:
            return np.asarray(problem.evaluate_batch(x[:, 0], x[:, 1], x[:, 2]), dtype=float)
        return np.array([problem.evaluate(Terms(*row)) for row in x.tolist()])

    def negotiate(self, problem: Problem) -> Outcome:
        import numpy as np  # lazily: `areasim check` resolves protocols without numpy
        x = self.candidates(problem)
        values = self.values_of(problem, x)
        for side, who in ((1, "municipality"), (0, "developer")):
            if not (values[:, side] >= 0).any():
                return Outcome(False, None, 0, self.name, f"no package is acceptable to the {who}")
        lo, hi = x.min(axis=0), x.max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        unit = (x - lo) / span  # issues scaled to 0-1
        top = values.max(axis=0)  # (developer, municipality) best surplus on the grid
        betas = (problem.developer_beta, problem.municipal_beta)
        last = max(1, problem.max_rounds - 1)
        land_lo, land_hi = problem.land_bounds

        def aspiration(side: int, t: int) -> float:
            return float(top[side] * (1 - (min(t, last) / last) ** (1 / betas[side])))

        offers: list[Offer] = []
        previous: np.ndarray | None = None  # the other side's last offer (issues)
        lines: dict[bytes, tuple] = {}  # each land-price line (and its values) made once: offers return to packages
        fine_land = np.linspace(land_lo, land_hi, self.fine)  # the land prices of every line
        for t in range(problem.max_rounds):
            side = 1 if t % 2 == 0 else 0  # the municipality opens
            other = 1 - side
            own = values[:, side]
            level = min(aspiration(side, t), top[side])
            feasible = np.flatnonzero(own >= level - 1e-9)
            if previous is None:
                pick = int(feasible[np.argmax(own[feasible])])
                package, worth = x[pick], values[pick]
            else:
                distance = np.sqrt((((unit[feasible] - (previous - lo) / span)) ** 2).sum(axis=1))
                order = np.lexsort((-own[feasible], np.round(distance, 12)))
                pick = int(feasible[order[0]])
                package, worth = x[pick], values[pick]
                if land_hi > land_lo:  # onto the aspiration level along the land price
                    # the line is the package's other issues (bit for bit) with every land price: the same line, the
                    # same surpluses (evaluations are pure)
                    key = package[1:].tobytes()
                    known = lines.get(key) if self.reuse_lines else None
                    if known is None:
                        line = np.repeat(package[None, :], self.fine, axis=0)
                        line[:, 0] = fine_land
                        known = lines[key] = (line, self.values_of(problem, line))
                    line, line_values = known
                    ok = np.flatnonzero(line_values[:, side] >= level - 1e-9)
                    if len(ok):
                        best = int(ok[np.argmin(np.abs(line[ok, 0] - previous[0]))])
                        package, worth = line[best], line_values[best]
            terms = Terms(*package.tolist())
            proposer = "municipality" if side == 1 else "developer"
            offers.append(Offer(t + 1, proposer, terms, float(worth[0]), float(worth[1])))
            theirs = worth[other]
            if theirs >= 0 and theirs >= aspiration(other, t + 1) - 1e-9:
                who = "developer" if other == 0 else "municipality"
                return Outcome(True, terms, t + 1, self.name, f"{who} accepted", offers)
            previous = np.array(package, dtype=float)
        feasible_both = ((values >= 0).all(axis=1)).any()
        reason = ("deadline passed before the offers met" if feasible_both
                  else "deadline passed: no package is acceptable to both")
        return Outcome(False, None, problem.max_rounds, self.name, reason, offers)


PROTOCOLS: Registry[Protocol] = Registry("negotiation protocol", Protocol)
"""The negotiation protocols available by name (see sim.registry)."""
PROTOCOLS.register(AlternatingOffers)
PROTOCOLS.register(NashBargaining)
PROTOCOLS.register(TradeOffs)


def resolve_protocol(name: str, source: str = "", field: str = "actors.negotiation.protocol") -> Protocol:
    """A protocol by registered name or allowed ``module:Class``."""
    return PROTOCOLS.resolve(name, source, field)()
