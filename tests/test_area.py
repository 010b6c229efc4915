"""Areas: programmes split exactly, costs per phase, area-wide works paid once."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.area import AREA_WIDE_ITEMS, OWNER, SOCIAL, build_areas, split_homes
from sim.scenario import from_dict
from tests.conftest import mini


@given(st.integers(0, 100_000), st.lists(st.floats(0.01, 1), min_size=1, max_size=6))
def test_split_homes_adds_up_exactly(total, shares):
    parts = split_homes(total, shares)
    assert parts.sum() == total and (parts >= 0).all()


def test_phases_hold_all_homes_and_segments():
    s = from_dict(mini())
    areas = build_areas(s, np.random.default_rng(0))
    north = areas[0]
    assert sum(p.total_homes for p in north.phases) == 1200 and len(north.phases) == 3
    assert north.homes_by_segment[SOCIAL] == 360 and north.homes_by_segment[OWNER] == 540


def test_area_wide_works_are_paid_with_the_first_phase_only():
    areas = build_areas(from_dict(mini()), np.random.default_rng(0))
    for area in areas:
        for item in AREA_WIDE_ITEMS:
            assert area.phases[0].costs[item] > 0
            assert all(p.costs[item] == 0 for p in area.phases[1:])


def test_no_buy_out_cost_on_municipal_land():
    data = mini()
    data["areas"][0]["ownership"] = {"municipality": 1.0, "developers": 0.0, "businesses": 0.0}
    area = build_areas(from_dict(data), np.random.default_rng(0))[0]
    assert all(p.costs["acquisition"] == 0 for p in area.phases)


def test_cost_overruns_are_positive_on_average_and_right_skewed():
    """Reference class (Cantarelli 2009: +10.3 % on average): drawn costs average 1 + overrun_mean times the
    estimate, with a longer tail above than below."""
    data = mini(areas=[{"name": f"a{i}", "region": "middle", "archetype": "complex", "homes": 10, "phases": 1}
                       for i in range(2000)])
    scenario = from_dict(data)
    areas = build_areas(scenario, np.random.default_rng(1))
    draws = np.array([a.cost_draws["remediation"] for a in areas])
    expected = 1 + scenario.archetypes[0].overrun_mean
    assert abs(draws.mean() - expected) < 0.02
    assert np.mean(draws > 1.0) > 0.5  # most projects overrun
    assert np.quantile(draws, 0.95) - np.median(draws) > np.median(draws) - np.quantile(draws, 0.05)  # right skew
