"""Shared fixtures: small scenarios built as dicts (fast) and the shipped default scenario."""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ["AREASIM_PLUGINS"] = "tests"  # the test plug-ins (tests/plugin_*.py) may be named in scenarios
DEFAULT = ROOT / "scenarios" / "nl_programme.toml"

MINI: dict = {
    "name": "mini",
    "seed": 7,
    "horizon_years": 15,
    "regions": [
        {"name": "middle", "absorption_homes_per_quarter": 120.0},
        {"name": "relaxed", "tightness": "relaxed", "owner_price_per_m2": 4100.0, "mid_rent_per_month": 950.0,
         "absorption_homes_per_quarter": 60.0, "social_land_price": 18600.0},
    ],
    "archetypes": [{
        "name": "complex", "acquisition_per_home": 29840.0, "demolition_per_home": 4660.0,
        "remediation_per_home": 9320.0, "site_preparation_per_home": 7460.0,
        "infrastructure_per_home": 9320.0, "public_transport_per_home": 3730.0,
    }],
    # a mechanics world, not a calibration: a municipality that accepts the calibrated inner-city deficits,
    # so its land decisions go and the rules downstream are exercised (tests that study the limit change it)
    "actors": {"municipality": {"max_deficit_per_home": 40000.0, "budget": 400e6}},
    "areas": [
        {"name": "north", "region": "middle", "archetype": "complex", "homes": 1200, "phases": 3},
        {"name": "south", "region": "relaxed", "archetype": "complex", "homes": 800, "phases": 2,
         "start_quarter": 2},
    ],
}


def mini(**changes) -> dict:
    """A copy of the mini scenario dict with top-level keys replaced."""
    data = copy.deepcopy(MINI)
    data.update(changes)
    return data


@pytest.fixture
def mini_dict() -> dict:
    return mini()


@pytest.fixture(scope="session")
def default_dict() -> dict:
    with DEFAULT.open("rb") as fh:
        return tomllib.load(fh)


def write_toml(path: Path, data: dict) -> Path:
    """Write a scenario dict as TOML (minimal writer for tests: tables, arrays of tables, scalars)."""
    lines: list[str] = []

    def scalar(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list | tuple):
            return "[" + ", ".join(scalar(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {scalar(x)}" for k, x in v.items()) + " }"
        return repr(v)

    def table(prefix: str, d: dict):
        simple = {k: v for k, v in d.items() if not isinstance(v, dict) and not
                  (isinstance(v, list) and v and isinstance(v[0], dict))}
        for k, v in simple.items():
            lines.append(f"{k} = {scalar(v)}")
        for k, v in d.items():
            if isinstance(v, dict):
                lines.append(f"\n[{prefix}{k}]")
                table(f"{prefix}{k}.", v)
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                for item in v:
                    lines.append(f"\n[[{prefix}{k}]]")
                    table(f"{prefix}{k}.", item)

    table("", data)
    path.write_text("\n".join(lines) + "\n")
    return path


def check_invariants(model) -> None:
    """What must hold after any run."""
    scale = max(1.0, sum(abs(v) for v in model.ledger.balances.values()))
    assert abs(model.ledger.total()) <= 1e-9 * scale, "ledger out of balance"
    planned = sum(p.total_homes for p in model.phases)
    assert model.completed_total.sum() <= planned
    for container in model.capacities.construction:
        assert 0 <= container.level <= container.capacity
    for p in model.phases:
        assert -1e-9 <= p.owner_sold <= p.owner_homes + 1e-9
        assert p.public_costs_paid >= 0 and p.land_price_paid >= 0
        if p.stage_name == "abandoned":
            assert p.reason, "an abandoned phase must say why"
        if p.completion is not None:
            assert p.construction_start is not None and p.construction_start <= p.completion
    for area in model.areas:
        assert area.state() in {"done", "abandoned", "stalled", "active", "planned"}
    for fund in model.funds:
        assert fund.paid - fund.returned - fund.levies <= fund.spec.budget + 1e-6
        assert model.ledger.balance(fund.account) >= -1e-6
    for h in model.housing_associations:  # committed blocks never breach the association's limits
        acc = h.accounts()
        assert h.debt >= 0 and h.homes >= h.params.stock_homes and acc["ltv"] >= 0
