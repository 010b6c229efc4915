"""Negotiation protocols: one contract every registered protocol passes, and scripted expected offers.

The synthetic negotiation: only the land price (€/home, −100…100) is open. The developer gains
50 − land, the municipality land + 20, so packages with land in [−20, 50] are acceptable to both.
"""

from __future__ import annotations

import pickle

import pytest

import tests.plugin_protocols  # noqa: F401  (registers a protocol written outside the package)
from sim.cooperation import Terms
from sim.negotiation.protocols import PROTOCOLS, Problem, resolve_protocol


def linear_problem(dev_gain: float = 50.0, mun_gain: float = 20.0, rounds: int = 5, weight: float = 0.5) -> Problem:
    def evaluate(terms: Terms) -> tuple[float, float]:
        return dev_gain - terms.land_price, terms.land_price + mun_gain

    return Problem(evaluate=evaluate, evaluate_batch=None, land_bounds=(-100.0, 100.0),
                   affordable_bounds=(0.3, 0.3), overrun_bounds=(0.0, 0.0), developer_weight=weight,
                   max_rounds=rounds)


@pytest.mark.parametrize("name", PROTOCOLS.names())
class TestEveryProtocol:
    """The contract: terms within bounds, both sides gain on success, no deal without a zone of agreement,
    deterministic, picklable."""

    def test_a_deal_lies_within_the_bounds_and_both_sides_gain(self, name):
        problem = linear_problem()
        outcome = resolve_protocol(name).negotiate(problem)
        assert outcome.success and outcome.protocol == name
        assert -100.0 <= outcome.terms.land_price <= 100.0
        assert outcome.terms.affordable_share == pytest.approx(0.3) and outcome.terms.overrun_share == 0.0
        s_dev, s_mun = problem.evaluate(outcome.terms)
        assert s_dev >= -1e-9 and s_mun >= -1e-9
        assert outcome.offers, "every protocol reports its offers"

    def test_no_zone_of_agreement_gives_no_deal(self, name):
        outcome = resolve_protocol(name).negotiate(linear_problem(dev_gain=-50.0, mun_gain=20.0))
        assert not outcome.success and outcome.terms is None and outcome.reason

    def test_the_same_problem_gives_the_same_outcome(self, name):
        a = resolve_protocol(name).negotiate(linear_problem())
        b = resolve_protocol(name).negotiate(linear_problem())
        assert a.terms == b.terms and [o.terms for o in a.offers] == [o.terms for o in b.offers]

    def test_it_is_picklable(self, name):
        protocol = resolve_protocol(name)
        assert type(pickle.loads(pickle.dumps(protocol))) is type(protocol)


def test_alternating_offers_concede_linearly_until_the_municipality_accepts():
    """On the 41-point grid θ_mun = 0.575 (0.6 lands a hair below −20) and θ_dev = 0.25; with β = 1 and five
    rounds the municipality offers θ = 0, 0.2875 and the developer 0.8125, 0.4375; the municipality
    accepts the developer's 12.5 (worth 32.5 to it, more than its own next offer) in round 4."""
    outcome = resolve_protocol("alternating_offers").negotiate(linear_problem())
    script = [(o.round, o.proposer, round(o.terms.land_price, 6)) for o in outcome.offers]
    assert script == [(1, "municipality", 100.0), (2, "developer", -62.5), (3, "municipality", 42.5),
                      (4, "developer", 12.5)]
    assert outcome.reason == "municipality accepted" and outcome.terms.land_price == pytest.approx(12.5)


def test_nash_bargaining_with_equal_weights_splits_the_surplus():
    """max ½ log(50 − L) + ½ log(L + 20) at L = 15: each side gains 35."""
    outcome = resolve_protocol("nash").negotiate(linear_problem())
    assert outcome.terms.land_price == pytest.approx(15.0, abs=0.5)


def test_a_stronger_developer_pays_less_under_nash():
    weak = resolve_protocol("nash").negotiate(linear_problem(weight=0.3)).terms.land_price
    strong = resolve_protocol("nash").negotiate(linear_problem(weight=0.7)).terms.land_price
    assert strong < weak


def test_a_protocol_outside_the_package_is_one_registered_class():
    outcome = resolve_protocol("split_the_difference").negotiate(linear_problem())
    assert outcome.success and outcome.terms.land_price == pytest.approx(0.0)
    assert "split_the_difference" in PROTOCOLS.names()


def grant_problem(rounds: int = 12) -> Problem:
    """Two open issues. Affordable homes cost the developer up to 20; a grant of 60 reaches the municipality
    only when the affordable share is at least 0.5 (a scheme condition). On the line between the ideals a
    package with share ≥ 0.5 asks a land price of at least 75, which the developer refuses."""

    def evaluate(terms: Terms) -> tuple[float, float]:
        a = (terms.affordable_share - 0.2) / 0.4
        grant = 60.0 if terms.affordable_share >= 0.5 - 1e-9 else 0.0
        return 70.0 - terms.land_price - 20.0 * a, terms.land_price - 40.0 + grant

    return Problem(evaluate=evaluate, evaluate_batch=None, land_bounds=(0.0, 100.0), affordable_bounds=(0.2, 0.6),
                   overrun_bounds=(0.0, 0.0), max_rounds=rounds)


def test_trade_offs_keep_the_programme_a_grant_hangs_on_and_give_on_land_price():
    """Mechanism: similarity-based trade-offs (Faratin et al. 2002) let the municipality concede land price
    while it holds the affordable share its grant requires; alternating offers on the line cannot."""
    problem = grant_problem()
    traded = resolve_protocol("tradeoffs").negotiate(problem)
    line = resolve_protocol("alternating_offers").negotiate(problem)
    assert traded.success and line.success
    assert traded.terms.affordable_share >= 0.5 > line.terms.affordable_share
    assert traded.terms.land_price < line.terms.land_price
    assert sum(problem.evaluate(traded.terms)) > sum(problem.evaluate(line.terms))


def test_trade_off_offers_open_at_each_ideal_and_concede_monotonically():
    """The municipality opens with its best package; no side later asks more for itself (its aspiration falls)."""
    outcome = resolve_protocol("tradeoffs").negotiate(grant_problem())
    assert outcome.offers[0].municipal_surplus == pytest.approx(120.0)  # land 100, share ≥ 0.5, grant
    by_side = {"municipality": [o.municipal_surplus for o in outcome.offers if o.proposer == "municipality"],
               "developer": [o.developer_surplus for o in outcome.offers if o.proposer == "developer"]}
    for values in by_side.values():
        assert all(b <= a + 1e-9 for a, b in zip(values, values[1:], strict=False))
