"""Documentation stays true: the scenario reference is generated from the schema."""

from __future__ import annotations

from sim.scenario.docs import render_reference
from tests.conftest import ROOT


def test_scenario_readme_reference_matches_the_schema():
    """Run `python tools/gen_scenario_docs.py` after changing sim/scenario/schema.py."""
    assert render_reference() in (ROOT / "scenarios" / "README.md").read_text()


def test_fund_design_reference_matches_the_schema():
    from sim.funds.design import FundDesign

    assert render_reference(FundDesign) in (ROOT / "scenarios" / "funds" / "README.md").read_text()


def test_every_scenario_parameter_has_unit_and_source():
    from pydantic import BaseModel

    from sim.scenario.errors import _unwrap
    from sim.scenario.schema import Scenario

    missing = []

    def walk(model, path):
        for name, info in model.model_fields.items():
            subs = [a for a in _unwrap(info.annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
            if subs:
                walk(subs[0], f"{path}.{name}")
                continue
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if name not in ("name", "description", "region", "archetype") and not (
                    extra.get("unit") and extra.get("source")):
                missing.append(f"{path}.{name}")

    walk(Scenario, "")
    assert not missing, missing
