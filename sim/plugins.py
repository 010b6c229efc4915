"""Check the plug-ins a scenario names: cooperation models, negotiation protocol, fund design.

Plug-ins are resolved by registered name or by ``package.module:Class``; an unknown one is a
one-line input error naming the field.
"""

from __future__ import annotations

from pathlib import Path

from sim.cooperation import resolve
from sim.errors import InputError
from sim.negotiation.protocols import resolve_protocol
from sim.scenario.schema import Scenario


def check_plugins(scenario: Scenario, source: str):
    """Raise InputError if the scenario names a plug-in that cannot be found; returns its fund design.

    The baseline design ``none`` has nothing to load or check: it returns None without importing the
    fund modules (their models cost ~0.02-0.03 s of ``areasim check``);
    :func:`sim.scenario.inputs.validate_data` turns it into ``NO_FUND``.
    """
    resolve(scenario.cooperation.model, source, "cooperation.model")
    for i, area in enumerate(scenario.areas):
        if area.cooperation is not None:
            resolve(area.cooperation, source, f"areas[{i}].cooperation")
    resolve_protocol(scenario.actors.negotiation.protocol, source)
    if scenario.funds.design == "none":
        return None
    from sim.funds.design import load_design

    base = Path(source).parent if source else None
    design = load_design(scenario.funds.design, base, "funds.design", source)
    region_names = {r.name for r in scenario.regions}
    for i, fund in enumerate(design.funds):
        for region in fund.regions:
            if region not in region_names:
                raise InputError(source, f"funds.design ({design.name}) funds[{i}].regions", region,
                                 ", ".join(sorted(region_names)), problem="unknown region")
    return design
