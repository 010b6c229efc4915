"""Calibration: the complex inner-city archetype shows the Fakton (2016) deficit in a normal market."""

from __future__ import annotations

import pytest

from sim.calibration import FAKTON_DEFICIT_PER_HOME, calibrate_cost_scale, static_result_per_home
from sim.scenario import load_scenario
from tests.conftest import DEFAULT


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(DEFAULT)


def test_complex_inner_city_deficit_is_about_28500_per_home(scenario):
    archetype = next(a for a in scenario.archetypes if a.name == "complex_inner_city")
    result = static_result_per_home(scenario, archetype, "middle")
    assert result == pytest.approx(FAKTON_DEFICIT_PER_HOME, rel=0.02)


def test_shipped_costs_need_no_further_scaling(scenario):
    assert calibrate_cost_scale(scenario) == pytest.approx(1.0, abs=0.02)


def test_tight_markets_pay_for_their_works_and_relaxed_ones_do_not(scenario):
    """Brief: land revenues rarely cover public works, except in very tight markets."""
    archetype = next(a for a in scenario.archetypes if a.name == "complex_inner_city")
    assert static_result_per_home(scenario, archetype, "tight") > 0
    assert static_result_per_home(scenario, archetype, "relaxed") < FAKTON_DEFICIT_PER_HOME
