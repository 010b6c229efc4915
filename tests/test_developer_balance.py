"""Developers carry land and projects at market value: a crash eats their equity before their cash runs out."""

from __future__ import annotations

import pytest

from sim.model import AreaModel
from sim.scenario import from_dict
from tests.test_behaviour import CRASH, STEADY, one_area

SEEDS = range(1, 9)


def thin_developer(market: dict) -> dict:
    """One developer with €5M equity holding most of the land of a building-claim area in the middle region."""
    data = one_area("building_claim", market, region="middle",
                    ownership={"municipality": 0.2, "developers": 0.7, "businesses": 0.1})
    data["actors"] = {"developers": {"count": 1, "equity": 5e6, "leverage": 1.0}}
    return data


def test_a_crash_marks_a_thin_developer_down_until_it_fails_while_a_steady_market_does_not():
    """Mark to market (developer's equity test): in a −35 % crash its land (residual value, with leverage) and its
    projects (unsold homes at today's price) lose value, its equity and shrinking credit are gone and it fails —
    in at least 4 of 8 futures, in none of 8 steady ones — while its cash alone (the old test) was still positive."""
    crash_failures = 0
    for seed in SEEDS:
        steady = AreaModel(from_dict(thin_developer(STEADY)), seed=seed).run()
        assert not any(e["event"] == "developer_failed" for e in steady.events)
        crash = AreaModel(from_dict(thin_developer(CRASH)), seed=seed).run()
        failed = [e for e in crash.events if e["event"] == "developer_failed"]
        crash_failures += bool(failed)
        for e in failed:  # the write-downs, not an empty till, made it fail
            assert e["cash"] > -5e6 * 2 and e["credit_limit"] < 0
    assert crash_failures >= 4


def test_presold_projects_under_construction_count_as_assets():
    """Work in progress: what buyers still owe on presold homes offsets the construction paid, so building in a
    steady market does not shrink a developer's limit below its equity (no failures from building itself)."""
    m = AreaModel(from_dict(thin_developer(STEADY)), seed=1)
    developer = m.parties.developers[0]
    lows = []
    for _ in range(40):
        m.step()
        if any(p.construction_start is not None and p.completion is None for p in m.phases):
            lows.append(developer.project_marks())
    assert lows and min(lows) > -1e6


def test_a_stake_in_a_joint_land_company_carries_its_share_of_the_companys_expected_loss():
    """JV stake: when the municipality's provision for its share s of a joint land company's expected loss grows
    beyond the plan deficit (a write-down), the developer partner writes down (1 − s)/s of that growth — in each
    of 4 crash futures (no land of its own, no land bank)."""
    for seed in range(1, 5):
        data = one_area("joint_venture", CRASH, region="middle",
                        ownership={"municipality": 0.6, "developers": 0.0, "businesses": 0.4})
        data["actors"] = {"developers": {"count": 1, "equity": 400e6, "land_bank": 0.0},
                          "municipality": {"max_deficit_per_home": 40000.0}}  # a JV deal the council accepts
        m = AreaModel(from_dict(data), seed=seed)
        developer, municipality, area = m.parties.developers[0], m.parties.municipalities[0], m.areas[0]
        seen = False
        for _ in range(40):
            m.step()
            held = municipality.provisions.get(area.name, 0.0) - municipality.plan_provisions.get(area.name, 0.0)
            s = area.coop.jv_municipal_share
            if held > 0 and s < 1 and area.developer is developer:
                assert developer.write_downs() == pytest.approx(-held * (1 - s) / s)
                seen = True
        assert seen
