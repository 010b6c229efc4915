"""Names a scenario may use for plug-ins, and the check that it uses only known ones.

Core knows one cooperation model ('traditional': active municipal land policy, the
temporary rules in sim.agents) and one fund design ('none'). The Actors and Funds
issues register more here.
"""

from __future__ import annotations

from sim.errors import InputError
from sim.scenario.schema import Scenario

COOPERATION_MODELS: dict[str, str] = {
    "traditional": "active land policy: the municipality buys all land, pays the public works and sells "
                   "serviced plots (Core rules)",
}
FUND_DESIGNS: dict[str, str] = {"none": "no public fund (the baseline)"}


def check_plugins(scenario: Scenario, source: str) -> None:
    """Raise InputError if the scenario names an unknown cooperation model or fund design."""
    allowed = ", ".join(sorted(COOPERATION_MODELS))
    if scenario.cooperation.model not in COOPERATION_MODELS:
        raise InputError(source, "cooperation.model", scenario.cooperation.model, allowed,
                         problem="unknown cooperation model")
    for i, area in enumerate(scenario.areas):
        if area.cooperation is not None and area.cooperation not in COOPERATION_MODELS:
            raise InputError(source, f"areas[{i}].cooperation", area.cooperation, allowed,
                             problem="unknown cooperation model")
    if scenario.funds.design not in FUND_DESIGNS:
        raise InputError(source, "funds.design", scenario.funds.design, ", ".join(sorted(FUND_DESIGNS)),
                         problem="unknown fund design")
