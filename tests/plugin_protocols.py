"""A third negotiation protocol written as one class outside the package (used by tests/test_protocols.py).

Split the difference: one round, the package halfway along the line between the two ideals,
accepted if both sides gain from it (a textbook benchmark, not a Dutch practice).
"""

from sim.negotiation.protocols import PROTOCOLS, Offer, Outcome, Problem, Protocol


@PROTOCOLS.register
class SplitTheDifference(Protocol):
    """Propose the midpoint of the two ideals once; both must gain (surplus ≥ 0) or there is no deal."""

    name = "split_the_difference"

    def negotiate(self, problem: Problem) -> Outcome:
        terms = problem.on_line(0.5)
        s_dev, s_mun = problem.evaluate(terms)
        offer = Offer(1, "mediator", terms, s_dev, s_mun)
        if s_dev >= 0 and s_mun >= 0:
            return Outcome(True, terms, 1, self.name, "both gain from the midpoint", [offer])
        return Outcome(False, None, 1, self.name, "the midpoint leaves one side worse off", [offer])
