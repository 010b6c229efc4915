"""Dutch municipal accounting of land development (BBV rules).

- An expected loss on a land-development account is provided for in full at once
  (the provision equals the negative net present value).
- Profit is taken only as the work progresses: expected profit × percentage of
  completion, where the percentage is realised costs share × realised revenues share
  (Commissie BBV, Notitie Grondbeleid in begroting en jaarstukken 2019; docs/sources.md#bbv-grex).
"""

from __future__ import annotations


def required_provision(expected_npv: float) -> float:
    """Provision (€, ≥ 0) required for a land-development account with this expected NPV."""
    return max(0.0, -expected_npv)


def percentage_of_completion(costs_realised: float, costs_total: float,
                             revenues_realised: float, revenues_total: float) -> float:
    """BBV percentage of completion (fraction): realised cost share × realised revenue share."""
    if costs_total <= 0 or revenues_total <= 0:
        return 0.0
    cost_share = min(1.0, max(0.0, costs_realised / costs_total))
    revenue_share = min(1.0, max(0.0, revenues_realised / revenues_total))
    return cost_share * revenue_share


def profit_to_take(expected_result: float, completion: float, already_taken: float) -> float:
    """Profit (€) to take now: expected profit × completion, minus what was taken before.

    Negative when the expected result has fallen below what was taken: the excess is reversed (BBV:
    profit taken by percentage of completion follows the current estimate; an area with an expected
    loss keeps no profit taken).
    """
    return max(0.0, expected_result) * completion - already_taken
