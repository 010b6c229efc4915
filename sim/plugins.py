"""Check the plug-ins a scenario names: cooperation models, negotiation protocol, fund design.

Plug-ins are resolved by registered name or by ``package.module:Class``; an unknown one is a
one-line input error naming the field.
"""

from __future__ import annotations

from sim.cooperation import resolve
from sim.errors import InputError
from sim.negotiation.protocols import resolve_protocol
from sim.scenario.schema import Scenario

FUND_DESIGNS: dict[str, str] = {"none": "no public fund (the baseline)"}


def check_plugins(scenario: Scenario, source: str) -> None:
    """Raise InputError if the scenario names a plug-in that cannot be found."""
    resolve(scenario.cooperation.model, source, "cooperation.model")
    for i, area in enumerate(scenario.areas):
        if area.cooperation is not None:
            resolve(area.cooperation, source, f"areas[{i}].cooperation")
    resolve_protocol(scenario.actors.negotiation.protocol, source)
    if scenario.funds.design not in FUND_DESIGNS:
        raise InputError(source, "funds.design", scenario.funds.design, ", ".join(sorted(FUND_DESIGNS)),
                         problem="unknown fund design")
